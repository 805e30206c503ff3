import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams } from 'react-router';
import { isApiError } from '../../api/client';
import { Alert } from '../../components/Alert';
import { EmptyState } from '../../components/EmptyState';
import { formatPhone } from '../../components/format';
import { Icon } from '../../components/Icon';
import { Loading } from '../../components/Loading';
import { useNow } from '../../components/visibility';
import { usePractice } from '../practices/practices.api';
import { useCurrentPractice } from '../shell/AppShell';
import { ConversationListPane } from './ConversationListPane';
import { ConversationThread } from './ConversationThread';
import { useInboxEvents, useWhatsAppChannel } from './inbox.api';

/** WhatsApp conversations with patients: the list on the left, the open conversation (in the URL) on the right. */
export function InboxPage() {
  const { t } = useTranslation();
  const { membership, can } = useCurrentPractice();
  if (!can('inbox:read')) return <Alert tone="error">{t('errors.forbidden')}</Alert>;
  return <Inbox practiceId={membership.practiceId} canManage={can('practice:manage')} />;
}

function Inbox({ practiceId, canManage }: { practiceId: string; canManage: boolean }) {
  const { t } = useTranslation();
  const { conversationId = null } = useParams();
  const { search } = useLocation();
  const channel = useWhatsAppChannel(practiceId);
  const notConfigured = isApiError(channel.error, 'whatsapp_not_configured');
  useInboxEvents(practiceId, !channel.isPending && !notConfigured);
  const practice = usePractice(practiceId);
  const timeZone = practice.data?.timeZone ?? 'Indian/Mauritius';
  const now = useNow(30_000);
  const settingsLink = `/app/${practiceId}/settings/whatsapp`;

  if (channel.isPending) return <Loading />;
  if (notConfigured) {
    return (
      <>
        <h1>{t('nav.inbox')}</h1>
        <EmptyState
          icon={<Icon name="inbox" size={44} />}
          title={t('inbox.notConfiguredTitle')}
          action={
            <Link className="button button-primary" to={settingsLink}>
              {t('inbox.goToSettings')}
            </Link>
          }
        >
          <p>{canManage ? t('inbox.notConfiguredOwner') : t('inbox.notConfiguredStaff')}</p>
        </EmptyState>
      </>
    );
  }
  // Another failure to read the channel (a role that may not see its settings) does not block the inbox.
  const paused = channel.data?.sendingPausedReason ?? null;

  return (
    <div className={`inbox-page${conversationId ? ' has-thread' : ''}`}>
      <div className="inbox-head">
        <h1>{t('nav.inbox')}</h1>
        {channel.data && (
          <p className="muted">
            {t('inbox.channelNumber', {
              number: channel.data.displayPhoneNumber
                ? formatPhone(channel.data.displayPhoneNumber)
                : channel.data.phoneNumberId,
            })}
            {channel.data.sandbox && (
              <>
                <span className="badge" title={t('inbox.sandboxNote')}>
                  {t('inbox.sandboxBadge')}
                </span>
                <span className="visually-hidden"> {t('inbox.sandboxNote')}</span>{' '}
                <a href="/sandbox/whatsapp" target="_blank" rel="noopener" className="inbox-sandbox-link">
                  {t('inbox.openSandbox')}
                  <span className="visually-hidden"> {t('common.opensInNewTab')}</span>
                </a>
              </>
            )}
          </p>
        )}
      </div>
      {paused && (
        <Alert tone="warning" title={t('inbox.pausedTitle')}>
          <p>{t(`inbox.failure.${paused}`, { defaultValue: paused })}</p>
          <Link to={settingsLink}>{t('inbox.goToSettings')}</Link>
        </Alert>
      )}
      <div className="inbox-panes">
        <ConversationListPane
          practiceId={practiceId}
          selectedId={conversationId}
          timeZone={timeZone}
          now={now}
          assistantActive={channel.data?.assistantActive ?? false}
        />
        {conversationId ? (
          <ConversationThread
            key={conversationId}
            practiceId={practiceId}
            conversationId={conversationId}
            timeZone={timeZone}
            now={now}
            backTo={{ pathname: `/app/${practiceId}/inbox`, search }}
          />
        ) : (
          <section className="inbox-thread inbox-thread-empty" aria-label={t('inbox.noSelectionTitle')}>
            <EmptyState icon={<Icon name="inbox" size={40} />} title={t('inbox.noSelectionTitle')}>
              <p>{t('inbox.noSelectionText')}</p>
            </EmptyState>
          </section>
        )}
      </div>
    </div>
  );
}
