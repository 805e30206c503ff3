import type {
  LegalHold,
  LegalHoldInput,
  LegalHolds,
  RetentionReport,
  RetentionRuns,
  RetentionSettings,
  RetentionSettingsInput,
} from '@dentalpro/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../../api/client';

const base = (practiceId: string) => `/practices/${practiceId}/privacy`;

export const retentionKeys = {
  all: (practiceId: string) => ['privacy-retention', practiceId] as const,
  settings: (practiceId: string) => ['privacy-retention', practiceId, 'settings'] as const,
  report: (practiceId: string) => ['privacy-retention', practiceId, 'report'] as const,
  runs: (practiceId: string) => ['privacy-retention', practiceId, 'runs'] as const,
  holds: (practiceId: string, filter: { patientId?: string; all?: boolean }) =>
    ['privacy-retention', practiceId, 'holds', filter] as const,
  allHolds: (practiceId: string) => ['privacy-retention', practiceId, 'holds'] as const,
};

export function useRetentionSettings(practiceId: string) {
  return useQuery({
    queryKey: retentionKeys.settings(practiceId),
    queryFn: () => api.get<RetentionSettings>(`${base(practiceId)}/retention`),
  });
}

export function useRetentionReport(practiceId: string) {
  return useQuery({
    queryKey: retentionKeys.report(practiceId),
    queryFn: () => api.get<RetentionReport>(`${base(practiceId)}/retention/report`, { days: '90' }),
  });
}

export function useRetentionRuns(practiceId: string) {
  return useQuery({
    queryKey: retentionKeys.runs(practiceId),
    queryFn: () => api.get<RetentionRuns>(`${base(practiceId)}/retention/runs`, { limit: '10' }),
  });
}

export function useLegalHolds(practiceId: string, filter: { patientId?: string; all?: boolean }) {
  return useQuery({
    queryKey: retentionKeys.holds(practiceId, filter),
    queryFn: () =>
      api.get<LegalHolds>(`${base(practiceId)}/legal-holds`, {
        ...(filter.patientId ? { patientId: filter.patientId } : {}),
        ...(filter.all ? { all: 'true' } : {}),
      }),
  });
}

export const retentionApi = {
  save: (practiceId: string, input: RetentionSettingsInput) =>
    api.put<RetentionSettings>(`${base(practiceId)}/retention`, input),
  setHold: (practiceId: string, input: LegalHoldInput) => api.post<LegalHold>(`${base(practiceId)}/legal-holds`, input),
  liftHold: (practiceId: string, holdId: string, reason: string) =>
    api.post<LegalHold>(`${base(practiceId)}/legal-holds/${holdId}/lift`, { reason }),
};
