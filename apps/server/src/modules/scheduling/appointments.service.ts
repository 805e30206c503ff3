import type { Appointment, AppointmentSource, AppointmentStatus } from '@dentalpro/contracts';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Actor, can, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { publishEvent } from '../../platform/jobs.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { userNamesIn } from '../auth/auth.service.js';
import { findPatientIn } from '../patients/patients.service.js';
import { MOVABLE_STATUSES, canTransition } from './appointment-status.js';
import {
  LONGEST_OCCUPATION_MS,
  type SlotRequest,
  claimSlot,
  loadOne,
  loadRow,
  planSlot,
  requirePatientFor,
  selectAppointments,
  settlingConflicts,
  withNames,
} from './appointment-steps.js';
import { rangeLiteral } from './booking-rules.js';
import { appointmentBooked, appointmentMoved } from './scheduling.events.js';
import { recordStatus, writeStatusChange } from './status-change.js';

/**
 * Booking, moving, cancelling and holding appointments: the one way every channel (staff,
 * phone, walk-in, the WhatsApp assistant) changes the calendar. The rules are checked here; the
 * database's exclusion constraints settle races, so two bookings can never share a chair, nor a
 * provider unless an owner overbooks on purpose. Holds are in holds.service.ts; the steps these
 * share in appointment-steps.ts.
 */

export { occupying, type SlotRequest } from './appointment-steps.js';
export { confirmHold, holdSlot, releaseHold } from './holds.service.js';

export interface BookingRequest extends SlotRequest {
  patientId: string;
  notes?: string;
  overbookReason?: string;
}

/** book: check the slot → free expired holds → insert (the constraints decide races) → history → audit. */
export async function bookAppointment(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; booking: BookingRequest; now?: Date },
): Promise<Appointment> {
  const { actor, practiceId, booking } = input;
  // Booking alone (calendar:book): dentists and hygienists book a follow-up from their day, but move and cancel nothing.
  requirePermission(actor, 'calendar:book');
  if (booking.overbookReason) requirePermission(actor, 'calendar:overbook');
  return settlingConflicts(ctx, practiceId, booking, (attempt) =>
    inPractice(ctx.db, practiceId, async (tx) => {
      await requirePatientFor(tx, booking.patientId, 'booking');
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
        changes: {
          start: slot.start.toISOString(),
          end: slot.end.toISOString(),
          providerId: booking.providerId,
          chairId: booking.chairId,
          appointmentTypeId: slot.typeId,
          source: booking.source,
          patientId: booking.patientId,
        },
      });
      await publishEvent(tx, appointmentBooked, {
        practiceId,
        appointmentId: id,
        patientId: booking.patientId,
        source: booking.source,
        after: {
          start: slot.start.toISOString(),
          end: slot.end.toISOString(),
          providerId: booking.providerId,
          chairId: booking.chairId,
        },
      });
      return loadOne(tx, id);
    }),
  );
}

/** move: same checks as booking, on the new time/provider/chair; the appointment does not block itself. */
export async function moveAppointment(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    appointmentId: string;
    move: { start: Date; end?: Date; providerId?: string; chairId?: string; overbookReason?: string };
    /** Who asked for the move (announced with it): the desk unless said otherwise. */
    source?: AppointmentSource;
    now?: Date;
  },
): Promise<Appointment> {
  const { actor, practiceId, move } = input;
  requirePermission(actor, 'calendar:write');
  if (move.overbookReason) requirePermission(actor, 'calendar:overbook');
  const current = await inPractice(ctx.db, practiceId, (tx) => loadRow(tx, input.appointmentId));
  const target = {
    providerId: move.providerId ?? current.providerId,
    chairId: move.chairId ?? current.chairId,
    start: move.start,
    end: move.end,
  };
  return settlingConflicts(ctx, practiceId, target, (attempt) =>
    inPractice(ctx.db, practiceId, async (tx) => {
      if (current.patientId) await requirePatientFor(tx, current.patientId, 'move');
      const row = await tx
        .selectFrom('appointments')
        .select(['status', 'appointmentTypeId', 'overbookReason'])
        .where('id', '=', input.appointmentId)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw new AppError('appointment_not_found');
      if (!MOVABLE_STATUSES.includes(row.status))
        throw new AppError('invalid_status_transition', { detail: `A ${row.status} appointment cannot be moved` });
      // Keep the appointment's length unless a new end is given.
      const end =
        move.end ??
        new Date(move.start.getTime() + (new Date(current.end).getTime() - new Date(current.start).getTime()));
      const slot = await planSlot(
        tx,
        practiceId,
        { ...target, end, appointmentTypeId: row.appointmentTypeId, source: 'staff' },
        input.now ?? new Date(),
      );
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
          from: {
            start: new Date(current.start).toISOString(),
            providerId: current.providerId,
            chairId: current.chairId,
          },
          to: {
            start: slot.start.toISOString(),
            end: slot.end.toISOString(),
            providerId: target.providerId,
            chairId: target.chairId,
          },
          ...(move.overbookReason ? { moved: true } : {}),
        },
      });
      await publishEvent(tx, appointmentMoved, {
        practiceId,
        appointmentId: input.appointmentId,
        patientId: current.patientId,
        before: {
          start: new Date(current.start).toISOString(),
          end: new Date(current.end).toISOString(),
          providerId: current.providerId,
          chairId: current.chairId,
        },
        after: {
          start: slot.start.toISOString(),
          end: slot.end.toISOString(),
          providerId: target.providerId,
          chairId: target.chairId,
        },
        source: input.source ?? 'staff',
      });
      return loadOne(tx, input.appointmentId);
    }),
  );
}

export async function cancelAppointment(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    appointmentId: string;
    reason: string;
    /** Who asked for the cancellation (announced with it): the desk unless said otherwise. */
    source?: AppointmentSource;
  },
): Promise<Appointment> {
  requirePermission(input.actor, 'calendar:write');
  return changeStatus(ctx, { ...input, to: 'cancelled' });
}

/**
 * Status changes: receptionists and owners (calendar:write) on any appointment; dentists and
 * hygienists on the appointments where they are the provider.
 */
export async function setAppointmentStatus(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    appointmentId: string;
    status: Exclude<AppointmentStatus, 'held' | 'cancelled'>;
    reason?: string;
  },
): Promise<Appointment> {
  requirePermission(input.actor, 'calendar:status');
  return changeStatus(ctx, { ...input, to: input.status });
}

async function changeStatus(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    appointmentId: string;
    to: AppointmentStatus;
    reason?: string;
    source?: AppointmentSource;
  },
) {
  const { actor, practiceId } = input;
  return inPractice(ctx.db, practiceId, async (tx) => {
    const row = await tx
      .selectFrom('appointments')
      .select(['status', 'providerId'])
      .where('id', '=', input.appointmentId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new AppError('appointment_not_found');
    if (!can(actor, 'calendar:write') && row.providerId !== actor.userId) {
      throw new AppError('forbidden', { detail: 'You can change the status of your own appointments only' });
    }
    if (!canTransition(row.status, input.to)) {
      throw new AppError('invalid_status_transition', {
        detail: `An appointment that is ${row.status} cannot become ${input.to}`,
      });
    }
    await writeStatusChange(tx, {
      practiceId,
      actor,
      appointmentId: input.appointmentId,
      from: row.status,
      to: input.to,
      reason: input.reason,
      source: input.source,
    });
    return loadOne(tx, input.appointmentId);
  });
}

const MAX_LIST_DAYS = 42;

export async function listAppointments(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    from: Date;
    to: Date;
    providerId?: string;
    chairId?: string;
    includeCancelled?: boolean;
  },
): Promise<Appointment[]> {
  requirePermission(input.actor, 'calendar:read');
  if (input.to <= input.from) throw new AppError('invalid_period', { detail: '`to` must be after `from`' });
  if (input.to.getTime() - input.from.getTime() > MAX_LIST_DAYS * 86_400_000)
    throw new AppError('invalid_period', { detail: `Ask for at most ${MAX_LIST_DAYS} days at a time` });
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    let q = selectAppointments(tx)
      .where('appointments.practiceId', '=', input.practiceId)
      .where('appointments.startsAt', '>', new Date(input.from.getTime() - LONGEST_OCCUPATION_MS))
      .where('appointments.startsAt', '<', input.to)
      .where('appointments.endsAt', '>', input.from)
      // Lapsed holds are nobody's appointment.
      .where((eb) =>
        eb.or([eb('appointments.status', '!=', 'held'), eb('appointments.holdExpiresAt', '>', sql<Date>`now()`)]),
      )
      .orderBy('appointments.startsAt');
    if (!input.includeCancelled) q = q.where('appointments.status', 'not in', ['cancelled', 'no_show']);
    if (input.providerId) q = q.where('appointments.providerId', '=', input.providerId);
    if (input.chairId) q = q.where('appointments.chairId', '=', input.chairId);
    return withNames(tx, await q.execute());
  });
}

export async function getAppointment(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; appointmentId: string },
) {
  requirePermission(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const appointment = await loadOne(tx, input.appointmentId);
    const history = await tx
      .selectFrom('appointmentStatusHistory')
      .select(['fromStatus', 'toStatus', 'changedBy', 'changedAt', 'reason'])
      .where('appointmentId', '=', input.appointmentId)
      .orderBy('changedAt')
      .orderBy('id')
      .execute();
    const names = await userNamesIn(
      tx,
      history.map((h) => h.changedBy),
    );
    return {
      appointment,
      history: history.map((h) => ({
        fromStatus: h.fromStatus,
        toStatus: h.toStatus,
        changedBy: h.changedBy ? (names.get(h.changedBy) ?? null) : null,
        changedAt: h.changedAt.toISOString(),
        reason: h.reason,
      })),
    };
  });
}

/** A patient's appointments, newest first (the appointment history on the patient's page). */
export async function patientAppointments(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patientId: string },
) {
  requirePermission(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    if (!(await findPatientIn(tx, input.patientId))) throw new AppError('patient_not_found');
    const rows = await selectAppointments(tx)
      .where('appointments.patientId', '=', input.patientId)
      .where('appointments.status', '!=', 'held')
      .orderBy('appointments.startsAt', 'desc')
      .limit(500)
      .execute();
    return withNames(tx, rows);
  });
}

/** Whether an appointment of this practice is the given patient's (for linking a clinical note to a visit). */
export async function appointmentBelongsToPatient(tx: Tx, appointmentId: string, patientId: string): Promise<boolean> {
  const row = await tx
    .selectFrom('appointments')
    .select('id')
    .where('id', '=', appointmentId)
    .where('patientId', '=', patientId)
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The coming appointments (booked or confirmed, starting after `from`) of some patients, soonest
 * first, in the caller's transaction: what the WhatsApp assistant may tell a number about.
 */
export async function upcomingAppointmentsIn(
  tx: Tx,
  input: { practiceId: string; patientIds: string[]; from: Date; limit?: number },
): Promise<{ id: string; patientId: string; start: Date; end: Date; providerId: string; appointmentTypeId: string }[]> {
  if (input.patientIds.length === 0) return [];
  const rows = await tx
    .selectFrom('appointments')
    .select(['id', 'patientId', 'startsAt', 'endsAt', 'providerId', 'appointmentTypeId'])
    .where('practiceId', '=', input.practiceId)
    .where('patientId', 'in', input.patientIds)
    .where('status', 'in', ['booked', 'confirmed'])
    .where('startsAt', '>', input.from)
    .orderBy('startsAt')
    .limit(input.limit ?? 20)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    patientId: r.patientId!,
    start: r.startsAt,
    end: r.endsAt,
    providerId: r.providerId,
    appointmentTypeId: r.appointmentTypeId,
  }));
}

export interface AppointmentSummary {
  start: Date;
  end: Date;
  status: AppointmentStatus;
  /** The provider's user id: providers are members, keyed by their user. */
  providerId: string;
  /** As the calendar names the provider. */
  providerName: string;
}

/**
 * Appointments as they are now, by id, with their provider's name, in the caller's transaction
 * (one query for a list: staff notifications). Ids of this practice only; unknown ones are left out.
 */
export async function appointmentSummariesIn(tx: Tx, ids: readonly string[]): Promise<Map<string, AppointmentSummary>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('appointments')
    .innerJoin('providers', (join) =>
      join
        .onRef('providers.practiceId', '=', 'appointments.practiceId')
        .onRef('providers.userId', '=', 'appointments.providerId'),
    )
    .select([
      'appointments.id',
      'appointments.startsAt',
      'appointments.endsAt',
      'appointments.status',
      'appointments.providerId',
      'providers.displayName',
    ])
    .where('appointments.id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        start: r.startsAt,
        end: r.endsAt,
        status: r.status,
        providerId: r.providerId,
        providerName: r.displayName,
      },
    ]),
  );
}
