import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice, practiceTimeZone } from '../../platform/tenancy.js';
import { activePatientIdsIn, findPatientIn, patientDirectory, patientNamesIn } from '../patients/patients.service.js';
import { wallClock } from './booking-rules.js';
import { changedFields } from './settings.service.js';
import { minutesToWallTime, wallTimeToMinutes } from './weekly-hours.js';

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

async function requirePatient(tx: Tx, patientId: string) {
  if (!(await findPatientIn(tx, patientId))) throw new AppError('patient_not_found');
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
    const type = await tx
      .selectFrom('appointmentTypes')
      .select('id')
      .where('id', '=', e.appointmentTypeId)
      .executeTakeFirst();
    if (!type) throw new AppError('appointment_type_not_found');
    if (
      e.providerId &&
      !(await tx.selectFrom('providers').select('userId').where('userId', '=', e.providerId).executeTakeFirst())
    )
      throw new AppError('provider_not_found');
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
 * Today's date where the practice is. The database's current_date follows the session's time
 * zone (UTC on our servers), where it is still yesterday until 04:00 in Mauritius.
 */
async function practiceToday(tx: Tx, practiceId: string, now: Date): Promise<string> {
  return wallClock(now, await practiceTimeZone(tx, practiceId)).date;
}

/**
 * Waiting entries still in date (the practice's date), oldest first: who has waited longest is
 * offered first. Entries waiting or offered leave out patients archived or deceased since.
 */
export async function listWaitlist(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; appointmentTypeId?: string; status?: WaitlistRow['status']; now?: Date },
) {
  requirePermission(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const status = input.status ?? 'waiting';
    let q = tx.selectFrom('waitlistEntries').select(waitlistColumns).where('status', '=', status).orderBy('createdAt');
    if (input.appointmentTypeId) q = q.where('appointmentTypeId', '=', input.appointmentTypeId);
    if (status === 'waiting') {
      const today = await practiceToday(tx, input.practiceId, input.now ?? new Date());
      q = q.where((eb) => eb.or([eb('latest', 'is', null), eb('latest', '>=', today)]));
    }
    let rows = await q.execute();
    if (status === 'waiting' || status === 'offered') {
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

type RecallRow = {
  id: string;
  patientId: string;
  kind: string;
  dueDate: string;
  intervalMonths: number | null;
  status: 'due' | 'booked' | 'done' | 'cancelled';
  notes: string;
};
const recallColumns = [
  'recalls.id',
  'recalls.patientId',
  'recalls.kind',
  'recalls.dueDate',
  'recalls.intervalMonths',
  'recalls.status',
  'recalls.notes',
] as const;

/** Sets when a patient is next due; replaces their open recall of the same kind. */
export async function setRecall(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    recall: {
      patientId: string;
      kind: 'checkup' | 'hygiene' | 'review' | 'other';
      dueDate: string;
      intervalMonths: number | null;
      notes: string;
    };
  },
) {
  requirePermission(input.actor, 'calendar:write');
  const r = input.recall;
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    await requirePatient(tx, r.patientId);
    await tx
      .updateTable('recalls')
      .set({ status: 'cancelled' })
      .where('patientId', '=', r.patientId)
      .where('kind', '=', r.kind)
      .where('status', '=', 'due')
      .execute();
    const row = await tx
      .insertInto('recalls')
      .values({
        practiceId: input.practiceId,
        patientId: r.patientId,
        kind: r.kind,
        dueDate: r.dueDate,
        intervalMonths: r.intervalMonths,
        notes: r.notes,
      })
      .returning(['id'])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'recall.set',
      targetType: 'recall',
      targetId: row.id,
      changes: { patientId: r.patientId, kind: r.kind, dueDate: r.dueDate },
    });
    return loadRecall(tx, row.id);
  });
}

/**
 * Patients due for recall by a date (default: today where the practice is), soonest first, with
 * what is needed to contact them: only patients still active (not archived, not deceased).
 */
export async function listRecalls(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; dueBefore?: string; status: RecallRow['status']; now?: Date },
) {
  requirePermission(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    let q = tx
      .selectFrom('recalls')
      .innerJoin(patientDirectory(tx).as('patients'), 'patients.id', 'recalls.patientId')
      .select(recallColumns)
      .select(['patients.name as patientName', 'patients.phone as patientPhone'])
      .where('recalls.status', '=', input.status)
      .orderBy('recalls.dueDate')
      .limit(1000);
    if (input.status === 'due') {
      q = q
        .where(
          'recalls.dueDate',
          '<=',
          input.dueBefore ?? (await practiceToday(tx, input.practiceId, input.now ?? new Date())),
        )
        .where('patients.status', '=', 'active');
    }
    return q.execute();
  });
}

/**
 * The recall is found first (another practice's id is not found); a patch that changes nothing
 * answers it as it is, with nothing written or audited, as every edit of the calendar does.
 * Made due again, it replaces the patient's open recall of its kind, as setting one does.
 */
export async function updateRecall(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    recallId: string;
    patch: { status?: RecallRow['status']; dueDate?: string };
  },
) {
  requirePermission(input.actor, 'calendar:write');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await tx
      .selectFrom('recalls')
      .select(['id', 'patientId', 'kind', 'status', 'dueDate'])
      .where('id', '=', input.recallId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new AppError('not_found', { detail: 'No such recall' });
    const fields = changedFields({ status: before.status, dueDate: before.dueDate }, input.patch);
    if (fields.length === 0) return loadRecall(tx, before.id);
    const changes = Object.fromEntries(fields.map((f) => [f, input.patch[f as keyof typeof input.patch]]));
    if (changes.status === 'due') {
      await tx
        .updateTable('recalls')
        .set({ status: 'cancelled' })
        .where('patientId', '=', before.patientId)
        .where('kind', '=', before.kind)
        .where('status', '=', 'due')
        .where('id', '!=', before.id)
        .execute();
    }
    await tx.updateTable('recalls').set(changes).where('id', '=', before.id).execute();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'recall.updated',
      targetType: 'recall',
      targetId: before.id,
      changes,
    });
    return loadRecall(tx, before.id);
  });
}

async function loadRecall(tx: Tx, id: string) {
  return tx
    .selectFrom('recalls')
    .innerJoin(patientDirectory(tx).as('patients'), 'patients.id', 'recalls.patientId')
    .select(recallColumns)
    .select(['patients.name as patientName', 'patients.phone as patientPhone'])
    .where('recalls.id', '=', id)
    .executeTakeFirstOrThrow();
}
