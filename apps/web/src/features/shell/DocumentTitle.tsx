import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';

const TITLES: [RegExp, string][] = [
  [/^\/$/, 'nav.home'],
  [/^\/privacy/, 'privacy.title'],
  [/^\/copy\//, 'copyLink.title'],
  [/^\/setup/, 'setup.title'],
  [/^\/login/, 'auth.login.title'],
  [/^\/forgot-password/, 'auth.forgot.title'],
  [/^\/reset-password/, 'auth.reset.title'],
  [/^\/invitations\//, 'auth.invitation.title'],
  [/^\/sandbox\/whatsapp/, 'sandbox.title'],
  [/^\/app\/[^/]+\/calendar/, 'nav.calendar'],
  [/^\/app\/[^/]+\/patients/, 'nav.patients'],
  [/^\/app\/[^/]+\/recalls/, 'nav.recalls'],
  [/^\/app\/[^/]+\/waitlist/, 'nav.waitlist'],
  [/^\/app\/[^/]+\/dashboard/, 'remindersDashboard.title'],
  [/^\/app\/[^/]+\/inbox/, 'nav.inbox'],
  [/^\/app\/[^/]+\/settings\/staff/, 'settings.staff'],
  [/^\/app\/[^/]+\/settings\/calendar/, 'settings.calendar'],
  [/^\/app\/[^/]+\/settings\/whatsapp/, 'settings.whatsapp'],
  [/^\/app\/[^/]+\/settings\/assistant/, 'settings.assistant'],
  [/^\/app\/[^/]+\/settings\/reminders/, 'settings.reminders'],
  [/^\/app\/[^/]+\/settings\/price-list/, 'settings.priceList'],
  [/^\/app\/[^/]+\/settings/, 'settings.practice'],
  [/^\/app\/[^/]+\/privacy\/requests/, 'privacyRequests.title'],
  [/^\/app\/[^/]+\/privacy\/request-settings/, 'privacyRequestSettings.title'],
  [/^\/app\/[^/]+\/privacy\/retention/, 'privacyRetention.pageTitle'],
  [/^\/app\/[^/]+\/privacy\/legal-holds/, 'legalHolds.title'],
  [/^\/app\/[^/]+\/privacy\/records/, 'privacyRecords.pageTitle'],
  [/^\/app\/[^/]+\/privacy\/breaches/, 'privacyBreaches.pageTitle'],
  [/^\/app\/[^/]+\/privacy\/policy/, 'privacyPolicyVersions.pageTitle'],
  [/^\/app\/[^/]+\/audit/, 'nav.audit'],
  [/^\/app\/[^/]+\/account/, 'account.title'],
];

/** Each screen names itself in the tab title, which screen readers announce on navigation. */
export function DocumentTitle() {
  const { t } = useTranslation();
  const { pathname } = useLocation();
  useEffect(() => {
    const key = TITLES.find(([pattern]) => pattern.test(pathname))?.[1];
    document.title = key ? `${t(key)} · DentalPro` : 'DentalPro';
  }, [pathname, t]);
  return null;
}
