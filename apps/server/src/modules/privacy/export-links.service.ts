import { randomBytes, randomInt } from 'node:crypto';
import type { ExportLinkDelivery, ExportLinkSent } from '@dentalpro/contracts';
import type { Readable } from 'node:stream';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission, systemActor } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { wakeOutbox } from '../messaging/assistant-channel.service.js';
import {
  hashSecret as hash,
  issueLinkIn,
  latestConversationOf,
  openConversationOf,
  sameHash as same,
  sendTextIn as sendText,
  windowEndsAt,
} from './export-link-sending.js';
import { inviteToLinkIn } from './export-invitations.js';
import { exportFileName, exportZip, gatherPatientExportIn } from './export.service.js';
import { findRequest } from './requests.repository.js';
import { closeRequest, requestAudit } from './requests.service.js';

/**
 * The patient's own way to the copy of their data: a link sent on WhatsApp to the conversation
 * they wrote from. The token is random (32 bytes) and only its hash is kept; it lives 7 days.
 * Opening it asks for a one-time code that is sent to the same WhatsApp conversation; a right code
 * binds the link to that browser (an HttpOnly cookie whose secret is kept hashed too) and the ZIP
 * is streamed, built at that moment (export.service: never stored). Another browser, an expired
 * link or too many wrong codes get a clear refusal with a stable code.
 *
 * Inside WhatsApp's 24-hour window the link goes at once as plain text. Outside it Meta allows
 * templates only: the patient is sent the template data_copy_ready and the link follows as text
 * when they tap its button (export-invitations.ts). The link itself is never in a template.
 */

export { EXPORT_LINK_DAYS } from './export-link-sending.js';
const CODE_MINUTES = 10;
const MAX_CODE_ATTEMPTS = 5;
export const EXPORT_COOKIE = 'dp_copy';

/** The copy of this request can be sent: an approved access request, not refused. */
function readyForLink(row: Awaited<ReturnType<typeof findRequest>>) {
  if (!row) throw new AppError('privacy_request_not_found');
  if (row.type !== 'access' || !row.approvedAt || row.state === 'refused')
    throw new AppError('privacy_export_not_ready');
  return row;
}

/** How "Send the link" would reach the patient now (the request page says so on its button). */
export async function exportLinkDelivery(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; requestId: string; now?: Date },
): Promise<ExportLinkDelivery> {
  requirePermission(input.actor, 'privacy:approve');
  const now = input.now ?? new Date();
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = readyForLink(await findRequest(tx, input.requestId));
    const conversation = await latestConversationOf(tx, row.patientId, { lock: false });
    const ends = conversation && !conversation.optedOut ? windowEndsAt(conversation, now) : null;
    return ends ? { via: 'text', windowEndsAt: ends.toISOString() } : { via: 'template', windowEndsAt: null };
  });
}

/**
 * An owner sends the patient a link to the copy of their approved access request: as text inside
 * the 24-hour window, else the invitation template (the link follows the patient's tap). A number
 * that opted out gets neither (409 whatsapp_opted_out).
 */
export async function sendExportLink(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; requestId: string; now?: Date },
): Promise<ExportLinkSent> {
  requirePermission(input.actor, 'privacy:approve');
  const now = input.now ?? new Date();
  const result = await inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = readyForLink(await findRequest(tx, input.requestId, { forUpdate: true }));
    const conversation = await latestConversationOf(tx, row.patientId);
    if (conversation?.optedOut)
      throw new AppError('whatsapp_opted_out', {
        detail: 'The patient opted out of WhatsApp messages: hand the copy over at the desk',
      });
    if (conversation && windowEndsAt(conversation, now)) {
      const link = await issueLinkIn(ctx, tx, { ...input, request: row, conversation, now });
      return { via: 'text' as const, expiresAt: link.expiresAt.toISOString(), queued: link.queued };
    }
    const invited = await inviteToLinkIn(ctx, tx, { ...input, request: row, conversation, now });
    return { via: 'template' as const, expiresAt: invited.expiresAt.toISOString(), queued: 1 };
  });
  if (result.queued > 0) wakeOutbox(ctx);
  return { via: result.via, expiresAt: result.expiresAt };
}

/** The link of a token, checked (unknown: 404; expired: 410), with its practice. */
async function linkOf(ctx: AppContext, token: string, now: Date) {
  const [id, secret] = token.split('.');
  if (!id || !secret || !/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('not_found');
  // The token names no practice: the link says which (read before row-level security applies).
  const owner = await ctx.db
    .selectFrom('privacyExportLinks')
    .select('practiceId')
    .where('id', '=', id)
    .executeTakeFirst();
  if (!owner) throw new AppError('not_found');
  return { id, secret, practiceId: owner.practiceId, now };
}

async function lockedLink(tx: Tx, link: { id: string; secret: string; now: Date }) {
  const row = await tx
    .selectFrom('privacyExportLinks')
    .selectAll()
    .where('id', '=', link.id)
    .forUpdate()
    .executeTakeFirst();
  if (!row || !same(row.tokenHash, hash(link.secret))) throw new AppError('not_found');
  if (row.expiresAt.getTime() <= link.now.getTime())
    throw new AppError('export_link_expired', { detail: 'This link has expired: ask the practice for a new one' });
  return row;
}

/** The page opened: a one-time code goes to the patient's WhatsApp conversation. */
export async function sendExportLinkCode(
  ctx: AppContext,
  input: { token: string; now?: Date },
): Promise<{ sent: true }> {
  const link = await linkOf(ctx, input.token, input.now ?? new Date());
  const queued = await inPractice(ctx.db, link.practiceId, async (tx) => {
    const row = await lockedLink(tx, link);
    if (row.codeAttempts >= MAX_CODE_ATTEMPTS) throw new AppError('export_link_locked');
    if (row.boundHash) throw new AppError('export_link_other_session');
    const request = await findRequest(tx, row.requestId);
    if (!request) throw new AppError('not_found');
    const conversation = await openConversationOf(tx, request.patientId, link.now);
    if (!conversation) throw new AppError('whatsapp_window_closed');
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    await tx
      .updateTable('privacyExportLinks')
      .set({ codeHash: hash(`${row.id}:${code}`), codeExpiresAt: new Date(link.now.getTime() + CODE_MINUTES * 60_000) })
      .where('id', '=', row.id)
      .execute();
    return sendText(tx, {
      masterKey: ctx.config.encryptionKey,
      practiceId: link.practiceId,
      conversation,
      body: `${code} — DentalPro code / code DentalPro (${CODE_MINUTES} min)`,
      idempotencyKey: `privacy-link-code:${row.id}:${link.now.getTime()}`,
    });
  });
  if (queued > 0) wakeOutbox(ctx);
  return { sent: true };
}

/** A right code binds the link to this browser: returns the cookie's secret. */
export async function confirmExportLinkCode(
  ctx: AppContext,
  input: { token: string; code: string; now?: Date },
): Promise<{ cookie: string; expiresAt: Date }> {
  const link = await linkOf(ctx, input.token, input.now ?? new Date());
  const outcome = await inPractice(ctx.db, link.practiceId, async (tx) => {
    const row = await lockedLink(tx, link);
    if (row.boundHash) throw new AppError('export_link_other_session');
    if (row.codeAttempts >= MAX_CODE_ATTEMPTS) throw new AppError('export_link_locked');
    const right =
      row.codeHash &&
      row.codeExpiresAt &&
      row.codeExpiresAt.getTime() > link.now.getTime() &&
      same(row.codeHash, hash(`${row.id}:${input.code.trim()}`));
    if (!right) {
      await tx
        .updateTable('privacyExportLinks')
        .set({ codeAttempts: row.codeAttempts + 1 })
        .where('id', '=', row.id)
        .execute();
      return { wrong: MAX_CODE_ATTEMPTS - row.codeAttempts - 1, cookie: '', expiresAt: row.expiresAt };
    }
    const cookie = randomBytes(32).toString('base64url');
    await tx
      .updateTable('privacyExportLinks')
      .set({ boundHash: hash(cookie), boundAt: link.now, codeHash: null })
      .where('id', '=', row.id)
      .execute();
    return { wrong: undefined, cookie, expiresAt: row.expiresAt };
  });
  // The wrong try is counted (committed) before it is refused.
  if (outcome.wrong !== undefined)
    throw outcome.wrong > 0
      ? new AppError('export_link_code_wrong', { detail: `Wrong or expired code: ${outcome.wrong} tries left` })
      : new AppError('export_link_locked');
  return { cookie: outcome.cookie, expiresAt: outcome.expiresAt };
}

/** The ZIP, for the browser the link is bound to. Audited; the request is fulfilled by the first download. */
export async function downloadByLink(
  ctx: AppContext,
  input: { token: string; cookie: string | undefined; now?: Date },
): Promise<{ filename: string; stream: Readable }> {
  const link = await linkOf(ctx, input.token, input.now ?? new Date());
  const gathered = await inPractice(ctx.db, link.practiceId, async (tx) => {
    const row = await lockedLink(tx, link);
    if (!row.boundHash) throw new AppError('export_link_code_required');
    if (!input.cookie || !same(row.boundHash, hash(input.cookie))) throw new AppError('export_link_other_session');
    const request = await findRequest(tx, row.requestId, { forUpdate: true });
    if (!request) throw new AppError('not_found');
    const gathered = await gatherPatientExportIn(ctx, tx, {
      practiceId: link.practiceId,
      patientId: request.patientId,
      now: link.now,
    });
    await tx
      .updateTable('privacyExportLinks')
      .set({ downloads: row.downloads + 1 })
      .where('id', '=', row.id)
      .execute();
    const actor = systemActor('export-link');
    await requestAudit(tx, { actor, practiceId: link.practiceId }, request, 'privacy.export_downloaded', {
      by: 'link',
      linkId: row.id,
      modules: gathered.modules.map((m) => m.module),
      missing: gathered.missing,
    });
    if (request.state === 'in_progress') {
      await closeRequest(tx, request, { actor, practiceId: link.practiceId, at: link.now });
    }
    return gathered;
  });
  return { filename: exportFileName(gathered), stream: exportZip(gathered) };
}
