import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setMessagingLimitIn } from '../src/modules/messaging/messaging-limit.service.js';
import { queueTemplateToNumberIn } from '../src/modules/messaging/outreach.service.js';
import { cancelAppointment, moveAppointment } from '../src/modules/scheduling/appointments.service.js';
import { systemActor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type AssistantPractice, assistantPractice, patientsOnNumber } from './assistant-fixtures.js';
import { type Client, type TestApp, loggedIn } from './harness.js';
import {
  book,
  remindNow,
  reminderSeen,
  remindersOf,
  runJobs,
  useReminderSettings,
  workdays,
} from './reminders-fixtures.js';
import { mu } from './scheduling-fixtures.js';
import { createWhatsAppTestApp, startFakeGraph, workers } from './whatsapp-fixtures.js';
import { inbox, newWaId } from './whatsapp-helpers.js';

/**
 * A message's send-by time (issue 13): Meta's daily messaging limit holds a reminder back, and a
 * reminder must not reach the patient once its visit is about to begin, nor after the visit moved
 * or was cancelled. The dispatcher never sends a message past the send-by time its sender gave
 * (failed, `too_late`, saying the limit held it), and a reminder whose visit changes while its
 * message waits is taken back (`no_longer_applies`). Time is moved by data, as in the messaging
 * limit's own test: the people reached, the outbox's due and send-by times go back together.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let practice: AssistantPractice;
let days: string[];
let owner: Client;
let portfolioKey: string;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  practice = await assistantPractice(t);
  owner = await loggedIn(t.app, practice.owner);
  days = await workdays(t, practice.practiceId, 12);
  // One rule, the day before: one reminder per booking.
  await useReminderSettings(t, practice.practiceId, {
    rules: [{ offsetMinutes: 1440, appointmentTypeIds: null, minLeadMinutes: 0 }],
  });
  await runJobs(t);
  portfolioKey = (
    await t.db
      .selectFrom('whatsappChannels')
      .select('portfolioKey')
      .where('phoneNumberId', '=', practice.phoneNumberId)
      .executeTakeFirstOrThrow()
  ).portfolioKey;
  // The portfolio may reach one person outside their window a day.
  await setMessagingLimitIn(t.db, { portfolioKey, dailyLimit: 1, source: 'owner' });
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

let dayIndex = 0;
const freshDay = () => days[dayIndex++]!;

const reachedToday = async () =>
  Number(
    (
      await sql<{ n: string }>`SELECT count(*) AS n FROM whatsapp_portfolio_reach
        WHERE portfolio_key = ${portfolioKey} AND reached_at > now() - interval '24 hours'`.execute(t.db)
    ).rows[0]!.n,
  );

/** Someone else was reached in the last 24 hours: the day's one place is taken (a filler only when it is free, so none waits). */
async function fillTheLimit() {
  if ((await reachedToday()) === 0) {
    const waId = newWaId();
    await queueTemplate(waId, `filler:${waId}`);
    await workers(t).send();
  }
  expect(await reachedToday()).toBe(1);
}

function queueTemplate(waId: string, key: string, sendBy?: Date) {
  return inPractice(t.db, practice.practiceId, async (tx) => {
    const result = await queueTemplateToNumberIn(tx, {
      masterKey: t.ctx.config.encryptionKey,
      practiceId: practice.practiceId,
      e164: `+${waId}`,
      patientId: null,
      templateName: 'appointment_reminder',
      languages: ['en'],
      parameters: () => ({ patient_name: 'Aisha', practice_name: 'Clinic', date: 'Tuesday', time: '09:30' }),
      idempotencyKey: key,
      ...(sendBy ? { sendBy } : {}),
    });
    if (result.kind !== 'queued') throw new Error(`not queued: ${result.kind}`);
    return result;
  });
}

/** `ms` pass: the people reached drop out of the 24 hours as they would, and what waits in the outbox falls due. */
async function timePasses(ms: number) {
  const secs = ms / 1000;
  await sql`UPDATE whatsapp_portfolio_reach SET reached_at = reached_at - make_interval(secs => ${secs})
    WHERE portfolio_key = ${portfolioKey}`.execute(t.db);
  await sql`UPDATE whatsapp_outbox SET next_attempt_at = next_attempt_at - make_interval(secs => ${secs}),
    send_by = send_by - make_interval(secs => ${secs}) WHERE state = 'queued'`.execute(t.db);
}

async function patient(name = 'Aisha') {
  const waId = newWaId();
  const [id] = await patientsOnNumber(t, practice.practiceId, `+${waId}`, [{ givenName: name, familyName: 'Test' }]);
  return { id: id!, waId };
}

const messageOf = (id: string) =>
  t.db.selectFrom('whatsappMessages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const outboxOf = (messageId: string) =>
  t.db.selectFrom('whatsappOutbox').selectAll().where('messageId', '=', messageId).executeTakeFirst();
/** Every send request the fake Graph API received for this number, answered or refused. */
const requestsTo = (waId: string) => graph.fake.requests.filter((r) => r.body.to === waId);

/** The calendar's reminder lines of an appointment, as staff read them: start, state, reason. */
async function marks(appointmentId: string) {
  const res = await owner.get(`/api/v1/practices/${practice.practiceId}/reminders/appointments?ids=${appointmentId}`);
  expect(res.statusCode, res.body).toBe(200);
  return (
    res.json() as { items: { reminders: { appointmentStart: string; state: string; reason: string | null }[] }[] }
  ).items[0]!.reminders.map((r) => [r.appointmentStart, r.state, r.reason]);
}

async function held(appointmentId: string) {
  const [row] = await remindersOf(t, practice.practiceId, appointmentId);
  expect(row).toMatchObject({ state: 'sent' });
  expect(await messageOf(row!.messageId!)).toMatchObject({ status: 'queued', heldReason: 'messaging_limit' });
  return row!;
}

describe('a held reminder is checked against its visit', () => {
  it('released after the visit has begun, it goes nowhere: failed as too late, and the reminder says the limit held it', async () => {
    await fillTheLimit();
    const p = await patient();
    const start = mu(freshDay(), '09:00');
    const a = await book(t, practice, p.id, start);
    await remindNow(t, graph);
    const row = await held(a.id);
    // Staff see it waiting for the limit; its send-by time is 30 minutes before the visit.
    expect(await marks(a.id)).toEqual([[start.toISOString(), 'planned', 'messaging_limit']]);
    expect((await outboxOf(row.messageId!))?.sendBy).toEqual(new Date(start.getTime() - 30 * 60_000));

    // Time passes beyond the visit's start: the limit has room again and the held send falls due.
    await timePasses(start.getTime() - Date.now() + 3600_000);
    await workers(t).send();
    await runJobs(t);

    expect(requestsTo(p.waId)).toEqual([]);
    expect(await outboxOf(row.messageId!)).toBeUndefined();
    expect(await messageOf(row.messageId!)).toMatchObject({
      status: 'failed',
      failureReason: 'too_late',
      heldReason: 'messaging_limit',
    });
    expect(await marks(a.id)).toEqual([[start.toISOString(), 'skipped', 'held_too_late']]);
    // The inbox says why it never went.
    const shown = await inbox(owner, practice.practiceId).messages((await messageOf(row.messageId!)).conversationId);
    expect(shown.find((m) => m.id === row.messageId)).toMatchObject({
      status: 'failed',
      failure: { reason: 'too_late' },
    });
    // And the desk hears the patient was not reminded (to phone them).
    const notes = (await owner.get(`/api/v1/practices/${practice.practiceId}/notifications?limit=100`)).json() as {
      items: { kind: string; appointment: { id: string } | null; failureReason: string | null }[];
    };
    expect(notes.items.filter((n) => n.appointment?.id === a.id).map((n) => [n.kind, n.failureReason])).toEqual([
      ['reminder_failed', 'too_late'],
    ]);
  });

  it('a send the limit would hold past its send-by time fails at once instead of waiting for nothing', async () => {
    await fillTheLimit();
    const waId = newWaId();
    const queued = await queueTemplate(waId, `soon:${waId}`, new Date(Date.now() + 3600_000));
    await workers(t).send();
    expect(requestsTo(waId)).toEqual([]);
    expect(await outboxOf(queued.messageId)).toBeUndefined();
    const message = await messageOf(queued.messageId);
    expect(message).toMatchObject({ status: 'failed', failureReason: 'too_late', heldReason: 'messaging_limit' });
    // The hold would have lasted a day; the message says until when the limit would have held it.
    expect(message.heldUntil!.getTime()).toBeGreaterThan(Date.now() + 3600_000);
    // Announced like any failure, for the sender's listeners.
    const announced = await sql<{ payload: { messageId: string; reason: string } }>`
      SELECT payload FROM jobs WHERE name = 'event:messaging.outbound_failed' AND payload->>'messageId' = ${queued.messageId}`.execute(
      t.db,
    );
    expect(announced.rows.map((r) => r.payload.reason)).toEqual(['too_late']);
  });

  it('a message without a send-by time waits for the limit as long as it takes', async () => {
    await fillTheLimit();
    const waId = newWaId();
    const queued = await queueTemplate(waId, `no-deadline:${waId}`);
    await workers(t).send();
    expect(await messageOf(queued.messageId)).toMatchObject({ status: 'queued', heldReason: 'messaging_limit' });
    await timePasses(25 * 3600_000);
    await workers(t).send();
    expect(await messageOf(queued.messageId)).toMatchObject({ status: 'sent', heldReason: null });
    expect(requestsTo(waId)).toHaveLength(1);
  });

  it('cancelled while its reminder waits: the message is taken back and never sent', async () => {
    await fillTheLimit();
    const p = await patient();
    const start = mu(freshDay(), '10:00');
    const a = await book(t, practice, p.id, start);
    await remindNow(t, graph);
    const row = await held(a.id);

    await cancelAppointment(t.ctx, {
      actor: systemActor('reception'),
      practiceId: practice.practiceId,
      appointmentId: a.id,
      reason: 'patient called',
    });
    await runJobs(t);
    expect(await outboxOf(row.messageId!)).toBeUndefined();
    expect(await messageOf(row.messageId!)).toMatchObject({ status: 'failed', failureReason: 'no_longer_applies' });
    expect(await marks(a.id)).toEqual([[start.toISOString(), 'skipped', 'cancelled']]);

    // A day later the limit has room: still nothing for the patient.
    await timePasses(25 * 3600_000);
    await workers(t).send();
    expect(requestsTo(p.waId)).toEqual([]);
  });

  it('moved while its reminder waits: the old time is taken back, and only the new time is ever sent', async () => {
    await fillTheLimit();
    const p = await patient();
    const [day1, day2] = [freshDay(), freshDay()];
    const a = await book(t, practice, p.id, mu(day1, '11:00'));
    await remindNow(t, graph);
    const old = await held(a.id);

    await moveAppointment(t.ctx, {
      actor: systemActor('reception'),
      practiceId: practice.practiceId,
      appointmentId: a.id,
      move: { start: mu(day2, '14:00') },
    });
    await runJobs(t);
    expect(await messageOf(old.messageId!)).toMatchObject({ status: 'failed', failureReason: 'no_longer_applies' });
    expect(await marks(a.id)).toEqual([
      [mu(day1, '11:00').toISOString(), 'skipped', 'moved'],
      [mu(day2, '14:00').toISOString(), 'planned', null],
    ]);

    // The new time's reminder waits for the limit like any other, and goes when there is room.
    await remindNow(t, graph);
    await timePasses(25 * 3600_000);
    await workers(t).send();
    const seen = graph.fake.sent.filter((m) => m.to === p.waId).map(reminderSeen);
    expect(seen.map((s) => s.values.time)).toEqual(['14:00']);
    expect(requestsTo(p.waId)).toHaveLength(1);
  });

  it('a family message whose one visit is cancelled while it waits: taken back, and the other visit is reminded on its own', async () => {
    await fillTheLimit();
    const waId = newWaId();
    const [mother, son] = await patientsOnNumber(t, practice.practiceId, `+${waId}`, [
      { givenName: 'Leela', familyName: 'Test' },
      { givenName: 'Ravi', familyName: 'Test' },
    ]);
    const day = freshDay();
    const a = await book(t, practice, mother!, mu(day, '09:00'));
    const b = await book(t, practice, son!, mu(day, '09:40'));
    await remindNow(t, graph);
    const shared = await held(a.id);
    expect((await remindersOf(t, practice.practiceId, b.id))[0]).toMatchObject({
      state: 'sent',
      messageId: shared.messageId,
    });

    await cancelAppointment(t.ctx, {
      actor: systemActor('reception'),
      practiceId: practice.practiceId,
      appointmentId: a.id,
      reason: 'patient called',
    });
    await runJobs(t);
    expect(await messageOf(shared.messageId!)).toMatchObject({ status: 'failed', failureReason: 'no_longer_applies' });
    expect(await marks(a.id)).toEqual([[mu(day, '09:00').toISOString(), 'skipped', 'cancelled']]);
    expect(await marks(b.id)).toEqual([[mu(day, '09:40').toISOString(), 'planned', null]]);

    // Ravi's reminder goes again, alone, and waits for the limit; when there is room only it is sent.
    await remindNow(t, graph);
    const own = (await remindersOf(t, practice.practiceId, b.id))[0]!;
    expect(own.messageId).not.toBe(shared.messageId);
    expect(own.sharedWith).toEqual([]);
    await timePasses(25 * 3600_000);
    await workers(t).send();
    const seen = graph.fake.sent.filter((m) => m.to === waId).map(reminderSeen);
    expect(seen.map((s) => [s.values.patient_name, s.values.time])).toEqual([['Ravi', '09:40']]);
    expect(await marks(b.id)).toEqual([[mu(day, '09:40').toISOString(), 'sent', null]]);
  });
});
