import type { Patient, PatientPhone, PatientSummary } from '@dentalpro/contracts';
import type { Selectable } from 'kysely';
import type { PatientsTable } from '../../db/schema.js';
import type { Tx } from '../../platform/tenancy.js';
import { phoneSearchKeys } from './phones.js';
import { searchWords } from './search.js';

/** SQL of the patients module: rows in, rows out, no rules. */

export const SUMMARY_COLUMNS = ['patients.id', 'patients.givenName', 'patients.familyName', 'patients.phone', 'patients.dateOfBirth', 'patients.preferredName', 'patients.email', 'patients.status'] as const;

export type SummaryRow = Pick<Selectable<PatientsTable>, 'id' | 'givenName' | 'familyName' | 'phone' | 'dateOfBirth' | 'preferredName' | 'email' | 'status'>;

export const toSummary = (r: SummaryRow): PatientSummary => ({
  id: r.id,
  givenName: r.givenName,
  familyName: r.familyName,
  phone: r.phone,
  dateOfBirth: r.dateOfBirth,
  preferredName: r.preferredName,
  email: r.email,
  status: r.status,
});

export type PatientRow = Selectable<PatientsTable>;

export function toPatient(r: PatientRow, phones: PatientPhone[]): Patient {
  return {
    id: r.id,
    givenName: r.givenName,
    familyName: r.familyName,
    preferredName: r.preferredName,
    phone: r.phone,
    dateOfBirth: r.dateOfBirth,
    sex: r.sex,
    phones,
    email: r.email,
    address: r.address,
    preferredLanguage: r.preferredLanguage,
    guardianPatientId: r.guardianPatientId,
    guardianContact: r.guardianName ? { name: r.guardianName, phone: r.guardianPhone, relationship: r.guardianRelationship } : null,
    notes: r.notes,
    status: r.status,
    mergedIntoId: r.mergedIntoId,
    hasAlerts: r.alertsSealed !== null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export async function selectPatientRow(tx: Tx, patientId: string, opts: { forUpdate?: boolean } = {}): Promise<PatientRow | undefined> {
  let query = tx.selectFrom('patients').selectAll().where('id', '=', patientId);
  if (opts.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function selectPhones(tx: Tx, patientId: string): Promise<PatientPhone[]> {
  const rows = await tx.selectFrom('patientPhones').select(['e164', 'label', 'isWhatsapp']).where('patientId', '=', patientId).orderBy('position').execute();
  return rows.map((r) => ({ e164: r.e164, label: r.label, isWhatsApp: r.isWhatsapp }));
}

/** Replaces a patient's phones; the first is the primary, kept in patients.phone too. */
export async function replacePhones(tx: Tx, practiceId: string, patientId: string, phones: PatientPhone[]) {
  await tx.deleteFrom('patientPhones').where('patientId', '=', patientId).execute();
  if (phones.length) {
    await tx
      .insertInto('patientPhones')
      .values(phones.map((p, position) => ({ practiceId, patientId, position, e164: p.e164, label: p.label, isWhatsapp: p.isWhatsApp, ...phoneSearchKeys(p.e164) })))
      .execute();
  }
  await tx.updateTable('patients').set({ phone: phones[0]?.e164 ?? '' }).where('id', '=', patientId).execute();
}

/** Phones of new patients (patients.phone already holds each one's first). */
export async function insertPhones(tx: Tx, practiceId: string, rows: { patientId: string; position: number; phone: PatientPhone }[]) {
  for (let i = 0; i < rows.length; i += 2000) {
    await tx
      .insertInto('patientPhones')
      .values(rows.slice(i, i + 2000).map(({ patientId, position, phone }) => ({ practiceId, patientId, position, e164: phone.e164, label: phone.label, isWhatsapp: phone.isWhatsApp, ...phoneSearchKeys(phone.e164) })))
      .execute();
  }
}

/** Rewrites the words a patient is found by, and adds new ones to the practice's vocabulary. */
export async function replaceSearchWords(tx: Tx, practiceId: string, rows: { patientId: string; searchName: string; sortName: string }[]) {
  if (rows.length === 0) return;
  await tx.deleteFrom('patientSearchWords').where('patientId', 'in', rows.map((r) => r.patientId)).execute();
  const words = rows.flatMap((r) => searchWords(r.searchName).map((word) => ({ practiceId, patientId: r.patientId, word, sortName: r.sortName })));
  for (let i = 0; i < words.length; i += 2000) await tx.insertInto('patientSearchWords').values(words.slice(i, i + 2000)).execute();
  const vocabulary = [...new Set(words.map((w) => w.word))].map((word) => ({ practiceId, word }));
  for (let i = 0; i < vocabulary.length; i += 2000) {
    await tx.insertInto('patientNameVocabulary').values(vocabulary.slice(i, i + 2000)).onConflict((oc) => oc.doNothing()).execute();
  }
}

export async function removeSearchWords(tx: Tx, patientId: string) {
  await tx.deleteFrom('patientSearchWords').where('patientId', '=', patientId).execute();
}
