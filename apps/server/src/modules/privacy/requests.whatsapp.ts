import { systemActor } from '../../platform/access.js';
import type { AppContext } from '../../context.js';
import { type Tx, inPractice, practiceTimeZone } from '../../platform/tenancy.js';
import { assistantSettingsIn } from '../assistant/settings.service.js';
import {
  type InboundForAssistant,
  handOverToStaff,
  ownerNow,
  queueAssistantReplies,
  readInboundForAssistant,
  wakeOutbox,
} from '../messaging/assistant-channel.service.js';
import type { RightsRequestConfirmed } from '../assistant/assistant.events.js';
import { readRightsRequest } from '../assistant/understand.service.js';
import type { InboundMessageStored } from '../messaging/messaging.events.js';
import { findPatientsByPhone } from '../patients/patients.service.js';
import { recordWhatsAppRightsRequestIn } from './whatsapp-requests.service.js';

/**
 * "I want a copy of my data", "supprimez mes données", "mo le enn kopi mo bann done": a rights
 * request written on WhatsApp, read by the booking assistant's rules (its understand.service:
 * one reading of a message, whoever answers it), and recorded here for the practice to answer.
 * - While the assistant answers the number, it says the request back, asks whom it is for on a
 *   shared number, and once the patient confirms announces rightsRequestConfirmed:
 *   answerConfirmedRightsRequest records it and tells the patient by when it is answered.
 * - While it is off, or a person owns the conversation (the assistant is silent then),
 *   answerRightsRequestMessage (a listener of messaging's inboundMessageStored) records it at
 *   once for every patient of the number, and hands the conversation to a person
 *   (the desk verifies the identity and answers questions). So a patient's request never depends
 *   on the assistant being switched on; messaging knows of neither.
 * Either way the request is received when the patient wrote it, carries their words, and is
 * recorded once per patient, kind and message (whatsapp-requests.service.ts). A number that
 * matches no patient is handed to a person with a short reply, nothing recorded.
 */

type ReplyLanguage = 'en' | 'fr' | 'mfe';

const CHECK_AND_DUE = {
  en: (due: string) =>
    `Someone from the practice will first check that it is really you (for example by asking you to show your ID at the desk), then answer by ${due} at the latest.`,
  fr: (due: string) =>
    `Le cabinet vérifiera d'abord qu'il s'agit bien de vous (par exemple en vous demandant une pièce d'identité à l'accueil), puis vous répondra au plus tard le ${due}.`,
  mfe: (due: string) =>
    `Klinik-la pou verifye dabor ki se vremem ou (par egzanp zot pou demann ou lakart idantite kot resepsion), apre zot pou reponn ou pa pli tar ki ${due}.`,
};

const REPLY = {
  en: {
    recorded: (what: string, due: string) => `We have received your request for ${what}. ${CHECK_AND_DUE.en(due)}`,
    personNext: 'A person from the practice will reply here; you can also call or come to the desk.',
    access: 'a copy of your data',
    deletion: 'the deletion of your data',
    correction: 'a correction of your details',
    restriction: 'us to stop using your data',
    unknown:
      'We could not find your record from this number. A person from the practice will reply here to help you with your request.',
  },
  fr: {
    recorded: (what: string, due: string) => `Nous avons bien reçu votre demande de ${what}. ${CHECK_AND_DUE.fr(due)}`,
    personNext: "Une personne du cabinet vous répondra ici ; vous pouvez aussi appeler ou passer à l'accueil.",
    access: 'copie de vos données',
    deletion: 'suppression de vos données',
    correction: 'correction de vos coordonnées',
    restriction: "limitation de l'usage de vos données",
    unknown:
      "Nous n'avons pas trouvé votre dossier à partir de ce numéro. Une personne du cabinet vous répondra ici pour vous aider.",
  },
  mfe: {
    recorded: (what: string, due: string) => `Nou finn gagn ou demann pou ${what}. ${CHECK_AND_DUE.mfe(due)}`,
    personNext: 'Enn dimoun dan klinik-la pou reponn ou isi; ou kapav osi telefone ouswa pas kot resepsion.',
    access: 'enn kopi ou bann done',
    deletion: 'efas ou bann done',
    correction: 'koriz ou bann detay',
    restriction: 'aret servi ou bann done',
    unknown:
      'Nou pa finn trouv ou dosie avek sa nimero-la. Enn dimoun dan klinik-la pou reponn ou isi pou ed ou avek ou demann.',
  },
};

const CREOLE_MONTHS = [
  'Zanvie',
  'Fevriye',
  'Mars',
  'Avril',
  'Me',
  'Zin',
  'Zilye',
  'Out',
  'Septam',
  'Oktob',
  'Novam',
  'Desam',
];

/** "6 January 2027", "6 janvier 2027", "6 Zanvie 2027", in the practice's zone. */
function sayDue(dueAt: Date, language: ReplyLanguage, timeZone: string): string {
  if (language !== 'mfe')
    return new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long', timeZone }).format(
      dueAt,
    );
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'numeric', year: 'numeric', timeZone })
      .formatToParts(dueAt)
      .map((p) => [p.type, p.value]),
  );
  return `${Number(parts.day)} ${CREOLE_MONTHS[Number(parts.month) - 1]} ${parts.year}`;
}

/**
 * Who answers this message in the chat: the booking assistant when it is switched on for the
 * practice and its number and owns the conversation (the assistant's own ownerNow, with its idle
 * hours), a person when they own it (not lapsed), else nobody in particular (the assistant off).
 */
async function whoAnswers(
  tx: Tx,
  practiceId: string,
  conversation: InboundForAssistant['conversation'],
  now: Date,
): Promise<'assistant' | 'person' | 'nobody'> {
  const settings = await assistantSettingsIn(tx, practiceId);
  const owner = ownerNow(conversation, now, settings.handoverIdleHours);
  if (owner === 'staff') return 'person';
  return conversation.assistantActive && settings.enabled ? 'assistant' : 'nobody';
}

/**
 * The listener: acts only on a text that is a rights request that the assistant does not answer
 * (it is off for the number, or a person owns the conversation: the assistant is silent then).
 * It records the request, answers with its due date unless a person has the chat, and hands the
 * chat to a person (the inbox shows the patient waiting).
 */
export async function answerRightsRequestMessage(ctx: AppContext, event: InboundMessageStored): Promise<void> {
  if (event.contentType !== undefined && event.contentType !== 'text') return;
  const read = {
    conversationId: event.conversationId,
    messageId: event.messageId,
    masterKey: ctx.config.encryptionKey,
  };
  // A look without the conversation's lock first: nearly every message is not a rights request,
  // and this listener must not hold up the assistant's answer to it.
  const looked = await inPractice(ctx.db, event.practiceId, (tx) =>
    readInboundForAssistant(tx, { ...read, lock: false }),
  );
  if (!looked?.message) return;
  const said = looked.message.content as { type?: string; body?: string };
  if (said.type !== 'text' || !readRightsRequest(said.body ?? '')) return;
  const queued = await inPractice(ctx.db, event.practiceId, async (tx) => {
    // Under the conversation's lock, as the assistant decides whether it answers.
    const inbound = await readInboundForAssistant(tx, read);
    if (!inbound?.message) return 0;
    const answers = await whoAnswers(tx, event.practiceId, inbound.conversation, new Date());
    if (answers === 'assistant') return 0;
    const content = inbound.message.content as { type?: string; body?: string };
    if (content.type !== 'text') return 0;
    const intent = readRightsRequest(content.body ?? '');
    if (!intent) return 0;
    const language: ReplyLanguage = intent.language;
    const e164 = inbound.conversation.e164;
    const patients = e164 ? await findPatientsByPhone(tx, event.practiceId, e164) : [];
    // A number that matches no patient: nothing to record against; a person answers.
    const recorded =
      patients.length > 0
        ? await recordWhatsAppRightsRequestIn(tx, {
            actor: systemActor('whatsapp'),
            practiceId: event.practiceId,
            patientIds: patients.map((p) => p.id),
            type: intent.type,
            words: content.body ?? '',
            receivedAt: inbound.message.occurredAt,
            sharedNumber: patients.length > 1,
          })
        : null;
    const words = REPLY[language];
    const timeZone = await practiceTimeZone(tx, event.practiceId);
    const body = recorded
      ? `${words.recorded(words[intent.type], sayDue(recorded.dueAt, language, timeZone))} ${words.personNext}`
      : words.unknown;
    // While a person has the chat nothing automatic is said into it: they answer (told below).
    const n =
      answers === 'person'
        ? 0
        : await queueAssistantReplies(tx, {
            masterKey: ctx.config.encryptionKey,
            practiceId: event.practiceId,
            conversation: inbound.conversation,
            replies: [{ type: 'text', body }],
            idempotencyKey: `privacy-request:${event.messageId}`,
          });
    await handOverToStaff(tx, {
      practiceId: event.practiceId,
      conversationId: inbound.conversation.id,
      reason: 'asked',
      at: new Date(),
    });
    return n;
  });
  if (queued > 0) wakeOutbox(ctx);
}

/**
 * The listener of the assistant's rightsRequestConfirmed: the patient confirmed the request in the
 * chat. It is recorded for the patients named who are still this number's, with the words and time
 * of the message that asked, and the patient is told by when it is answered; the conversation stays
 * the assistant's (a person answers the request itself, not the chat).
 */
export async function answerConfirmedRightsRequest(ctx: AppContext, event: RightsRequestConfirmed): Promise<void> {
  const queued = await inPractice(ctx.db, event.practiceId, async (tx) => {
    const asked = await readInboundForAssistant(tx, {
      masterKey: ctx.config.encryptionKey,
      conversationId: event.conversationId,
      messageId: event.requestMessageId,
    });
    if (!asked?.message) return 0;
    const content = asked.message.content as { type?: string; body?: string };
    const e164 = asked.conversation.e164;
    const ofNumber = e164 ? await findPatientsByPhone(tx, event.practiceId, e164) : [];
    const patientIds = event.patientIds.filter((id) => ofNumber.some((p) => p.id === id));
    if (patientIds.length === 0) return 0;
    const recorded = await recordWhatsAppRightsRequestIn(tx, {
      actor: systemActor('assistant'),
      practiceId: event.practiceId,
      patientIds,
      type: event.type,
      words: content.type === 'text' ? (content.body ?? '') : '',
      receivedAt: asked.message.occurredAt,
      sharedNumber: ofNumber.length > 1,
    });
    const timeZone = await practiceTimeZone(tx, event.practiceId);
    const words = REPLY[event.language];
    return queueAssistantReplies(tx, {
      masterKey: ctx.config.encryptionKey,
      practiceId: event.practiceId,
      conversation: asked.conversation,
      replies: [
        { type: 'text', body: words.recorded(words[event.type], sayDue(recorded.dueAt, event.language, timeZone)) },
      ],
      idempotencyKey: `privacy-request-confirmed:${event.requestMessageId}:${event.type}`,
    });
  });
  if (queued > 0) wakeOutbox(ctx);
}
