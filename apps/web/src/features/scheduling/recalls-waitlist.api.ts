import type { Patient, PatientSummary } from '@dentalpro/contracts';
import { type QueryClient, useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Infer } from '../../api/contracts';
import type { Recall, WaitlistEntry } from '@dentalpro/contracts';
import { schedulingKey } from './scheduling.api';

export type RecallBody = Infer<typeof Recall>;
export type WaitlistEntryBody = Infer<typeof WaitlistEntry>;

export interface RecallFilters {
  dueFrom?: string | undefined;
  dueBefore: string;
  providerId?: string | undefined;
  lastVisitBefore?: string | undefined;
}

const path = (practiceId: string, rest: string) => `/practices/${practiceId}${rest}`;
const recallsKey = (practiceId: string) => [...schedulingKey(practiceId), 'recalls'] as const;
const waitlistKey = (practiceId: string) => [...schedulingKey(practiceId), 'waitlist'] as const;

/** How many rows a list asks the server for at a time; "Load more" asks for the next as many. */
export const LIST_PAGE_SIZE = 50;

/** A page as the recall and waitlist routes answer it. */
export interface ListPage<T> {
  items: T[];
  total: number;
  nextOffset: number | null;
}

/** A list read a page at a time: the rows loaded so far, the count of the whole list, and more on request. */
function usePagedList<T>(queryKey: readonly unknown[], pathname: string, query: Record<string, string | undefined>) {
  const list = useInfiniteQuery({
    queryKey,
    initialPageParam: 0,
    getNextPageParam: (last: ListPage<T>) => last.nextOffset ?? undefined,
    queryFn: ({ pageParam, signal }) =>
      api.get<ListPage<T>>(pathname, { ...query, limit: String(LIST_PAGE_SIZE), offset: String(pageParam) }, signal),
    placeholderData: (previous) => previous,
  });
  const pages = list.data?.pages ?? [];
  return {
    ...list,
    items: pages.flatMap((page) => page.items),
    // The latest page's count: rows booked or removed since the first page leave it.
    total: pages.at(-1)?.total,
  };
}

/** Open recalls (due, and booked ones so a booking shows in place) by the list's filters, a page at a time. */
export function useRecalls(practiceId: string, filters: RecallFilters) {
  return usePagedList<RecallBody>([...recallsKey(practiceId), filters], path(practiceId, '/recalls'), {
    status: 'open',
    ...filters,
  });
}

/** The waitlist's open entries (waiting or offered), longest waiting first, of one visit type or all, a page at a time. */
export function useOpenWaitlist(practiceId: string, appointmentTypeId?: string) {
  return usePagedList<WaitlistEntryBody>(
    [...waitlistKey(practiceId), 'open', appointmentTypeId ?? ''],
    path(practiceId, '/waitlist'),
    { status: 'open', appointmentTypeId: appointmentTypeId || undefined },
  );
}

export const recallsWaitlistApi = {
  updateRecall: (practiceId: string, id: string, patch: { status?: RecallBody['status']; dueDate?: string }) =>
    api.patch<RecallBody>(path(practiceId, `/recalls/${id}`), patch),
  addToWaitlist: (practiceId: string, body: Record<string, unknown>) =>
    api.post<WaitlistEntryBody>(path(practiceId, '/waitlist'), body),
  setWaitlistStatus: (practiceId: string, id: string, status: WaitlistEntryBody['status']) =>
    api.patch<WaitlistEntryBody>(path(practiceId, `/waitlist/${id}`), { status }),
};

/** The patient as the booking dialog takes them, read from their record (the lists carry the name only). */
export async function patientForBooking(
  queryClient: QueryClient,
  practiceId: string,
  patientId: string,
): Promise<PatientSummary> {
  const p = await queryClient.fetchQuery({
    queryKey: ['patients', practiceId, patientId],
    queryFn: () => api.get<Patient>(path(practiceId, `/patients/${patientId}`)),
    staleTime: 30_000,
  });
  return {
    id: p.id,
    givenName: p.givenName,
    familyName: p.familyName,
    phone: p.phone,
    dateOfBirth: p.dateOfBirth,
    status: p.status,
  };
}
