import type { PolicyAcknowledgements, PolicyNotice, PolicyVersion, PrivacyPolicy } from '@dentalpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../api/client';

export const policyKeys = {
  policy: ['privacy-policy'] as const,
  version: (version: number) => ['privacy-policy', 'version', version] as const,
  notice: ['privacy-policy', 'notice'] as const,
};

/** The current policy and the list of every version (public). */
export function usePrivacyPolicy() {
  return useQuery({ queryKey: policyKeys.policy, queryFn: () => api.get<PrivacyPolicy>('/privacy/policy') });
}

/** One earlier version, read when asked for. */
export function usePolicyVersion(version: number | null) {
  return useQuery({
    queryKey: policyKeys.version(version ?? 0),
    enabled: version !== null,
    queryFn: () => api.get<PolicyVersion>(`/privacy/policy/versions/${version}`),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** The material change the signed-in member has yet to acknowledge. */
export function usePolicyNotice() {
  return useQuery({
    queryKey: policyKeys.notice,
    queryFn: () => api.get<PolicyNotice>('/privacy/policy/notice'),
    staleTime: 5 * 60_000,
  });
}

export function useAcknowledgePolicy() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (version: number) => api.post<PolicyNotice>('/privacy/policy/acknowledgements', { version }),
    onSuccess: (answer) => queryClient.setQueryData(policyKeys.notice, answer),
  });
}

/** For owners: who in the practice has acknowledged the newest material version. */
export function usePolicyAcknowledgements(practiceId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['privacy-policy', 'acknowledgements', practiceId],
    enabled,
    queryFn: () => api.get<PolicyAcknowledgements>(`/practices/${practiceId}/privacy/policy/acknowledgements`),
  });
}
