import type { DataOwner } from '../../platform/data-owners.js';
import { skipReminders } from './reminders.repository.js';

/**
 * Reminders keep, per appointment (and its patient), what became of each reminder: ids, times,
 * states and reasons, never the message's words (messaging keeps the message). A merge points the
 * rows at the survivor; a death leaves nothing planned to go (the calendar cancels the coming
 * visits too, and their jobs then find nothing to send); an erasure deletes the rows; an export
 * lists them.
 */
export const remindersDataOwner: DataOwner = {
  module: 'reminders',
  movePatient: async (tx, { practiceId, fromPatientId, toPatientId }) => {
    await tx
      .updateTable('appointmentReminders')
      .set({ patientId: toPatientId })
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', fromPatientId)
      .execute();
  },
  onPatientDeceased: async (tx, { practiceId, patientId }) => {
    const planned = await tx
      .selectFrom('appointmentReminders')
      .select('id')
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', patientId)
      .where('state', '=', 'planned')
      .execute();
    await skipReminders(
      tx,
      planned.map((r) => r.id),
      'patient_unavailable',
    );
    return undefined;
  },
  exportPatient: async (tx, { practiceId, patientId }) => ({
    appointmentReminders: (
      await tx
        .selectFrom('appointmentReminders')
        .select(['appointmentId', 'offsetMinutes', 'appointmentStart', 'dueAt', 'state', 'reason', 'stateAt'])
        .where('practiceId', '=', practiceId)
        .where('patientId', '=', patientId)
        .orderBy('appointmentStart')
        .orderBy('offsetMinutes', 'desc')
        .execute()
    ).map((r) => ({
      appointmentId: r.appointmentId,
      offsetMinutes: r.offsetMinutes,
      appointmentStart: r.appointmentStart.toISOString(),
      dueAt: r.dueAt.toISOString(),
      state: r.state,
      reason: r.reason,
      at: r.stateAt?.toISOString() ?? null,
    })),
  }),
  erasePatient: async (tx, { practiceId, patientId }) => {
    const result = await tx
      .deleteFrom('appointmentReminders')
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', patientId)
      .executeTakeFirst();
    return { erased: { appointmentReminders: Number(result.numDeletedRows) }, kept: [] };
  },
  retention: () => [
    {
      category: 'appointment_reminders',
      description: 'Appointment reminders (when each was due, sent or skipped, and why)',
      keptFor: 'as long as the appointment',
      why: 'They show staff and the patient whether a visit was reminded; the message itself is kept by the WhatsApp inbox',
    },
  ],
};
