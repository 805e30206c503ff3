import type { ConversationSummary } from '@dentalpro/contracts';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatPhone } from '../../components/format';
import { Loading } from '../../components/Loading';
import { useDebounced } from '../scheduling/PatientPicker';
import { waitedFor } from './handover';
import { type AssignedFilter, type StatusFilter, contactName, useConversations } from './inbox.api';
import { serviceWindow, windowLabel } from './service-window';
import { useInboxFormat } from './useInboxFormat';

const STATUS_FILTERS = ['open', 'closed', 'all'] as const satisfies readonly StatusFilter[];
const ASSIGNED_FILTERS = ['any', 'me', 'unassigned'] as const satisfies readonly AssignedFilter[];

function pick<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

interface ConversationListPaneProps {
  practiceId: string;
  selectedId: string | null;
  timeZone: string;
  now: number;
  /** The booking assistant answers this practice's number: each row says who answers it. */
  assistantActive: boolean;
}

/** The conversations, newest activity first; filters live in the query string so they survive opening one. */
export function ConversationListPane({
  practiceId,
  selectedId,
  timeZone,
  now,
  assistantActive,
}: ConversationListPaneProps) {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const status = pick(params.get('status'), STATUS_FILTERS, 'open');
  const assigned = pick(params.get('assigned'), ASSIGNED_FILTERS, 'any');
  const needsPerson = params.get('needs') === 'person';
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim());
  const conversations = useConversations(practiceId, { status, assigned, needsPerson, q: query });
  const fmt = useInboxFormat(timeZone);
  const searchId = useId();
  const assignedId = useId();
  const titleId = useId();

  const setFilter = (name: 'status' | 'assigned' | 'needs', value: string, fallback: string) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        if (value === fallback) next.delete(name);
        else next.set(name, value);
        return next;
      },
      { replace: true },
    );

  const items = conversations.data?.pages.flatMap((page) => page.items) ?? [];
  const search = params.toString();

  return (
    <section className="inbox-list" aria-labelledby={titleId}>
      <h2 id={titleId} className="visually-hidden">
        {t('inbox.conversations')}
      </h2>
      <div className="inbox-filters">
        {/* biome-ignore lint/a11y/useSemanticElements: role=search is the same landmark as the newer <search> element, and older browsers know it too. */}
        <div role="search" className="inbox-search">
          <label htmlFor={searchId} className="visually-hidden">
            {t('inbox.search')}
          </label>
          <input
            id={searchId}
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder={t('inbox.searchHint')}
            autoComplete="off"
          />
        </div>
        <div className="inbox-filter-row">
          {/* biome-ignore lint/a11y/useSemanticElements: a labelled group of controls; a fieldset would bring its own border, padding, min-width and legend rules. */}
          <div className="segmented" role="group" aria-label={t('inbox.statusFilter')}>
            {STATUS_FILTERS.map((value) => (
              <button
                key={value}
                type="button"
                aria-pressed={status === value}
                onClick={() => setFilter('status', value, 'open')}
              >
                {t(`inbox.statusFilters.${value}`)}
              </button>
            ))}
          </div>
          <label htmlFor={assignedId} className="visually-hidden">
            {t('inbox.assignedFilter')}
          </label>
          <select
            id={assignedId}
            value={assigned}
            onChange={(e) => setFilter('assigned', e.target.value, 'any')}
            className="inbox-assigned-filter"
          >
            {ASSIGNED_FILTERS.map((value) => (
              <option key={value} value={value}>
                {t(`inbox.assignedFilters.${value}`)}
              </option>
            ))}
          </select>
          <div className="segmented">
            <button
              type="button"
              aria-pressed={needsPerson}
              onClick={() => setFilter('needs', needsPerson ? '' : 'person', '')}
            >
              {t('inbox.needsPersonFilter')}
            </button>
          </div>
        </div>
      </div>
      {conversations.isPending ? (
        <Loading />
      ) : conversations.isError ? (
        <ErrorAlert error={conversations.error} />
      ) : items.length === 0 ? (
        <p className="inbox-list-empty muted">{query ? t('inbox.noMatch') : t(`inbox.emptyList.${status}`)}</p>
      ) : (
        <ul className="conversation-list" aria-labelledby={titleId}>
          {items.map((conversation) => (
            <li key={conversation.id}>
              <ConversationRow
                conversation={conversation}
                to={{ pathname: `/app/${practiceId}/inbox/${conversation.id}`, search }}
                selected={conversation.id === selectedId}
                time={fmt.short(conversation.lastMessageAt, now)}
                now={now}
                showOwner={assistantActive}
              />
            </li>
          ))}
        </ul>
      )}
      {conversations.hasNextPage && (
        <div className="actions center">
          <Button onClick={() => void conversations.fetchNextPage()} busy={conversations.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
    </section>
  );
}

function ConversationRow({
  conversation: c,
  to,
  selected,
  time,
  now,
  showOwner,
}: {
  conversation: ConversationSummary;
  to: { pathname: string; search: string };
  selected: boolean;
  time: string;
  now: number;
  showOwner: boolean;
}) {
  const { t } = useTranslation();
  const name = contactName(c, t('inbox.unknownContact'));
  const phone = c.phone ? formatPhone(c.phone) : '';
  const remaining = windowLabel(serviceWindow(c.serviceWindowEndsAt, now));
  return (
    <Link
      to={to}
      className={`conversation-row${c.unreadCount > 0 ? ' is-unread' : ''}`}
      aria-current={selected ? 'page' : undefined}
    >
      <span className="conversation-row-top">
        <span className="conversation-name">{name}</span>
        <time dateTime={c.lastMessageAt} className="conversation-time">
          {time}
        </time>
      </span>
      {phone && phone !== name && <span className="conversation-phone">{phone}</span>}
      <span className="conversation-preview">
        {c.lastMessage ? (
          <>
            {c.lastMessage.direction === 'outbound' && <span className="muted">{t('inbox.you')}: </span>}
            {c.lastMessage.preview}
          </>
        ) : (
          <span className="muted">{t('inbox.noMessagesYet')}</span>
        )}
      </span>
      <span className="conversation-meta">
        {c.unreadCount > 0 && (
          <span className="unread-badge">
            <span aria-hidden="true">{c.unreadCount}</span>
            <span className="visually-hidden">{t('inbox.unread', { count: c.unreadCount })}</span>
          </span>
        )}
        {c.needsHuman && <NeedsPersonFlag handover={c.handover} now={now} />}
        {showOwner && <OwnerBadge owner={c.owner} />}
        {c.status === 'closed' && <span className="flag">{t('inbox.closed')}</span>}
        {c.optedOut && <span className="flag flag-danger">{t('inbox.optedOutFlag')}</span>}
        <span className={`window-label${remaining.key === 'closed' ? ' is-closed' : ''}`}>
          {remaining.key === 'closed'
            ? t('inbox.window.closed')
            : t(`inbox.window.${remaining.key}`, { count: remaining.count })}
        </span>
        {c.assignedTo && (
          <span className="conversation-assignee">{t('inbox.assignedTo', { name: c.assignedTo.name })}</span>
        )}
      </span>
    </Link>
  );
}

/** "Needs a person", why (urgent in red, in words too), and how long the patient has waited. */
export function NeedsPersonFlag({ handover, now }: { handover: ConversationSummary['handover']; now: number }) {
  const { t } = useTranslation();
  const urgent = handover?.reason === 'urgent';
  const waited = waitedFor(handover?.since ?? null, now);
  return (
    <span className={`flag ${urgent ? 'flag-urgent' : 'flag-human'}`}>
      {urgent && (
        <span className="flag-mark" aria-hidden="true">
          !{' '}
        </span>
      )}
      {handover
        ? t('inbox.needsPersonFlag', { reason: t(`inbox.handoverReason.${handover.reason}`) })
        : t('inbox.needsHuman')}
      {waited && ` · ${t('inbox.waitingFor', { time: t(`inbox.waited.${waited.key}`, { count: waited.count }) })}`}
    </span>
  );
}

/** Who answers the conversation: the assistant, or a person. */
export function OwnerBadge({ owner }: { owner: ConversationSummary['owner'] }) {
  const { t } = useTranslation();
  const label = t(`inbox.owner.${owner}`);
  return (
    <span className={`owner-badge owner-${owner}`}>
      <span className="visually-hidden">{t('inbox.ownerLabel', { owner: label })}</span>
      <span aria-hidden="true">{label}</span>
    </span>
  );
}
