import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_GRAPH_PREFIX } from '../src/modules/messaging/sandbox.js';
import { type Client, type TestApp, createTestApp, loggedIn, makePractice } from './harness.js';
import { workers } from './whatsapp-fixtures.js';
import { conversationOf, deliveryCount, inbox } from './whatsapp-helpers.js';

/** The sandbox: no Meta credentials, the server plays Meta (a fake Graph API mounted on itself and a phone page). */

let t: TestApp;
let owner: Client;
let practiceId: string;
let channelId: string;
let otherOwner: Client;
const PHONE = '100000000000777';
const OTHER_PHONE = '100000000000888';

beforeAll(async () => {
  t = await createTestApp({
    config: {
      whatsapp: {
        sandbox: true,
        appSecret: 'x'.repeat(20),
        verifyToken: 'v'.repeat(10),
        graphUrl: null,
        graphVersion: 'v23.0',
        runWorkers: false,
      },
    },
  });
  // The outbound pipeline calls the sandbox's Graph API over HTTP, as it would call Meta.
  const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
  t.ctx.graph.url = `${address}${SANDBOX_GRAPH_PREFIX}`;
  const p = await makePractice(t.ctx, { name: 'Sandbox Dental' });
  practiceId = p.practiceId;
  owner = await loggedIn(t.app, p.owner);
  const put = await owner.request('PUT', `/api/v1/practices/${practiceId}/whatsapp/channel`, {
    phoneNumberId: PHONE,
    displayPhoneNumber: '+230 5200 0777',
    throughputPerSecond: 80,
  });
  expect(put.statusCode, put.body).toBe(200);
  expect(put.json()).toMatchObject({ sandbox: true, phoneNumberId: PHONE });
  channelId = put.json().id;
  const other = await makePractice(t.ctx, { name: 'Elsewhere Dental' });
  otherOwner = await loggedIn(t.app, other.owner);
  expect(
    (
      await otherOwner.request('PUT', `/api/v1/practices/${other.practiceId}/whatsapp/channel`, {
        phoneNumberId: OTHER_PHONE,
        throughputPerSecond: 80,
      })
    ).statusCode,
  ).toBe(200);
});
afterAll(async () => {
  await t?.close();
});

const phoneWrites = (client: Client, body: Record<string, unknown>) =>
  client.post('/api/v1/sandbox/whatsapp/messages', body);

async function until(check: () => Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    await workers(t).processWebhooks();
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('condition not met in time');
}

describe('the sandbox', () => {
  it('lists the numbers of the user’s own practices only', async () => {
    const res = await owner.get('/api/v1/sandbox/whatsapp');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      enabled: true,
      channels: [
        { practiceId, practiceName: 'Sandbox Dental', phoneNumberId: PHONE, displayPhoneNumber: '+230 5200 0777' },
      ],
    });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/sandbox/whatsapp' })).statusCode).toBe(401);
  });

  it('the phone writes a signed webhook in Meta’s shape, which processing turns into a conversation', async () => {
    const before = await deliveryCount(t);
    const res = await phoneWrites(owner, {
      phoneNumberId: PHONE,
      from: '23057123456',
      profileName: 'Aisha',
      message: { type: 'text', body: 'Bonjour, un rendez-vous ?' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().wamid).toMatch(/^wamid\./);
    // Stored through the real endpoint, so its signature checked out.
    expect(await deliveryCount(t)).toBe(before + 1);
    await workers(t).processWebhooks();
    const conversation = (await conversationOf(t, channelId, '23057123456'))!;
    expect(conversation.profileName).toBe('Aisha');
    const [message] = await inbox(owner, practiceId).messages(conversation.id);
    expect(message!.content).toEqual({ type: 'text', body: 'Bonjour, un rendez-vous ?' });
  });

  it('cannot write to another practice’s number', async () => {
    const res = await phoneWrites(owner, {
      phoneNumberId: OTHER_PHONE,
      from: '23057123456',
      profileName: 'Aisha',
      message: { type: 'text', body: 'hi' },
    });
    expect(res.statusCode).toBe(404);
    const chat = await owner.get(`/api/v1/sandbox/whatsapp/chat?phoneNumberId=${OTHER_PHONE}&waId=23057123456`);
    expect(chat.statusCode).toBe(404);
  });

  it('a staff reply goes through the sandbox’s Graph API, shows on the phone, and its statuses come back', async () => {
    const conversation = (await conversationOf(t, channelId, '23057123456'))!;
    const sent = await inbox(owner, practiceId).send(conversation.id, { type: 'text', body: 'Oui, mardi à 10h ?' });
    expect(sent.statusCode, sent.body).toBe(201);
    await workers(t).send();
    const statusOf = async () =>
      (await inbox(owner, practiceId).messages(conversation.id)).find((m) => m.id === sent.json().id)!.status;
    await until(async () => (await statusOf()) === 'delivered');
    const chat = await owner.get(`/api/v1/sandbox/whatsapp/chat?phoneNumberId=${PHONE}&waId=23057123456`);
    expect(chat.statusCode).toBe(200);
    const items = chat.json().items as { direction: string; payload: { text?: { body: string } } }[];
    expect(items.map((m) => [m.direction, m.payload.text?.body])).toEqual([
      ['from_phone', 'Bonjour, un rendez-vous ?'],
      ['to_phone', 'Oui, mardi à 10h ?'],
    ]);
    // The patient opens the chat: read.
    const read = await owner.post('/api/v1/sandbox/whatsapp/read', { phoneNumberId: PHONE, waId: '23057123456' });
    expect(read.statusCode).toBe(204);
    await until(async () => (await statusOf()) === 'read');
  });

  it('a tap on a reply button or a list row is Meta’s interactive reply, answering the message tapped', async () => {
    const conversation = (await conversationOf(t, channelId, '23057123456'))!;
    const chatOf = async () =>
      (await owner.get(`/api/v1/sandbox/whatsapp/chat?phoneNumberId=${PHONE}&waId=23057123456`)).json().items as {
        wamid: string;
        direction: string;
        payload: Record<string, unknown>;
      }[];
    const answered = (await chatOf()).find((m) => m.direction === 'to_phone')!.wamid;
    const tap = (message: Record<string, unknown>) =>
      phoneWrites(owner, { phoneNumberId: PHONE, from: '23057123456', profileName: 'Aisha', message });

    const row = await tap({
      type: 'choice',
      kind: 'list',
      choiceId: 'h:abc123',
      title: 'Tue 8 Dec 10:30',
      description: 'Dr Li',
      contextWamid: answered,
    });
    expect(row.statusCode, row.body).toBe(200);
    const button = await tap({
      type: 'choice',
      kind: 'button',
      choiceId: 'confirm',
      title: 'Confirm',
      contextWamid: answered,
    });
    expect(button.statusCode, button.body).toBe(200);

    // What the webhook carried, as Meta sends it: the business number answered and the reply's own shape.
    const sent = (await chatOf()).filter((m) => m.direction === 'from_phone').slice(-2);
    expect(sent.map((m) => m.payload)).toEqual([
      expect.objectContaining({
        context: { from: '23052000777', id: answered },
        type: 'interactive',
        interactive: {
          type: 'list_reply',
          list_reply: { id: 'h:abc123', title: 'Tue 8 Dec 10:30', description: 'Dr Li' },
        },
      }),
      expect.objectContaining({
        context: { from: '23052000777', id: answered },
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'confirm', title: 'Confirm' } },
      }),
    ]);
    await workers(t).processWebhooks();
    const messages = await inbox(owner, practiceId).messages(conversation.id);
    expect(messages.slice(-2).map((m) => m.content)).toEqual([
      { type: 'choice', choiceId: 'h:abc123', title: 'Tue 8 Dec 10:30', description: 'Dr Li' },
      { type: 'choice', choiceId: 'confirm', title: 'Confirm' },
    ]);
  });

  it('a photo from the phone is fetched back through the sandbox’s Graph API', async () => {
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from('sandbox pixels'),
    ]);
    const res = await phoneWrites(owner, {
      phoneNumberId: PHONE,
      from: '23057654321',
      profileName: 'Ravi',
      message: { type: 'image', dataBase64: png.toString('base64'), mimeType: 'image/png', caption: 'my gum' },
    });
    expect(res.statusCode, res.body).toBe(200);
    await workers(t).processWebhooks();
    await workers(t).send();
    const conversation = (await conversationOf(t, channelId, '23057654321'))!;
    const [message] = await inbox(owner, practiceId).messages(conversation.id);
    expect(message!.content).toMatchObject({
      type: 'media',
      mediaType: 'image',
      caption: 'my gum',
      download: 'stored',
    });
    const media = await owner.get(
      `/api/v1/practices/${practiceId}/inbox/conversations/${conversation.id}/messages/${message!.id}/media`,
    );
    expect(media.statusCode).toBe(200);
    expect(media.rawPayload.equals(png)).toBe(true);
  });

  it('refuses a body that is not a sandbox message', async () => {
    const res = await phoneWrites(owner, {
      phoneNumberId: PHONE,
      from: 'not-a-number',
      profileName: 'X',
      message: { type: 'text', body: 'hi' },
    });
    expect(res.statusCode).toBe(400);
  });
});
