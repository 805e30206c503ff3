import type { ConsentHistory, RecordConsent } from '@dentalpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';

export const consentKeys = {
  history: (practiceId: string, patientId: string) => ['consent', practiceId, patientId] as const,
};

const path = (practiceId: string, patientId: string) => `/practices/${practiceId}/patients/${patientId}/consent`;

export function useConsentHistory(practiceId: string, patientId: string) {
  return useQuery({
    queryKey: consentKeys.history(practiceId, patientId),
    queryFn: () => api.get<ConsentHistory>(path(practiceId, patientId)),
  });
}

export function useRecordConsent(practiceId: string, patientId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RecordConsent) => api.post<ConsentHistory>(path(practiceId, patientId), body),
    onSuccess: (history) => queryClient.setQueryData(consentKeys.history(practiceId, patientId), history),
  });
}
