import { openingStatusAt } from '../scheduling/opening-status.js';
import type { Tx } from '../../platform/tenancy.js';
import { queueOutboundMessage } from './outbound.service.js';

/**
 * Greeting and away messages, as practices know them from the WhatsApp Business app. Decided
 * in the transaction that records the patient's message, which runs once per message id, so a
 * redelivered webhook can never send them twice.
 */
export const GREETING_SILENCE_MS = 14 * 86_400_000;

export interface AutoReplyChannel {
  id: string;
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

export function greetingDue(conversation: AutoReplyConversation, at: Date): boolean {
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
    practiceId: string;
    channel: AutoReplyChannel;
    conversation: AutoReplyConversation;
    at: Date;
    language: 'en' | 'fr';
  },
): Promise<number> {
  const { channel, conversation, at, language } = input;
  if (!conversation.waId || conversation.optedOutAt) return 0;
  const target = { id: conversation.id, channelId: channel.id, waId: conversation.waId };
  let queued = 0;
  const greeting =
    language === 'fr' ? channel.greetingFr || channel.greetingEn : channel.greetingEn || channel.greetingFr;
  if (channel.greetingEnabled && greeting && greetingDue(conversation, at)) {
    await queueOutboundMessage(tx, {
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
