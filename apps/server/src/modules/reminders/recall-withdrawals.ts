import type { AppContext } from '../../context.js';
import { inPractice } from '../../platform/tenancy.js';
import { type ConsentWithdrawn, mayContactIn } from '../consent/consent.service.js';
import { wakeOutbox } from '../messaging/assistant-channel.service.js';
import { cancelQueuedMessagesIn } from '../messaging/outreach.service.js';
import { markRecallMessagesWithdrawn, sentRecallMessagesOfPatient } from './recall-messages.repository.js';

/**
 * The patient withdrew recall messages on WhatsApp (at the desk, by a STOP, in the chat): a recall
 * message still waiting in the outbox is not sent (messaging cancels it; one already handed to Meta
 * cannot be called back) and is recorded as not sent for want of consent. Re-reads the ledger
 * first: a grant recorded since leaves everything as it is.
 */
export async function stopRecallsOnWithdrawal(ctx: AppContext, event: ConsentWithdrawn): Promise<number> {
  if (event.channel !== 'whatsapp' || event.purpose !== 'recalls') return 0;
  const cancelled = await inPractice(ctx.db, event.practiceId, async (tx) => {
    if (await mayContactIn(tx, { patientId: event.patientId, channel: 'whatsapp', purpose: 'recalls' })) return [];
    const sent = await sentRecallMessagesOfPatient(tx, event.patientId);
    const ids = await cancelQueuedMessagesIn(
      tx,
      sent.flatMap((m) => (m.messageId ? [m.messageId] : [])),
    );
    await markRecallMessagesWithdrawn(tx, ids);
    return ids;
  });
  if (cancelled.length > 0) wakeOutbox(ctx);
  return cancelled.length;
}
