import type { MessageContent } from '@dentalpro/contracts';
import type { Db } from '../../db/connection.js';
import { decrypt, encrypt, hmacSha256 } from '../../platform/crypto.js';
import { openForPractice, openOutsidePractice, sealForPractice } from '../../platform/data-keys.js';
import type { Tx } from '../../platform/tenancy.js';

/**
 * WhatsApp words at rest (issue 14). A message's words — the text parts of its inbox content,
 * Meta's raw message and the Graph API request — are sealed together with the practice's data key
 * (the scheme of clinical notes: data-keys.ts), bound to the message id. `content` keeps only its
 * shape in the clear, which is all that SQL and the dispatcher ever compare or update. Rows from
 * before (sealed IS NULL) are read as they are until the backfill (message-words.backfill.ts)
 * reaches them.
 *
 * Webhook bodies belong to no practice until they are routed (one POST may name several numbers),
 * so intake seals them with the master key itself, as two-factor secrets are; no database round
 * trip is added before Meta's 200.
 */

/** The keys of MessageContent that are nobody's words (a template's `name` too; a location's is a place). */
const SHAPE_KEYS = new Set(['type', 'mediaType', 'mimeType', 'download', 'choiceId', 'language', 'originalType']);

export function splitContent(content: MessageContent | Record<string, unknown>): {
  shape: Record<string, unknown>;
  words: Record<string, unknown>;
} {
  const shape: Record<string, unknown> = {};
  const words: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(content)) {
    if (SHAPE_KEYS.has(key) || (key === 'name' && content.type === 'template')) shape[key] = value;
    else words[key] = value;
  }
  return { shape, words };
}

export const messageAad = (messageId: string) => `whatsapp-message:${messageId}`;

interface SealedWords {
  content: Record<string, unknown>;
  raw?: unknown;
  request?: unknown;
}

/** The columns a message is written with: `content` (its shape, JSON) and `sealed` (its words). */
export async function sealMessage(
  tx: Tx,
  masterKey: Buffer,
  practiceId: string,
  messageId: string,
  message: { content: MessageContent | Record<string, unknown>; raw?: unknown; request?: unknown },
): Promise<{ content: string; sealed: Buffer }> {
  const { shape, words } = splitContent(message.content);
  const sealed: SealedWords = {
    content: words,
    ...(message.raw != null ? { raw: message.raw } : {}),
    ...(message.request != null ? { request: message.request } : {}),
  };
  return {
    content: JSON.stringify(shape),
    sealed: await sealForPractice(tx, masterKey, practiceId, JSON.stringify(sealed), messageAad(messageId)),
  };
}

/** Opens a practice's sealed values: inside its transaction, or (dispatcher, listeners) from outside one. */
export type WordsOpener = (sealed: Buffer, aad: string) => Promise<Buffer>;

export const openerIn =
  (tx: Tx, masterKey: Buffer, practiceId: string): WordsOpener =>
  (sealed, aad) =>
    openForPractice(tx, masterKey, practiceId, sealed, aad);

export const openerOutside =
  (db: Db, masterKey: Buffer, practiceId: string): WordsOpener =>
  (sealed, aad) =>
    openOutsidePractice(db, masterKey, practiceId, sealed, aad);

export interface StoredMessageWords {
  id: string;
  content: unknown;
  raw?: unknown;
  request?: unknown;
  sealed: Buffer | null;
}

export interface OpenedMessage {
  content: MessageContent;
  raw: unknown;
  request: unknown;
}

/** A message as it was written: its shape with its words opened, or a row from before sealing as it is. */
export async function openMessage(open: WordsOpener, row: StoredMessageWords): Promise<OpenedMessage> {
  if (!row.sealed)
    return { content: row.content as MessageContent, raw: row.raw ?? null, request: row.request ?? null };
  const words = JSON.parse((await open(row.sealed, messageAad(row.id))).toString('utf8')) as SealedWords;
  return {
    content: { ...words.content, ...(row.content as Record<string, unknown>) } as MessageContent,
    raw: words.raw ?? null,
    request: words.request ?? null,
  };
}

export const openContent = async (open: WordsOpener, row: StoredMessageWords) => (await openMessage(open, row)).content;

/** Contents of many rows (a page of a thread, a list's previews), opened side by side. */
export const openContents = (open: WordsOpener, rows: readonly StoredMessageWords[]) =>
  Promise.all(rows.map((r) => openContent(open, r)));

// ---------------------------------------------------------------------------------------------
// Webhook bodies

const BODY_AAD = 'whatsapp-webhook-delivery';

export const sealWebhookBody = (masterKey: Buffer, body: string) => encrypt(masterKey, body, BODY_AAD);

/** A stored body: sealed under the master key (or, after `keys rotate`, the previous one), or plain from before. */
export function openWebhookBody(
  keys: { encryptionKey: Buffer; previousEncryptionKey?: Buffer | undefined },
  row: { body: string | null; bodySealed: Buffer | null },
): string {
  if (!row.bodySealed) return row.body ?? '';
  try {
    return decrypt(keys.encryptionKey, row.bodySealed, BODY_AAD).toString('utf8');
  } catch (err) {
    if (!keys.previousEncryptionKey) throw err;
    return decrypt(keys.previousEncryptionKey, row.bodySealed, BODY_AAD).toString('utf8');
  }
}

/**
 * A keyed hash of a WhatsApp number or user id (a blind index): a deletion request finds the bodies
 * naming the patient's number without opening every body, and the column alone reveals no number.
 */
export function contactTag(masterKey: Buffer, contact: string): string {
  return hmacSha256(hmacSha256(masterKey, 'whatsapp-contact-tags'), contact).subarray(0, 16).toString('hex');
}

/** The numbers and user ids a webhook body names: senders, contacts and recipients of statuses. */
export function contactsOfEnvelope(envelope: unknown): string[] {
  const found = new Set<string>();
  const add = (v: unknown) => {
    if (typeof v === 'string' && v) found.add(v);
  };
  const list = (v: unknown): Record<string, unknown>[] =>
    Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object') : [];
  for (const entry of list((envelope as { entry?: unknown })?.entry))
    for (const change of list(entry.changes)) {
      const value = change.value as Record<string, unknown> | undefined;
      if (!value || typeof value !== 'object') continue;
      for (const c of list(value.contacts)) {
        add(c.wa_id);
        add(c.user_id);
      }
      for (const m of list(value.messages)) {
        add(m.from);
        add(m.from_user_id);
      }
      for (const s of list(value.statuses)) {
        add(s.recipient_id);
        add(s.recipient_user_id);
      }
    }
  return [...found];
}
