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
    const body = inboundWebhook({ wabaId: '102290129340398', phoneNumberId: '106540352242922', from: '23057123456', profileName: 'Aisha', message: { type: 'text', text: { body: 'Bonjour' } } });
    const res = await postWebhook(t, body);
    expect(res.statusCode).toBe(200);
    const w = workers(t);
    expect(await w.processWebhooks()).toBe(1);
    const list = await owner.get(`/api/v1/practices/${practiceId}/inbox/conversations`);
    expect(list.statusCode).toBe(200);
    const [conversation] = list.json().items;
    expect(conversation.profileName).toBe('Aisha');
    expect(conversation.unreadCount).toBe(1);
    const sent = await owner.post(`/api/v1/practices/${practiceId}/inbox/conversations/${conversation.id}/messages`, { type: 'text', body: 'Hello Aisha' });
    expect(sent.statusCode).toBe(201);
    await w.send();
    expect(graph.fake.sent.map((m) => (m.body.text as { body: string }).body)).toEqual(['Hello Aisha']);
    const messages = await owner.get(`/api/v1/practices/${practiceId}/inbox/conversations/${conversation.id}/messages`);
    expect(messages.json().items.map((m: { status: string }) => m.status)).toEqual(['received', 'sent']);
  });
});
