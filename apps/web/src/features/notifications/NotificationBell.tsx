import type { StaffNotification } from '@dentalpro/contracts';
import {
  type KeyboardEvent,
  type MouseEvent,
  type RefObject,
  useEffect,
  useId,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../../api/client';
import { Button } from '../../components/Button';
import { EmptyState } from '../../components/EmptyState';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Icon } from '../../components/Icon';
import { Loading } from '../../components/Loading';
import { useNow } from '../../components/visibility';
import { usePractice } from '../practices/practices.api';
import { useCalendarFormat } from '../scheduling/useCalendarFormat';
import { badgeFigure, describeNotification, notificationTarget, timeAgo } from './notification-text';
import {
  type NotificationFilter,
  useMarkNotificationsRead,
  useNotificationCount,
  useNotificationEvents,
  useNotifications,
} from './notifications.api';

/**
 * The bell in the top bar: this member's unread notifications as a badge (and in the button's
 * name), kept live by the server's hints; it opens the list of notifications.
 */
export function NotificationBell({ practiceId }: { practiceId: string }) {
  const { t } = useTranslation();
  const count = useNotificationCount(practiceId);
  // A server without notifications, or a role it gives none to: no bell rather than a broken one.
  const refused = isApiError(count.error) && (count.error.status === 403 || count.error.status === 404);
  useNotificationEvents(practiceId, !refused);
  const [open, setOpen] = useState(false);
  // Kept here, not in the panel, so that the panel opens again as it was left.
  const [filter, setFilter] = useState<NotificationFilter>('all');
  const bellRef = useRef<HTMLButtonElement>(null);
  if (refused) return null;
  const unread = count.data?.unread ?? 0;
  return (
    <>
      <button
        ref={bellRef}
        type="button"
        className={`bell-button${unread > 0 ? ' has-unread' : ''}`}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-label={unread > 0 ? t('notifications.bellUnread', { count: unread }) : t('notifications.bell')}
        onClick={() => setOpen(true)}
      >
        <Icon name="bell" size={24} />
        {unread > 0 && (
          <span className="bell-badge" aria-hidden="true">
            {badgeFigure(unread)}
          </span>
        )}
      </button>
      {open && (
        <NotificationPanel
          practiceId={practiceId}
          unread={unread}
          filter={filter}
          onFilter={setFilter}
          anchor={bellRef}
          onClose={(returnFocus) => {
            setOpen(false);
            if (returnFocus) bellRef.current?.focus();
          }}
        />
      )}
    </>
  );
}

interface PanelProps {
  practiceId: string;
  unread: number;
  filter: NotificationFilter;
  onFilter: (filter: NotificationFilter) => void;
  anchor: RefObject<HTMLButtonElement | null>;
  /** returnFocus: false when an item was followed (the new screen takes the focus). */
  onClose: (returnFocus: boolean) => void;
}

/**
 * The list, newest first, as a modal dialog hung under the bell: the focus goes in (on the first
 * notification once there is one), Tab stays inside, Escape or a click outside closes it and
 * gives the focus back to the bell.
 */
function NotificationPanel({ practiceId, unread, filter, onFilter, anchor, onClose }: PanelProps) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const titleId = useId();
  const list = useNotifications(practiceId, filter, true);
  const markRead = useMarkNotificationsRead(practiceId);
  const practice = usePractice(practiceId);
  const timeZone = practice.data?.timeZone;
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];

  // Open under the bell, right edges lined up, as tall as the window allows.
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const bell = anchor.current?.getBoundingClientRect();
    if (bell) {
      const top = Math.round(bell.bottom + 6);
      dialog.style.top = `${top}px`;
      dialog.style.right = `${Math.max(8, Math.round(window.innerWidth - bell.right))}px`;
      dialog.style.maxHeight = `calc(100vh - ${top + 12}px)`;
    }
    if (!dialog.open) dialog.showModal();
    headingRef.current?.focus();
  }, [anchor]);

  // The first notification takes the focus once the list is shown, unless the user has moved on.
  const shown = !list.isPending && timeZone !== undefined;
  const placed = useRef(false);
  useEffect(() => {
    if (placed.current || !shown) return;
    placed.current = true;
    if (document.activeElement === headingRef.current)
      listRef.current?.querySelector<HTMLElement>('.notification-row')?.focus();
  }, [shown]);

  // The modal dialog closes first: until then everything outside it is inert and cannot take the focus.
  const close = (returnFocus: boolean) => {
    ref.current?.close();
    onClose(returnFocus);
  };

  // "Load more": the focus goes to the first of the notifications it brought.
  const focusFrom = useRef<number | null>(null);
  useEffect(() => {
    const from = focusFrom.current;
    if (from === null || list.isFetchingNextPage) return;
    focusFrom.current = null;
    const rows = listRef.current?.querySelectorAll<HTMLElement>('.notification-row');
    rows?.[Math.min(from, rows.length - 1)]?.focus();
  }, [list.isFetchingNextPage]);

  const follow = (event: MouseEvent, n: StaffNotification) => {
    if (n.readAt === null) markRead.mutate({ ids: [n.id] });
    // A new tab or window: this one stays as it is.
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    ref.current?.close();
    // Somewhere steady for the focus until the new screen takes it (the calendar's appointment panel, the inbox).
    document.getElementById('main')?.focus({ preventScroll: true });
    onClose(false);
  };

  const noneUnread = unread === 0 && items.every((n) => n.readAt !== null);
  return (
    <dialog
      ref={ref}
      className="dialog notifications-panel"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        close(true);
      }}
      onClick={(event) => {
        // The dialog itself is only hit outside its content: on the backdrop (the mouse's Escape).
        if (event.target === ref.current) close(true);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Tab' && ref.current) keepTabInside(event, ref.current);
      }}
    >
      <div className="notifications-head">
        <h2 id={titleId} ref={headingRef} tabIndex={-1}>
          {t('notifications.title')}
          {unread > 0 && (
            <span className="notifications-unread">{t('notifications.unreadCount', { count: unread })}</span>
          )}
        </h2>
        <button type="button" className="icon-button" onClick={() => close(true)} aria-label={t('common.close')}>
          ×
        </button>
      </div>
      <div className="notifications-tools">
        {/* biome-ignore lint/a11y/useSemanticElements: a labelled pair of toggle buttons, as the calendar's view switch. */}
        <div className="segmented" role="group" aria-label={t('notifications.filter')}>
          {(['unread', 'all'] as const).map((value) => (
            <button key={value} type="button" aria-pressed={filter === value} onClick={() => onFilter(value)}>
              {t(`notifications.filters.${value}`)}
            </button>
          ))}
        </div>
        {/* Stays focusable when there is nothing left to mark, so the focus is not lost from under the keyboard. */}
        <Button
          variant="ghost"
          aria-disabled={noneUnread || undefined}
          onClick={() => {
            if (!noneUnread && !markRead.isPending) markRead.mutate({ all: true });
          }}
        >
          {t('notifications.markAllRead')}
        </Button>
      </div>
      <div className="notifications-body">
        {list.isPending || !timeZone ? (
          practice.isError ? (
            <ErrorAlert error={practice.error} />
          ) : (
            <Loading />
          )
        ) : list.isError ? (
          <ErrorAlert error={list.error} />
        ) : items.length === 0 ? (
          <EmptyState
            icon={<Icon name="bell" size={36} />}
            title={filter === 'unread' ? t('notifications.emptyUnread') : t('notifications.emptyAll')}
          >
            {t('notifications.emptyText')}
          </EmptyState>
        ) : (
          <ul className="notification-list" ref={listRef} aria-labelledby={titleId}>
            {items.map((n) => (
              <li key={n.id}>
                <NotificationRow
                  notification={n}
                  practiceId={practiceId}
                  timeZone={timeZone}
                  onFollow={follow}
                  onMarkRead={() => markRead.mutate({ ids: [n.id] })}
                />
              </li>
            ))}
          </ul>
        )}
        {list.hasNextPage && (
          <div className="actions center notifications-more">
            <Button
              onClick={() => {
                focusFrom.current = items.length;
                void list.fetchNextPage();
              }}
              aria-busy={list.isFetchingNextPage || undefined}
            >
              {list.isFetchingNextPage ? t('common.loading') : t('common.loadMore')}
            </Button>
          </div>
        )}
      </div>
    </dialog>
  );
}

function NotificationRow({
  notification: n,
  practiceId,
  timeZone,
  onFollow,
  onMarkRead,
}: {
  notification: StaffNotification;
  practiceId: string;
  timeZone: string;
  onFollow: (event: MouseEvent, n: StaffNotification) => void;
  onMarkRead: () => void;
}) {
  const { t } = useTranslation();
  const fmt = useCalendarFormat(timeZone);
  const now = useNow(30_000);
  const unread = n.readAt === null;
  const target = notificationTarget(n, practiceId, timeZone);
  const sinceCancelled = n.kind !== 'whatsapp_cancelled' && n.appointment?.status === 'cancelled';
  const content = (
    <>
      <span className="notification-mark" aria-hidden="true" />
      <span className="notification-body">
        <span className="notification-text">
          {unread && <span className="visually-hidden">{t('notifications.unreadItem')} </span>}
          {n.kind === 'needs_person' && n.reason === 'urgent' && (
            <span className="flag-mark" aria-hidden="true">
              !{' '}
            </span>
          )}
          {describeNotification(n, t, fmt.dateTime)}
        </span>
        <span className="notification-meta">
          <time dateTime={n.createdAt}>
            {timeAgo(n.createdAt, now, t)} · {fmt.dateTime(n.createdAt)}
          </time>
          {sinceCancelled && <span className="flag">{t('notifications.sinceCancelled')}</span>}
        </span>
      </span>
    </>
  );
  const className = `notification-row${unread ? ' is-unread' : ''}${n.reason === 'urgent' ? ' is-urgent' : ''}`;
  return target ? (
    <Link to={target} className={className} onClick={(event) => onFollow(event, n)}>
      {content}
    </Link>
  ) : (
    <button type="button" className={className} onClick={unread ? onMarkRead : undefined}>
      {content}
    </button>
  );
}

const TABBABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), [tabindex="0"]';

/** Tab from the last control goes round to the first, and back: the browser would leave for its own toolbar. */
function keepTabInside(event: KeyboardEvent, container: HTMLElement) {
  const tabbable = [...container.querySelectorAll<HTMLElement>(TABBABLE)];
  const first = tabbable[0];
  const last = tabbable.at(-1);
  if (!first || !last) return;
  const active = document.activeElement;
  const atStart = active === first || !container.contains(active) || active === container.querySelector('h2');
  if (event.shiftKey && atStart) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && active === last) {
    event.preventDefault();
    first.focus();
  }
}
