import type { Kysely } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { DB } from '../../db/schema.js';
import type { Tx } from '../../platform/tenancy.js';

type Conn = Db | Tx | Kysely<DB>;

const SUMMARY_COLUMNS = ['version', 'effectiveDate', 'material', 'summaryEn', 'summaryFr', 'publishedAt'] as const;

export async function listPolicyVersions(conn: Conn) {
  return conn.selectFrom('privacyPolicyVersions').select(SUMMARY_COLUMNS).orderBy('version', 'desc').execute();
}

export async function findPolicyVersion(conn: Conn, version: number | 'current') {
  let q = conn.selectFrom('privacyPolicyVersions').selectAll();
  q = version === 'current' ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
  return q.executeTakeFirst();
}

/** The newest version, locked: publishers queue behind each other. */
export async function lockCurrentPolicyVersion(tx: Conn) {
  return tx
    .selectFrom('privacyPolicyVersions')
    .select(['version', 'effectiveDate'])
    .orderBy('version', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

export async function insertPolicyVersion(
  tx: Conn,
  row: {
    version: number;
    effectiveDate: string;
    material: boolean;
    summaryEn: string;
    summaryFr: string;
    textEn: string;
    textFr: string;
  },
) {
  return tx.insertInto('privacyPolicyVersions').values(row).returning(SUMMARY_COLUMNS).executeTakeFirstOrThrow();
}

/** The newest material version this user has not acknowledged (nor any later one). */
export async function unacknowledgedMaterialVersion(conn: Conn, userId: string) {
  return conn
    .selectFrom('privacyPolicyVersions as v')
    .select(['v.version', 'v.effectiveDate', 'v.material', 'v.summaryEn', 'v.summaryFr', 'v.publishedAt'])
    .where('v.material', '=', true)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('privacyPolicyAcknowledgements as a')
            .select('a.version')
            .where('a.userId', '=', userId)
            .whereRef('a.version', '>=', 'v.version'),
        ),
      ),
    )
    .orderBy('v.version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** True when the acknowledgement is new. */
export async function insertAcknowledgement(tx: Conn, userId: string, version: number): Promise<boolean> {
  const rows = await tx
    .insertInto('privacyPolicyAcknowledgements')
    .values({ userId, version })
    .onConflict((oc) => oc.columns(['userId', 'version']).doNothing())
    .returning('version')
    .execute();
  return rows.length > 0;
}

export async function newestMaterialVersion(conn: Conn) {
  return conn
    .selectFrom('privacyPolicyVersions')
    .select(SUMMARY_COLUMNS)
    .where('material', '=', true)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** When each of these users acknowledged `version` or a later one (the earliest such), by user id. */
export async function acknowledgementsSince(conn: Conn, userIds: readonly string[], version: number) {
  if (userIds.length === 0) return new Map<string, Date>();
  const rows = await conn
    .selectFrom('privacyPolicyAcknowledgements')
    .select(['userId', (eb) => eb.fn.min('acknowledgedAt').as('at')])
    .where('userId', 'in', userIds)
    .where('version', '>=', version)
    .groupBy('userId')
    .execute();
  return new Map(rows.map((r) => [r.userId, new Date(r.at as unknown as string | Date)]));
}
