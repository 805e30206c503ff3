import type { RecallMessage, RecallMessages, RecallSettings, RecallSettingsInput } from '@dentalpro/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

const base = (practiceId: string) => `/practices/${practiceId}/reminders`;

export const recallKeys = {
  settings: (practiceId: string) => ['reminders', practiceId, 'recall-settings'] as const,
};

/** Settings → Reminders → Recall messages (the defaults until an owner saves them). */
export function useRecallSettings(practiceId: string) {
  return useQuery({
    queryKey: recallKeys.settings(practiceId),
    queryFn: () => api.get<RecallSettings>(`${base(practiceId)}/recall-settings`),
  });
}

export const recallSettingsApi = {
  save: (practiceId: string, settings: RecallSettingsInput) =>
    api.put<RecallSettings>(`${base(practiceId)}/recall-settings`, settings),
};

/** The server's limit on one batch lookup. */
const BATCH = 200;

/** The latest WhatsApp recall message of each recall on screen (sent, waiting, not sent and why), by recall id. */
export function useRecallMessages(practiceId: string, recallIds: readonly string[]) {
  const ids = [...new Set(recallIds)].sort();
  return useQuery({
    queryKey: ['reminders', practiceId, 'recalls', ids],
    enabled: ids.length > 0,
    queryFn: async ({ signal }) => {
      const batches: string[][] = [];
      for (let i = 0; i < ids.length; i += BATCH) batches.push(ids.slice(i, i + BATCH));
      const answers = await Promise.all(
        batches.map((batch) =>
          api.get<RecallMessages>(`${base(practiceId)}/recalls`, { ids: batch.join(',') }, signal),
        ),
      );
      return new Map<string, RecallMessage | null>(
        answers.flatMap((a) => a.items.map((item) => [item.recallId, item.message] as const)),
      );
    },
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
