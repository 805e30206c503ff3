import { tzOffset } from '@date-fns/tz';
import type { Actor } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, practiceFactsIn } from '../../platform/tenancy.js';
import { userNamesIn } from '../auth/auth.service.js';
import { findPatientIn } from '../patients/patients.service.js';
import { FdiError } from './fdi.js';

/** What every clinical use case needs from its caller. */
export interface ClinicalCall {
  actor: Actor;
  practiceId: string;
  patientId: string;
}

export type RecordSection = 'chart' | 'treatment_plan' | 'notes' | 'documents';

/** The patient must exist in the practice (row-level security hides other practices' patients). */
export async function requirePatient(tx: Tx, patientId: string) {
  const patient = await findPatientIn(tx, patientId);
  if (!patient) throw new AppError('patient_not_found');
  return patient;
}

/**
 * A read of the clinical record: the patient exists, and the opening is written to the audit
 * trail in the same transaction as the read (the patient's access log shows these events).
 */
export async function openPatientRecord(tx: Tx, call: ClinicalCall, section: RecordSection) {
  await requirePatient(tx, call.patientId);
  await recordAudit(tx, {
    practiceId: call.practiceId,
    actor: call.actor,
    action: 'clinical.record_opened',
    targetType: 'patient',
    targetId: call.patientId,
    changes: { section },
  });
}

/** Runs FDI validation, turning its rule errors into 400s with their code and field. */
export function checkedFdi<T>(fn: () => T, pathPrefix = ''): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FdiError)
      throw new AppError(e.code, {
        detail: e.message,
        errors: [{ path: `${pathPrefix}${e.path}`, code: e.code, message: e.message }],
      });
    throw e;
  }
}

/** The end of a local day in a time zone, as an instant (the 'as of' bound of a chart). */
export function endOfLocalDay(date: string, timeZone: string): Date {
  const nextMidnightUtc = new Date(`${date}T00:00:00Z`);
  nextMidnightUtc.setUTCDate(nextMidnightUtc.getUTCDate() + 1);
  return new Date(nextMidnightUtc.getTime() - tzOffset(timeZone, nextMidnightUtc) * 60_000);
}

/** Today's date in a time zone, 'YYYY-MM-DD'. */
export function localToday(timeZone: string, now = new Date()): string {
  return new Date(now.getTime() + tzOffset(timeZone, now) * 60_000).toISOString().slice(0, 10);
}

export async function practiceTimeZone(tx: Tx, practiceId: string): Promise<string> {
  return (await practiceFactsIn(tx, practiceId))?.timeZone ?? 'Indian/Mauritius';
}

/** Names of users by id (authors, signers), for display. */
export const userNames = (tx: Tx, ids: (string | null)[]) => userNamesIn(tx, ids);
