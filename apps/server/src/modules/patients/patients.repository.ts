import type { Patient, PatientPhone, PatientSummary } from '@dentalpro/contracts';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { DB, PatientsTable } from '../../db/schema.js';
import type { Tx } from '../../platform/tenancy.js';
import { phoneSearchKeys } from './phones.js';
import { searchWords } from './search.js';

/** SQL of the patients module: rows in, rows out, no rules. */

export const SUMMARY_COLUMNS = [
  'patients.id',
  'patients.givenName',
  'patients.familyName',
  'patients.phone',
  'patients.dateOfBirth',
  'patients.preferredName',
  'patients.email',
  'patients.status',
] as const;

/** SUMMARY_COLUMNS for raw SQL over a table or alias of patients, named as toSummary reads them. */
export const summarySelect = (alias: 'p' | 'patients') =>
  sql.raw(
    `${alias}.id, ${alias}.given_name AS "givenName", ${alias}.family_name AS "familyName", ${alias}.phone, ` +
      `to_char(${alias}.date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", ${alias}.preferred_name AS "preferredName", ${alias}.email, ${alias}.status`,
  );

export type SummaryRow = Pick<
  Selectable<PatientsTable>,
  'id' | 'givenName' | 'familyName' | 'phone' | 'dateOfBirth' | 'preferredName' | 'email' | 'status'
>;

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
    guardianContact: r.guardianName
      ? { name: r.guardianName, phone: r.guardianPhone, relationship: r.guardianRelationship }
      : null,
    notes: r.notes,
    status: r.status,
    mergedIntoId: r.mergedIntoId,
    hasAlerts: r.alertsSealed !== null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
    version: r.version,
    registeredVia: r.registeredVia,
  };
}

export async function selectPatientRow(
  tx: Tx,
  patientId: string,
  opts: { forUpdate?: boolean } = {},
): Promise<PatientRow | undefined> {
  let query = tx.selectFrom('patients').selectAll().where('id', '=', patientId);
  if (opts.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

export async function selectPhones(tx: Tx, patientId: string): Promise<PatientPhone[]> {
  const rows = await tx
    .selectFrom('patientPhones')
    .select(['e164', 'label', 'isWhatsapp'])
    .where('patientId', '=', patientId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({ e164: r.e164, label: r.label, isWhatsApp: r.isWhatsapp }));
}

/** Replaces a patient's phones; the first is the primary, kept in patients.phone too. */
export async function replacePhones(tx: Tx, practiceId: string, patientId: string, phones: PatientPhone[]) {
  await tx.deleteFrom('patientPhones').where('patientId', '=', patientId).execute();
  if (phones.length) {
    await tx
      .insertInto('patientPhones')
      .values(
        phones.map((p, position) => ({
          practiceId,
          patientId,
          position,
          e164: p.e164,
          label: p.label,
          isWhatsapp: p.isWhatsApp,
          ...phoneSearchKeys(p.e164),
        })),
      )
      .execute();
  }
  await tx
    .updateTable('patients')
    .set({ phone: phones[0]?.e164 ?? '' })
    .where('id', '=', patientId)
    .execute();
}

/** Rewrites the words a patient is found by (new ones join the practice's vocabulary by trigger). */
export async function replaceSearchWords(
  tx: Tx,
  practiceId: string,
  rows: { patientId: string; searchName: string; sortName: string }[],
) {
  if (rows.length === 0) return;
  await tx
    .deleteFrom('patientSearchWords')
    .where(
      'patientId',
      'in',
      rows.map((r) => r.patientId),
    )
    .execute();
  const words = rows.flatMap((r) =>
    searchWords(r.searchName).map((word) => ({
      practiceId,
      patientId: r.patientId,
      word,
      sortName: r.sortName,
      searchName: r.searchName,
    })),
  );
  for (let i = 0; i < words.length; i += 2000)
    await tx
      .insertInto('patientSearchWords')
      .values(words.slice(i, i + 2000))
      .execute();
}

export async function removeSearchWords(tx: Tx, patientId: string) {
  await tx.deleteFrom('patientSearchWords').where('patientId', '=', patientId).execute();
}

/** A checked new patient (as preparePatient makes it), with the id it will have. */
export interface NewPatient {
  id: string;
  row: {
    givenName: string;
    familyName: string;
    preferredName: string;
    dateOfBirth: string | null;
    sex: PatientRow['sex'];
    email: string;
    address: string;
    preferredLanguage: PatientRow['preferredLanguage'];
    guardianPatientId: string | null;
    guardianName: string;
    guardianPhone: string;
    guardianRelationship: string;
    notes: string;
    status: PatientRow['status'];
    phone: string;
    searchName: string;
    sortName: string;
  };
  phones: PatientPhone[];
}

/**
 * New patients with their phones and search words: one statement per table, each column sent
 * as one array and unnested (thousands of rows per round trip, no parameter limit). Their words
 * join the practice's name vocabulary by trigger.
 */
export async function insertNewPatients(
  tx: Tx,
  practiceId: string,
  patients: NewPatient[],
  registeredVia: 'staff' | 'import' = 'staff',
) {
  if (patients.length === 0) return;
  const col = <K extends keyof NewPatient['row']>(key: K) => patients.map((p) => p.row[key]);
  await sql`
    INSERT INTO patients (id, practice_id, given_name, family_name, preferred_name, phone, date_of_birth, sex, email, address, preferred_language,
      guardian_patient_id, guardian_name, guardian_phone, guardian_relationship, notes, status, search_name, sort_name, registered_via)
    SELECT t.id, ${practiceId}::uuid, t.given_name, t.family_name, t.preferred_name, t.phone, t.date_of_birth, t.sex, t.email, t.address, t.preferred_language,
      t.guardian_patient_id, t.guardian_name, t.guardian_phone, t.guardian_relationship, t.notes, t.status, t.search_name, t.sort_name,
      ${registeredVia}::text
    FROM unnest(${patients.map((p) => p.id)}::uuid[], ${col('givenName')}::text[], ${col('familyName')}::text[], ${col('preferredName')}::text[],
      ${col('phone')}::text[], ${col('dateOfBirth')}::date[], ${col('sex')}::text[], ${col('email')}::text[], ${col('address')}::text[],
      ${col('preferredLanguage')}::text[], ${col('guardianPatientId')}::uuid[], ${col('guardianName')}::text[], ${col('guardianPhone')}::text[],
      ${col('guardianRelationship')}::text[], ${col('notes')}::text[], ${col('status')}::text[], ${col('searchName')}::text[], ${col('sortName')}::text[])
      AS t(id, given_name, family_name, preferred_name, phone, date_of_birth, sex, email, address, preferred_language,
        guardian_patient_id, guardian_name, guardian_phone, guardian_relationship, notes, status, search_name, sort_name)
  `.execute(tx);

  const phones = patients.flatMap((p) =>
    p.phones.map((phone, position) => ({ patientId: p.id, position, phone, keys: phoneSearchKeys(phone.e164) })),
  );
  if (phones.length) {
    await sql`
      INSERT INTO patient_phones (practice_id, patient_id, position, e164, label, is_whatsapp, national_digits, digits_reversed)
      SELECT ${practiceId}::uuid, t.* FROM unnest(${phones.map((p) => p.patientId)}::uuid[], ${phones.map((p) => p.position)}::smallint[],
        ${phones.map((p) => p.phone.e164)}::text[], ${phones.map((p) => p.phone.label)}::text[], ${phones.map((p) => p.phone.isWhatsApp)}::boolean[],
        ${phones.map((p) => p.keys.nationalDigits)}::text[], ${phones.map((p) => p.keys.digitsReversed)}::text[])
        AS t(patient_id, position, e164, label, is_whatsapp, national_digits, digits_reversed)
    `.execute(tx);
  }

  const words = patients.flatMap((p) =>
    searchWords(p.row.searchName).map((word) => ({
      patientId: p.id,
      word,
      sortName: p.row.sortName,
      searchName: p.row.searchName,
    })),
  );
  if (words.length) {
    await sql`
      INSERT INTO patient_search_words (practice_id, patient_id, word, sort_name, search_name)
      SELECT ${practiceId}::uuid, t.* FROM unnest(${words.map((w) => w.patientId)}::uuid[], ${words.map((w) => w.word)}::text[], ${words.map((w) => w.sortName)}::text[],
        ${words.map((w) => w.searchName)}::text[]) AS t(patient_id, word, sort_name, search_name)
    `.execute(tx);
  }
}

/** Holds the practice's patient imports to one at a time until the transaction ends. */
export async function lockPatientImports(tx: Tx, practiceId: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`patient-import:${practiceId}`}, 0))`.execute(tx);
}

/**
 * Words added to the practice's name vocabulary ahead of the patients who bear them; known ones
 * are skipped. The words of every patient inserted join it anyway (a trigger): the import calls
 * this first, in a short transaction of its own, so that nobody waits on its new words.
 */
export async function addNameVocabulary(tx: Tx, practiceId: string, words: string[]) {
  const distinct = [...new Set(words)];
  for (let i = 0; i < distinct.length; i += 10_000) {
    await sql`
      INSERT INTO patient_name_vocabulary (practice_id, word)
      SELECT ${practiceId}::uuid, unnest(${distinct.slice(i, i + 10_000)}::text[]) ON CONFLICT DO NOTHING
    `.execute(tx);
  }
}

/**
 * Counts the patients bearing each word of the practice's name vocabulary (see the migration
 * 20261126090000): one pass over its words index, a second or two at a million patients. Search
 * only uses the counts to choose which word's index to read. Returns how many counts changed.
 */
export async function refreshNameWordCounts(db: Kysely<DB>, practiceId: string): Promise<number> {
  const result = await sql`
    WITH counted AS (SELECT word, count(*)::int AS n FROM patient_search_words WHERE practice_id = ${practiceId} GROUP BY word)
    INSERT INTO patient_name_word_counts (practice_id, word, patients)
    SELECT v.practice_id, v.word, coalesce(c.n, 0)
    FROM patient_name_vocabulary v LEFT JOIN counted c ON c.word = v.word
    WHERE v.practice_id = ${practiceId}
    ON CONFLICT (practice_id, word) DO UPDATE SET patients = EXCLUDED.patients
      WHERE patient_name_word_counts.patients <> EXCLUDED.patients
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Practices whose vocabulary has words not counted yet, for the background count. */
export async function practicesWithUncountedWords(db: Kysely<DB>): Promise<string[]> {
  const { rows } = await sql<{ practiceId: string }>`
    SELECT DISTINCT v.practice_id AS "practiceId" FROM patient_name_vocabulary v
    WHERE NOT EXISTS (SELECT 1 FROM patient_name_word_counts c WHERE c.practice_id = v.practice_id AND c.word = v.word)`.execute(
    db,
  );
  return rows.map((r) => r.practiceId);
}

/**
 * Patients on file (not merged) that may be rows of an import: born the same day with a name
 * similar by trigrams, or sharing a phone. One query per kind for the whole file.
 */
export async function selectImportMatches(
  tx: Tx,
  rows: { row: number; dateOfBirth: string | null; searchName: string; phones: string[] }[],
  minSimilarity: number,
) {
  const dated = rows.filter((r) => r.dateOfBirth);
  const phoned = rows.flatMap((r) => r.phones.map((e164) => ({ row: r.row, e164 })));
  type Match = SummaryRow & { row: number; searchName: string; sortName: string; sharesPhone: boolean };
  // The file's rows are one array: estimated at a handful of rows, and a practice's patients, just
  // imported and not yet analysed, at one. A nested loop on such guesses runs the file once per
  // patient; hash joins stay linear whatever the statistics say.
  await sql`SET LOCAL enable_nestloop = off`.execute(tx);
  const byDate = dated.length
    ? await sql<Match>`
        SELECT f.rn AS "row", ${summarySelect('p')}, p.search_name AS "searchName", p.sort_name AS "sortName", false AS "sharesPhone"
        FROM unnest(${dated.map((r) => r.row)}::int[], ${dated.map((r) => r.dateOfBirth)}::date[], ${dated.map((r) => r.searchName)}::text[]) AS f(rn, date_of_birth, search_name)
        JOIN patients p ON p.date_of_birth = f.date_of_birth AND p.merged_into_id IS NULL
        WHERE similarity(p.search_name, f.search_name) > ${minSimilarity}
      `.execute(tx)
    : { rows: [] };
  const byPhone = phoned.length
    ? await sql<Match>`
        SELECT DISTINCT ON (f.rn, p.id) f.rn AS "row", ${summarySelect('p')}, p.search_name AS "searchName", p.sort_name AS "sortName", true AS "sharesPhone"
        FROM unnest(${phoned.map((r) => r.row)}::int[], ${phoned.map((r) => r.e164)}::text[]) AS f(rn, e164)
        JOIN patient_phones pp ON pp.e164 = f.e164
        JOIN patients p ON p.id = pp.patient_id AND p.merged_into_id IS NULL
      `.execute(tx)
    : { rows: [] };
  return [...byDate.rows, ...byPhone.rows].map((m) => ({
    row: m.row,
    patient: toSummary(m),
    searchName: m.searchName,
    sortName: m.sortName,
    sharesPhone: m.sharesPhone,
  }));
}

/**
 * Fresh planner statistics after a bulk insert (embedded PGlite has no autovacuum to do it; on
 * PostgreSQL it would come, later). Needs the tables' owner, as the server's own connection is;
 * anyone else gets a warning, not an error.
 */
export async function analysePatientTables(db: Kysely<DB>) {
  await sql`ANALYZE patients, patient_phones, patient_search_words, patient_name_vocabulary`.execute(db);
}
