import { randomUUID } from 'node:crypto';
import { PRIVACY_PAYLOAD_PREFIX } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, systemActor } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { signedTapCodec, textToUuid, uuidToText } from '../../platform/signed-tap.js';
import { type Tx, inPractice, practiceFactsIn } from '../../platform/tenancy.js';
import { mayContactIn } from '../consent/consent.service.js';
import { readInboundForAssistant, wakeOutbox } from '../messaging/assistant-channel.service.js';
import type { InboundMessageStored } from '../messaging/messaging.events.js';
import { queueTemplateToNumberIn } from '../messaging/outreach.service.js';
import { whatsappContactsIn } from '../patients/contacts.service.js';
import {
  EXPORT_LINK_DAYS,
  type PatientConversation,
  conversationFacts,
  issueLinkIn,
  sendTextIn,
  windowEndsAt,
} from './export-link-sending.js';
import { findRequest, type RequestRow } from './requests.repository.js';
import { requestAudit } from './requests.service.js';

/**
 * The link to a copy of one's data for a patient outside WhatsApp's 24-hour window, where Meta
 * allows only approved templates: the practice sends the utility template `data_copy_ready` (the
 * practice's name and a button, nothing of the patient and not the link), whose button carries a
 * payload we signed naming the invitation. The patient's tap is a message, so the window is open:
 * this module's listener sends the link as text then (issueLinkIn, as staff do inside the window),
 * once per invitation however often it is tapped. A tap after the invitation's 7 days, after the
 * link it sent expired, or once the request is closed gets a plain answer and no link; a payload we
 * did not sign for this practice, or tapped from another conversation, gets nothing.
 */

export const TEMPLATE_NAME = 'data_copy_ready';
type Lang = 'en' | 'fr';

const codec = signedTapCodec<'send'>({
  prefix: `${PRIVACY_PAYLOAD_PREFIX}dc.`,
  purpose: 'dentalpro:privacy-copy-invitations:v1',
  codes: { send: 's' },
});

export function signInvitationPayload(serverSecret: string, practiceId: string, invitationId: string): string {
  return codec.sign(codec.keyOf(serverSecret), practiceId, 'send', [uuidToText(invitationId)]);
}

/** The invitation a payload names, when it is one of ours for this practice and unaltered; null otherwise. */
export function readInvitationPayload(serverSecret: string, practiceId: string, text: string): string | null {
  const read = codec.read(codec.keyOf(serverSecret), practiceId, text, 1);
  return read ? textToUuid(read.parts[0]!) : null;
}

/**
 * Outside the window: the template to the patient's conversation (else to the WhatsApp number on
 * their record, which opens one), in their language (Creole speakers read French, as with the
 * reminders), and the invitation it names, audited as `privacy.export_link_invited`. A number that
 * opted out, or a patient who withdrew WhatsApp messages in the consent ledger, is not sent it
 * (409 whatsapp_opted_out): the template is a message the practice starts.
 */
export async function inviteToLinkIn(
  ctx: AppContext,
  tx: Tx,
  input: {
    actor: Actor;
    practiceId: string;
    request: RequestRow;
    conversation: PatientConversation | null;
    now: Date;
  },
): Promise<{ expiresAt: Date }> {
  const { request } = input;
  if (request.state !== 'in_progress')
    throw new AppError('privacy_request_state', { detail: `The request is ${request.state}: no link is sent` });
  const optedOut = () =>
    new AppError('whatsapp_opted_out', {
      detail: 'The patient does not receive WhatsApp messages from the practice: hand the copy over at the desk',
    });
  if (input.conversation?.optedOut) throw optedOut();
  if (!(await mayContactIn(tx, { patientId: request.patientId, channel: 'whatsapp', purpose: 'appointments' })))
    throw optedOut();
  const contact = (await whatsappContactsIn(tx, [request.patientId])).get(request.patientId);
  const e164 = input.conversation?.e164 ?? contact?.e164 ?? null;
  if (!e164)
    throw new AppError('whatsapp_no_phone', {
      detail: 'The patient has no WhatsApp number on file: hand the copy over at the desk',
    });
  const practice = await practiceFactsIn(tx, input.practiceId);
  const first: Lang = contact?.language === 'en' ? 'en' : 'fr';
  const invitationId = randomUUID();
  const expiresAt = new Date(input.now.getTime() + EXPORT_LINK_DAYS * 86_400_000);
  const sent = await queueTemplateToNumberIn(tx, {
    masterKey: ctx.config.encryptionKey,
    practiceId: input.practiceId,
    e164,
    patientId: request.patientId,
    templateName: TEMPLATE_NAME,
    languages: [first, first === 'en' ? 'fr' : 'en'],
    parameters: () => ({ practice_name: practice?.name ?? '' }),
    payloads: [signInvitationPayload(ctx.config.sessionSecret, input.practiceId, invitationId)],
    idempotencyKey: `privacy-invitation:${invitationId}`,
  });
  if (sent.kind === 'no_channel') throw new AppError('whatsapp_not_configured');
  if (sent.kind === 'opted_out') throw optedOut();
  if (sent.kind === 'not_on_whatsapp')
    throw new AppError('whatsapp_no_phone', {
      detail: 'WhatsApp said this number is not on it: hand the copy over at the desk',
    });
  if (sent.kind === 'template_missing')
    throw new AppError('template_not_found', {
      detail: `The template ${TEMPLATE_NAME} is not approved for the practice's WhatsApp number (submit it to Meta, then sync the templates)`,
    });
  await tx
    .insertInto('privacyExportInvitations')
    .values({
      practiceId: input.practiceId,
      id: invitationId,
      requestId: request.id,
      conversationId: sent.conversationId,
      messageId: sent.messageId,
      language: sent.language === 'en' ? 'en' : 'fr',
      expiresAt,
      createdBy: input.actor.userId,
    })
    .execute();
  await requestAudit(tx, input, request, 'privacy.export_link_invited', {
    invitationId,
    messageId: sent.messageId,
    template: TEMPLATE_NAME,
    language: sent.language,
    expiresAt: expiresAt.toISOString(),
  });
  return { expiresAt };
}

/** The plain answers to a tap that gets no link. */
const ANSWER: Record<Lang, Record<'expired' | 'closed' | 'already' | 'opted_out', string>> = {
  en: {
    expired:
      'This offer has expired, so no link was sent. Please ask the practice to send it again, or collect your copy at the desk.',
    closed: 'This request is closed, so no link was sent. Please contact the practice if you need your data.',
    already: 'The link to your copy was sent above in this chat.',
    opted_out:
      'You asked not to receive WhatsApp messages from us, so no link was sent. Please contact the practice for your copy.',
  },
  fr: {
    expired:
      "Cette offre a expiré : aucun lien n'a été envoyé. Demandez au cabinet de la renvoyer, ou venez chercher votre copie à l'accueil.",
    closed:
      "Cette demande est close : aucun lien n'a été envoyé. Contactez le cabinet si vous avez besoin de vos données.",
    already: 'Le lien vers votre copie a été envoyé plus haut dans cette conversation.',
    opted_out:
      "Vous avez demandé à ne plus recevoir nos messages WhatsApp : aucun lien n'a été envoyé. Contactez le cabinet pour votre copie.",
  },
};

/**
 * The listener of messaging's inboundMessageStored: a tap on the invitation's button. Every other
 * message is left without a transaction when the announcement says what it is.
 */
export async function answerInvitationTap(ctx: AppContext, event: InboundMessageStored): Promise<void> {
  if (event.contentType !== undefined && event.contentType !== 'choice') return;
  if (event.choiceId !== undefined && !event.choiceId.startsWith(PRIVACY_PAYLOAD_PREFIX)) return;
  const { practiceId } = event;
  const now = new Date();
  const queued = await inPractice(ctx.db, practiceId, async (tx) => {
    const inbound = await readInboundForAssistant(tx, {
      masterKey: ctx.config.encryptionKey,
      conversationId: event.conversationId,
      messageId: event.messageId,
      lock: false,
    });
    const content = inbound?.message?.content;
    if (content?.type !== 'choice' || !content.choiceId.startsWith(PRIVACY_PAYLOAD_PREFIX)) return 0;
    const invitationId = readInvitationPayload(ctx.config.sessionSecret, practiceId, content.choiceId);
    if (!invitationId) return 0;
    // Locked: two taps on one invitation are answered one after the other, so the link goes once.
    const invitation = await tx
      .selectFrom('privacyExportInvitations')
      .selectAll()
      .where('id', '=', invitationId)
      .forUpdate()
      .executeTakeFirst();
    // Signed for another conversation (a payload copied elsewhere): nothing, as for a forged one.
    if (!invitation || invitation.conversationId !== event.conversationId) return 0;
    // This very tap was answered already (the job ran again).
    if (invitation.tappedMessageId === event.messageId) return 0;
    const conversation = await conversationFacts(tx, invitation.conversationId);
    if (!conversation) return 0;
    const request = await findRequest(tx, invitation.requestId, { forUpdate: true });
    const lang = invitation.language as Lang;
    const say = (answer: keyof (typeof ANSWER)['en']) =>
      sendTextIn(tx, {
        masterKey: ctx.config.encryptionKey,
        practiceId,
        conversation,
        body: ANSWER[lang][answer],
        idempotencyKey: `privacy-invitation-tap:${event.messageId}`,
      });
    if (request?.state !== 'in_progress' || !request.approvedAt) return say('closed');
    if (invitation.linkId) {
      const link = await tx
        .selectFrom('privacyExportLinks')
        .select('expiresAt')
        .where('id', '=', invitation.linkId)
        .executeTakeFirst();
      return say(!link || link.expiresAt.getTime() <= now.getTime() ? 'expired' : 'already');
    }
    if (invitation.expiresAt.getTime() <= now.getTime()) return say('expired');
    if (conversation.optedOut) return say('opted_out');
    // The tap is the patient's message: the window is open unless it was stored long after it was sent.
    if (!windowEndsAt(conversation, now)) return 0;
    const link = await issueLinkIn(ctx, tx, {
      actor: systemActor('whatsapp'),
      practiceId,
      request,
      conversation,
      now,
      changes: { invitationId: invitation.id, by: 'invitation_tap' },
    });
    await tx
      .updateTable('privacyExportInvitations')
      .set({ linkId: link.linkId, tappedMessageId: event.messageId, tappedAt: now })
      .where('id', '=', invitation.id)
      .execute();
    return link.queued;
  });
  if (queued > 0) wakeOutbox(ctx);
}
