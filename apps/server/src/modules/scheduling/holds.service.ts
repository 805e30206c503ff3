import type { Appointment } from '@dentalpro/contracts';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { publishEvent } from '../../platform/jobs.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice, practiceFactsIn } from '../../platform/tenancy.js';
import {
  type SlotRequest,
  claimSlot,
  loadOne,
  planSlot,
  requirePatientFor,
  settlingConflicts,
} from './appointment-steps.js';
import { rangeLiteral } from './booking-rules.js';
import { appointmentBooked } from './scheduling.events.js';
import { recordStatus } from './status-change.js';

/** Holds: a slot kept for a few minutes while a booking is confirmed, then confirmed or released. */

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
      if (hold.patientId) await requirePatientFor(tx, hold.patientId, 'booking');
      const slot = await planSlot(tx, practiceId, hold, input.now ?? new Date());
      attempt.slot = slot;
      await claimSlot(tx, hold, slot);
      const practice = await practiceFactsIn(tx, practiceId);
      if (!practice) throw new AppError('practice_not_found');
      const { holdMinutes } = practice;
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
      await recordAudit(tx, {
        practiceId,
        actor,
        action: 'appointment.held',
        targetType: 'appointment',
        targetId: id,
        changes: {
          start: slot.start.toISOString(),
          providerId: hold.providerId,
          chairId: hold.chairId,
          source: hold.source,
        },
      });
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
    // The patient the booking will be for: the one named now, or the one the hold was made for.
    const held = input.patientId
      ? undefined
      : await tx.selectFrom('appointments').select('patientId').where('id', '=', input.holdId).executeTakeFirst();
    const patientId = input.patientId ?? held?.patientId;
    if (patientId) await requirePatientFor(tx, patientId, 'booking');
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
      .returning(['id', 'patientId', 'source', 'providerId', 'chairId', 'startsAt', 'endsAt'])
      .executeTakeFirst();
    if (!confirmed) {
      const hold = await tx
        .selectFrom('appointments')
        .select(['status', 'patientId'])
        .where('id', '=', input.holdId)
        .executeTakeFirst();
      if (hold?.status !== 'held') throw new AppError('hold_not_found');
      if (!hold.patientId && !input.patientId)
        throw new AppError('validation_failed', {
          errors: [{ path: 'patientId', code: 'required', message: 'Say whom the appointment is for' }],
        });
      throw new AppError('hold_expired', { detail: 'The hold has lapsed; look for a slot again' });
    }
    // Refusing here rolls the confirmation back with the transaction.
    await checkHoldStillBookable(tx, practiceId, input.holdId, input.now ?? new Date());
    await recordStatus(tx, practiceId, input.holdId, 'held', 'booked', actor);
    await recordAudit(tx, {
      practiceId,
      actor,
      action: 'appointment.booked',
      targetType: 'appointment',
      targetId: input.holdId,
      changes: { fromHold: true },
    });
    await publishEvent(tx, appointmentBooked, {
      practiceId,
      appointmentId: input.holdId,
      patientId: confirmed.patientId,
      source: confirmed.source,
      after: {
        start: new Date(confirmed.startsAt).toISOString(),
        end: new Date(confirmed.endsAt).toISOString(),
        providerId: confirmed.providerId,
        chairId: confirmed.chairId,
      },
    });
    return loadOne(tx, input.holdId);
  });
}

/**
 * A hold is checked again, whole, when it is confirmed: the provider may have left, a closure or a
 * holiday been added, the type taken off WhatsApp, or a patient's notice run out since it was held.
 * The same checks as a booking (planSlot), on the held time; its own row does not count as busy.
 */
async function checkHoldStillBookable(tx: Tx, practiceId: string, holdId: string, now: Date) {
  const hold = await tx
    .selectFrom('appointments')
    .select(['appointmentTypeId', 'providerId', 'chairId', 'startsAt', 'endsAt', 'source'])
    .where('id', '=', holdId)
    .executeTakeFirstOrThrow();
  await planSlot(
    tx,
    practiceId,
    {
      appointmentTypeId: hold.appointmentTypeId,
      providerId: hold.providerId,
      chairId: hold.chairId,
      start: new Date(hold.startsAt),
      end: new Date(hold.endsAt),
      source: hold.source,
    },
    now,
  );
}

/** Give a hold back before it lapses (the patient changed their mind). */
export async function releaseHold(ctx: AppContext, input: { actor: Actor; practiceId: string; holdId: string }) {
  requirePermission(input.actor, 'calendar:write');
  await inPractice(ctx.db, input.practiceId, async (tx) => {
    const released = await tx
      .deleteFrom('appointments')
      .where('id', '=', input.holdId)
      .where('status', '=', 'held')
      .returning('id')
      .executeTakeFirst();
    if (!released) throw new AppError('hold_not_found');
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'appointment.hold_released',
      targetType: 'appointment',
      targetId: input.holdId,
    });
  });
}
