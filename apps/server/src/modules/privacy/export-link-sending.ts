import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { Actor } from '../../platform/access.js';
import { sha256 } from '../../platform/crypto.js';
import type { Tx } from '../../platform/tenancy.js';
import { readInboundForAssistant } from '../messaging/assistant-channel.service.js';
import { queueOutboundMessage } from '../messaging/outbound.service.js';
import { patientConversationsIn } from '../messaging/privacy.service.js';
import type { RequestRow } from './requests.repository.js';
import { requestAudit } from './requests.service.js';

/**
 * What the staff's "Send the link" and the patient's tap on the invitation share: the patient's
 * WhatsApp conversation and its 24-hour window, a text from the practice, and the link itself (a
 * random token of which only the hash is kept, 7 days of life), sent and audited in one step.
 */

export const EXPORT_LINK_DAYS = 7;
export const WINDOW_MS = 24 * 3600_000;

export const hashSecret = (secret: string) => sha256(secret).toString('base64url');
export const sameHash = (a: string, b: string) =>
  a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export interface PatientConversation {
  id: string;
  channelId: string;
  waId: string | null;
  e164: string | null;
  lastInboundAt: Date | null;
  optedOut: boolean;
}

/** The patient's latest WhatsApp conversation with the practice (the one linked to their record), if any. */
export async function latestConversationOf(
  tx: Tx,
  patientId: string,
  opts: { lock?: boolean } = {},
): Promise<PatientConversation | null> {
  const conversations = await patientConversationsIn(tx, patientId);
  const latest = [...conversations].sort((a, b) => b.lastMessageAt.getTime() - a.lastMessageAt.getTime())[0];
  if (!latest) return null;
  return conversationFacts(tx, latest.id, opts);
}

/** A conversation's number, window and opt-out (its row locked unless `lock: false`). */
export async function conversationFacts(
  tx: Tx,
  conversationId: string,
  opts: { lock?: boolean } = {},
): Promise<PatientConversation | null> {
  const read = await readInboundForAssistant(tx, { conversationId, lock: opts.lock ?? true });
  if (!read) return null;
  const c = read.conversation;
  return {
    id: c.id,
    channelId: c.channelId,
    waId: c.waId,
    e164: c.e164,
    lastInboundAt: c.lastInboundAt,
    optedOut: c.optedOut,
  };
}

/** When the conversation's 24-hour window closes; null when it is closed (or the patient never wrote). */
export function windowEndsAt(conversation: PatientConversation | null, now: Date): Date | null {
  const last = conversation?.lastInboundAt;
  if (!last) return null;
  const ends = new Date(last.getTime() + WINDOW_MS);
  return ends.getTime() > now.getTime() ? ends : null;
}

/** The patient's conversation, when its 24-hour window is open and the number did not opt out. */
export async function openConversationOf(tx: Tx, patientId: string, now: Date) {
  const conversation = await latestConversationOf(tx, patientId);
  if (!conversation || conversation.optedOut || !windowEndsAt(conversation, now)) return null;
  return conversation;
}

/**
 * A text to the patient's conversation, from the practice (origin system: it goes even when a
 * person owns the conversation, as a request hands it to one). Returns how many were queued.
 */
export async function sendTextIn(
  tx: Tx,
  input: {
    masterKey: Buffer;
    practiceId: string;
    conversation: { id: string; channelId: string; waId: string | null };
    body: string;
    idempotencyKey: string;
  },
): Promise<number> {
  const { waId } = input.conversation;
  if (!waId) return 0;
  await queueOutboundMessage(tx, {
    masterKey: input.masterKey,
    practiceId: input.practiceId,
    conversation: { id: input.conversation.id, channelId: input.conversation.channelId, waId },
    origin: 'system',
    content: { type: 'text', body: input.body },
    graphMessage: { type: 'text', text: { body: input.body } },
    idempotencyKey: input.idempotencyKey,
  });
  return 1;
}

/**
 * A new link to the request's copy, sent as text to the conversation (its window open) and audited
 * as `privacy.export_link_sent` (with `changes` saying how it came about). Returns the link.
 */
export async function issueLinkIn(
  ctx: AppContext,
  tx: Tx,
  input: {
    actor: Actor;
    practiceId: string;
    request: RequestRow;
    conversation: { id: string; channelId: string; waId: string | null };
    now: Date;
    changes?: Record<string, unknown>;
  },
): Promise<{ linkId: string; expiresAt: Date; queued: number }> {
  const secret = randomBytes(32).toString('base64url');
  const expiresAt = new Date(input.now.getTime() + EXPORT_LINK_DAYS * 86_400_000);
  const link = await tx
    .insertInto('privacyExportLinks')
    .values({
      practiceId: input.practiceId,
      requestId: input.request.id,
      tokenHash: hashSecret(secret),
      expiresAt,
      createdBy: input.actor.userId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const url = `${ctx.config.publicUrl.replace(/\/$/, '')}/copy/${link.id}.${secret}`;
  const queued = await sendTextIn(tx, {
    masterKey: ctx.config.encryptionKey,
    practiceId: input.practiceId,
    conversation: input.conversation,
    body: `Your copy of your data is ready: ${url}\nVotre copie de vos données est prête : ${url}\nThe link works for ${EXPORT_LINK_DAYS} days; a code will be sent here when you open it. / Le lien est valable ${EXPORT_LINK_DAYS} jours ; un code vous sera envoyé ici à l'ouverture.`,
    idempotencyKey: `privacy-link:${link.id}`,
  });
  await requestAudit(tx, input, input.request, 'privacy.export_link_sent', {
    linkId: link.id,
    expiresAt: expiresAt.toISOString(),
    ...input.changes,
  });
  return { linkId: link.id, expiresAt, queued };
}
