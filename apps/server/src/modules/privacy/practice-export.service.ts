import type { PracticeExport, PracticeExportInput } from '@dentalpro/contracts';
import { ZipArchive } from 'archiver';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission, systemActor } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { sealedStoresOf } from '../../platform/data-owners.js';
import { openForPractice, sealForPractice } from '../../platform/data-keys.js';
import { SQLSTATE, sqlStateOf } from '../../platform/db-errors.js';
import { AppError } from '../../platform/errors.js';
import { enqueueJob } from '../../platform/jobs.js';
import { inPractice } from '../../platform/tenancy.js';
import { confirmSensitiveAction, userNamesIn } from '../auth/auth.service.js';
import { listPriceList } from '../clinical/price-list.service.js';
import { patientRetentionFactsIn } from '../patients/retention-facts.service.js';
import { getPractice } from '../practices/practices.service.js';
import { listAppointmentTypes } from '../scheduling/appointment-types.service.js';
import { listProviders } from '../scheduling/providers.service.js';
import { getOpeningHours, listChairs } from '../scheduling/settings.service.js';
import { type GatheredExport, gatherPatientExportIn } from './export.service.js';
import { practiceExportCsv } from './practice-export.csv.js';
import { chosenPeriodsIn } from './retention.plan.js';

/**
 * A whole-practice export (issue 14, deliver 2): an owner takes all the practice's data, for
 * example when leaving DentalPro. Owners only, after confirming who they are again (password, and
 * their two-step code when it is on). A background job builds one ZIP: every patient's copy from
 * every data owner (the same JSON and files as a patient's own copy), the practice's settings, CSV
 * tables where a table is natural (patients, appointments) and a README that explains the files.
 * The ZIP is sealed with the practice's data key in the file store and can be downloaded for
 * PRACTICE_EXPORT_DAYS days; then the retention job removes it. Requesting and every download are
 * audited. One export is built at a time per practice.
 *
 * The ZIP is built in memory: a practice of a few thousand patients with their documents fits;
 * a much larger one would want the archive streamed to the store (known limit).
 */

export const PRACTICE_EXPORT_DAYS = 7;

/** The job that builds an export (its handler: practice-export.jobs.ts). */
export const BUILD_PRACTICE_EXPORT = {
  name: 'privacy.practice_export_build',
  schema: z.object({ practiceId: z.uuid(), exportId: z.uuid() }),
  maxAttempts: 1,
};
const DAY_MS = 86_400_000;
/** Patients gathered per transaction: short transactions (PGlite serialises them all). */
const PATIENTS_PER_TRANSACTION = 25;

const COLUMNS = [
  'id',
  'state',
  'requestedAt',
  'requestedBy',
  'readyAt',
  'expiresAt',
  'sizeBytes',
  'patients',
  'downloads',
  'storageKey',
] as const;

type Row = {
  id: string;
  state: PracticeExport['state'];
  requestedAt: Date;
  requestedBy: string;
  readyAt: Date | null;
  expiresAt: Date;
  sizeBytes: number | null;
  patients: number | null;
  downloads: number;
  storageKey: string | null;
};

function present(row: Row, names: Map<string, string>, now: Date): PracticeExport {
  const expired = row.state === 'expired' || (row.state === 'ready' && row.expiresAt.getTime() <= now.getTime());
  return {
    id: row.id,
    state: expired ? 'expired' : row.state,
    requestedAt: row.requestedAt.toISOString(),
    requestedBy: row.requestedBy,
    requestedByName: names.get(row.requestedBy) ?? null,
    readyAt: row.readyAt?.toISOString() ?? null,
    expiresAt: row.expiresAt.toISOString(),
    sizeBytes: row.sizeBytes,
    patients: row.patients,
    downloads: row.downloads,
  };
}

/** An owner asks for the export: checked again who they are, recorded, audited, and the job queued. */
export async function requestPracticeExport(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; confirm: PracticeExportInput; now?: Date },
): Promise<PracticeExport> {
  requirePermission(input.actor, 'privacy:manage');
  if (!input.actor.userId) throw new AppError('forbidden', { detail: 'An owner asks for the export' });
  await confirmSensitiveAction(ctx, {
    userId: input.actor.userId,
    password: input.confirm.password,
    code: input.confirm.code,
  });
  const now = input.now ?? new Date();
  const { practiceId } = input;
  try {
    return await inPractice(ctx.db, practiceId, async (tx) => {
      const row = await tx
        .insertInto('practiceExports')
        .values({
          practiceId,
          requestedBy: input.actor.userId!,
          requestedAt: now,
          expiresAt: new Date(now.getTime() + PRACTICE_EXPORT_DAYS * DAY_MS),
        })
        .returning(COLUMNS)
        .executeTakeFirstOrThrow();
      await enqueueJob(tx, BUILD_PRACTICE_EXPORT, { practiceId, exportId: row.id });
      await recordAudit(tx, {
        practiceId,
        actor: input.actor,
        action: 'privacy.practice_export_requested',
        targetType: 'practice',
        targetId: practiceId,
        changes: { exportId: row.id },
      });
      return present(row, await userNamesIn(tx, [row.requestedBy]), now);
    });
  } catch (error) {
    if (sqlStateOf(error) === SQLSTATE.uniqueViolation)
      throw new AppError('practice_export_building', { detail: 'An export of the practice is being built already' });
    throw error;
  }
}

export async function listPracticeExports(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; now?: Date },
): Promise<PracticeExport[]> {
  requirePermission(input.actor, 'privacy:manage');
  const now = input.now ?? new Date();
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const rows = await tx
      .selectFrom('practiceExports')
      .select(COLUMNS)
      .orderBy('requestedAt', 'desc')
      .limit(10)
      .execute();
    const names = await userNamesIn(
      tx,
      rows.map((r) => r.requestedBy),
    );
    return rows.map((r) => present(r, names, now));
  });
}

/** The ZIP, opened, for an owner; audited. 410 export_link_expired after its days; 409 while it is built. */
export async function downloadPracticeExport(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; exportId: string; now?: Date },
): Promise<{ filename: string; zip: Buffer }> {
  requirePermission(input.actor, 'privacy:manage');
  const now = input.now ?? new Date();
  const { practiceId } = input;
  const stores = sealedStoresOf(ctx);
  const row = await inPractice(ctx.db, practiceId, (tx) =>
    tx.selectFrom('practiceExports').select(COLUMNS).where('id', '=', input.exportId).executeTakeFirst(),
  );
  if (!row) throw new AppError('practice_export_not_found');
  if (row.state === 'expired' || row.expiresAt.getTime() <= now.getTime())
    throw new AppError('export_link_expired', { detail: 'This export has expired; ask for a new one' });
  if (row.state !== 'ready' || !row.storageKey)
    throw new AppError('practice_export_building', { detail: 'This export is not ready (being built, or it failed)' });
  const sealed = await stores.files.get(row.storageKey);
  const zip = await inPractice(ctx.db, practiceId, async (tx) => {
    const opened = await openForPractice(tx, ctx.config.encryptionKey, practiceId, sealed, aadOf(row.id));
    await tx
      .updateTable('practiceExports')
      .set((eb) => ({ downloads: eb('downloads', '+', 1) }))
      .where('id', '=', row.id)
      .execute();
    await recordAudit(tx, {
      practiceId,
      actor: input.actor,
      action: 'privacy.practice_export_downloaded',
      targetType: 'practice',
      targetId: practiceId,
      changes: { exportId: row.id, sizeBytes: opened.length },
    });
    return opened;
  });
  return { filename: `dentalpro-practice-${row.requestedAt.toISOString().slice(0, 10)}.zip`, zip };
}

const aadOf = (exportId: string) => `practice-export:${exportId}`;

/**
 * The job: builds the ZIP of the export still being built (nothing when it is not: a second run
 * of the job does nothing), seals it and marks it ready; a failure marks it failed (the owner asks
 * again) and is logged without any patient data.
 */
export async function buildPracticeExport(
  ctx: AppContext,
  input: { practiceId: string; exportId: string; now?: Date },
): Promise<void> {
  const { practiceId, exportId } = input;
  const row = await inPractice(ctx.db, practiceId, (tx) =>
    tx.selectFrom('practiceExports').select(COLUMNS).where('id', '=', exportId).executeTakeFirst(),
  );
  if (row?.state !== 'building') return;
  try {
    const { zip, patients } = await buildZip(ctx, { practiceId, now: input.now ?? new Date() });
    const storageKey = `${practiceId}/${exportId}`;
    const sealed = await inPractice(ctx.db, practiceId, (tx) =>
      sealForPractice(tx, ctx.config.encryptionKey, practiceId, zip, aadOf(exportId)),
    );
    await sealedStoresOf(ctx).files.put(storageKey, sealed);
    await inPractice(ctx.db, practiceId, (tx) =>
      tx
        .updateTable('practiceExports')
        .set({ state: 'ready', storageKey, sizeBytes: zip.length, patients, readyAt: new Date() })
        .where('id', '=', exportId)
        .where('state', '=', 'building')
        .execute(),
    );
  } catch (error) {
    ctx.logger.error({ practiceId, exportId, err: (error as Error).name }, 'whole-practice export failed');
    await inPractice(ctx.db, practiceId, (tx) =>
      tx
        .updateTable('practiceExports')
        .set({ state: 'failed', failure: 'build_failed' })
        .where('id', '=', exportId)
        .where('state', '=', 'building')
        .execute(),
    );
  }
}

/** Removes the files of exports past their days (the retention run); returns how many. */
export async function expirePracticeExports(
  ctx: AppContext,
  input: { practiceId: string; now: Date },
): Promise<number> {
  const due = await inPractice(ctx.db, input.practiceId, (tx) =>
    tx
      .selectFrom('practiceExports')
      .select(['id', 'storageKey'])
      .where('state', '=', 'ready')
      .where('expiresAt', '<=', input.now)
      .execute(),
  );
  for (const row of due) {
    if (row.storageKey) await sealedStoresOf(ctx).files.delete(row.storageKey);
    await inPractice(ctx.db, input.practiceId, (tx) =>
      tx.updateTable('practiceExports').set({ state: 'expired', storageKey: null }).where('id', '=', row.id).execute(),
    );
  }
  return due.length;
}

async function buildZip(
  ctx: AppContext,
  input: { practiceId: string; now: Date },
): Promise<{ zip: Buffer; patients: number }> {
  const { practiceId, now } = input;
  const caller = { actor: systemActor('practice-export'), practiceId };
  const archive = new ZipArchive({ zlib: { level: 6 } });
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    archive.on('end', () => resolve());
    archive.on('error', reject);
  });
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

  const [practice, chairs, providers, types, hours, priceList, retention] = await Promise.all([
    getPractice(ctx, caller),
    listChairs(ctx, caller),
    listProviders(ctx, caller),
    listAppointmentTypes(ctx, caller),
    getOpeningHours(ctx, caller),
    listPriceList(ctx, { ...caller, includeInactive: true }),
    inPractice(ctx.db, practiceId, async (tx) =>
      [...(await chosenPeriodsIn(tx)).values()].map((r) => ({ category: r.category, days: r.days })),
    ),
  ]);
  archive.append(json(practice), { name: 'practice/practice.json' });
  archive.append(json(chairs), { name: 'practice/chairs.json' });
  archive.append(json(providers), { name: 'practice/providers.json' });
  archive.append(json(types), { name: 'practice/appointment-types.json' });
  archive.append(json(hours), { name: 'practice/opening-hours.json' });
  archive.append(json(priceList), { name: 'practice/price-list.json' });
  archive.append(json(retention), { name: 'practice/retention-periods.json' });

  const ids = await inPractice(ctx.db, practiceId, async (tx) =>
    (await patientRetentionFactsIn(tx)).map((p) => p.id).sort(),
  );
  const gathered: GatheredExport[] = [];
  for (let i = 0; i < ids.length; i += PATIENTS_PER_TRANSACTION) {
    const batch = ids.slice(i, i + PATIENTS_PER_TRANSACTION);
    await inPractice(ctx.db, practiceId, async (tx) => {
      for (const patientId of batch) {
        const g = await gatherPatientExportIn(ctx, tx, { practiceId, patientId, now });
        const folder = `patients/${patientId}`;
        archive.append(json(g.patient), { name: `${folder}/patient.json` });
        for (const m of g.modules) {
          archive.append(json(m.data), { name: `${folder}/${m.module}.json` });
          // Files open inside the transaction (sealed ones need the practice's key).
          for (const file of m.files)
            archive.append(await file.read(), { name: `${folder}/${m.module}/${safePath(file.name)}` });
        }
        // The tables need only the data, not the files.
        gathered.push({ ...g, modules: g.modules.map((m) => ({ ...m, files: [] })) });
      }
    });
  }
  const csv = practiceExportCsv(gathered);
  archive.append(csv.patients, { name: 'tables/patients.csv' });
  archive.append(csv.appointments, { name: 'tables/appointments.csv' });
  archive.append(readme({ practiceName: practice.name, patients: ids.length, now }), { name: 'README.txt' });
  await archive.finalize();
  await ended;
  return { zip: Buffer.concat(chunks), patients: ids.length };
}

/** A path inside the archive: no leading slash, no climbing out of the folder. */
function safePath(name: string): string {
  return name
    .split('/')
    .filter((part) => part && part !== '.' && part !== '..')
    .join('/');
}

function readme(input: { practiceName: string; patients: number; now: Date }): string {
  return [
    'DentalPro: all the data of a practice / toutes les données d’un cabinet',
    '',
    `Practice: ${input.practiceName}`,
    `Made: ${input.now.toISOString()}`,
    `Patients: ${input.patients}`,
    '',
    'Everything is in open formats: JSON (UTF-8), CSV (UTF-8, comma-separated, first line the column',
    'names) and the files as they were received. Times are ISO 8601 in UTC (2026-12-06T09:30:00.000Z);',
    'dates are YYYY-MM-DD; money is in minor units (cents) with its currency. Clinical text is decrypted.',
    '',
    'practice/',
    '  practice.json            the practice: name, contact details, time zone, settings',
    '  chairs.json              the chairs (surgeries)',
    '  providers.json           the dentists and hygienists who see patients, and their colours',
    '  appointment-types.json   the visit types: names, lengths, who provides them',
    '  opening-hours.json       the opening hours',
    '  price-list.json          the price list (procedures, fees), active and inactive',
    '  retention-periods.json   the periods the practice chose for keeping data (others: the defaults)',
    'patients/<patient id>/',
    '  patient.json             who the folder is about (id, name, date of birth)',
    '  patients.json            their details, phones, guardians, medical alerts, who opened the record',
    '  scheduling.json          appointments, recalls, the waiting list',
    '  clinical.json            dental chart, treatment plans, clinical notes, documents',
    '  messaging.json           WhatsApp conversations and messages',
    '  assistant.json, reminders.json, notifications.json, privacy.json, consent.json, platform.json:',
    '                           the rest each part of DentalPro keeps about them (the same files as a',
    '                           patient’s own copy of their data)',
    '  <module>/...             files: documents, x-rays, WhatsApp media',
    'tables/',
    '  patients.csv             one line per patient (id, names, date of birth, email, phones)',
    '  appointments.csv         one line per appointment (patient id, start, end, status, visit type, provider, chair)',
    '',
    'Le même contenu en français : practice/ contient les réglages du cabinet, patients/<id>/ tout ce que',
    'chaque partie de DentalPro conserve sur chaque patient (JSON, fichiers tels que reçus), tables/ les',
    'patients et les rendez-vous en CSV. Heures ISO 8601 en UTC ; montants en centimes avec leur devise.',
    '',
  ].join('\n');
}
