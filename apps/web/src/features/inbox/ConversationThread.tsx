import type { ConversationDetail } from '@dentalpro/contracts';
import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Loading } from '../../components/Loading';
import { useCurrentPractice } from '../shell/AppShell';
import { Composer } from './Composer';
import { contactName, messagesInOrder, useConversation, useMarkRead, useMessages } from './inbox.api';
import { MessageBubble } from './MessageBubble';
import { serviceWindow } from './service-window';
import { ThreadHeader } from './ThreadHeader';
import { useInboxFormat } from './useInboxFormat';

interface ConversationThreadProps {
  practiceId: string;
  conversationId: string;
  timeZone: string;
  now: number;
  backTo: { pathname: string; search: string };
}

/** One conversation: who it is with, the messages, and the reply box for those who may answer. */
export function ConversationThread({ practiceId, conversationId, timeZone, now, backTo }: ConversationThreadProps) {
  const { t } = useTranslation();
  const { can } = useCurrentPractice();
  const detail = useConversation(practiceId, conversationId);
  useMarkRead(practiceId, detail.data);
  const headingId = useId();
  const focused = useRef(false);
  useEffect(() => {
    if (!detail.isSuccess || focused.current) return;
    focused.current = true;
    const active = document.activeElement;
    // On a narrow screen the list hides once a conversation opens, taking the focused link with it.
    if (!(active instanceof HTMLElement) || active === document.body || active.offsetParent === null) {
      document.getElementById(headingId)?.focus({ preventScroll: true });
    }
  }, [detail.isSuccess, headingId]);

  if (detail.isPending) {
    return (
      <section className="inbox-thread">
        <Loading />
      </section>
    );
  }
  if (detail.isError) {
    return (
      <section className="inbox-thread">
        <Link to={backTo} className="thread-back">
          ← {t('inbox.backToList')}
        </Link>
        <ErrorAlert error={detail.error} />
      </section>
    );
  }
  const conversation = detail.data;
  const canReply = can('inbox:reply');
  const windowState = serviceWindow(conversation.serviceWindowEndsAt, now);
  return (
    <section className="inbox-thread" aria-labelledby={headingId}>
      <ThreadHeader
        practiceId={practiceId}
        conversation={conversation}
        headingId={headingId}
        canReply={canReply}
        windowState={windowState}
        backTo={backTo}
        now={now}
      />
      {conversation.optedOut && (
        <Alert tone="warning" title={t('inbox.optedOutTitle')}>
          {t('inbox.optedOutText')}
        </Alert>
      )}
      <ThreadMessages practiceId={practiceId} conversation={conversation} timeZone={timeZone} />
      {canReply ? (
        <Composer
          practiceId={practiceId}
          conversation={conversation}
          windowState={windowState}
          canManageTemplates={can('practice:manage')}
        />
      ) : (
        <p className="composer-readonly">{t('inbox.readOnly')}</p>
      )}
    </section>
  );
}

const NEAR_BOTTOM_PX = 64;

function ThreadMessages({
  practiceId,
  conversation,
  timeZone,
}: {
  practiceId: string;
  conversation: ConversationDetail;
  timeZone: string;
}) {
  const { t } = useTranslation();
  const messages = useMessages(practiceId, conversation.id);
  const fmt = useInboxFormat(timeZone);
  const items = useMemo(() => messagesInOrder(messages.data), [messages.data]);
  const contact = contactName(conversation, t('inbox.unknownContact'));
  const scroller = useRef<HTMLDivElement>(null);
  // Follow new messages only while the reader is at the bottom; never yank them away from older ones.
  const atBottom = useRef(true);
  const heightBeforeOlder = useRef<number | null>(null);
  const firstId = items[0]?.id;
  const last = items.at(-1);

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when older messages arrive above (the first id changes), not on every render.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || heightBeforeOlder.current === null) return;
    // Older messages went in above: keep the ones being read where they were.
    el.scrollTop += el.scrollHeight - heightBeforeOlder.current;
    heightBeforeOlder.current = null;
  }, [firstId]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when a new last message arrives, to follow it.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [last?.id]);

  useEffect(() => {
    // The reply box grows and shrinks (a template's fields): stay on the newest message meanwhile.
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const [announcement, setAnnouncement] = useState('');
  const seenLast = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (!last) return;
    if (seenLast.current !== undefined && seenLast.current !== last.id && last.direction === 'inbound') {
      setAnnouncement(t('inbox.newMessageFrom', { name: contact }));
    }
    seenLast.current = last.id;
  }, [last, contact, t]);

  const loadOlder = () => {
    heightBeforeOlder.current = scroller.current?.scrollHeight ?? null;
    void messages.fetchNextPage();
  };
  const followIfAtBottom = () => {
    const el = scroller.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  };

  return (
    <>
      {/* biome-ignore lint/a11y/useSemanticElements: kept a div for its HTMLDivElement ref; role=region with a label is the same landmark as a section. */}
      <div
        className="thread-scroll"
        ref={scroller}
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling box: focusable so keyboard users can scroll it.
        tabIndex={0}
        role="region"
        aria-label={t('inbox.history')}
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
        }}
      >
        {messages.hasNextPage && (
          <div className="actions center">
            <Button onClick={loadOlder} busy={messages.isFetchingNextPage}>
              {t('inbox.loadEarlier')}
            </Button>
          </div>
        )}
        {messages.isPending ? (
          <Loading />
        ) : messages.isError ? (
          <ErrorAlert error={messages.error} />
        ) : items.length === 0 ? (
          <p className="muted center">{t('inbox.noMessagesYet')}</p>
        ) : null}
        {/* biome-ignore lint/a11y/noRedundantRoles: Safari drops list semantics from lists styled without bullets; the explicit role keeps them. */}
        <ol role="list" aria-label={t('inbox.messages')} className="thread-messages">
          {items.map((message, i) => {
            const previous = items[i - 1];
            const newDay = !previous || fmt.day(previous.createdAt) !== fmt.day(message.createdAt);
            return (
              <MessageBubble
                key={message.id}
                practiceId={practiceId}
                message={message}
                contact={contact}
                time={fmt.time(message.createdAt)}
                fullTime={fmt.full(message.createdAt)}
                dayDivider={newDay ? fmt.longDay(message.createdAt) : null}
                onMediaLoad={followIfAtBottom}
              />
            );
          })}
        </ol>
      </div>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
    </>
  );
}
