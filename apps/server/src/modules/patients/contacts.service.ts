import type { PatientLanguage } from '@dentalpro/contracts';
import type { Tx } from '../../platform/tenancy.js';

/**
 * How to reach patients on WhatsApp, for messages the practice starts (reminders): the name to
 * greet them by, their language, and the number. The number is the one marked WhatsApp on the
 * record; a child without one is reached on their guardian contact's phone.
 */
export interface WhatsAppContact {
  /** The name they go by (preferred, else given). */
  firstName: string;
  language: PatientLanguage;
  /** E.164, or null when the record has no WhatsApp number. */
  e164: string | null;
  /** Not archived, deceased or merged. */
  active: boolean;
}

/** By patient id, in the caller's practice-bound transaction; unknown ids are left out. */
export async function whatsappContactsIn(tx: Tx, ids: readonly string[]): Promise<Map<string, WhatsAppContact>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('patients')
    .leftJoin('patientPhones', (join) =>
      join
        .onRef('patientPhones.patientId', '=', 'patients.id')
        .onRef('patientPhones.practiceId', '=', 'patients.practiceId')
        .on('patientPhones.isWhatsapp', '=', true),
    )
    .select([
      'patients.id',
      'patients.givenName',
      'patients.preferredName',
      'patients.preferredLanguage',
      'patients.status',
      'patients.mergedIntoId',
      'patients.guardianPhone',
      'patientPhones.e164',
    ])
    .where('patients.id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        firstName: r.preferredName || r.givenName,
        language: r.preferredLanguage,
        e164: r.e164 ?? (r.guardianPhone || null),
        active: r.status === 'active' && r.mergedIntoId === null,
      },
    ]),
  );
}

/** How to reach patients by email (a reminder they cannot get on WhatsApp): name, language, address. */
export interface EmailContact {
  firstName: string;
  language: PatientLanguage;
  /** null when the record has none. */
  email: string | null;
  active: boolean;
}

/** By patient id, in the caller's practice-bound transaction; unknown ids are left out. */
export async function emailContactsIn(tx: Tx, ids: readonly string[]): Promise<Map<string, EmailContact>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('patients')
    .select(['id', 'givenName', 'preferredName', 'preferredLanguage', 'email', 'status', 'mergedIntoId'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        firstName: r.preferredName || r.givenName,
        language: r.preferredLanguage,
        email: r.email.trim() || null,
        active: r.status === 'active' && r.mergedIntoId === null,
      },
    ]),
  );
}

/**
 * Every number on a patient's record in E.164, as the record lists them (its phones in order, then
 * a guardian contact's phone), in the caller's practice-bound transaction; null when the patient
 * is not found. For what other modules know of those numbers (WhatsApp's reach, on the patient page).
 */
export async function phoneNumbersOfPatientIn(tx: Tx, patientId: string): Promise<string[] | null> {
  const patient = await tx
    .selectFrom('patients')
    .select('guardianPhone')
    .where('id', '=', patientId)
    .executeTakeFirst();
  if (!patient) return null;
  const phones = await tx
    .selectFrom('patientPhones')
    .select('e164')
    .where('patientId', '=', patientId)
    .orderBy('position')
    .execute();
  return [...new Set([...phones.map((p) => p.e164), ...(patient.guardianPhone ? [patient.guardianPhone] : [])])];
}
