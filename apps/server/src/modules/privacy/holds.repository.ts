import { sql } from 'kysely';
import type { Tx } from '../../platform/tenancy.js';

/** Legal holds: SQL only. `today` is the practice's calendar date (a hold holds through its end date). */

const inForce = (today: string) => sql<boolean>`lifted_at IS NULL AND (ends_on IS NULL OR ends_on >= ${today}::date)`;

export const HOLD_COLUMNS = [
  'id',
  'patientId',
  'reason',
  'endsOn',
  'setAt',
  'setBy',
  'liftedAt',
  'liftedBy',
  'liftReason',
] as const;

export async function selectHolds(tx: Tx, input: { today: string; patientId?: string; all: boolean }) {
  let query = tx
    .selectFrom('legalHolds')
    .select([...HOLD_COLUMNS, inForce(input.today).as('active')])
    .orderBy('setAt', 'desc')
    .orderBy('id')
    .limit(1000);
  if (input.patientId) query = query.where('patientId', '=', input.patientId);
  if (!input.all) query = query.where(inForce(input.today));
  return query.execute();
}

export async function selectHold(tx: Tx, holdId: string, today: string, opts: { forUpdate?: boolean } = {}) {
  let query = tx
    .selectFrom('legalHolds')
    .select([...HOLD_COLUMNS, inForce(today).as('active')])
    .where('id', '=', holdId);
  if (opts.forUpdate) query = query.forUpdate();
  return query.executeTakeFirst();
}

/** The hold in force on a patient, if any. */
export async function holdInForce(tx: Tx, patientId: string, today: string) {
  return tx
    .selectFrom('legalHolds')
    .select(['id', 'endsOn'])
    .where('patientId', '=', patientId)
    .where(inForce(today))
    .executeTakeFirst();
}

/** The patients under a hold in force. */
export async function heldPatientIds(tx: Tx, today: string): Promise<string[]> {
  const rows = await tx.selectFrom('legalHolds').select('patientId').distinct().where(inForce(today)).execute();
  return rows.map((r) => r.patientId);
}

/**
 * Serialises what reads and changes a patient's holds (setting one, an erasure) on that patient:
 * a hold set while an erasure runs would otherwise see neither the other.
 */
export async function lockPatientHolds(tx: Tx, patientId: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`privacy:hold:${patientId}`}))`.execute(tx);
}

/** An open hold whose end date has passed is closed, so a new one can be set (one open hold per patient). */
export async function closeEndedHold(tx: Tx, patientId: string, today: string) {
  await tx
    .updateTable('legalHolds')
    .set((eb) => ({ liftedAt: new Date(), liftReason: sql<string>`'Ended on ' || ${eb.ref('endsOn')}::text` }))
    .where('patientId', '=', patientId)
    .where('liftedAt', 'is', null)
    .where('endsOn', '<', sql<string>`${today}::date`)
    .execute();
}

export async function insertHold(
  tx: Tx,
  input: { practiceId: string; patientId: string; reason: string; endsOn: string | null; userId: string | null },
) {
  return tx
    .insertInto('legalHolds')
    .values({
      practiceId: input.practiceId,
      patientId: input.patientId,
      reason: input.reason,
      endsOn: input.endsOn,
      setBy: input.userId,
    })
    .returning([...HOLD_COLUMNS])
    .executeTakeFirstOrThrow();
}

export async function liftHold(tx: Tx, input: { holdId: string; reason: string; userId: string | null }) {
  await tx
    .updateTable('legalHolds')
    .set({ liftedAt: new Date(), liftedBy: input.userId, liftReason: input.reason })
    .where('id', '=', input.holdId)
    .execute();
}
