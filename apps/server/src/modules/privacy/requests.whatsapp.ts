import { systemActor } from '../../platform/access.js';
import type { AppContext } from '../../context.js';
import { inPractice, practiceTimeZone } from '../../platform/tenancy.js';
import {
  handOverToStaff,
  queueAssistantReplies,
  readInboundForAssistant,
  wakeOutbox,
} from '../messaging/assistant-channel.service.js';
import type { InboundMessageStored } from '../messaging/messaging.events.js';
import { findPatientsByPhone } from '../patients/patients.service.js';
import { createPrivacyRequestIn } from './requests.service.js';

/**
 * "I want a copy of my data", "supprimez mes données", "mo le enn kopi mo bann done": a rights
 * request written on WhatsApp. While the booking assistant answers the number, it is the
 * assistant's to understand; while it is off, this listener of messaging's inboundMessageStored
 * does it (as the channel reads STOP and START itself), so a patient's request never depends on
 * the assistant being switched on. Messaging does not know of it: privacy listens.
 *
 * A request is recorded for each patient of the number (source whatsapp, received when the patient
 * sent it), the patient is told in their language what happens next and by when, and the
 * conversation is handed to a person (the desk verifies the identity and answers questions).
 * A number that matches no patient is handed to a person with a short reply, nothing recorded.
 */

export type RightsIntent = { type: 'access' | 'deletion'; language: 'en' | 'fr' };

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const MY_DATA =
  /\b(my (personal )?(data|information|info|records?)|mes (donnees|informations|infos)( personnelles)?|mo (bann )?(done|donne|donnee|donnees|enformasion|informasion))\b/;
const COPY = /\b(copy|access|see|export|copie|acces|voir|kopi|get)\b/;
const DELETE =
  /\b(delete|erase|remove|wipe|supprime[rz]?|supprimez|effacer|effacez|efface|efas|efase|tir|tire|retire[rz]?)\b/;
const ENGLISH = /\b(my|copy|delete|erase|remove|data|want|please)\b/;

/** A request for a copy of, or the deletion of, the writer's data; null for anything else. */
export function rightsIntent(text: string): RightsIntent | null {
  if (text.length > 200) return null;
  const folded = fold(text);
  if (!MY_DATA.test(folded)) return null;
  const language = ENGLISH.test(folded) ? 'en' : 'fr';
  if (DELETE.test(folded)) return { type: 'deletion', language };
  if (COPY.test(folded)) return { type: 'access', language };
  return null;
}

const REPLY = {
  en: {
    recorded: (what: string, due: string) =>
      `We have received your request for ${what}. Someone from the practice will first check that it is really you (for example by asking you to show your ID at the desk), then answer by ${due} at the latest. A person from the practice will reply here; you can also call or come to the desk.`,
    access: 'a copy of your data',
    deletion: 'the deletion of your data',
    unknown:
      'We could not find your record from this number. A person from the practice will reply here to help you with your request.',
  },
  fr: {
    recorded: (what: string, due: string) =>
      `Nous avons bien reçu votre demande de ${what}. Le cabinet vérifiera d'abord qu'il s'agit bien de vous (par exemple en vous demandant une pièce d'identité à l'accueil), puis vous répondra au plus tard le ${due}. Une personne du cabinet vous répondra ici ; vous pouvez aussi appeler ou passer à l'accueil.`,
    access: 'copie de vos données',
    deletion: 'suppression de vos données',
    unknown:
      "Nous n'avons pas trouvé votre dossier à partir de ce numéro. Une personne du cabinet vous répondra ici pour vous aider.",
  },
};

/** The listener: acts only on a text that is a rights request, on a number whose assistant is off. */
export async function answerRightsRequestMessage(ctx: AppContext, event: InboundMessageStored): Promise<void> {
  if (event.contentType !== undefined && event.contentType !== 'text') return;
  const read = { conversationId: event.conversationId, messageId: event.messageId };
  // A look without the conversation's lock first: nearly every message is not a rights request,
  // and this listener must not hold up the assistant's answer to it.
  const looked = await inPractice(ctx.db, event.practiceId, (tx) =>
    readInboundForAssistant(tx, { ...read, lock: false }),
  );
  if (!looked?.message || looked.conversation.assistantActive) return;
  const said = looked.message.content as { type?: string; body?: string };
  if (said.type !== 'text' || !rightsIntent(said.body ?? '')) return;
  const queued = await inPractice(ctx.db, event.practiceId, async (tx) => {
    const inbound = await readInboundForAssistant(tx, read);
    if (!inbound?.message || inbound.conversation.assistantActive) return 0;
    const content = inbound.message.content as { type?: string; body?: string };
    if (content.type !== 'text') return 0;
    const intent = rightsIntent(content.body ?? '');
    if (!intent) return 0;
    const e164 = inbound.conversation.e164;
    const patients = e164 ? await findPatientsByPhone(tx, event.practiceId, e164) : [];
    const receivedAt = inbound.message.occurredAt;
    let dueAt: string | null = null;
    for (const patient of patients) {
      const existing = await tx
        .selectFrom('privacyRequests')
        .select(['id', 'dueAt'])
        .where('patientId', '=', patient.id)
        .where('type', '=', intent.type)
        .where('source', '=', 'whatsapp')
        .where('receivedAt', '=', receivedAt)
        .executeTakeFirst();
      if (existing) {
        dueAt = existing.dueAt.toISOString();
        continue;
      }
      const created = await createPrivacyRequestIn(tx, {
        actor: systemActor('whatsapp'),
        practiceId: event.practiceId,
        request: {
          patientId: patient.id,
          type: intent.type,
          source: 'whatsapp',
          receivedAt: receivedAt.toISOString(),
          note:
            patients.length > 1 ? 'Asked on WhatsApp from a number shared by several patients' : 'Asked on WhatsApp',
        },
        now: new Date(Math.max(Date.now(), receivedAt.getTime())),
      });
      dueAt = created.dueAt;
    }
    const words = REPLY[intent.language];
    const timeZone = await practiceTimeZone(tx, event.practiceId);
    const due = dueAt
      ? new Intl.DateTimeFormat(intent.language === 'fr' ? 'fr-FR' : 'en-GB', {
          dateStyle: 'long',
          timeZone,
        }).format(new Date(dueAt))
      : '';
    const body = patients.length > 0 ? words.recorded(words[intent.type], due) : words.unknown;
    const n = await queueAssistantReplies(tx, {
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
