import type { AppContext } from '../../context.js';
import { inPractice } from '../../platform/tenancy.js';
import { markRebooked, openItemsOfPatient } from './closure-announcements.repository.js';

/**
 * A visit booked for a patient whose appointment a closure cancelled (on WhatsApp after "Choose a
 * new time", or at the desk after a call): the earliest of their lines not rebooked yet, from an
 * announcement of the last 60 days, is rebooked with the new appointment.
 */
const LOOK_BACK_MS = 60 * 86_400_000;

export async function settleClosuresOnBooking(
  ctx: AppContext,
  event: { practiceId: string; appointmentId: string; patientId: string | null },
): Promise<boolean> {
  const patientId = event.patientId;
  if (!patientId) return false;
  return inPractice(ctx.db, event.practiceId, async (tx) => {
    const now = new Date();
    const open = (await openItemsOfPatient(tx, { patientId, before: now })).filter(
      (i) => i.appointmentId !== event.appointmentId && now.getTime() - i.startsAt.getTime() < LOOK_BACK_MS,
    );
    const first = open[0];
    if (!first) return false;
    await markRebooked(tx, { id: first.id, appointmentId: event.appointmentId, at: now });
    return true;
  });
}
