import type { AppContext } from '../../context.js';
import { systemActor } from '../../platform/access.js';
import { inPractice } from '../../platform/tenancy.js';
import { recallsByIdIn, updateRecall } from '../scheduling/recalls.service.js';
import { recallsAnsweredBook } from './recall-messages.repository.js';

/**
 * A visit booked on WhatsApp by a patient who answered a recall message with "Book now": the recall
 * (still due, for the date the message was about) is marked booked, as the desk does when it books
 * from the recall list, so the list and the next day's run see it settled.
 */
export async function settleRecallsOnBooking(
  ctx: AppContext,
  event: { practiceId: string; patientId: string | null; source: string },
): Promise<number> {
  if (event.source !== 'whatsapp' || !event.patientId) return 0;
  const patientId = event.patientId;
  const open = await inPractice(ctx.db, event.practiceId, async (tx) => {
    const answered = await recallsAnsweredBook(tx, patientId);
    const recalls = await recallsByIdIn(
      tx,
      answered.map((a) => a.recallId),
    );
    return answered.filter((a) => {
      const recall = recalls.get(a.recallId);
      return recall?.status === 'due' && recall.dueDate === a.dueDate;
    });
  });
  for (const a of open)
    await updateRecall(ctx, {
      actor: systemActor('whatsapp recall'),
      practiceId: event.practiceId,
      recallId: a.recallId,
      patch: { status: 'booked' },
    });
  return open.length;
}
