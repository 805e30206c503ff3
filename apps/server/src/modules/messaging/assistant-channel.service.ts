import type { ConversationDetail, ConversationOwner, HandoverReason, MessageContent } from '@dentalpro/contracts';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Actor } from '../../platform/access.js';
import { publishEvent } from '../../platform/jobs.js';
import type { Tx } from '../../platform/tenancy.js';
import { type AssistantReply, contentOf, graphMessageOf, replyProblems } from './assistant-replies.js';
import { SERVICE_WINDOW_MS, updateConversation } from './conversations.service.js';
import { openContent, openerIn } from './message-words.js';
import { conversationHandedOver } from './messaging.events.js';
import { OUTBOX_SIGNAL } from './messaging.runtime.js';
import { optInConversation, optOutConversation } from './opt-outs.js';
import { queueOutboundMessage } from './outbound.service.js';
import { conversationChangedAtCommit, markHandover, takeBackLapsed } from './ownership.js';

/**
 * What the WhatsApp channel offers the booking assistant (modules/assistant), and the only
 * messaging file it imports. The assistant listens for `inboundMessageStored`; messaging never
 * imports it. Unless said otherwise, functions take a transaction already bound to the practice
 * (`inPractice`), so that what the assistant reads, decides and queues commits together.
 *
 * A turn of the assistant reads: readInboundForAssistant → ownerNow (silent while a person owns
 * it) → … → queueAssistantReplies, then handOverToStaff if it hands over (replies first: the
 * handover's last words are the assistant's) → commit → wakeOutbox.
 */

export type { AssistantReply } from './assistant-replies.js';
export { WHATSAPP_LIMITS, replyProblems } from './assistant-replies.js';
export { DEFAULT_STAFF_IDLE_HOURS, type OwnershipFacts, ownerNow } from './ownership.js';
export type { ConversationOwner, HandoverReason };

export interface InboundForAssistant {
  conversation: {
    id: string;
    channelId: string;
    /** The patient's WhatsApp number, digits with country code; null for a username-only contact. */
    waId: string | null;
    /** The same number in E.164 (`+230…`), for the patients module's phone lookup. */
    e164: string | null;
    profileName: string;
    patientId: string | null;
    owner: ConversationOwner;
    /** When the current owner took the conversation (null: never changed). */
    ownerSince: Date | null;
    /** Since when the patient has waited for a person; null when nobody is waited for. */
    handoverAt: Date | null;
    /** The conversation's latest message, either direction (this one included). */
    lastMessageAt: Date;
    /** The latest message before the one being answered (either direction); null for the first. */
    previousMessageAt: Date | null;
    /** The patient's latest message: the 24-hour window runs from it. */
    lastInboundAt: Date | null;
    optedOut: boolean;
    /** The practice switched the assistant on for this number. */
    assistantActive: boolean;
  };
  /** Null when no message was asked for (an idle conversation's expiry, say). */
  message: { id: string; occurredAt: Date; content: MessageContent; contextWamid: string | null } | null;
}

/**
 * The conversation and the patient's message the assistant is to answer, with the conversation
 * row locked until the transaction ends, so two messages of one patient are handled one after the
 * other. Null when the conversation does not exist (in this practice) or the message is not a
 * patient's message of it. `lock: false` reads without the lock, for a listener that only looks
 * first (most messages are not for it) and must not hold up the assistant meanwhile.
 */
export async function readInboundForAssistant(
  tx: Tx,
  input: { conversationId: string; lock?: boolean } & (
    | { messageId?: undefined }
    /** masterKey (ENCRYPTION_KEY) opens the message's words (message-words.ts). */
    | { messageId: string | null | undefined; masterKey: Buffer }
  ),
): Promise<InboundForAssistant | null> {
  // The conversation (locked), its number's switch and the message, with the one before it, at once.
  const { rows } = await sql<{
    id: string;
    practiceId: string;
    channelId: string;
    waId: string | null;
    profileName: string;
    patientId: string | null;
    owner: ConversationOwner;
    ownerSince: Date | null;
    handoverAt: Date | null;
    lastMessageAt: Date;
    lastInboundAt: Date | null;
    optedOutAt: Date | null;
    assistantActive: boolean | null;
    messageId: string | null;
    occurredAt: Date | null;
    content: MessageContent | null;
    sealed: Buffer | null;
    contextWamid: string | null;
    previousAt: Date | null;
  }>`
    SELECT c.id, c.practice_id, c.channel_id, c.wa_id, c.profile_name, c.patient_id, c.owner, c.owner_since, c.handover_at,
      c.last_message_at, c.last_inbound_at, c.opted_out_at, ch.assistant_active,
      m.id AS message_id, m.occurred_at, m.content, m.sealed, m.context_wamid,
      (SELECT p.occurred_at FROM whatsapp_messages p
        WHERE m.id IS NOT NULL AND p.conversation_id = m.conversation_id
          AND (p.occurred_at, p.created_at, p.id) < (m.occurred_at, m.created_at, m.id)
        ORDER BY p.occurred_at DESC, p.created_at DESC, p.id DESC LIMIT 1) AS previous_at
    FROM whatsapp_conversations c
    LEFT JOIN whatsapp_channels ch ON ch.id = c.channel_id
    LEFT JOIN whatsapp_messages m ON m.id = ${input.messageId ?? null}::uuid AND m.conversation_id = c.id
      AND m.direction = 'inbound' AND m.origin = 'patient'
    WHERE c.id = ${input.conversationId}
    ${input.lock === false ? sql`` : sql`FOR UPDATE OF c`}`.execute(tx);
  const c = rows[0];
  if (!c) return null;
  let message: InboundForAssistant['message'] = null;
  let previousMessageAt: Date | null = c.lastMessageAt;
  if (input.messageId) {
    if (!c.messageId || !c.occurredAt || !c.content || !('masterKey' in input)) return null;
    const content = await openContent(openerIn(tx, input.masterKey, c.practiceId), {
      id: c.messageId,
      content: c.content,
      sealed: c.sealed,
    });
    message = { id: c.messageId, occurredAt: c.occurredAt, content, contextWamid: c.contextWamid };
    previousMessageAt = c.previousAt;
  }
  return {
    conversation: {
      id: c.id,
      channelId: c.channelId,
      waId: c.waId,
      // A wa_id is the number's digits with its country code; E.164 allows 15 digits at most.
      e164: c.waId && /^[1-9][0-9]{6,14}$/.test(c.waId) ? `+${c.waId}` : null,
      profileName: c.profileName,
      patientId: c.patientId,
      owner: c.owner,
      ownerSince: c.ownerSince,
      handoverAt: c.handoverAt,
      lastMessageAt: c.lastMessageAt,
      previousMessageAt,
      lastInboundAt: c.lastInboundAt,
      optedOut: c.optedOutAt !== null,
      assistantActive: c.assistantActive ?? false,
    },
    message,
  };
}

/**
 * Queues the assistant's replies, in order, each an outbound message of origin 'assistant' in
 * the transactional outbox, keyed `${idempotencyKey}:${index}`: a turn handled twice queues
 * nothing the second time. Returns how many were queued now.
 *
 * Nothing is queued (0) outside the 24-hour window (Meta refuses free-form messages then), for a
 * contact without a number, or while a person has the conversation: if the caller found that the
 * person's ownership lapsed (ownerNow), the conversation becomes the assistant's here, unless the
 * patient waits for a person or a person took it over or answered since the patient's last
 * message (they win the race). A reply past WhatsApp's limits is a bug of the caller: it throws.
 * Opted-out patients are answered (they asked); what is queued for them is not marketing.
 */
export async function queueAssistantReplies(
  tx: Tx,
  input: {
    masterKey: Buffer;
    practiceId: string;
    conversation: { id: string; channelId: string; waId: string | null };
    replies: readonly AssistantReply[];
    idempotencyKey: string;
  },
): Promise<number> {
  const { conversation, replies } = input;
  const waId = conversation.waId;
  if (replies.length === 0 || !waId) return 0;
  for (const [index, reply] of replies.entries()) {
    const problems = replyProblems(reply);
    if (problems.length > 0)
      throw new Error(`assistant reply ${index} breaks WhatsApp's limits: ${problems.join('; ')}`);
  }
  const now = new Date();
  const row = await tx
    .selectFrom('whatsappConversations')
    .select(['owner', 'lastInboundAt'])
    .where('id', '=', conversation.id)
    .where('practiceId', '=', input.practiceId)
    .forUpdate()
    .executeTakeFirst();
  if (!row?.lastInboundAt || now.getTime() - row.lastInboundAt.getTime() >= SERVICE_WINDOW_MS) return 0;
  if (row.owner === 'staff') {
    const taken = await takeBackLapsed(tx, { practiceId: input.practiceId, conversationId: conversation.id, at: now });
    if (!taken) return 0;
  }
  const keys = replies.map((_, index) => `${input.idempotencyKey}:${index}`);
  const already = new Set(
    (
      await tx
        .selectFrom('whatsappMessages')
        .select('idempotencyKey')
        .where('practiceId', '=', input.practiceId)
        .where('idempotencyKey', 'in', keys)
        .execute()
    ).map((m) => m.idempotencyKey),
  );
  let queued = 0;
  for (const [index, reply] of replies.entries()) {
    const key = keys[index]!;
    if (already.has(key)) continue;
    await queueOutboundMessage(tx, {
      masterKey: input.masterKey,
      practiceId: input.practiceId,
      conversation: { id: conversation.id, channelId: conversation.channelId, waId },
      origin: 'assistant',
      content: contentOf(reply),
      graphMessage: graphMessageOf(reply),
      idempotencyKey: key,
    });
    queued += 1;
  }
  return queued;
}

/**
 * After the transaction that queued replies commits: wakes this process's outbox sender (other
 * processes find the messages on their next look).
 */
export function wakeOutbox(ctx: AppContext): void {
  ctx.events.signal(OUTBOX_SIGNAL);
}

/**
 * The assistant hands the conversation to a person: staff own it, it is flagged "needs a person"
 * with the reason, and the patient waits from `at` (a conversation already waiting keeps its first
 * time, and an urgent reason stays). Open inboxes refresh it at commit; a conversation that was not
 * waiting yet is announced (conversationHandedOver). Queue the handover's own reply first: once a
 * person owns the conversation the assistant queues nothing.
 */
export async function handOverToStaff(
  tx: Tx,
  input: { practiceId: string; conversationId: string; reason: HandoverReason; at: Date },
): Promise<{ waitingSince: Date; reason: HandoverReason } | null> {
  // Locked until commit: whether the patient was already waiting decides the announcement.
  const before = await tx
    .selectFrom('whatsappConversations')
    .select(['handoverAt', 'patientId'])
    .where('id', '=', input.conversationId)
    .where('practiceId', '=', input.practiceId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) return null;
  const row = await markHandover(tx, input);
  if (!row?.handoverAt || !row.handoverReason) return null;
  if (before.handoverAt === null)
    await publishEvent(tx, conversationHandedOver, {
      practiceId: input.practiceId,
      conversationId: input.conversationId,
      patientId: before.patientId,
      reason: row.handoverReason,
      at: row.handoverAt.toISOString(),
    });
  return { waitingSince: row.handoverAt, reason: row.handoverReason };
}

/**
 * Staff give the conversation back to the assistant: the assistant owns it, the "needs a person"
 * flag, its reason and the wait are cleared. Same permission and audit as any conversation update
 * (HTTP: PATCH …/inbox/conversations/{id} with `{ "owner": "assistant" }`).
 */
export function handBackToAssistant(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; conversationId: string },
): Promise<ConversationDetail> {
  return updateConversation(ctx, { ...input, patch: { owner: 'assistant' } });
}

/**
 * The patient withdrew their consent to WhatsApp messages (STOP, ARRÊT…): what the practice
 * queued on its own initiative (templates, greetings, the assistant's messages) is not sent, and
 * nothing non-essential is started again until they opt back in; every patient on the number gets
 * the withdrawal in the consent ledger (opt-outs.ts). `alreadyOptedOut`: they had opted out before
 * (confirm once).
 */
export async function recordWhatsAppOptOut(
  tx: Tx,
  input: { practiceId: string; conversationId: string; at: Date; wording?: string },
): Promise<{ alreadyOptedOut: boolean; cancelled: number }> {
  const result = await optOutConversation(tx, input);
  if (result.found && (!result.alreadyOptedOut || result.cancelled > 0))
    await conversationChangedAtCommit(tx, input.practiceId, input.conversationId);
  return { alreadyOptedOut: result.alreadyOptedOut, cancelled: result.cancelled };
}

/**
 * The patient subscribed again (START): their opt-out is lifted, their consent dated `at`, and the
 * ledger gets the grant. `wasOptedOut`: false when there was nothing to lift.
 */
export async function recordWhatsAppOptIn(
  tx: Tx,
  input: { practiceId: string; conversationId: string; at: Date; wording?: string },
): Promise<{ wasOptedOut: boolean }> {
  const result = await optInConversation(tx, input);
  if (result.wasOptedOut) await conversationChangedAtCommit(tx, input.practiceId, input.conversationId);
  return result;
}

/**
 * Switches the assistant on or off for the practice's WhatsApp number(s). While it is on, the
 * greeting and away message stay silent (the assistant introduces itself). The caller (the
 * assistant's settings) records the audit event. Returns how many numbers were changed.
 */
export async function setAssistantActive(tx: Tx, input: { practiceId: string; active: boolean }): Promise<number> {
  const rows = await tx
    .updateTable('whatsappChannels')
    .set({ assistantActive: input.active, updatedAt: new Date() })
    .where('practiceId', '=', input.practiceId)
    .where('assistantActive', '!=', input.active)
    .returning('id')
    .execute();
  return rows.length;
}
