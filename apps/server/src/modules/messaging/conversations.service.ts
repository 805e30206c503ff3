import { randomUUID } from 'node:crypto';
import type {
  ConversationDetail,
  ConversationOwner,
  ConversationSummary,
  HandoverReason,
  InboxCounts,
  InboxMessage,
  MessageContent,
  SendMessageInput,
} from '@dentalpro/contracts';
import { type Selectable, sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { WhatsappMessagesTable } from '../../db/schema.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { openForPractice, sealForPractice } from '../../platform/data-keys.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../platform/cursor.js';
import { AppError } from '../../platform/errors.js';
import { publishEvent } from '../../platform/jobs.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { fileStoreOf } from '../../platform/file-store.js';
import { userDirectory } from '../auth/auth.service.js';
import { findPatientsByPhone, findPatientIn, patientDirectory } from '../patients/patients.service.js';
import { memberRoleIn } from '../staff/staff.service.js';
import { conversationHandedOver } from './messaging.events.js';
import { type WordsOpener, openContent, openerIn } from './message-words.js';
import { OUTBOX_SIGNAL, publishInboxNotices } from './messaging.runtime.js';
import { mediaLinkToken, readMediaLinkToken } from './media-links.js';
import {
  type QueueMessageInput,
  findByIdempotencyKey,
  queueGraphCall,
  queueOutboundMessage,
} from './outbound.service.js';
import { markStaffAnswered, ownershipChanges } from './ownership.js';
import { checkTemplateParameters, graphTemplateObject, renderTemplateBody } from './template-parameters.js';
import { findTemplateIn } from './templates.service.js';
import { previewOf } from './webhook.parse.js';

/** The staff inbox: conversations with patients, their messages, replies, assignment. */

interface Caller {
  actor: Actor;
  practiceId: string;
}

export const SERVICE_WINDOW_MS = 24 * 3600_000;

type ConversationRow = {
  id: string;
  channelId: string;
  waId: string | null;
  profileName: string;
  patientId: string | null;
  patientName: string | null;
  patientBirthDate: string | null;
  status: 'open' | 'closed';
  assignedUserId: string | null;
  assignedName: string | null;
  needsHuman: boolean;
  owner: ConversationOwner;
  handoverReason: HandoverReason | null;
  handoverAt: Date | null;
  unreadCount: number;
  lastMessageAt: Date;
  lastInboundAt: Date | null;
  optedOutAt: Date | null;
  lastContent: unknown;
  lastId: string | null;
  lastSealed: Buffer | null;
  lastDirection: 'inbound' | 'outbound' | null;
  lastStatus: string | null;
  lastAt: Date | null;
  /** last_message_at to the microsecond (a Date keeps milliseconds, and paging must not skip rows). */
  cursorAt: string;
};

const iso = (d: Date | string) => new Date(d).toISOString();

function windowEndsAt(lastInboundAt: Date | null, now = Date.now()): string | null {
  if (!lastInboundAt) return null;
  const ends = new Date(lastInboundAt).getTime() + SERVICE_WINDOW_MS;
  return ends > now ? new Date(ends).toISOString() : null;
}

function toSummary(r: ConversationRow): ConversationSummary {
  return {
    id: r.id,
    waId: r.waId,
    phone: r.waId ? `+${r.waId}` : null,
    profileName: r.profileName,
    patient:
      r.patientId && r.patientName ? { id: r.patientId, name: r.patientName, dateOfBirth: r.patientBirthDate } : null,
    lastMessage:
      r.lastContent && r.lastDirection && r.lastAt
        ? {
            preview: previewOf(r.lastContent as MessageContent).slice(0, 140),
            direction: r.lastDirection,
            status: r.lastStatus as ConversationSummary['lastMessage'] extends infer L
              ? L extends { status: infer S }
                ? S
                : never
              : never,
            at: iso(r.lastAt),
          }
        : null,
    unreadCount: r.unreadCount,
    assignedTo: r.assignedUserId && r.assignedName ? { userId: r.assignedUserId, name: r.assignedName } : null,
    needsHuman: r.needsHuman,
    owner: r.owner,
    handover: r.handoverReason ? { reason: r.handoverReason, since: r.handoverAt ? iso(r.handoverAt) : null } : null,
    status: r.status,
    serviceWindowEndsAt: windowEndsAt(r.lastInboundAt),
    optedOut: r.optedOutAt !== null,
    lastMessageAt: iso(r.lastMessageAt),
  };
}

/** The rows with their last message's words opened (message-words.ts), for toSummary's preview. */
async function withPreviews(tx: Tx, masterKey: Buffer, practiceId: string, rows: ConversationRow[]) {
  const open = openerIn(tx, masterKey, practiceId);
  return Promise.all(
    rows.map(async (r) =>
      r.lastId && r.lastContent
        ? { ...r, lastContent: await openContent(open, { id: r.lastId, content: r.lastContent, sealed: r.lastSealed }) }
        : r,
    ),
  );
}

function selectConversations(tx: Tx) {
  return sql<ConversationRow>`
    SELECT c.id, c.channel_id, c.wa_id, c.profile_name, c.patient_id,
      p.name AS patient_name, p.date_of_birth AS patient_birth_date,
      c.status, c.assigned_user_id, u.name AS assigned_name, c.needs_human, c.owner, c.handover_reason, c.handover_at, c.unread_count, c.last_message_at, c.last_inbound_at, c.opted_out_at,
      m.content AS last_content, m.id AS last_id, m.sealed AS last_sealed, m.direction AS last_direction, m.status AS last_status, m.occurred_at AS last_at,
      to_char(c.last_message_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
    FROM whatsapp_conversations c
    LEFT JOIN ${patientDirectory(tx)} p ON p.id = c.patient_id AND p.practice_id = c.practice_id
    LEFT JOIN ${userDirectory(tx)} u ON u.id = c.assigned_user_id
    LEFT JOIN LATERAL (
      SELECT id, content, sealed, direction, status, occurred_at FROM whatsapp_messages
      WHERE conversation_id = c.id ORDER BY occurred_at DESC, created_at DESC LIMIT 1) m ON true`;
}

export async function listConversations(
  ctx: AppContext,
  input: Caller & {
    status: 'open' | 'closed' | 'all';
    assigned: 'any' | 'me' | 'unassigned';
    needsPerson?: boolean | undefined;
    q?: string | undefined;
    cursor?: string | undefined;
    limit: number;
  },
) {
  requirePermission(input.actor, 'inbox:read');
  const after = input.cursor ? decodeTimeCursor(input.cursor) : null;
  const q = input.q?.trim();
  const digits = q?.replace(/\D/g, '') ?? '';
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const { rows } = await sql<ConversationRow>`${selectConversations(tx)}
      WHERE c.practice_id = ${input.practiceId}
        ${input.status === 'all' ? sql`` : sql`AND c.status = ${input.status}`}
        ${input.assigned === 'me' ? sql`AND c.assigned_user_id = ${input.actor.userId}` : input.assigned === 'unassigned' ? sql`AND c.assigned_user_id IS NULL` : sql``}
        ${input.needsPerson === undefined ? sql`` : sql`AND c.needs_human = ${input.needsPerson}`}
        ${
          q
            ? sql`AND (c.profile_name ILIKE ${`%${escapeLike(q)}%`} OR p.name ILIKE ${`%${escapeLike(q)}%`}
                ${digits.length >= 3 ? sql`OR c.wa_id LIKE ${`%${digits}%`}` : sql``})`
            : sql``
        }
        ${after ? sql`AND (c.last_message_at, c.id) < (${after.at}::timestamptz, ${after.id}::uuid)` : sql``}
      ORDER BY c.last_message_at DESC, c.id DESC
      LIMIT ${input.limit + 1}`.execute(tx);
    const items = (await withPreviews(tx, ctx.config.encryptionKey, input.practiceId, rows.slice(0, input.limit))).map(
      toSummary,
    );
    const last = rows.length > input.limit ? rows[input.limit - 1] : undefined;
    return { items, nextCursor: last ? encodeTimeCursor(last.cursorAt, last.id) : null };
  });
}

/**
 * The navigation's figures for open conversations: waiting for a person (urgent ones among them),
 * then with unread messages. One pass over the practice's open conversations.
 */
export async function countInbox(ctx: AppContext, input: Caller): Promise<InboxCounts> {
  requirePermission(input.actor, 'inbox:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const { rows } = await sql<{ waiting: number; urgent: number; unread: number }>`
      SELECT count(*) FILTER (WHERE handover_at IS NOT NULL)::int AS waiting,
        count(*) FILTER (WHERE handover_at IS NOT NULL AND handover_reason = 'urgent')::int AS urgent,
        count(*) FILTER (WHERE unread_count > 0)::int AS unread
      FROM whatsapp_conversations
      WHERE practice_id = ${input.practiceId} AND status = 'open'`.execute(tx);
    return rows[0] ?? { waiting: 0, urgent: 0, unread: 0 };
  });
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

async function loadConversation(tx: Tx, practiceId: string, conversationId: string) {
  const { rows } =
    await sql<ConversationRow>`${selectConversations(tx)} WHERE c.practice_id = ${practiceId} AND c.id = ${conversationId}`.execute(
      tx,
    );
  if (!rows[0]) throw new AppError('conversation_not_found');
  return rows[0];
}

async function detailOf(
  tx: Tx,
  masterKey: Buffer,
  practiceId: string,
  listed: ConversationRow,
): Promise<ConversationDetail> {
  const [row] = await withPreviews(tx, masterKey, practiceId, [listed]);
  if (!row) throw new AppError('conversation_not_found');
  const [matches, channel] = await Promise.all([
    row.waId ? findPatientsByPhone(tx, practiceId, `+${row.waId}`) : Promise.resolve([]),
    tx
      .selectFrom('whatsappChannels')
      .select(['displayPhoneNumber', 'sendingPausedReason', 'assistantActive'])
      .where('id', '=', row.channelId)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    ...toSummary(row),
    patientMatches: matches.map((m) => ({
      id: m.id,
      name: `${m.givenName} ${m.familyName}`,
      dateOfBirth: m.dateOfBirth,
    })),
    channel: {
      displayPhoneNumber: channel.displayPhoneNumber,
      sendingPausedReason: channel.sendingPausedReason,
      assistantActive: channel.assistantActive,
    },
  };
}

export async function getConversation(
  ctx: AppContext,
  input: Caller & { conversationId: string },
): Promise<ConversationDetail> {
  requirePermission(input.actor, 'inbox:read');
  return inPractice(ctx.db, input.practiceId, async (tx) =>
    detailOf(
      tx,
      ctx.config.encryptionKey,
      input.practiceId,
      await loadConversation(tx, input.practiceId, input.conversationId),
    ),
  );
}

type MessageRow = Selectable<WhatsappMessagesTable> & {
  senderName: string | null;
  replyContent: unknown;
  replySealed: Buffer | null;
};

/** The message with its words (and those of the message it answers) opened: message-words.ts. */
async function toInboxMessage(open: WordsOpener, m: MessageRow): Promise<InboxMessage> {
  const [content, replyContent] = await Promise.all([
    openContent(open, m),
    m.replyToMessageId && m.replyContent
      ? openContent(open, { id: m.replyToMessageId, content: m.replyContent, sealed: m.replySealed })
      : null,
  ]);
  return {
    id: m.id,
    conversationId: m.conversationId,
    direction: m.direction,
    origin: m.origin,
    content,
    status: m.status,
    failure: m.failureReason
      ? {
          reason: m.failureReason as NonNullable<InboxMessage['failure']>['reason'],
          code: m.failureCode,
          detail: m.failureDetail,
        }
      : null,
    replyTo:
      m.replyToMessageId && replyContent
        ? { messageId: m.replyToMessageId, preview: previewOf(replyContent).slice(0, 140) }
        : null,
    held:
      m.heldReason && m.heldUntil && (m.status === 'queued' || m.status === 'sending')
        ? { reason: m.heldReason, until: iso(m.heldUntil) }
        : null,
    reactions: m.reactions as InboxMessage['reactions'],
    sentBy: m.sentByUserId && m.senderName ? { userId: m.sentByUserId, name: m.senderName } : null,
    createdAt: iso(m.occurredAt),
  };
}

function selectMessages(tx: Tx) {
  return tx
    .selectFrom('whatsappMessages as m')
    .leftJoin(userDirectory(tx).as('u'), 'u.id', 'm.sentByUserId')
    .leftJoin('whatsappMessages as r', 'r.id', 'm.replyToMessageId')
    .selectAll('m')
    .select(['u.name as senderName', 'r.content as replyContent', 'r.sealed as replySealed']);
}

export async function listMessages(
  ctx: AppContext,
  input: Caller & { conversationId: string; before?: string | undefined; limit: number },
) {
  requirePermission(input.actor, 'inbox:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    await loadConversation(tx, input.practiceId, input.conversationId);
    let query = selectMessages(tx)
      .where('m.practiceId', '=', input.practiceId)
      .where('m.conversationId', '=', input.conversationId);
    if (input.before) {
      const pivot = await tx
        .selectFrom('whatsappMessages')
        .select('id')
        .where('id', '=', input.before)
        .where('conversationId', '=', input.conversationId)
        .executeTakeFirst();
      if (!pivot) throw new AppError('message_not_found');
      // Compared in SQL: a JavaScript Date would drop the microseconds and skip messages of the same millisecond.
      query = query.where(
        sql<boolean>`(m.occurred_at, m.created_at, m.id) < (SELECT occurred_at, created_at, id FROM whatsapp_messages WHERE id = ${pivot.id})`,
      );
    }
    // Meta's times are whole seconds: within one, the order of arrival.
    const rows = await query
      .orderBy('m.occurredAt', 'desc')
      .orderBy('m.createdAt', 'desc')
      .orderBy('m.id', 'desc')
      .limit(input.limit + 1)
      .execute();
    const open = openerIn(tx, ctx.config.encryptionKey, input.practiceId);
    return {
      items: await Promise.all(
        rows
          .slice(0, input.limit)
          .reverse()
          .map((r) => toInboxMessage(open, r as MessageRow)),
      ),
      hasMore: rows.length > input.limit,
    };
  });
}

/** Staff have seen the conversation: unread goes to zero and Meta is told (the patient's blue ticks). */
export async function markConversationRead(ctx: AppContext, input: Caller & { conversationId: string }) {
  requirePermission(input.actor, 'inbox:read');
  const queued = await inPractice(ctx.db, input.practiceId, async (tx) => {
    const conversation = await loadConversation(tx, input.practiceId, input.conversationId);
    await tx.updateTable('whatsappConversations').set({ unreadCount: 0 }).where('id', '=', conversation.id).execute();
    const latest = await tx
      .selectFrom('whatsappMessages')
      .select('id')
      .where('conversationId', '=', conversation.id)
      .where('direction', '=', 'inbound')
      .where('wamid', 'is not', null)
      .orderBy('occurredAt', 'desc')
      .orderBy('createdAt', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!latest || conversation.unreadCount === 0) return false;
    await queueGraphCall(tx, 'read_receipt', {
      practiceId: input.practiceId,
      channelId: conversation.channelId,
      conversationId: conversation.id,
      messageId: latest.id,
    });
    return true;
  });
  if (queued) ctx.events.signal(OUTBOX_SIGNAL);
  publishInboxNotices(ctx, [{ practiceId: input.practiceId, conversationId: input.conversationId }]);
}

export async function updateConversation(
  ctx: AppContext,
  input: Caller & {
    conversationId: string;
    patch: {
      assignedUserId?: string | null | undefined;
      status?: 'open' | 'closed' | undefined;
      needsHuman?: boolean | undefined;
      patientId?: string | null | undefined;
      /** 'staff': a person takes the conversation over; 'assistant': handed back (see ownership.ts). */
      owner?: ConversationOwner | undefined;
    };
  },
): Promise<ConversationDetail> {
  requirePermission(input.actor, 'inbox:reply');
  const { patch } = input;
  if (patch.owner === 'assistant' && patch.needsHuman === true)
    throw new AppError('validation_failed', {
      errors: [
        {
          path: 'owner',
          code: 'invalid',
          message: 'A conversation handed back to the assistant cannot be flagged for a person at the same time',
        },
      ],
    });
  const detail = await inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await loadConversation(tx, input.practiceId, input.conversationId);
    if (patch.assignedUserId) {
      if (!(await memberRoleIn(tx, input.practiceId, patch.assignedUserId))) throw new AppError('member_not_found');
    }
    if (patch.patientId) {
      const patient = await findPatientIn(tx, patch.patientId);
      if (!patient) throw new AppError('patient_not_found');
    }
    const set = {
      ...(patch.assignedUserId !== undefined ? { assignedUserId: patch.assignedUserId } : {}),
      ...(patch.status !== undefined ? { status: patch.status } : {}),
      ...(patch.patientId !== undefined ? { patientId: patch.patientId } : {}),
      ...ownershipChanges(patch, new Date()),
    };
    // An empty patch answers the conversation as it is (an empty SET is no SQL).
    if (Object.keys(set).length > 0)
      await tx.updateTable('whatsappConversations').set(set).where('id', '=', before.id).execute();
    const after = await loadConversation(tx, input.practiceId, before.id);
    const changes: Record<string, unknown> = {};
    if (patch.assignedUserId !== undefined && patch.assignedUserId !== before.assignedUserId)
      changes.assignedUserId = [before.assignedUserId, patch.assignedUserId];
    if (patch.status !== undefined && patch.status !== before.status) changes.status = [before.status, patch.status];
    if (after.needsHuman !== before.needsHuman) changes.needsHuman = [before.needsHuman, after.needsHuman];
    if (after.owner !== before.owner) changes.owner = [before.owner, after.owner];
    if (after.handoverReason !== before.handoverReason)
      changes.handoverReason = [before.handoverReason, after.handoverReason];
    if (patch.patientId !== undefined && patch.patientId !== before.patientId)
      changes.patientId = [before.patientId, patch.patientId];
    // Flagged "needs a person" while nobody was waited for: the other members who answer the inbox are told.
    if (after.handoverAt && !before.handoverAt && after.handoverReason)
      await publishEvent(tx, conversationHandedOver, {
        practiceId: input.practiceId,
        conversationId: before.id,
        patientId: after.patientId,
        reason: after.handoverReason,
        at: after.handoverAt.toISOString(),
        flaggedBy: input.actor.userId,
      });
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, {
        practiceId: input.practiceId,
        actor: input.actor,
        action: 'whatsapp.conversation_updated',
        targetType: 'whatsapp_conversation',
        targetId: before.id,
        changes,
      });
    }
    return detailOf(tx, ctx.config.encryptionKey, input.practiceId, after);
  });
  publishInboxNotices(ctx, [{ practiceId: input.practiceId, conversationId: input.conversationId }]);
  return detail;
}

/**
 * A staff reply. Free-form messages only inside the 24-hour window (Meta refuses them after,
 * so we refuse first and offer a template); template parameters checked before Meta sees them.
 */
export async function sendInboxMessage(
  ctx: AppContext,
  input: Caller & { conversationId: string; message: SendMessageInput; idempotencyKey?: string | undefined },
): Promise<InboxMessage> {
  requirePermission(input.actor, 'inbox:reply');
  const message = await inPractice(ctx.db, input.practiceId, async (tx) => {
    const conversation = await loadConversation(tx, input.practiceId, input.conversationId);
    if (!conversation.waId)
      throw new AppError('whatsapp_no_phone', {
        detail: 'This contact uses a WhatsApp username without a phone number; answer from the WhatsApp app',
      });
    const m = input.message;
    // After an opt-out the practice only answers what the patient asks (inside the window); it starts nothing.
    if (conversation.optedOutAt && (m.type === 'template' || !windowEndsAt(conversation.lastInboundAt)))
      throw new AppError('whatsapp_opted_out');
    const target = { id: conversation.id, channelId: conversation.channelId, waId: conversation.waId };
    // A person answering has the conversation (the assistant falls silent) and the patient no
    // longer waits; a request that fails below rolls this back with the message.
    await markStaffAnswered(tx, conversation.id, new Date());
    const base = {
      masterKey: ctx.config.encryptionKey,
      practiceId: input.practiceId,
      conversation: target,
      origin: 'staff' as const,
      sentByUserId: input.actor.userId,
      idempotencyKey: input.idempotencyKey ?? null,
    };
    if (m.type === 'template') {
      const template = await findTemplateIn(tx, conversation.channelId, m.templateName, m.language);
      if (!template)
        throw new AppError('template_not_found', {
          detail: `No template ${m.templateName} in ${m.language} for this number`,
        });
      const errors = checkTemplateParameters(template, m.parameters);
      if (errors.length > 0) throw new AppError('template_parameters_invalid', { errors });
      return queueOutboundMessage(tx, {
        ...base,
        content: {
          type: 'template',
          name: template.name,
          language: template.language,
          body: renderTemplateBody(template, m.parameters),
          buttons: template.quickReplies,
        },
        graphMessage: { type: 'template', template: graphTemplateObject(template, m.parameters) },
      });
    }
    if (!windowEndsAt(conversation.lastInboundAt)) {
      throw new AppError('whatsapp_window_closed', {
        detail: 'More than 24 hours since the patient last wrote: only a template message can be sent',
        extra: { alternative: 'template' },
      });
    }
    if (m.type === 'media') return queueMediaMessage(ctx, tx, { ...base, message: m });
    if (m.type === 'text') {
      let replyTo: { messageId: string; wamid: string } | null = null;
      if (m.replyToMessageId) {
        const quoted = await tx
          .selectFrom('whatsappMessages')
          .select(['id', 'wamid'])
          .where('id', '=', m.replyToMessageId)
          .where('conversationId', '=', conversation.id)
          .executeTakeFirst();
        if (!quoted) throw new AppError('message_not_found');
        if (quoted.wamid) replyTo = { messageId: quoted.id, wamid: quoted.wamid };
      }
      return queueOutboundMessage(tx, {
        ...base,
        replyTo,
        content: { type: 'text', body: m.body },
        graphMessage: { type: 'text', text: { preview_url: false, body: m.body } },
      });
    }
    const titles = m.buttons.map((b) => b.title);
    if (new Set(titles).size !== titles.length)
      throw new AppError('validation_failed', {
        errors: [{ path: 'buttons', code: 'not_unique', message: 'Button titles must be different' }],
      });
    return queueOutboundMessage(tx, {
      ...base,
      content: { type: 'buttons', body: m.body, ...(m.footer ? { footer: m.footer } : {}), buttons: m.buttons },
      graphMessage: {
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: m.body },
          ...(m.footer ? { footer: { text: m.footer } } : {}),
          action: { buttons: m.buttons.map((b) => ({ type: 'reply', reply: { id: b.id, title: b.title } })) },
        },
      },
    });
  });
  ctx.events.signal(OUTBOX_SIGNAL);
  publishInboxNotices(ctx, [
    { practiceId: input.practiceId, conversationId: input.conversationId, messageId: message.id },
  ]);
  return getMessage(ctx, { ...input, messageId: message.id });
}

const MEDIA_LIMITS = {
  'image/jpeg': 5 * 1024 * 1024,
  'image/png': 5 * 1024 * 1024,
  'application/pdf': 8 * 1024 * 1024,
} as const;

/** A photo or PDF from staff: stored sealed like the patient's, sent to Meta as a signed link to it. */
async function queueMediaMessage(
  ctx: AppContext,
  tx: Tx,
  input: Omit<QueueMessageInput, 'content' | 'graphMessage'> & {
    message: Extract<SendMessageInput, { type: 'media' }>;
  },
) {
  const { message, ...base } = input;
  // A retried upload finds its first message before storing the file again.
  const earlier = await findByIdempotencyKey(tx, {
    practiceId: input.practiceId,
    conversationId: input.conversation.id,
    idempotencyKey: input.idempotencyKey,
  });
  if (earlier) return earlier;
  const bytes = Buffer.from(message.dataBase64, 'base64');
  if (bytes.length === 0 || bytes.length > MEDIA_LIMITS[message.mimeType]) {
    throw new AppError('attachment_too_large', {
      detail: `At most ${MEDIA_LIMITS[message.mimeType] / 1024 / 1024} MB for ${message.mimeType}`,
    });
  }
  const looksRight =
    message.mimeType === 'application/pdf'
      ? bytes.subarray(0, 5).toString('latin1') === '%PDF-'
      : message.mimeType === 'image/png'
        ? bytes[0] === 0x89 && bytes[1] === 0x50
        : bytes[0] === 0xff && bytes[1] === 0xd8;
  if (!looksRight)
    throw new AppError('attachment_type_not_allowed', { detail: `The file is not a ${message.mimeType} file` });
  const messageId = randomUUID();
  const key = `${input.practiceId}/${messageId}`;
  await fileStoreOf(ctx).put(
    key,
    await sealForPractice(tx, ctx.config.encryptionKey, input.practiceId, bytes, `whatsapp-media:${messageId}`),
  );
  const link = `${ctx.config.publicUrl}/webhooks/whatsapp/media/${mediaLinkToken(ctx.config.sessionSecret, messageId)}`;
  const isImage = message.mimeType !== 'application/pdf';
  const row = await queueOutboundMessage(tx, {
    ...base,
    messageId,
    content: {
      type: 'media',
      mediaType: isImage ? 'image' : 'document',
      mimeType: message.mimeType,
      fileName: message.fileName,
      ...(message.caption ? { caption: message.caption } : {}),
      download: 'stored',
    },
    graphMessage: isImage
      ? { type: 'image', image: { link, ...(message.caption ? { caption: message.caption } : {}) } }
      : {
          type: 'document',
          document: { link, filename: message.fileName, ...(message.caption ? { caption: message.caption } : {}) },
        },
  });
  await tx
    .updateTable('whatsappMessages')
    .set({ mediaState: 'stored', mediaFileKey: key, mediaSize: bytes.length })
    .where('id', '=', row.id)
    .execute();
  return row;
}

/** What Meta fetches for a media link: the file, when the link's signature and date hold. */
export async function readLinkedMedia(ctx: AppContext, token: string) {
  const messageId = readMediaLinkToken(ctx.config.sessionSecret, token);
  if (!messageId) throw new AppError('not_found');
  // The link names no practice: the message says which (read before row-level security applies).
  const owner = await ctx.db
    .selectFrom('whatsappMessages')
    .select('practiceId')
    .where('id', '=', messageId)
    .executeTakeFirst();
  if (!owner) throw new AppError('not_found');
  return inPractice(ctx.db, owner.practiceId, async (tx) => {
    const m = await tx
      .selectFrom('whatsappMessages')
      .select(['id', 'content', 'mediaFileKey'])
      .where('id', '=', messageId)
      .where('direction', '=', 'outbound')
      .executeTakeFirst();
    if (!m?.mediaFileKey) throw new AppError('not_found');
    const bytes = await openForPractice(
      tx,
      ctx.config.encryptionKey,
      owner.practiceId,
      await fileStoreOf(ctx).get(m.mediaFileKey),
      `whatsapp-media:${m.id}`,
    );
    return { bytes, mimeType: (m.content as { mimeType?: string }).mimeType ?? 'application/octet-stream' };
  });
}

async function getMessage(ctx: AppContext, input: Caller & { messageId: string }) {
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await selectMessages(tx).where('m.id', '=', input.messageId).executeTakeFirst();
    if (!row) throw new AppError('message_not_found');
    return toInboxMessage(openerIn(tx, ctx.config.encryptionKey, input.practiceId), row as MessageRow);
  });
}

/** The bytes of a photo or document a patient sent, decrypted for staff. */
export async function getMessageMedia(ctx: AppContext, input: Caller & { conversationId: string; messageId: string }) {
  requirePermission(input.actor, 'inbox:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const m = await tx
      .selectFrom('whatsappMessages')
      .select(['id', 'content', 'sealed', 'mediaFileKey', 'mediaState'])
      .where('id', '=', input.messageId)
      .where('conversationId', '=', input.conversationId)
      .executeTakeFirst();
    if (m?.mediaState !== 'stored' || !m.mediaFileKey)
      throw new AppError('message_not_found', { detail: 'No stored file for this message' });
    const sealed = await fileStoreOf(ctx).get(m.mediaFileKey);
    const bytes = await openForPractice(
      tx,
      ctx.config.encryptionKey,
      input.practiceId,
      sealed,
      `whatsapp-media:${m.id}`,
    );
    // The file name is the patient's words (sealed); the mime type is the message's shape.
    const content = (await openContent(openerIn(tx, ctx.config.encryptionKey, input.practiceId), m)) as {
      mimeType?: string;
      fileName?: string;
    };
    return { bytes, mimeType: content.mimeType ?? 'application/octet-stream', fileName: content.fileName ?? null };
  });
}

/** Conversations by id, for the audit trail: the WhatsApp profile name and the linked patient, if any. */
export async function conversationsIn(
  tx: Tx,
  ids: string[],
): Promise<Map<string, { profileName: string; patientId: string | null }>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('whatsappConversations')
    .select(['id', 'profileName', 'patientId'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, { profileName: r.profileName, patientId: r.patientId }]));
}

/**
 * Each patient's WhatsApp conversation, the latest one a patient wrote in among those linked to
 * them (a family phone linked to nobody gives none): where staff open the chat a booking came from.
 */
export async function latestConversationOfPatientsIn(tx: Tx, patientIds: string[]): Promise<Map<string, string>> {
  if (patientIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('whatsappConversations')
    .select(['patientId', 'id'])
    .distinctOn('patientId')
    .where('patientId', 'in', [...new Set(patientIds)])
    .orderBy('patientId')
    .orderBy(sql`last_inbound_at DESC NULLS LAST`)
    .orderBy('id')
    .execute();
  return new Map(rows.map((r) => [r.patientId!, r.id]));
}
