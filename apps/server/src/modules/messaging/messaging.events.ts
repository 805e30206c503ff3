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
    /**
     * For a tapped button or list row: its id, which is ours (the payload we sent with it, never
     * the patient's words). A listener for its own buttons leaves every other tap unread.
     */
    choiceId: z.string().optional(),
    /**
     * Whether the number's booking assistant was switched on when the message was stored (read
     * with the number for the batch): a listener that answers only while it is off (or on) needs
     * no transaction for the others. Absent on older announcements: read the number to know.
     */
    assistantActive: z.boolean().optional(),
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

/**
 * Meta moved one of a number's approved templates to another category (its
 * `template_category_update` webhook): the registry now holds the new category. A redelivered
 * webhook announces it again; listeners keep their own once-a-day key.
 */
export const templateCategoryChanged = defineEvent(
  'messaging.template_category_changed',
  z.object({
    practiceId: z.uuid(),
    channelId: z.uuid(),
    templateName: z.string(),
    language: z.string(),
    previousCategory: z.string().nullable(),
    newCategory: z.string(),
    at: z.iso.datetime(),
  }),
);
export type TemplateCategoryChanged = z.infer<typeof templateCategoryChanged.schema>;

/**
 * Meta changed the status of one of a number's templates (its `message_template_status_update`
 * webhook): the registry now holds it (PAUSED, DISABLED, APPROVED, REJECTED, ...). Announced again
 * on a redelivery; listeners keep their own once-a-day key.
 */
export const templateStatusChanged = defineEvent(
  'messaging.template_status_changed',
  z.object({
    practiceId: z.uuid(),
    channelId: z.uuid(),
    templateName: z.string(),
    language: z.string(),
    status: z.string(),
    at: z.iso.datetime(),
  }),
);
export type TemplateStatusChanged = z.infer<typeof templateStatusChanged.schema>;
