import type { DashboardGranularity, RemindersDashboard } from '@dentalpro/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

export interface DashboardQuery {
  from: string;
  to: string;
  granularity: DashboardGranularity;
  providerId: string;
  appointmentTypeId: string;
}

/** The dashboard's counts; the last answer stays on screen while a new filter is read. */
export function useRemindersDashboard(practiceId: string, query: DashboardQuery, enabled: boolean) {
  return useQuery({
    queryKey: ['reminders', practiceId, 'dashboard', query],
    enabled,
    queryFn: ({ signal }) =>
      api.get<RemindersDashboard>(
        `/practices/${practiceId}/reminders/dashboard`,
        {
          from: query.from,
          to: query.to,
          granularity: query.granularity,
          providerId: query.providerId || undefined,
          appointmentTypeId: query.appointmentTypeId || undefined,
        },
        signal,
      ),
    placeholderData: keepPreviousData,
    staleTime: 60_000,
  });
}
