import { sql } from 'kysely';
import type { RetentionRunResult } from '@dentalpro/contracts';
import type { Db } from '../../db/connection.js';
import type { Tx } from '../../platform/tenancy.js';

/** Retention periods, runs and erasure records: SQL only. */

export async function selectChosenPeriods(tx: Tx) {
  return tx.selectFrom('retentionSettings').select(['category', 'days', 'updatedAt']).orderBy('category').execute();
}

/** Locks the practice's periods for a change (two saves at once: one after the other, each audited against the last). */
export async function lockChosenPeriods(tx: Tx, practiceId: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`privacy:retention:${practiceId}`}))`.execute(tx);
  return selectChosenPeriods(tx);
}

export async function replaceChosenPeriods(
  tx: Tx,
  input: { practiceId: string; periods: { category: string; days: number }[]; userId: string | null },
) {
  const keep = input.periods.map((p) => p.category);
  let remove = tx.deleteFrom('retentionSettings');
  if (keep.length > 0) remove = remove.where('category', 'not in', keep);
  await remove.execute();
  if (input.periods.length === 0) return;
  await tx
    .insertInto('retentionSettings')
    .values(input.periods.map((p) => ({ practiceId: input.practiceId, ...p, updatedBy: input.userId })))
    .onConflict((oc) =>
      oc
        .columns(['practiceId', 'category'])
        .doUpdateSet((eb) => ({
          days: eb.ref('excluded.days'),
          updatedBy: eb.ref('excluded.updatedBy'),
          updatedAt: new Date(),
        }))
        .where((eb) => eb('retentionSettings.days', '<>', eb.ref('excluded.days'))),
    )
    .execute();
}

export interface RunRecord {
  practiceId: string;
  asOf: Date;
  dryRun: boolean;
  results: RetentionRunResult[];
  purged: number;
  startedAt: Date;
}

export async function insertRun(tx: Tx, run: RunRecord) {
  return tx
    .insertInto('retentionRuns')
    .values({ ...run, results: JSON.stringify(run.results), finishedAt: new Date() })
    .returning(['id', 'asOf', 'dryRun', 'results', 'purged', 'startedAt', 'finishedAt'])
    .executeTakeFirstOrThrow();
}

export async function selectRuns(tx: Tx, input: { limit: number; dryRun?: boolean }) {
  let query = tx
    .selectFrom('retentionRuns')
    .select(['id', 'asOf', 'dryRun', 'results', 'purged', 'startedAt', 'finishedAt'])
    .orderBy('startedAt', 'desc')
    .orderBy('id')
    .limit(input.limit);
  if (input.dryRun !== undefined) query = query.where('dryRun', '=', input.dryRun);
  return query.execute();
}

/** Whether a real run counted from a time on or after `since` (the job's one run a day). */
export async function ranSince(tx: Tx, since: Date): Promise<boolean> {
  const row = await tx
    .selectFrom('retentionRuns')
    .select('id')
    .where('dryRun', '=', false)
    .where('asOf', '>=', since)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** What erasures recorded to count from, by patient (the latest erasure's). */
export async function selectErasureClocks(tx: Tx) {
  return tx
    .selectFrom('patientErasures')
    .select(['patientId', 'lastVisitAt', 'minorUntil'])
    .orderBy('erasedAt')
    .execute();
}

/** Every practice and its time zone (the job's round). The platform's table: not row-level secured. */
export async function selectPracticeZones(db: Db) {
  return db.selectFrom('practices').select(['id', 'timeZone']).orderBy('id').execute();
}

export async function insertErasure(
  tx: Tx,
  input: {
    practiceId: string;
    patientId: string;
    requestId: string | null;
    receipt: unknown;
    lastVisitAt: Date | null;
    minorUntil: string | null;
    userId: string | null;
  },
): Promise<string> {
  const row = await tx
    .insertInto('patientErasures')
    .values({
      practiceId: input.practiceId,
      patientId: input.patientId,
      requestId: input.requestId,
      receipt: JSON.stringify(input.receipt),
      lastVisitAt: input.lastVisitAt,
      minorUntil: input.minorUntil,
      erasedBy: input.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
