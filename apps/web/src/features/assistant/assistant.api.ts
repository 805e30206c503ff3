import type { AssistantSettings, AssistantSettingsPatch, Procedure, UnderstandResult } from '@dentalpro/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { clinicalKeys } from '../clinical/clinical.api';

export const assistantKeys = {
  settings: (practiceId: string) => ['assistant', practiceId, 'settings'] as const,
};

const base = (practiceId: string) => `/practices/${practiceId}/assistant`;

export function useAssistantSettings(practiceId: string) {
  return useQuery({
    queryKey: assistantKeys.settings(practiceId),
    queryFn: () => api.get<AssistantSettings>(`${base(practiceId)}/settings`),
  });
}

/** The price list's active items (the clinical page's query), asked only of people who may read it. */
export function useActivePriceList(practiceId: string, enabled: boolean) {
  return useQuery({
    queryKey: clinicalKeys.priceList(practiceId),
    queryFn: () => api.get<{ items: Procedure[] }>(`/practices/${practiceId}/price-list`),
    enabled,
  });
}

export const assistantApi = {
  save: (practiceId: string, patch: AssistantSettingsPatch) =>
    api.patch<AssistantSettings>(`${base(practiceId)}/settings`, patch),
  understand: (practiceId: string, text: string) =>
    api.post<UnderstandResult>(`${base(practiceId)}/understand`, { text }),
};
