import type { PatientSummary } from '@dentalpro/contracts';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { sql } from 'kysely';
import type { AppContext } from '../../app.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';

/**
 * The minimal patients module that scheduling needs: create, find, look up by id. The
 * Patients capability grows it (search ranking, duplicates, clinical records); other modules
 * use only these exports, never the table.
 */

/** E.164 from what people type; Mauritian numbers may omit +230. '' stays ''. */
export function normalisePhone(raw: string): string {
  const trimmed = raw.trim();
  if (!trimmed) return '';
  const parsed = parsePhoneNumberFromString(trimmed, 'MU');
  if (!parsed?.isValid()) throw new AppError('validation_failed', { errors: [{ path: 'phone', message: 'Enter a valid phone number, e.g. +230 5712 3456' }] });
  return parsed.number;
}

const toSummary = (r: { id: string; givenName: string; familyName: string; phone: string; dateOfBirth: string | null }): PatientSummary => ({
  id: r.id,
  givenName: r.givenName,
  familyName: r.familyName,
  phone: r.phone,
  dateOfBirth: r.dateOfBirth,
});

export async function createPatient(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patient: { givenName: string; familyName: string; phone?: string; dateOfBirth?: string | null } },
): Promise<PatientSummary> {
  requirePermission(input.actor, 'patients:write');
  const phone = normalisePhone(input.patient.phone ?? '');
  const dob = input.patient.dateOfBirth ?? null;
  if (dob && dob > new Date().toISOString().slice(0, 10)) {
    throw new AppError('validation_failed', { errors: [{ path: 'dateOfBirth', message: 'The date of birth is in the future' }] });
  }
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await tx
      .insertInto('patients')
      .values({ practiceId: input.practiceId, givenName: input.patient.givenName, familyName: input.patient.familyName, phone, dateOfBirth: dob })
      .returning(['id', 'givenName', 'familyName', 'phone', 'dateOfBirth'])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, { practiceId: input.practiceId, actor: input.actor, action: 'patient.created', targetType: 'patient', targetId: row.id });
    return toSummary(row);
  });
}

/**
 * Many patients in one transaction, with one audit event (demo data; the import of the Patients
 * capability builds on it). Phones are normalised like createPatient's; nothing is written if any fails.
 */
export async function createPatientsInBulk(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patients: { givenName: string; familyName: string; phone?: string; dateOfBirth?: string | null }[] },
): Promise<string[]> {
  requirePermission(input.actor, 'patients:write');
  const rows = input.patients.map((p) => ({
    practiceId: input.practiceId,
    givenName: p.givenName,
    familyName: p.familyName,
    phone: normalisePhone(p.phone ?? ''),
    dateOfBirth: p.dateOfBirth ?? null,
  }));
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const ids: string[] = [];
    for (let i = 0; i < rows.length; i += 500) {
      const inserted = await tx.insertInto('patients').values(rows.slice(i, i + 500)).returning('id').execute();
      ids.push(...inserted.map((r) => r.id));
    }
    await recordAudit(tx, { practiceId: input.practiceId, actor: input.actor, action: 'patients.bulk_created', targetType: 'practice', targetId: input.practiceId, changes: { count: ids.length } });
    return ids;
  });
}

/** Name (any word prefix), phone digits (any suffix) or a birth date, A–Z. */
export async function searchPatients(ctx: AppContext, input: { actor: Actor; practiceId: string; q: string; limit: number }): Promise<PatientSummary[]> {
  requirePermission(input.actor, 'patients:read');
  const q = input.q.trim();
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    let query = tx.selectFrom('patients').select(['id', 'givenName', 'familyName', 'phone', 'dateOfBirth']).orderBy('familyName').orderBy('givenName').limit(input.limit);
    if (/^\d{4}-\d{2}-\d{2}$/.test(q)) {
      query = query.where('dateOfBirth', '=', q);
    } else if (/^[+\d\s-]{3,}$/.test(q)) {
      query = query.where('phone', 'like', `%${q.replace(/\D/g, '')}`);
    } else if (q) {
      const pattern = `${q.toLowerCase().replace(/[%_\\]/g, '\\$&')}%`;
      query = query.where((eb) =>
        eb.or([
          eb(sql`lower(given_name)`, 'like', pattern),
          eb(sql`lower(family_name)`, 'like', pattern),
          eb(sql`lower(given_name || ' ' || family_name)`, 'like', pattern),
        ]),
      );
    }
    return (await query.execute()).map(toSummary);
  });
}

export async function getPatient(ctx: AppContext, input: { actor: Actor; practiceId: string; patientId: string }): Promise<PatientSummary> {
  requirePermission(input.actor, 'patients:read');
  const row = await inPractice(ctx.db, input.practiceId, (tx) => findPatientIn(tx, input.patientId));
  if (!row) throw new AppError('patient_not_found');
  return row;
}

/** For other modules inside their own practice-bound transaction. */
export async function findPatientIn(tx: Tx, patientId: string): Promise<PatientSummary | undefined> {
  const row = await tx.selectFrom('patients').select(['id', 'givenName', 'familyName', 'phone', 'dateOfBirth']).where('id', '=', patientId).executeTakeFirst();
  return row && toSummary(row);
}

/** Display names by id, for lists (calendar, waitlist, recalls). */
export async function patientNamesIn(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.selectFrom('patients').select(['id', 'givenName', 'familyName']).where('id', 'in', [...new Set(ids)]).execute();
  return new Map(rows.map((r) => [r.id, `${r.givenName} ${r.familyName}`]));
}
