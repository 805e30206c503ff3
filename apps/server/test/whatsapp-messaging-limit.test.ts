import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackgroundRunner } from '../src/background.js';
import { createDispatcher } from '../src/modules/messaging/dispatcher.js';
import {
  metaError,
  qualityUpdateWebhook,
  templateCategoryWebhook,
  templateStatusWebhook,
} from '../src/modules/messaging/fake-graph.js';
import { setMessagingLimitIn } from '../src/modules/messaging/messaging-limit.service.js';
import { messageOutcomesIn, queueTemplateToNumberIn } from '../src/modules/messaging/outreach.service.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type Client, type TestApp, loggedIn, makeMember, makePractice } from './harness.js';
import { connectChannel, createWhatsAppTestApp, postWebhook, startFakeGraph, workers } from './whatsapp-fixtures.js';
import { inbox, makeEverythingDue, newWaId, patientWrites } from './whatsapp-helpers.js';

/**
 * Meta's daily messaging limit and the owner's WhatsApp template alerts. The limit: sends outside
 * the 24-hour window wait in the outbox with their reason once the portfolio has reached its
 * unique people for the rolling 24 hours, and go when the oldest drop out (time is moved by data:
 * the recorded reach times, and the fake Graph API's own count, which refuses anything past the
 * limit exactly as Meta does); two dispatchers at once never pass it. The alerts: a template Meta
 * refuses (132015), Meta's marketing cap (131049) and a template Meta moved to another category
 * each reach the owners once, however many messages failed.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let wabaCounter = 0;
const LIMIT = 3;

beforeAll(async () => {
  graph = await startFakeGraph({ messagingLimit: LIMIT });
  t = await createWhatsAppTestApp(graph.url);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

/** A practice with its own number and business account (its own portfolio), and its owner signed in. */
async function practiceWithNumber() {
  const p = await makePractice(t.ctx);
  const wabaId = String(900_000_000_000_000 + process.pid * 1000 + wabaCounter++);
  const phoneNumberId = String(107_000_000_000_000 + process.pid * 1000 + wabaCounter++);
  const channel = await connectChannel(t.ctx, p.practiceId, phoneNumberId, { wabaId });
  return { ...p, wabaId, phoneNumberId, channelId: channel.id, portfolioKey: `waba:${wabaId}`, owner: p.owner };
}

async function remind(practiceId: string, waId: string, key: string) {
  const input = {
    masterKey: t.ctx.config.encryptionKey,
    practiceId,
    e164: `+${waId}`,
    patientId: null,
    templateName: 'appointment_reminder',
    languages: ['en'],
    parameters: () => ({ patient_name: 'Aisha', practice_name: 'Clinic', date: 'Tuesday', time: '09:30' }),
    idempotencyKey: key,
  };
  const result = await inPractice(t.db, practiceId, (tx) => queueTemplateToNumberIn(tx, input));
  if (result.kind !== 'queued') throw new Error(`not queued: ${result.kind}`);
  return result;
}

const messageOf = (id: string) =>
  t.db.selectFrom('whatsappMessages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const refusedForLimit = () =>
  graph.fake.requests.filter((r) => r.body.type === 'template').length -
  graph.fake.sent.filter((m) => m.body.type === 'template').length;
const templatesTo = (phoneNumberId: string) =>
  graph.fake.sent.filter((m) => m.phoneNumberId === phoneNumberId && m.body.type === 'template');

/** Everyone reached so far counts as reached `ms` earlier, here and at Meta. */
async function timePasses(portfolioKey: string, ms: number) {
  await sql`UPDATE whatsapp_portfolio_reach SET reached_at = reached_at - make_interval(secs => ${ms / 1000})
    WHERE portfolio_key = ${portfolioKey}`.execute(t.db);
  await sql`UPDATE whatsapp_outbox SET next_attempt_at = next_attempt_at - make_interval(secs => ${ms / 1000})
    WHERE state = 'queued'`.execute(t.db);
  graph.fake.ageReached(ms);
}

describe("Meta's daily messaging limit", () => {
  it('sends past the limit wait with their reason, and go when the 24 hours roll on', async () => {
    const p = await practiceWithNumber();
    await setMessagingLimitIn(t.db, { portfolioKey: p.portfolioKey, dailyLimit: LIMIT, source: 'meta' });
    const owner = await loggedIn(t.app, p.owner);
    const patients = Array.from({ length: LIMIT + 2 }, () => newWaId());
    // A patient who wrote today: their window is open, so their reminder does not count.
    const writing = newWaId();
    await patientWrites(t, { phoneNumberId: p.phoneNumberId, from: writing });
    graph.fake.noteInbound(p.phoneNumberId, writing); // Meta saw it too
    const w = workers(t);
    await w.processWebhooks();

    const first = [];
    for (const [i, waId] of patients.slice(0, LIMIT).entries())
      first.push(await remind(p.practiceId, waId, `limit-a-${i}`));
    await w.send();
    expect(templatesTo(p.phoneNumberId)).toHaveLength(LIMIT);

    const waiting = [
      await remind(p.practiceId, patients[LIMIT]!, 'limit-b-0'),
      await remind(p.practiceId, patients[LIMIT + 1]!, 'limit-b-1'),
    ];
    const again = await remind(p.practiceId, patients[0]!, 'limit-again'); // already counted today
    const open = await remind(p.practiceId, writing, 'limit-open');
    const before = Date.now();
    await w.send();

    expect(templatesTo(p.phoneNumberId)).toHaveLength(LIMIT + 2);
    expect((await messageOf(again.messageId)).status).toBe('sent');
    expect((await messageOf(open.messageId)).status).toBe('sent');
    expect(refusedForLimit()).toBe(0);
    const firstReach = await t.db
      .selectFrom('whatsappPortfolioReach')
      .select((eb) => eb.fn.min('reachedAt').as('at'))
      .where('portfolioKey', '=', p.portfolioKey)
      .executeTakeFirstOrThrow();
    for (const m of waiting) {
      const row = await messageOf(m.messageId);
      expect(row).toMatchObject({ status: 'queued', heldReason: 'messaging_limit' });
      // It goes when the first person reached drops out of the 24 hours.
      expect(new Date(row.heldUntil!).getTime()).toBe(new Date(firstReach.at as Date).getTime() + 24 * 3600_000);
      expect(new Date(row.heldUntil!).getTime()).toBeGreaterThan(before + 23 * 3600_000);
    }
    // Reminders learn it with the message's outcome (the calendar's marks say when it goes).
    const outcomes = await inPractice(t.db, p.practiceId, (tx) => messageOutcomesIn(tx, [waiting[0]!.messageId]));
    expect(outcomes.get(waiting[0]!.messageId)).toMatchObject({ status: 'queued' });
    expect(outcomes.get(waiting[0]!.messageId)?.heldUntil).toBeInstanceOf(Date);
    // Staff see why and until when, where the message's status is shown.
    const shown = await inbox(owner, p.practiceId).messages(waiting[0]!.conversationId);
    expect(shown.at(-1)).toMatchObject({ status: 'queued', held: { reason: 'messaging_limit' } });
    const channel = await owner.get(`/api/v1/practices/${p.practiceId}/whatsapp/channel`);
    expect(channel.json().messagingLimit).toEqual({
      dailyLimit: LIMIT,
      source: 'meta',
      reachedLast24h: LIMIT,
      sharedBy: 'account',
    });

    // Running again early changes nothing: they are not due.
    await w.send();
    expect(templatesTo(p.phoneNumberId)).toHaveLength(LIMIT + 2);

    // A day later the first people drop out: the two waiting go, and Meta had no reason to refuse.
    await timePasses(p.portfolioKey, 24 * 3600_000 + 60_000);
    await w.send();
    expect(templatesTo(p.phoneNumberId)).toHaveLength(LIMIT + 4);
    for (const m of waiting) expect(await messageOf(m.messageId)).toMatchObject({ status: 'sent', heldReason: null });
    expect(refusedForLimit()).toBe(0);
  });

  it('two dispatchers at once never pass the limit, on every number of the portfolio', async () => {
    const a = await practiceWithNumber();
    // A second practice whose number belongs to the same business account shares the limit.
    const b = await makePractice(t.ctx);
    const bNumber = String(108_000_000_000_000 + process.pid * 1000 + wabaCounter++);
    await connectChannel(t.ctx, b.practiceId, bNumber, { wabaId: a.wabaId });
    await setMessagingLimitIn(t.db, { portfolioKey: a.portfolioKey, dailyLimit: LIMIT, source: 'owner' });
    graph.fake.ageReached(48 * 3600_000); // the fake counts for the whole portfolio: forget the last test's
    const queued = [];
    for (let i = 0; i < 6; i++) queued.push(await remind(a.practiceId, newWaId(), `race-a-${i}`));
    for (let i = 0; i < 6; i++) queued.push(await remind(b.practiceId, newWaId(), `race-b-${i}`));
    const dispatchers = [0, 1].map(() => createDispatcher(t.ctx, { graphUrl: () => graph.url, maxInFlight: 4 }));
    await makeEverythingDue(t);
    for (let round = 0; round < 8; round++) {
      // Pacing aside (the test does not wait out send slots); a held send stays held.
      await sql`UPDATE whatsapp_conversations SET pair_slot_at = '-infinity'`.execute(t.db);
      await sql`UPDATE whatsapp_channels SET send_slot_at = '-infinity'`.execute(t.db);
      await Promise.all(dispatchers.map((d) => d.runOnce()));
      await Promise.all(dispatchers.map((d) => d.drain()));
    }
    const sent = [...templatesTo(a.phoneNumberId), ...templatesTo(bNumber)];
    expect(sent).toHaveLength(LIMIT);
    expect(refusedForLimit()).toBe(0);
    const states = await Promise.all(queued.map((m) => messageOf(m.messageId)));
    expect(states.filter((m) => m.status === 'sent')).toHaveLength(LIMIT);
    expect(states.filter((m) => m.status === 'queued' && m.heldReason === 'messaging_limit')).toHaveLength(12 - LIMIT);
  });

  it('a patient who writes opens their window: what the limit held for them goes at once, with the reply behind it', async () => {
    const p = await practiceWithNumber();
    await setMessagingLimitIn(t.db, { portfolioKey: p.portfolioKey, dailyLimit: 1, source: 'meta' });
    const owner = await loggedIn(t.app, p.owner);
    graph.fake.ageReached(48 * 3600_000);
    const w = workers(t);
    // One person reached first (alone: two sends at once could take the one place in either order).
    await remind(p.practiceId, newWaId(), 'write-a');
    await makeEverythingDue(t);
    await w.send();
    const waId = newWaId();
    const held = await remind(p.practiceId, waId, 'write-b');
    await w.send();
    expect(await messageOf(held.messageId)).toMatchObject({ status: 'queued', heldReason: 'messaging_limit' });

    await patientWrites(t, { phoneNumberId: p.phoneNumberId, from: waId });
    graph.fake.noteInbound(p.phoneNumberId, waId);
    await w.processWebhooks();
    const reply = await inbox(owner, p.practiceId).send(held.conversationId, { type: 'text', body: 'See you soon' });
    expect(reply.statusCode, reply.body).toBe(201);
    await w.send();
    expect((await messageOf(held.messageId)).status).toBe('sent');
    expect((await messageOf(reply.json().id)).status).toBe('sent');
    expect(refusedForLimit()).toBe(0);
  });

  it("Meta's webhook and the owner set the portfolio's limit", async () => {
    const p = await practiceWithNumber();
    const owner = await loggedIn(t.app, p.owner);
    const url = `/api/v1/practices/${p.practiceId}/whatsapp/channel`;
    expect((await owner.get(url)).json().messagingLimit).toMatchObject({ dailyLimit: null, source: 'default' });

    await postWebhook(t, qualityUpdateWebhook({ wabaId: p.wabaId, maxDailyConversationsPerBusiness: 'TIER_2K' }));
    await workers(t).processWebhooks();
    expect((await owner.get(url)).json().messagingLimit).toMatchObject({ dailyLimit: 2000, source: 'meta' });

    const current = (await owner.get(url)).json();
    const input = {
      phoneNumberId: current.phoneNumberId,
      displayPhoneNumber: current.displayPhoneNumber,
      wabaId: current.wabaId,
      throughputPerSecond: current.throughputPerSecond,
    };
    const saved = await owner.request('PUT', url, { ...input, dailyMessagingLimit: 10000 });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().messagingLimit).toMatchObject({ dailyLimit: 10000, source: 'owner' });
    // Only Meta's tiers: a limit WhatsApp Manager never shows is refused, and nothing changes.
    const odd = await owner.request('PUT', url, { ...input, dailyMessagingLimit: 300 });
    expect(odd.statusCode).toBe(400);
    expect((await owner.get(url)).json().messagingLimit).toMatchObject({ dailyLimit: 10000 });
    const unlimited = await owner.request('PUT', url, { ...input, dailyMessagingLimit: null });
    expect(unlimited.json().messagingLimit).toMatchObject({ dailyLimit: null, source: 'owner' });
  });
});

describe('the owner hears of WhatsApp template problems, once each', () => {
  async function alertsOf(client: Client, practiceId: string) {
    const res = await client.get(`/api/v1/practices/${practiceId}/notifications`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().items as { kind: string; whatsappTemplate: Record<string, unknown> | null }[]).filter(
      (n) => n.kind.startsWith('whatsapp_template') || n.kind === 'whatsapp_marketing_limited',
    );
  }

  it('a paused template, the marketing cap and a new category each raise one alert, for the owners', async () => {
    const p = await practiceWithNumber();
    const owner = await loggedIn(t.app, p.owner);
    const receptionist = await loggedIn(t.app, await makeMember(t.ctx, p.practiceId, 'receptionist'));
    const jobs = createBackgroundRunner(t.ctx, { schedules: false });
    const w = workers(t);
    graph.fake.ageReached(48 * 3600_000);

    // Meta paused the reminder template: three reminders fail, one alert.
    graph.fake.setTemplateState('appointment_reminder', 'en', 'PAUSED');
    const paused = [];
    for (let i = 0; i < 3; i++) paused.push(await remind(p.practiceId, newWaId(), `paused-${i}`));
    await makeEverythingDue(t);
    await w.send();
    graph.fake.setTemplateState('appointment_reminder', 'en', 'APPROVED');
    for (const m of paused)
      expect(await messageOf(m.messageId)).toMatchObject({
        status: 'failed',
        failureReason: 'template_problem',
        failureCode: 132015,
      });

    // Meta's webhook says the same (and later that it is approved again): the registry follows, still one alert.
    await postWebhook(
      t,
      templateStatusWebhook({
        wabaId: p.wabaId,
        templateName: 'appointment_reminder',
        language: 'en',
        event: 'PAUSED',
      }),
    );
    await w.processWebhooks();
    const statusOf = async () =>
      (
        (await owner.get(`/api/v1/practices/${p.practiceId}/whatsapp/templates`)).json().items as {
          name: string;
          language: string;
          status: string;
        }[]
      ).find((x) => x.name === 'appointment_reminder' && x.language === 'en')?.status;
    expect(await statusOf()).toBe('PAUSED');
    await postWebhook(
      t,
      templateStatusWebhook({
        wabaId: p.wabaId,
        templateName: 'appointment_reminder',
        language: 'en',
        event: 'APPROVED',
      }),
    );
    await w.processWebhooks();
    expect(await statusOf()).toBe('APPROVED');
    // Another template disabled by Meta, with no send yet: the owners hear of it before one fails.
    await postWebhook(
      t,
      templateStatusWebhook({ wabaId: p.wabaId, templateName: 'recall_due', language: 'fr', event: 'DISABLED' }),
    );
    await w.processWebhooks();

    // Meta's per-person marketing cap, twice: one alert.
    graph.fake.answerNext(
      {
        status: 400,
        body: metaError(
          131049,
          'This message was not delivered to maintain healthy ecosystem engagement.',
          'OAuthException',
        ),
      },
      {
        status: 400,
        body: metaError(
          131049,
          'This message was not delivered to maintain healthy ecosystem engagement.',
          'OAuthException',
        ),
      },
    );
    const capped = [
      await remind(p.practiceId, newWaId(), 'capped-0'),
      await remind(p.practiceId, newWaId(), 'capped-1'),
    ];
    await makeEverythingDue(t);
    await w.send();
    for (const m of capped)
      expect(await messageOf(m.messageId)).toMatchObject({ status: 'failed', failureReason: 'marketing_limited' });

    // Meta moved the template to marketing; the webhook comes twice (Meta redelivers): one alert.
    const moved = templateCategoryWebhook({
      wabaId: p.wabaId,
      templateName: 'appointment_reminder',
      language: 'en',
      previousCategory: 'UTILITY',
      newCategory: 'MARKETING',
    });
    await postWebhook(t, moved);
    await postWebhook(t, moved);
    await w.processWebhooks();
    await jobs.runDue();

    const templates = (await owner.get(`/api/v1/practices/${p.practiceId}/whatsapp/templates`)).json().items as {
      name: string;
      language: string;
      category: string;
    }[];
    expect(templates.find((x) => x.name === 'appointment_reminder' && x.language === 'en')?.category).toBe('MARKETING');

    const alerts = await alertsOf(owner, p.practiceId);
    expect(alerts.map((a) => a.kind).sort()).toEqual([
      'whatsapp_marketing_limited',
      'whatsapp_template_problem',
      'whatsapp_template_problem',
      'whatsapp_template_recategorised',
    ]);
    const problems = alerts.filter((a) => a.kind === 'whatsapp_template_problem').map((a) => a.whatsappTemplate);
    expect(problems).toContainEqual(
      expect.objectContaining({ name: 'appointment_reminder', language: 'en', code: 132015 }),
    );
    expect(problems).toContainEqual(expect.objectContaining({ name: 'recall_due', language: 'fr', code: 132016 }));
    expect(alerts.find((a) => a.kind === 'whatsapp_template_recategorised')?.whatsappTemplate).toMatchObject({
      name: 'appointment_reminder',
      previousCategory: 'UTILITY',
      newCategory: 'MARKETING',
    });
    expect(alerts.find((a) => a.kind === 'whatsapp_marketing_limited')?.whatsappTemplate).toMatchObject({
      code: 131049,
    });
    // The desk is not the one to fix templates.
    expect(await alertsOf(receptionist, p.practiceId)).toEqual([]);
  });
});
