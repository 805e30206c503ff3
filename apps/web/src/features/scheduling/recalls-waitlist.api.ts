import type { Patient, PatientSummary } from '@dentalpro/contracts';
import { type QueryClient, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Infer } from '../../api/contracts';
import type { Recall, WaitlistEntry } from '@dentalpro/contracts';
import { type Items, schedulingKey } from './scheduling.api';

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

/** Open recalls (due, and booked ones so a booking shows in place) by the list's filters. */
export function useRecalls(practiceId: string, filters: RecallFilters) {
  return useQuery({
    queryKey: [...recallsKey(practiceId), filters],
    queryFn: ({ signal }) =>
      api.get<Items<RecallBody>>(path(practiceId, '/recalls'), { status: 'open', ...filters }, signal),
    select: (b) => b.items,
    placeholderData: (previous) => previous,
  });
}

/** The waitlist's open entries (waiting or offered), longest waiting first. */
export function useOpenWaitlist(practiceId: string) {
  return useQuery({
    queryKey: [...waitlistKey(practiceId), 'open'],
    queryFn: ({ signal }) =>
      api.get<Items<WaitlistEntryBody>>(path(practiceId, '/waitlist'), { status: 'open' }, signal),
    select: (b) => b.items,
  });
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
