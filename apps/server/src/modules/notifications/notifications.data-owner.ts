import type { DataOwner } from '../../platform/data-owners.js';
import { NOTIFICATION_KEPT_DAYS } from './notifications.service.js';

/**
 * Staff notifications point at a patient by id only (what happened and when, never their name or
 * words). A merge points them at the survivor; a death changes nothing (they lapse with the rest);
 * an erasure deletes those about the patient, with who read them; an export lists them.
 */
export const notificationsDataOwner: DataOwner = {
  module: 'notifications',
  movePatient: async (tx, { practiceId, fromPatientId, toPatientId }) => {
    await tx
      .updateTable('notifications')
      .set({ patientId: toPatientId })
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', fromPatientId)
      .execute();
  },
  onPatientDeceased: async () => undefined,
  exportPatient: async (tx, { practiceId, patientId }) => ({
    staffNotifications: (
      await tx
        .selectFrom('notifications')
        .select([
          'kind',
          'createdAt',
          'appointmentId',
          'conversationId',
          'previousStart',
          'reason',
          'privacyRequestId',
          'dueAt',
        ])
        .where('practiceId', '=', practiceId)
        .where('patientId', '=', patientId)
        .orderBy('createdAt')
        .execute()
    ).map((n) => ({
      kind: n.kind,
      createdAt: n.createdAt.toISOString(),
      appointmentId: n.appointmentId,
      conversationId: n.conversationId,
      previousStart: n.previousStart?.toISOString() ?? null,
      reason: n.reason,
      privacyRequestId: n.privacyRequestId,
      dueAt: n.dueAt?.toISOString() ?? null,
    })),
  }),
  erasePatient: async (tx, { practiceId, patientId }) => {
    const result = await tx
      .deleteFrom('notifications')
      .where('practiceId', '=', practiceId)
      .where('patientId', '=', patientId)
      .executeTakeFirst();
    return {
      erased: { staffNotifications: Number(result.numDeletedRows) },
      kept: [],
      labels: {
        staffNotifications: {
          en: 'Notices to the practice staff about you',
          fr: 'Les avis au personnel du cabinet vous concernant',
        },
      },
    };
  },
  retention: () => [
    {
      category: 'staff_notifications',
      description: 'Staff notifications (which patient booked, moved or cancelled on WhatsApp, or needed a person)',
      keptFor: `${NOTIFICATION_KEPT_DAYS} days`,
      why: 'They tell staff what happened lately; the appointment and the conversation keep the record',
      rule: { defaultDays: NOTIFICATION_KEPT_DAYS, floorDays: 7, from: 'created', tiedTo: 'time' },
    },
  ],
  // The retention job (the daily forget_old schedule does the same at the default 90 days).
  purge: async (tx, input) => {
    if (input.category !== 'staff_notifications') return { count: 0 };
    let query = tx.selectFrom('notifications').select('id').where('createdAt', '<', input.before);
    if (input.heldPatientIds.length)
      query = query.where((eb) =>
        eb.or([eb('patientId', 'is', null), eb('patientId', 'not in', [...input.heldPatientIds])]),
      );
    const ids = (await query.execute()).map((n) => n.id);
    if (!input.dryRun && ids.length) await tx.deleteFrom('notifications').where('id', 'in', ids).execute();
    return { count: ids.length };
  },
};
