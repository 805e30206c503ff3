import type { AuditAction, AuditTargetType } from '@dentalpro/contracts';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';
import type { Actor } from './access.js';
import { sha256 } from './crypto.js';
import { type Tx, beforeCommit, inPractice } from './tenancy.js';
import type { Db } from '../db/connection.js';

export interface AuditEntry {
  practiceId: string;
  actor: Actor;
  /** One of AUDIT_ACTIONS (contracts): 'staff.invited', 'auth.login_failed', ... */
  action: AuditAction;
  targetType?: AuditTargetType;
  targetId?: string;
  /** What changed, as ids, codes and flags: never patient free text. */
  changes?: Record<string, unknown>;
}

interface HashedContent {
  practiceId: string;
  seq: number;
  occurredAt: string;
  actorUserId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  requestId: string | null;
  changes: Record<string, unknown>;
}

/** JSON with keys sorted at every level, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function eventHash(prevHash: Buffer | null, content: HashedContent): Buffer {
  return sha256(`${prevHash ? prevHash.toString('hex') : 'genesis'}\n${canonicalJson(content)}`);
}

/**
 * Appends an event to the practice's chain, inside the caller's transaction so the event
 * exists exactly when the change it records does. The head row lock orders concurrent appends.
 * In an inPractice transaction the events are appended together just before it commits (one lock,
 * two round trips for any number of them), so the practice's chain head, which every audited
 * change of the practice waits for, is held only for the commit; elsewhere at once.
 */
export async function recordAudit(tx: Tx | Kysely<DB>, entry: AuditEntry): Promise<void> {
  const queued = pendingAudit.get(tx);
  if (queued) {
    queued.push(entry);
    return;
  }
  const entries = [entry];
  if (beforeCommit(tx, 'audit', () => appendAudit(tx, pendingAudit.get(tx) ?? []))) {
    pendingAudit.set(tx, entries);
    return;
  }
  await appendAudit(tx, entries);
}

const pendingAudit = new WeakMap<object, AuditEntry[]>();

async function appendAudit(tx: Tx | Kysely<DB>, entries: AuditEntry[]): Promise<void> {
  pendingAudit.delete(tx);
  const byPractice = new Map<string, AuditEntry[]>();
  for (const e of entries) byPractice.set(e.practiceId, [...(byPractice.get(e.practiceId) ?? []), e]);
  for (const [practiceId, ofPractice] of byPractice) {
    const head = await tx
      .selectFrom('auditChainHeads')
      .select(['lastSeq', 'lastHash'])
      .where('practiceId', '=', practiceId)
      .forUpdate()
      .executeTakeFirst();
    if (!head) throw new Error('Practice has no audit chain head');
    let { lastSeq: seq, lastHash: prevHash } = head;
    const occurredAt = new Date().toISOString();
    const rows = ofPractice.map((entry) => {
      const content: HashedContent = {
        practiceId,
        seq: ++seq,
        occurredAt,
        actorUserId: entry.actor.userId,
        action: entry.action,
        targetType: entry.targetType ?? null,
        targetId: entry.targetId ?? null,
        ip: entry.actor.ip,
        requestId: entry.actor.requestId,
        changes: JSON.parse(canonicalJson(entry.changes ?? {})),
      };
      const hash = eventHash(prevHash, content);
      const row = { ...content, changes: JSON.stringify(content.changes), prevHash, hash };
      prevHash = hash;
      return row;
    });
    // The events and the new head in one statement.
    await tx
      .with('appended', (db) => db.insertInto('auditEvents').values(rows))
      .updateTable('auditChainHeads')
      .set({ lastSeq: seq, lastHash: prevHash })
      .where('practiceId', '=', practiceId)
      .execute();
  }
}

/** Starts a practice's chain; called in the transaction that creates the practice. */
export async function startAuditChain(tx: Tx | Kysely<DB>, practiceId: string) {
  await tx.insertInto('auditChainHeads').values({ practiceId }).execute();
}

export type ChainVerdict =
  | { ok: true; events: number; purgedThrough?: number }
  | { ok: false; events: number; brokenAt: { seq: number; id: string | null; reason: string } };

/** The action that records a purge's checkpoint in the chain (what `verifyAuditChain` looks for). */
export const TRAIL_PURGED_ACTION = 'audit.trail_purged';

/**
 * Re-computes the chain from its start: the first event, or after the retention job's latest
 * purge, its checkpoint (the last removed event's sequence number and hash), which the first event
 * kept must link to and a later event of the chain must record (audit.trail_purged). Reports the
 * first event whose hash does not match its content, whose link to the previous event is wrong, or
 * that is missing (a gap), a head that points past the last event (events removed from the end),
 * and a checkpoint the chain does not record (moved by hand to hide removed events).
 */
export async function verifyAuditChain(db: Db, practiceId: string): Promise<ChainVerdict> {
  return inPractice(db, practiceId, async (tx) => {
    const checkpoint = await tx
      .selectFrom('auditCheckpoints')
      .select(['throughSeq', 'throughHash'])
      .orderBy('throughSeq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const start = checkpoint?.throughSeq ?? 0;
    let prevHash: Buffer | null = checkpoint?.throughHash ?? null;
    let checkpointRecorded = !checkpoint;
    let expectedSeq = start + 1;
    let count = 0;
    const BATCH = 2000;
    for (;;) {
      const rows = await tx
        .selectFrom('auditEvents')
        .selectAll()
        .where('seq', '>=', expectedSeq)
        .orderBy('seq')
        .limit(BATCH)
        .execute();
      for (const row of rows) {
        const fail = (reason: string): ChainVerdict => ({
          ok: false,
          events: count,
          brokenAt: { seq: row.seq, id: row.id, reason },
        });
        if (row.seq !== expectedSeq) {
          return {
            ok: false,
            events: count,
            brokenAt: { seq: expectedSeq, id: null, reason: `event ${expectedSeq} is missing` },
          };
        }
        if (!sameBytes(row.prevHash, prevHash)) return fail('link to the previous event does not match');
        const content: HashedContent = {
          practiceId: row.practiceId,
          seq: row.seq,
          occurredAt: row.occurredAt.toISOString(),
          actorUserId: row.actorUserId,
          action: row.action,
          targetType: row.targetType,
          targetId: row.targetId,
          ip: row.ip,
          requestId: row.requestId,
          changes: row.changes,
        };
        if (!eventHash(prevHash, content).equals(row.hash)) return fail('content does not match its hash');
        if (
          checkpoint &&
          row.action === TRAIL_PURGED_ACTION &&
          row.changes.throughSeq === checkpoint.throughSeq &&
          row.changes.throughHash === checkpoint.throughHash.toString('hex')
        )
          checkpointRecorded = true;
        prevHash = row.hash;
        expectedSeq += 1;
        count += 1;
      }
      if (rows.length < BATCH) break;
    }
    const head = await tx.selectFrom('auditChainHeads').select(['lastSeq', 'lastHash']).executeTakeFirst();
    if (head && (head.lastSeq !== start + count || !sameBytes(head.lastHash, prevHash))) {
      return {
        ok: false,
        events: count,
        brokenAt: {
          seq: start + count + 1,
          id: null,
          reason: `events after ${start + count} are missing (chain head is at ${head.lastSeq})`,
        },
      };
    }
    if (!checkpointRecorded) {
      return {
        ok: false,
        events: count,
        brokenAt: {
          seq: start + 1,
          id: null,
          reason: `the trail starts after event ${start}, but no event of it records that purge`,
        },
      };
    }
    return checkpoint ? { ok: true, events: count, purgedThrough: start } : { ok: true, events: count };
  });
}

/**
 * The retention job's purge of the trail: the oldest events before `before`, a whole stretch from
 * the start (purge_audit_events, which leaves the checkpoint and refuses while a legal hold is in
 * force), then the checkpoint recorded as an event of the chain. With `dryRun`, only counts.
 */
export async function purgeAuditTrail(
  tx: Tx,
  input: { practiceId: string; before: Date; dryRun: boolean; actor: Actor },
): Promise<{ count: number; throughSeq: number | null }> {
  const { rows } = await sql<{ purged: number; throughSeq: string | number | null; throughHash: Buffer | null }>`
    SELECT purged, through_seq, through_hash FROM purge_audit_events(${input.before}, ${input.dryRun})`.execute(tx);
  const row = rows[0];
  const count = row?.purged ?? 0;
  const throughSeq = row?.throughSeq == null ? null : Number(row.throughSeq);
  if (input.dryRun || count === 0 || throughSeq === null || !row?.throughHash) return { count, throughSeq };
  await recordAudit(tx, {
    practiceId: input.practiceId,
    actor: input.actor,
    action: TRAIL_PURGED_ACTION,
    targetType: 'practice',
    targetId: input.practiceId,
    changes: {
      throughSeq,
      throughHash: row.throughHash.toString('hex'),
      count,
      before: input.before.toISOString(),
    },
  });
  return { count, throughSeq };
}

function sameBytes(a: Buffer | null, b: Buffer | null) {
  return a === null || b === null ? a === b : a.equals(b);
}

// Reading the trail. The audit module shows it; the patients' access log and the staff module's
// names read it too: through these, since the table is the platform's.

/** Which events to read, newest first; every condition given must hold. */
export interface AuditQuery {
  /** The action starts with this ('clinical.' for every clinical action). */
  actionPrefix?: string | undefined;
  actions?: readonly string[] | undefined;
  actorUserId?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  /** About any of these: one of the targets, or a value in the changes (a patient's id in an appointment's event). */
  about?: { targets: { type: string; ids: readonly string[] }[]; changes?: { key: string; value: string } } | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Sequence numbers below this (the next page). */
  beforeSeq?: number | undefined;
  /** 'seq': the order of the chain; 'occurred': by time, then sequence. */
  order: 'seq' | 'occurred';
  limit: number;
}

/** Events of the transaction's practice, as stored (row-level security keeps to that practice). */
export async function readAuditEvents(tx: Tx, query: AuditQuery) {
  let q = tx
    .selectFrom('auditEvents')
    .select([
      'id',
      'seq',
      'occurredAt',
      'actorUserId',
      'action',
      'targetType',
      'targetId',
      'ip',
      'requestId',
      'changes',
      'hash',
    ])
    .limit(query.limit);
  q = query.order === 'seq' ? q.orderBy('seq', 'desc') : q.orderBy('occurredAt', 'desc').orderBy('seq', 'desc');
  if (query.actionPrefix) q = q.where('action', 'like', `${query.actionPrefix.replace(/[%_\\]/g, '\\$&')}%`);
  if (query.actions) q = q.where('action', 'in', [...query.actions]);
  if (query.actorUserId) q = q.where('actorUserId', '=', query.actorUserId);
  if (query.targetType) q = q.where('targetType', '=', query.targetType);
  if (query.targetId) q = q.where('targetId', '=', query.targetId);
  const about = query.about;
  if (about) {
    q = q.where((eb) =>
      eb.or([
        ...about.targets
          .filter((t) => t.ids.length > 0)
          .map((t) => eb.and([eb('targetType', '=', t.type), eb('targetId', 'in', [...t.ids])])),
        ...(about.changes
          ? [eb(sql<string>`changes ->> ${sql.lit(about.changes.key)}`, '=', about.changes.value)]
          : []),
      ]),
    );
  }
  if (query.from) q = q.where('occurredAt', '>=', query.from);
  if (query.to) q = q.where('occurredAt', '<', query.to);
  if (query.beforeSeq) q = q.where('seq', '<', query.beforeSeq);
  return q.execute();
}

/** Which of these ids appear as a target of the given type in the practice's trail. */
export async function auditTargetIdsIn(tx: Tx, targetType: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await tx
    .selectFrom('auditEvents')
    .select('targetId')
    .distinct()
    .where('targetType', '=', targetType)
    .where('targetId', 'in', [...new Set(ids)])
    .execute();
  return new Set(rows.map((r) => r.targetId).filter((id): id is string => id !== null));
}
