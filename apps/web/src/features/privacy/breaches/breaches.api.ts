import type { Breach, BreachInput, BreachList } from '@dentalpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../api/client';

const base = (practiceId: string) => `/practices/${practiceId}/privacy/breaches`;
const key = (practiceId: string) => ['privacy-breaches', practiceId] as const;

export function useBreaches(practiceId: string, enabled: boolean) {
  return useQuery({ queryKey: key(practiceId), enabled, queryFn: () => api.get<BreachList>(base(practiceId)) });
}

export function useSaveBreach(practiceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, breach }: { id: string | null; breach: BreachInput }) =>
      id ? api.put<Breach>(`${base(practiceId)}/${id}`, breach) : api.post<Breach>(base(practiceId), breach),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key(practiceId) }),
  });
}
