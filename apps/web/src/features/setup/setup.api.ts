import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { SetupStatusBody } from '../../api/contracts';

export const setupKey = ['setup'] as const;

export function useSetupStatus() {
  return useQuery({ queryKey: setupKey, queryFn: () => api.get<SetupStatusBody>('/setup'), staleTime: 30_000 });
}
