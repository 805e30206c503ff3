import { FailureReason, HandoverReason } from '@dentalpro/contracts';
import { z } from 'zod';
import { defineEvent } from '../../platform/jobs.js';

/**
 * Facts the WhatsApp channel announces (docs/architecture.md lists who listens). Payloads carry
 * ids and times only, never the patient's words: a listener reads what it needs.
 */

/** A patient's message (not a redelivery, not a system notice) was stored in a conversation. */
export const inboundMessageStored = defineEvent(
  'messaging.inbound_message_stored',
  z.object({
    practiceId: z.uuid(),
    conversationId: z.uuid(),
    messageId: z.uuid(),
    /** When the patient sent it (Meta's time). */
    occurredAt: z.iso.datetime(),
    /** The patient's message before this one in the conversation, if any. */
    previousInboundAt: z.iso.datetime().nullable(),
    /**
     * What kind of message it is (`text`, `choice` for a tapped button or list row, `media`, …):
     * a listener that acts on one kind only leaves the others without reading the conversation.
     * Absent on announcements queued before it was added: read the message to know.
     */
    contentType: z.string().optional(),
  }),
);
export type InboundMessageStored = z.infer<typeof inboundMessageStored.schema>;

/**
 * A conversation now waits for a person: the assistant handed it over, or a member flagged it
 * "needs a person" in the inbox (not a second handover of a conversation already waiting).
 * patientId: the patient linked to the conversation; flaggedBy: the member who flagged it, who
 * need not be told what they did themselves.
 */
export const conversationHandedOver = defineEvent(
  'messaging.conversation_handed_over',
  z.object({
    practiceId: z.uuid(),
    conversationId: z.uuid(),
    patientId: z.uuid().nullable(),
    reason: HandoverReason,
    at: z.iso.datetime(),
    flaggedBy: z.uuid().nullable().optional(),
  }),
);
export type ConversationHandedOver = z.infer<typeof conversationHandedOver.schema>;

/**
 * A message the practice sent failed for good: Meta refused it (not retried), reported it failed,
 * or the server stopped mid-send. Not said of messages cancelled before sending (an opt-out).
 */
export const outboundFailed = defineEvent(
  'messaging.outbound_failed',
  z.object({
    practiceId: z.uuid(),
    conversationId: z.uuid(),
    messageId: z.uuid(),
    reason: FailureReason,
  }),
);
export type OutboundFailed = z.infer<typeof outboundFailed.schema>;
