import type { Actor } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { type DataOwner, notImplemented } from '../../platform/data-owners.js';
import type { Tx } from '../../platform/tenancy.js';
import { writeStatusChange } from './status-change.js';

/**
 * Scheduling's rows about patients (appointments, waitlist entries, recalls), and what the
 * calendar does when a patient's record is merged or their death is recorded.
 */
export const schedulingDataOwner: DataOwner = {
  module: 'scheduling',
  movePatient: (tx, { fromPatientId, toPatientId }) => movePatientReferences(tx, fromPatientId, toPatientId),
  async onPatientDeceased(tx, input) {
    const cancelled = await cancelFutureAppointments(tx, { ...input, reason: DECEASED_CANCELLATION_REASON });
    return cancelled.length ? { cancelledAppointmentIds: cancelled } : undefined;
  },
  exportPatient: () => notImplemented("Scheduling's export of a patient's data"),
  erasePatient: () => notImplemented("Scheduling's erasure of a patient's data"),
  retention: () => notImplemented("Scheduling's retention rules"),
};

/** Stored on each appointment cancelled because its patient died. */
export const DECEASED_CANCELLATION_REASON = 'Cancelled automatically: the patient was recorded as deceased';

/**
 * Re-points scheduling's rows from one patient to another, for the patients module's merge
 * (inside its transaction): appointments, waitlist entries and recalls. Where both patients have
 * an open recall of the same kind, the survivor's stays and the other is cancelled (one open
 * recall of a kind per patient).
 */
export async function movePatientReferences(tx: Tx, fromPatientId: string, toPatientId: string): Promise<void> {
  await tx
    .updateTable('appointments')
    .set({ patientId: toPatientId, updatedAt: new Date() })
    .where('patientId', '=', fromPatientId)
    .execute();
  await tx
    .updateTable('waitlistEntries')
    .set({ patientId: toPatientId })
    .where('patientId', '=', fromPatientId)
    .execute();
  await tx
    .updateTable('recalls')
    .set({ status: 'cancelled' })
    .where('patientId', '=', fromPatientId)
    .where('status', '=', 'due')
    .where('kind', 'in', (eb) =>
      eb.selectFrom('recalls').select('kind').where('patientId', '=', toPatientId).where('status', '=', 'due'),
    )
    .execute();
  await tx.updateTable('recalls').set({ patientId: toPatientId }).where('patientId', '=', fromPatientId).execute();
}

/**
 * A patient has died: their appointments still to come (booked or confirmed, starting after
 * `now`) are cancelled, each exactly as a cancellation at the desk is written (status history,
 * audit event, the slot free at once). The actor is whoever recorded the death, whatever their
 * calendar rights: the cancellations are part of that change. Returns the ids cancelled, in time
 * order. Their holds are released. Waitlist entries and recalls stay as they are; their lists
 * leave deceased patients out.
 */
export async function cancelFutureAppointments(
  tx: Tx,
  input: { practiceId: string; patientId: string; actor: Actor; reason: string; now: Date },
): Promise<string[]> {
  const rows = await tx
    .selectFrom('appointments')
    .select(['id', 'status'])
    .where('patientId', '=', input.patientId)
    .where('status', 'in', ['booked', 'confirmed'])
    .where('startsAt', '>', input.now)
    .orderBy('startsAt')
    .orderBy('id')
    .forUpdate()
    .execute();
  for (const row of rows) {
    await writeStatusChange(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      appointmentId: row.id,
      from: row.status,
      to: 'cancelled',
      reason: input.reason,
    });
  }
  // Slots held for them (a booking in progress) are given back now rather than left to lapse.
  const released = await tx
    .deleteFrom('appointments')
    .where('patientId', '=', input.patientId)
    .where('status', '=', 'held')
    .returning('id')
    .execute();
  for (const { id } of released) {
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'appointment.hold_released',
      targetType: 'appointment',
      targetId: id,
      changes: { reason: 'patient_deceased' },
    });
  }
  return rows.map((r) => r.id);
}
