import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from '../src/context.js';
import type { Config } from '../src/config.js';
import { systemActor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import { createChannelIn } from '../src/modules/messaging/channels.service.js';
import { createBackgroundRunner } from '../src/background.js';
import { createDispatcher } from '../src/modules/messaging/dispatcher.js';
import { FakeGraph, type FakeGraphOptions } from '../src/modules/messaging/fake-graph.js';
import { processWebhookDeliveries } from '../src/modules/messaging/inbound.service.js';
import { publishInboxNotices } from '../src/modules/messaging/messaging.runtime.js';
import { signWebhook } from '../src/modules/messaging/signature.js';
import { SANDBOX_TEMPLATES } from '../src/modules/messaging/templates.catalog.js';
import { type TestApp, createTestApp } from './harness.js';

export const APP_SECRET = 'test-app-secret-0123456789';
export const VERIFY_TOKEN = 'verify-token-123';
export const GRAPH_TOKEN = 'test-graph-token-123456';

/** A fake Graph API on its own port, speaking Meta's wire format. */
export async function startFakeGraph(options: Partial<FakeGraphOptions> = {}) {
  const fake = new FakeGraph({
    accessToken: GRAPH_TOKEN,
    templates: SANDBOX_TEMPLATES,
    statusDelaysMs: null,
    ...options,
  });
  const server: FastifyInstance = Fastify({ logger: false });
  fake.register(server);
  const url = await server.listen({ port: 0, host: '127.0.0.1' });
  return {
    fake,
    url,
    async close() {
      fake.close();
      await server.close();
    },
  };
}

/** A test app configured for Meta (not the sandbox) with its Graph API at `graphUrl`. */
export async function createWhatsAppTestApp(
  graphUrl: string | null,
  config: Omit<Partial<Config>, 'whatsapp'> = {},
): Promise<TestApp> {
  return createTestApp({
    config: {
      ...config,
      whatsapp: {
        sandbox: false,
        appSecret: APP_SECRET,
        verifyToken: VERIFY_TOKEN,
        graphUrl,
        graphVersion: 'v23.0',
        runWorkers: false,
      },
    },
  });
}

export async function connectChannel(
  ctx: AppContext,
  practiceId: string,
  phoneNumberId: string,
  extra: Record<string, unknown> = {},
) {
  return inPractice(ctx.db, practiceId, async (tx) => {
    const channel = await createChannelIn(tx, {
      actor: systemActor('test'),
      practiceId,
      phoneNumberId,
      accessToken: GRAPH_TOKEN,
      masterKey: ctx.config.encryptionKey,
      sandbox: true,
    });
    await tx
      .updateTable('whatsappChannels')
      .set({ wabaId: '102290129340398', ...extra })
      .where('id', '=', channel.id)
      .execute();
    return channel;
  });
}

/** Signed as Meta signs for this app (APP_SECRET in a WhatsApp test app, the sandbox's secret in another). */
export async function postWebhook(t: TestApp, body: unknown, opts: { signature?: string | null; raw?: string } = {}) {
  const raw = opts.raw ?? JSON.stringify(body);
  const signature = opts.signature === undefined ? signWebhook(raw, t.ctx.config.whatsapp.appSecret) : opts.signature;
  return t.app.inject({
    method: 'POST',
    url: '/webhooks/whatsapp',
    headers: { 'content-type': 'application/json', ...(signature ? { 'x-hub-signature-256': signature } : {}) },
    payload: raw,
  });
}

/** Runs the background work by hand until there is none left: processing, then sending. */
export function workers(t: TestApp, opts: { graphTimeoutMs?: number } = {}) {
  const dispatcher = createDispatcher(t.ctx, {
    graphUrl: () => t.ctx.config.whatsapp.graphUrl ?? t.ctx.graph.url!,
    onNotice: (n) => publishInboxNotices(t.ctx, [n]),
    ...opts,
  });
  const jobs = createBackgroundRunner(t.ctx, { schedules: false });
  return {
    dispatcher,
    /** Processes the stored webhooks, then the jobs they set going (the greeting and away replies). */
    async processWebhooks() {
      let total = 0;
      for (;;) {
        const r = await processWebhookDeliveries(t.ctx);
        total += r.processed;
        if (r.processed === 0) break;
      }
      await jobs.runDue();
      return total;
    },
    /** Claims and sends what is due, waiting for the calls to finish. */
    async send() {
      let total = 0;
      for (let i = 0; i < 50; i++) {
        const n = await dispatcher.runOnce();
        await dispatcher.drain();
        total += n;
        if (n === 0) return total;
      }
      return total;
    },
  };
}
