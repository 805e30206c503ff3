import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundWebhook } from '../src/modules/messaging/fake-graph.js';
import { processWebhookDeliveries } from '../src/modules/messaging/inbound.service.js';
import { openWebhookBody } from '../src/modules/messaging/message-words.js';
import { signWebhook } from '../src/modules/messaging/signature.js';
import { type Client, type TestApp, loggedIn, makePractice } from './harness.js';
import {
  APP_SECRET,
  VERIFY_TOKEN,
  connectChannel,
  createWhatsAppTestApp,
  postWebhook,
  startFakeGraph,
  workers,
} from './whatsapp-fixtures.js';
import {
  WABA_ID,
  conversationOf,
  deliveryCount,
  inbox,
  messagesOf,
  metaReports,
  newWaId,
  newWamid,
  patientWrites,
} from './whatsapp-helpers.js';

/** The webhook: Meta's handshake, signatures, bad input, every message type, batches, duplicates, statuses, crashes. */

const PHONE_A = '106540352242922'; // the number of the contract's example payloads
const PHONE_B = '106540352200002';
const EXAMPLES = path.resolve(import.meta.dirname, '../../..', '../shared/whatsapp/examples');
const exampleRaw = (name: string) =>
  existsSync(path.join(EXAMPLES, name)) ? readFileSync(path.join(EXAMPLES, name), 'utf8') : null;

/** Meta's raw body: JSON with every non-ASCII character escaped as \uXXXX. */
const asMetaSends = (value: unknown) =>
  JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let practiceA: string;
let practiceB: string;
let channelA: string;
let channelB: string;
let owner: Client;
let ownerB: Client;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  const a = await makePractice(t.ctx);
  const b = await makePractice(t.ctx);
  practiceA = a.practiceId;
  practiceB = b.practiceId;
  channelA = (await connectChannel(t.ctx, practiceA, PHONE_A)).id;
  channelB = (await connectChannel(t.ctx, practiceB, PHONE_B)).id;
  owner = await loggedIn(t.app, a.owner);
  ownerB = await loggedIn(t.app, b.owner);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

const processAll = () => workers(t).processWebhooks();
const pending = async () => {
  const rows = await t.db
    .selectFrom('whatsappWebhookDeliveries')
    .select('id')
    .where('processedAt', 'is', null)
    .where('deadAt', 'is', null)
    .execute();
  return rows.length;
};

/** A staff reply that reached the fake Graph API: its id and wamid. */
async function staffReply(waId: string, body = 'Reply from the practice') {
  await patientWrites(t, { phoneNumberId: PHONE_A, from: waId });
  await processAll();
  const conversation = (await conversationOf(t, channelA, waId))!;
  const res = await inbox(owner, practiceA).send(conversation.id, { type: 'text', body });
  expect(res.statusCode, res.body).toBe(201);
  await workers(t).send();
  const row = await t.db
    .selectFrom('whatsappMessages')
    .select(['id', 'wamid', 'status'])
    .where('id', '=', res.json().id)
    .executeTakeFirstOrThrow();
  expect(row.wamid).toBeTruthy();
  return { conversationId: conversation.id, messageId: row.id, wamid: row.wamid! };
}

describe('verification handshake', () => {
  it('answers the challenge as plain text when the verify token is right', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toBe('1158201444');
  });

  it('refuses a wrong or missing token, and a mode other than subscribe, with 403', async () => {
    for (const query of [
      'hub.mode=subscribe&hub.verify_token=wrong-token&hub.challenge=1',
      'hub.mode=subscribe&hub.challenge=1',
      `hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`,
      '',
    ]) {
      const res = await t.app.inject({ method: 'GET', url: `/webhooks/whatsapp?${query}` });
      expect(res.statusCode, query).toBe(403);
      expect(res.body).not.toContain('1158201444');
    }
  });
});

describe('signatures', () => {
  const body = () =>
    inboundWebhook({
      wabaId: WABA_ID,
      phoneNumberId: PHONE_A,
      from: newWaId(),
      profileName: 'Signed',
      message: { type: 'text', text: { body: 'hi' } },
    });

  it('a good signature: 200, and the body is stored before the answer', async () => {
    const before = await deliveryCount(t);
    const raw = JSON.stringify(body());
    const res = await postWebhook(t, null, { raw });
    expect(res.statusCode).toBe(200);
    const stored = await t.db
      .selectFrom('whatsappWebhookDeliveries')
      .select(['body', 'bodySealed', 'processedAt', 'phoneNumberIds'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(await deliveryCount(t)).toBe(before + 1);
    // The number it is about, read once here for the retention rules.
    // Sealed at rest (message-words.ts): the raw bytes come back when opened, and only then.
    expect(stored).toMatchObject({ body: null, processedAt: null, phoneNumberIds: [PHONE_A] });
    expect(stored!.bodySealed!.toString('latin1')).not.toContain('"hi"');
    expect(openWebhookBody(t.ctx.config, stored!)).toBe(raw);
    await processAll();
  });

  it('a bad, missing, malformed or foreign signature: 401 and nothing stored', async () => {
    const before = await deliveryCount(t);
    const raw = JSON.stringify(body());
    const good = signWebhook(raw, APP_SECRET);
    for (const signature of [
      null,
      '',
      good.slice(7),
      `${good.slice(0, -1)}${good.endsWith('0') ? '1' : '0'}`,
      signWebhook(raw, 'another-app-secret-0123456789'),
      signWebhook(`${raw} `, APP_SECRET),
      'sha256=not-hex',
    ]) {
      const res = await postWebhook(t, null, { raw, signature });
      expect(res.statusCode, String(signature)).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().code).toBe('webhook_signature_invalid');
    }
    expect(await deliveryCount(t)).toBe(before);
  });

  it('is checked on the raw bytes: Meta’s escaped non-ASCII verifies, and decodes to the right characters', async () => {
    const from = newWaId();
    const value = inboundWebhook({
      wabaId: WABA_ID,
      phoneNumberId: PHONE_A,
      from,
      profileName: 'Hélène Bégué',
      message: { type: 'text', text: { body: 'Bonjour, j’ai mal à une dent 😬 — merci' } },
    });
    const raw = asMetaSends(value);
    expect(raw).toContain('H\\u00e9l\\u00e8ne');
    expect(raw).toContain('\\ud83d\\ude2c');
    expect(/\P{ASCII}/u.test(raw)).toBe(false);
    // A server that re-serialised the parsed body would compute another signature.
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(reserialised).not.toBe(raw);
    expect(signWebhook(reserialised, APP_SECRET)).not.toBe(signWebhook(raw, APP_SECRET));

    expect((await postWebhook(t, null, { raw, signature: signWebhook(reserialised, APP_SECRET) })).statusCode).toBe(
      401,
    );
    expect((await postWebhook(t, null, { raw })).statusCode).toBe(200);
    await processAll();
    const conversation = (await conversationOf(t, channelA, from))!;
    expect(conversation.profileName).toBe('Hélène Bégué');
    const [message] = await inbox(owner, practiceA).messages(conversation.id);
    expect(message!.content).toEqual({ type: 'text', body: 'Bonjour, j’ai mal à une dent 😬 — merci' });
  });

  it('whatever the content type says (with a charset, another type, or none), the bytes are what is checked', async () => {
    for (const contentType of ['application/json; charset=UTF-8', 'text/plain', undefined]) {
      const from = newWaId();
      const raw = JSON.stringify(
        inboundWebhook({
          wabaId: WABA_ID,
          phoneNumberId: PHONE_A,
          from,
          profileName: 'Typed',
          message: { type: 'text', text: { body: String(contentType) } },
        }),
      );
      const res = await t.app.inject({
        method: 'POST',
        url: '/webhooks/whatsapp',
        headers: {
          ...(contentType ? { 'content-type': contentType } : {}),
          'x-hub-signature-256': signWebhook(raw, APP_SECRET),
        },
        payload: raw,
      });
      expect(res.statusCode, String(contentType)).toBe(200);
      await processAll();
      expect(await conversationOf(t, channelA, from), String(contentType)).toBeDefined();
    }
  });

  it('raw UTF-8 (not escaped) verifies too', async () => {
    const from = newWaId();
    const raw = JSON.stringify(
      inboundWebhook({
        wabaId: WABA_ID,
        phoneNumberId: PHONE_A,
        from,
        profileName: 'Zoë',
        message: { type: 'text', text: { body: 'Mersi 🙏' } },
      }),
    );
    expect((await postWebhook(t, null, { raw })).statusCode).toBe(200);
    await processAll();
    const conversation = (await conversationOf(t, channelA, from))!;
    expect((await inbox(owner, practiceA).messages(conversation.id))[0]!.content).toEqual({
      type: 'text',
      body: 'Mersi 🙏',
    });
  });
});

describe('bad input', () => {
  it('non-JSON, truncated JSON and other objects: 400 webhook_payload_invalid, nothing stored', async () => {
    const before = await deliveryCount(t);
    const full = JSON.stringify(
      inboundWebhook({
        wabaId: WABA_ID,
        phoneNumberId: PHONE_A,
        from: newWaId(),
        profileName: 'x',
        message: { type: 'text', text: { body: 'x' } },
      }),
    );
    for (const raw of [
      'hello',
      '',
      full.slice(0, full.length - 5),
      '{"object":"page","entry":[]}',
      '{"object":"whatsapp_business_account"}',
      '[]',
      'null',
      '"whatsapp_business_account"',
    ]) {
      const res = await postWebhook(t, null, { raw });
      expect(res.statusCode, raw).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 400, code: 'webhook_payload_invalid' });
    }
    expect(await deliveryCount(t)).toBe(before);
  });

  it('a ~3 MB batch is accepted and processed; a 5 MB one is refused with 413 and not stored', async () => {
    const from = newWaId();
    const big = inboundWebhook({
      wabaId: WABA_ID,
      phoneNumberId: PHONE_A,
      from,
      profileName: 'Big',
      message: { type: 'text', text: { body: 'a big one' }, future_field: 'x'.repeat(3 * 1024 * 1024) },
    });
    const raw = JSON.stringify(big);
    expect(raw.length).toBeGreaterThan(3 * 1024 * 1024);
    expect((await postWebhook(t, null, { raw })).statusCode).toBe(200);
    await processAll();
    const conversation = (await conversationOf(t, channelA, from))!;
    const [message] = await messagesOf(t, conversation.id);
    expect(message!.content).toEqual({ type: 'text', body: 'a big one' });
    expect((message!.raw as { future_field: string }).future_field).toHaveLength(3 * 1024 * 1024);

    const before = await deliveryCount(t);
    const huge = JSON.stringify(
      inboundWebhook({
        wabaId: WABA_ID,
        phoneNumberId: PHONE_A,
        from,
        profileName: 'Huge',
        message: { type: 'text', text: { body: 'x' }, padding: 'x'.repeat(5 * 1024 * 1024) },
      }),
    );
    const res = await postWebhook(t, null, { raw: huge });
    expect(res.statusCode).toBe(413);
    expect(await deliveryCount(t)).toBe(before);
  });

  it('a number no practice has: 200, stored, and marked processed without error', async () => {
    const from = newWaId();
    expect((await patientWrites(t, { phoneNumberId: '999999999999', from })).length).toBeGreaterThan(0);
    await processAll();
    const delivery = await t.db
      .selectFrom('whatsappWebhookDeliveries')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(delivery.processedAt).not.toBeNull();
    expect(delivery.lastError).toBeNull();
    expect(await t.db.selectFrom('whatsappConversations').select('id').where('waId', '=', from).execute()).toEqual([]);
  });

  it('statuses for messages never sent from here are stored and cause no error', async () => {
    const wamid = newWamid();
    await metaReports(t, { phoneNumberId: PHONE_A, wamid, status: 'delivered' });
    await metaReports(t, {
      phoneNumberId: PHONE_A,
      wamid,
      status: 'failed',
      errors: [{ code: 131026, title: 'Message undeliverable' }],
    });
    await processAll();
    expect(await pending()).toBe(0);
    const events = await t.db
      .selectFrom('whatsappStatusEvents')
      .select(['status', 'appliedAt'])
      .where('wamid', '=', wamid)
      .orderBy('id')
      .execute();
    expect(events).toEqual([
      { status: 'delivered', appliedAt: null },
      { status: 'failed', appliedAt: null },
    ]);
    const errors = await t.db
      .selectFrom('whatsappWebhookDeliveries')
      .select('lastError')
      .where('lastError', 'is not', null)
      .execute();
    expect(errors).toEqual([]);
  });

  it('text that PostgreSQL cannot keep as is (NUL, a lone surrogate) is cleaned, not a poison pill for its batch', async () => {
    const from = newWaId();
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '23052000000', phone_number_id: PHONE_A },
                contacts: [{ profile: { name: 'Nul\u0000l' }, wa_id: from }],
                messages: [
                  {
                    from,
                    id: newWamid(),
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: 'a\u0000b' },
                  },
                  {
                    from,
                    id: newWamid(),
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: 'half \ud83d emoji' },
                  },
                  {
                    from,
                    id: newWamid(),
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: 'after' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    expect((await postWebhook(t, null, { raw })).statusCode).toBe(200);
    await processAll();
    expect(await pending()).toBe(0);
    const conversation = (await conversationOf(t, channelA, from))!;
    const bodies = (await inbox(owner, practiceA).messages(conversation.id)).map(
      (m) => (m.content as { body: string }).body,
    );
    expect(bodies).toHaveLength(3);
    expect(bodies[0]).toMatch(/^a.?b$/u);
    expect(bodies[1]).toMatch(/^half .? emoji$/u);
    expect(bodies[2]).toBe('after');
  });

  it('the server keeps answering after all of that', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('every message type reaches the inbox', () => {
  it.skipIf(!exampleRaw('inbound-text.json'))('the contract’s example payloads, as Meta sends them', async () => {
    for (const name of [
      'inbound-text.json',
      'inbound-button-reply.json',
      'inbound-list-reply.json',
      'inbound-template-quick-reply.json',
    ]) {
      const raw = exampleRaw(name);
      if (raw) expect((await postWebhook(t, null, { raw })).statusCode, name).toBe(200);
    }
    await processAll();
    const conversation = (await conversationOf(t, channelA, '23057123456'))!;
    expect(conversation.profileName).toBe('Aisha Ramjaun');
    const contents = (await inbox(owner, practiceA).messages(conversation.id)).map((m) => m.content);
    expect(contents).toEqual([
      { type: 'text', body: 'Bonjour, je voudrais un rendez-vous' },
      { type: 'choice', choiceId: 'confirm', title: 'Confirm' },
      { type: 'choice', choiceId: 'slot:2026-12-01T10:30', title: 'Tue 1 Dec 10:30', description: 'Dr Li, chair 2' },
      { type: 'choice', choiceId: 'CONFIRM:appt_123', title: 'Confirm' },
    ]);
  });

  it('a tap is announced with its button’s id (ours, never the patient’s words); a text without one', async () => {
    const from = newWaId();
    await patientWrites(t, { phoneNumberId: PHONE_A, from, message: { type: 'text', text: { body: 'Bonjour' } } });
    await patientWrites(t, {
      phoneNumberId: PHONE_A,
      from,
      message: {
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'rm1.confirm.x', title: 'Confirm' } },
      },
    });
    // The webhooks processed, the listeners not yet run: the announcements wait in the jobs table.
    while ((await processWebhookDeliveries(t.ctx)).processed > 0);
    const conversation = (await conversationOf(t, channelA, from))!;
    const announced = await t.db
      .selectFrom('jobs')
      .select('payload')
      .where('name', '=', 'event:messaging.inbound_message_stored')
      .where(sql<boolean>`payload->>'conversationId' = ${conversation.id}`)
      .orderBy('id')
      .execute();
    expect(announced.map((j) => j.payload)).toEqual([
      expect.not.objectContaining({ choiceId: expect.anything() }),
      expect.objectContaining({ contentType: 'choice', choiceId: 'rm1.confirm.x' }),
    ]);
    // With the number's assistant switch as it was: off here.
    expect(announced.map((j) => (j.payload as { assistantActive?: boolean }).assistantActive)).toEqual([false, false]);
    expect(JSON.stringify(announced)).not.toContain('Bonjour');
    await processAll();
  });

  it('interactive, button, media, location, contacts, order, unsupported and unknown', async () => {
    const from = newWaId();
    const at = Date.now() - 60_000;
    const messages: Record<string, unknown>[] = [
      { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'confirm', title: 'Confirm' } } },
      {
        type: 'interactive',
        interactive: { type: 'list_reply', list_reply: { id: 'slot:1', title: 'Tue 10:30', description: 'Dr Li' } },
      },
      {
        type: 'interactive',
        interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{}' } },
      },
      { type: 'button', button: { payload: 'CONFIRM:1', text: 'Confirm' } },
      { type: 'image', image: { id: '1001', mime_type: 'image/jpeg', sha256: 'x', caption: 'my tooth' } },
      { type: 'audio', audio: { id: '1002', mime_type: 'audio/ogg; codecs=opus', sha256: 'x', voice: true } },
      { type: 'video', video: { id: '1003', mime_type: 'video/mp4', sha256: 'x' } },
      {
        type: 'document',
        document: { id: '1004', mime_type: 'application/pdf', sha256: 'x', filename: 'referral.pdf' },
      },
      { type: 'sticker', sticker: { id: '1005', mime_type: 'image/webp', sha256: 'x', animated: false } },
      {
        type: 'location',
        location: { latitude: -20.1609, longitude: 57.5012, name: 'Port Louis', address: 'Rue Royale' },
      },
      {
        type: 'contacts',
        contacts: [
          {
            name: { formatted_name: 'Ravi K', first_name: 'Ravi' },
            phones: [{ phone: '+230 5711 0000', wa_id: '23057110000' }],
          },
        ],
      },
      {
        type: 'order',
        order: {
          catalog_id: '1',
          product_items: [{ product_retailer_id: 'a', quantity: '1', item_price: '100', currency: 'MUR' }],
        },
      },
      {
        type: 'unsupported',
        errors: [
          {
            code: 131051,
            title: 'Message type unknown',
            message: 'Message type unknown',
            error_data: { details: 'Message type is currently not supported.' },
          },
        ],
      },
      { type: 'unknown', errors: [{ code: 131051, title: 'Message type unknown' }] },
      { type: 'hologram', hologram: { depth: 3 } },
    ];
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '23052000000', phone_number_id: PHONE_A },
                contacts: [{ profile: { name: 'All Types' }, wa_id: from }],
                messages: messages.map((m, i) => ({
                  from,
                  id: newWamid(),
                  timestamp: String(Math.floor(at / 1000) + i),
                  ...m,
                })),
              },
            },
          ],
        },
      ],
    });
    expect((await postWebhook(t, null, { raw })).statusCode).toBe(200);
    await processAll();
    const conversation = (await conversationOf(t, channelA, from))!;
    const stored = await inbox(owner, practiceA).messages(conversation.id);
    expect(stored.map((m) => m.content)).toEqual([
      { type: 'choice', choiceId: 'confirm', title: 'Confirm' },
      { type: 'choice', choiceId: 'slot:1', title: 'Tue 10:30', description: 'Dr Li' },
      { type: 'choice', choiceId: 'flow', title: 'Sent' },
      { type: 'choice', choiceId: 'CONFIRM:1', title: 'Confirm' },
      { type: 'media', mediaType: 'image', mimeType: 'image/jpeg', caption: 'my tooth', download: 'pending' },
      { type: 'media', mediaType: 'audio', mimeType: 'audio/ogg; codecs=opus', download: 'pending' },
      { type: 'media', mediaType: 'video', mimeType: 'video/mp4', download: 'pending' },
      {
        type: 'media',
        mediaType: 'document',
        mimeType: 'application/pdf',
        fileName: 'referral.pdf',
        download: 'pending',
      },
      { type: 'media', mediaType: 'sticker', mimeType: 'image/webp', download: 'pending' },
      { type: 'location', latitude: -20.1609, longitude: 57.5012, name: 'Port Louis', address: 'Rue Royale' },
      { type: 'contacts', names: ['Ravi K'] },
      { type: 'system', body: 'Order of 1 item' },
      { type: 'unsupported', originalType: 'unsupported' },
      { type: 'unsupported', originalType: 'unknown' },
      { type: 'unsupported', originalType: 'hologram' },
    ]);
    expect(stored.every((m) => m.direction === 'inbound' && m.status === 'received')).toBe(true);
    // The original is kept, errors and unknown members included.
    const rows = await messagesOf(t, conversation.id);
    expect((rows[12]!.raw as { errors: unknown[] }).errors).toHaveLength(1);
    expect((rows[14]!.raw as { hologram: unknown }).hologram).toEqual({ depth: 3 });
    // Each media message has a download queued.
    const downloads = await t.db
      .selectFrom('whatsappOutbox')
      .select('messageId')
      .where('conversationId', '=', conversation.id)
      .where('kind', '=', 'media_download')
      .execute();
    expect(downloads).toHaveLength(5);
    expect((await inbox(owner, practiceA).detail(conversation.id)).unreadCount).toBe(messages.length);
  });

  it('context links a reply to our message (replyTo in the inbox)', async () => {
    const waId = newWaId();
    const ours = await staffReply(waId, 'Shall we say Tuesday?');
    await patientWrites(t, {
      phoneNumberId: PHONE_A,
      from: waId,
      message: { type: 'text', text: { body: 'Yes' }, context: { from: '23052000000', id: ours.wamid } },
    });
    await processAll();
    const messages = await inbox(owner, practiceA).messages(ours.conversationId);
    expect(messages.find((m) => m.content.body === 'Yes')).toMatchObject({
      replyTo: { messageId: ours.messageId, preview: 'Shall we say Tuesday?' },
    });
  });

  it('a reaction attaches to the message it reacts to; an empty emoji removes it', async () => {
    const waId = newWaId();
    const ours = await staffReply(waId, 'See you tomorrow');
    const count = (await messagesOf(t, ours.conversationId)).length;
    await patientWrites(t, {
      phoneNumberId: PHONE_A,
      from: waId,
      message: { type: 'reaction', reaction: { message_id: ours.wamid, emoji: '👍' } },
    });
    await processAll();
    let messages = await inbox(owner, practiceA).messages(ours.conversationId);
    expect(messages).toHaveLength(count);
    expect(messages.find((m) => m.id === ours.messageId)!.reactions).toEqual([{ emoji: '👍', by: 'patient' }]);
    await patientWrites(t, {
      phoneNumberId: PHONE_A,
      from: waId,
      message: { type: 'reaction', reaction: { message_id: ours.wamid, emoji: '❤️' } },
    });
    await processAll();
    messages = await inbox(owner, practiceA).messages(ours.conversationId);
    expect(messages.find((m) => m.id === ours.messageId)!.reactions).toEqual([{ emoji: '❤️', by: 'patient' }]);
    await patientWrites(t, {
      phoneNumberId: PHONE_A,
      from: waId,
      message: { type: 'reaction', reaction: { message_id: ours.wamid, emoji: '' } },
    });
    await processAll();
    messages = await inbox(owner, practiceA).messages(ours.conversationId);
    expect(messages.find((m) => m.id === ours.messageId)!.reactions).toEqual([]);
    // A reaction to a message we do not know is dropped quietly.
    await patientWrites(t, {
      phoneNumberId: PHONE_A,
      from: waId,
      message: { type: 'reaction', reaction: { message_id: newWamid(), emoji: '😀' } },
    });
    await processAll();
    expect(await pending()).toBe(0);
  });

  it('user_changed_number: the conversation follows the patient to the new number', async () => {
    const oldNumber = newWaId();
    const newNumber = newWaId();
    await patientWrites(t, { phoneNumberId: PHONE_A, from: oldNumber, profileName: 'Mover' });
    await processAll();
    const conversation = (await conversationOf(t, channelA, oldNumber))!;
    await patientWrites(t, {
      phoneNumberId: PHONE_A,
      from: oldNumber,
      message: {
        type: 'system',
        system: {
          body: `Mover changed from ${oldNumber} to ${newNumber}`,
          wa_id: newNumber,
          type: 'user_changed_number',
        },
      },
    });
    await processAll();
    expect(await conversationOf(t, channelA, oldNumber)).toBeUndefined();
    expect((await conversationOf(t, channelA, newNumber))!.id).toBe(conversation.id);
    await patientWrites(t, { phoneNumberId: PHONE_A, from: newNumber, profileName: 'Mover' });
    await processAll();
    const detail = await inbox(owner, practiceA).detail(conversation.id);
    expect(detail).toMatchObject({ waId: newNumber, phone: `+${newNumber}` });
    const messages = await inbox(owner, practiceA).messages(conversation.id);
    expect(messages.map((m) => m.origin)).toEqual(['patient', 'system', 'patient']);
  });

  it('username users without a phone: keyed by user id, and staff are told to answer from the app', async () => {
    const userId = 'MU.1029384756';
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '23052000000', phone_number_id: PHONE_A },
                contacts: [{ profile: { name: 'ravi_k' }, user_id: userId }],
                messages: [
                  {
                    from_user_id: userId,
                    id: newWamid(),
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: 'hi from a username' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    await postWebhook(t, null, { raw });
    await processAll();
    const conversation = await t.db
      .selectFrom('whatsappConversations')
      .selectAll()
      .where('userId', '=', userId)
      .executeTakeFirstOrThrow();
    expect(conversation.waId).toBeNull();
    const detail = await inbox(owner, practiceA).detail(conversation.id);
    expect(detail).toMatchObject({ waId: null, phone: null, profileName: 'ravi_k' });
    const reply = await inbox(owner, practiceA).send(conversation.id, { type: 'text', body: 'Hello' });
    expect(reply.statusCode).toBe(409);
    expect(reply.json().code).toBe('whatsapp_no_phone');
  });

  it('a username user who later shows a phone stays one conversation, and nothing gets stuck', async () => {
    const userId = 'MU.5647382910';
    const waId = newWaId();
    const envelopeWith = (contact: Record<string, unknown>, message: Record<string, unknown>) =>
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [
          {
            id: WABA_ID,
            changes: [
              {
                field: 'messages',
                value: {
                  messaging_product: 'whatsapp',
                  metadata: { display_phone_number: '23052000000', phone_number_id: PHONE_A },
                  contacts: [{ profile: { name: 'priya' }, ...contact }],
                  messages: [
                    { id: newWamid(), timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', ...message },
                  ],
                },
              },
            ],
          },
        ],
      });
    await postWebhook(t, null, {
      raw: envelopeWith({ user_id: userId }, { from_user_id: userId, text: { body: 'first, as a username' } }),
    });
    await processAll();
    await postWebhook(t, null, {
      raw: envelopeWith(
        { user_id: userId, wa_id: waId },
        { from: waId, from_user_id: userId, text: { body: 'now with my number' } },
      ),
    });
    await processAll();
    expect(await pending()).toBe(0);
    const conversations = await t.db
      .selectFrom('whatsappConversations')
      .select(['id', 'waId', 'userId'])
      .where((eb) => eb.or([eb('userId', '=', userId), eb('waId', '=', waId)]))
      .execute();
    expect(conversations).toHaveLength(1);
    expect(conversations[0]).toMatchObject({ waId, userId });
    expect((await messagesOf(t, conversations[0]!.id)).map((m) => (m.content as { body: string }).body)).toEqual([
      'first, as a username',
      'now with my number',
    ]);
  });
});

describe('batches and duplicates', () => {
  it('processes every entry, change, message and status of one POST, once, however often it comes', async () => {
    const p1 = newWaId();
    const p2 = newWaId();
    const p3 = newWaId();
    const [m1, m2, m3, m4, m5] = [newWamid(), newWamid(), newWamid(), newWamid(), newWamid()];
    const unknownWamid = newWamid();
    const now = String(Math.floor(Date.now() / 1000));
    const text = (from: string, id: string, body: string) => ({
      from,
      id,
      timestamp: now,
      type: 'text',
      text: { body },
    });
    const value = (phoneNumberId: string, rest: Record<string, unknown>) => ({
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: '230520', phone_number_id: phoneNumberId },
      ...rest,
    });
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          changes: [
            {
              field: 'messages',
              value: value(PHONE_A, {
                contacts: [{ profile: { name: 'One' }, wa_id: p1 }],
                messages: [text(p1, m1, 'one'), text(p1, m2, 'two')],
              }),
            },
            {
              field: 'messages',
              value: value(PHONE_A, {
                contacts: [{ profile: { name: 'Two' }, wa_id: p2 }],
                // m1 again, inside the same POST: Meta does that too.
                messages: [text(p2, m3, 'three'), text(p1, m1, 'one')],
                statuses: [
                  { id: unknownWamid, status: 'sent', timestamp: now, recipient_id: p2 },
                  { id: unknownWamid, status: 'sent', timestamp: now, recipient_id: p2 },
                ],
              }),
            },
          ],
        },
        {
          id: '999888777',
          changes: [
            {
              field: 'messages',
              value: value(PHONE_B, {
                contacts: [{ profile: { name: 'Three' }, wa_id: p3 }],
                messages: [text(p3, m4, 'four'), text(p3, m5, 'five')],
              }),
            },
          ],
        },
      ],
    };
    expect((await postWebhook(t, body)).statusCode).toBe(200);
    expect((await postWebhook(t, body)).statusCode).toBe(200);
    expect(await processAll()).toBe(2);
    const one = (await conversationOf(t, channelA, p1))!;
    const two = (await conversationOf(t, channelA, p2))!;
    const three = (await conversationOf(t, channelB, p3))!;
    const bodies = async (id: string) => (await messagesOf(t, id)).map((m) => (m.content as { body: string }).body);
    expect(await bodies(one.id)).toEqual(['one', 'two']);
    expect(await bodies(two.id)).toEqual(['three']);
    expect(await bodies(three.id)).toEqual(['four', 'five']);
    expect(three.practiceId).toBe(practiceB);
    expect(one.unreadCount).toBe(2);
    const events = await t.db
      .selectFrom('whatsappStatusEvents')
      .select('status')
      .where('wamid', '=', unknownWamid)
      .execute();
    expect(events).toEqual([{ status: 'sent' }]);
    // Each practice sees its own conversations only.
    expect((await inbox(ownerB, practiceB).list()).items.map((c) => c.waId)).toEqual([p3]);
    expect((await inbox(owner, practiceA).list()).items.map((c) => c.waId)).not.toContain(p3);
  });

  it('a processed delivery processed again (a crash before it was marked) changes nothing', async () => {
    const from = newWaId();
    await patientWrites(t, { phoneNumberId: PHONE_A, from });
    await processAll();
    const conversation = (await conversationOf(t, channelA, from))!;
    await sql`UPDATE whatsapp_webhook_deliveries SET processed_at = NULL, claimed_until = NULL WHERE id = (SELECT max(id) FROM whatsapp_webhook_deliveries)`.execute(
      t.db,
    );
    expect(await processAll()).toBe(1);
    expect(await messagesOf(t, conversation.id)).toHaveLength(1);
    expect((await conversationOf(t, channelA, from))!.unreadCount).toBe(1);
  });
});

describe('statuses', () => {
  it('never move backwards, whatever order they arrive in, and may skip delivered', async () => {
    const ours = await staffReply(newWaId());
    await metaReports(t, { phoneNumberId: PHONE_A, wamid: ours.wamid, status: 'read' });
    await processAll();
    await metaReports(t, { phoneNumberId: PHONE_A, wamid: ours.wamid, status: 'sent' });
    await metaReports(t, { phoneNumberId: PHONE_A, wamid: ours.wamid, status: 'delivered' });
    await metaReports(t, { phoneNumberId: PHONE_A, wamid: ours.wamid, status: 'read' });
    await processAll();
    expect(
      (await inbox(owner, practiceA).messages(ours.conversationId)).find((m) => m.id === ours.messageId)!.status,
    ).toBe('read');
    // A failure reported after the patient read it is not believed.
    await metaReports(t, {
      phoneNumberId: PHONE_A,
      wamid: ours.wamid,
      status: 'failed',
      errors: [{ code: 131026, title: 'Message undeliverable' }],
    });
    await processAll();
    expect(
      (await inbox(owner, practiceA).messages(ours.conversationId)).find((m) => m.id === ours.messageId),
    ).toMatchObject({ status: 'read', failure: null });
  });

  it('sent, then delivered, then read, in order', async () => {
    const ours = await staffReply(newWaId());
    const statusOf = async () =>
      (await inbox(owner, practiceA).messages(ours.conversationId)).find((m) => m.id === ours.messageId)!.status;
    await metaReports(t, { phoneNumberId: PHONE_A, wamid: ours.wamid, status: 'delivered' });
    await processAll();
    expect(await statusOf()).toBe('delivered');
    await metaReports(t, { phoneNumberId: PHONE_A, wamid: ours.wamid, status: 'read' });
    await processAll();
    expect(await statusOf()).toBe('read');
  });

  it('failed with 131026: the inbox says the patient is not on WhatsApp', async () => {
    const ours = await staffReply(newWaId());
    await metaReports(t, {
      phoneNumberId: PHONE_A,
      wamid: ours.wamid,
      status: 'failed',
      errors: [
        {
          code: 131026,
          title: 'Message undeliverable',
          message: 'Message undeliverable',
          error_data: { details: 'Message Undeliverable.' },
        },
      ],
    });
    await processAll();
    const message = (await inbox(owner, practiceA).messages(ours.conversationId)).find((m) => m.id === ours.messageId)!;
    expect(message).toMatchObject({
      status: 'failed',
      failure: { reason: 'not_on_whatsapp', code: 131026, detail: 'Message undeliverable: Message Undeliverable.' },
    });
  });

  it('failed with 131050: the conversation is opted out; the practice may answer but not start anything', async () => {
    const ours = await staffReply(newWaId());
    await metaReports(t, {
      phoneNumberId: PHONE_A,
      wamid: ours.wamid,
      status: 'failed',
      errors: [{ code: 131050, title: 'Unable to deliver the message: the user stopped marketing messages' }],
    });
    await processAll();
    const detail = await inbox(owner, practiceA).detail(ours.conversationId);
    expect(detail.optedOut).toBe(true);
    expect(
      (await inbox(owner, practiceA).messages(ours.conversationId)).find((m) => m.id === ours.messageId)!.failure,
    ).toMatchObject({ reason: 'opted_out', code: 131050 });
    const template = await inbox(owner, practiceA).send(ours.conversationId, {
      type: 'template',
      templateName: 'recall_due',
      language: 'en',
      parameters: { '1': 'Aisha', '2': 'Smile' },
    });
    expect(template.statusCode).toBe(409);
    expect(template.json().code).toBe('whatsapp_opted_out');
    // Inside the window the practice still answers what the patient asks.
    expect(
      (await inbox(owner, practiceA).send(ours.conversationId, { type: 'text', body: 'Noted, no more reminders' }))
        .statusCode,
    ).toBe(201);
    await sql`UPDATE whatsapp_conversations SET last_inbound_at = now() - interval '25 hours' WHERE id = ${ours.conversationId}`.execute(
      t.db,
    );
    const late = await inbox(owner, practiceA).send(ours.conversationId, { type: 'text', body: 'Still there?' });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('whatsapp_opted_out');
  });
});

describe('crashes', () => {
  it('a delivery acknowledged but never processed (the process died) is processed by the next run', async () => {
    const from = newWaId();
    await patientWrites(t, { phoneNumberId: PHONE_A, from, profileName: 'Survivor' });
    expect(await conversationOf(t, channelA, from)).toBeUndefined();
    expect(await pending()).toBe(1);
    // "Restart": a new processor over the same store.
    expect(await workers(t).processWebhooks()).toBe(1);
    expect((await conversationOf(t, channelA, from))!.profileName).toBe('Survivor');
    expect(await pending()).toBe(0);
  });

  it('a claim held by a dead processor runs out and is taken over, once; a live claim is left alone', async () => {
    const from = newWaId();
    await patientWrites(t, { phoneNumberId: PHONE_A, from });
    const id = (
      await t.db.selectFrom('whatsappWebhookDeliveries').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()
    ).id;
    await sql`UPDATE whatsapp_webhook_deliveries SET claimed_until = now() + interval '5 minutes', attempts = 1 WHERE id = ${id}`.execute(
      t.db,
    );
    expect(await processAll()).toBe(0);
    await sql`UPDATE whatsapp_webhook_deliveries SET claimed_until = now() - interval '1 second' WHERE id = ${id}`.execute(
      t.db,
    );
    const [first, second] = await Promise.all([processAll(), processAll()]);
    expect(first! + second!).toBe(1);
    const conversation = (await conversationOf(t, channelA, from))!;
    expect(await messagesOf(t, conversation.id)).toHaveLength(1);
    const delivery = await t.db
      .selectFrom('whatsappWebhookDeliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(delivery.processedAt).not.toBeNull();
    expect(delivery.attempts).toBe(2);
  });

  it('a stored delivery that cannot be processed is retried later, then set aside, without holding up the others', async () => {
    const { id } = await t.db
      .insertInto('whatsappWebhookDeliveries')
      .values({ body: '{"object":"whatsapp_business_account","entry":' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const from = newWaId();
    await patientWrites(t, { phoneNumberId: PHONE_A, from });
    expect(await processAll()).toBe(2);
    expect(await conversationOf(t, channelA, from)).toBeDefined();
    let broken = await t.db
      .selectFrom('whatsappWebhookDeliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(broken).toMatchObject({ processedAt: null, deadAt: null, attempts: 1 });
    expect(broken.lastError).toBeTruthy();
    expect(new Date(broken.claimedUntil!).getTime()).toBeGreaterThan(Date.now());
    await sql`UPDATE whatsapp_webhook_deliveries SET attempts = 8, claimed_until = now() - interval '1 second' WHERE id = ${id}`.execute(
      t.db,
    );
    expect(await processAll()).toBe(1);
    broken = await t.db
      .selectFrom('whatsappWebhookDeliveries')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(broken.deadAt).not.toBeNull();
    expect(await processAll()).toBe(0);
  });
});
