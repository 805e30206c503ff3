import { randomUUID } from 'node:crypto';
import type { MessageContent } from '@dentalpro/contracts';
import { sql } from 'kysely';
import { AppError } from '../../platform/errors.js';
import type { Tx } from '../../platform/tenancy.js';
import { sealMessage } from './message-words.js';

/**
 * The one way a message leaves DentalPro: written as a message row and an outbox row in the
 * caller's transaction (the transactional outbox), sent later by the dispatcher. A caller that
 * may retry passes an idempotency key and gets the first message back.
 */
export interface QueueMessageInput {
  /** ENCRYPTION_KEY: the message's words are sealed with the practice's data key (message-words.ts). */
  masterKey: Buffer;
  /** Chosen by the caller when the request must name the message (a media link does). */
  messageId?: string;
  practiceId: string;
  conversation: { id: string; channelId: string; waId: string };
  origin: 'staff' | 'greeting' | 'away' | 'system' | 'assistant';
  content: MessageContent;
  /** The Graph API message without its envelope: `{ type: 'text', text: { body } }` and so on. */
  graphMessage: Record<string, unknown>;
  sentByUserId?: string | null;
  replyTo?: { messageId: string; wamid: string } | null;
  idempotencyKey?: string | null;
  /** The last moment it is of use: the dispatcher never sends it later (it fails as `too_late`). */
  sendBy?: Date | null;
}

/** The message a caller already queued with this key, if any; a key names one message of one conversation. */
export async function findByIdempotencyKey(
  tx: Tx,
  input: { practiceId: string; conversationId: string; idempotencyKey: string | null | undefined },
) {
  if (!input.idempotencyKey) return undefined;
  const existing = await tx
    .selectFrom('whatsappMessages')
    .selectAll()
    .where('practiceId', '=', input.practiceId)
    .where('idempotencyKey', '=', input.idempotencyKey)
    .executeTakeFirst();
  if (existing && existing.conversationId !== input.conversationId) {
    throw new AppError('validation_failed', {
      errors: [
        {
          path: 'idempotency-key',
          code: 'idempotency_key_reused',
          message: 'This key was used for a message to another conversation',
        },
      ],
    });
  }
  return existing;
}

export async function queueOutboundMessage(tx: Tx, input: QueueMessageInput) {
  const request = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: input.conversation.waId,
    ...(input.replyTo ? { context: { message_id: input.replyTo.wamid } } : {}),
    ...input.graphMessage,
  };
  const id = input.messageId ?? randomUUID();
  const sealed = await sealMessage(tx, input.masterKey, input.practiceId, id, { content: input.content, request });
  // The message, its outbox row and the conversation's latest time in one statement; a key used
  // before inserts nothing (two requests with one key at once: the second waits for the first).
  const message = await tx
    .with('message', (db) =>
      db
        .insertInto('whatsappMessages')
        .values({
          id,
          practiceId: input.practiceId,
          conversationId: input.conversation.id,
          channelId: input.conversation.channelId,
          direction: 'outbound',
          origin: input.origin,
          content: sealed.content,
          sealed: sealed.sealed,
          status: 'queued',
          sentByUserId: input.sentByUserId ?? null,
          replyToMessageId: input.replyTo?.messageId ?? null,
          idempotencyKey: input.idempotencyKey ?? null,
          // The thread's order is decided here, by the database's one clock: a message queued now
          // comes after everything its conversation already holds (the patient's message a greeting
          // answers, stamped with Meta's time or in a transaction that began later), and several
          // queued in one transaction (a greeting then an away message) keep the order they were queued in.
          occurredAt: sql<Date>`greatest(clock_timestamp(), (SELECT max(occurred_at) + interval '1 microsecond' FROM whatsapp_messages WHERE conversation_id = ${input.conversation.id}))`,
          createdAt: sql<Date>`clock_timestamp()`,
        })
        .onConflict((oc) =>
          oc.columns(['practiceId', 'idempotencyKey']).where('idempotencyKey', 'is not', null).doNothing(),
        )
        .returningAll(),
    )
    .with('outbox', (db) =>
      db
        .insertInto('whatsappOutbox')
        .columns(['practiceId', 'channelId', 'conversationId', 'messageId', 'kind', 'sendBy'])
        .expression((eb) =>
          eb
            .selectFrom('message')
            .select(['message.practiceId', 'message.channelId', 'message.conversationId', 'message.id'])
            .select(sql<'message'>`'message'`.as('kind'))
            .select(sql<Date | null>`${input.sendBy ?? null}::timestamptz`.as('sendBy')),
        ),
    )
    .with('latest', (db) =>
      db
        .updateTable('whatsappConversations')
        .from('message')
        .set((eb) => ({ lastMessageAt: eb.ref('message.occurredAt') }))
        .whereRef('whatsappConversations.id', '=', 'message.conversationId'),
    )
    .selectFrom('message')
    .selectAll()
    .executeTakeFirst();
  if (message) return message;
  const existing = await findByIdempotencyKey(tx, {
    practiceId: input.practiceId,
    conversationId: input.conversation.id,
    idempotencyKey: input.idempotencyKey,
  });
  if (!existing) throw new Error('an outbound message was neither inserted nor found by its key');
  return existing;
}

/**
 * A Graph API call about an existing message, through the same outbox: a read receipt (the
 * patient's blue ticks) or fetching the media a patient sent. Queued once per message and kind.
 */
export async function queueGraphCall(
  tx: Tx,
  kind: 'read_receipt' | 'media_download',
  input: { practiceId: string; channelId: string; conversationId: string; messageId: string },
) {
  await tx
    .insertInto('whatsappOutbox')
    .values({ ...input, kind })
    .onConflict((oc) => oc.columns(['messageId', 'kind']).doNothing())
    .execute();
}

/**
 * The patient opted out: what the practice queued on its own initiative (templates, greetings,
 * away messages) is not sent. Staff answers to the patient's own questions stay.
 */
export async function cancelQueuedOnOptOut(tx: Tx, conversationId: string) {
  const cancelled = await tx
    .updateTable('whatsappMessages')
    .set({
      status: 'failed',
      statusAt: new Date(),
      failureReason: 'opted_out',
      failureCode: null,
      failureDetail: 'Not sent: the patient opted out',
    })
    .where('conversationId', '=', conversationId)
    .where('status', '=', 'queued')
    // The request's type is sealed with its words (message-words.ts); content's shape says the same.
    .where((eb) =>
      eb.or([eb('origin', '!=', 'staff'), eb(sql`coalesce(request->>'type', content->>'type')`, '=', 'template')]),
    )
    // Not one whose call is under way: Meta may have it already, and its answer will say so.
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('whatsappOutbox as o')
          .select('o.seq')
          .whereRef('o.messageId', '=', 'whatsappMessages.id')
          .where('o.kind', '=', 'message')
          .where('o.state', '=', 'queued'),
      ),
    )
    .returning('id')
    .execute();
  if (cancelled.length > 0) {
    await tx
      .deleteFrom('whatsappOutbox')
      .where(
        'messageId',
        'in',
        cancelled.map((c) => c.id),
      )
      .where('state', '=', 'queued')
      .execute();
  }
  return cancelled.length;
}

/** Why a sender takes back messages still waiting: the patient withdrew consent, or what they said no longer holds. */
export type WithdrawalCause = 'consent_withdrawn' | 'no_longer_applies';

const WITHDRAWN: Record<WithdrawalCause, { failureReason: string; failureDetail: string }> = {
  consent_withdrawn: { failureReason: 'opted_out', failureDetail: 'Not sent: the patient withdrew their consent' },
  no_longer_applies: {
    failureReason: 'no_longer_applies',
    failureDetail: 'Not sent: what it said no longer applied before it went',
  },
};

/**
 * Cancels these outbound messages if they are still waiting in the outbox (not under way): the
 * patient withdrew consent to what they carry, or they no longer apply. Returns those cancelled.
 */
export async function cancelQueuedMessages(
  tx: Tx,
  messageIds: readonly string[],
  cause: WithdrawalCause = 'consent_withdrawn',
): Promise<{ id: string; conversationId: string; practiceId: string }[]> {
  if (messageIds.length === 0) return [];
  const cancelled = await tx
    .updateTable('whatsappMessages')
    .set({
      status: 'failed',
      statusAt: new Date(),
      failureCode: null,
      ...WITHDRAWN[cause],
    })
    .where('id', 'in', [...new Set(messageIds)])
    .where('direction', '=', 'outbound')
    .where('status', '=', 'queued')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('whatsappOutbox as o')
          .select('o.seq')
          .whereRef('o.messageId', '=', 'whatsappMessages.id')
          .where('o.kind', '=', 'message')
          .where('o.state', '=', 'queued'),
      ),
    )
    .returning(['id', 'conversationId', 'practiceId'])
    .execute();
  if (cancelled.length > 0)
    await tx
      .deleteFrom('whatsappOutbox')
      .where(
        'messageId',
        'in',
        cancelled.map((c) => c.id),
      )
      .where('state', '=', 'queued')
      .execute();
  return cancelled;
}
