import type { Appointment, AppointmentSource, AppointmentStatus } from '@dentalpro/contracts';
import { type ExpressionBuilder, sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AppContext } from '../../app.js';
import { type Actor, can, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { findPatientIn, patientNamesIn } from '../patients/patients.service.js';
import { ACTIVE_STATUSES, MOVABLE_STATUSES, canTransition } from './appointment-status.js';
import { rangeLiteral, timingRefusal, wallClock, weeklyHoursRefusal } from './booking-rules.js';

/**
 * Booking, moving, cancelling and holding appointments: the one way every channel (staff,
 * phone, walk-in, the WhatsApp assistant) changes the calendar. The rules are checked here; the
 * database's exclusion constraints settle races, so two bookings can never share a chair, nor a
 * provider unless an owner overbooks on purpose.
 */

export interface SlotRequest {
  appointmentTypeId: string;
  providerId: string;
  chairId: string;
  start: Date;
  end?: Date;
  source: AppointmentSource;
}

interface PlannedSlot {
  start: Date;
  end: Date;
  occupiedEnd: Date;
  typeId: string;
}

const appointmentColumns = [
  'appointments.id',
  'appointments.patientId',
  'appointments.providerId',
  'appointments.chairId',
  'appointments.appointmentTypeId',
  'appointments.status',
  'appointments.holdExpiresAt',
  'appointments.source',
  'appointments.notes',
  'appointments.cancellationReason',
  'appointments.overbookReason',
  'appointments.createdAt',
] as const;

function selectAppointments(tx: Tx) {
  return tx
    .selectFrom('appointments')
    .select(appointmentColumns)
    .select(['appointments.startsAt as start', 'appointments.endsAt as end']);
}

/** The longest an appointment can keep a chair: 12 hours plus a 2-hour buffer. Bounds the index scan. */
const LONGEST_OCCUPATION_MS = 14 * 3600_000;

/**
 * Appointments whose occupied time overlaps [from, to), written as timestamp comparisons on the
 * generated columns so the btree index serves it under row-level security (&& on ranges cannot).
 */
export function occupying(from: Date, to: Date) {
  return (eb: ExpressionBuilder<DB, 'appointments'>) =>
    eb.and([
      eb('appointments.startsAt', '>', new Date(from.getTime() - LONGEST_OCCUPATION_MS)),
      eb('appointments.startsAt', '<', to),
      eb('appointments.occupiedUntil', '>', from),
    ]);
}

type AppointmentRow = Awaited<ReturnType<ReturnType<typeof selectAppointments>['executeTakeFirstOrThrow']>>;

function toAppointment(row: AppointmentRow, patientName: string | null): Appointment {
  return {
    id: row.id,
    patientId: row.patientId,
    patientName,
    providerId: row.providerId,
    chairId: row.chairId,
    appointmentTypeId: row.appointmentTypeId,
    start: new Date(row.start).toISOString(),
    end: new Date(row.end).toISOString(),
    status: row.status,
    holdExpiresAt: row.holdExpiresAt?.toISOString() ?? null,
    source: row.source,
    notes: row.notes,
    cancellationReason: row.cancellationReason,
    overbookReason: row.overbookReason,
    createdAt: row.createdAt.toISOString(),
  };
}

async function withNames(tx: Tx, rows: AppointmentRow[]): Promise<Appointment[]> {
  const names = await patientNamesIn(tx, rows.flatMap((r) => (r.patientId ? [r.patientId] : [])));
  return rows.map((r) => toAppointment(r, r.patientId ? (names.get(r.patientId) ?? null) : null));
}

/**
 * Checks a requested slot against everything but other appointments (the constraints do that):
 * the type, provider (active, allowed to perform it, working then, on that chair), chair,
 * opening hours, holidays, closures, blocks, the past, and for patients booking themselves
 * (source 'whatsapp') a type they may book on WhatsApp, its notice and its horizon.
 */
async function planSlot(tx: Tx, practiceId: string, req: SlotRequest, now: Date): Promise<PlannedSlot> {
  const [practice, type, provider, chair] = await Promise.all([
    tx.selectFrom('practices').select(['timeZone']).where('id', '=', practiceId).executeTakeFirstOrThrow(),
    tx.selectFrom('appointmentTypes').selectAll().where('id', '=', req.appointmentTypeId).executeTakeFirst(),
    tx
      .selectFrom('providers')
      .innerJoin('memberships', (j) => j.onRef('memberships.practiceId', '=', 'providers.practiceId').onRef('memberships.userId', '=', 'providers.userId'))
      .select(['providers.userId', 'providers.active', 'memberships.role'])
      .where('providers.userId', '=', req.providerId)
      .executeTakeFirst(),
    tx.selectFrom('chairs').select(['id', 'active']).where('id', '=', req.chairId).executeTakeFirst(),
  ]);
  if (!type?.active) throw new AppError('appointment_type_not_found');
  const byPatient = req.source === 'whatsapp';
  if (byPatient && !type.whatsappBookable) throw new AppError('not_bookable_on_whatsapp');
  if (!provider) throw new AppError('provider_not_found');
  if (!provider.active) throw new AppError('provider_inactive');
  if (!type.allowedRoles.includes(provider.role)) {
    throw new AppError('provider_not_allowed', { detail: `This appointment type is performed by: ${type.allowedRoles.join(', ')}` });
  }
  if (!chair?.active) throw new AppError('chair_not_found');

  const start = req.start;
  const end = req.end ?? new Date(start.getTime() + type.durationMinutes * 60_000);
  if (end <= start) throw new AppError('invalid_period', { detail: 'The end must be after the start' });
  if (end.getTime() - start.getTime() > 12 * 3600_000) throw new AppError('invalid_period', { detail: 'An appointment lasts at most 12 hours' });
  const timing = timingRefusal({ start, now, byPatient, type });
  if (timing) throw new AppError(timing);

  const tz = practice.timeZone;
  const day = wallClock(start, tz);
  const range = rangeLiteral(start, end);
  const [holiday, closure, opening, hours, block] = await Promise.all([
    tx.selectFrom('publicHolidays').select('nameEn').where('date', '=', day.date).executeTakeFirst(),
    tx.selectFrom('closures').select('reason').where(sql<boolean>`period && ${range}::tstzrange`).executeTakeFirst(),
    tx.selectFrom('openingHours').select(['weekday', 'startMinute', 'endMinute']).where('weekday', '=', day.weekday).execute(),
    tx
      .selectFrom('providerHours')
      .select(['weekday', 'startMinute', 'endMinute', 'chairId'])
      .where('providerId', '=', req.providerId)
      .where('weekday', '=', day.weekday)
      .where((eb) => eb.or([eb('validFrom', 'is', null), eb('validFrom', '<=', day.date)]))
      .where((eb) => eb.or([eb('validTo', 'is', null), eb('validTo', '>=', day.date)]))
      .execute(),
    tx
      .selectFrom('blocks')
      .select(['id', 'kind'])
      .where(sql<boolean>`period && ${rangeLiteral(start, new Date(end.getTime() + type.bufferAfterMinutes * 60_000))}::tstzrange`)
      .where((eb) =>
        eb.or([
          eb('providerId', '=', req.providerId),
          eb('chairId', '=', req.chairId),
          eb.and([eb('providerId', 'is', null), eb('chairId', 'is', null)]),
        ]),
      )
      .executeTakeFirst(),
  ]);
  if (holiday) throw new AppError('practice_closed', { detail: `The practice is closed on ${day.date} (${holiday.nameEn})` });
  if (closure) throw new AppError('practice_closed', { detail: closure.reason ? `The practice is closed then: ${closure.reason}` : 'The practice is closed then' });
  const outside = weeklyHoursRefusal({ start, end, timeZone: tz, chairId: req.chairId, opening, providerHours: hours });
  if (outside) throw new AppError(outside.code, { detail: outside.detail });
  if (block) throw new AppError('slot_taken', { detail: `That time is blocked (${block.kind})`, extra: { conflictingBlockId: block.id } });
  return { start, end, occupiedEnd: new Date(end.getTime() + type.bufferAfterMinutes * 60_000), typeId: type.id };
}

/**
 * Before a booking, move or hold writes its slot: the provider and the chair are locked for the
 * rest of the transaction (always in the same order), so two changes that want either of them
 * take turns. Without this, two bookings of one slot could both insert, each then wait on the
 * other's row while checking the exclusion constraints, and one would die as a deadlock; taking
 * turns, the second meets the first's committed row and is refused slot_taken at once. The
 * constraints still decide; the locks only queue the contenders. Then expired holds give their
 * slot back, removed in the same transaction.
 */
async function claimSlot(tx: Tx, req: { providerId: string; chairId: string }, slot: PlannedSlot) {
  const [first, second] = [`calendar:${req.providerId}`, `calendar:${req.chairId}`].sort();
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${first}, 0)), pg_advisory_xact_lock(hashtextextended(${second}, 0))`.execute(tx);
  await tx
    .deleteFrom('appointments')
    .where('status', '=', 'held')
    .where('holdExpiresAt', '<=', new Date())
    .where((eb) => eb.or([eb('providerId', '=', req.providerId), eb('chairId', '=', req.chairId)]))
    .where(occupying(slot.start, slot.occupiedEnd))
    .execute();
}

/**
 * Runs a calendar change; when an exclusion constraint refuses it (SQLSTATE 23P01), answers
 * 409 slot_taken naming the appointment in the way.
 */
async function settlingConflicts<T>(
  ctx: AppContext,
  practiceId: string,
  req: { providerId: string; chairId: string },
  run: (attempt: { slot?: PlannedSlot }) => Promise<T>,
): Promise<T> {
  // `run` records the slot it tried, so a refusal can name what stood in its way.
  const attempt: { slot?: PlannedSlot } = {};
  try {
    return await run(attempt);
  } catch (err) {
    const e = err as { code?: string; constraint?: string };
    if (e.code !== '23P01' || !e.constraint?.startsWith('appointments_') || !attempt.slot) throw err;
    const byChair = e.constraint === 'appointments_chair_no_overlap';
    const slot = attempt.slot;
    const conflicting = await inPractice(ctx.db, practiceId, (tx) =>
      tx
        .selectFrom('appointments')
        .select('id')
        .where('practiceId', '=', practiceId)
        .where('status', 'in', ACTIVE_STATUSES)
        .where(byChair ? 'chairId' : 'providerId', '=', byChair ? req.chairId : req.providerId)
        .where(occupying(slot.start, slot.occupiedEnd))
        .orderBy('startsAt')
        .executeTakeFirst(),
    );
    throw new AppError('slot_taken', {
      detail: byChair ? 'The chair is taken at that time' : 'The provider is busy at that time',
      extra: { conflictingAppointmentId: conflicting?.id ?? null, conflictOn: byChair ? 'chair' : 'provider' },
    });
  }
}

async function recordStatus(tx: Tx, practiceId: string, appointmentId: string, from: string | null, to: string, actor: Actor, reason?: string | null) {
  await tx.insertInto('appointmentStatusHistory').values({ practiceId, appointmentId, fromStatus: from, toStatus: to, changedBy: actor.userId, reason: reason ?? null }).execute();
}

export interface BookingRequest extends SlotRequest {
  patientId: string;
  notes?: string;
  overbookReason?: string;
}

/** book: check the slot → free expired holds → insert (the constraints decide races) → history → audit. */
export async function bookAppointment(ctx: AppContext, input: { actor: Actor; practiceId: string; booking: BookingRequest; now?: Date }): Promise<Appointment> {
  const { actor, practiceId, booking } = input;
  requirePermission(actor, 'calendar:write');
  if (booking.overbookReason) requirePermission(actor, 'calendar:overbook');
  return settlingConflicts(ctx, practiceId, booking, (attempt) =>
    inPractice(ctx.db, practiceId, async (tx) => {
      if (!(await findPatientIn(tx, booking.patientId))) throw new AppError('patient_not_found');
      const slot = await planSlot(tx, practiceId, booking, input.now ?? new Date());
      attempt.slot = slot;
      await claimSlot(tx, booking, slot);
      const { id } = await tx
        .insertInto('appointments')
        .values({
          practiceId,
          patientId: booking.patientId,
          providerId: booking.providerId,
          chairId: booking.chairId,
          appointmentTypeId: slot.typeId,
          period: rangeLiteral(slot.start, slot.end),
          occupied: rangeLiteral(slot.start, slot.occupiedEnd),
          status: 'booked',
          source: booking.source,
          createdBy: actor.userId,
          notes: booking.notes ?? '',
          overbookReason: booking.overbookReason ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordStatus(tx, practiceId, id, null, 'booked', actor);
      await recordAudit(tx, {
        practiceId,
        actor,
        action: booking.overbookReason ? 'appointment.overbooked' : 'appointment.booked',
        targetType: 'appointment',
        targetId: id,
        changes: { start: slot.start.toISOString(), end: slot.end.toISOString(), providerId: booking.providerId, chairId: booking.chairId, appointmentTypeId: slot.typeId, source: booking.source, patientId: booking.patientId },
      });
      return loadOne(tx, id);
    }),
  );
}

/** move: same checks as booking, on the new time/provider/chair; the appointment does not block itself. */
export async function moveAppointment(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; appointmentId: string; move: { start: Date; end?: Date; providerId?: string; chairId?: string; overbookReason?: string }; now?: Date },
): Promise<Appointment> {
  const { actor, practiceId, move } = input;
  requirePermission(actor, 'calendar:write');
  if (move.overbookReason) requirePermission(actor, 'calendar:overbook');
  const current = await inPractice(ctx.db, practiceId, (tx) => loadRow(tx, input.appointmentId));
  const target = { providerId: move.providerId ?? current.providerId, chairId: move.chairId ?? current.chairId, start: move.start, end: move.end };
  return settlingConflicts(ctx, practiceId, target, (attempt) =>
    inPractice(ctx.db, practiceId, async (tx) => {
      const row = await tx.selectFrom('appointments').select(['status', 'appointmentTypeId', 'overbookReason']).where('id', '=', input.appointmentId).forUpdate().executeTakeFirst();
      if (!row) throw new AppError('appointment_not_found');
      if (!MOVABLE_STATUSES.includes(row.status)) throw new AppError('invalid_status_transition', { detail: `A ${row.status} appointment cannot be moved` });
      // Keep the appointment's length unless a new end is given.
      const end = move.end ?? new Date(move.start.getTime() + (new Date(current.end).getTime() - new Date(current.start).getTime()));
      const slot = await planSlot(tx, practiceId, { ...target, end, appointmentTypeId: row.appointmentTypeId, source: 'staff' }, input.now ?? new Date());
      attempt.slot = slot;
      await claimSlot(tx, target, slot);
      await tx
        .updateTable('appointments')
        .set({
          providerId: target.providerId,
          chairId: target.chairId,
          period: rangeLiteral(slot.start, slot.end),
          occupied: rangeLiteral(slot.start, slot.occupiedEnd),
          overbookReason: move.overbookReason ?? null,
          updatedAt: new Date(),
        })
        .where('id', '=', input.appointmentId)
        .execute();
      // A move over another appointment of the provider is audited as an overbooking, like a booking is.
      await recordAudit(tx, {
        practiceId,
        actor,
        action: move.overbookReason ? 'appointment.overbooked' : 'appointment.moved',
        targetType: 'appointment',
        targetId: input.appointmentId,
        changes: {
          from: { start: new Date(current.start).toISOString(), providerId: current.providerId, chairId: current.chairId },
          to: { start: slot.start.toISOString(), end: slot.end.toISOString(), providerId: target.providerId, chairId: target.chairId },
          ...(move.overbookReason ? { moved: true } : {}),
        },
      });
      return loadOne(tx, input.appointmentId);
    }),
  );
}

export async function cancelAppointment(ctx: AppContext, input: { actor: Actor; practiceId: string; appointmentId: string; reason: string }): Promise<Appointment> {
  requirePermission(input.actor, 'calendar:write');
  return changeStatus(ctx, { ...input, to: 'cancelled' });
}

/**
 * Status changes: receptionists and owners (calendar:write) on any appointment; dentists and
 * hygienists on the appointments where they are the provider.
 */
export async function setAppointmentStatus(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; appointmentId: string; status: Exclude<AppointmentStatus, 'held' | 'cancelled'>; reason?: string },
): Promise<Appointment> {
  requirePermission(input.actor, 'calendar:status');
  return changeStatus(ctx, { ...input, to: input.status });
}

async function changeStatus(ctx: AppContext, input: { actor: Actor; practiceId: string; appointmentId: string; to: AppointmentStatus; reason?: string }) {
  const { actor, practiceId } = input;
  return inPractice(ctx.db, practiceId, async (tx) => {
    const row = await tx.selectFrom('appointments').select(['status', 'providerId']).where('id', '=', input.appointmentId).forUpdate().executeTakeFirst();
    if (!row) throw new AppError('appointment_not_found');
    if (!can(actor, 'calendar:write') && row.providerId !== actor.userId) {
      throw new AppError('forbidden', { detail: 'You can change the status of your own appointments only' });
    }
    if (!canTransition(row.status, input.to)) {
      throw new AppError('invalid_status_transition', { detail: `An appointment that is ${row.status} cannot become ${input.to}` });
    }
    await tx
      .updateTable('appointments')
      .set({
        status: input.to,
        holdExpiresAt: null,
        ...(input.to === 'cancelled' ? { cancellationReason: input.reason ?? 'cancelled' } : {}),
        updatedAt: new Date(),
      })
      .where('id', '=', input.appointmentId)
      .execute();
    await recordStatus(tx, practiceId, input.appointmentId, row.status, input.to, actor, input.reason);
    await recordAudit(tx, {
      practiceId,
      actor,
      action: input.to === 'cancelled' ? 'appointment.cancelled' : 'appointment.status_changed',
      targetType: 'appointment',
      targetId: input.appointmentId,
      changes: { from: row.status, to: input.to },
    });
    return loadOne(tx, input.appointmentId);
  });
}

/**
 * hold: reserve a slot for a booking in progress (the WhatsApp assistant holds while the patient
 * confirms). It is an appointment in status 'held' — so the same constraints guard it — that
 * stops counting at holdExpiresAt.
 */
export async function holdSlot(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; hold: SlotRequest & { patientId?: string }; now?: Date },
): Promise<Appointment> {
  const { actor, practiceId, hold } = input;
  requirePermission(actor, 'calendar:write');
  return settlingConflicts(ctx, practiceId, hold, (attempt) =>
    inPractice(ctx.db, practiceId, async (tx) => {
      if (hold.patientId && !(await findPatientIn(tx, hold.patientId))) throw new AppError('patient_not_found');
      const slot = await planSlot(tx, practiceId, hold, input.now ?? new Date());
      attempt.slot = slot;
      await claimSlot(tx, hold, slot);
      const { holdMinutes } = await tx.selectFrom('practices').select('holdMinutes').where('id', '=', practiceId).executeTakeFirstOrThrow();
      const { id } = await tx
        .insertInto('appointments')
        .values({
          practiceId,
          patientId: hold.patientId ?? null,
          providerId: hold.providerId,
          chairId: hold.chairId,
          appointmentTypeId: slot.typeId,
          period: rangeLiteral(slot.start, slot.end),
          occupied: rangeLiteral(slot.start, slot.occupiedEnd),
          status: 'held',
          holdExpiresAt: sql<Date>`now() + make_interval(mins => ${holdMinutes})`,
          source: hold.source,
          createdBy: actor.userId,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(tx, { practiceId, actor, action: 'appointment.held', targetType: 'appointment', targetId: id, changes: { start: slot.start.toISOString(), providerId: hold.providerId, chairId: hold.chairId, source: hold.source } });
      return loadOne(tx, id);
    }),
  );
}

/**
 * confirm: the hold becomes a booked appointment in one conditional update — or 410 if it has
 * lapsed. A patient's own hold (source 'whatsapp') is checked again against the type's patient
 * rules at confirmation, when the booking is really made: the notice may have run out meanwhile,
 * or the type been taken off WhatsApp.
 */
export async function confirmHold(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; holdId: string; patientId?: string; notes?: string; now?: Date },
): Promise<Appointment> {
  const { actor, practiceId } = input;
  requirePermission(actor, 'calendar:write');
  return inPractice(ctx.db, practiceId, async (tx) => {
    if (input.patientId && !(await findPatientIn(tx, input.patientId))) throw new AppError('patient_not_found');
    const confirmed = await tx
      .updateTable('appointments')
      .set({
        status: 'booked',
        holdExpiresAt: null,
        ...(input.patientId ? { patientId: input.patientId } : {}),
        ...(input.notes ? { notes: input.notes } : {}),
        updatedAt: new Date(),
      })
      .where('id', '=', input.holdId)
      .where('status', '=', 'held')
      .where('holdExpiresAt', '>', sql<Date>`now()`)
      .where((eb) => (input.patientId ? eb.val(true) : eb('patientId', 'is not', null)))
      .returning('id')
      .executeTakeFirst();
    if (!confirmed) {
      const hold = await tx.selectFrom('appointments').select(['status', 'patientId']).where('id', '=', input.holdId).executeTakeFirst();
      if (!hold || hold.status !== 'held') throw new AppError('hold_not_found');
      if (!hold.patientId && !input.patientId) throw new AppError('validation_failed', { errors: [{ path: 'patientId', message: 'Say whom the appointment is for' }] });
      throw new AppError('hold_expired', { detail: 'The hold has lapsed; look for a slot again' });
    }
    // Refusing here rolls the confirmation back with the transaction.
    await checkPatientRulesOfHold(tx, input.holdId, input.now ?? new Date());
    await recordStatus(tx, practiceId, input.holdId, 'held', 'booked', actor);
    await recordAudit(tx, { practiceId, actor, action: 'appointment.booked', targetType: 'appointment', targetId: input.holdId, changes: { fromHold: true } });
    return loadOne(tx, input.holdId);
  });
}

async function checkPatientRulesOfHold(tx: Tx, holdId: string, now: Date) {
  const hold = await tx
    .selectFrom('appointments')
    .innerJoin('appointmentTypes', 'appointmentTypes.id', 'appointments.appointmentTypeId')
    .select(['appointments.source', 'appointments.startsAt', 'appointmentTypes.whatsappBookable', 'appointmentTypes.minNoticeMinutes', 'appointmentTypes.maxDaysAhead'])
    .where('appointments.id', '=', holdId)
    .executeTakeFirstOrThrow();
  if (hold.source !== 'whatsapp') return;
  if (!hold.whatsappBookable) throw new AppError('not_bookable_on_whatsapp');
  const timing = timingRefusal({ start: new Date(hold.startsAt), now, byPatient: true, type: hold });
  if (timing) throw new AppError(timing);
}

/** Give a hold back before it lapses (the patient changed their mind). */
export async function releaseHold(ctx: AppContext, input: { actor: Actor; practiceId: string; holdId: string }) {
  requirePermission(input.actor, 'calendar:write');
  await inPractice(ctx.db, input.practiceId, async (tx) => {
    const released = await tx.deleteFrom('appointments').where('id', '=', input.holdId).where('status', '=', 'held').returning('id').executeTakeFirst();
    if (!released) throw new AppError('hold_not_found');
    await recordAudit(tx, { practiceId: input.practiceId, actor: input.actor, action: 'appointment.hold_released', targetType: 'appointment', targetId: input.holdId });
  });
}

const MAX_LIST_DAYS = 42;

export async function listAppointments(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; from: Date; to: Date; providerId?: string; chairId?: string; includeCancelled?: boolean },
): Promise<Appointment[]> {
  requirePermission(input.actor, 'calendar:read');
  if (input.to <= input.from) throw new AppError('invalid_period', { detail: '`to` must be after `from`' });
  if (input.to.getTime() - input.from.getTime() > MAX_LIST_DAYS * 86_400_000) throw new AppError('invalid_period', { detail: `Ask for at most ${MAX_LIST_DAYS} days at a time` });
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    let q = selectAppointments(tx)
      .where('appointments.practiceId', '=', input.practiceId)
      .where('appointments.startsAt', '>', new Date(input.from.getTime() - LONGEST_OCCUPATION_MS))
      .where('appointments.startsAt', '<', input.to)
      .where('appointments.endsAt', '>', input.from)
      // Lapsed holds are nobody's appointment.
      .where((eb) => eb.or([eb('appointments.status', '!=', 'held'), eb('appointments.holdExpiresAt', '>', sql<Date>`now()`)]))
      .orderBy('appointments.startsAt');
    if (!input.includeCancelled) q = q.where('appointments.status', 'not in', ['cancelled', 'no_show']);
    if (input.providerId) q = q.where('appointments.providerId', '=', input.providerId);
    if (input.chairId) q = q.where('appointments.chairId', '=', input.chairId);
    return withNames(tx, await q.execute());
  });
}

export async function getAppointment(ctx: AppContext, input: { actor: Actor; practiceId: string; appointmentId: string }) {
  requirePermission(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const appointment = await loadOne(tx, input.appointmentId);
    const history = await tx
      .selectFrom('appointmentStatusHistory')
      .leftJoin('users', 'users.id', 'appointmentStatusHistory.changedBy')
      .select(['fromStatus', 'toStatus', 'users.name as changedBy', 'changedAt', 'reason'])
      .where('appointmentId', '=', input.appointmentId)
      .orderBy('changedAt')
      .orderBy('appointmentStatusHistory.id')
      .execute();
    return { appointment, history: history.map((h) => ({ ...h, changedAt: h.changedAt.toISOString() })) };
  });
}

/** A patient's appointments, newest first (the appointment history on the patient's page). */
export async function patientAppointments(ctx: AppContext, input: { actor: Actor; practiceId: string; patientId: string }) {
  requirePermission(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    if (!(await findPatientIn(tx, input.patientId))) throw new AppError('patient_not_found');
    const rows = await selectAppointments(tx).where('appointments.patientId', '=', input.patientId).where('appointments.status', '!=', 'held').orderBy('appointments.startsAt', 'desc').limit(500).execute();
    return withNames(tx, rows);
  });
}

async function loadRow(tx: Tx, id: string) {
  const row = await selectAppointments(tx).where('appointments.id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('appointment_not_found');
  return row;
}

async function loadOne(tx: Tx, id: string): Promise<Appointment> {
  const [appointment] = await withNames(tx, [await loadRow(tx, id)]);
  return appointment!;
}

/** Whether an appointment of this practice is the given patient's (for linking a clinical note to a visit). */
export async function appointmentBelongsToPatient(tx: Tx, appointmentId: string, patientId: string): Promise<boolean> {
  const row = await tx.selectFrom('appointments').select('id').where('id', '=', appointmentId).where('patientId', '=', patientId).executeTakeFirst();
  return row !== undefined;
}
