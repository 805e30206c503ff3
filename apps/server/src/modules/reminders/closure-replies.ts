import type { AppContext } from '../../context.js';
import { systemActor } from '../../platform/access.js';
import { startBookingFromTap } from '../assistant/assistant.service.js';
import type { InboundMessageStored } from '../messaging/messaging.events.js';
import { type ItemRow, itemsOfMessage, recordItemReply, selectItem } from './closure-announcements.repository.js';
import { readOwnTap } from './own-tap.js';

/**
 * A patient's tap on a closure message's button (a listener of messaging's inboundMessageStored, as
 * the reminders' and recalls' replies are). The signed payload names the announcement's line the
 * message was sent for; the lines that shared the message (a family on one number) answer with it.
 * "Choose a new time" starts the assistant's booking for the first of them not rebooked yet, that
 * patient and visit type (or, with the assistant off, hands the chat to a person:
 * `closure_rebooking`); "Call me" hands the chat to a person (`closure_call`) and the lines show
 * "needs a call". A payload we did not sign for this practice, or for a patient not on this number,
 * is never acted on.
 */

const ACTOR = systemActor('whatsapp closure');
type Lang = 'en' | 'fr';

export async function answerClosureReply(ctx: AppContext, event: InboundMessageStored): Promise<void> {
  const { practiceId } = event;
  const tap = await readOwnTap(ctx, event, 'closure', {
    actor: ACTOR,
    // The line, when it is a patient's on this number, with the lines that shared its message: the
    // reply is recorded on them all.
    own: async (tx, { payload, patientIds }) => {
      const item = await selectItem(tx, payload.itemId);
      const ours = item && patientIds.has(item.patientId) ? item : undefined;
      const lines: ItemRow[] = ours ? (ours.messageId ? await itemsOfMessage(tx, ours.messageId) : [ours]) : [];
      if (ours) await recordItemReply(tx, { ids: lines.map((l) => l.id), reply: payload.answer, at: new Date() });
      return { subject: lines.length > 0 ? lines : null, speakerId: ours?.patientId };
    },
  });
  if (!tap) return;
  const { payload, subject: lines, say } = tap;
  const t = TEXTS[tap.language];
  if (payload.answer === 'call_me') {
    await say(t.willCall, 'closure_call');
    return;
  }
  const next = lines.find((l) => !l.rebookedAppointmentId) ?? lines[0]!;
  const answered = await startBookingFromTap(ctx, {
    practiceId,
    conversationId: tap.conversation.id,
    messageId: event.messageId,
    patientId: next.patientId,
    appointmentTypeId: next.appointmentTypeId,
  });
  if (answered === 'assistant_off') await say(t.personWillBook, 'closure_rebooking');
}

/** What the patient reads (Creole speakers read French, as with the closure's template). */
const TEXTS: Record<Lang, { willCall: string; personWillBook: string }> = {
  en: {
    willCall: 'Thank you. A member of our team will call you on this number as soon as we can.',
    personWillBook: 'Thank you! A member of our team will write to you here shortly to find you a new time.',
  },
  fr: {
    willCall: 'Merci. Un membre de notre équipe vous appellera à ce numéro dès que possible.',
    personWillBook: 'Merci ! Un membre de notre équipe vous écrira ici très vite pour vous trouver un nouvel horaire.',
  },
};
