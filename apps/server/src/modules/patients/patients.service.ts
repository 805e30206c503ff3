import { randomUUID } from 'node:crypto';
import {
  type FieldError,
  type FieldErrorCode,
  type Patient,
  type PatientCreated,
  type PatientLanguage,
  PatientInput,
  PatientPatch,
  type PatientPhone,
  type PatientSummary,
} from '@dentalpro/contracts';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError, fieldErrorsOf } from '../../platform/errors.js';
import { publishEvent } from '../../platform/jobs.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { findDuplicatesIn } from './duplicates.js';
import { patientDied } from './patients.events.js';
import { normalisePhone } from './phones.js';
import {
  SUMMARY_COLUMNS,
  analysePatientTables,
  insertNewPatients,
  refreshNameWordCounts,
  replacePhones,
  replaceSearchWords,
  selectPatientRow,
  selectPhones,
  toPatient,
  toSummary,
} from './patients.repository.js';
import { searchNameOf, sortNameOf } from './search.js';

export { normalisePhone } from './phones.js';
export { searchPatients } from './search.service.js';
export { checkDraftForDuplicates } from './duplicates.js';

/**
 * The patient record: create, read, edit; and the lookups other modules use (by id, names for
 * lists, by phone for WhatsApp). Other modules use only these exports, never the tables.
 */

const invalid = (errors: FieldError[]) => new AppError('validation_failed', { errors });
const today = () => new Date().toISOString().slice(0, 10);

type ParsedInput = z.output<typeof PatientInput>;
type GuardianContactParsed = NonNullable<ParsedInput['guardianContact']>;

/** Phones as E.164, duplicates dropped; every invalid number reported at phones.N. */
function normalisePhones(
  phones: { number: string; label: PatientPhone['label']; isWhatsApp: boolean }[],
  errors: FieldError[],
  path = 'phones',
): PatientPhone[] {
  const out: PatientPhone[] = [];
  phones.forEach((p, i) => {
    let e164: string;
    try {
      e164 = normalisePhone(p.number, `${path}.${i}`);
    } catch (err) {
      if (err instanceof AppError && err.options.errors)
        errors.push(...err.options.errors.map((e) => ({ ...e, path: `${path}.${i}.number` })));
      return;
    }
    const same = out.find((o) => o.e164 === e164);
    if (same) same.isWhatsApp ||= p.isWhatsApp;
    else out.push({ e164, label: p.label, isWhatsApp: p.isWhatsApp });
  });
  if (out.filter((p) => p.isWhatsApp).length > 1)
    errors.push({ path, code: 'one_whatsapp_number', message: 'Only one number can be the WhatsApp number' });
  return out;
}

function checkBirthDate(dateOfBirth: string | null | undefined, errors: FieldError[]) {
  if (dateOfBirth && dateOfBirth > today())
    errors.push({ path: 'dateOfBirth', code: 'birth_date_in_future', message: 'The date of birth is in the future' });
}

function normaliseGuardian(contact: GuardianContactParsed | null, errors: FieldError[]) {
  if (!contact) return { guardianName: '', guardianPhone: '', guardianRelationship: '' };
  let phone = '';
  try {
    phone = normalisePhone(contact.phone, 'guardianContact.phone');
  } catch (err) {
    if (err instanceof AppError && err.options.errors) errors.push(...err.options.errors);
  }
  return { guardianName: contact.name, guardianPhone: phone, guardianRelationship: contact.relationship };
}

/** A draft as people and other modules send it, checked and normalised: every problem at once. */
export function preparePatient(draft: PatientInput, pathPrefix = '') {
  const parsed = PatientInput.safeParse(draft);
  if (!parsed.success) throw invalid(fieldErrorsOf(parsed.error, draft, pathPrefix));
  const p = parsed.data;
  const errors: FieldError[] = [];
  checkBirthDate(p.dateOfBirth, errors);
  const typedPhones = p.phones.length
    ? p.phones
    : p.phone
      ? [{ number: p.phone, label: 'mobile' as const, isWhatsApp: false }]
      : [];
  const phones = normalisePhones(typedPhones, errors, p.phones.length ? 'phones' : 'phone');
  if (!p.phones.length && errors.some((e) => e.path.startsWith('phone.'))) {
    for (const e of errors) if (e.path.startsWith('phone.')) e.path = 'phone';
  }
  if (p.guardianPatientId && p.guardianContact)
    errors.push({
      path: 'guardianContact',
      code: 'guardian_both',
      message: 'Give either a guardian patient or a guardian contact, not both',
    });
  const guardian = normaliseGuardian(p.guardianContact, errors);
  if (errors.length) throw invalid(errors.map((e) => ({ ...e, path: pathPrefix + e.path })));
  const names = { givenName: p.givenName, familyName: p.familyName, preferredName: p.preferredName };
  return {
    row: {
      ...names,
      dateOfBirth: p.dateOfBirth,
      sex: p.sex,
      email: p.email,
      address: p.address,
      preferredLanguage: p.preferredLanguage,
      guardianPatientId: p.guardianPatientId,
      ...guardian,
      notes: p.notes,
      status: p.status,
      phone: phones[0]?.e164 ?? '',
      searchName: searchNameOf(names),
      sortName: sortNameOf(names),
    },
    phones,
  };
}

/** A guardian patient must be another, not merged, patient of the same practice. */
async function checkGuardianPatient(tx: Tx, guardianPatientId: string | null, patientId?: string) {
  if (!guardianPatientId) return;
  const problem = (code: FieldErrorCode, message: string) => invalid([{ path: 'guardianPatientId', code, message }]);
  if (guardianPatientId === patientId) throw problem('guardian_self', 'A patient cannot be their own guardian');
  const guardian = await tx
    .selectFrom('patients')
    .select(['id', 'mergedIntoId'])
    .where('id', '=', guardianPatientId)
    .executeTakeFirst();
  if (!guardian || guardian.mergedIntoId) throw problem('guardian_not_found', 'No such patient in this practice');
}

/** create: check → insert the record, its phones and search words → look for duplicates → audit. */
export async function createPatient(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patient: PatientInput; registeredVia?: 'staff' | 'whatsapp' },
): Promise<PatientCreated> {
  requirePermission(input.actor, 'patients:write');
  const { row, phones } = preparePatient(input.patient);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    await checkGuardianPatient(tx, row.guardianPatientId);
    const inserted = await tx
      .insertInto('patients')
      .values({ practiceId: input.practiceId, ...row, registeredVia: input.registeredVia ?? 'staff' })
      .returningAll()
      .executeTakeFirstOrThrow();
    await replacePhones(tx, input.practiceId, inserted.id, phones);
    await replaceSearchWords(tx, input.practiceId, [
      { patientId: inserted.id, searchName: row.searchName, sortName: row.sortName },
    ]);
    const possibleDuplicates = await findDuplicatesIn(tx, {
      patientId: inserted.id,
      phones: phones.map((p) => p.e164),
      searchName: row.searchName,
      dateOfBirth: row.dateOfBirth,
    });
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'patient.created',
      targetType: 'patient',
      targetId: inserted.id,
      ...(possibleDuplicates.length ? { changes: { possibleDuplicateIds: possibleDuplicates.map((d) => d.id) } } : {}),
    });
    return { ...toPatient(inserted, phones), warnings: { possibleDuplicates } };
  });
}

/**
 * Many patients in one transaction, with one audit event (demo data, imports). Each is checked
 * like createPatient's (errors at patients.N.field); nothing is written if any fails.
 */
export async function createPatientsInBulk(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patients: PatientInput[] },
): Promise<string[]> {
  requirePermission(input.actor, 'patients:write');
  const prepared = input.patients.map((p, i) => preparePatient(p, `patients.${i}.`));
  // Thousands of rows: plans made while the tables were tiny are dropped first (see the import).
  if (prepared.length >= 1000) await analysePatientTables(ctx.db);
  const ids = await inPractice(ctx.db, input.practiceId, async (tx) => {
    const patients = prepared.map((p) => ({ id: randomUUID(), row: p.row, phones: p.phones }));
    for (let i = 0; i < patients.length; i += 2000) {
      const chunk = patients.slice(i, i + 2000);
      for (const p of chunk) await checkGuardianPatient(tx, p.row.guardianPatientId);
      await insertNewPatients(tx, input.practiceId, chunk);
    }
    const ids = patients.map((p) => p.id);
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'patients.bulk_created',
      targetType: 'practice',
      targetId: input.practiceId,
      changes: { count: ids.length },
    });
    return ids;
  });
  // The name word counts search goes by (see refreshNameWordCounts), as after an import.
  await refreshNameWordCounts(ctx.db, input.practiceId);
  return ids;
}

/** The full record (without medical alerts: those are clinical). */
export async function getPatient(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patientId: string },
): Promise<Patient> {
  requirePermission(input.actor, 'patients:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await selectPatientRow(tx, input.patientId);
    if (!row) throw new AppError('patient_not_found');
    return toPatient(row, await selectPhones(tx, row.id));
  });
}

/**
 * edit: only the fields sent; `phones` replaces the list. Saved only if the record is still at
 * `expectedVersion` (else 409 patient_changed with the record as it is now): the UPDATE checks and
 * moves the version on in one statement, so of two edits of one version exactly one is saved.
 * Recording a death cancels the patient's appointments to come, in the same transaction.
 * Audited by field name, never by value.
 */
export async function updatePatient(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    patientId: string;
    patch: PatientPatch;
    expectedVersion: number;
    now?: Date;
  },
): Promise<Patient> {
  requirePermission(input.actor, 'patients:write');
  const parsed = PatientPatch.safeParse(input.patch);
  if (!parsed.success) throw invalid(fieldErrorsOf(parsed.error, input.patch));
  const patch = parsed.data;
  const fields = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
  const errors: FieldError[] = [];
  checkBirthDate(patch.dateOfBirth, errors);
  const phones = patch.phones ? normalisePhones(patch.phones, errors) : undefined;
  if (patch.guardianPatientId && patch.guardianContact)
    errors.push({
      path: 'guardianContact',
      code: 'guardian_both',
      message: 'Give either a guardian patient or a guardian contact, not both',
    });
  const guardian = patch.guardianContact !== undefined ? normaliseGuardian(patch.guardianContact, errors) : undefined;
  if (errors.length) throw invalid(errors);

  return inPractice(ctx.db, input.practiceId, async (tx) => {
    // Not locked: when the update below finds the version expected, this is the row it changed.
    const current = await selectPatientRow(tx, input.patientId);
    if (!current) throw new AppError('patient_not_found');
    if (current.mergedIntoId)
      throw new AppError('patient_already_merged', { detail: 'This record was merged into another; edit that one' });
    // Nothing to change: the record as it is, nothing written or audited (as every PATCH answers).
    if (fields.length === 0) return toPatient(current, await selectPhones(tx, current.id));
    if (patch.guardianPatientId !== undefined) await checkGuardianPatient(tx, patch.guardianPatientId, current.id);
    const names = {
      givenName: patch.givenName ?? current.givenName,
      familyName: patch.familyName ?? current.familyName,
      preferredName: patch.preferredName ?? current.preferredName,
    };
    const { phones: _phones, guardianContact: _contact, ...plain } = patch;
    const saved = await tx
      .updateTable('patients')
      .set({
        ...plain,
        ...names,
        // Setting one kind of guardian clears the other.
        ...(guardian ?? {}),
        ...(patch.guardianContact ? { guardianPatientId: null } : {}),
        ...(patch.guardianPatientId ? { guardianName: '', guardianPhone: '', guardianRelationship: '' } : {}),
        searchName: searchNameOf(names),
        sortName: sortNameOf(names),
        updatedAt: new Date(),
        version: sql<number>`version + 1`,
      })
      .where('id', '=', current.id)
      .where('version', '=', input.expectedVersion)
      .returning('id')
      .executeTakeFirst();
    if (!saved) throw await changedSince(tx, current.id);
    if (phones) await replacePhones(tx, input.practiceId, current.id, phones);
    if (patch.givenName !== undefined || patch.familyName !== undefined || patch.preferredName !== undefined) {
      await replaceSearchWords(tx, input.practiceId, [
        { patientId: current.id, searchName: searchNameOf(names), sortName: sortNameOf(names) },
      ]);
    }
    const died = patch.status === 'deceased' && current.status !== 'deceased';
    // A death: each module holding the patient's data does its part in this same change (the
    // calendar cancels what is to come), and says what it did for the audit event.
    const consequences: Record<string, unknown> = {};
    if (died) {
      for (const owner of ctx.dataOwners) {
        const facts = await owner.onPatientDeceased(tx, {
          practiceId: input.practiceId,
          patientId: current.id,
          actor: input.actor,
          now: input.now ?? new Date(),
        });
        Object.assign(consequences, facts);
      }
      await publishEvent(tx, patientDied, { practiceId: input.practiceId, patientId: current.id });
    }
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'patient.updated',
      targetType: 'patient',
      targetId: current.id,
      changes: { fields, ...consequences },
    });
    const row = await selectPatientRow(tx, current.id);
    return toPatient(row!, await selectPhones(tx, current.id));
  });
}

/** The refusal of an edit based on an older version, carrying the record as it is now. */
async function changedSince(tx: Tx, patientId: string): Promise<AppError> {
  const row = (await selectPatientRow(tx, patientId))!;
  return new AppError('patient_changed', {
    detail: `The record is at version ${row.version}; review it and apply your changes again`,
    extra: { current: toPatient(row, await selectPhones(tx, row.id)) },
  });
}

/**
 * For other modules inside their own practice-bound transaction. A merged record is not found.
 * `forShare` keeps the record (its status) from changing until the caller commits.
 */
export async function findPatientIn(
  tx: Tx,
  patientId: string,
  opts: { forShare?: boolean } = {},
): Promise<PatientSummary | undefined> {
  let query = tx
    .selectFrom('patients')
    .select(SUMMARY_COLUMNS)
    .where('id', '=', patientId)
    .where('mergedIntoId', 'is', null);
  if (opts.forShare) query = query.forShare();
  const row = await query.executeTakeFirst();
  return row && toSummary(row);
}

/** The language the patient's record asks for (null when the patient is not found), for messages to them. */
export async function patientLanguageIn(tx: Tx, patientId: string): Promise<PatientLanguage | null> {
  const row = await tx
    .selectFrom('patients')
    .select('preferredLanguage')
    .where('id', '=', patientId)
    .executeTakeFirst();
  return row?.preferredLanguage ?? null;
}

/** Display names by id, for lists (calendar, waitlist, recalls). */
export async function patientNamesIn(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('patients')
    .select(['id', 'givenName', 'familyName'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, `${r.givenName} ${r.familyName}`]));
}

/**
 * Patients as a table to join, for another module's list that shows, filters or searches by
 * patients in the same query (the inbox's conversations, the recall list): id, practiceId, name
 * ("given family", as patientNamesIn), phone, dateOfBirth, status. PostgreSQL flattens the derived
 * table into a plain join, so the list costs what it did when it joined the table itself.
 */
export function patientDirectory(tx: Tx) {
  return tx
    .selectFrom('patients')
    .select([
      'patients.id',
      'patients.practiceId',
      sql<string>`patients.given_name || ' ' || patients.family_name`.as('name'),
      'patients.phone',
      'patients.dateOfBirth',
      'patients.status',
    ]);
}

export interface PatientLabel {
  name: string;
  status: 'active' | 'archived' | 'deceased';
  merged: boolean;
}

/** Names and states by id, merged records included: for the audit trail, which names records as they are now. */
export async function patientLabelsIn(tx: Tx, ids: string[]): Promise<Map<string, PatientLabel>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('patients')
    .select(['id', 'givenName', 'familyName', 'status', 'mergedIntoId'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      { name: `${r.givenName} ${r.familyName}`, status: r.status, merged: r.mergedIntoId !== null },
    ]),
  );
}

/** Of these patients, the ones the practice still looks after: not archived, deceased or merged. */
export async function activePatientIdsIn(tx: Tx, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx
    .selectFrom('patients')
    .select('id')
    .where('id', 'in', [...new Set(ids)])
    .where('status', '=', 'active')
    .where('mergedIntoId', 'is', null)
    .execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * Everyone a phone number may be speaking for (the WhatsApp channel): patients with that number,
 * and children whose guardian has it (a guardian contact's phone, or a guardian patient's
 * number). Merged records and deceased patients are left out: the assistant must never greet or
 * book a deceased person. Archived patients stay: one who writes again is a returning patient.
 * `from` is the app context, or a transaction already bound to the practice.
 */
export async function findPatientsByPhone(
  from: AppContext | Tx,
  practiceId: string,
  e164: string,
): Promise<PatientSummary[]> {
  const run = async (tx: Tx) => {
    const withNumber = tx
      .selectFrom('patientPhones')
      .select('patientPhones.patientId')
      .where('patientPhones.practiceId', '=', practiceId)
      .where('patientPhones.e164', '=', e164);
    const rows = await tx
      .selectFrom('patients')
      .select(SUMMARY_COLUMNS)
      .where('patients.practiceId', '=', practiceId)
      .where('patients.mergedIntoId', 'is', null)
      .where('patients.status', '<>', 'deceased')
      .where((eb) =>
        eb.or([
          eb('patients.id', 'in', withNumber),
          eb('patients.guardianPhone', '=', e164),
          eb('patients.guardianPatientId', 'in', withNumber),
        ]),
      )
      .orderBy('patients.sortName')
      .orderBy('patients.id')
      .execute();
    return rows.map(toSummary);
  };
  return isAppContext(from) ? inPractice(from.db, practiceId, run) : run(from);
}

function isAppContext(from: AppContext | Tx): from is AppContext {
  return 'config' in from && 'db' in from;
}
