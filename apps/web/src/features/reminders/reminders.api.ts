import type { AppointmentReminders, ReminderSettings, ReminderSettingsInput } from '@dentalpro/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

const base = (practiceId: string) => `/practices/${practiceId}/reminders`;

export const reminderKeys = {
  settings: (practiceId: string) => ['reminders', practiceId, 'settings'] as const,
};

export function useReminderSettings(practiceId: string) {
  return useQuery({
    queryKey: reminderKeys.settings(practiceId),
    queryFn: () => api.get<ReminderSettings>(`${base(practiceId)}/settings`),
  });
}

/** The server's limit on one batch lookup. */
const BATCH = 200;

/**
 * The reminders of the appointments on screen, in one request each time the calendar's
 * appointments are read (two for a view of more than 200): `loadedAt` is when they were, so
 * whatever refreshes the calendar (a booking, a move, its 30-second refresh) reads these once more,
 * and nothing else does.
 */
export function useAppointmentReminders(practiceId: string, appointmentIds: readonly string[], loadedAt: number) {
  const ids = [...new Set(appointmentIds)].sort();
  return useQuery({
    queryKey: ['reminders', practiceId, 'appointments', ids, loadedAt],
    enabled: ids.length > 0,
    queryFn: async ({ signal }) => {
      const batches: string[][] = [];
      for (let i = 0; i < ids.length; i += BATCH) batches.push(ids.slice(i, i + BATCH));
      const answers = await Promise.all(
        batches.map((batch) =>
          api.get<AppointmentReminders>(`${base(practiceId)}/appointments`, { ids: batch.join(',') }, signal),
        ),
      );
      return new Map(answers.flatMap((a) => a.items.map((item) => [item.appointmentId, item.reminders] as const)));
    },
    placeholderData: keepPreviousData,
    staleTime: Number.POSITIVE_INFINITY,
    gcTime: 60_000,
  });
}

export const remindersApi = {
  save: (practiceId: string, settings: ReminderSettingsInput) =>
    api.put<ReminderSettings>(`${base(practiceId)}/settings`, settings),
};
