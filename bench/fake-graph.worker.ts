import { parentPort, workerData } from 'node:worker_threads';
import Fastify from 'fastify';
import { FakeGraph, type FakeGraphOptions } from '../apps/server/src/modules/messaging/fake-graph.js';
import { SANDBOX_TEMPLATES } from '../apps/server/src/modules/messaging/templates.catalog.js';
import type { BenchSend } from './whatsapp-setup.js';

/** The fake Graph API in a thread of its own (see startBenchGraph): Meta's work is not the server's. */
const { accessToken, options } = workerData as { accessToken: string; options: Partial<FakeGraphOptions> };
const fake = new FakeGraph({ accessToken, templates: SANDBOX_TEMPLATES, statusDelaysMs: null, ...options });
const server = Fastify({ logger: false });
const arrivedAt = new Map<string, number>();
// Before the fake's modelled latency: when the call reached "Meta".
server.addHook('preHandler', async (request) => {
  const to = (request.body as { to?: unknown } | undefined)?.to;
  if (typeof to === 'string' && !arrivedAt.has(to)) arrivedAt.set(to, Date.now());
});
fake.register(server);
const url = await server.listen({ port: 0, host: '127.0.0.1' });

parentPort!.on('message', async (m: { id: number; type: 'count' | 'sent' | 'close' }) => {
  if (m.type === 'count') parentPort!.postMessage({ id: m.id, sent: fake.sent.length, requests: fake.requests.length });
  else if (m.type === 'sent') {
    const sent: BenchSend[] = fake.sent.map((s) => ({
      phoneNumberId: s.phoneNumberId,
      to: s.to,
      wamid: s.wamid,
      receivedAt: s.receivedAt,
      arrivedAt: arrivedAt.get(s.to) ?? s.receivedAt,
    }));
    parentPort!.postMessage({ id: m.id, sent });
  } else {
    fake.close();
    await server.close();
    parentPort!.postMessage({ id: m.id });
  }
});
parentPort!.postMessage({ ready: url });
