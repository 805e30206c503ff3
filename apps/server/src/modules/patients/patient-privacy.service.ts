import { sql } from 'kysely';
import { readAuditEvents } from '../../platform/audit.js';
import {
  type DataRetention,
  type ErasureOutcome,
  NOTHING_HELD,
  type PatientExport,
  type SealedStores,
} from '../../platform/data-owners.js';
import type { Tx } from '../../platform/tenancy.js';
import { userNamesIn } from '../auth/auth.service.js';
import { openAlerts } from './alerts.service.js';
import { selectPatientRow, selectPhones } from './patients.repository.js';
import { searchNameOf, searchWords, sortNameOf } from './search.js';

/**
 * The patients module's part of a patient's privacy rights: its own rows (the record, phones,
 * guardian links, medical alerts) and what the audit trail says about the record (who changed it,
 * who opened the clinical record). The patients module is not in the data-owner list (a merge and
 * a death loop over that list from here), so the privacy module calls these itself. Each runs in
 * the caller's practice-bound transaction.
 */

/** What the anonymised record is called once its identity is erased. */
export const ERASED_NAME = '(erased)';

/** Audit events read for one patient's copy: far more than any record gathers. */
const AUDIT_EVENTS_READ = 20_000;

/** A patient's record, phones, guardian links, medical alerts, its history and who opened it. */
export async function exportPatientDetailsIn(
  tx: Tx,
  input: { practiceId: string; patientId: string; stores: SealedStores },
): Promise<PatientExport> {
  const row = await selectPatientRow(tx, input.patientId);
  if (!row) return {};
  const [phones, dependents, mergedIn, alerts, events] = await Promise.all([
    selectPhones(tx, row.id),
    tx.selectFrom('patients').select('id').where('guardianPatientId', '=', row.id).orderBy('id').execute(),
    tx.selectFrom('patients').select('id').where('mergedIntoId', '=', row.id).orderBy('id').execute(),
    openAlerts(tx, input.stores.encryptionKey, input.practiceId, row.id, row.alertsSealed),
    readAuditEvents(tx, {
      targetType: 'patient',
      targetId: row.id,
      order: 'seq',
      limit: AUDIT_EVENTS_READ,
    }),
  ]);
  const names = await userNamesIn(
    tx,
    events.map((e) => e.actorUserId),
  );
  const byWhom = (userId: string | null) => (userId ? (names.get(userId) ?? 'a former member') : 'DentalPro');
  const chronological = [...events].reverse();
  return {
    details: {
      id: row.id,
      givenName: row.givenName,
      familyName: row.familyName,
      preferredName: row.preferredName,
      dateOfBirth: row.dateOfBirth,
      sex: row.sex,
      email: row.email,
      address: row.address,
      preferredLanguage: row.preferredLanguage,
      notes: row.notes,
      status: row.status,
      registeredVia: row.registeredVia,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      version: row.version,
      // Records of the same person merged into this one earlier (their data now belongs here).
      mergedRecordIds: mergedIn.map((m) => m.id),
    },
    phones: phones.map((p) => ({ number: p.e164, label: p.label, whatsApp: p.isWhatsApp })),
    guardian: row.guardianPatientId
      ? { guardianIsPatient: true, guardianPatientId: row.guardianPatientId }
      : row.guardianName
        ? { name: row.guardianName, phone: row.guardianPhone, relationship: row.guardianRelationship }
        : null,
    // Other patients' records that name this patient as their guardian: only their ids, nothing of theirs.
    guardianOf: dependents.map((d) => d.id),
    medicalAlerts: alerts,
    recordHistory: chronological
      .filter((e) => !e.action.startsWith('clinical.'))
      .map((e) => ({
        at: e.occurredAt.toISOString(),
        action: e.action,
        by: byWhom(e.actorUserId),
        // The fields changed, by name; not the rest of the event (it may name other patients' records, as possible duplicates).
        fields: Array.isArray(e.changes.fields) ? e.changes.fields : [],
      })),
    accessLog: chronological
      .filter((e) => e.action.startsWith('clinical.'))
      .map((e) => ({ at: e.occurredAt.toISOString(), action: e.action, by: byWhom(e.actorUserId), ip: e.ip })),
  };
}

/**
 * A deletion request, for the patient's own record. Contact details go at once (phones, email,
 * address, the guardian's contact, the desk's notes, the preferred name): nothing kept needs them.
 * While other records about the patient are kept (`identityNeededUntil`: the latest `until` of the
 * data owners' outcomes, see identityNeededUntil), the name, date of birth, sex and medical alerts
 * stay with them, so that the kept clinical record still says whose it is. With nothing kept, the
 * record is anonymised: it stays as a row (appointments and figures point at it) with no name,
 * birth date or alerts, archived, and out of search. Safe to run twice; the retention job runs it
 * again with null once the kept records are purged.
 */
export async function erasePatientDetailsIn(
  tx: Tx,
  input: { practiceId: string; patientId: string; identityNeededUntil: string | null; now?: Date },
): Promise<ErasureOutcome> {
  const row = await selectPatientRow(tx, input.patientId, { forUpdate: true });
  if (!row) return NOTHING_HELD;
  const phones = await tx.deleteFrom('patientPhones').where('patientId', '=', row.id).executeTakeFirst();
  const contact =
    row.phone !== '' ||
    row.email !== '' ||
    row.address !== '' ||
    row.guardianName !== '' ||
    row.guardianPhone !== '' ||
    row.notes !== '' ||
    row.preferredName !== '';
  const keepIdentity = input.identityNeededUntil !== null;
  const identity = !keepIdentity && (row.givenName !== ERASED_NAME || row.dateOfBirth !== null || row.alertsSealed);
  const names = keepIdentity
    ? { givenName: row.givenName, familyName: row.familyName }
    : { givenName: ERASED_NAME, familyName: ERASED_NAME };
  // The name without the preferred name, folded as every write folds it; an erased record has none.
  const searchName = keepIdentity ? searchNameOf(names) : '';
  const sortName = keepIdentity ? sortNameOf(names) : '';
  if (contact || identity || phones.numDeletedRows > 0n) {
    await tx
      .updateTable('patients')
      .set({
        phone: '',
        email: '',
        address: '',
        guardianName: '',
        guardianPhone: '',
        guardianRelationship: '',
        notes: '',
        preferredName: '',
        ...names,
        searchName,
        sortName,
        ...(keepIdentity
          ? {}
          : {
              dateOfBirth: null,
              sex: 'unknown' as const,
              alertsSealed: null,
              guardianPatientId: null,
              status: 'archived' as const,
            }),
        updatedAt: input.now ?? new Date(),
        version: sql<number>`version + 1`,
      })
      .where('id', '=', row.id)
      .execute();
  }
  const words = await forgetSearchWords(tx, row.id, keepIdentity ? searchName : null, sortName, input.practiceId);
  return {
    erased: {
      phones: Number(phones.numDeletedRows),
      contactDetails: contact ? 1 : 0,
      identity: identity ? 1 : 0,
      searchWords: words,
    },
    kept: keepIdentity
      ? [
          {
            kind: 'identity',
            why: {
              en: 'Your name, date of birth and sex say whose the clinical records and visits are that Mauritian healthcare rules require the practice to keep',
              fr: 'Vos nom, date de naissance et sexe disent à qui appartiennent le dossier dentaire et les visites que les règles de santé de Maurice imposent de garder',
            },
            until: input.identityNeededUntil,
          },
          ...(row.alertsSealed
            ? [
                {
                  kind: 'medicalAlerts',
                  why: {
                    en: 'Allergies, conditions and medications are part of the clinical record',
                    fr: 'Les allergies, maladies et traitements font partie du dossier médical',
                  },
                  until: input.identityNeededUntil,
                },
              ]
            : []),
        ]
      : [],
    labels: {
      phones: { en: 'Your phone numbers', fr: 'Vos numéros de téléphone' },
      contactDetails: {
        en: 'Your contact details (email, address, guardian’s contact, notes)',
        fr: 'Vos coordonnées (e-mail, adresse, contact du tuteur, notes)',
      },
      identity: { en: 'Your name, date of birth and sex', fr: 'Vos nom, date de naissance et sexe' },
      searchWords: { en: 'Your name in the patient search', fr: 'Votre nom dans la recherche de patients' },
      medicalAlerts: { en: 'Your medical alerts', fr: 'Vos alertes médicales' },
    },
  };
}

/**
 * Rewrites the words the patient is found by: their name only (no preferred name), or none at
 * all. Words of the practice's vocabulary that no patient bears any more are forgotten too.
 * Returns how many of the patient's words went.
 */
async function forgetSearchWords(
  tx: Tx,
  patientId: string,
  searchName: string | null,
  sortName: string,
  practiceId: string,
): Promise<number> {
  const before = await tx.selectFrom('patientSearchWords').select('word').where('patientId', '=', patientId).execute();
  const keep = new Set(searchName ? searchWords(searchName) : []);
  const gone = before.map((w) => w.word).filter((w) => !keep.has(w));
  if (gone.length === 0) return 0;
  await tx.deleteFrom('patientSearchWords').where('patientId', '=', patientId).where('word', 'in', gone).execute();
  if (searchName)
    await tx
      .updateTable('patientSearchWords')
      .set({ searchName, sortName })
      .where('patientId', '=', patientId)
      .execute();
  const unborne = (table: 'patientNameVocabulary' | 'patientNameWordCounts') =>
    tx
      .deleteFrom(table)
      .where('practiceId', '=', practiceId)
      .where('word', 'in', gone)
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('patientSearchWords as w')
              .select('w.word')
              .whereRef('w.word', '=', `${table}.word`)
              .where('w.practiceId', '=', practiceId),
          ),
        ),
      )
      .execute();
  await unborne('patientNameVocabulary');
  await unborne('patientNameWordCounts');
  return gone.length;
}

/**
 * The latest date any kept record about the patient is kept until, from the data owners'
 * outcomes of an erasure: the patient's identity is needed as long as that.
 */
export function identityNeededUntil(outcomes: readonly ErasureOutcome[]): string | null {
  let latest: string | null = null;
  for (const o of outcomes) for (const k of o.kept) if (k.until && (!latest || k.until > latest)) latest = k.until;
  return latest;
}

/** The patients module's categories, for the record of processing and the retention report. */
export function patientDetailsRetention(): DataRetention[] {
  return [
    {
      category: 'patient_contact_details',
      description: 'Contact details: phone numbers, email, address, the guardian’s contact, the desk’s notes',
      keptFor: 'while the patient is the practice’s patient; erased at once on a deletion request',
      why: 'To reach the patient and match their WhatsApp messages to their record',
    },
    {
      category: 'patient_identity',
      description: 'The patient’s name, date of birth, sex and medical alerts',
      keptFor: 'as long as their clinical records (11 years after the last visit; minors until 25 if later)',
      why: 'They say whose the kept clinical record is; anonymised when the last kept record is purged',
    },
  ];
}
