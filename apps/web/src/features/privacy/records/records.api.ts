import type { ProcessingRecord } from '@dentalpro/contracts';
import { useQuery } from '@tanstack/react-query';
import { api, apiUrl } from '../../../api/client';

export function useProcessingRecord(practiceId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['privacy-records', practiceId],
    enabled,
    queryFn: () => api.get<ProcessingRecord>(`/practices/${practiceId}/privacy/records`),
  });
}

/** The PDF's address: a plain link downloads it with the session cookie. */
export const processingRecordPdfUrl = (practiceId: string, lang: 'en' | 'fr') =>
  apiUrl(`/practices/${practiceId}/privacy/records/pdf`, { lang });
