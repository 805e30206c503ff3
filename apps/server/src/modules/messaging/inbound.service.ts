import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { publishEvent } from '../../platform/jobs.js';
import { inPractice, type Tx } from '../../platform/tenancy.js';
import { findPatientsByPhone } from '../patients/patients.service.js';
import { applyAccountUpdates } from './account-updates.js';
import { openWebhookBody, sealMessage } from './message-words.js';
import { inboundMessageStored } from './messaging.events.js';
import { applyStatusUpdate } from './statuses.js';
import { queueGraphCall } from './outbound.service.js';
import { clearNotOnWhatsAppIn } from './reachability.js';
import {
  type InboundMessage,
  type WebhookChange,
  isWhatsAppEnvelope,
  parseStoredBody,
  parseWebhook,
} from './webhook.parse.js';

/**
 * Processing of stored webhook deliveries, after Meta has had its 200. Deliveries are claimed
 * with SKIP LOCKED; a claim that runs out (a crashed process) is taken over, and everything
 * below is idempotent (message ids and status ids are unique), so a delivery processed twice
 * changes nothing the second time.
 */
const CLAIM_SECONDS = 60;
const MAX_ATTEMPTS = 8;

export interface InboxNotice {
  practiceId: string;
  conversationId: string;
  messageId?: string;
}

export async function processWebhookDeliveries(
  ctx: AppContext,
  limit = 200,
  laneCount = LANES,
): Promise<{ processed: number; notices: InboxNotice[]; outboxQueued: boolean }> {
  const stored = await sql<{ id: number; body: string | null; bodySealed: Buffer | null; attempts: number }>`
    UPDATE whatsapp_webhook_deliveries SET claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS}), attempts = attempts + 1
    WHERE id IN (
      SELECT id FROM whatsapp_webhook_deliveries
      WHERE processed_at IS NULL AND dead_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
      ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, body, body_sealed, attempts`.execute(ctx.db);
  // Opened once here (message-words.ts); a body that does not open fails like any other.
  const claimed = { rows: stored.rows.map((d) => ({ id: d.id, attempts: d.attempts, body: readBody(ctx, d) })) };
  const notices: InboxNotice[] = [];
  let outboxQueued = false;
  // Numbers looked up once per batch: a burst usually names one or two.
  const channels = new Map<string, Promise<Channel | undefined>>();
  const channelOf = (phoneNumberId: string) => {
    let found = channels.get(phoneNumberId);
    if (!found) {
      found = ctx.db
        .selectFrom('whatsappChannels')
        .select(['id', 'practiceId', 'assistantActive'])
        .where('phoneNumberId', '=', phoneNumberId)
        .executeTakeFirst();
      channels.set(phoneNumberId, found);
    }
    return found;
  };
  const processed: number[] = [];
  const handle = async (delivery: { id: number; body: string; attempts: number }) => {
    try {
      const result = await processDelivery(ctx, delivery.id, delivery.body, channelOf);
      notices.push(...result.notices);
      outboxQueued ||= result.outboxQueued;
      processed.push(delivery.id);
    } catch (err) {
      const dead = delivery.attempts >= MAX_ATTEMPTS;
      ctx.logger[dead ? 'error' : 'warn'](
        { err, deliveryId: delivery.id, attempts: delivery.attempts },
        dead ? 'webhook delivery given up after repeated failures' : 'webhook delivery failed; will retry',
      );
      await ctx.db
        .updateTable('whatsappWebhookDeliveries')
        .set({
          lastError: String((err as Error).message ?? err).slice(0, 500),
          // Retry after a growing pause; a dead delivery stays for an operator to look at.
          claimedUntil: sql`now() + make_interval(secs => ${2 ** delivery.attempts})`,
          deadAt: dead ? new Date() : null,
        })
        .where('id', '=', delivery.id)
        .execute();
    }
  };
  // One lane per sender keeps each patient's messages in order; lanes run side by side.
  const lanes = new Map<string, (typeof claimed.rows)[number][]>();
  for (const delivery of claimed.rows.sort((a, b) => a.id - b.id)) {
    const key = laneOf(delivery.body, delivery.id);
    lanes.set(key, [...(lanes.get(key) ?? []), delivery]);
  }
  const queue = [...lanes.values()];
  const runLane = async () => {
    for (let lane = queue.shift(); lane; lane = queue.shift()) for (const delivery of lane) await handle(delivery);
  };
  await Promise.all(Array.from({ length: Math.min(laneCount, queue.length) }, runLane));
  // Marked together: a delivery processed but not yet marked (a crash just now) is processed
  // again later, which changes nothing (see above).
  if (processed.length > 0) {
    await ctx.db
      .updateTable('whatsappWebhookDeliveries')
      .set({ processedAt: new Date(), claimedUntil: null, lastError: null })
      .where('id', 'in', processed)
      .execute();
  }
  return { processed: claimed.rows.length, notices, outboxQueued };
}

const LANES = 4;

/** The body's text, or '' when it does not open (its processing then fails, is retried, and is given up). */
function readBody(ctx: AppContext, d: { id: number; body: string | null; bodySealed: Buffer | null }) {
  try {
    return openWebhookBody(ctx.config, d);
  } catch {
    ctx.logger.error(
      { deliveryId: d.id },
      'webhook delivery does not open with ENCRYPTION_KEY or ENCRYPTION_KEY_PREVIOUS',
    );
    return '';
  }
}

/**
 * The patient a delivery is about, read from the raw body (cheaper than parsing): the sender of
 * a message or the recipient of a status. Their messages and statuses share a lane, in order.
 */
const LANE_KEYS = ['from', 'recipient_id', 'from_user_id', 'recipient_user_id'].map(
  (key) => new RegExp(`"${key}"\\s*:\\s*"([^"]+)"`),
);

function laneOf(body: string, id: number): string {
  for (const key of LANE_KEYS) {
    const found = key.exec(body)?.[1];
    if (found) return found;
  }
  return `unknown:${id % LANES}`;
}

async function processDelivery(
  ctx: AppContext,
  deliveryId: number,
  body: string,
  channelOf: (phoneNumberId: string) => Promise<Channel | undefined>,
) {
  const notices: InboxNotice[] = [];
  let outboxQueued = false;
  const parsed = parseStoredBody(body);
  if (!isWhatsAppEnvelope(parsed)) throw new Error('stored delivery is not a WhatsApp envelope');
  // The account's own news (messaging limit, a template's new category) names no number.
  await applyAccountUpdates(ctx, parsed);
  for (const change of parseWebhook(parsed)) {
    const channel = await channelOf(change.phoneNumberId);
    if (!channel) {
      ctx.logger.warn(
        { deliveryId, phoneNumberId: change.phoneNumberId },
        'webhook for a WhatsApp number no practice has; stored, not routed',
      );
      continue;
    }
    for (const e of change.errors)
      ctx.logger.warn({ deliveryId, code: e.code, title: e.title }, 'WhatsApp reported an error in a webhook');
    const result = await inPractice(ctx.db, channel.practiceId, (tx) =>
      applyChange(tx, ctx.config.encryptionKey, channel, change),
    );
    notices.push(...result.notices);
    outboxQueued ||= result.outboxQueued;
    for (const s of result.unknownStatuses)
      ctx.logger.info({ deliveryId, status: s }, 'status for a message not (yet) known here; kept');
  }
  return { notices, outboxQueued };
}

type Channel = { id: string; practiceId: string; assistantActive: boolean };

async function applyChange(tx: Tx, masterKey: Buffer, channel: Channel, change: WebhookChange) {
  const notices: InboxNotice[] = [];
  const unknownStatuses: string[] = [];
  let outboxQueued = false;
  for (const message of change.messages) {
    const contact = change.contacts.find(
      (c) => (message.from && c.waId === message.from) || (message.fromUserId && c.userId === message.fromUserId),
    );
    const result = await applyInboundMessage(
      tx,
      masterKey,
      channel,
      message,
      contact?.profileName ?? '',
      contact?.userId ?? message.fromUserId,
    );
    if (result) {
      notices.push({
        practiceId: channel.practiceId,
        conversationId: result.conversationId,
        ...(result.messageId ? { messageId: result.messageId } : {}),
      });
      outboxQueued ||= result.outboxQueued;
    }
  }
  for (const status of change.statuses) {
    const applied = await applyStatusUpdate(tx, { practiceId: channel.practiceId, channelId: channel.id }, status);
    if (applied === 'unknown') unknownStatuses.push(status.status);
    else if (applied)
      notices.push({
        practiceId: channel.practiceId,
        conversationId: applied.conversationId,
        messageId: applied.messageId,
      });
    if (applied && applied !== 'unknown' && applied.outboxQueued) outboxQueued = true;
  }
  return { notices, unknownStatuses, outboxQueued };
}

async function applyInboundMessage(
  tx: Tx,
  masterKey: Buffer,
  channel: Channel,
  m: InboundMessage,
  profileName: string,
  userId: string | null,
) {
  const waId = m.from && /^[0-9]{5,20}$/.test(m.from) ? m.from : null;
  if (!waId && !userId) return null;
  const conversation = await upsertConversation(tx, channel, { waId, userId, profileName });

  if (m.reaction) {
    const target = await tx
      .selectFrom('whatsappMessages')
      .select(['id', 'reactions'])
      .where('channelId', '=', channel.id)
      .where('wamid', '=', m.reaction.targetWamid)
      .executeTakeFirst();
    if (!target) return { conversationId: conversation.id, messageId: null, outboxQueued: false };
    // One reaction per person and message; an empty emoji takes it back.
    const others = (target.reactions as { emoji: string; by: string }[]).filter((r) => r.by !== 'patient');
    const reactions = m.reaction.emoji ? [...others, { emoji: m.reaction.emoji, by: 'patient' }] : others;
    await tx
      .updateTable('whatsappMessages')
      .set({ reactions: JSON.stringify(reactions) })
      .where('id', '=', target.id)
      .execute();
    return { conversationId: conversation.id, messageId: target.id, outboxQueued: false };
  }

  const replyTo = m.contextWamid
    ? await tx
        .selectFrom('whatsappMessages')
        .select('id')
        .where('channelId', '=', channel.id)
        .where('wamid', '=', m.contextWamid)
        .executeTakeFirst()
    : undefined;
  const isSystem = m.type === 'system';
  // Its words sealed with the practice's key, bound to the id it is given here (message-words.ts).
  const id = randomUUID();
  const sealed = await sealMessage(tx, masterKey, channel.practiceId, id, {
    content: m.content ?? { type: 'unsupported', originalType: m.type },
    raw: m.raw,
  });
  // The message and what it changes in its conversation, in one statement; a redelivery (the
  // message already there) inserts nothing and so changes nothing.
  const inserted = await tx
    .with('inserted', (db) =>
      db
        .insertInto('whatsappMessages')
        .values({
          id,
          practiceId: channel.practiceId,
          conversationId: conversation.id,
          channelId: channel.id,
          direction: 'inbound',
          origin: isSystem ? 'system' : 'patient',
          wamid: m.wamid,
          content: sealed.content,
          sealed: sealed.sealed,
          status: 'received',
          contextWamid: m.contextWamid,
          replyToMessageId: replyTo?.id ?? null,
          mediaId: m.media?.id ?? null,
          mediaState: m.media ? 'pending' : null,
          occurredAt: withinSecond(m.occurredAt),
          // Meta's timestamps are whole seconds: messages of the same second keep their order of arrival.
          createdAt: sql<Date>`clock_timestamp()`,
        })
        .onConflict((oc) => oc.columns(['channelId', 'wamid']).where('wamid', 'is not', null).doNothing())
        .returning('id'),
    )
    .with('touched', (db) =>
      db
        .updateTable('whatsappConversations')
        .set((eb) => ({
          lastMessageAt: sql`greatest(${eb.ref('lastMessageAt')}, ${m.occurredAt})`,
          ...(isSystem
            ? {}
            : {
                lastInboundAt: sql`greatest(${eb.ref('lastInboundAt')}, ${m.occurredAt})`,
                unreadCount: sql`${eb.ref('unreadCount')} + 1`,
                status: 'open' as const,
                optedInAt: sql`coalesce(${eb.ref('optedInAt')}, ${m.occurredAt})`,
              }),
        }))
        .where('id', '=', conversation.id)
        .where(sql<boolean>`EXISTS (SELECT 1 FROM inserted)`)
        .returning('id'),
    )
    .selectFrom('inserted')
    .select('inserted.id')
    .executeTakeFirst();
  // Already processed (Meta redelivered it): nothing more to do, above all no second greeting.
  if (!inserted) return null;
  // Whoever writes from a number is on WhatsApp, whatever Meta said of it before (131026).
  if (!isSystem && conversation.waId)
    await clearNotOnWhatsAppIn(tx, { practiceId: channel.practiceId, waId: conversation.waId });

  if (m.changedNumberTo && /^[0-9]{5,20}$/.test(m.changedNumberTo)) {
    const taken = await tx
      .selectFrom('whatsappConversations')
      .select('id')
      .where('channelId', '=', channel.id)
      .where('waId', '=', m.changedNumberTo)
      .executeTakeFirst();
    if (!taken)
      await tx
        .updateTable('whatsappConversations')
        .set({ waId: m.changedNumberTo })
        .where('id', '=', conversation.id)
        .execute();
  }
  if (m.media)
    await queueGraphCall(tx, 'media_download', {
      practiceId: channel.practiceId,
      channelId: channel.id,
      conversationId: conversation.id,
      messageId: inserted.id,
    });

  // The replies (greeting, away message, later the assistant) listen for this, after it commits.
  if (!isSystem) {
    await publishEvent(tx, inboundMessageStored, {
      practiceId: channel.practiceId,
      conversationId: conversation.id,
      messageId: inserted.id,
      occurredAt: m.occurredAt.toISOString(),
      previousInboundAt: conversation.lastInboundAt?.toISOString() ?? null,
      contentType: m.content?.type ?? m.type,
      ...(m.content?.type === 'choice' ? { choiceId: m.content.choiceId } : {}),
      assistantActive: channel.assistantActive,
    });
  }
  const outboxQueued = Boolean(m.media);
  return { conversationId: conversation.id, messageId: inserted.id, outboxQueued };
}

/** The conversation with this contact, created on their first message (and matched to a patient by phone). */
async function upsertConversation(
  tx: Tx,
  channel: Channel,
  contact: { waId: string | null; userId: string | null; profileName: string },
) {
  const conflict = contact.waId
    ? sql`(channel_id, wa_id) WHERE wa_id IS NOT NULL`
    : sql`(channel_id, user_id) WHERE user_id IS NOT NULL`;
  if (contact.waId && contact.userId) {
    // A username user whose phone now shows: their conversation so far (keyed by user id) gets the number.
    await sql`UPDATE whatsapp_conversations SET wa_id = ${contact.waId}
      WHERE channel_id = ${channel.id} AND user_id = ${contact.userId} AND wa_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM whatsapp_conversations o WHERE o.channel_id = ${channel.id} AND o.wa_id = ${contact.waId})`.execute(
      tx,
    );
  }
  // The user id goes only where no other conversation has it: both keys are unique, and ON CONFLICT can arbitrate one.
  const userIdFree = contact.userId
    ? sql`CASE WHEN EXISTS (SELECT 1 FROM whatsapp_conversations o WHERE o.channel_id = ${channel.id} AND o.user_id = ${contact.userId}) THEN NULL ELSE ${contact.userId}::text END`
    : sql`NULL::text`;
  const { rows } = await sql<{
    id: string;
    waId: string | null;
    patientId: string | null;
    lastInboundAt: Date | null;
    created: boolean;
  }>`
    INSERT INTO whatsapp_conversations (practice_id, channel_id, wa_id, user_id, profile_name)
    VALUES (${channel.practiceId}, ${channel.id}, ${contact.waId}, ${contact.waId ? userIdFree : contact.userId}, ${contact.profileName})
    ON CONFLICT ${conflict} DO UPDATE SET
      profile_name = CASE WHEN excluded.profile_name <> '' THEN excluded.profile_name ELSE whatsapp_conversations.profile_name END,
      user_id = coalesce(whatsapp_conversations.user_id, excluded.user_id)
    RETURNING id, wa_id, patient_id, last_inbound_at, (xmax = 0) AS created`.execute(tx);
  const conversation = rows[0]!;
  if (conversation.created && contact.waId) {
    // Link the patient when exactly one has this number; several (a family phone) are offered to staff instead.
    const matches = await findPatientsByPhone(tx, channel.practiceId, `+${contact.waId}`);
    if (matches.length === 1) {
      conversation.patientId = matches[0]!.id;
      await tx
        .updateTable('whatsappConversations')
        .set({ patientId: conversation.patientId })
        .where('id', '=', conversation.id)
        .execute();
    }
  }
  return conversation;
}

/**
 * Meta's timestamps are whole seconds; ours have microseconds. A patient tapping a button the
 * same second it was sent would sort before it, so the time is taken as now, kept within the
 * second Meta gives (a late redelivery keeps its own second). Now is the database's clock, the
 * one that stamps the practice's messages, so the two are compared on one clock.
 */
function withinSecond(metaTime: Date) {
  return sql<Date>`least(greatest(clock_timestamp(), ${metaTime}::timestamptz), ${metaTime}::timestamptz + interval '999 milliseconds')`;
}
