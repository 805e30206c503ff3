import { isSignedTap } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { patientLanguageIn } from '../patients/patients.service.js';
import { openingStatusAt } from '../scheduling/settings.service.js';
import { openContent, openerIn, openerOutside } from './message-words.js';
import type { InboundMessageStored } from './messaging.events.js';
import { OUTBOX_SIGNAL } from './messaging.runtime.js';
import { recordWhatsAppOptIn, recordWhatsAppOptOut } from './assistant-channel.service.js';
import { queueOutboundMessage } from './outbound.service.js';
import { keywordLanguage, subscriptionConfirmation, subscriptionKeyword } from './subscription-keywords.js';

/**
 * Greeting and away messages, as practices know them from the WhatsApp Business app. They answer
 * the event of a patient's message stored (once per message id: a redelivered webhook stores
 * nothing and announces nothing). The handler may run twice after a crash; the conversation's
 * greetedAt and awaySentAt, written with the replies, make the second run send nothing.
 */
export const GREETING_SILENCE_MS = 14 * 86_400_000;

export interface AutoReplyChannel {
  id: string;
  /** The booking assistant answers this number: it introduces itself, so neither reply is sent. */
  assistantActive: boolean;
  greetingEnabled: boolean;
  greetingEn: string;
  greetingFr: string;
  awayEnabled: boolean;
  awayEn: string;
  awayFr: string;
}

export interface AutoReplyConversation {
  id: string;
  waId: string | null;
  /** Before this message. */
  lastInboundAt: Date | null;
  greetedAt: Date | null;
  awaySentAt: Date | null;
  optedOutAt: Date | null;
}

/** Whether a message to this number may get a greeting or an away message at all. */
export function autoRepliesOn(channel: Pick<AutoReplyChannel, 'assistantActive' | 'greetingEnabled' | 'awayEnabled'>) {
  return !channel.assistantActive && (channel.greetingEnabled || channel.awayEnabled);
}

export function greetingDue(conversation: AutoReplyConversation, at: Date): boolean {
  // Already greeted for this message (or a later one).
  if (conversation.greetedAt && conversation.greetedAt >= at) return false;
  const silentSince = conversation.lastInboundAt ?? conversation.greetedAt;
  return silentSince === null || at.getTime() - silentSince.getTime() >= GREETING_SILENCE_MS;
}

/** French when the patient's record says so (Creole speakers read French) or their words look French. */
export function replyLanguage(preferred: string | null, text: string | null): 'en' | 'fr' {
  if (preferred === 'fr' || preferred === 'mfe') return 'fr';
  if (preferred === 'en') return 'en';
  return text && /\b(bonjour|bonsoir|merci|je|voudrais|rendez-vous|oui|svp|s'il|mo|ou|bonzour|mersi)\b/i.test(text)
    ? 'fr'
    : 'en';
}

export async function queueAutoReplies(
  tx: Tx,
  input: {
    masterKey: Buffer;
    practiceId: string;
    channel: AutoReplyChannel;
    conversation: AutoReplyConversation;
    at: Date;
    language: 'en' | 'fr';
  },
): Promise<number> {
  const { channel, conversation, at, language } = input;
  if (!conversation.waId || conversation.optedOutAt || !autoRepliesOn(channel)) return 0;
  const target = { id: conversation.id, channelId: channel.id, waId: conversation.waId };
  let queued = 0;
  const greeting =
    language === 'fr' ? channel.greetingFr || channel.greetingEn : channel.greetingEn || channel.greetingFr;
  if (channel.greetingEnabled && greeting && greetingDue(conversation, at)) {
    await queueOutboundMessage(tx, {
      masterKey: input.masterKey,
      practiceId: input.practiceId,
      conversation: target,
      origin: 'greeting',
      content: { type: 'text', body: greeting },
      graphMessage: { type: 'text', text: { body: greeting } },
    });
    await tx.updateTable('whatsappConversations').set({ greetedAt: at }).where('id', '=', conversation.id).execute();
    queued += 1;
  }
  const away = language === 'fr' ? channel.awayFr || channel.awayEn : channel.awayEn || channel.awayFr;
  if (channel.awayEnabled && away) {
    const status = await openingStatusAt(tx, input.practiceId, at);
    const alreadyThisSpell =
      conversation.awaySentAt && (!status.lastClosedAt || conversation.awaySentAt >= status.lastClosedAt);
    if (status.configured && !status.open && !alreadyThisSpell) {
      await queueOutboundMessage(tx, {
        masterKey: input.masterKey,
        practiceId: input.practiceId,
        conversation: target,
        origin: 'away',
        content: { type: 'text', body: away },
        graphMessage: { type: 'text', text: { body: away } },
      });
      await tx.updateTable('whatsappConversations').set({ awaySentAt: at }).where('id', '=', conversation.id).execute();
      queued += 1;
    }
  }
  return queued;
}

/**
 * The patient wrote STOP or START alone: the opt-out (queued non-essential messages cancelled)
 * or the opt-in is recorded, and confirmed once — a STOP repeated gets no second confirmation.
 */
async function answerSubscriptionKeyword(
  ctx: AppContext,
  event: InboundMessageStored,
  keyword: 'stop' | 'start',
  text: string,
): Promise<void> {
  const at = new Date(event.occurredAt);
  const queued = await inPractice(ctx.db, event.practiceId, async (tx) => {
    const input = { practiceId: event.practiceId, conversationId: event.conversationId, at, wording: text };
    const changed =
      keyword === 'stop'
        ? !(await recordWhatsAppOptOut(tx, input)).alreadyOptedOut
        : (await recordWhatsAppOptIn(tx, input)).wasOptedOut;
    if (!changed) return 0;
    const conversation = await tx
      .selectFrom('whatsappConversations')
      .select(['id', 'channelId', 'waId', 'patientId'])
      .where('id', '=', event.conversationId)
      .executeTakeFirstOrThrow();
    if (!conversation.waId) return 0;
    const preferred = conversation.patientId ? await patientLanguageIn(tx, conversation.patientId) : null;
    const language = keywordLanguage(text) ?? replyLanguage(preferred === 'en' ? null : preferred, text);
    const body = subscriptionConfirmation(keyword, language);
    await queueOutboundMessage(tx, {
      masterKey: ctx.config.encryptionKey,
      practiceId: event.practiceId,
      conversation: { id: conversation.id, channelId: conversation.channelId, waId: conversation.waId },
      origin: 'system',
      content: { type: 'text', body },
      graphMessage: { type: 'text', text: { body } },
      idempotencyKey: `subscription:${event.messageId}`,
    });
    return 1;
  });
  if (queued > 0) ctx.events.signal(OUTBOX_SIGNAL);
}

/**
 * The listener of inboundMessageStored: queues the greeting and the away message when due. The
 * conversation row is locked first, so two messages of one patient are answered one after the
 * other and never both get the away message.
 */
export async function answerWithAutoReplies(ctx: AppContext, event: InboundMessageStored): Promise<void> {
  const at = new Date(event.occurredAt);
  // The number's settings first, outside a transaction (most messages arrive with neither reply
  // switched on, and then nothing is locked or written); the practice is named in the query.
  const channel = await ctx.db
    .selectFrom('whatsappChannels')
    .innerJoin('whatsappConversations', 'whatsappConversations.channelId', 'whatsappChannels.id')
    .leftJoin('whatsappMessages', (j) =>
      j
        .onRef('whatsappMessages.conversationId', '=', 'whatsappConversations.id')
        .on('whatsappMessages.id', '=', event.messageId),
    )
    .select([
      'whatsappChannels.id',
      'assistantActive',
      'greetingEnabled',
      'greetingEn',
      'greetingFr',
      'awayEnabled',
      'awayEn',
      'awayFr',
      'whatsappMessages.content',
      'whatsappMessages.sealed',
    ])
    .where('whatsappConversations.id', '=', event.conversationId)
    .where('whatsappConversations.practiceId', '=', event.practiceId)
    .executeTakeFirst();
  if (!channel) return;
  // STOP and START are the channel's to read while the assistant is off (it reads them when on).
  // The words are opened only for a text the channel reads (message-words.ts).
  const shape = channel.content as { type?: string } | null;
  const written = (
    !channel.assistantActive && shape?.type === 'text'
      ? await openContent(openerOutside(ctx.db, ctx.config.encryptionKey, event.practiceId), {
          id: event.messageId,
          content: shape,
          sealed: channel.sealed,
        })
      : shape
  ) as { type?: string; body?: string } | null;
  const keyword = !channel.assistantActive && written?.type === 'text' ? subscriptionKeyword(written.body ?? '') : null;
  if (keyword) {
    await answerSubscriptionKeyword(ctx, event, keyword, written?.body ?? '');
    return;
  }
  if (!autoRepliesOn(channel)) return;
  // A tap on one of our signed buttons (a reminder's, privacy's invitation) is answered by its module, not greeted.
  const tapped = written as { type?: string; choiceId?: string } | null;
  if (tapped?.type === 'choice' && isSignedTap(tapped.choiceId)) return;
  const queued = await inPractice(ctx.db, event.practiceId, async (tx) => {
    const conversation = await tx
      .selectFrom('whatsappConversations')
      .select(['id', 'waId', 'patientId', 'greetedAt', 'awaySentAt', 'optedOutAt'])
      .where('id', '=', event.conversationId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const message = await tx
      .selectFrom('whatsappMessages')
      .select(['id', 'content', 'sealed'])
      .where('id', '=', event.messageId)
      .executeTakeFirst();
    const content = (
      message && (message.content as { type?: string }).type === 'text'
        ? await openContent(openerIn(tx, ctx.config.encryptionKey, event.practiceId), message)
        : message?.content
    ) as { type?: string; body?: string } | undefined;
    const preferred = conversation.patientId ? await patientLanguageIn(tx, conversation.patientId) : null;
    return queueAutoReplies(tx, {
      masterKey: ctx.config.encryptionKey,
      practiceId: event.practiceId,
      channel,
      conversation: {
        ...conversation,
        lastInboundAt: event.previousInboundAt ? new Date(event.previousInboundAt) : null,
      },
      at,
      language: replyLanguage(preferred, content?.type === 'text' ? (content.body ?? null) : null),
    });
  });
  if (queued > 0) ctx.events.signal(OUTBOX_SIGNAL);
}
