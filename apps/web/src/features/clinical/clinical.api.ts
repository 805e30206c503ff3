import type { Attachment, ChartFinding, ClinicalNote, Procedure, TreatmentPlan } from '@dentalpro/contracts';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';

/** Query keys of one patient's clinical record; invalidating the prefix refreshes every tab. */
export const clinicalKeys = {
  all: (practiceId: string, patientId: string) => ['clinical', practiceId, patientId] as const,
  chart: (practiceId: string, patientId: string, asOf: string) =>
    ['clinical', practiceId, patientId, 'chart', asOf] as const,
  chartAll: (practiceId: string, patientId: string) => ['clinical', practiceId, patientId, 'chart'] as const,
  plans: (practiceId: string, patientId: string) => ['clinical', practiceId, patientId, 'plans'] as const,
  notes: (practiceId: string, patientId: string) => ['clinical', practiceId, patientId, 'notes'] as const,
  attachments: (practiceId: string, patientId: string) => ['clinical', practiceId, patientId, 'attachments'] as const,
  priceList: (practiceId: string) => ['clinical', practiceId, 'price-list'] as const,
};

export const recordPath = (practiceId: string, patientId: string) => `/practices/${practiceId}/patients/${patientId}`;

export function useChart(practiceId: string, patientId: string, asOf: string) {
  return useQuery({
    queryKey: clinicalKeys.chart(practiceId, patientId, asOf),
    queryFn: () =>
      api.get<{ asOf: string | null; findings: ChartFinding[] }>(`${recordPath(practiceId, patientId)}/chart`, {
        asOf,
      }),
  });
}

export function useTreatmentPlans(practiceId: string, patientId: string) {
  return useQuery({
    queryKey: clinicalKeys.plans(practiceId, patientId),
    queryFn: () => api.get<{ items: TreatmentPlan[] }>(`${recordPath(practiceId, patientId)}/treatment-plans`),
  });
}

export function useNotes(practiceId: string, patientId: string) {
  return useQuery({
    queryKey: clinicalKeys.notes(practiceId, patientId),
    queryFn: () => api.get<{ items: ClinicalNote[] }>(`${recordPath(practiceId, patientId)}/notes`),
  });
}

export function useAttachments(practiceId: string, patientId: string) {
  return useQuery({
    queryKey: clinicalKeys.attachments(practiceId, patientId),
    queryFn: () => api.get<{ items: Attachment[] }>(`${recordPath(practiceId, patientId)}/attachments`),
  });
}

export function usePriceList(practiceId: string) {
  return useQuery({
    queryKey: clinicalKeys.priceList(practiceId),
    queryFn: () => api.get<{ items: Procedure[] }>(`/practices/${practiceId}/price-list`),
  });
}

/** Fees are integer minor units (cents) of MUR, shown in the interface language's Mauritian format. */
export function useMoney() {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage === 'fr' ? 'fr-MU' : 'en-MU';
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency: 'MUR' });
  return (minor: number) => format.format(minor / 100);
}

/** The procedure's name in the interface language. */
export function useProcedureName() {
  const { i18n } = useTranslation();
  const fr = i18n.resolvedLanguage === 'fr';
  return (p: { nameEn: string; nameFr: string }) => (fr ? p.nameFr : p.nameEn);
}
