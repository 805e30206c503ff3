import { SANDBOX_TEMPLATES } from '../src/modules/messaging/templates.catalog.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PAIR_BURST } from '../src/modules/messaging/dispatcher.js';
import { type Client, type TestApp, loggedIn, makePractice } from './harness.js';
import { GRAPH_TOKEN, connectChannel, createWhatsAppTestApp, startFakeGraph, workers } from './whatsapp-fixtures.js';
import {
  conversationOf,
  inbox,
  makeEverythingDue,
  metaErrorBody,
  metaReports,
  newWaId,
  newWamid,
  patientWrites,
} from './whatsapp-helpers.js';

/** The outbound side: retries, permanent failures, pauses, interrupted sends, order, pacing, the 24-hour window, templates. */

const PHONE = '106540352243001';
let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let practiceId: string;
let channelId: string;
let owner: Client;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  const p = await makePractice(t.ctx);
  practiceId = p.practiceId;
  channelId = (await connectChannel(t.ctx, practiceId, PHONE)).id;
  owner = await loggedIn(t.app, p.owner);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});
beforeEach(async () => {
  // Whatever a test scripted and did not use must not leak into the next.
  (graph.fake as unknown as { script: unknown[] }).script.length = 0;
  await makeEverythingDue(t);
});

/** A patient has written (the 24-hour window is open): their conversation's id. */
async function openConversation(waId = newWaId()) {
  await patientWrites(t, { phoneNumberId: PHONE, from: waId });
  await workers(t).processWebhooks();
  return { id: (await conversationOf(t, channelId, waId))!.id, waId };
}

async function sendText(conversationId: string, body: string, headers: Record<string, string> = {}) {
  const res = await inbox(owner, practiceId).send(conversationId, { type: 'text', body }, headers);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; status: string };
}

const textOf = (b: Record<string, unknown>) => (b.text as { body?: string } | undefined)?.body;
const sentTexts = () => graph.fake.sent.map((m) => textOf(m.body));
const requestsFor = (body: string) => graph.fake.requests.filter((r) => textOf(r.body) === body).length;
const deliveredCount = (body: string) => graph.fake.sent.filter((m) => textOf(m.body) === body).length;
const message = (id: string) =>
  t.db.selectFrom('whatsappMessages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const outboxOf = (messageId: string) =>
  t.db
    .selectFrom('whatsappOutbox')
    .selectAll()
    .where('messageId', '=', messageId)
    .where('kind', '=', 'message')
    .executeTakeFirst();

describe('transient failures are retried, with back-off, and each message goes once', () => {
  it('429, 500 and a dropped connection, then Meta recovers', async () => {
    const conversations = [await openConversation(), await openConversation(), await openConversation()];
    graph.fake.answerNext(
      { status: 429, body: metaErrorBody(130429, 'Rate limit hit') },
      { status: 500, body: metaErrorBody(131000, 'Something went wrong') },
      { hangUp: true },
    );
    const bodies = ['retry one', 'retry two', 'retry three'];
    const ids: string[] = [];
    for (const [i, c] of conversations.entries()) ids.push((await sendText(c.id, bodies[i]!)).id);
    const w = workers(t);
    const attemptedAt = Date.now();
    await w.send();
    for (const id of ids) {
      expect((await message(id)).status).toBe('queued');
      const row = (await outboxOf(id))!;
      expect(row).toMatchObject({ state: 'queued', attempts: 1, attemptStartedAt: null });
      expect(row.lastError).toBeTruthy();
      // The retry waits: it is due after the failed attempt, not at once.
      expect(new Date(row.nextAttemptAt).getTime()).toBeGreaterThan(attemptedAt);
    }
    expect(graph.fake.sent.filter((m) => bodies.includes(textOf(m.body)!))).toHaveLength(0);

    // Backed off: running again at once sends nothing.
    const requestsBefore = graph.fake.requests.length;
    await sql`UPDATE whatsapp_outbox SET next_attempt_at = now() + interval '1 minute' WHERE message_id IN (${sql.join(ids)})`.execute(
      t.db,
    );
    await w.send();
    expect(graph.fake.requests.length).toBe(requestsBefore);

    await makeEverythingDue(t);
    await w.send();
    for (const [i, id] of ids.entries()) {
      expect(deliveredCount(bodies[i]!)).toBe(1);
      expect(requestsFor(bodies[i]!)).toBe(2);
      expect(await message(id)).toMatchObject({ status: 'sent', failureReason: null });
      expect(await outboxOf(id)).toBeUndefined();
    }
    const listed = await inbox(owner, practiceId).messages(conversations[0]!.id);
    expect(listed.at(-1)).toMatchObject({ status: 'sent', failure: null });
  });

  it('a slow answer is waited for, not retried', async () => {
    const c = await openConversation();
    graph.fake.answerNext({ delayMs: 300 });
    await sendText(c.id, 'slow but sure');
    await workers(t).send();
    expect(requestsFor('slow but sure')).toBe(1);
    expect(deliveredCount('slow but sure')).toBe(1);
  });

  it('a call that times out (Meta never took it) is retried and goes once', async () => {
    const c = await openConversation();
    graph.fake.answerNext({ delayMs: 600, afterwards: { hangUp: true } });
    const { id } = await sendText(c.id, 'timed out once');
    const w = workers(t, { graphTimeoutMs: 150 });
    await w.send();
    expect((await message(id)).status).toBe('queued');
    expect((await outboxOf(id))!.lastError).toMatch(/timeout/);
    await new Promise((r) => setTimeout(r, 500));
    await makeEverythingDue(t);
    await w.send();
    expect(deliveredCount('timed out once')).toBe(1);
    expect((await message(id)).status).toBe('sent');
  });

  it('gives up after too many attempts, saying so', async () => {
    const c = await openConversation();
    const { id } = await sendText(c.id, 'never makes it');
    await sql`UPDATE whatsapp_outbox SET attempts = 9 WHERE message_id = ${id}`.execute(t.db);
    graph.fake.answerNext({ status: 503, body: metaErrorBody(131057, 'Business account is in maintenance mode') });
    await workers(t).send();
    expect(await message(id)).toMatchObject({ status: 'failed', failureReason: 'gave_up', failureCode: 131057 });
    expect(await outboxOf(id)).toBeUndefined();
  });
});

describe('permanent failures fail at once and are never retried', () => {
  it.each([
    [131026, 'not_on_whatsapp', 400],
    [131047, 'window_closed', 400],
    [132001, 'template_problem', 404],
    [131009, 'invalid_request', 400],
  ] as const)('%i → %s', async (code, reason, status) => {
    const c = await openConversation();
    const body = `permanent ${code}`;
    graph.fake.answerNext({ status, body: metaErrorBody(code, 'refused', 'details from Meta') });
    const { id } = await sendText(c.id, body);
    await workers(t).send();
    expect(await message(id)).toMatchObject({ status: 'failed', failureReason: reason, failureCode: code });
    expect(await outboxOf(id)).toBeUndefined();
    await makeEverythingDue(t);
    await workers(t).send();
    expect(requestsFor(body)).toBe(1);
    const listed = (await inbox(owner, practiceId).messages(c.id)).find((m) => m.id === id)!;
    expect(listed).toMatchObject({ status: 'failed', failure: { reason, code } });
  });

  it('131050 from the Graph API opts the patient out: what the practice queued on its own stops, answers stay', async () => {
    const c = await openConversation();
    graph.fake.answerNext({
      status: 400,
      body: metaErrorBody(131050, 'Unable to deliver the message: user stopped marketing messages'),
    });
    const first = await sendText(c.id, 'opt-out first');
    const reminder = await inbox(owner, practiceId).send(c.id, {
      type: 'template',
      templateName: 'recall_due',
      language: 'en',
      parameters: { '1': 'Aisha', '2': 'Smile' },
    });
    expect(reminder.statusCode, reminder.body).toBe(201);
    const answer = await sendText(c.id, 'opt-out answer');
    for (let i = 0; i < 4; i++) {
      await workers(t).send();
      await makeEverythingDue(t);
    }
    expect(await message(first.id)).toMatchObject({
      status: 'failed',
      failureReason: 'opted_out',
      failureCode: 131050,
    });
    expect((await inbox(owner, practiceId).detail(c.id)).optedOut).toBe(true);
    expect(await message(reminder.json().id)).toMatchObject({ status: 'failed', failureReason: 'opted_out' });
    expect(await outboxOf(reminder.json().id)).toBeUndefined();
    expect(
      graph.fake.requests.filter(
        (r) => (r.body.template as { name?: string } | undefined)?.name === 'recall_due' && r.body.to === c.waId,
      ),
    ).toHaveLength(0);
    expect(deliveredCount('opt-out answer')).toBe(1);
    expect((await message(answer.id)).status).toBe('sent');
  });
});

describe('an opt-out while a message is on its way', () => {
  it('a message Meta already has is recorded as sent, not as stopped', async () => {
    const c = await openConversation();
    const { id: firstId } = await sendText(c.id, 'before the opt-out');
    await workers(t).send();
    const first = await message(firstId);
    const reminder = await inbox(owner, practiceId).send(c.id, {
      type: 'template',
      templateName: 'recall_due',
      language: 'en',
      parameters: { '1': 'Ravi', '2': 'Smile' },
    });
    expect(reminder.statusCode, reminder.body).toBe(201);
    graph.fake.answerNext({ delayMs: 700 });
    const w = workers(t);
    const sending = w.send();
    const isReminder = (r: { body: Record<string, unknown> }) =>
      r.body.to === c.waId && (r.body.template as { name?: string } | undefined)?.name === 'recall_due';
    for (let i = 0; i < 1000 && !graph.fake.requests.some(isReminder); i++) await new Promise((r) => setTimeout(r, 10));
    expect(graph.fake.requests.some(isReminder)).toBe(true);
    // Meta reports the opt-out on the earlier message while the reminder's call is still open.
    await metaReports(t, {
      phoneNumberId: PHONE,
      wamid: first.wamid!,
      status: 'failed',
      recipientId: c.waId,
      errors: [{ code: 131050, title: 'User stopped marketing messages' }],
    });
    await workers(t).processWebhooks();
    expect((await inbox(owner, practiceId).detail(c.id)).optedOut).toBe(true);
    await sending;
    expect(graph.fake.sent.filter(isReminder)).toHaveLength(1);
    const sent = await message(reminder.json().id);
    expect(sent).toMatchObject({ status: 'sent', failureReason: null });
    expect(sent.wamid).toBe(graph.fake.sent.find(isReminder)!.wamid);
  });
});

describe('an expired access token pauses the number', () => {
  it('190: sending stops for the number, the message waits (not failed), and a new token resumes it', async () => {
    const other = await makePractice(t.ctx);
    const phone = '106540352243999';
    const otherChannel = (await connectChannel(t.ctx, other.practiceId, phone)).id;
    const otherOwner = await loggedIn(t.app, other.owner);
    const waId = newWaId();
    await patientWrites(t, { phoneNumberId: phone, from: waId });
    await workers(t).processWebhooks();
    const conversation = (await conversationOf(t, otherChannel, waId))!;
    graph.fake.answerNext({
      status: 401,
      body: metaErrorBody(190, 'Error validating access token: Session has expired'),
    });
    const res = await inbox(otherOwner, other.practiceId).send(conversation.id, {
      type: 'text',
      body: 'token trouble',
    });
    expect(res.statusCode).toBe(201);
    await workers(t).send();
    const channel = await t.db
      .selectFrom('whatsappChannels')
      .select('sendingPausedReason')
      .where('id', '=', otherChannel)
      .executeTakeFirstOrThrow();
    expect(channel.sendingPausedReason).toBe('token_expired');
    const id = res.json().id as string;
    expect(await message(id)).toMatchObject({ status: 'queued', failureReason: null });
    expect(await outboxOf(id)).toMatchObject({ state: 'queued', attemptStartedAt: null });
    expect((await inbox(otherOwner, other.practiceId).detail(conversation.id)).channel.sendingPausedReason).toBe(
      'token_expired',
    );

    // Paused: nothing is tried, however often the sender runs.
    await makeEverythingDue(t);
    await workers(t).send();
    expect(requestsFor('token trouble')).toBe(1);

    const put = await otherOwner.request('PUT', `/api/v1/practices/${other.practiceId}/whatsapp/channel`, {
      phoneNumberId: phone,
      displayPhoneNumber: '+230 5200 0099',
      wabaId: '102290129340398',
      accessToken: GRAPH_TOKEN,
      throughputPerSecond: 80,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().sendingPausedReason).toBeNull();
    await workers(t).send();
    expect(deliveredCount('token trouble')).toBe(1);
    expect((await message(id)).status).toBe('sent');
  });
});

describe('interrupted sends', () => {
  it('a send cut off after it may have reached Meta is marked interrupted, never resent', async () => {
    const c = await openConversation();
    const { id } = await sendText(c.id, 'cut off mid-send');
    await sql`UPDATE whatsapp_outbox SET state = 'sending', attempts = 1, attempt_started_at = now() - interval '3 minutes', claimed_until = now() - interval '1 minute' WHERE message_id = ${id}`.execute(
      t.db,
    );
    await workers(t).send();
    expect(await message(id)).toMatchObject({ status: 'failed', failureReason: 'interrupted' });
    expect(await outboxOf(id)).toBeUndefined();
    await makeEverythingDue(t);
    await workers(t).send();
    expect(requestsFor('cut off mid-send')).toBe(0);
    expect((await inbox(owner, practiceId).messages(c.id)).find((m) => m.id === id)!.failure).toMatchObject({
      reason: 'interrupted',
    });
  });

  it('a claim that ran out before its call started goes back in the queue and is sent once', async () => {
    const c = await openConversation();
    const { id } = await sendText(c.id, 'claimed then abandoned');
    await sql`UPDATE whatsapp_outbox SET state = 'sending', attempts = 1, attempt_started_at = NULL, claimed_until = now() - interval '1 minute' WHERE message_id = ${id}`.execute(
      t.db,
    );
    await workers(t).send();
    expect(deliveredCount('claimed then abandoned')).toBe(1);
    expect((await message(id)).status).toBe('sent');
  });

  it('a live claim is left to its owner', async () => {
    const c = await openConversation();
    const { id } = await sendText(c.id, 'someone else has it');
    await sql`UPDATE whatsapp_outbox SET state = 'sending', attempts = 1, attempt_started_at = now(), claimed_until = now() + interval '1 minute' WHERE message_id = ${id}`.execute(
      t.db,
    );
    await workers(t).send();
    expect(requestsFor('someone else has it')).toBe(0);
    expect(await message(id)).toMatchObject({ status: 'queued' });
  });
});

describe('order and pacing', () => {
  it('messages to one patient go in the order they were written, even when the first needs a retry', async () => {
    const c = await openConversation();
    graph.fake.answerNext({ status: 500, body: metaErrorBody(131000, 'Something went wrong') });
    const bodies = ['order 1', 'order 2', 'order 3', 'order 4', 'order 5'];
    for (const b of bodies) await sendText(c.id, b);
    const w = workers(t);
    await w.send();
    // The first failed and waits; nothing behind it may overtake it.
    expect(sentTexts().filter((b) => bodies.includes(b!))).toEqual([]);
    for (let i = 0; i < 5 && sentTexts().filter((b) => bodies.includes(b!)).length < 5; i++) {
      await makeEverythingDue(t);
      await w.send();
    }
    expect(sentTexts().filter((b) => bodies.includes(b!))).toEqual(bodies);
  });

  it(`a burst of ${PAIR_BURST} to one patient, then the next is held back for the pair rate`, async () => {
    const c = await openConversation();
    const bodies = Array.from({ length: PAIR_BURST + 1 }, (_, i) => `pace ${i + 1}`);
    const last = `pace ${PAIR_BURST + 1}`;
    const ids: string[] = [];
    for (const b of bodies) ids.push((await sendText(c.id, b)).id);
    await workers(t).send();
    expect(sentTexts().filter((b) => bodies.includes(b!))).toEqual(bodies.slice(0, PAIR_BURST));
    expect(await outboxOf(ids[PAIR_BURST]!)).toMatchObject({ state: 'queued', attempts: 0 });
    expect((await message(ids[PAIR_BURST]!)).status).toBe('queued');
    // Other patients are not held up by this one.
    const other = await openConversation();
    await sendText(other.id, 'someone else');
    await workers(t).send();
    expect(deliveredCount('someone else')).toBe(1);
    expect(requestsFor(last)).toBe(0);
    await sql`UPDATE whatsapp_conversations SET pair_slot_at = now() WHERE id = ${c.id}`.execute(t.db);
    await workers(t).send();
    expect(deliveredCount(last)).toBe(1);
  });

  it('a number never goes above its messages-per-second cap', async () => {
    await sql`UPDATE whatsapp_channels SET throughput_per_second = 4 WHERE id = ${channelId}`.execute(t.db);
    try {
      const conversations = [];
      for (let i = 0; i < 8; i++) conversations.push(await openConversation());
      const bodies = conversations.map((_, i) => `cap ${i}`);
      for (const [i, c] of conversations.entries()) await sendText(c.id, bodies[i]!);
      await makeEverythingDue(t);
      await workers(t).send();
      const times = graph.fake.requests.filter((r) => bodies.includes(textOf(r.body)!)).map((r) => r.at);
      expect(times).toHaveLength(8);
      // Four a second: the fifth call comes a second after the first (less timer slack).
      for (let i = 0; i + 4 < times.length; i++) expect(times[i + 4]! - times[i]!).toBeGreaterThanOrEqual(800);
    } finally {
      await sql`UPDATE whatsapp_channels SET throughput_per_second = 80 WHERE id = ${channelId}`.execute(t.db);
    }
  });
});

describe('a status that arrives before the send has recorded its wamid', () => {
  it('is kept and applied when the send completes', async () => {
    const c = await openConversation();
    const wamid = newWamid();
    await metaReports(t, { phoneNumberId: PHONE, wamid, status: 'delivered', recipientId: c.waId });
    await workers(t).processWebhooks();
    graph.fake.answerNext({
      status: 200,
      body: { messaging_product: 'whatsapp', contacts: [{ input: c.waId, wa_id: c.waId }], messages: [{ id: wamid }] },
    });
    const { id } = await sendText(c.id, 'overtaken by its status');
    await workers(t).send();
    expect(await message(id)).toMatchObject({ wamid, status: 'delivered' });
    const events = await t.db
      .selectFrom('whatsappStatusEvents')
      .select('appliedAt')
      .where('wamid', '=', wamid)
      .execute();
    expect(events.every((e) => e.appliedAt !== null)).toBe(true);
    // Later statuses apply as usual.
    await metaReports(t, { phoneNumberId: PHONE, wamid, status: 'read', recipientId: c.waId });
    await workers(t).processWebhooks();
    expect((await message(id)).status).toBe('read');
  });

  it('an early failure is applied too', async () => {
    const c = await openConversation();
    const wamid = newWamid();
    await metaReports(t, {
      phoneNumberId: PHONE,
      wamid,
      status: 'failed',
      recipientId: c.waId,
      errors: [{ code: 131026, title: 'Message undeliverable' }],
    });
    await workers(t).processWebhooks();
    graph.fake.answerNext({
      status: 200,
      body: { messaging_product: 'whatsapp', contacts: [{ input: c.waId, wa_id: c.waId }], messages: [{ id: wamid }] },
    });
    const { id } = await sendText(c.id, 'failed before it was sent');
    await workers(t).send();
    expect(await message(id)).toMatchObject({ wamid, status: 'failed', failureReason: 'not_on_whatsapp' });
  });
});

describe('the 24-hour customer service window', () => {
  it('after 24 h only a template may go: free-form text and buttons get 409 with the alternative', async () => {
    const c = await openConversation();
    await sql`UPDATE whatsapp_conversations SET last_inbound_at = now() - interval '25 hours' WHERE id = ${c.id}`.execute(
      t.db,
    );
    expect((await inbox(owner, practiceId).detail(c.id)).serviceWindowEndsAt).toBeNull();
    const text = await inbox(owner, practiceId).send(c.id, { type: 'text', body: 'too late' });
    expect(text.statusCode).toBe(409);
    expect(text.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(text.json()).toMatchObject({ code: 'whatsapp_window_closed', alternative: 'template' });
    const buttons = await inbox(owner, practiceId).send(c.id, {
      type: 'buttons',
      body: 'Still coming?',
      buttons: [{ id: 'y', title: 'Yes' }],
    });
    expect(buttons.statusCode).toBe(409);
    expect(buttons.json().code).toBe('whatsapp_window_closed');
    const template = await inbox(owner, practiceId).send(c.id, {
      type: 'template',
      templateName: 'appointment_reminder',
      language: 'en',
      parameters: { patient_name: 'Aisha', practice_name: 'Smile', date: 'Tuesday 1 December', time: '09:30' },
    });
    expect(template.statusCode, template.body).toBe(201);
    expect(template.json().content).toMatchObject({
      type: 'template',
      body: 'Hello Aisha, this is a reminder of your appointment at Smile on Tuesday 1 December at 09:30.',
      buttons: ['Confirm', 'Reschedule', 'Cancel'],
    });
  });

  it('inside the window: reply buttons reach Meta in its interactive shape, and the window end is shown', async () => {
    const c = await openConversation();
    const ends = (await inbox(owner, practiceId).detail(c.id)).serviceWindowEndsAt as string;
    expect(new Date(ends).getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const res = await inbox(owner, practiceId).send(c.id, {
      type: 'buttons',
      body: 'Tuesday 10:30 suits?',
      footer: 'Smile Dental',
      buttons: [
        { id: 'yes', title: 'Yes' },
        { id: 'no', title: 'Another time' },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    await workers(t).send();
    const sent = graph.fake.sent.find(
      (m) => (m.body.interactive as { body?: { text?: string } } | undefined)?.body?.text === 'Tuesday 10:30 suits?',
    )!;
    expect(sent.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: c.waId,
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Tuesday 10:30 suits?' },
        footer: { text: 'Smile Dental' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'yes', title: 'Yes' } },
            { type: 'reply', reply: { id: 'no', title: 'Another time' } },
          ],
        },
      },
    });
    const dup = await inbox(owner, practiceId).send(c.id, {
      type: 'buttons',
      body: 'x',
      buttons: [
        { id: 'a', title: 'Same' },
        { id: 'b', title: 'Same' },
      ],
    });
    expect(dup.statusCode).toBe(400);
  });

  it('a text reply quoting the patient’s message carries Meta’s context', async () => {
    const waId = newWaId();
    const wamid = await patientWrites(t, {
      phoneNumberId: PHONE,
      from: waId,
      message: { type: 'text', text: { body: 'Can I come at 10?' } },
    });
    await workers(t).processWebhooks();
    const c = (await conversationOf(t, channelId, waId))!;
    const theirs = (await inbox(owner, practiceId).messages(c.id))[0]!;
    const res = await inbox(owner, practiceId).send(c.id, {
      type: 'text',
      body: 'Yes, 10 is fine',
      replyToMessageId: theirs.id,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().replyTo).toEqual({ messageId: theirs.id, preview: 'Can I come at 10?' });
    await workers(t).send();
    expect(graph.fake.sent.find((m) => textOf(m.body) === 'Yes, 10 is fine')!.body).toMatchObject({
      context: { message_id: wamid },
      text: { body: 'Yes, 10 is fine', preview_url: false },
    });
  });
});

describe('templates', () => {
  const template = (templateName: string, language: string, parameters: Record<string, string>) => ({
    type: 'template',
    templateName,
    language,
    parameters,
  });

  it('refuses wrong parameters with every problem named, before Meta sees them', async () => {
    const c = await openConversation();
    const before = graph.fake.requests.length;
    const good = { patient_name: 'Aisha', practice_name: 'Smile', date: 'Tuesday 1 December', time: '09:30' };
    const cases: [Record<string, string>, string[]][] = [
      [{ patient_name: 'Aisha', practice_name: 'Smile', date: 'Tuesday' }, ['parameters.time']],
      [{ ...good, doctor: 'Dr Li' }, ['parameters.doctor']],
      [{ ...good, patient_name: 'Aisha\nRamjaun' }, ['parameters.patient_name']],
      [{ ...good, time: '09:30     sharp' }, ['parameters.time']],
      [{}, ['parameters.date', 'parameters.patient_name', 'parameters.practice_name', 'parameters.time']],
    ];
    for (const [parameters, paths] of cases) {
      const res = await inbox(owner, practiceId).send(c.id, template('appointment_reminder', 'en', parameters));
      expect(res.statusCode, JSON.stringify(parameters)).toBe(400);
      expect(res.json().code).toBe('template_parameters_invalid');
      expect((res.json().errors as { path: string }[]).map((e) => e.path).sort()).toEqual(paths);
    }
    const missing = await inbox(owner, practiceId).send(c.id, template('appointment_reminder', 'de', good));
    expect([missing.statusCode, missing.json().code]).toEqual([404, 'template_not_found']);
    expect(graph.fake.requests.length).toBe(before);
    expect(
      (
        await t.db
          .selectFrom('whatsappMessages')
          .select('id')
          .where('conversationId', '=', c.id)
          .where('direction', '=', 'outbound')
          .execute()
      ).length,
    ).toBe(0);
  });

  it('named and positional templates reach Meta in its shape', async () => {
    const c = await openConversation();
    const named = await inbox(owner, practiceId).send(
      c.id,
      template('appointment_reminder', 'fr', {
        patient_name: 'Hélène',
        practice_name: 'Smile',
        date: 'mardi 1 décembre',
        time: '09:30',
      }),
    );
    expect(named.statusCode, named.body).toBe(201);
    const positional = await inbox(owner, practiceId).send(
      c.id,
      template('booking_confirmation', 'en', {
        '1': 'Aisha',
        '2': 'check-up',
        '3': 'Smile',
        '4': 'Tuesday 1 December',
        '5': '09:30',
      }),
    );
    expect(positional.statusCode, positional.body).toBe(201);
    await workers(t).send();
    const sentTo = graph.fake.sent.filter((m) => m.to === c.waId).map((m) => m.body);
    expect(sentTo).toEqual([
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: c.waId,
        type: 'template',
        template: {
          name: 'appointment_reminder',
          language: { code: 'fr' },
          components: [
            {
              type: 'body',
              parameters: [
                { type: 'text', parameter_name: 'patient_name', text: 'Hélène' },
                { type: 'text', parameter_name: 'practice_name', text: 'Smile' },
                { type: 'text', parameter_name: 'date', text: 'mardi 1 décembre' },
                { type: 'text', parameter_name: 'time', text: '09:30' },
              ],
            },
            {
              type: 'button',
              sub_type: 'quick_reply',
              index: '0',
              parameters: [{ type: 'payload', payload: 'appointment_reminder:0' }],
            },
            {
              type: 'button',
              sub_type: 'quick_reply',
              index: '1',
              parameters: [{ type: 'payload', payload: 'appointment_reminder:1' }],
            },
            {
              type: 'button',
              sub_type: 'quick_reply',
              index: '2',
              parameters: [{ type: 'payload', payload: 'appointment_reminder:2' }],
            },
          ],
        },
      },
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: c.waId,
        type: 'template',
        template: {
          name: 'booking_confirmation',
          language: { code: 'en' },
          components: [
            {
              type: 'body',
              parameters: ['Aisha', 'check-up', 'Smile', 'Tuesday 1 December', '09:30'].map((text) => ({
                type: 'text',
                text,
              })),
            },
          ],
        },
      },
    ]);
    expect((await message(named.json().id)).status).toBe('sent');
    expect((await message(positional.json().id)).status).toBe('sent');
  });
});

describe('the template registry', () => {
  it('is fetched from Meta (message_templates) and listed for staff', async () => {
    const res = await owner.post(`/api/v1/practices/${practiceId}/whatsapp/templates/sync`);
    expect(res.statusCode, res.body).toBe(200);
    const { items, syncedAt } = res.json() as {
      items: {
        name: string;
        language: string;
        parameterFormat: string;
        parameters: { name: string }[];
        quickReplies: string[];
      }[];
      syncedAt: string;
    };
    expect(syncedAt).toBeTruthy();
    expect(items.map((i) => `${i.name}/${i.language}`)).toContain('appointment_reminder/fr');
    // Every template Meta holds for the account (the fake Graph API serves the sandbox's catalogue).
    expect(items.map((i) => `${i.name}/${i.language}`).sort()).toEqual(
      SANDBOX_TEMPLATES.map((tpl) => `${tpl.name}/${tpl.language}`).sort(),
    );
    expect(items.find((i) => i.name === 'booking_confirmation' && i.language === 'en')).toMatchObject({
      parameterFormat: 'positional',
      parameters: [{ name: '1' }, { name: '2' }, { name: '3' }, { name: '4' }, { name: '5' }],
      quickReplies: [],
    });
    const listed = await owner.get(`/api/v1/practices/${practiceId}/whatsapp/templates`);
    expect(listed.json().items).toEqual(items);
  });
});

describe('Idempotency-Key', () => {
  it('the same key twice gives one message, sent once', async () => {
    const c = await openConversation();
    const headers = { 'idempotency-key': 'retry-key-0001' };
    const first = await sendText(c.id, 'only once please', headers);
    const second = await sendText(c.id, 'only once please', headers);
    expect(second.id).toBe(first.id);
    await workers(t).send();
    expect(deliveredCount('only once please')).toBe(1);
  });

  it('the same key sent twice at the same moment still gives one message', async () => {
    const c = await openConversation();
    const headers = { 'idempotency-key': 'concurrent-key-0002' };
    const [a, b] = await Promise.all([
      inbox(owner, practiceId).send(c.id, { type: 'text', body: 'raced' }, headers),
      inbox(owner, practiceId).send(c.id, { type: 'text', body: 'raced' }, headers),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect(a.json().id).toBe(b.json().id);
    await workers(t).send();
    expect(deliveredCount('raced')).toBe(1);
  });
});
