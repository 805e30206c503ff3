import type { PatientSummary } from '@dentalpro/contracts';

/**
 * Why a patient cannot be given a new appointment, as the code the server refuses it with (its
 * message is errors.<code>); undefined when they can. Mirrors the server's rule, so the booking
 * dialog says so before anyone presses Book.
 */
export function bookingRefusal(
  patient: Pick<PatientSummary, 'status'>,
): 'patient_archived' | 'patient_deceased' | undefined {
  if (patient.status === 'deceased') return 'patient_deceased';
  if (patient.status === 'archived') return 'patient_archived';
  return undefined;
}
