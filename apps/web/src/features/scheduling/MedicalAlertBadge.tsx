import type { AlertNotice } from '@dentalpro/contracts';
import { useQuery } from '@tanstack/react-query';
import { type KeyboardEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';

const GROUPS = ['allergies', 'conditions', 'medications'] as const;

/** Reading the details is logged on the server; keep one reading per patient for a while rather than one per hover. */
const alertNoticeKey = (practiceId: string, patientId: string, details: boolean) =>
  ['alert-notice', practiceId, patientId, details] as const;

function fetchAlertNotice(practiceId: string, patientId: string, details: boolean) {
  return api.get<AlertNotice>(
    `/practices/${practiceId}/patients/${patientId}/alert-notice${details ? '?details=true' : ''}`,
  );
}

/** Whether a patient has medical alerts (the flag alone: nothing is read from the record, nothing logged). */
export function usePatientHasAlerts(practiceId: string, patientId: string | undefined) {
  const notice = useQuery({
    queryKey: alertNoticeKey(practiceId, patientId ?? '', false),
    queryFn: () => fetchAlertNotice(practiceId, patientId ?? '', false),
    enabled: Boolean(patientId),
    staleTime: 30_000,
  });
  return notice.data?.hasAlerts === true;
}

/** A warning triangle: the badge is never colour alone. */
export function AlertGlyph() {
  return (
    <svg
      className="alert-glyph"
      width="16"
      height="16"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2.2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d="M12 3 2 20h20zM12 10v4.5M12 17.5h.01" />
    </svg>
  );
}

/**
 * The calendar card's badge, before the patient's name: inside a button already, so it only shows
 * (the card's accessible name says it too); narrow week columns keep the icon and drop the words.
 */
export function MedicalAlertMark() {
  const { t } = useTranslation();
  return (
    <span className="medical-alert-mark" title={t('patientRecord.alerts.badge')}>
      <AlertGlyph />
      <span className="medical-alert-mark-text">{t('patientRecord.alerts.badge')}</span>
      {/* Lays out as nothing (a flex box), but keeps "Medical alert" apart from the name that follows in the text read out. */}{' '}
    </span>
  );
}

/**
 * "Medical alert" with the details on hover, keyboard focus or a tap: the alerts for those allowed to
 * read them, else "ask the dentist" (the server decides; it sends no details to whom may not see them).
 */
export function MedicalAlertBadge({ practiceId, patientId }: { practiceId: string; patientId: string }) {
  const { t } = useTranslation();
  const popoverId = useId();
  const [hovered, setHovered] = useState(false);
  const [focused, setFocused] = useState(false);
  const [pinned, setPinned] = useState(false);
  const open = hovered || focused || pinned;
  const notice = useQuery({
    queryKey: alertNoticeKey(practiceId, patientId, true),
    queryFn: () => fetchAlertNotice(practiceId, patientId, true),
    enabled: open,
    staleTime: 5 * 60_000,
  });
  const close = () => {
    setHovered(false);
    setFocused(false);
    setPinned(false);
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) {
      // Close the popover, not the panel or dialog around it.
      event.stopPropagation();
      close();
    }
  };
  const details = notice.data?.details;
  return (
    <span className="medical-alert">
      <button
        type="button"
        className="medical-alert-badge"
        aria-expanded={open}
        aria-describedby={open ? popoverId : undefined}
        onMouseEnter={() => setHovered(true)}
        onMouseLeave={() => setHovered(false)}
        onKeyDown={onKeyDown}
        onFocus={() => setFocused(true)}
        onBlur={() => {
          setFocused(false);
          setPinned(false);
        }}
        // A tap (touch has no hover) pins it open; a second tap closes it.
        onClick={() => setPinned((p) => !p)}
      >
        <AlertGlyph />
        {t('patientRecord.alerts.badge')}
      </button>
      {open && (
        <span id={popoverId} role="tooltip" className="medical-alert-popover">
          {notice.isPending ? (
            t('patientRecord.alerts.loading')
          ) : details ? (
            <span className="medical-alert-details">
              {GROUPS.filter((g) => details[g].length > 0).map((g) => (
                <span key={g} className="medical-alert-group">
                  <strong>{t(`patientRecord.alerts.${g}`)}:</strong> {details[g].join(', ')}
                </span>
              ))}
            </span>
          ) : (
            t('patientRecord.alerts.askDentist')
          )}
        </span>
      )}
    </span>
  );
}

/** The badge for a patient just chosen (the booking dialog): nothing while they have no alerts. */
export function ChosenPatientAlert({ practiceId, patientId }: { practiceId: string; patientId: string }) {
  const hasAlerts = usePatientHasAlerts(practiceId, patientId);
  if (!hasAlerts) return null;
  return (
    <p className="medical-alert-line">
      <MedicalAlertBadge practiceId={practiceId} patientId={patientId} />
    </p>
  );
}
