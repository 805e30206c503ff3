import {
  type Breach,
  BREACH_NOTIFICATION_HOURS,
  type BreachDataCategory,
  type BreachList,
  type BreachStatus,
  type FieldError,
} from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { inPractice } from '../../platform/tenancy.js';
import { staffNamesIn } from '../staff/staff.service.js';
import { type BreachRow, findBreach, insertBreach, listBreaches, updateBreach } from './breaches.repository.js';

const DUE_MS = BREACH_NOTIFICATION_HOURS * 3600_000;
/** Clocks differ a little: a time up to this far ahead of the server's is still "now". */
const CLOCK_SLACK_MS = 5 * 60_000;

type Parsed = {
  discoveredAt: string;
  occurredAt: string | null;
  description: string;
  dataCategories: BreachDataCategory[];
  peopleAffected: number;
  likelyConsequences: string;
  measuresTaken: string;
  commissionerNotifiedAt: string | null;
  delayReason: string | null;
  peopleNotifiedAt: string | null;
  peopleNotNotifiedReason: string | null;
};

/** The practice's breach register, newest discovery first, with each one's 72-hour deadline and status. */
export async function listBreachRegister(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; now?: Date },
): Promise<BreachList> {
  requirePermission(input.actor, 'privacy:manage');
  const now = input.now ?? new Date();
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const rows = await listBreaches(tx);
    const names = await staffNamesIn(
      tx,
      rows.flatMap((r) => (r.recordedBy ? [r.recordedBy] : [])),
    );
    return { breaches: rows.map((r) => toBreach(r, names, now)), now: now.toISOString() };
  });
}

export async function getBreach(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; breachId: string; now?: Date },
) {
  requirePermission(input.actor, 'privacy:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await findBreach(tx, input.breachId);
    if (!row) throw new AppError('breach_not_found');
    return toBreach(row, await staffNamesIn(tx, row.recordedBy ? [row.recordedBy] : []), input.now ?? new Date());
  });
}

/** An owner records a breach: checked (dates in order, reasons where owed), written and audited. */
export async function recordBreach(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; breach: Parsed; now?: Date },
): Promise<Breach> {
  requirePermission(input.actor, 'privacy:manage');
  const now = input.now ?? new Date();
  const row = checkedBreach(input.breach, now);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const saved = await insertBreach(tx, input.practiceId, row, input.actor.userId);
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'privacy.breach_recorded',
      changes: { breachId: saved.id, ...auditFacts(row) },
    });
    return toBreach(saved, await staffNamesIn(tx, saved.recordedBy ? [saved.recordedBy] : []), now);
  });
}

/** An owner completes or corrects a breach (typically: when the Commissioner and the people were told). */
export async function updateBreachRecord(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; breachId: string; breach: Parsed; now?: Date },
): Promise<Breach> {
  requirePermission(input.actor, 'privacy:manage');
  const now = input.now ?? new Date();
  const row = checkedBreach(input.breach, now);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await findBreach(tx, input.breachId, { forUpdate: true });
    if (!before) throw new AppError('breach_not_found');
    const saved = await updateBreach(tx, input.breachId, row);
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'privacy.breach_updated',
      changes: { breachId: saved.id, changed: changedFields(before, row), ...auditFacts(row) },
    });
    return toBreach(saved, await staffNamesIn(tx, saved.recordedBy ? [saved.recordedBy] : []), now);
  });
}

/** The rules a breach's facts must keep; every field at fault is named (422 breach_invalid). */
export function checkedBreach(b: Parsed, now: Date): BreachRow {
  const errors: FieldError[] = [];
  const at = (v: string | null) => (v === null ? null : new Date(v));
  const discoveredAt = new Date(b.discoveredAt);
  const occurredAt = at(b.occurredAt);
  const commissionerNotifiedAt = at(b.commissionerNotifiedAt);
  const peopleNotifiedAt = at(b.peopleNotifiedAt);
  const future = (path: string, d: Date | null) => {
    if (d && d.getTime() > now.getTime() + CLOCK_SLACK_MS)
      errors.push({ path, code: 'date_in_future', message: 'This time is in the future' });
  };
  future('discoveredAt', discoveredAt);
  future('occurredAt', occurredAt);
  future('commissionerNotifiedAt', commissionerNotifiedAt);
  future('peopleNotifiedAt', peopleNotifiedAt);
  if (occurredAt && occurredAt > discoveredAt)
    errors.push({
      path: 'occurredAt',
      code: 'after_discovery',
      message: 'A breach cannot happen after it was discovered',
    });
  for (const [path, d] of [
    ['commissionerNotifiedAt', commissionerNotifiedAt],
    ['peopleNotifiedAt', peopleNotifiedAt],
  ] as const)
    if (d && d < discoveredAt)
      errors.push({
        path,
        code: 'before_discovery',
        message: 'Nobody can be notified of a breach before it was discovered',
      });
  const late = commissionerNotifiedAt && commissionerNotifiedAt.getTime() > discoveredAt.getTime() + DUE_MS;
  if (late && !b.delayReason)
    errors.push({
      path: 'delayReason',
      code: 'required',
      message: `The Commissioner was notified more than ${BREACH_NOTIFICATION_HOURS} hours after discovery: give the reasons for the delay`,
    });
  if (!late && b.delayReason && commissionerNotifiedAt)
    errors.push({
      path: 'delayReason',
      code: 'not_applicable',
      message: 'The Commissioner was notified in time: there is no delay to explain',
    });
  if (peopleNotifiedAt && b.peopleNotNotifiedReason)
    errors.push({
      path: 'peopleNotNotifiedReason',
      code: 'not_applicable',
      message: 'The people affected were notified: there is no reason not to notify them to give',
    });
  if (errors.length > 0)
    throw new AppError('breach_invalid', { detail: errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors });
  return {
    discoveredAt,
    occurredAt,
    description: b.description,
    dataCategories: [...new Set(b.dataCategories)],
    peopleAffected: b.peopleAffected,
    likelyConsequences: b.likelyConsequences,
    measuresTaken: b.measuresTaken,
    commissionerNotifiedAt,
    delayReason: b.delayReason || null,
    peopleNotifiedAt,
    peopleNotNotifiedReason: b.peopleNotNotifiedReason || null,
  };
}

/** Where the 72 hours stand: due or overdue until the Commissioner is told, then in time or late. */
export function breachStatus(discoveredAt: Date, commissionerNotifiedAt: Date | null, now: Date): BreachStatus {
  const due = discoveredAt.getTime() + DUE_MS;
  if (commissionerNotifiedAt) return commissionerNotifiedAt.getTime() <= due ? 'notified' : 'notified_late';
  return now.getTime() > due ? 'overdue' : 'due';
}

type StoredRow = Awaited<ReturnType<typeof listBreaches>>[number];

function toBreach(r: StoredRow, names: Map<string, { name: string }>, now: Date): Breach {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: r.id,
    discoveredAt: r.discoveredAt.toISOString(),
    occurredAt: iso(r.occurredAt),
    description: r.description,
    dataCategories: r.dataCategories as BreachDataCategory[],
    peopleAffected: r.peopleAffected,
    likelyConsequences: r.likelyConsequences,
    measuresTaken: r.measuresTaken,
    commissionerNotifiedAt: iso(r.commissionerNotifiedAt),
    delayReason: r.delayReason,
    peopleNotifiedAt: iso(r.peopleNotifiedAt),
    peopleNotNotifiedReason: r.peopleNotNotifiedReason,
    commissionerDueAt: new Date(r.discoveredAt.getTime() + DUE_MS).toISOString(),
    status: breachStatus(r.discoveredAt, r.commissionerNotifiedAt, now),
    recordedBy: r.recordedBy ? { id: r.recordedBy, name: names.get(r.recordedBy)?.name ?? '' } : null,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** Facts for the audit trail: times, counts and codes, never the owner's descriptions. */
function auditFacts(row: BreachRow) {
  return {
    discoveredAt: row.discoveredAt.toISOString(),
    dataCategories: row.dataCategories,
    peopleAffected: row.peopleAffected,
    commissionerNotifiedAt: row.commissionerNotifiedAt?.toISOString() ?? null,
    peopleNotifiedAt: row.peopleNotifiedAt?.toISOString() ?? null,
  };
}

function changedFields(before: StoredRow, after: BreachRow): string[] {
  const norm = (v: unknown) => (v instanceof Date ? v.toISOString() : Array.isArray(v) ? [...v].sort().join(',') : v);
  return (Object.keys(after) as (keyof BreachRow)[]).filter((k) => norm(before[k]) !== norm(after[k]));
}
