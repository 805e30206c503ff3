import type { MarkNotificationsRead, NotificationCount, NotificationList } from '@dentalpro/contracts';
import { type InfiniteData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef } from 'react';
import { api, apiUrl } from '../../api/client';
import { useEventStream } from '../../api/events';

export type NotificationFilter = 'unread' | 'all';

/** Every notification query of a practice starts with this, so one invalidation refreshes the lot. */
export const notificationKeys = {
  all: (practiceId: string) => ['notifications', practiceId] as const,
  count: (practiceId: string) => ['notifications', practiceId, 'count'] as const,
  lists: (practiceId: string) => ['notifications', practiceId, 'list'] as const,
  list: (practiceId: string, filter: NotificationFilter) => ['notifications', practiceId, 'list', filter] as const,
};

const notificationsPath = (practiceId: string, rest = '') => `/practices/${practiceId}/notifications${rest}`;

/**
 * The bell's figure. Live events refresh it; the slow poll only covers a stream that cannot
 * connect (a proxy that drops server-sent events).
 */
export function useNotificationCount(practiceId: string) {
  return useQuery({
    queryKey: notificationKeys.count(practiceId),
    queryFn: ({ signal }) => api.get<NotificationCount>(notificationsPath(practiceId, '/count'), undefined, signal),
    refetchInterval: 60_000,
    staleTime: 10_000,
  });
}

/** Newest first, a page at a time; only fetched while the panel is open. */
export function useNotifications(practiceId: string, filter: NotificationFilter, enabled: boolean) {
  const queryClient = useQueryClient();
  return useInfiniteQuery({
    queryKey: notificationKeys.list(practiceId, filter),
    queryFn: async ({ pageParam, signal }) => {
      const page = await api.get<NotificationList>(
        notificationsPath(practiceId),
        { unread: filter === 'unread' ? 'true' : 'false', cursor: pageParam, limit: 20 },
        signal,
      );
      // The list carries the count as of the same moment: the badge agrees with what is shown.
      if (pageParam === undefined)
        queryClient.setQueryData(notificationKeys.count(practiceId), { unread: page.unread });
      return page;
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled,
  });
}

/**
 * Marks some notifications read, or all of them. The items show read at once; the server's
 * answer sets the count, and the lists are fetched again (an unread-only list loses them).
 */
export function useMarkNotificationsRead(practiceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: MarkNotificationsRead) =>
      api.post<NotificationCount>(notificationsPath(practiceId, '/read'), body),
    onMutate: async (body) => {
      await queryClient.cancelQueries({ queryKey: notificationKeys.lists(practiceId) });
      const readAt = new Date().toISOString();
      const marks = (id: string) => ('all' in body ? true : body.ids.includes(id));
      queryClient.setQueriesData<InfiniteData<NotificationList>>(
        { queryKey: notificationKeys.lists(practiceId) },
        (data) =>
          data && {
            ...data,
            pages: data.pages.map((page) => ({
              ...page,
              items: page.items.map((item) => (item.readAt === null && marks(item.id) ? { ...item, readAt } : item)),
            })),
          },
      );
    },
    onSuccess: (count) => {
      if (count && typeof count.unread === 'number')
        queryClient.setQueryData(notificationKeys.count(practiceId), count);
    },
    onError: () => void queryClient.invalidateQueries({ queryKey: notificationKeys.count(practiceId) }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: notificationKeys.lists(practiceId) }),
  });
}

/**
 * Live: each event is only a hint that this member's notifications changed. Hints come in bursts
 * (a patient booking and the conversation's handover at once), so they are gathered for a moment.
 * After a reconnection everything is fetched again, since hints sent meanwhile were lost.
 */
export function useNotificationEvents(practiceId: string, enabled: boolean) {
  const queryClient = useQueryClient();
  const timer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const refresh = useCallback(() => {
    timer.current = undefined;
    void queryClient.invalidateQueries({ queryKey: notificationKeys.all(practiceId) });
  }, [queryClient, practiceId]);

  const onEvent = useCallback(
    (data: string) => {
      let event: unknown;
      try {
        event = JSON.parse(data);
      } catch {
        return;
      }
      if (!event || typeof event !== 'object' || (event as { type?: unknown }).type !== 'notifications') return;
      timer.current ??= window.setTimeout(refresh, 250);
    },
    [refresh],
  );
  useEventStream(enabled ? apiUrl(notificationsPath(practiceId, '/events')) : null, onEvent, refresh);
}
