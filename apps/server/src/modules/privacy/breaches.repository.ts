import type { Tx } from '../../platform/tenancy.js';

export interface BreachRow {
  discoveredAt: Date;
  occurredAt: Date | null;
  description: string;
  dataCategories: string[];
  peopleAffected: number;
  likelyConsequences: string;
  measuresTaken: string;
  commissionerNotifiedAt: Date | null;
  delayReason: string | null;
  peopleNotifiedAt: Date | null;
  peopleNotNotifiedReason: string | null;
}

export async function listBreaches(tx: Tx) {
  return tx.selectFrom('privacyBreaches').selectAll().orderBy('discoveredAt', 'desc').orderBy('id').execute();
}

export async function findBreach(tx: Tx, id: string, opts: { forUpdate?: boolean } = {}) {
  const q = tx.selectFrom('privacyBreaches').selectAll().where('id', '=', id);
  return (opts.forUpdate ? q.forUpdate() : q).executeTakeFirst();
}

export async function insertBreach(tx: Tx, practiceId: string, row: BreachRow, recordedBy: string | null) {
  return tx
    .insertInto('privacyBreaches')
    .values({ practiceId, ...row, recordedBy })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateBreach(tx: Tx, id: string, row: BreachRow) {
  return tx
    .updateTable('privacyBreaches')
    .set({ ...row, updatedAt: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
