import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice, practiceTimeZone } from '../../platform/tenancy.js';
import { activePatientIdsIn, patientDirectory, patientNamesIn } from '../patients/patients.service.js';
import { wallClock } from './booking-rules.js';
import { practiceToday, requirePatient, requireTypeAndProvider } from './recalls.service.js';
import { minutesToWallTime, wallTimeToMinutes } from './weekly-hours.js';

// The recalls' use cases live in recalls.service.ts; these names stay importable from here.
export { listRecalls, setRecall, updateRecall } from './recalls.service.js';

/**
 * The waitlist (patients who want an earlier or a particular slot) and recalls (when a patient
 * is next due, e.g. a six-monthly check-up): the data and the lists the front desk works from,
 * and what the WhatsApp offers (the reminders module's) ask of the waitlist.
 */

export interface WaitlistRequest {
  patientId: string;
  appointmentTypeId: string;
  providerId: string | null;
  preferredWeekdays: number[];
  preferredStart: string | null;
  preferredEnd: string | null;
  earliest: string | null;
  latest: string | null;
  notes: string;
}

type WaitlistRow = {
  id: string;
  patientId: string;
  appointmentTypeId: string;
  providerId: string | null;
  preferredWeekdays: number[];
  preferredStartMinute: number | null;
  preferredEndMinute: number | null;
  earliest: string | null;
  latest: string | null;
  notes: string;
  status: 'waiting' | 'offered' | 'booked' | 'removed';
  createdAt: Date;
};

const waitlistColumns = [
  'id',
  'patientId',
  'appointmentTypeId',
  'providerId',
  'preferredWeekdays',
  'preferredStartMinute',
  'preferredEndMinute',
  'earliest',
  'latest',
  'notes',
  'status',
  'createdAt',
] as const;

function toEntry(r: WaitlistRow, patientName: string) {
  return {
    id: r.id,
    patientId: r.patientId,
    patientName,
    appointmentTypeId: r.appointmentTypeId,
    providerId: r.providerId,
    preferredWeekdays: r.preferredWeekdays,
    preferredStart: r.preferredStartMinute === null ? null : minutesToWallTime(r.preferredStartMinute),
    preferredEnd: r.preferredEndMinute === null ? null : minutesToWallTime(r.preferredEndMinute),
    earliest: r.earliest,
    latest: r.latest,
    notes: r.notes,
    status: r.status,
    createdAt: r.createdAt.toISOString(),
  };
}

export async function addToWaitlist(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; entry: WaitlistRequest },
) {
  requirePermission(input.actor, 'calendar:write');
  const e = input.entry;
  const start = e.preferredStart === null ? null : wallTimeToMinutes(e.preferredStart);
  const end = e.preferredEnd === null ? null : wallTimeToMinutes(e.preferredEnd);
  if (start !== null && end !== null && end <= start)
    throw new AppError('invalid_period', { detail: 'The preferred end time must be after the start time' });
  if (e.earliest && e.latest && e.latest < e.earliest)
    throw new AppError('invalid_period', { detail: '"Latest" must not be before "earliest"' });
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    await requirePatient(tx, e.patientId);
    await requireTypeAndProvider(tx, e.appointmentTypeId, e.providerId);
    const row = await tx
      .insertInto('waitlistEntries')
      .values({
        practiceId: input.practiceId,
        patientId: e.patientId,
        appointmentTypeId: e.appointmentTypeId,
        providerId: e.providerId,
        preferredWeekdays: [...new Set(e.preferredWeekdays)].sort(),
        preferredStartMinute: start,
        preferredEndMinute: end,
        earliest: e.earliest,
        latest: e.latest,
        notes: e.notes,
        createdBy: input.actor.userId,
      })
      .returning(waitlistColumns)
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'waitlist.added',
      targetType: 'waitlist_entry',
      targetId: row.id,
      changes: { patientId: e.patientId, appointmentTypeId: e.appointmentTypeId },
    });
    const names = await patientNamesIn(tx, [row.patientId]);
    return toEntry(row, names.get(row.patientId) ?? '');
  });
}

/**
 * Waiting entries still in date (the practice's date), oldest first: who has waited longest is
 * offered first. `open` lists those waiting and those offered a slot (in date too), the entries
 * the front desk still works on. Entries waiting or offered leave out patients archived or
 * deceased since. A page of at most `limit` entries (1000 unless told) from `offset` on, with the
 * count of the whole list.
 */
export async function listWaitlist(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    appointmentTypeId?: string;
    status?: WaitlistRow['status'] | 'open';
    limit?: number;
    offset?: number;
    now?: Date;
  },
) {
  requirePermission(input.actor, 'calendar:read');
  const limit = input.limit ?? 1000;
  const offset = input.offset ?? 0;
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const status = input.status ?? 'waiting';
    const statuses: WaitlistRow['status'][] = status === 'open' ? ['waiting', 'offered'] : [status];
    let q = tx
      .selectFrom('waitlistEntries')
      .innerJoin(patientDirectory(tx).as('patients'), 'patients.id', 'waitlistEntries.patientId')
      .select(waitlistColumns.map((column) => `waitlistEntries.${column}` as const))
      .select(['patients.name as patientName', sql<string>`count(*) over ()`.as('total')])
      .where('waitlistEntries.status', 'in', statuses)
      .orderBy('waitlistEntries.createdAt')
      .orderBy('waitlistEntries.id');
    if (input.appointmentTypeId) q = q.where('waitlistEntries.appointmentTypeId', '=', input.appointmentTypeId);
    if (status === 'waiting' || status === 'open') {
      const today = await practiceToday(tx, input.practiceId, input.now ?? new Date());
      q = q.where((eb) => eb.or([eb('waitlistEntries.latest', 'is', null), eb('waitlistEntries.latest', '>=', today)]));
    }
    if (status === 'waiting' || status === 'offered' || status === 'open')
      q = q.where('patients.status', '=', 'active');
    const rows = await q.limit(limit).offset(offset).execute();
    // A page past the end has no row to carry the count: ask the first row for it.
    const total = Number(rows[0]?.total ?? (offset > 0 ? ((await q.limit(1).executeTakeFirst())?.total ?? 0) : 0));
    return {
      items: rows.map((r) => toEntry(r, r.patientName)),
      total,
      nextOffset: offset + rows.length < total ? offset + rows.length : null,
    };
  });
}

export async function setWaitlistStatus(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; entryId: string; status: WaitlistRow['status'] },
) {
  requirePermission(input.actor, 'calendar:write');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await tx
      .updateTable('waitlistEntries')
      .set({ status: input.status })
      .where('id', '=', input.entryId)
      .returning(waitlistColumns)
      .executeTakeFirst();
    if (!row) throw new AppError('not_found', { detail: 'No such waitlist entry' });
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'waitlist.status_changed',
      targetType: 'waitlist_entry',
      targetId: row.id,
      changes: { status: input.status },
    });
    const names = await patientNamesIn(tx, [row.patientId]);
    return toEntry(row, names.get(row.patientId) ?? '');
  });
}

/** A freed time as the waitlist is matched against it. */
export interface FreedSlot {
  appointmentTypeId: string;
  providerId: string;
  start: Date;
  end: Date;
}

/**
 * The waiting entries a freed time suits, oldest first (who has waited longest is offered first),
 * in the caller's transaction: the same visit type; the provider, when the entry names one; the
 * time's local weekday among the preferred ones (none: any day); the visit within the preferred
 * hours (none: any time); its local date within earliest and latest; and the patient still
 * active. Entries offered another time already are not waiting, so a patient has one offer at a time.
 */
export async function waitlistMatchesIn(
  tx: Tx,
  input: {
    practiceId: string;
    slot: FreedSlot;
    leaveOut?: { entryIds?: readonly string[]; patientIds?: readonly string[] };
  },
): Promise<{ id: string; patientId: string; createdAt: Date }[]> {
  const { slot } = input;
  const timeZone = await practiceTimeZone(tx, input.practiceId);
  const from = wallClock(slot.start, timeZone);
  const to = wallClock(slot.end, timeZone);
  // A visit that ends at local midnight ends at minute 1440 of its day.
  const endMinute =
    to.date === from.date ? to.minute : from.minute + (slot.end.getTime() - slot.start.getTime()) / 60_000;
  let query = tx
    .selectFrom('waitlistEntries')
    .select(['id', 'patientId', 'createdAt'])
    .where('status', '=', 'waiting')
    .where('appointmentTypeId', '=', slot.appointmentTypeId)
    .where((eb) => eb.or([eb('providerId', 'is', null), eb('providerId', '=', slot.providerId)]))
    .where((eb) =>
      eb.or([
        eb('preferredWeekdays', '=', sql<number[]>`'{}'::smallint[]`),
        eb(sql`${from.weekday}::smallint`, '=', eb.fn.any('preferredWeekdays')),
      ]),
    )
    .where((eb) => eb.or([eb('preferredStartMinute', 'is', null), eb('preferredStartMinute', '<=', from.minute)]))
    .where((eb) => eb.or([eb('preferredEndMinute', 'is', null), eb('preferredEndMinute', '>=', endMinute)]))
    .where((eb) => eb.or([eb('earliest', 'is', null), eb('earliest', '<=', from.date)]))
    .where((eb) => eb.or([eb('latest', 'is', null), eb('latest', '>=', from.date)]))
    .orderBy('createdAt')
    .orderBy('id');
  if (input.leaveOut?.entryIds?.length) query = query.where('id', 'not in', [...input.leaveOut.entryIds]);
  if (input.leaveOut?.patientIds?.length) query = query.where('patientId', 'not in', [...input.leaveOut.patientIds]);
  const rows = await query.execute();
  const active = await activePatientIdsIn(
    tx,
    rows.map((r) => r.patientId),
  );
  return rows.filter((r) => active.has(r.patientId));
}

/**
 * Moves waitlist entries along as their offers go (waiting → offered → waiting again, or booked),
 * each only from the statuses named: an entry the desk removed meanwhile stays removed. Returns
 * the entries moved. A booking is audited (the offer's words and times are the offers' own record).
 */
export async function moveWaitlistEntriesIn(
  tx: Tx,
  input: {
    practiceId: string;
    actor: Actor;
    entryIds: readonly string[];
    from: readonly WaitlistRow['status'][];
    to: WaitlistRow['status'];
  },
): Promise<string[]> {
  if (input.entryIds.length === 0) return [];
  const moved = await tx
    .updateTable('waitlistEntries')
    .set({ status: input.to })
    .where('id', 'in', [...new Set(input.entryIds)])
    .where('status', 'in', [...input.from])
    .returning('id')
    .execute();
  if (input.to === 'booked')
    for (const { id } of moved)
      await recordAudit(tx, {
        practiceId: input.practiceId,
        actor: input.actor,
        action: 'waitlist.status_changed',
        targetType: 'waitlist_entry',
        targetId: id,
        changes: { status: 'booked' },
      });
  return moved.map((r) => r.id);
}
