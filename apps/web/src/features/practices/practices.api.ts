import type { Practice } from '@dentalpro/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

export const practiceKey = (practiceId: string) => ['practice', practiceId] as const;

export function usePractice(practiceId: string) {
  return useQuery({ queryKey: practiceKey(practiceId), queryFn: () => api.get<Practice>(`/practices/${practiceId}`) });
}
