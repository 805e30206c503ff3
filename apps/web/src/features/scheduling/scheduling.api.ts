import type { Appointment, AppointmentType, Chair, PatientSummary, Provider } from '@dentalpro/contracts';
import { type QueryClient, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type {
  AvailabilityBody,
  BlockBody,
  CalendarSettingsBody,
  ClosureBody,
  HolidayBody,
  OpeningHoursBody,
  StatusHistoryEntryBody,
} from '../../api/contracts';

export type Items<T> = { items: T[] };

/** Every scheduling query of a practice starts with this, so one invalidation refreshes the lot. */
export const schedulingKey = (practiceId: string) => ['scheduling', practiceId] as const;
export const appointmentsKey = (practiceId: string) => [...schedulingKey(practiceId), 'appointments'] as const;

const path = (practiceId: string, rest: string) => `/practices/${practiceId}${rest}`;

export function useChairs(practiceId: string) {
  return useQuery({
    queryKey: [...schedulingKey(practiceId), 'chairs'],
    queryFn: () => api.get<Items<Chair>>(path(practiceId, '/chairs')),
    select: (body) => [...body.items].sort((a, b) => a.sortOrder - b.sortOrder || a.name.localeCompare(b.name)),
  });
}

export function useProviders(practiceId: string) {
  return useQuery({
    queryKey: [...schedulingKey(practiceId), 'providers'],
    queryFn: () => api.get<Items<Provider>>(path(practiceId, '/providers')),
    select: (b) => b.items,
  });
}

export function useAppointmentTypes(practiceId: string) {
  return useQuery({
    queryKey: [...schedulingKey(practiceId), 'appointment-types'],
    queryFn: () => api.get<Items<AppointmentType>>(path(practiceId, '/appointment-types')),
    select: (b) => b.items,
  });
}

export function useOpeningHours(practiceId: string) {
  return useQuery({
    queryKey: [...schedulingKey(practiceId), 'opening-hours'],
    queryFn: () => api.get<OpeningHoursBody>(path(practiceId, '/opening-hours')),
    select: (b) => b.hours,
  });
}

export function useCalendarSettings(practiceId: string) {
  return useQuery({
    queryKey: [...schedulingKey(practiceId), 'calendar-settings'],
    queryFn: () => api.get<CalendarSettingsBody>(path(practiceId, '/calendar-settings')),
  });
}

export function useClosures(practiceId: string) {
  return useQuery({
    queryKey: [...schedulingKey(practiceId), 'closures'],
    queryFn: () => api.get<Items<ClosureBody>>(path(practiceId, '/closures')),
    select: (b) => b.items,
  });
}

export function useHolidays(practiceId: string, year: number | undefined) {
  return useQuery({
    queryKey: [...schedulingKey(practiceId), 'holidays', year ?? 'all'],
    queryFn: () => api.get<Items<HolidayBody>>(path(practiceId, '/holidays'), { year }),
    select: (b) => [...b.items].sort((x, y) => x.date.localeCompare(y.date)),
  });
}

/** Live: other desks book and move all day, so this refetches every 30 s and on focus. */
const LIVE = { refetchInterval: 30_000, refetchOnWindowFocus: true, staleTime: 5_000 } as const;

export function useAppointments(practiceId: string, range: { from: string; to: string; includeCancelled: boolean }) {
  return useQuery({
    queryKey: [...appointmentsKey(practiceId), range.from, range.to, range.includeCancelled],
    queryFn: ({ signal }) =>
      api.get<Items<Appointment>>(
        path(practiceId, '/appointments'),
        { from: range.from, to: range.to, includeCancelled: String(range.includeCancelled) },
        signal,
      ),
    select: (b) => b.items,
    placeholderData: (previous) => previous,
    ...LIVE,
  });
}

export function useBlocks(practiceId: string, range: { from: string; to: string }) {
  return useQuery({
    queryKey: [...schedulingKey(practiceId), 'blocks', range.from, range.to],
    queryFn: ({ signal }) => api.get<Items<BlockBody>>(path(practiceId, '/blocks'), range, signal),
    select: (b) => b.items,
    ...LIVE,
  });
}

export function useAppointmentDetail(practiceId: string, appointmentId: string | null) {
  return useQuery({
    queryKey: [...appointmentsKey(practiceId), 'detail', appointmentId],
    enabled: appointmentId !== null,
    queryFn: () =>
      api.get<{ appointment: Appointment; history: StatusHistoryEntryBody[] }>(
        path(practiceId, `/appointments/${appointmentId}`),
      ),
  });
}

export function useAvailability(
  practiceId: string,
  query: { appointmentTypeId: string; providerId: string; from: string; to: string } | null,
) {
  return useQuery({
    queryKey: [...schedulingKey(practiceId), 'availability', query],
    enabled: query !== null,
    queryFn: ({ signal }) => api.get<AvailabilityBody>(path(practiceId, '/availability'), query ?? {}, signal),
    select: (b) => b.slots,
    staleTime: 5_000,
  });
}

export function usePatientSearch(practiceId: string, q: string) {
  return useQuery({
    queryKey: ['patients', practiceId, 'search', q],
    enabled: q.trim().length > 0,
    queryFn: ({ signal }) => api.get<Items<PatientSummary>>(path(practiceId, '/patients'), { q, limit: 8 }, signal),
    select: (b) => b.items,
    placeholderData: (previous) => previous,
  });
}

export const schedulingApi = {
  book: (practiceId: string, body: Record<string, unknown>) =>
    api.post<Appointment>(path(practiceId, '/appointments'), body),
  move: (practiceId: string, id: string, body: Record<string, unknown>) =>
    api.post<Appointment>(path(practiceId, `/appointments/${id}/move`), body),
  cancel: (practiceId: string, id: string, reason: string) =>
    api.post<Appointment>(path(practiceId, `/appointments/${id}/cancel`), { reason }),
  status: (practiceId: string, id: string, status: string) =>
    api.post<Appointment>(path(practiceId, `/appointments/${id}/status`), { status }),
  createPatient: (practiceId: string, body: Record<string, unknown>) =>
    api.post<PatientSummary>(path(practiceId, '/patients'), body),
  createBlock: (practiceId: string, body: Record<string, unknown>) =>
    api.post<BlockBody>(path(practiceId, '/blocks'), body),
  updateBlock: (practiceId: string, id: string, body: Record<string, unknown>) =>
    api.patch<BlockBody>(path(practiceId, `/blocks/${id}`), body),
  deleteBlock: (practiceId: string, id: string) => api.delete(path(practiceId, `/blocks/${id}`)),
  path,
};

export function refreshScheduling(queryClient: QueryClient, practiceId: string) {
  return queryClient.invalidateQueries({ queryKey: schedulingKey(practiceId) });
}

/** An appointment type's name in the interface language. */
export function useTypeName() {
  const { i18n } = useTranslation();
  const fr = (i18n.resolvedLanguage ?? i18n.language) === 'fr';
  return (type: Pick<AppointmentType, 'nameEn' | 'nameFr'> | undefined) =>
    type ? (fr ? type.nameFr : type.nameEn) : '';
}

export function patientName(p: Pick<PatientSummary, 'givenName' | 'familyName'>) {
  return `${p.givenName} ${p.familyName}`;
}

/** Which next statuses the status buttons offer (cancel has its own form with a reason). */
export const NEXT_STATUSES: Record<
  string,
  readonly ('booked' | 'confirmed' | 'arrived' | 'in_chair' | 'completed' | 'no_show')[]
> = {
  held: [],
  booked: ['confirmed', 'arrived', 'in_chair', 'no_show'],
  confirmed: ['booked', 'arrived', 'in_chair', 'no_show'],
  arrived: ['confirmed', 'in_chair', 'completed'],
  in_chair: ['completed'],
  completed: [],
  cancelled: [],
  no_show: [],
};
export const CANCELLABLE = ['held', 'booked', 'confirmed', 'arrived'];
export const MOVABLE = ['booked', 'confirmed'];
