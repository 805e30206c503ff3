import { sql } from 'kysely';
import type { Tx } from '../../platform/tenancy.js';

export type RequestRow = Awaited<ReturnType<typeof findRequest>> & {};

export async function findRequest(tx: Tx, id: string, opts: { forUpdate?: boolean } = {}) {
  const q = tx.selectFrom('privacyRequests').selectAll().where('id', '=', id);
  return (opts.forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

export async function listRequests(tx: Tx, filter: { patientId?: string; state: 'open' | 'closed' | 'all' }) {
  let q = tx.selectFrom('privacyRequests').selectAll();
  if (filter.patientId) q = q.where('patientId', '=', filter.patientId);
  if (filter.state === 'open') q = q.where('state', 'in', ['received', 'identity_verified', 'in_progress']);
  if (filter.state === 'closed') q = q.where('state', 'in', ['fulfilled', 'refused']);
  // Open ones first, soonest due first (so the overdue, then the due soon, lead); then the closed
  // ones, the latest closed first.
  return q
    .orderBy(sql`CASE WHEN state IN ('received', 'identity_verified', 'in_progress') THEN 0 ELSE 1 END`)
    .orderBy(sql`CASE WHEN state IN ('received', 'identity_verified', 'in_progress') THEN due_at END`)
    .orderBy('closedAt', 'desc')
    .orderBy('id')
    .limit(1000)
    .execute();
}

export async function insertRequest(
  tx: Tx,
  row: {
    practiceId: string;
    patientId: string;
    type: string;
    source: string;
    receivedAt: Date;
    dueAt: Date;
    note: string;
    proposedChange: unknown;
    recordedBy: string | null;
  },
) {
  return tx
    .insertInto('privacyRequests')
    .values({ ...row, proposedChange: row.proposedChange ? JSON.stringify(row.proposedChange) : null })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateRequest(
  tx: Tx,
  id: string,
  set: Partial<{
    state: string;
    verificationMethod: string;
    verificationNote: string;
    verifiedBy: string | null;
    verifiedAt: Date;
    approvedBy: string | null;
    approvedAt: Date;
    refusedReason: string;
    closedBy: string | null;
    closedAt: Date;
    dueSoonNotifiedAt: Date;
    overdueNotifiedAt: Date;
  }>,
) {
  return tx
    .updateTable('privacyRequests')
    .set({ ...set, updatedAt: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The months to answer a request received at `receivedAt` (now when not said): the period then in force, null for the default. */
export async function dueMonthsIn(tx: Tx, receivedAt: Date = new Date()): Promise<number | null> {
  const row = await tx
    .selectFrom('privacyRequestDuePeriods')
    .select('dueMonths')
    .where('fromAt', '<=', receivedAt)
    .orderBy('fromAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.dueMonths ?? null;
}

export async function selectRequestSettings(tx: Tx) {
  return tx.selectFrom('privacyRequestSettings').select(['dueMonths', 'updatedAt']).executeTakeFirst();
}

/** The practice's current choice, and the period it starts at `at`. */
export async function saveDueMonths(
  tx: Tx,
  input: { practiceId: string; dueMonths: number; at: Date; userId: string | null },
) {
  await tx
    .insertInto('privacyRequestDuePeriods')
    .values({ practiceId: input.practiceId, fromAt: input.at, dueMonths: input.dueMonths, setBy: input.userId })
    .onConflict((oc) =>
      oc.columns(['practiceId', 'fromAt']).doUpdateSet({ dueMonths: input.dueMonths, setBy: input.userId }),
    )
    .execute();
  return tx
    .insertInto('privacyRequestSettings')
    .values({ practiceId: input.practiceId, dueMonths: input.dueMonths, updatedAt: input.at, updatedBy: input.userId })
    .onConflict((oc) =>
      oc.column('practiceId').doUpdateSet({ dueMonths: input.dueMonths, updatedAt: input.at, updatedBy: input.userId }),
    )
    .returning(['dueMonths', 'updatedAt'])
    .executeTakeFirstOrThrow();
}

/**
 * The practice's open requests that staff have not yet been told of: due before `soon` and not
 * told it is due soon, or due before `now` and not told it is overdue. Locked, skipping those
 * another round holds (that round tells them).
 */
export async function openRequestsToAlert(tx: Tx, at: { now: Date; soon: Date }) {
  return tx
    .selectFrom('privacyRequests')
    .select(['id', 'patientId', 'type', 'dueAt', 'dueSoonNotifiedAt', 'overdueNotifiedAt'])
    .where('state', 'in', ['received', 'identity_verified', 'in_progress'])
    .where((eb) =>
      eb.or([
        eb.and([eb('dueAt', '>=', at.now), eb('dueAt', '<=', at.soon), eb('dueSoonNotifiedAt', 'is', null)]),
        eb.and([eb('dueAt', '<', at.now), eb('overdueNotifiedAt', 'is', null)]),
      ]),
    )
    .orderBy('dueAt')
    .forUpdate()
    .skipLocked()
    .execute();
}
