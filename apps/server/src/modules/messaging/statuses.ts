import type { FailureReason } from '@dentalpro/contracts';
import { sql } from 'kysely';
import { publishEvent } from '../../platform/jobs.js';
import type { Tx } from '../../platform/tenancy.js';
import { classifyGraphError } from './graph-errors.js';
import { outboundFailed } from './messaging.events.js';
import { META_OPT_OUT_WORDING, optOutConversation } from './opt-outs.js';
import { markNotOnWhatsAppIn } from './reachability.js';
import type { StatusUpdate } from './webhook.parse.js';

/**
 * Delivery statuses move forward only: queued < sending < sent < delivered < read. Meta may
 * skip `delivered`, repeat itself, or report out of order; `failed` is recorded with its error
 * unless the message was already delivered.
 */
const RANK: Record<string, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, read: 4, played: 4 };

export function nextStatus(current: string, reported: string): string | null {
  if (reported === 'failed') return RANK[current] !== undefined && RANK[current]! < RANK.delivered! ? 'failed' : null;
  const to = reported === 'played' ? 'read' : reported;
  if (RANK[to] === undefined || current === 'failed') return null;
  return RANK[to]! > (RANK[current] ?? 99) ? to : null;
}

export function failureOf(errors: StatusUpdate['errors']): {
  reason: FailureReason;
  code: number | null;
  detail: string | null;
  optOut: boolean;
} {
  const first = errors[0];
  const code = first?.code ?? null;
  const action = classifyGraphError(code, 200);
  return {
    reason: action.action === 'retry' ? action.reason : action.reason,
    code,
    detail: first ? [first.title, first.detail].filter(Boolean).join(': ') || null : null,
    optOut: action.action === 'fail' && action.optOut,
  };
}

type Applied = { conversationId: string; messageId: string; outboxQueued: boolean } | null | 'unknown';

/** Records a status webhook once per (message, status) and applies it to our message if we know it. */
export async function applyStatusUpdate(
  tx: Tx,
  channel: { practiceId: string; channelId: string },
  status: StatusUpdate,
): Promise<Applied> {
  const stored = await tx
    .insertInto('whatsappStatusEvents')
    .values({
      practiceId: channel.practiceId,
      channelId: channel.channelId,
      wamid: status.wamid,
      status: status.status,
      occurredAt: status.occurredAt,
      errors: status.errors.length > 0 ? JSON.stringify(status.errors) : null,
    })
    .onConflict((oc) => oc.columns(['channelId', 'wamid', 'status']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!stored) return null;
  const findMessage = () =>
    tx
      .selectFrom('whatsappMessages')
      .select(['id', 'conversationId', 'status', 'practiceId'])
      .where('channelId', '=', channel.channelId)
      .where('wamid', '=', status.wamid)
      .where('direction', '=', 'outbound')
      .executeTakeFirst();
  let message = await findMessage();
  if (!message) {
    // A send may be recording this wamid right now, too late for us to see it and too early to see
    // our event: the lock waits for it to commit, then we look again (see applyPendingStatuses).
    await lockWamid(tx, channel.channelId, status.wamid);
    message = await findMessage();
  }
  // Not ours yet: Meta can report before our send has recorded the wamid; applied then.
  if (!message) return 'unknown';
  await applyTo(tx, message, { status: status.status, errors: status.errors, occurredAt: status.occurredAt });
  await tx.updateTable('whatsappStatusEvents').set({ appliedAt: new Date() }).where('id', '=', stored.id).execute();
  return { conversationId: message.conversationId, messageId: message.id, outboxQueued: false };
}

async function applyTo(
  tx: Tx,
  message: { id: string; conversationId: string; status: string; practiceId: string },
  event: { status: string; errors: StatusUpdate['errors']; occurredAt: Date },
) {
  const next = nextStatus(message.status, event.status);
  if (!next) return;
  if (next === 'failed') {
    const failure = failureOf(event.errors);
    await tx
      .updateTable('whatsappMessages')
      .set({
        status: 'failed',
        statusAt: event.occurredAt,
        failureReason: failure.reason,
        failureCode: failure.code,
        failureDetail: failure.detail,
      })
      .where('id', '=', message.id)
      .execute();
    await publishEvent(tx, outboundFailed, {
      practiceId: message.practiceId,
      conversationId: message.conversationId,
      messageId: message.id,
      reason: failure.reason,
    });
    if (failure.reason === 'not_on_whatsapp')
      await markNotOnWhatsAppIn(tx, { conversationId: message.conversationId, at: event.occurredAt });
    // An expired token reported later, by webhook: the number stops sending as it would on a refused send.
    if (failure.code === 190) {
      await tx
        .updateTable('whatsappChannels')
        .set({ sendingPausedReason: 'token_expired' })
        .where('id', '=', sql<string>`(SELECT channel_id FROM whatsapp_messages WHERE id = ${message.id})`)
        .execute();
    }
    if (failure.optOut) {
      // Meta's 131050: the patient stopped the practice's messages; every patient on the number is withdrawn in the consent ledger too.
      await optOutConversation(tx, {
        practiceId: message.practiceId,
        conversationId: message.conversationId,
        at: new Date(),
        wording: META_OPT_OUT_WORDING,
      });
    }
  } else {
    await tx
      .updateTable('whatsappMessages')
      .set({ status: next as 'sent' | 'delivered' | 'read', statusAt: event.occurredAt })
      .where('id', '=', message.id)
      .execute();
  }
  message.status = next;
}

/** Serialises recording a send's wamid with a status webhook for it that found no message. */
export async function lockWamid(tx: Tx, channelId: string, wamid: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`whatsapp-wamid:${channelId}:${wamid}`}, 0))`.execute(tx);
}

/** Once a send has its wamid: the statuses that arrived before it, in order of rank. */
export async function applyPendingStatuses(tx: Tx, channelId: string, wamid: string) {
  await lockWamid(tx, channelId, wamid);
  const pending = await tx
    .selectFrom('whatsappStatusEvents')
    .select(['id', 'status', 'errors', 'occurredAt'])
    .where('channelId', '=', channelId)
    .where('wamid', '=', wamid)
    .where('appliedAt', 'is', null)
    .orderBy('id')
    .execute();
  if (pending.length === 0) return false;
  const message = await tx
    .selectFrom('whatsappMessages')
    .select(['id', 'conversationId', 'status', 'practiceId'])
    .where('channelId', '=', channelId)
    .where('wamid', '=', wamid)
    .executeTakeFirstOrThrow();
  for (const event of pending) {
    await applyTo(tx, message, {
      status: event.status,
      errors: (event.errors as StatusUpdate['errors']) ?? [],
      occurredAt: new Date(event.occurredAt),
    });
  }
  await tx
    .updateTable('whatsappStatusEvents')
    .set({ appliedAt: new Date() })
    .where(
      'id',
      'in',
      pending.map((p) => p.id),
    )
    .execute();
  return true;
}
