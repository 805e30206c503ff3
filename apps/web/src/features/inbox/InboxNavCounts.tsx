import { useTranslation } from 'react-i18next';
import { useInboxCounts } from './inbox.api';

/**
 * Beside "Inbox" in the navigation: first the conversations waiting for a person (red, marked
 * "!", when some are urgent), then the unread ones. The link's accessible name says both in words.
 */
export function InboxNavCounts({ practiceId, enabled }: { practiceId: string; enabled: boolean }) {
  const { t } = useTranslation();
  const counts = useInboxCounts(practiceId, enabled);
  if (!counts.data) return null;
  const { waiting, urgent, unread } = counts.data;
  if (waiting === 0 && unread === 0) return null;
  return (
    <span className="nav-counts">
      {waiting > 0 && (
        <span className={`nav-count nav-count-waiting${urgent > 0 ? ' is-urgent' : ''}`}>
          <span aria-hidden="true">
            {urgent > 0 ? '! ' : ''}
            {waiting}
          </span>
          <span className="visually-hidden">
            {t('nav.inboxWaiting', { count: waiting })}
            {urgent > 0 && `, ${t('nav.inboxUrgent', { count: urgent })}`}
          </span>
        </span>
      )}
      {unread > 0 && (
        <span className="nav-count">
          <span aria-hidden="true">{unread}</span>
          <span className="visually-hidden">{t('nav.inboxUnread', { count: unread })}</span>
        </span>
      )}
    </span>
  );
}
