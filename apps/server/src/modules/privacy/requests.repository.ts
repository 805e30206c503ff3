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
  return q.orderBy('dueAt').orderBy('id').limit(1000).execute();
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

export async function dueMonthsIn(tx: Tx): Promise<number | null> {
  const row = await tx.selectFrom('privacyRequestSettings').select('dueMonths').executeTakeFirst();
  return row?.dueMonths ?? null;
}

/** Open requests whose due date is before `before`, of every practice (the daily job; runs unbound). */
export async function openRequestsDueBefore(tx: Tx, before: Date) {
  return tx
    .selectFrom('privacyRequests')
    .select(['id', 'patientId', 'dueAt', 'dueSoonNotifiedAt', 'overdueNotifiedAt'])
    .where('state', 'in', ['received', 'identity_verified', 'in_progress'])
    .where('dueAt', '<', before)
    .execute();
}
