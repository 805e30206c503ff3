import { sql } from 'kysely';
import { openForPractice, openTextForPractice } from '../../platform/data-keys.js';
import {
  type DataOwner,
  type ErasureOutcome,
  NOTHING_HELD,
  type PatientExport,
  type PurgeInput,
  type SealedStores,
  type Words,
} from '../../platform/data-owners.js';
import { CLINICAL_RECORDS_DAYS } from '../../platform/retention-dates.js';
import type { Tx } from '../../platform/tenancy.js';
import { clinicalRetentionIn } from './clinical-retention.service.js';
import { userNames } from './patient-record.js';
import { addendumAad, attachmentAad, findingAad, itemAad, noteAad } from './sealing.js';

/**
 * Clinical records (chart findings, treatment plans, notes, attachments) follow a merged patient
 * to the survivor. A death changes nothing here: the record is kept as the law requires. A copy
 * holds them decrypted, documents as files; an erasure keeps them all until their retention date;
 * the retention job deletes them then (purge_clinical_records, the one way clinical rows go).
 */
export const clinicalDataOwner: DataOwner = {
  module: 'clinical',
  movePatient: async (tx, { fromPatientId, toPatientId }) =>
    void (await moveClinicalReferences(tx, fromPatientId, toPatientId)),
  onPatientDeceased: async () => undefined,
  exportPatient: (tx, input) => exportClinical(tx, input),
  erasePatient: (tx, input) => eraseClinical(tx, input),
  retention: () => [
    {
      category: 'clinical_records',
      description:
        'Clinical records: chart findings, treatment plans and their items, clinical notes and addenda, x-rays, photos and documents',
      keptFor:
        '11 years after the last visit; for a patient seen as a minor, until the later of their 25th birthday and 11 years after the last visit',
      why: 'Mauritian healthcare rules require the practice to keep a patient’s dental record',
      rule: {
        defaultDays: CLINICAL_RECORDS_DAYS,
        floorDays: CLINICAL_RECORDS_DAYS,
        from: 'last_visit',
        tiedTo: 'patient',
      },
    },
  ],
  purge: (tx, input) => purgeClinical(tx, input),
};

// The places the clinical services seal each value to (chart, treatment-plans, notes, attachments services).

/** A file name safe inside the archive: letters, digits, dots, dashes and underscores only. */
const archiveName = (name: string) => name.replace(/[^\p{L}\p{N}._-]+/gu, '_').slice(0, 120);

/** The patient's chart, plans, notes (with addenda) and documents, decrypted; documents' bytes as files. */
async function exportClinical(
  tx: Tx,
  input: { practiceId: string; patientId: string; stores: SealedStores },
): Promise<PatientExport> {
  const { practiceId, patientId, stores } = input;
  const open = (sealed: Buffer, aad: string) => openTextForPractice(tx, stores.encryptionKey, practiceId, sealed, aad);
  const findings = await tx
    .selectFrom('chartFindings')
    .selectAll()
    .where('patientId', '=', patientId)
    .orderBy('observedAt')
    .orderBy('id')
    .execute();
  const plans = await tx
    .selectFrom('treatmentPlans')
    .selectAll()
    .where('patientId', '=', patientId)
    .orderBy('createdAt')
    .execute();
  const items = plans.length
    ? await tx
        .selectFrom('treatmentPlanItems')
        .selectAll()
        .where(
          'planId',
          'in',
          plans.map((p) => p.id),
        )
        .orderBy('phase')
        .orderBy('createdAt')
        .execute()
    : [];
  const notes = await tx
    .selectFrom('clinicalNotes')
    .selectAll()
    .where('patientId', '=', patientId)
    .orderBy('visitDate')
    .orderBy('createdAt')
    .execute();
  const addenda = notes.length
    ? await tx
        .selectFrom('clinicalNoteAddenda')
        .selectAll()
        .where(
          'noteId',
          'in',
          notes.map((n) => n.id),
        )
        .orderBy('createdAt')
        .execute()
    : [];
  const attachments = await tx
    .selectFrom('attachments')
    .selectAll()
    .where('patientId', '=', patientId)
    .orderBy('uploadedAt')
    .execute();
  const names = await userNames(tx, [
    ...findings.map((f) => f.recordedBy),
    ...items.map((i) => i.completedBy),
    ...notes.flatMap((n) => [n.authorId, n.signedBy]),
    ...addenda.map((a) => a.authorId),
    ...attachments.map((a) => a.uploadedBy),
  ]);
  const who = (id: string | null) => (id ? (names.get(id) ?? null) : null);
  // Read now, inside the transaction that can open the practice's keys; the archive writes them later.
  const documents = await Promise.all(
    attachments.map(async (a) => {
      const bytes = await openForPractice(
        tx,
        stores.encryptionKey,
        practiceId,
        await stores.files.get(a.storageKey),
        attachmentAad(a.id),
      );
      const file = `documents/${a.uploadedAt.toISOString().slice(0, 10)}-${a.id.slice(0, 8)}-${archiveName(a.fileName)}`;
      return { row: a, bytes, file };
    }),
  );
  return {
    chartFindings: await Promise.all(
      findings.map(async (f) => ({
        id: f.id,
        tooth: f.tooth,
        surfaces: f.surfaces,
        kind: f.kind,
        material: f.material,
        bridgeRole: f.bridgeRole,
        note: f.noteSealed ? await open(f.noteSealed, findingAad(f.id)) : null,
        observedAt: f.observedAt.toISOString(),
        recordedAt: f.recordedAt.toISOString(),
        recordedBy: who(f.recordedBy),
        resolvedAt: f.resolvedAt?.toISOString() ?? null,
        resolution: f.resolution,
        supersededBy: f.supersededBy,
        fromPlanItemId: f.sourceItemId,
      })),
    ),
    treatmentPlans: await Promise.all(
      plans.map(async (p) => ({
        id: p.id,
        title: p.title,
        status: p.status,
        createdAt: p.createdAt.toISOString(),
        updatedAt: p.updatedAt.toISOString(),
        items: await Promise.all(
          items
            .filter((i) => i.planId === p.id)
            .map(async (i) => ({
              id: i.id,
              procedureCode: i.procedureCode,
              nameEn: i.procedureNameEn,
              nameFr: i.procedureNameFr,
              feeMinor: i.feeMinor,
              currency: i.currency,
              tooth: i.tooth,
              surfaces: i.surfaces,
              phase: i.phase,
              notes: i.notesSealed ? await open(i.notesSealed, itemAad(i.id)) : null,
              status: i.status,
              completedAt: i.completedAt?.toISOString() ?? null,
              completedBy: who(i.completedBy),
            })),
        ),
      })),
    ),
    clinicalNotes: await Promise.all(
      notes.map(async (n) => ({
        id: n.id,
        appointmentId: n.appointmentId,
        visitDate: n.visitDate,
        body: await open(n.bodySealed, noteAad(n.id)),
        status: n.signedAt ? 'signed' : 'draft',
        author: who(n.authorId),
        createdAt: n.createdAt.toISOString(),
        updatedAt: n.updatedAt.toISOString(),
        signedAt: n.signedAt?.toISOString() ?? null,
        signedBy: who(n.signedBy),
        addenda: await Promise.all(
          addenda
            .filter((a) => a.noteId === n.id)
            .map(async (a) => ({
              id: a.id,
              body: await open(a.bodySealed, addendumAad(a.id)),
              author: who(a.authorId),
              createdAt: a.createdAt.toISOString(),
            })),
        ),
      })),
    ),
    documents: documents.map(({ row, file }) => ({
      id: row.id,
      kind: row.kind,
      fileName: row.fileName,
      mimeType: row.mimeType,
      sizeBytes: row.sizeBytes,
      uploadedAt: row.uploadedAt.toISOString(),
      uploadedBy: who(row.uploadedBy),
      file,
    })),
    files: documents.map(({ bytes, file }) => ({ name: file, read: () => bytes })),
  };
}

/** Counts of the patient's clinical rows, by kind. */
async function clinicalCounts(tx: Tx, patientIds: readonly string[]) {
  const ids = [...patientIds];
  const count = async (q: Promise<{ n: string | number | bigint }>) => Number((await q).n);
  const n = (table: 'chartFindings' | 'treatmentPlans' | 'clinicalNotes' | 'attachments') =>
    count(
      tx
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('patientId', 'in', ids)
        .executeTakeFirstOrThrow(),
    );
  return {
    chartFindings: await n('chartFindings'),
    treatmentPlans: await n('treatmentPlans'),
    clinicalNotes: await n('clinicalNotes'),
    documents: await n('attachments'),
  };
}

/**
 * A deletion request erases nothing clinical: the record is kept until its retention date (11 years
 * after the last visit; minors until the later of their 25th birthday and that), then the
 * retention job deletes it. The receipt says so, kind by kind.
 */
async function eraseClinical(tx: Tx, input: { patientId: string }): Promise<ErasureOutcome> {
  const counts = await clinicalCounts(tx, [input.patientId]);
  const held = Object.entries(counts).filter(([, n]) => n > 0);
  if (held.length === 0) return NOTHING_HELD;
  const until =
    (await clinicalRetentionIn(tx, { patientIds: [input.patientId] })).get(input.patientId)?.keptUntil ?? null;
  return { erased: {}, kept: held.map(([kind]) => ({ kind, why: CLINICAL_WHY, until })), labels: CLINICAL_LABELS };
}

const CLINICAL_WHY: Words = {
  en: 'Part of the dental record, which Mauritian healthcare rules require the practice to keep for 11 years after the last visit (for a patient seen as a minor, until their 25th birthday if that is later)',
  fr: 'Cela fait partie du dossier dentaire, que les règles de santé de Maurice imposent de garder 11 ans après la dernière visite (pour un patient vu mineur, jusqu’à ses 25 ans si c’est plus tard)',
};

const CLINICAL_LABELS: Record<keyof Awaited<ReturnType<typeof clinicalCounts>>, Words> = {
  chartFindings: { en: 'Your dental chart', fr: 'Votre schéma dentaire' },
  treatmentPlans: { en: 'Your treatment plans', fr: 'Vos plans de traitement' },
  clinicalNotes: { en: 'Your clinical notes', fr: 'Vos notes cliniques' },
  documents: { en: 'Your X-rays and documents', fr: 'Vos radiographies et documents' },
};

/**
 * The retention job, category `clinical_records`: deletes every clinical row of the patients
 * whose time is up (held ones never), and their documents' files. Idempotent: a second run finds
 * nothing. With `dryRun` it only counts.
 */
async function purgeClinical(tx: Tx, input: PurgeInput): Promise<{ count: number }> {
  if (input.category !== 'clinical_records') return { count: 0 };
  const held = new Set(input.heldPatientIds);
  const due = [...new Set(input.patientIds)].filter((id) => !held.has(id));
  if (due.length === 0) return { count: 0 };
  const c = await clinicalCounts(tx, due);
  const count = c.chartFindings + c.treatmentPlans + c.clinicalNotes + c.documents;
  if (input.dryRun) return { count };
  for (const patientId of due) {
    const files = await tx.selectFrom('attachments').select('storageKey').where('patientId', '=', patientId).execute();
    await sql`SELECT purge_clinical_records(${patientId}::uuid)`.execute(tx);
    // The sealed files go once their rows have (a purge rolled back after this would leave rows
    // whose files are gone: the rows were due to go anyway, and the next run deletes them).
    for (const f of files) await input.stores.files.delete(f.storageKey);
  }
  return { count };
}

/**
 * For a patient merge (patients module), inside its practice-bound transaction: moves the chart,
 * treatment plans, clinical notes (signed ones too: the database lets only patient_id change)
 * and attachments of the merged patient to the surviving one. Sealed values stay valid: their
 * aad names the row, not the patient. Returns how many rows of each moved, for the audit event.
 */
export async function moveClinicalReferences(tx: Tx, fromPatientId: string, toPatientId: string) {
  const move = async (table: 'chartFindings' | 'treatmentPlans' | 'clinicalNotes' | 'attachments') =>
    Number(
      (
        await tx
          .updateTable(table)
          .set({ patientId: toPatientId })
          .where('patientId', '=', fromPatientId)
          .executeTakeFirst()
      ).numUpdatedRows,
    );
  return {
    chartFindings: await move('chartFindings'),
    treatmentPlans: await move('treatmentPlans'),
    clinicalNotes: await move('clinicalNotes'),
    attachments: await move('attachments'),
  };
}
