import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, useParams } from 'react-router';
import { Alert } from '../../../components/Alert';
import { useCurrentPractice } from '../../shell/AppShell';
import { AppointmentTypesSettings } from './AppointmentTypesSettings';
import { CalendarOptionsSettings } from './CalendarOptionsSettings';
import { ChairsSettings } from './ChairsSettings';
import { ClosuresSettings } from './ClosuresSettings';
import { HolidaysSettings } from './HolidaysSettings';
import { OpeningHoursSettings } from './OpeningHoursSettings';
import { ProvidersSettings } from './ProvidersSettings';

const SECTIONS = {
  chairs: ChairsSettings,
  providers: ProvidersSettings,
  'opening-hours': OpeningHoursSettings,
  'appointment-types': AppointmentTypesSettings,
  closures: ClosuresSettings,
  holidays: HolidaysSettings,
  options: CalendarOptionsSettings,
} as const;
type Section = keyof typeof SECTIONS;

export interface SettingsSectionProps {
  practiceId: string;
  /** schedule:manage; without it every section is read-only. */
  manage: boolean;
}

/** Settings → Calendar: everyone who sees the calendar may read these; only owners change them. */
export function ScheduleSettingsPage() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const { section = 'chairs' } = useParams();
  if (!can('calendar:read')) return <Alert tone="error">{t('errors.forbidden')}</Alert>;
  if (!(section in SECTIONS)) return <Navigate to="../chairs" replace relative="path" />;
  const Content = SECTIONS[section as Section];
  const manage = can('schedule:manage');
  return (
    <>
      <nav className="subnav" aria-label={t('scheduleSettings.sections')}>
        {(Object.keys(SECTIONS) as Section[]).map((key) => (
          <NavLink key={key} to={`/app/${membership.practiceId}/settings/calendar/${key}`}>
            {t(`scheduleSettings.nav.${key}`)}
          </NavLink>
        ))}
      </nav>
      {!manage && <Alert tone="info">{t('scheduleSettings.readOnly')}</Alert>}
      <Content practiceId={membership.practiceId} manage={manage} />
    </>
  );
}
