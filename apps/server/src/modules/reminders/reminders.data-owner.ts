import type { DataOwner } from '../../platform/data-owners.js';
import { skipReminders } from './reminders.repository.js';

/**
 * Reminders keep, per appointment (and its patient), what became of each reminder, and per waitlist
 * entry the freed times offered to the patient and what became of each offer: ids, times, states
 * and reasons, never the message's words (messaging keeps the message). A merge points the rows at
 * the survivor; a death leaves nothing planned to go and no offer open (the calendar cancels the
 * coming visits too, and their jobs then find nothing to send); an erasure deletes the rows; an
 * export lists them.
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
    await tx
      .updateTable('waitlistOffers')
      .set({ patientId: toPatientId })
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', fromPatientId)
      .execute();
    // Recall messages follow their recalls, which scheduling moves to the survivor.
    await tx
      .updateTable('recallMessages')
      .set({ patientId: toPatientId })
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', fromPatientId)
      .execute();
    await tx
      .updateTable('closureAnnouncementItems')
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
    await tx
      .updateTable('waitlistOffers')
      .set({ state: 'gone', stateAt: new Date() })
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', patientId)
      .where('state', '=', 'offered')
      .execute();
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
    waitlistOffers: (
      await tx
        .selectFrom('waitlistOffers')
        .select(['waitlistEntryId', 'slotStart', 'slotEnd', 'state', 'expiresAt', 'stateAt', 'createdAt'])
        .where('practiceId', '=', practiceId)
        .where('patientId', '=', patientId)
        .orderBy('createdAt')
        .execute()
    ).map((o) => ({
      waitlistEntryId: o.waitlistEntryId,
      offeredAt: o.createdAt.toISOString(),
      start: o.slotStart.toISOString(),
      end: o.slotEnd.toISOString(),
      state: o.state,
      expiresAt: o.expiresAt.toISOString(),
      at: o.stateAt.toISOString(),
    })),
    recallMessages: await tx
      .selectFrom('recallMessages')
      .select(['recallId', 'dueDate', 'state', 'reason', 'stateAt', 'reply', 'repliedAt'])
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', patientId)
      .orderBy('dueDate')
      .execute()
      .then((rows) =>
        rows.map((r) => ({
          recallId: r.recallId,
          dueDate: r.dueDate,
          state: r.state,
          reason: r.reason,
          at: r.stateAt.toISOString(),
          reply: r.reply,
          repliedAt: r.repliedAt?.toISOString() ?? null,
        })),
      ),
    closureAnnouncements: (
      await tx
        .selectFrom('closureAnnouncementItems')
        .select([
          'announcementId',
          'appointmentId',
          'startsAt',
          'state',
          'reason',
          'reply',
          'repliedAt',
          'rebookedAt',
          'calledAt',
        ])
        .where('practiceId', '=', practiceId)
        .where('patientId', '=', patientId)
        .orderBy('startsAt')
        .execute()
    ).map((r) => ({
      announcementId: r.announcementId,
      appointmentId: r.appointmentId,
      appointmentStart: r.startsAt.toISOString(),
      state: r.state,
      reason: r.reason,
      reply: r.reply,
      repliedAt: r.repliedAt?.toISOString() ?? null,
      rebookedAt: r.rebookedAt?.toISOString() ?? null,
      calledAt: r.calledAt?.toISOString() ?? null,
    })),
  }),
  erasePatient: async (tx, { practiceId, patientId }) => {
    const result = await tx
      .deleteFrom('appointmentReminders')
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', patientId)
      .executeTakeFirst();
    const offers = await tx
      .deleteFrom('waitlistOffers')
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', patientId)
      .executeTakeFirst();
    const closures = await tx
      .deleteFrom('closureAnnouncementItems')
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', patientId)
      .executeTakeFirst();
    return {
      erased: {
        appointmentReminders: Number(result.numDeletedRows),
        waitlistOffers: Number(offers.numDeletedRows),
        closureAnnouncements: Number(closures.numDeletedRows),
      },
      kept: [],
      labels: {
        appointmentReminders: { en: 'Your appointment reminders', fr: 'Vos rappels de rendez-vous' },
        waitlistOffers: {
          en: 'The freed times offered to you from the waiting list',
          fr: 'Les créneaux libérés qui vous ont été proposés depuis la liste d’attente',
        },
        closureAnnouncements: {
          en: 'The closures of the practice you were told about, and your answers',
          fr: 'Les fermetures du cabinet dont vous avez été informé, et vos réponses',
        },
      },
    };
  },
  retention: () => [
    {
      category: 'appointment_reminders',
      description: 'Appointment reminders (when each was due, sent or skipped, and why)',
      keptFor: 'as long as the appointment',
      why: 'They show staff and the patient whether a visit was reminded; the message itself is kept by the WhatsApp inbox',
    },
    {
      category: 'waitlist_offers',
      description:
        'Waitlist offers (each freed time offered to a waiting patient, and whether it was taken, declined or lapsed)',
      keptFor: 'as long as the waitlist entry',
      why: 'They show the desk who was offered a freed time and who took it; the message itself is kept by the WhatsApp inbox',
    },
    {
      category: 'closure_announcements',
      description:
        'Closure announcements (each appointment a closure of the practice cancelled: whether the patient was told, replied, rebooked or was called)',
      keptFor: 'as long as the appointment',
      why: 'They show the desk who still needs a call after a closure; the message itself is kept by the WhatsApp inbox',
    },
  ],
};
