import { type KeyboardEvent, useRef } from 'react';
import { useTranslation } from 'react-i18next';

export const PATIENT_TABS = ['overview', 'appointments', 'chart', 'plan', 'notes', 'documents'] as const;
export type PatientTab = (typeof PATIENT_TABS)[number];
export const CLINICAL_TABS: readonly PatientTab[] = ['chart', 'plan', 'notes', 'documents'];

export const tabId = (tab: PatientTab) => `patient-tab-${tab}`;
export const panelId = (tab: PatientTab) => `patient-panel-${tab}`;

interface PatientTabsProps {
  tabs: readonly PatientTab[];
  current: PatientTab;
  onChange: (tab: PatientTab) => void;
}

/** The WAI-ARIA tabs pattern: one tab stop, arrows/Home/End move and open a tab. */
export function PatientTabs({ tabs, current, onChange }: PatientTabsProps) {
  const { t } = useTranslation();
  const refs = useRef(new Map<PatientTab, HTMLButtonElement>());
  const move = (event: KeyboardEvent, index: number) => {
    const last = tabs.length - 1;
    const next =
      event.key === 'ArrowRight'
        ? index === last
          ? 0
          : index + 1
        : event.key === 'ArrowLeft'
          ? index === 0
            ? last
            : index - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null;
    if (next === null) return;
    event.preventDefault();
    const tab = tabs[next]!;
    onChange(tab);
    refs.current.get(tab)?.focus();
  };
  return (
    <div role="tablist" aria-label={t('patientRecord.tabsLabel')} className="record-tabs">
      {tabs.map((tab, index) => (
        <button
          key={tab}
          ref={(el) => {
            if (el) refs.current.set(tab, el);
            else refs.current.delete(tab);
          }}
          type="button"
          role="tab"
          id={tabId(tab)}
          aria-selected={tab === current}
          aria-controls={panelId(tab)}
          tabIndex={tab === current ? 0 : -1}
          className="record-tab"
          onClick={() => onChange(tab)}
          onKeyDown={(e) => move(e, index)}
        >
          {t(`patientRecord.tabs.${tab}`)}
        </button>
      ))}
    </div>
  );
}
