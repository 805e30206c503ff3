import type {
  LinkedIdentities,
  OidcPublicConfig,
  OidcRedirect,
  PracticeIdentityProviderInput,
  PracticeIdentityProviderSettings,
} from '@dentalpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';

/** Whether the deployment has an identity provider, and its name for the button. */
export function useOidcConfig() {
  return useQuery({
    queryKey: ['oidc-config'],
    queryFn: () => api.get<OidcPublicConfig>('/auth/oidc/config'),
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

export const identitiesKey = ['oidc-identities'] as const;

export function useLinkedIdentities() {
  return useQuery({ queryKey: identitiesKey, queryFn: () => api.get<LinkedIdentities>('/auth/oidc/identities') });
}

/**
 * Starts at the provider: the server answers its address (after setting the cookie that binds the
 * answer to this browser), and the page goes there. A provider that is down is an error here, on
 * this page, with the password form still at hand.
 */
export function useGoToProvider(path: '/auth/oidc/start' | '/auth/oidc/link') {
  return useMutation({
    mutationFn: (body: { invitationToken?: string; password?: string; email?: string; practiceId?: string }) =>
      api.post<OidcRedirect>(path, body),
    onSuccess: (result) => window.location.assign(result.url),
  });
}

export const practiceProviderKey = (practiceId: string) => ['practice-identity-provider', practiceId] as const;

/** The practice's own provider (owners only). */
export function usePracticeIdentityProvider(practiceId: string, enabled: boolean) {
  return useQuery({
    queryKey: practiceProviderKey(practiceId),
    queryFn: () => api.get<PracticeIdentityProviderSettings>(`/practices/${practiceId}/identity-provider`),
    enabled,
  });
}

export function useSavePracticeIdentityProvider(practiceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: PracticeIdentityProviderInput) =>
      api.put<PracticeIdentityProviderSettings>(`/practices/${practiceId}/identity-provider`, input),
    onSuccess: (saved) => {
      queryClient.setQueryData(practiceProviderKey(practiceId), saved);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: ['oidc-config'] }),
        queryClient.invalidateQueries({ queryKey: identitiesKey }),
      ]);
    },
  });
}

export function useRemovePracticeIdentityProvider(practiceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.delete(`/practices/${practiceId}/identity-provider`),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: practiceProviderKey(practiceId) }),
        queryClient.invalidateQueries({ queryKey: ['oidc-config'] }),
        queryClient.invalidateQueries({ queryKey: identitiesKey }),
      ]),
  });
}
