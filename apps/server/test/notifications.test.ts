import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { NotificationList, StaffNotification } from '@dentalpro/contracts';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackgroundRunner } from '../src/background.js';
import { systemActor } from '../src/platform/access.js';
import { sealedStoresOf } from '../src/platform/data-owners.js';
import { createEventBus, publishAtCommit } from '../src/platform/events.js';
import { inPractice } from '../src/platform/tenancy.js';
import { handOverToStaff } from '../src/modules/messaging/assistant-channel.service.js';
import { notificationsDataOwner } from '../src/modules/notifications/notifications.data-owner.js';
import { whatsappBooked } from '../src/modules/notifications/notifications.jobs.js';
import {
  forgetOldNotifications,
  notifyNeedsPerson,
  notifyWhatsAppChange,
} from '../src/modules/notifications/notifications.service.js';
import { mergePatient } from '../src/modules/patients/merge.service.js';
import { createPatient } from '../src/modules/patients/patients.service.js';
import { bookAppointment } from '../src/modules/scheduling/appointments.service.js';
import { updateProvider } from '../src/modules/scheduling/providers.service.js';
import {
  type AssistantPractice,
  appointmentsOf,
  assistantPractice,
  buttonsIn,
  conversationOfPhone,
  listIn,
  patientPhone,
  patientsOnNumber,
  textOf,
} from './assistant-fixtures.js';
import { type Client, TEST_ORIGIN, type TestApp, loggedIn, makeMember, makePractice } from './harness.js';
import { mu, nextMonday } from './scheduling-fixtures.js';
import { createWhatsAppTestApp, startFakeGraph } from './whatsapp-fixtures.js';

/**
 * Staff notifications end to end: a patient's booking, move and cancellation in the WhatsApp chat
 * and a chat handed to a person become notifications for the members they concern, listed, counted
 * and read by each member apart, hinted live, kept within the practice.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
/** The scheduling practice with the assistant on; its owner no longer sees patients, so WhatsApp visits go to Dr Second. */
let practice: AssistantPractice;
let member: Record<'owner' | 'receptionist' | 'dentist' | 'hygienist' | 'otherDentist', Client>;
let days: string[];

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  await listenThroughDatabase(t);
  practice = await assistantPractice(t);
  await updateProvider(t.ctx, {
    actor: systemActor('test'),
    practiceId: practice.practiceId,
    userId: practice.owner.id,
    patch: { active: false },
  });
  const otherDentist = await makeMember(t.ctx, practice.practiceId, 'dentist');
  member = {
    owner: await loggedIn(t.app, practice.owner),
    receptionist: await loggedIn(t.app, practice.receptionist),
    dentist: await loggedIn(t.app, practice.dentist),
    hygienist: await loggedIn(t.app, practice.hygienist),
    otherDentist: await loggedIn(t.app, otherDentist),
  };
  days = workdays(3);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

/**
 * Hints are published at commit through the database (publishAtCommit). On PostgreSQL the tests'
 * bus is in memory only: give this app one that LISTENs, as a server's does, and wait until it hears.
 */
async function listenThroughDatabase(app: TestApp) {
  if (app.database.embedded) return;
  const inMemory = app.ctx.events;
  app.ctx.events = createEventBus({ databaseUrl: app.database.connectionString, logger: app.ctx.logger });
  await inMemory.close();
  const topic = `probe:${randomUUID()}`;
  let heard = false;
  const stop = app.ctx.events.subscribe(topic, () => {
    heard = true;
  });
  for (let i = 0; !heard && i < 100; i++) {
    await app.db.transaction().execute((tx) => publishAtCommit(tx, topic, {}));
    await new Promise((r) => setTimeout(r, 50));
  }
  stop();
  if (!heard) throw new Error('the event bus never heard the database');
}

const DAY = 86_400_000;
/** Working days (Monday to Friday) from a Monday at least a week ahead: outside the late-cancellation window. */
function workdays(count: number): string[] {
  const found: string[] = [];
  for (let at = new Date(`${nextMonday(new Date(Date.now() + 7 * DAY))}T12:00:00Z`); found.length < count; ) {
    if (at.getUTCDay() >= 1 && at.getUTCDay() <= 5) found.push(at.toISOString().slice(0, 10));
    at = new Date(at.getTime() + DAY);
  }
  return found;
}

const base = (practiceId: string) => `/api/v1/practices/${practiceId}/notifications`;

async function listOf(client: Client, query = '', practiceId = practice.practiceId): Promise<NotificationList> {
  const res = await client.get(`${base(practiceId)}${query ? `?${query}` : ''}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

async function unreadOf(client: Client, practiceId = practice.practiceId): Promise<number> {
  const res = await client.get(`${base(practiceId)}/count`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json().unread;
}

/** What each member was told about one appointment (or conversation): their notifications naming it. */
async function toldAbout(id: string): Promise<Record<keyof typeof member, StaffNotification[]>> {
  const told = {} as Record<keyof typeof member, StaffNotification[]>;
  for (const [name, client] of Object.entries(member) as [keyof typeof member, Client][]) {
    told[name] = (await listOf(client, 'limit=100')).items.filter(
      (n) => n.appointment?.id === id || n.conversationId === id,
    );
  }
  return told;
}

const kindsTold = (told: Record<string, StaffNotification[]>) =>
  Object.fromEntries(Object.entries(told).map(([name, items]) => [name, items.map((n) => n.kind)]));

/** Runs every due job (listeners included). */
const runJobs = () => createBackgroundRunner(t.ctx, { schedules: false }).runDue();

/** Reception books a check-up with Dr Second for the patient. */
async function bookedAtDesk(patientId: string, start: Date, source: 'staff' | 'phone' = 'phone') {
  return bookAppointment(t.ctx, {
    actor: systemActor('reception'),
    practiceId: practice.practiceId,
    booking: {
      appointmentTypeId: practice.checkup,
      providerId: practice.dentist.id,
      chairId: practice.chair1,
      start,
      source,
      patientId,
    },
  });
}

describe('a patient on WhatsApp', () => {
  it('books: the owner, the receptionist and the visit’s dentist are told, not the hygienist nor the other dentist', async () => {
    const phone = patientPhone(t, graph, practice);
    const [anil] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Anil', familyName: 'Boodhoo', preferredLanguage: 'en' },
    ]);
    const list = listIn(await phone.says('Hi, I would like to book a check-up next week please'));
    const confirm = buttonsIn(await phone.taps(list.rows[0]!, 'list'));
    expect(textOf(await phone.taps(confirm.buttons[0]!))).toContain('12 Royal Road');
    const [booked] = await appointmentsOf(t, practice.practiceId, anil!);
    expect(booked).toMatchObject({ status: 'booked', source: 'whatsapp', providerId: practice.dentist.id });
    const conversation = await conversationOfPhone(t, phone);

    const told = await toldAbout(booked!.id);
    expect(kindsTold(told)).toEqual({
      owner: ['whatsapp_booked'],
      receptionist: ['whatsapp_booked'],
      dentist: ['whatsapp_booked'],
      hygienist: [],
      otherDentist: [],
    });
    expect(told.owner[0]).toEqual({
      id: expect.any(String),
      kind: 'whatsapp_booked',
      createdAt: expect.any(String),
      readAt: null,
      patient: { id: anil, name: 'Anil Boodhoo' },
      appointment: {
        id: booked!.id,
        start: booked!.startsAt.toISOString(),
        end: booked!.endsAt.toISOString(),
        status: 'booked',
        providerName: 'Dr Second',
      },
      previousStart: null,
      conversationId: conversation.id,
      reason: null,
      failureReason: null,
      privacyRequest: null,
      whatsappTemplate: null,
      agenda: null,
    });
    // One notification, each member reading it apart.
    expect(told.receptionist[0]!.id).toBe(told.owner[0]!.id);
    // Only ids and times are stored, never the patient's name.
    const stored = await t.db.selectFrom('notifications').selectAll().where('id', '=', told.owner[0]!.id).execute();
    expect(JSON.stringify(stored)).not.toMatch(/Anil|Boodhoo/);
  });

  it('moves: told with the start it had before, and the appointment as it is now', async () => {
    const phone = patientPhone(t, graph, practice);
    const [lucie] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Lucie', familyName: 'Rivet', preferredLanguage: 'en' },
    ]);
    const before = mu(days[0]!, '09:00');
    const appointment = await bookedAtDesk(lucie!, before);
    await runJobs();
    expect(kindsTold(await toldAbout(appointment.id))).toEqual({
      owner: [],
      receptionist: [],
      dentist: [],
      hygienist: [],
      otherDentist: [],
    });

    const when = listIn(await phone.says('I need to move my appointment'));
    const times = listIn(await phone.taps(when.rows.find((r) => r.id === 'week:next')!, 'list'));
    const row = times.rows.find((r) => r.id.startsWith('h:'))!;
    expect(textOf(await phone.taps(row, 'list'))).toMatch(/Done\. Your new appointment/);
    const [moved] = await appointmentsOf(t, practice.practiceId, lucie!);
    expect(moved!.startsAt.getTime()).not.toBe(before.getTime());

    const told = await toldAbout(appointment.id);
    expect(kindsTold(told)).toEqual({
      owner: ['whatsapp_moved'],
      receptionist: ['whatsapp_moved'],
      dentist: ['whatsapp_moved'],
      hygienist: [],
      otherDentist: [],
    });
    expect(told.dentist[0]).toMatchObject({
      kind: 'whatsapp_moved',
      previousStart: before.toISOString(),
      appointment: { start: moved!.startsAt.toISOString(), status: 'booked', providerName: 'Dr Second' },
      patient: { id: lucie, name: 'Lucie Rivet' },
    });
  });

  it('cancels: told, the visit’s dentist too (read from the calendar)', async () => {
    const phone = patientPhone(t, graph, practice);
    const [raj] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Raj', familyName: 'Gopaul', preferredLanguage: 'en' },
    ]);
    const appointment = await bookedAtDesk(raj!, mu(days[2]!, '15:00'));
    const question = buttonsIn(await phone.says('Cancel'));
    expect(textOf(await phone.taps(question.buttons[0]!))).toContain('Cancelled');

    const told = await toldAbout(appointment.id);
    expect(kindsTold(told)).toEqual({
      owner: ['whatsapp_cancelled'],
      receptionist: ['whatsapp_cancelled'],
      dentist: ['whatsapp_cancelled'],
      hygienist: [],
      otherDentist: [],
    });
    expect(told.receptionist[0]).toMatchObject({
      previousStart: null,
      appointment: { id: appointment.id, status: 'cancelled', start: mu(days[2]!, '15:00').toISOString() },
      patient: { id: raj, name: 'Raj Gopaul' },
    });
  });

  it('asks for a person: everyone who may read the inbox is told once, with the reason', async () => {
    const phone = patientPhone(t, graph, practice);
    const [mia] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Mia', familyName: 'Appadoo', preferredLanguage: 'en' },
    ]);
    await phone.says('I want to speak to a person');
    const conversation = await conversationOfPhone(t, phone);
    expect(conversation.handoverAt).not.toBeNull();
    // Handed over again while the patient waits: no second notification.
    await inPractice(t.db, practice.practiceId, (tx) =>
      handOverToStaff(tx, {
        practiceId: practice.practiceId,
        conversationId: conversation.id,
        reason: 'urgent',
        at: new Date(),
      }),
    );
    await runJobs();

    const told = await toldAbout(conversation.id);
    expect(kindsTold(told)).toEqual({
      owner: ['needs_person'],
      receptionist: ['needs_person'],
      dentist: ['needs_person'],
      hygienist: ['needs_person'],
      otherDentist: ['needs_person'],
    });
    expect(told.hygienist[0]).toMatchObject({
      kind: 'needs_person',
      // The first handover's reason: the second one told nobody.
      reason: 'asked',
      conversationId: conversation.id,
      patient: { id: mia, name: 'Mia Appadoo' },
      appointment: null,
      previousStart: null,
    });
  });
});

describe('a member flags a chat for a person', () => {
  it('tells the others who answer the inbox, once, with the reason; not the member who flagged it', async () => {
    const phone = patientPhone(t, graph, practice);
    const [leo] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Leo', familyName: 'Ramsamy', preferredLanguage: 'en' },
    ]);
    await phone.says('Hello');
    const conversation = await conversationOfPhone(t, phone);
    expect(conversation.handoverAt).toBeNull();
    const flag = (needsHuman: boolean) =>
      member.receptionist.patch(`/api/v1/practices/${practice.practiceId}/inbox/conversations/${conversation.id}`, {
        needsHuman,
      });
    expect((await flag(true)).statusCode).toBe(200);
    // Flagged again while the patient already waits: nobody is told twice.
    expect((await flag(true)).statusCode).toBe(200);
    await runJobs();

    const told = await toldAbout(conversation.id);
    expect(kindsTold(told)).toEqual({
      owner: ['needs_person'],
      receptionist: [],
      dentist: ['needs_person'],
      hygienist: ['needs_person'],
      otherDentist: ['needs_person'],
    });
    expect(told.owner[0]).toMatchObject({
      reason: 'needs_staff',
      conversationId: conversation.id,
      patient: { id: leo, name: 'Leo Ramsamy' },
    });

    // Cleared, then flagged again: a new wait, told again.
    expect((await flag(false)).statusCode).toBe(200);
    expect((await flag(true)).statusCode).toBe(200);
    await runJobs();
    expect((await toldAbout(conversation.id)).owner.map((n) => n.kind)).toEqual(['needs_person', 'needs_person']);
  });
});

describe('the desk’s own changes', () => {
  it('tell nobody: a booking at the desk, on the phone, a move and a cancellation', async () => {
    const patientId = practice.patients[0]!.id;
    const first = await bookedAtDesk(patientId, mu(days[1]!, '08:00'), 'staff');
    const second = await bookedAtDesk(patientId, mu(days[1]!, '10:00'), 'phone');
    const moved = await member.receptionist.post(
      `/api/v1/practices/${practice.practiceId}/appointments/${first.id}/move`,
      { start: mu(days[1]!, '11:00').toISOString() },
    );
    expect(moved.statusCode, moved.body).toBe(200);
    const cancelled = await member.receptionist.post(
      `/api/v1/practices/${practice.practiceId}/appointments/${second.id}/cancel`,
      { reason: 'Travelling' },
    );
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(await runJobs()).toBeGreaterThanOrEqual(4);
    const rows = await t.db
      .selectFrom('notifications')
      .select('id')
      .where('appointmentId', 'in', [first.id, second.id])
      .execute();
    expect(rows).toEqual([]);
  });

  it('a listener run twice for one announcement writes one notification', async () => {
    const appointmentId = randomUUID();
    const event = {
      practiceId: practice.practiceId,
      appointmentId,
      patientId: null,
      source: 'whatsapp',
      after: {
        start: mu(days[0]!, '13:00').toISOString(),
        end: mu(days[0]!, '13:30').toISOString(),
        providerId: practice.dentist.id,
        chairId: practice.chair1,
      },
    };
    const run = { ctx: t.ctx, id: 987_654, attempt: 1, maxAttempts: 10, practiceId: practice.practiceId };
    await whatsappBooked.handler(event, run);
    await whatsappBooked.handler(event, run);
    await whatsappBooked.handler({ ...event, source: 'staff' }, { ...run, id: 987_655 });
    const rows = await t.db
      .selectFrom('notifications')
      .select('kind')
      .where('appointmentId', '=', appointmentId)
      .execute();
    expect(rows).toEqual([{ kind: 'whatsapp_booked' }]);
  });
});

/** A practice of its own (owner, receptionist, two dentists) with `count` handovers announced, oldest first. */
async function quietPractice(count: number) {
  const p = await makePractice(t.ctx);
  const receptionist = await makeMember(t.ctx, p.practiceId, 'receptionist');
  const dentist = await makeMember(t.ctx, p.practiceId, 'dentist');
  const conversations: string[] = [];
  for (let i = 0; i < count; i++) {
    const conversationId = randomUUID();
    conversations.push(conversationId);
    await notifyNeedsPerson(t.ctx, {
      practiceId: p.practiceId,
      conversationId,
      patientId: null,
      reason: 'asked',
      idempotencyKey: `test:${conversationId}`,
    });
  }
  return {
    ...p,
    conversations,
    owner: await loggedIn(t.app, p.owner),
    receptionist: await loggedIn(t.app, receptionist),
    dentistId: dentist.id,
    dentist: await loggedIn(t.app, dentist),
  };
}

describe('the list, the count and marking read', () => {
  it('pages newest first with a cursor, to the end', async () => {
    const q = await quietPractice(5);
    const all = await listOf(q.owner, 'limit=100', q.practiceId);
    expect(all.items.map((n) => n.conversationId)).toEqual([...q.conversations].reverse());
    expect(all).toMatchObject({ unread: 5, nextCursor: null });

    const seen: string[] = [];
    let cursor: string | null = null;
    const pages: number[] = [];
    do {
      const page: NotificationList = await listOf(
        q.owner,
        `limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        q.practiceId,
      );
      pages.push(page.items.length);
      seen.push(...page.items.map((n) => n.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual([2, 2, 1]);
    expect(seen).toEqual(all.items.map((n) => n.id));
  });

  it('marks read by id and all; each member reads apart; ids not theirs are passed over; unread only on asking', async () => {
    const q = await quietPractice(4);
    const ids = (await listOf(q.owner, '', q.practiceId)).items.map((n) => n.id);
    expect(ids).toHaveLength(4);

    const marked = await q.owner.post(`${base(q.practiceId)}/read`, { ids: [ids[0], ids[2]] });
    expect(marked.statusCode, marked.body).toBe(200);
    expect(marked.json()).toEqual({ unread: 2 });
    expect(await unreadOf(q.owner, q.practiceId)).toBe(2);
    const unread = await listOf(q.owner, 'unread=true', q.practiceId);
    expect(unread.items.map((n) => n.id)).toEqual([ids[1], ids[3]]);
    expect(unread.unread).toBe(2);
    const everything = await listOf(q.owner, 'unread=false', q.practiceId);
    expect(everything.items.map((n) => [n.id, n.readAt !== null])).toEqual([
      [ids[0], true],
      [ids[1], false],
      [ids[2], true],
      [ids[3], false],
    ]);
    // The receptionist's copies are still unread.
    expect(await unreadOf(q.receptionist, q.practiceId)).toBe(4);

    // A booking on WhatsApp for the first dentist's patient: not the second dentist's business.
    const other = await makeMember(t.ctx, q.practiceId, 'dentist');
    const otherClient = await loggedIn(t.app, other);
    await notifyWhatsAppChange(t.ctx, {
      practiceId: q.practiceId,
      kind: 'whatsapp_booked',
      appointmentId: randomUUID(),
      patientId: null,
      providerIds: [q.dentistId],
      idempotencyKey: `test:${randomUUID()}`,
    });
    const booking = (await listOf(q.dentist, '', q.practiceId)).items.find((n) => n.kind === 'whatsapp_booked')!;
    expect((await listOf(otherClient, '', q.practiceId)).items.map((n) => n.id)).not.toContain(booking.id);
    const otherUnread = await unreadOf(otherClient, q.practiceId);
    const notTheirs = await otherClient.post(`${base(q.practiceId)}/read`, { ids: [booking.id, randomUUID()] });
    expect(notTheirs.statusCode, notTheirs.body).toBe(200);
    expect(notTheirs.json()).toEqual({ unread: otherUnread });
    expect((await listOf(q.dentist, 'unread=true', q.practiceId)).items.map((n) => n.id)).toContain(booking.id);

    const all = await q.owner.post(`${base(q.practiceId)}/read`, { all: true });
    expect(all.json()).toEqual({ unread: 0 });
    expect((await listOf(q.owner, 'unread=true', q.practiceId)).items).toEqual([]);
    expect(await unreadOf(q.receptionist, q.practiceId)).toBe(5);
  });

  it('refuses bad input with problem+json 400', async () => {
    const q = await quietPractice(1);
    for (const body of [
      {},
      { ids: [] },
      { ids: ['not-a-uuid'] },
      { all: false },
      { all: true, ids: [randomUUID()] },
      { ids: Array.from({ length: 201 }, () => randomUUID()) },
    ]) {
      const res = await q.owner.post(`${base(q.practiceId)}/read`, body);
      expect([JSON.stringify(body).slice(0, 60), res.statusCode, res.headers['content-type']]).toEqual([
        JSON.stringify(body).slice(0, 60),
        400,
        expect.stringContaining('application/problem+json'),
      ]);
      expect(res.json().code).toBe('validation_failed');
    }
    for (const query of ['cursor=nonsense', 'limit=0', 'limit=101', 'unread=yes']) {
      const res = await q.owner.get(`${base(q.practiceId)}?${query}`);
      expect([query, res.statusCode, res.json().code]).toEqual([query, 400, 'validation_failed']);
    }
    expect(await unreadOf(q.owner, q.practiceId)).toBe(1);
  });
});

describe('practices apart', () => {
  it('a member of another practice never sees, counts or marks practice A’s notifications', async () => {
    const a = await quietPractice(2);
    const b = await quietPractice(1);
    const aIds = (await listOf(a.owner, '', a.practiceId)).items.map((n) => n.id);
    for (const path of [base(a.practiceId), `${base(a.practiceId)}/count`]) {
      const res = await b.owner.get(path);
      expect([path, res.statusCode, res.json().code]).toEqual([path, 404, 'practice_not_found']);
    }
    const refused = await b.owner.post(`${base(a.practiceId)}/read`, { all: true });
    expect(refused.statusCode).toBe(404);
    // Through their own practice, A's ids are nobody's.
    const own = await b.owner.post(`${base(b.practiceId)}/read`, { ids: aIds });
    expect(own.json()).toEqual({ unread: 1 });
    expect((await listOf(b.owner, '', b.practiceId)).items.map((n) => n.conversationId)).toEqual(b.conversations);
    expect(await unreadOf(a.owner, a.practiceId)).toBe(2);
  });

  it('a transaction that has not named its practice sees no notifications', async () => {
    await quietPractice(1);
    const seen = await t.db.transaction().execute(async (tx) => {
      await sql`SELECT set_config('role', 'dentalpro_app', true)`.execute(tx);
      return {
        notifications: await tx.selectFrom('notifications').select('id').execute(),
        recipients: await tx.selectFrom('notificationRecipients').select('userId').execute(),
      };
    });
    expect(seen).toEqual({ notifications: [], recipients: [] });
  });
});

describe('live hints', () => {
  let origin: string;
  beforeAll(async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });

  /** Opens the member's event stream; `text()` is what arrived so far. */
  async function stream(client: Client, practiceId: string) {
    const controller = new AbortController();
    const response = await fetch(`${origin}${base(practiceId)}/events`, {
      headers: { cookie: client.cookie!, origin: TEST_ORIGIN },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    const reading = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          text += value;
        }
      } catch {
        // Aborted.
      }
    })();
    // Subscribed before the first bytes are written.
    await until(() => text.includes('retry:'));
    return {
      text: () => text,
      hints: () => text.split('\n').filter((line) => line.startsWith('data: ')),
      async close() {
        controller.abort();
        await reading;
      },
    };
  }

  async function until(check: () => boolean, ms = 5_000) {
    const end = Date.now() + ms;
    while (!check()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('tells a recipient’s stream of a new notification and of their read state, and a non-recipient’s nothing', async () => {
    const q = await quietPractice(0);
    const other = await loggedIn(t.app, await makeMember(t.ctx, q.practiceId, 'dentist'));
    const dentist = await stream(q.dentist, q.practiceId);
    const bystander = await stream(other, q.practiceId);
    try {
      await notifyWhatsAppChange(t.ctx, {
        practiceId: q.practiceId,
        kind: 'whatsapp_booked',
        appointmentId: randomUUID(),
        patientId: null,
        providerIds: [q.dentistId],
        idempotencyKey: `test:${randomUUID()}`,
      });
      await until(() => dentist.hints().length === 1);
      expect(dentist.hints()).toEqual(['data: {"type":"notifications"}']);
      // Both streams hear the practice's topic at the same moment; the bystander's passed it over.
      await new Promise((r) => setTimeout(r, 200));
      expect(bystander.hints()).toEqual([]);

      const read = await q.dentist.post(`${base(q.practiceId)}/read`, { all: true });
      expect(read.json()).toEqual({ unread: 0 });
      await until(() => dentist.hints().length === 2);
      // Nothing changed: no hint.
      await q.dentist.post(`${base(q.practiceId)}/read`, { all: true });
      await new Promise((r) => setTimeout(r, 200));
      expect(dentist.hints()).toHaveLength(2);
      expect(bystander.hints()).toEqual([]);
    } finally {
      await dentist.close();
      await bystander.close();
    }
  });
});

describe('a patient’s data', () => {
  async function twoPatients(practiceId: string) {
    const make = async (givenName: string) =>
      (
        await createPatient(t.ctx, {
          actor: systemActor('test'),
          practiceId,
          patient: { givenName, familyName: 'Merge' },
        })
      ).id;
    return [await make('Kept'), await make('Gone')] as const;
  }
  const handover = (practiceId: string, patientId: string | null) =>
    notifyNeedsPerson(t.ctx, {
      practiceId,
      conversationId: randomUUID(),
      patientId,
      reason: 'asked',
      idempotencyKey: `test:${randomUUID()}`,
    });

  it('a merge points notifications at the surviving patient', async () => {
    const q = await quietPractice(0);
    const [survivor, merged] = await twoPatients(q.practiceId);
    await handover(q.practiceId, merged);
    await mergePatient(t.ctx, {
      actor: systemActor('test'),
      practiceId: q.practiceId,
      patientId: merged,
      intoPatientId: survivor,
    });
    expect((await listOf(q.owner, '', q.practiceId)).items.map((n) => n.patient)).toEqual([
      { id: survivor, name: 'Kept Merge' },
    ]);
  });

  it('an erasure deletes those about the patient (an export lists them first); others stay', async () => {
    const q = await quietPractice(1);
    const [kept, erased] = await twoPatients(q.practiceId);
    await handover(q.practiceId, erased);
    await handover(q.practiceId, kept);
    const exported = await inPractice(t.db, q.practiceId, (tx) =>
      notificationsDataOwner.exportPatient(tx, {
        practiceId: q.practiceId,
        patientId: erased,
        stores: sealedStoresOf(t.ctx),
      }),
    );
    expect(exported).toEqual({
      staffNotifications: [
        {
          kind: 'needs_person',
          createdAt: expect.any(String),
          appointmentId: null,
          conversationId: expect.any(String),
          previousStart: null,
          reason: 'asked',
          privacyRequestId: null,
          dueAt: null,
        },
      ],
    });
    const result = await inPractice(t.db, q.practiceId, (tx) =>
      notificationsDataOwner.erasePatient(tx, {
        practiceId: q.practiceId,
        patientId: erased,
        actor: systemActor('test'),
        stores: sealedStoresOf(t.ctx),
      }),
    );
    expect(result).toMatchObject({ erased: { staffNotifications: 1 }, kept: [] });
    const left = (await listOf(q.owner, '', q.practiceId)).items;
    expect(left.map((n) => n.patient?.id ?? null)).toEqual([kept, null]);
    expect(await unreadOf(q.receptionist, q.practiceId)).toBe(2);
  });

  it('notifications older than 90 days are deleted by the daily sweep, with who read them', async () => {
    const q = await quietPractice(2);
    const [old, fresh] = (await listOf(q.owner, '', q.practiceId)).items.map((n) => n.id);
    await sql`UPDATE notifications SET created_at = now() - interval '91 days' WHERE id = ${old}`.execute(t.db);
    await sql`UPDATE notification_recipients SET created_at = now() - interval '91 days' WHERE notification_id = ${old}`.execute(
      t.db,
    );
    expect(await forgetOldNotifications(t.db, new Date())).toBeGreaterThanOrEqual(1);
    expect((await listOf(q.owner, '', q.practiceId)).items.map((n) => n.id)).toEqual([fresh]);
    const recipients = await t.db
      .selectFrom('notificationRecipients')
      .select('userId')
      .where('notificationId', '=', old!)
      .execute();
    expect(recipients).toEqual([]);
  });
});
