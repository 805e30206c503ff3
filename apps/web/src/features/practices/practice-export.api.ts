import type { PracticeExport, PracticeExportInput, PracticeExports } from '@dentalpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';

export const practiceExportsKey = (practiceId: string) => ['practice-exports', practiceId] as const;

/** The practice's latest whole-practice exports; polled while one is being built. */
export function usePracticeExports(practiceId: string) {
  return useQuery({
    queryKey: practiceExportsKey(practiceId),
    queryFn: () => api.get<PracticeExports>(`/practices/${practiceId}/privacy/practice-exports`),
    refetchInterval: (query) => (query.state.data?.items.some((e) => e.state === 'building') ? 3000 : false),
  });
}

export function useRequestPracticeExport(practiceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: PracticeExportInput) =>
      api.post<PracticeExport>(`/practices/${practiceId}/privacy/practice-exports`, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: practiceExportsKey(practiceId) }),
  });
}

export const practiceExportDownloadUrl = (practiceId: string, exportId: string) =>
  `/api/v1/practices/${practiceId}/privacy/practice-exports/${exportId}/download`;
