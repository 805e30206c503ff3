import type { AppContext } from '../../context.js';
import type { Actor } from '../../platform/access.js';
import { type Tx, inPractice, practiceFactsIn } from '../../platform/tenancy.js';
import {
  type HandoverReason,
  type InboundForAssistant,
  handOverToStaff,
  queueAssistantReplies,
  readInboundForAssistant,
  wakeOutbox,
} from '../messaging/assistant-channel.service.js';
import type { InboundMessageStored } from '../messaging/messaging.events.js';
import { whatsappContactsIn } from '../patients/contacts.service.js';
import { findPatientsByPhone } from '../patients/patients.service.js';
import { getPractice } from '../practices/practices.service.js';
import { type ClosurePayload, closureKeyOf, readClosurePayload } from './closure-payload.js';
import { type OfferPayload, offerKeyOf, readOfferPayload } from './offer-payload.js';
import { type RecallPayload, readRecallPayload, recallKeyOf } from './recall-payload.js';
import { type ReplyPayload, readReplyPayload, replyKeyOf } from './reply-payload.js';
import { reminderTapKind } from './tap-kind.js';

/** The taps that answer something: a reminder's, a recall message's, a waitlist offer's, a closure announcement's. */
export type OwnTapKind = 'reminder' | 'recall' | 'offer' | 'closure';
type Lang = 'en' | 'fr';

interface PayloadOf {
  reminder: ReplyPayload;
  recall: RecallPayload;
  offer: OfferPayload;
  closure: ClosurePayload;
}

const READ_PAYLOAD: { [K in OwnTapKind]: (secret: string, practiceId: string, text: string) => PayloadOf[K] | null } = {
  reminder: (secret, practiceId, text) => readReplyPayload(replyKeyOf(secret), practiceId, text),
  recall: (secret, practiceId, text) => readRecallPayload(recallKeyOf(secret), practiceId, text),
  offer: (secret, practiceId, text) => readOfferPayload(offerKeyOf(secret), practiceId, text),
  closure: (secret, practiceId, text) => readClosurePayload(closureKeyOf(secret), practiceId, text),
};

/** Each kind's answers are queued once per tapped message. */
const REPLY_KEY: Record<OwnTapKind, string> = {
  reminder: 'reminder-reply',
  recall: 'recall-reply',
  offer: 'waitlist-offer-reply',
  closure: 'closure-reply',
};

export interface OwnTap<K extends OwnTapKind, S> {
  conversation: InboundForAssistant['conversation'];
  payload: PayloadOf[K];
  /** What the payload names, found to be the number's own by `own`. */
  subject: S;
  language: Lang;
  timeZone: string;
  /** Answers the patient on this conversation (and hands it to a person with the reason, if given). */
  say: (body: string, handOver?: HandoverReason) => Promise<void>;
}

/**
 * Reads a patient's tap on one of this module's buttons, of one kind (the listeners of messaging's
 * inboundMessageStored for reminders, recall messages, waitlist offers and closures start here). Any other
 * message is left (null), without a transaction when the announcement says whose tap it is. In one
 * transaction: the tap, the number's patients, the signed payload, and `own`, which looks up what
 * the payload names and returns it only when it belongs to one of those patients (`speakerId`: the
 * patient whose language to answer in, else the number's first). A payload we did not sign for this
 * practice, or about someone else, is never acted on: the patient is told we could not read the
 * reply and how to reach us, and this returns null.
 */
export async function readOwnTap<K extends OwnTapKind, S>(
  ctx: AppContext,
  event: InboundMessageStored,
  kind: K,
  options: {
    /** Who reads the practice's phone number for the "could not read" answer. */
    actor: Actor;
    /** Read the conversation under its row lock (the reminders' replies always have). */
    lockConversation?: boolean;
    own: (
      tx: Tx,
      tap: { payload: PayloadOf[K]; patientIds: ReadonlySet<string> },
    ) => Promise<{ subject: S | null | undefined; speakerId?: string | undefined }>;
  },
): Promise<OwnTap<K, S> | null> {
  const { practiceId } = event;
  // Only a tapped button can be one: every other message is left without a transaction (these
  // listeners hear every patient message of every practice), and so is another kind's tap.
  if (event.contentType !== undefined && event.contentType !== 'choice') return null;
  if (event.choiceId !== undefined && reminderTapKind(event.choiceId) !== kind) return null;
  const read = await inPractice(ctx.db, practiceId, async (tx) => {
    const inbound = await readInboundForAssistant(tx, {
      masterKey: ctx.config.encryptionKey,
      conversationId: event.conversationId,
      messageId: event.messageId,
      lock: options.lockConversation ?? false,
    });
    const content = inbound?.message?.content;
    // The same for an announcement queued before it carried the tap's id.
    if (!inbound?.conversation.e164 || content?.type !== 'choice' || reminderTapKind(content.choiceId) !== kind)
      return null;
    const patients = await findPatientsByPhone(tx, practiceId, inbound.conversation.e164);
    const patientIds = new Set(patients.map((p) => p.id));
    const payload = READ_PAYLOAD[kind](ctx.config.sessionSecret, practiceId, content.choiceId);
    const found = payload ? await options.own(tx, { payload, patientIds }) : null;
    const speaker = found?.speakerId ?? patients[0]?.id;
    const contact =
      speaker && patientIds.has(speaker) ? (await whatsappContactsIn(tx, [speaker])).get(speaker) : undefined;
    const practice = await practiceFactsIn(tx, practiceId);
    return {
      conversation: inbound.conversation,
      payload,
      subject: found?.subject ?? null,
      language: (contact ? (contact.language === 'en' ? 'en' : 'fr') : (practice?.defaultLanguage ?? 'en')) as Lang,
      timeZone: practice?.timeZone ?? 'Indian/Mauritius',
    };
  });
  if (!read) return null;
  const { conversation, payload, subject, language } = read;
  const say = async (body: string, handOver?: HandoverReason) => {
    const queued = await inPractice(ctx.db, practiceId, async (tx) => {
      const n = await queueAssistantReplies(tx, {
        masterKey: ctx.config.encryptionKey,
        practiceId,
        conversation,
        replies: [{ type: 'text', body }],
        idempotencyKey: `${REPLY_KEY[kind]}:${event.messageId}`,
      });
      if (handOver)
        await handOverToStaff(tx, { practiceId, conversationId: conversation.id, reason: handOver, at: new Date() });
      return n;
    });
    if (queued > 0) wakeOutbox(ctx);
  };
  if (!payload || subject === null) {
    const practice = await getPractice(ctx, { actor: options.actor, practiceId });
    await say(UNREADABLE[language](practice.phone));
    return null;
  }
  return { conversation, payload, subject, language, timeZone: read.timeZone, say };
}

/** Not ours, altered, or about someone else (Creole speakers read French, as with the templates). */
const UNREADABLE: Record<Lang, (phone: string) => string> = {
  en: (phone) =>
    phone
      ? `Sorry, we could not read that reply. Please write to us here or call us on ${phone}.`
      : 'Sorry, we could not read that reply. Please write to us here and a member of our team will answer.',
  fr: (phone) =>
    phone
      ? `Désolés, nous n’avons pas pu lire cette réponse. Écrivez-nous ici ou appelez-nous au ${phone}.`
      : 'Désolés, nous n’avons pas pu lire cette réponse. Écrivez-nous ici et un membre de notre équipe vous répondra.',
};
