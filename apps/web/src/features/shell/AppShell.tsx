import { type Membership, type Permission, type Role, roleHasPermission } from '@dentalpro/contracts';
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, NavLink, Outlet, useLocation, useNavigate, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { Icon, type IconName } from '../../components/Icon';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LanguageSwitch } from '../../components/LanguageSwitch';
import { Loading } from '../../components/Loading';
import { Brand, SkipLink } from '../../components/PublicLayout';
import { homeFor, logOut, useMe } from '../auth/auth.api';
import { InboxNavCounts } from '../inbox/InboxNavCounts';
import { NotificationBell } from '../notifications/NotificationBell';
import { PolicyNoticeBanner } from '../privacy/policy/PolicyNoticeBanner';
import { useSandboxState } from '../inbox/sandbox/sandbox.api';
import { useSideNav } from './side-nav';
import type { Me } from '@dentalpro/contracts';

interface PracticeContext {
  me: Me;
  membership: Membership;
  can: (permission: Permission) => boolean;
}

const CurrentPractice = createContext<PracticeContext | null>(null);

/** The logged-in user and their membership of the practice in the URL. Only inside the shell. */
export function useCurrentPractice(): PracticeContext {
  const value = useContext(CurrentPractice);
  if (!value) throw new Error('useCurrentPractice outside the staff shell');
  return value;
}

const NAV = [
  { to: 'today', key: 'today', icon: 'list', roles: ['owner', 'receptionist'] },
  { to: 'my-day', key: 'myDay', icon: 'tooth', roles: ['owner', 'dentist', 'hygienist'] },
  { to: 'calendar', key: 'calendar', icon: 'calendar' },
  { to: 'patients', key: 'patients', icon: 'patients' },
  { to: 'recalls', key: 'recalls', icon: 'recall' },
  { to: 'waitlist', key: 'waitlist', icon: 'waitlist' },
  { to: 'inbox', key: 'inbox', icon: 'inbox', permission: 'inbox:read' },
  { to: 'dashboard', key: 'dashboard', icon: 'chart', permission: 'dashboard:read' },
  { to: 'settings', key: 'settings', icon: 'settings' },
  { to: 'audit', key: 'audit', icon: 'audit', permission: 'audit:read' },
  { to: 'privacy', key: 'privacySection', icon: 'lock', permission: 'privacy:requests' },
] as const satisfies readonly {
  to: string;
  key: string;
  icon: IconName;
  permission?: Permission;
  roles?: readonly Role[];
}[];

export function AppShell() {
  const { t } = useTranslation();
  const { practiceId = '' } = useParams();
  const location = useLocation();
  const me = useMe();

  if (me.isPending) return <Loading />;
  if (me.isError) {
    if (isApiError(me.error) && me.error.status === 401) {
      const next = encodeURIComponent(location.pathname + location.search);
      const notice = me.error.code === 'session_expired' ? '&notice=session_expired' : '';
      return <Navigate to={`/login?next=${next}${notice}`} replace />;
    }
    return (
      <main id="main" className="public-main narrow">
        <ErrorAlert error={me.error} />
      </main>
    );
  }
  const membership = me.data.memberships.find((m) => m.practiceId === practiceId);
  if (!membership) {
    return (
      <main id="main" className="public-main narrow">
        <EmptyState
          icon={<Icon name="search" size={40} />}
          title={t('shell.practiceNotFound')}
          action={
            <Link className="button button-primary" to={homeFor(me.data)}>
              {t('shell.goToMyPractice')}
            </Link>
          }
        />
      </main>
    );
  }
  const context: PracticeContext = { me: me.data, membership, can: (p) => roleHasPermission(membership.role, p) };
  return (
    <CurrentPractice.Provider value={context}>
      <ShellFrame />
    </CurrentPractice.Provider>
  );
}

function ShellFrame() {
  const { t } = useTranslation();
  const { me, membership, can } = useCurrentPractice();
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const switcherId = useId();
  const mainRef = useRef<HTMLElement>(null);
  const base = `/app/${membership.practiceId}`;
  // Opening another conversation in the inbox is not a new screen (and a conversation belongs to one practice).
  const screen = location.pathname.replace(/\/inbox\/[^/]+$/, '/inbox');
  const section = screen.slice(base.length + 1) || 'calendar';
  // Only offered when this server plays Meta itself (no Meta credentials); a refusal just hides the link.
  const sandbox = useSandboxState(can('inbox:read'));
  const sideNav = useSideNav();

  // A new screen: move focus to it so keyboard and screen-reader users start at its top.
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a change of screen is the trigger; the effect reads nothing from it.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.focus({ preventScroll: true });
  }, [screen]);

  const logout = async () => {
    await logOut(queryClient).catch(() => undefined);
    navigate('/login?notice=logged_out', { replace: true });
  };

  return (
    <div className="shell">
      <SkipLink />
      <header className="topbar">
        <Link to={base} className="brand-link" aria-label={t('nav.homeLink')}>
          <Brand />
        </Link>
        <div className="topbar-tools">
          {me.memberships.length > 1 ? (
            <div className="practice-switcher">
              <label htmlFor={switcherId}>{t('shell.practice')}</label>
              <select
                id={switcherId}
                value={membership.practiceId}
                onChange={(e) => navigate(`/app/${e.target.value}/${section}`)}
              >
                {me.memberships.map((m) => (
                  <option key={m.practiceId} value={m.practiceId}>
                    {m.practiceName}
                  </option>
                ))}
              </select>
            </div>
          ) : (
            <p className="practice-name" title={membership.practiceName}>
              <span className="visually-hidden">{t('shell.practice')}: </span>
              {membership.practiceName}
            </p>
          )}
          <LanguageSwitch compact />
          {can('notifications:read') && <NotificationBell practiceId={membership.practiceId} />}
          <Link to={`${base}/account`} className="user-link">
            <span className="avatar" aria-hidden="true">
              {initials(me.user.name)}
            </span>
            <span className="user-text">
              <span className="user-name">{me.user.name}</span>
              <span className="user-role">
                {t(`roles.${membership.role}`)} · {t('nav.account')}
              </span>
            </span>
          </Link>
          <Button variant="ghost" onClick={() => void logout()}>
            {t('nav.logout')}
          </Button>
        </div>
      </header>
      <div className="shell-body">
        <nav className={`sidenav${sideNav.collapsed ? ' is-collapsed' : ''}`} aria-label={t('nav.mainNav')}>
          <div className="sidenav-inner">
            <button type="button" className="sidenav-toggle" onClick={sideNav.toggle}>
              <Icon name={sideNav.collapsed ? 'expand' : 'collapse'} />
              <span className="sidenav-label">{sideNav.collapsed ? t('nav.expand') : t('nav.collapse')}</span>
            </button>
            <ul>
              {NAV.filter(
                (item) =>
                  (!('permission' in item) || can(item.permission)) &&
                  (!('roles' in item) || (item.roles as readonly Role[]).includes(membership.role)),
              ).map((item) => (
                <li key={item.key}>
                  <NavLink
                    to={`${base}/${item.to}`}
                    className={item.key === 'inbox' ? 'nav-inbox' : undefined}
                    title={sideNav.collapsed ? t(`nav.${item.key}`) : undefined}
                  >
                    <Icon name={item.icon} />
                    <span className="sidenav-label">{t(`nav.${item.key}`)}</span>
                    {item.key === 'inbox' && <InboxNavCounts practiceId={membership.practiceId} enabled />}
                  </NavLink>
                </li>
              ))}
              {sandbox.data?.enabled && (
                <li>
                  <Link
                    to="/sandbox/whatsapp"
                    target="_blank"
                    rel="noopener"
                    title={sideNav.collapsed ? t('nav.sandbox') : undefined}
                  >
                    <Icon name="phone" />
                    <span className="sidenav-label">
                      {t('nav.sandbox')}
                      <span className="visually-hidden"> {t('common.opensInNewTab')}</span>
                    </span>
                  </Link>
                </li>
              )}
            </ul>
          </div>
        </nav>
        <main id="main" ref={mainRef} tabIndex={-1} className="shell-main">
          <PolicyNoticeBanner />
          <Outlet />
        </main>
      </div>
    </div>
  );
}

function initials(name: string) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((part) => part[0]?.toUpperCase())
    .join('');
}
