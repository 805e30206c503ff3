import { randomUUID } from 'node:crypto';
import type { AppContext } from '../apps/server/src/context.js';
import { FAMILY_NAMES, GIVEN_NAMES } from '../apps/server/src/demo/names.js';
import { seededRandom } from '../apps/server/src/demo/random.js';
import { createUser } from '../apps/server/src/modules/auth/users.js';
import { createChannelIn } from '../apps/server/src/modules/messaging/channels.service.js';
import type { FakeGraphOptions } from '../apps/server/src/modules/messaging/fake-graph.js';
import { createPatientsInBulk } from '../apps/server/src/modules/patients/patients.service.js';
import { createPracticeIn } from '../apps/server/src/modules/practices/practices.service.js';
import { systemActor } from '../apps/server/src/platform/access.js';
import { inPractice } from '../apps/server/src/platform/tenancy.js';
import { askWorker, startTsWorker } from './ts-worker.js';

/**
 * What the WhatsApp benchmarks share: Meta credentials for a server configured for Meta (not
 * the sandbox), the fake Graph API on a port of its own, and practices with a connected number.
 */

export const BENCH_WHATSAPP = {
  appSecret: 'bench-app-secret-0123456789abcdef',
  verifyToken: 'bench-verify-token',
  graphToken: 'bench-graph-token-0123456789',
  wabaId: '102290129340398',
};

/** The environment of a server that talks to Meta at `graphUrl`; the benchmark starts the background work itself. */
export function whatsappEnv(graphUrl: string): Record<string, string> {
  return {
    WHATSAPP_APP_SECRET: BENCH_WHATSAPP.appSecret,
    WHATSAPP_VERIFY_TOKEN: BENCH_WHATSAPP.verifyToken,
    WHATSAPP_GRAPH_URL: graphUrl,
    WHATSAPP_WORKERS: 'false',
  };
}

/** A send as the fake Graph API took it; `arrivedAt` is before its modelled latency, `receivedAt` after. */
export interface BenchSend {
  phoneNumberId: string;
  to: string;
  wamid: string;
  receivedAt: number;
  arrivedAt: number;
}

export interface BenchGraph {
  url: string;
  count(): Promise<{ sent: number; requests: number }>;
  sent(): Promise<BenchSend[]>;
  close(): Promise<void>;
}

/**
 * The fake Graph API (Meta's wire format) on its own loopback port, in a worker thread, so
 * that answering the server's calls is not done on the server's event loop.
 */
export async function startBenchGraph(
  options: Pick<FakeGraphOptions, 'latencyMs' | 'statusDelaysMs'> = {},
): Promise<BenchGraph> {
  const worker = startTsWorker(new URL('./fake-graph.worker.ts', import.meta.url), {
    accessToken: BENCH_WHATSAPP.graphToken,
    options,
  });
  const url = await new Promise<string>((resolve, reject) => {
    const onMessage = (m: { ready?: string }) => {
      if (m.ready === undefined) return;
      worker.off('message', onMessage);
      resolve(m.ready);
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
  });
  const ask = askWorker(worker);
  return {
    url,
    count: () => ask({ type: 'count' }),
    sent: async () => (await ask<{ sent: BenchSend[] }>({ type: 'sent' })).sent,
    async close() {
      await ask({ type: 'close' });
      await worker.terminate();
    },
  };
}

export interface WhatsAppPractice {
  practiceId: string;
  ownerId: string;
  channelId: string;
  phoneNumberId: string;
}

/** A practice with an owner, optional patients (created through the service) and its WhatsApp number connected. */
export async function createWhatsAppPractice(
  ctx: AppContext,
  plan: { name: string; phoneNumberId: string; patients?: { givenName: string; familyName: string; phone: string }[] },
): Promise<WhatsAppPractice> {
  const actor = systemActor('bench');
  const suffix = randomUUID().slice(0, 8);
  const { practiceId, ownerId } = await ctx.db.transaction().execute(async (tx) => {
    const user = await createUser(tx, {
      email: `bench-whatsapp-${suffix}@example.mu`,
      name: 'Bench Owner',
      password: 'correct horse battery',
    });
    const practice = await createPracticeIn(tx, {
      practice: { name: `${plan.name} ${suffix}` },
      ownerUserId: user.id,
      actor,
    });
    return { practiceId: practice.id, ownerId: user.id };
  });
  if (plan.patients?.length) await createPatientsInBulk(ctx, { actor, practiceId, patients: plan.patients });
  const channel = await inPractice(ctx.db, practiceId, async (tx) => {
    const created = await createChannelIn(tx, {
      actor,
      practiceId,
      phoneNumberId: plan.phoneNumberId,
      accessToken: BENCH_WHATSAPP.graphToken,
      masterKey: ctx.config.encryptionKey,
      sandbox: false,
    });
    await tx
      .updateTable('whatsappChannels')
      .set({ wabaId: BENCH_WHATSAPP.wabaId, displayPhoneNumber: `230${plan.phoneNumberId.slice(-8)}` })
      .where('id', '=', created.id)
      .execute();
    return created;
  });
  return { practiceId, ownerId, channelId: channel.id, phoneNumberId: plan.phoneNumberId };
}

/** Most in a 1 s window [t, t + 1000) over these instants (ms). */
export function maxInOneSecond(instants: number[]): number {
  const t = [...instants].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < t.length; j++) {
    while (t[j]! - t[i]! >= 1000) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

/** Mauritian mobiles (2305XXXXXXX) with names, the same on every run. */
export function makeSenders(count: number, seed: number): { waId: string; name: string }[] {
  const random = seededRandom(seed);
  const waIds = new Set<string>();
  while (waIds.size < count) waIds.add(`2305${random.int(2, 9)}${String(random.int(0, 999999)).padStart(6, '0')}`);
  return [...waIds].map((waId) => ({ waId, name: `${random.pick(GIVEN_NAMES)} ${random.pick(FAMILY_NAMES)}` }));
}
