import type { Permission } from '@dentalpro/contracts';
import { useTranslation } from 'react-i18next';
import { NavLink, Navigate, Outlet } from 'react-router';
import { useCurrentPractice } from '../shell/AppShell';

/**
 * The Privacy section of the staff app: one tab per part of issue 14.
 *
 * To add a tab: add one line to PRIVACY_TABS below (`path` under /app/:practiceId/privacy, the i18n key
 * under `privacySection.tabs`, the permission that shows it) and one nested <Route> under
 * `<Route path="privacy" element={<PrivacyLayout />}>` in App.tsx. Your page keeps its own <h1>; this
 * frame only draws the tabs above it. The first tab a user may see is where /app/:id/privacy lands.
 */
export const PRIVACY_TABS = [
  { path: 'requests', key: 'requests', permission: 'privacy:requests' },
  { path: 'retention', key: 'retention', permission: 'privacy:manage' },
  { path: 'legal-holds', key: 'legalHolds', permission: 'privacy:manage' },
  { path: 'records', key: 'records', permission: 'privacy:manage' },
  { path: 'breaches', key: 'breaches', permission: 'privacy:manage' },
  { path: 'policy', key: 'policy', permission: 'privacy:manage' },
  { path: 'request-settings', key: 'requestSettings', permission: 'privacy:manage' },
] as const satisfies readonly { path: string; key: string; permission: Permission }[];

export function PrivacyLayout() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  const base = `/app/${membership.practiceId}/privacy`;
  return (
    <>
      <nav className="tabs" aria-label={t('privacySection.sections')}>
        {PRIVACY_TABS.filter((tab) => can(tab.permission)).map((tab) => (
          <NavLink key={tab.path} to={`${base}/${tab.path}`}>
            {t(`privacySection.tabs.${tab.key}`)}
          </NavLink>
        ))}
      </nav>
      <Outlet />
    </>
  );
}

/** /app/:id/privacy opens the first tab this user may see. */
export function PrivacyIndex() {
  const { can } = useCurrentPractice();
  const first = PRIVACY_TABS.find((tab) => can(tab.permission));
  return <Navigate to={first ? first.path : 'requests'} replace />;
}
