import type {
  ExportLinkDelivery,
  ExportLinkSent,
  PrivacyRequest,
  PrivacyRequestInput,
  PrivacyRequestList,
  PrivacyRequestSettings,
  PrivacyRequestSettingsInput,
  VerifyIdentityInput,
} from '@dentalpro/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../api/client';

const base = (practiceId: string) => `/practices/${practiceId}/privacy/requests`;
export const requestKeys = { all: (practiceId: string) => ['privacy-requests', practiceId] as const };

export function usePrivacyRequests(practiceId: string, filter: { state: 'open' | 'all'; patientId?: string }) {
  return useQuery({
    queryKey: [...requestKeys.all(practiceId), filter],
    queryFn: () => api.get<PrivacyRequestList>(base(practiceId), { state: filter.state, patientId: filter.patientId }),
  });
}

export function usePrivacyRequest(practiceId: string, requestId: string) {
  return useQuery({
    queryKey: [...requestKeys.all(practiceId), 'one', requestId],
    queryFn: () => api.get<PrivacyRequest>(`${base(practiceId)}/${requestId}`),
  });
}

/** The copy of an approved access request, downloaded by an owner at the desk (same-origin link, the session cookie). */
export const exportUrl = (practiceId: string, requestId: string) => `/api/v1${base(practiceId)}/${requestId}/export`;

type Step =
  | { step: 'verify'; body: VerifyIdentityInput }
  | { step: 'approve' }
  | { step: 'fulfil' }
  | { step: 'refuse'; reason: string };

export function useRequestStep(practiceId: string, requestId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (s: Step) => {
      const url = `${base(practiceId)}/${requestId}/${s.step}`;
      if (s.step === 'verify') return api.post<PrivacyRequest>(url, s.body);
      if (s.step === 'refuse') return api.post<PrivacyRequest>(url, { reason: s.reason });
      return api.post<PrivacyRequest>(url, {});
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: requestKeys.all(practiceId) }),
  });
}

export function useCreateRequest(practiceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: PrivacyRequestInput) => api.post<PrivacyRequest>(base(practiceId), input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: requestKeys.all(practiceId) }),
  });
}

const exportLinkKey = (practiceId: string, requestId: string) =>
  [...requestKeys.all(practiceId), 'export-link', requestId] as const;

/** How the link would reach the patient now: as text inside WhatsApp's 24-hour window, else a template first. */
export function useExportLinkDelivery(practiceId: string, requestId: string) {
  return useQuery({
    queryKey: exportLinkKey(practiceId, requestId),
    queryFn: () => api.get<ExportLinkDelivery>(`${base(practiceId)}/${requestId}/export-link`),
  });
}

/** An owner sends the patient a 7-day link to the copy on WhatsApp (outside the window: the template first). */
export function useExportLink(practiceId: string, requestId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<ExportLinkSent>(`${base(practiceId)}/${requestId}/export-link`, {}),
    onSettled: () => queryClient.invalidateQueries({ queryKey: exportLinkKey(practiceId, requestId) }),
  });
}

const settingsPath = (practiceId: string) => `/practices/${practiceId}/privacy/request-settings`;
export const requestSettingsKey = (practiceId: string) => ['privacy-request-settings', practiceId] as const;

/** The months the practice gives itself to answer (owners). */
export function useRequestSettings(practiceId: string) {
  return useQuery({
    queryKey: requestSettingsKey(practiceId),
    queryFn: () => api.get<PrivacyRequestSettings>(settingsPath(practiceId)),
  });
}

export function useSaveRequestSettings(practiceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: PrivacyRequestSettingsInput) =>
      api.put<PrivacyRequestSettings>(settingsPath(practiceId), input),
    onSuccess: (saved) => queryClient.setQueryData(requestSettingsKey(practiceId), saved),
  });
}
