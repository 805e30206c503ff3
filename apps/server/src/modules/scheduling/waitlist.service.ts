import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { inPractice } from '../../platform/tenancy.js';
import { activePatientIdsIn, patientNamesIn } from '../patients/patients.service.js';
import { practiceToday, requirePatient, requireTypeAndProvider } from './recalls.service.js';
import { minutesToWallTime, wallTimeToMinutes } from './weekly-hours.js';

// The recalls' use cases live in recalls.service.ts; these names stay importable from here.
export { listRecalls, setRecall, updateRecall } from './recalls.service.js';

/**
 * The waitlist (patients who want an earlier or a particular slot) and recalls (when a patient
 * is next due, e.g. a six-monthly check-up). The WhatsApp offers built on them come later;
 * here is the data and the lists the front desk works from.
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
 * deceased since.
 */
export async function listWaitlist(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    appointmentTypeId?: string;
    status?: WaitlistRow['status'] | 'open';
    now?: Date;
  },
) {
  requirePermission(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const status = input.status ?? 'waiting';
    const statuses: WaitlistRow['status'][] = status === 'open' ? ['waiting', 'offered'] : [status];
    let q = tx
      .selectFrom('waitlistEntries')
      .select(waitlistColumns)
      .where('status', 'in', statuses)
      .orderBy('createdAt')
      .orderBy('id');
    if (input.appointmentTypeId) q = q.where('appointmentTypeId', '=', input.appointmentTypeId);
    if (status === 'waiting' || status === 'open') {
      const today = await practiceToday(tx, input.practiceId, input.now ?? new Date());
      q = q.where((eb) => eb.or([eb('latest', 'is', null), eb('latest', '>=', today)]));
    }
    let rows = await q.execute();
    if (status === 'waiting' || status === 'offered' || status === 'open') {
      const active = await activePatientIdsIn(
        tx,
        rows.map((r) => r.patientId),
      );
      rows = rows.filter((r) => active.has(r.patientId));
    }
    const names = await patientNamesIn(
      tx,
      rows.map((r) => r.patientId),
    );
    return rows.map((r) => toEntry(r, names.get(r.patientId) ?? ''));
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
