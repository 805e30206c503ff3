import type { AppContext } from '../../context.js';
import { systemActor } from '../../platform/access.js';
import { startBookingFromTap } from '../assistant/assistant.service.js';
import type { InboundMessageStored } from '../messaging/messaging.events.js';
import { recallsByIdIn } from '../scheduling/recalls.service.js';
import { readOwnTap } from './own-tap.js';
import { recordReply } from './recall-messages.repository.js';

/**
 * A patient's tap on a recall message's button (a listener of messaging's inboundMessageStored, as
 * the reminders' replies are). The payload is checked first: one we did not sign for this practice,
 * or about a recall of a patient not on this number, is never acted on, and the patient is told how
 * to reach a person. "Book now" starts the assistant's booking for that patient and the recall's
 * visit type (the earliest free times come back at once), or, with the assistant off, hands the
 * conversation to a person with the reason `recall_booking`. "Not now" thanks them.
 */

const ACTOR = systemActor('whatsapp recall');
type Lang = 'en' | 'fr';

export async function answerRecallReply(ctx: AppContext, event: InboundMessageStored): Promise<void> {
  const { practiceId } = event;
  const tap = await readOwnTap(ctx, event, 'recall', {
    actor: ACTOR,
    // The recall, when it is a patient's on this number: the reply is recorded with it.
    own: async (tx, { payload, patientIds }) => {
      const recall = (await recallsByIdIn(tx, [payload.recallId])).get(payload.recallId);
      const ours = recall && patientIds.has(recall.patientId) ? recall : undefined;
      if (ours)
        await recordReply(tx, { recallId: ours.id, dueDate: payload.dueDate, reply: payload.answer, at: new Date() });
      return { subject: ours ?? null, speakerId: ours?.patientId };
    },
  });
  if (!tap) return;
  const { payload, subject: recall, say } = tap;
  const t = TEXTS[tap.language];
  if (payload.answer === 'not_now') {
    await say(t.notNow);
    return;
  }
  const answered = await startBookingFromTap(ctx, {
    practiceId,
    conversationId: tap.conversation.id,
    messageId: event.messageId,
    patientId: recall.patientId,
    appointmentTypeId: recall.appointmentTypeId,
  });
  if (answered === 'assistant_off') await say(t.personWillBook, 'recall_booking');
}

/** What the patient reads (Creole speakers read French, as with the recall's template). */
const TEXTS: Record<Lang, { notNow: string; personWillBook: string }> = {
  en: {
    notNow: 'Thank you for letting us know. Write to us here whenever you would like to book your visit.',
    personWillBook: 'Thank you! A member of our team will write to you here shortly to find you a time.',
  },
  fr: {
    notNow: 'Merci de nous l’avoir dit. Écrivez-nous ici quand vous souhaiterez prendre rendez-vous.',
    personWillBook: 'Merci ! Un membre de notre équipe vous écrira ici très vite pour vous trouver un horaire.',
  },
};
