import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundWebhook } from '../src/modules/messaging/fake-graph.js';
import { type Client, type TestApp, loggedIn, makePractice } from './harness.js';
import { connectChannel, createWhatsAppTestApp, postWebhook, startFakeGraph, workers } from './whatsapp-fixtures.js';

describe('WhatsApp smoke', () => {
  let t: TestApp;
  let graph: Awaited<ReturnType<typeof startFakeGraph>>;
  let practiceId: string;
  let owner: Client;
  beforeAll(async () => {
    graph = await startFakeGraph();
    t = await createWhatsAppTestApp(graph.url);
    const p = await makePractice(t.ctx);
    practiceId = p.practiceId;
    owner = await loggedIn(t.app, p.owner);
    await connectChannel(t.ctx, practiceId, '106540352242922');
  });
  afterAll(async () => {
    await t?.close();
    await graph?.close();
  });

  it('receives, lists, replies and records the wamid', async () => {
    const body = inboundWebhook({
      wabaId: '102290129340398',
      phoneNumberId: '106540352242922',
      from: '23057123456',
      profileName: 'Aisha',
      message: { type: 'text', text: { body: 'Bonjour' } },
    });
    const res = await postWebhook(t, body);
    expect(res.statusCode).toBe(200);
    const w = workers(t);
    expect(await w.processWebhooks()).toBe(1);
    const list = await owner.get(`/api/v1/practices/${practiceId}/inbox/conversations`);
    expect(list.statusCode).toBe(200);
    const [conversation] = list.json().items;
    expect(conversation.profileName).toBe('Aisha');
    expect(conversation.unreadCount).toBe(1);
    const sent = await owner.post(`/api/v1/practices/${practiceId}/inbox/conversations/${conversation.id}/messages`, {
      type: 'text',
      body: 'Hello Aisha',
    });
    expect(sent.statusCode).toBe(201);
    await w.send();
    expect(graph.fake.sent.map((m) => (m.body.text as { body: string }).body)).toEqual(['Hello Aisha']);
    const messages = await owner.get(`/api/v1/practices/${practiceId}/inbox/conversations/${conversation.id}/messages`);
    expect(messages.json().items.map((m: { status: string }) => m.status)).toEqual(['received', 'sent']);
  });

  it('sends a photo as a signed link that Meta can fetch once and nobody can forge', async () => {
    const list = await owner.get(`/api/v1/practices/${practiceId}/inbox/conversations`);
    const conversationId = list.json().items[0].id;
    const png = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from('not really pixels'),
    ]);
    const res = await owner.post(`/api/v1/practices/${practiceId}/inbox/conversations/${conversationId}/messages`, {
      type: 'media',
      fileName: 'x-ray.png',
      mimeType: 'image/png',
      dataBase64: png.toString('base64'),
      caption: 'Your x-ray',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().content).toMatchObject({ type: 'media', mediaType: 'image', download: 'stored' });
    await workers(t).send();
    const sent = graph.fake.sent.at(-1)!.body as { type: string; image: { link: string; caption: string } };
    expect(sent).toMatchObject({ type: 'image', image: { caption: 'Your x-ray' } });
    const path = new URL(sent.image.link).pathname;
    const fetched = await t.app.inject({ method: 'GET', url: path });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.rawPayload.equals(png)).toBe(true);
    const forged = await t.app.inject({ method: 'GET', url: `${path.slice(0, -3)}abc` });
    expect(forged.statusCode).toBe(404);
    const notPng = await owner.post(`/api/v1/practices/${practiceId}/inbox/conversations/${conversationId}/messages`, {
      type: 'media',
      fileName: 'x.png',
      mimeType: 'image/png',
      dataBase64: Buffer.from('GIF89a...').toString('base64'),
    });
    expect([notPng.statusCode, notPng.json().code]).toEqual([415, 'attachment_type_not_allowed']);
  });
});
