import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { expect } from 'vitest';
import { inboundWebhook, statusWebhook } from '../src/modules/messaging/fake-graph.js';
import { openMessage, openerOutside } from '../src/modules/messaging/message-words.js';
import type { Client, TestApp } from './harness.js';
import { postWebhook } from './whatsapp-fixtures.js';

/** Helpers shared by the WhatsApp test files, on top of whatsapp-fixtures.ts. */

export const WABA_ID = '102290129340398';

export const newWamid = () => `wamid.${randomBytes(24).toString('base64url')}`;

/** A Mauritian mobile number in WhatsApp form, different for each call. */
let phoneCounter = 0;
export const newWaId = () => `2305${7_100_000 + phoneCounter++}`;

/** The patient writes (a signed webhook in Meta's shape). Returns the message's wamid. */
export async function patientWrites(
  t: TestApp,
  opts: {
    phoneNumberId: string;
    from: string;
    profileName?: string;
    message?: Record<string, unknown>;
    at?: Date;
    wamid?: string;
  },
) {
  const wamid = opts.wamid ?? newWamid();
  const body = inboundWebhook({
    wabaId: WABA_ID,
    phoneNumberId: opts.phoneNumberId,
    from: opts.from,
    profileName: opts.profileName ?? 'Patient',
    message: {
      id: wamid,
      ...(opts.at ? { timestamp: String(Math.floor(opts.at.getTime() / 1000)) } : {}),
      ...(opts.message ?? { type: 'text', text: { body: 'Hello' } }),
    },
  });
  const res = await postWebhook(t, body);
  expect(res.statusCode, res.body).toBe(200);
  return wamid;
}

/** Meta reports a status for one of our messages. */
export async function metaReports(
  t: TestApp,
  opts: { phoneNumberId: string; wamid: string; status: string; recipientId?: string; errors?: unknown[]; at?: Date },
) {
  const body = statusWebhook({
    wabaId: WABA_ID,
    phoneNumberId: opts.phoneNumberId,
    wamid: opts.wamid,
    status: opts.status,
    recipientId: opts.recipientId ?? '23057000000',
    ...(opts.errors ? { errors: opts.errors } : {}),
    ...(opts.at ? { at: opts.at.getTime() } : {}),
  });
  const res = await postWebhook(t, body);
  expect(res.statusCode, res.body).toBe(200);
}

export const metaErrorBody = (code: number, message = 'error', details = '') => ({
  error: {
    message: `(#${code}) ${message}`,
    type: 'OAuthException',
    code,
    error_data: { messaging_product: 'whatsapp', details },
    fbtrace_id: 'AbCdEf',
  },
});

/** Everything waiting to be retried or paced is due now: the tests do not wait out back-offs. */
export async function makeEverythingDue(t: TestApp) {
  await sql`UPDATE whatsapp_outbox SET next_attempt_at = now() WHERE state = 'queued'`.execute(t.db);
  await sql`UPDATE whatsapp_conversations SET pair_slot_at = '-infinity'`.execute(t.db);
  await sql`UPDATE whatsapp_channels SET send_slot_at = '-infinity'`.execute(t.db);
}

export async function conversationOf(t: TestApp, channelId: string, waId: string) {
  return t.db
    .selectFrom('whatsappConversations')
    .selectAll()
    .where('channelId', '=', channelId)
    .where('waId', '=', waId)
    .executeTakeFirst();
}

/** The conversation's rows, their words opened (sealed at rest: message-words.ts) as they were written. */
export async function messagesOf(t: TestApp, conversationId: string) {
  const rows = await t.db
    .selectFrom('whatsappMessages')
    .selectAll()
    .where('conversationId', '=', conversationId)
    .orderBy('occurredAt')
    .orderBy('createdAt')
    .execute();
  return Promise.all(
    rows.map(async (r) => ({
      ...r,
      ...(await openMessage(openerOutside(t.db, t.ctx.config.encryptionKey, r.practiceId), r)),
    })),
  );
}

export async function deliveryCount(t: TestApp) {
  const row = await t.db
    .selectFrom('whatsappWebhookDeliveries')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The inbox as staff see it, through the API. */
export function inbox(client: Client, practiceId: string) {
  const base = `/api/v1/practices/${practiceId}/inbox/conversations`;
  return {
    base,
    list: async (query = '') => {
      const res = await client.get(`${base}${query ? `?${query}` : ''}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as {
        items: {
          id: string;
          waId: string | null;
          profileName: string;
          unreadCount: number;
          optedOut: boolean;
          [k: string]: unknown;
        }[];
        nextCursor: string | null;
      };
    },
    detail: async (id: string) => {
      const res = await client.get(`${base}/${id}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    },
    messages: async (id: string) => {
      const res = await client.get(`${base}/${id}/messages`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items as {
        id: string;
        direction: string;
        origin: string;
        content: Record<string, unknown>;
        status: string;
        failure: { reason: string; code: number | null } | null;
        replyTo: { messageId: string; preview: string } | null;
        reactions: { emoji: string; by: string }[];
      }[];
    },
    send: (id: string, body: unknown, headers: Record<string, string> = {}) =>
      client.request('POST', `${base}/${id}/messages`, body, headers),
  };
}
