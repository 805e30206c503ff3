import type {
  Appointment,
  MedicalAlerts,
  Patient,
  PatientDuplicateCheck,
  PatientSummary,
  PatientWhatsAppReach,
} from '@dentalpro/contracts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

export const patientKeys = {
  patient: (practiceId: string, patientId: string) => ['patients', practiceId, patientId] as const,
  alerts: (practiceId: string, patientId: string) => ['patients', practiceId, patientId, 'alerts'] as const,
  accessLog: (practiceId: string, patientId: string) => ['patients', practiceId, patientId, 'access-log'] as const,
  duplicates: (practiceId: string, patientId: string) => ['patients', practiceId, patientId, 'duplicates'] as const,
  whatsappReach: (practiceId: string, patientId: string) =>
    ['patients', practiceId, patientId, 'whatsapp-reach'] as const,
  /** A draft not created yet, keyed by what was checked. */
  draftCheck: (practiceId: string, probe: string) => ['patients', practiceId, 'duplicate-check', probe] as const,
};

export interface AccessLogEntry {
  id: string;
  occurredAt: string;
  action: string;
  actorUserId: string | null;
  actorName: string | null;
  ip: string | null;
}

export function usePatient(practiceId: string, patientId: string, enabled = true) {
  return useQuery({
    queryKey: patientKeys.patient(practiceId, patientId),
    queryFn: () => api.get<Patient>(`/practices/${practiceId}/patients/${patientId}`),
    enabled,
  });
}

export function useMedicalAlerts(practiceId: string, patientId: string, enabled: boolean) {
  return useQuery({
    queryKey: patientKeys.alerts(practiceId, patientId),
    queryFn: () => api.get<MedicalAlerts>(`/practices/${practiceId}/patients/${patientId}/alerts`),
    enabled,
  });
}

export function usePatientAppointments(practiceId: string, patientId: string, enabled = true) {
  return useQuery({
    queryKey: ['scheduling', practiceId, 'appointments', 'patient', patientId],
    queryFn: () => api.get<{ items: Appointment[] }>(`/practices/${practiceId}/patients/${patientId}/appointments`),
    enabled,
  });
}

/** Which of the record's numbers WhatsApp said it does not reach (131026), and since when (the messaging module's answer). */
export function usePatientWhatsAppReach(practiceId: string, patientId: string, enabled = true) {
  return useQuery({
    queryKey: patientKeys.whatsappReach(practiceId, patientId),
    queryFn: () => api.get<PatientWhatsAppReach>(`/practices/${practiceId}/patients/${patientId}/whatsapp-reach`),
    enabled,
  });
}

export function useAccessLog(practiceId: string, patientId: string, enabled: boolean) {
  return useQuery({
    queryKey: patientKeys.accessLog(practiceId, patientId),
    queryFn: () =>
      api.get<{ items: AccessLogEntry[] }>(`/practices/${practiceId}/patients/${patientId}/access-log`, { limit: 100 }),
    enabled,
  });
}

export function usePatientDuplicates(practiceId: string, patientId: string, enabled: boolean) {
  return useQuery({
    queryKey: patientKeys.duplicates(practiceId, patientId),
    queryFn: () => api.get<{ items: PatientSummary[] }>(`/practices/${practiceId}/patients/${patientId}/duplicates`),
    enabled,
  });
}

export const patientsApi = {
  checkDraft: (practiceId: string, draft: PatientDuplicateCheck) =>
    api.post<{ items: PatientSummary[] }>(`/practices/${practiceId}/patients/duplicate-check`, draft),
  merge: (practiceId: string, patientId: string, intoPatientId: string) =>
    api.post<{ survivor: Patient; mergedPatientId: string }>(`/practices/${practiceId}/patients/${patientId}/merge`, {
      intoPatientId,
    }),
};
