import { useTranslation } from 'react-i18next';
import { NavLink, Outlet } from 'react-router';
import { useCurrentPractice } from './AppShell';

export function SettingsLayout() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const base = `/app/${membership.practiceId}/settings`;
  return (
    <>
      <h1>{t('settings.title')}</h1>
      <nav className="tabs" aria-label={t('settings.sections')}>
        <NavLink to={`${base}/practice`}>{t('settings.practice')}</NavLink>
        <NavLink to={`${base}/staff`}>{t('settings.staff')}</NavLink>
        {can('calendar:read') && <NavLink to={`${base}/calendar`}>{t('settings.calendar')}</NavLink>}
        {can('practice:manage') && <NavLink to={`${base}/price-list`}>{t('settings.priceList')}</NavLink>}
        {(can('inbox:read') || can('practice:manage')) && (
          <NavLink to={`${base}/whatsapp`}>{t('settings.whatsapp')}</NavLink>
        )}
        {can('practice:read') && <NavLink to={`${base}/assistant`}>{t('settings.assistant')}</NavLink>}
        {can('practice:read') && <NavLink to={`${base}/reminders`}>{t('settings.reminders')}</NavLink>}
        {can('patients:import') && <NavLink to={`${base}/import`}>{t('settings.import')}</NavLink>}
      </nav>
      <Outlet />
    </>
  );
}
