import type { AppointmentSource, AppointmentStatus } from '@dentalpro/contracts';
import type { Actor } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { publishEvent } from '../../platform/jobs.js';
import type { Tx } from '../../platform/tenancy.js';
import { appointmentCancelled, appointmentStatusChanged } from './scheduling.events.js';

/** A line of an appointment's status history. */
export async function recordStatus(
  tx: Tx,
  practiceId: string,
  appointmentId: string,
  from: string | null,
  to: string,
  actor: Actor,
  reason?: string | null,
) {
  await tx
    .insertInto('appointmentStatusHistory')
    .values({
      practiceId,
      appointmentId,
      fromStatus: from,
      toStatus: to,
      changedBy: actor.userId,
      reason: reason ?? null,
    })
    .execute();
}

/**
 * One status step of an appointment the caller has locked and allowed: the row, its history line,
 * the audit event and the announcement, as every path writes them. A cancellation frees the slot at once; its
 * commit moves the practice's calendar revision on (a trigger), so availability sees it.
 */
export async function writeStatusChange(
  tx: Tx,
  input: {
    practiceId: string;
    actor: Actor;
    appointmentId: string;
    from: AppointmentStatus;
    to: AppointmentStatus;
    reason?: string | undefined;
    /** Who asked for it, announced with a cancellation (default: the desk). */
    source?: AppointmentSource | undefined;
  },
) {
  const { practiceId, actor, appointmentId, from, to } = input;
  const row = await tx
    .updateTable('appointments')
    .set({
      status: to,
      holdExpiresAt: null,
      ...(to === 'cancelled' ? { cancellationReason: input.reason ?? 'cancelled' } : {}),
      updatedAt: new Date(),
    })
    .where('id', '=', appointmentId)
    .returning(['patientId', 'startsAt', 'endsAt'])
    .executeTakeFirstOrThrow();
  await recordStatus(tx, practiceId, appointmentId, from, to, actor, input.reason);
  await recordAudit(tx, {
    practiceId,
    actor,
    action: to === 'cancelled' ? 'appointment.cancelled' : 'appointment.status_changed',
    targetType: 'appointment',
    targetId: appointmentId,
    changes: { from, to },
  });
  const times = { start: new Date(row.startsAt).toISOString(), end: new Date(row.endsAt).toISOString() };
  const about = { practiceId, appointmentId, patientId: row.patientId };
  if (to === 'cancelled')
    await publishEvent(tx, appointmentCancelled, { ...about, from, before: times, source: input.source ?? 'staff' });
  else await publishEvent(tx, appointmentStatusChanged, { ...about, from, to, at: times });
}
