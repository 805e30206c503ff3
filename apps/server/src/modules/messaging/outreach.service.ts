import type { FailureReason } from '@dentalpro/contracts';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Tx } from '../../platform/tenancy.js';
import { type WithdrawalCause, cancelQueuedMessages, queueOutboundMessage } from './outbound.service.js';
import { conversationChangedAtCommit } from './ownership.js';
import { notOnWhatsAppSinceIn } from './reachability.js';
import { checkTemplateParameters, graphTemplateObject, renderTemplateBody } from './template-parameters.js';
import { findTemplateIn } from './templates.service.js';

/**
 * Messages the practice starts on its own (reminders): a template to a patient's number, whether
 * or not the patient ever wrote (the conversation is opened for it), in the caller's transaction,
 * and what became of those messages. Everything else about sending (pacing, retries, Meta's
 * answers and statuses) is the outbox's, as for any message.
 */

export type OutreachResult =
  | { kind: 'queued'; messageId: string; conversationId: string; language: string }
  | { kind: 'no_channel' }
  | { kind: 'opted_out' }
  /** Meta said the number is not on WhatsApp (131026) and the patient has not written since: not attempted. */
  | { kind: 'not_on_whatsapp' }
  | { kind: 'template_missing' };

/**
 * Queues an approved template to `e164`, in the first of `languages` the number has it in.
 * `parameters` gives the template's values for the language chosen; `payloads` the quick-reply
 * buttons' payloads, in order (default: `<template>:<index>`). Idempotent on `idempotencyKey`: a
 * second call gives the first message back. An opted-out number gets nothing.
 */
export async function queueTemplateToNumberIn(
  tx: Tx,
  input: {
    /** ENCRYPTION_KEY: the message's words are sealed (message-words.ts). */
    masterKey: Buffer;
    practiceId: string;
    e164: string;
    /** Linked to a conversation this call opens (an existing conversation keeps its own link). */
    patientId: string | null;
    templateName: string;
    languages: readonly string[];
    parameters: (language: string) => Record<string, string>;
    payloads?: readonly string[];
    idempotencyKey: string;
    /**
     * The last moment the message is of use (a reminder: shortly before its appointment). However
     * long it waits (Meta's daily messaging limit, retries), it is never sent later: it fails as
     * `too_late`, announced like any failure (`messaging.outbound_failed`). Default: none.
     */
    sendBy?: Date | null;
  },
): Promise<OutreachResult> {
  const channel = await tx
    .selectFrom('whatsappChannels')
    .select('id')
    .where('practiceId', '=', input.practiceId)
    .orderBy('createdAt')
    .executeTakeFirst();
  if (!channel) return { kind: 'no_channel' };
  const waId = input.e164.replace(/^\+/, '');
  await tx
    .insertInto('whatsappConversations')
    .values({ practiceId: input.practiceId, channelId: channel.id, waId, patientId: input.patientId })
    .onConflict((oc) => oc.columns(['channelId', 'waId']).where('waId', 'is not', null).doNothing())
    .execute();
  const conversation = await tx
    .selectFrom('whatsappConversations')
    .select(['id', 'optedOutAt'])
    .where('channelId', '=', channel.id)
    .where('waId', '=', waId)
    .executeTakeFirstOrThrow();
  // Sent before (a retried job): the same message, whatever changed since.
  const earlier = await tx
    .selectFrom('whatsappMessages')
    .select(['id', 'content'])
    .where('practiceId', '=', input.practiceId)
    .where('idempotencyKey', '=', input.idempotencyKey)
    .executeTakeFirst();
  if (earlier)
    return {
      kind: 'queued',
      messageId: earlier.id,
      conversationId: conversation.id,
      language: (earlier.content as { language?: string }).language ?? '',
    };
  if (conversation.optedOutAt) return { kind: 'opted_out' };
  if ((await notOnWhatsAppSinceIn(tx, { practiceId: input.practiceId, e164s: [input.e164] })).size > 0)
    return { kind: 'not_on_whatsapp' };
  for (const language of new Set(input.languages)) {
    const template = await findTemplateIn(tx, channel.id, input.templateName, language);
    if (template?.status.toUpperCase() !== 'APPROVED') continue;
    const values = input.parameters(language);
    const problems = checkTemplateParameters(template, values);
    if (problems.length > 0)
      throw new Error(`template ${template.name}/${language}: ${problems.map((p) => p.path).join(', ')}`);
    const message = await queueOutboundMessage(tx, {
      masterKey: input.masterKey,
      practiceId: input.practiceId,
      conversation: { id: conversation.id, channelId: channel.id, waId },
      origin: 'system',
      content: {
        type: 'template',
        name: template.name,
        language: template.language,
        body: renderTemplateBody(template, values),
        buttons: template.quickReplies,
      },
      graphMessage: { type: 'template', template: graphTemplateObject(template, values, input.payloads) },
      idempotencyKey: input.idempotencyKey,
      sendBy: input.sendBy ?? null,
    });
    return { kind: 'queued', messageId: message.id, conversationId: conversation.id, language: template.language };
  }
  return { kind: 'template_missing' };
}

export interface MessageOutcome {
  status: 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
  /** When it reached that status (null while queued). */
  at: Date | null;
  failureReason: FailureReason | null;
  /** Still queued because the portfolio's daily messaging limit is reached: when it goes. */
  heldUntil?: Date | null;
  /** The daily messaging limit held it back (still, or until it failed as `too_late`); null once it went. */
  heldReason?: 'messaging_limit' | null;
}

/** What became of some outbound messages, by id (ids of this practice only; unknown ones left out). */
export async function messageOutcomesIn(tx: Tx, ids: readonly string[]): Promise<Map<string, MessageOutcome>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('whatsappMessages')
    .select(['id', 'status', 'statusAt', 'failureReason', 'heldUntil', 'heldReason'])
    .where('id', 'in', [...new Set(ids)])
    .where('direction', '=', 'outbound')
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        status: r.status as MessageOutcome['status'],
        at: r.statusAt ?? null,
        failureReason: (r.failureReason as FailureReason | null) ?? null,
        heldUntil: r.status === 'queued' ? r.heldUntil : null,
        heldReason: r.heldReason,
      },
    ]),
  );
}

/** Whether the patient opted out of WhatsApp messages on this number (no conversation: not opted out). */
export async function numberOptedOutIn(tx: Tx, input: { practiceId: string; e164: string }): Promise<boolean> {
  const row = await tx
    .selectFrom('whatsappConversations')
    .select(sql<boolean>`bool_or(opted_out_at IS NOT NULL)`.as('optedOut'))
    .where('practiceId', '=', input.practiceId)
    .where('waId', '=', input.e164.replace(/^\+/, ''))
    .executeTakeFirst();
  return row?.optedOut ?? false;
}

/**
 * Whether Meta said this number is not on WhatsApp (131026) since the patient last wrote from it,
 * and since when (null: reachable as far as we know).
 */
export async function numberNotOnWhatsAppSinceIn(
  tx: Tx,
  input: { practiceId: string; e164: string },
): Promise<Date | null> {
  return (
    (await notOnWhatsAppSinceIn(tx, { practiceId: input.practiceId, e164s: [input.e164] })).get(input.e164) ?? null
  );
}

/** The practices with a WhatsApp number connected (periodic work over every practice that can send). */
export async function practicesWithWhatsApp(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('whatsappChannels').select('practiceId').distinct().execute();
  return rows.map((r) => r.practiceId);
}

/**
 * Messages a sender queued (by id) that are still waiting in the outbox are not sent: the patient
 * withdrew consent to their purpose (reminders call this from their consent.withdrawn listener),
 * or they no longer apply (a reminder's appointment moved or was cancelled while Meta's daily
 * messaging limit held it: failed as `no_longer_applies`). A message already handed to Meta is
 * left alone. Returns the ids cancelled.
 */
export async function cancelQueuedMessagesIn(
  tx: Tx,
  messageIds: readonly string[],
  cause: WithdrawalCause = 'consent_withdrawn',
): Promise<string[]> {
  const cancelled = await cancelQueuedMessages(tx, messageIds, cause);
  for (const c of new Map(cancelled.map((m) => [m.conversationId, m])).values())
    await conversationChangedAtCommit(tx, c.practiceId, c.conversationId);
  return cancelled.map((c) => c.id);
}
