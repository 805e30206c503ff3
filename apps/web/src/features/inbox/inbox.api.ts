import type {
  ConversationDetail,
  ConversationSummary,
  InboxCounts,
  InboxEvent,
  InboxMessage,
  SendMessageInput,
  WhatsAppChannel,
} from '@dentalpro/contracts';
import {
  type InfiniteData,
  type QueryClient,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { api, apiUrl, newIdempotencyKey } from '../../api/client';
import type {
  ConversationListBody,
  ConversationPatchBody,
  MessageListBody,
  WhatsAppChannelInputBody,
  WhatsAppTemplateListBody,
} from '../../api/contracts';
import { useEventStream } from '../../api/events';
import { formatPhone } from '../../components/format';
import { useDocumentVisible } from '../../components/visibility';

export type StatusFilter = 'open' | 'closed' | 'all';
export type AssignedFilter = 'any' | 'me' | 'unassigned';
export interface ConversationFilters {
  status: StatusFilter;
  assigned: AssignedFilter;
  /** Only the conversations flagged "needs a person". */
  needsPerson: boolean;
  q: string;
}

/** Every inbox query of a practice starts with this, so one invalidation refreshes the lot. */
export const inboxKeys = {
  all: (practiceId: string) => ['inbox', practiceId] as const,
  lists: (practiceId: string) => ['inbox', practiceId, 'list'] as const,
  list: (practiceId: string, filters: ConversationFilters) => ['inbox', practiceId, 'list', filters] as const,
  counts: (practiceId: string) => ['inbox', practiceId, 'counts'] as const,
  conversation: (practiceId: string, conversationId: string) =>
    ['inbox', practiceId, 'conversation', conversationId] as const,
  detail: (practiceId: string, conversationId: string) =>
    ['inbox', practiceId, 'conversation', conversationId, 'detail'] as const,
  messages: (practiceId: string, conversationId: string) =>
    ['inbox', practiceId, 'conversation', conversationId, 'messages'] as const,
};

export const whatsappKeys = {
  channel: (practiceId: string) => ['whatsapp', practiceId, 'channel'] as const,
  templates: (practiceId: string) => ['whatsapp', practiceId, 'templates'] as const,
};

const inboxPath = (practiceId: string, rest = '') => `/practices/${practiceId}/inbox${rest}`;
const conversationPath = (practiceId: string, conversationId: string, rest = '') =>
  inboxPath(practiceId, `/conversations/${conversationId}${rest}`);
const whatsappPath = (practiceId: string, rest: string) => `/practices/${practiceId}/whatsapp${rest}`;

/** The file of a media message, for <img src> and download links (same origin: the session cookie goes along). */
export function mediaUrl(practiceId: string, conversationId: string, messageId: string) {
  return apiUrl(conversationPath(practiceId, conversationId, `/messages/${messageId}/media`));
}

export function useConversations(practiceId: string, filters: ConversationFilters) {
  return useInfiniteQuery({
    queryKey: inboxKeys.list(practiceId, filters),
    queryFn: ({ pageParam, signal }) =>
      api.get<ConversationListBody>(
        inboxPath(practiceId, '/conversations'),
        {
          status: filters.status,
          assigned: filters.assigned,
          needsPerson: filters.needsPerson ? 'true' : undefined,
          q: filters.q,
          cursor: pageParam,
          limit: 50,
        },
        signal,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: (previous) => previous,
  });
}

/**
 * The navigation's figures: conversations waiting for a person, then unread ones. Refreshed by the
 * inbox's live events while it is open, and every half minute elsewhere.
 */
export function useInboxCounts(practiceId: string, enabled: boolean) {
  return useQuery({
    queryKey: inboxKeys.counts(practiceId),
    queryFn: ({ signal }) => api.get<InboxCounts>(inboxPath(practiceId, '/counts'), undefined, signal),
    enabled,
    refetchInterval: 30_000,
    staleTime: 10_000,
  });
}

export function useConversation(practiceId: string, conversationId: string) {
  return useQuery({
    queryKey: inboxKeys.detail(practiceId, conversationId),
    queryFn: ({ signal }) =>
      api.get<ConversationDetail>(conversationPath(practiceId, conversationId), undefined, signal),
  });
}

/** Pages go backwards in time: the first page holds the newest messages, each next page older ones. */
export function useMessages(practiceId: string, conversationId: string) {
  return useInfiniteQuery({
    queryKey: inboxKeys.messages(practiceId, conversationId),
    queryFn: ({ pageParam, signal }) =>
      api.get<MessageListBody>(
        conversationPath(practiceId, conversationId, '/messages'),
        { before: pageParam, limit: 100 },
        signal,
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.hasMore ? page.items[0]?.id : undefined),
  });
}

/** Oldest to newest across every loaded page. */
export function messagesInOrder(data: InfiniteData<MessageListBody> | undefined): InboxMessage[] {
  return [...(data?.pages ?? [])].reverse().flatMap((page) => page.items);
}

export function useWhatsAppChannel(practiceId: string) {
  return useQuery({
    queryKey: whatsappKeys.channel(practiceId),
    queryFn: () => api.get<WhatsAppChannel>(whatsappPath(practiceId, '/channel')),
    staleTime: 60_000,
  });
}

export function useTemplates(practiceId: string, enabled = true) {
  return useQuery({
    queryKey: whatsappKeys.templates(practiceId),
    queryFn: () => api.get<WhatsAppTemplateListBody>(whatsappPath(practiceId, '/templates')),
    enabled,
    staleTime: 5 * 60_000,
  });
}

export const inboxApi = {
  markRead: (practiceId: string, conversationId: string) =>
    api.post<void>(conversationPath(practiceId, conversationId, '/read')),
  send: (practiceId: string, conversationId: string, input: SendMessageInput, idempotencyKey: string) =>
    api.post<InboxMessage>(conversationPath(practiceId, conversationId, '/messages'), input, {
      'idempotency-key': idempotencyKey,
    }),
  patch: (practiceId: string, conversationId: string, patch: ConversationPatchBody) =>
    api.patch<ConversationDetail>(conversationPath(practiceId, conversationId), patch),
  saveChannel: (practiceId: string, input: WhatsAppChannelInputBody) =>
    api.put<WhatsAppChannel>(whatsappPath(practiceId, '/channel'), input),
  syncTemplates: (practiceId: string) =>
    api.post<WhatsAppTemplateListBody>(whatsappPath(practiceId, '/templates/sync')),
};

/**
 * Sends from the composer; the queued message shows at once, its ticks follow through events.
 * Sending the same thing again after a failure reuses the idempotency key, so a request that did
 * reach the server before the connection dropped is not sent to the patient twice.
 */
export function useSendMessage(practiceId: string, conversationId: string) {
  const queryClient = useQueryClient();
  const attempt = useRef<{ input: string; key: string } | null>(null);
  const keyFor = (input: SendMessageInput) => {
    const serialised = JSON.stringify(input);
    if (attempt.current?.input !== serialised) attempt.current = { input: serialised, key: newIdempotencyKey() };
    return attempt.current.key;
  };
  return useMutation({
    mutationFn: (input: SendMessageInput) => inboxApi.send(practiceId, conversationId, input, keyFor(input)),
    onSuccess: (message) => {
      attempt.current = null;
      if (message && typeof message === 'object' && 'id' in message)
        appendMessage(queryClient, practiceId, conversationId, message);
    },
    onSettled: () => refreshConversation(queryClient, practiceId, conversationId),
  });
}

export function usePatchConversation(practiceId: string, conversationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: ConversationPatchBody) => inboxApi.patch(practiceId, conversationId, patch),
    onSuccess: (detail) => {
      if (detail && typeof detail === 'object' && 'id' in detail)
        queryClient.setQueryData(inboxKeys.detail(practiceId, conversationId), detail);
      else void queryClient.invalidateQueries({ queryKey: inboxKeys.detail(practiceId, conversationId) });
      void queryClient.invalidateQueries({ queryKey: inboxKeys.lists(practiceId) });
      void queryClient.invalidateQueries({ queryKey: inboxKeys.counts(practiceId) });
    },
  });
}

function appendMessage(queryClient: QueryClient, practiceId: string, conversationId: string, message: InboxMessage) {
  queryClient.setQueryData<InfiniteData<MessageListBody, string | undefined>>(
    inboxKeys.messages(practiceId, conversationId),
    (data) => {
      const [newest, ...older] = data?.pages ?? [];
      if (!data || !newest || newest.items.some((m) => m.id === message.id)) return data;
      return { ...data, pages: [{ ...newest, items: [...newest.items, message] }, ...older] };
    },
  );
}

function refreshConversation(queryClient: QueryClient, practiceId: string, conversationId: string) {
  void queryClient.invalidateQueries({ queryKey: inboxKeys.conversation(practiceId, conversationId) });
  void queryClient.invalidateQueries({ queryKey: inboxKeys.lists(practiceId) });
  void queryClient.invalidateQueries({ queryKey: inboxKeys.counts(practiceId) });
}

function isInboxEvent(value: unknown): value is InboxEvent {
  if (!value || typeof value !== 'object') return false;
  const event = value as Partial<InboxEvent>;
  return (event.type === 'conversation' || event.type === 'message') && typeof event.conversationId === 'string';
}

/**
 * Live inbox: each event names the conversation that changed. Events come in bursts (a status
 * webhook for fifty reminders), so invalidations are gathered for a moment and sent once.
 */
export function useInboxEvents(practiceId: string, enabled: boolean) {
  const queryClient = useQueryClient();
  const pending = useRef(new Map<string, boolean>());
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const flush = useCallback(() => {
    timer.current = undefined;
    void queryClient.invalidateQueries({ queryKey: inboxKeys.lists(practiceId) });
    void queryClient.invalidateQueries({ queryKey: inboxKeys.counts(practiceId) });
    for (const [conversationId, messagesChanged] of pending.current) {
      void queryClient.invalidateQueries({
        queryKey: messagesChanged
          ? inboxKeys.conversation(practiceId, conversationId)
          : inboxKeys.detail(practiceId, conversationId),
      });
    }
    pending.current.clear();
  }, [queryClient, practiceId]);

  const onEvent = useCallback(
    (data: string) => {
      let event: unknown;
      try {
        event = JSON.parse(data);
      } catch {
        return;
      }
      if (!isInboxEvent(event)) return;
      pending.current.set(
        event.conversationId,
        (pending.current.get(event.conversationId) ?? false) || event.type === 'message',
      );
      timer.current ??= window.setTimeout(flush, 250);
    },
    [flush],
  );
  const onResync = useCallback(
    () => void queryClient.invalidateQueries({ queryKey: inboxKeys.all(practiceId) }),
    [queryClient, practiceId],
  );
  useEventStream(enabled ? apiUrl(inboxPath(practiceId, '/events')) : null, onEvent, onResync);
}

/**
 * Opening a conversation with unread messages marks them read (and the server tells WhatsApp, so
 * the patient sees blue ticks) — only while the tab is on screen, once per newest message.
 */
export function useMarkRead(practiceId: string, conversation: ConversationSummary | undefined) {
  const queryClient = useQueryClient();
  const visible = useDocumentVisible();
  const done = useRef<string | null>(null);
  const mark =
    conversation && conversation.unreadCount > 0 && visible ? `${conversation.id}@${conversation.lastMessageAt}` : null;
  useEffect(() => {
    if (!mark || !conversation || done.current === mark) return;
    done.current = mark;
    const conversationId = conversation.id;
    inboxApi
      .markRead(practiceId, conversationId)
      .then(() => {
        void queryClient.invalidateQueries({ queryKey: inboxKeys.detail(practiceId, conversationId) });
        void queryClient.invalidateQueries({ queryKey: inboxKeys.lists(practiceId) });
        void queryClient.invalidateQueries({ queryKey: inboxKeys.counts(practiceId) });
      })
      // Not worth interrupting anyone for: the next message tries again.
      .catch(() => undefined);
  }, [mark, conversation, practiceId, queryClient]);
}

/** The name staff know the contact by: the linked patient, else the WhatsApp profile, else the number. */
export function contactName(
  conversation: Pick<ConversationSummary, 'patient' | 'profileName' | 'phone' | 'waId'>,
  unknown: string,
) {
  const { patient, profileName, phone, waId } = conversation;
  // A WhatsApp id is the number's digits without the +.
  const number = phone || (waId ? `+${waId}` : '');
  return patient?.name || profileName || (number && formatPhone(number)) || unknown;
}
