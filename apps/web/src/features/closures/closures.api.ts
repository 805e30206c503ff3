import type {
  ClosureAnnouncement,
  ClosureAnnouncementInput,
  ClosureAnnouncementItem,
  ClosureAnnouncementList,
  ClosurePreview,
} from '@dentalpro/contracts';
import { type QueryClient, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

const base = (practiceId: string) => `/practices/${practiceId}/closure-announcements`;
export const closureKeys = {
  all: (practiceId: string) => ['closure-announcements', practiceId] as const,
};

/** Closure announcements whose range meets [from, to) (the calendar's banners). */
export function useClosureAnnouncements(practiceId: string, range: { from: string; to: string }) {
  return useQuery({
    queryKey: [...closureKeys.all(practiceId), 'list', range.from, range.to],
    queryFn: () => api.get<ClosureAnnouncementList>(base(practiceId), range),
    select: (b) => b.items,
  });
}

/** One announcement with every patient's status; read again every 15 s while open (replies come in). */
export function useClosureAnnouncement(practiceId: string, announcementId: string) {
  return useQuery({
    queryKey: [...closureKeys.all(practiceId), 'one', announcementId],
    queryFn: () => api.get<ClosureAnnouncement>(`${base(practiceId)}/${announcementId}`),
    refetchInterval: 15_000,
  });
}

export const closuresApi = {
  preview: (practiceId: string, input: ClosureAnnouncementInput) =>
    api.post<ClosurePreview>(`${base(practiceId)}/preview`, input),
  close: (practiceId: string, input: ClosureAnnouncementInput) =>
    api.post<ClosureAnnouncement>(base(practiceId), input),
  markCalled: (practiceId: string, announcementId: string, itemId: string, called: boolean) =>
    api.put<ClosureAnnouncementItem>(`${base(practiceId)}/${announcementId}/items/${itemId}/called`, { called }),
};

export function refreshClosures(queryClient: QueryClient, practiceId: string) {
  return queryClient.invalidateQueries({ queryKey: closureKeys.all(practiceId) });
}
