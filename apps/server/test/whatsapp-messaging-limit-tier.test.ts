import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metaError, qualityUpdateWebhook } from '../src/modules/messaging/fake-graph.js';
import { readMessagingLimitOfChannel } from '../src/modules/messaging/messaging-limit-reading.js';
import { messagingUpkeep } from '../src/modules/messaging/messaging.runtime.js';
import { queueTemplateToNumberIn } from '../src/modules/messaging/outreach.service.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type TestApp, loggedIn, makePractice } from './harness.js';
import {
  GRAPH_TOKEN,
  connectChannel,
  createWhatsAppTestApp,
  postWebhook,
  startFakeGraph,
  workers,
} from './whatsapp-fixtures.js';
import { newWaId } from './whatsapp-helpers.js';

/**
 * Meta's daily messaging limit read from the Graph API (GET /{phone_number_id}?fields=
 * messaging_limit_tier): a portfolio nobody told us about gets its tier when a number is connected
 * or at the messaging upkeep, and is then held to it; the owner's choice and Meta's webhook are
 * never replaced by a reading; a Graph API that fails or cannot be reached leaves the value as it
 * was. The fake Graph API answers in Meta's shape with the tier it is given.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let counter = 0;
/** Nothing listens there: a Graph API that cannot be reached. */
const UNREACHABLE = 'http://127.0.0.1:1';

beforeAll(async () => {
  graph = await startFakeGraph({ messagingLimitTier: 'TIER_1K' });
  t = await createWhatsAppTestApp(graph.url);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

const ids = () => ({
  wabaId: String(910_000_000_000_000 + process.pid * 1000 + counter++),
  phoneNumberId: String(108_000_000_000_000 + process.pid * 1000 + counter++),
});

/** A practice with its own number and business account (its own portfolio), connected without asking Meta. */
async function practiceWithNumber() {
  const p = await makePractice(t.ctx);
  const { wabaId, phoneNumberId } = ids();
  const channel = await connectChannel(t.ctx, p.practiceId, phoneNumberId, { wabaId });
  const owner = await loggedIn(t.app, p.owner);
  const url = `/api/v1/practices/${p.practiceId}/whatsapp/channel`;
  return {
    ...p,
    wabaId,
    phoneNumberId,
    channelId: channel.id,
    portfolioKey: `waba:${wabaId}`,
    limit: async () => (await owner.get(url)).json().messagingLimit,
    save: (extra: Record<string, unknown>) =>
      owner.request('PUT', url, { phoneNumberId, displayPhoneNumber: '', wabaId, throughputPerSecond: 80, ...extra }),
  };
}

const readsOf = (phoneNumberId: string) => graph.fake.numberReads.filter((r) => r.phoneNumberId === phoneNumberId);

async function remind(practiceId: string, waId: string, key: string) {
  const result = await inPractice(t.db, practiceId, (tx) =>
    queueTemplateToNumberIn(tx, {
      masterKey: t.ctx.config.encryptionKey,
      practiceId,
      e164: `+${waId}`,
      patientId: null,
      templateName: 'appointment_reminder',
      languages: ['en'],
      parameters: () => ({ patient_name: 'Aisha', practice_name: 'Clinic', date: 'Tuesday', time: '09:30' }),
      idempotencyKey: key,
    }),
  );
  if (result.kind !== 'queued') throw new Error(`not queued: ${result.kind}`);
  return result;
}

const messageOf = (id: string) =>
  t.db.selectFrom('whatsappMessages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

/** The last reading of the portfolio's limit happened `hours` earlier. */
const readingAged = (portfolioKey: string, hours: number) =>
  sql`UPDATE whatsapp_messaging_limits SET tier_read_at = tier_read_at - make_interval(hours => ${hours})
    WHERE portfolio_key = ${portfolioKey}`.execute(t.db);

describe("the daily messaging limit read from Meta's Graph API", () => {
  it('an unknown limit is read at the upkeep (TIER_1K) and then enforced: sends past it are held', async () => {
    const p = await practiceWithNumber();
    expect(await p.limit()).toMatchObject({ dailyLimit: null, source: 'default' });

    await messagingUpkeep(t.ctx, graph.url);
    expect(await p.limit()).toEqual({ dailyLimit: 1000, source: 'meta', reachedLast24h: 0, sharedBy: 'account' });
    expect(readsOf(p.phoneNumberId)).toEqual([
      expect.objectContaining({ fields: expect.arrayContaining(['messaging_limit_tier']) }),
    ]);

    // One person reached for real, then 999 more recorded as reached today: the portfolio is full.
    const w = workers(t);
    const first = await remind(p.practiceId, newWaId(), 'tier-first');
    await w.send();
    expect((await messageOf(first.messageId)).status).toBe('sent');
    await sql`INSERT INTO whatsapp_portfolio_reach (portfolio_key, recipient, message_id)
      SELECT ${p.portfolioKey}, sha256(convert_to('someone-' || i, 'UTF8')), ${first.messageId}::uuid
      FROM generate_series(1, 999) i`.execute(t.db);
    expect(await p.limit()).toMatchObject({ dailyLimit: 1000, reachedLast24h: 1000 });

    const next = await remind(p.practiceId, newWaId(), 'tier-next');
    await w.send();
    expect(await messageOf(next.messageId)).toMatchObject({ status: 'queued', heldReason: 'messaging_limit' });
    expect(graph.fake.sent.filter((m) => m.phoneNumberId === p.phoneNumberId)).toHaveLength(1);
  });

  it('connecting a number reads its tier at once', async () => {
    const p = await makePractice(t.ctx);
    const owner = await loggedIn(t.app, p.owner);
    const { wabaId, phoneNumberId } = ids();
    const saved = await owner.request('PUT', `/api/v1/practices/${p.practiceId}/whatsapp/channel`, {
      phoneNumberId,
      displayPhoneNumber: '+230 5200 0001',
      wabaId,
      accessToken: GRAPH_TOKEN,
      throughputPerSecond: 80,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().messagingLimit).toMatchObject({ dailyLimit: 1000, source: 'meta' });
    expect(readsOf(phoneNumberId)).toHaveLength(1);
  });

  it("the owner's choice and Meta's webhook stay, whatever a reading says", async () => {
    const chosen = await practiceWithNumber();
    const saved = await chosen.save({ dailyMessagingLimit: 10000 });
    expect(saved.statusCode, saved.body).toBe(200);
    // A new token is a connection: Meta is not even asked, the owner has spoken.
    expect((await chosen.save({ accessToken: GRAPH_TOKEN })).json().messagingLimit).toMatchObject({
      dailyLimit: 10000,
      source: 'owner',
    });
    const told = await practiceWithNumber();
    await postWebhook(t, qualityUpdateWebhook({ wabaId: told.wabaId, maxDailyConversationsPerBusiness: 'TIER_2K' }));
    await workers(t).processWebhooks();

    await messagingUpkeep(t.ctx, graph.url);
    expect(await chosen.limit()).toMatchObject({ dailyLimit: 10000, source: 'owner' });
    expect(await told.limit()).toMatchObject({ dailyLimit: 2000, source: 'meta' });
    expect(readsOf(chosen.phoneNumberId)).toHaveLength(0);
    expect(readsOf(told.phoneNumberId)).toHaveLength(0);

    // A reading, then Meta's webhook: the webhook's word is not read over hours later.
    const read = await practiceWithNumber();
    await messagingUpkeep(t.ctx, graph.url);
    expect(await read.limit()).toMatchObject({ dailyLimit: 1000, source: 'meta' });
    await postWebhook(t, qualityUpdateWebhook({ wabaId: read.wabaId, maxDailyConversationsPerBusiness: 'TIER_10K' }));
    await workers(t).processWebhooks();
    await readingAged(read.portfolioKey, 24);
    await messagingUpkeep(t.ctx, graph.url);
    expect(await read.limit()).toMatchObject({ dailyLimit: 10000, source: 'meta' });
    expect(readsOf(read.phoneNumberId)).toHaveLength(1);
  });

  it('a Graph API that fails or cannot be reached leaves the value; a reading is renewed after hours', async () => {
    const p = await practiceWithNumber();
    graph.fake.answerNextNumberRead({
      status: 500,
      body: metaError(1, 'An unknown error occurred', 'OAuthException'),
    });
    await readMessagingLimitOfChannel(t.ctx, p.channelId);
    expect(readsOf(p.phoneNumberId)).toHaveLength(1);
    expect(await p.limit()).toMatchObject({ dailyLimit: null, source: 'default' });
    await messagingUpkeep(t.ctx, UNREACHABLE);
    expect(await p.limit()).toMatchObject({ dailyLimit: null, source: 'default' });

    // The next upkeep that reaches Meta reads it; a fresh reading is not asked again.
    await messagingUpkeep(t.ctx, graph.url);
    expect(await p.limit()).toMatchObject({ dailyLimit: 1000, source: 'meta' });
    await messagingUpkeep(t.ctx, graph.url);
    expect(readsOf(p.phoneNumberId)).toHaveLength(2);

    // Meta moved the portfolio up; hours later the reading is due, but Meta fails: 1,000 stays.
    graph.fake.setMessagingLimitTier('TIER_10K');
    try {
      await readingAged(p.portfolioKey, 7);
      await messagingUpkeep(t.ctx, UNREACHABLE);
      expect(await p.limit()).toMatchObject({ dailyLimit: 1000, source: 'meta' });
      graph.fake.answerNextNumberRead({ status: 200, body: { id: p.phoneNumberId } }); // no tier in the answer
      await readMessagingLimitOfChannel(t.ctx, p.channelId);
      expect(await p.limit()).toMatchObject({ dailyLimit: 1000, source: 'meta' });
      await messagingUpkeep(t.ctx, graph.url);
      expect(await p.limit()).toMatchObject({ dailyLimit: 10000, source: 'meta' });
    } finally {
      graph.fake.setMessagingLimitTier('TIER_1K');
    }
  });
});
