import { randomUUID } from 'node:crypto';
import type { DashboardCounts, RemindersDashboard } from '@dentalpro/contracts';
import { EMPTY_DASHBOARD_COUNTS } from '@dentalpro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remindersDashboard } from '../src/modules/reminders/dashboard.service.js';
import type { Actor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type Client, type TestApp, createTestApp, loggedIn } from './harness.js';
import { makeSchedulingPractice, mu } from './scheduling-fixtures.js';
import { connectChannel } from './whatsapp-fixtures.js';

/**
 * The reminders dashboard counts what happened, by the practice's own weeks and months: a history
 * of two past weeks is written as each module keeps it (appointments with their status history,
 * reminders with the WhatsApp messages that carried them and what Meta last reported, recall
 * messages with their recalls, waitlist offers), and the counts are read back through the API.
 * Two instants sit on Mauritius's week boundary (UTC+4): counted by UTC, they would fall a week early.
 */

type Practice = Awaited<ReturnType<typeof makeSchedulingPractice>>;
type MessageStatus = 'sent' | 'delivered' | 'read' | 'failed';

let t: TestApp;
let p: Practice;
let other: Practice;
let owner: Client;
let reception: Client;
let dentist: Client;

/** Week A is Monday 2 to Sunday 8 November 2026, week B the 9th to the 15th (all in the past). */
const WEEK_A = '2026-11-02';
const WEEK_B = '2026-11-09';

class History {
  private conversationId = '';
  private channelId = '';
  private waIdCount = 0;
  constructor(
    private readonly practice: Practice,
    private readonly phoneNumberId: string,
  ) {}

  async open() {
    const channel = await connectChannel(t.ctx, this.practice.practiceId, this.phoneNumberId);
    this.channelId = channel.id;
    this.conversationId = await this.conversation();
  }

  private async conversation() {
    const row = await t.db
      .insertInto('whatsappConversations')
      .values({
        practiceId: this.practice.practiceId,
        channelId: this.channelId,
        waId: `2305${this.phoneNumberId.slice(-4)}${this.waIdCount++}`,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** An appointment as the calendar keeps it, with its status history (booked first). */
  async appointment(
    start: Date,
    status: 'booked' | 'completed' | 'no_show' | 'cancelled',
    opts: { steps?: string[]; hygienist?: boolean } = {},
  ) {
    const { practiceId } = this.practice;
    const end = new Date(start.getTime() + 30 * 60_000);
    const range = `[${start.toISOString()},${end.toISOString()})`;
    const row = await t.db
      .insertInto('appointments')
      .values({
        practiceId,
        patientId: this.practice.patients[0]!.id,
        providerId: opts.hygienist ? this.practice.hygienist.id : this.practice.dentistId,
        chairId: opts.hygienist ? this.practice.chair2 : this.practice.chair1,
        appointmentTypeId: opts.hygienist ? this.practice.cleaning : this.practice.checkup,
        period: range,
        occupied: range,
        status,
        source: 'staff',
        createdBy: null,
        ...(status === 'cancelled' ? { cancellationReason: 'patient' } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    let from: string | null = null;
    for (const to of ['booked', ...(opts.steps ?? []), status]) {
      if (to === from) continue;
      await t.db
        .insertInto('appointmentStatusHistory')
        .values({ practiceId, appointmentId: row.id, fromStatus: from, toStatus: to, changedBy: null })
        .execute();
      from = to;
    }
    return row.id;
  }

  /** A reminder of the appointment handed to WhatsApp at `sentAt`, and what Meta last said of its message. */
  async reminder(appointmentId: string, start: Date, sentAt: Date, status: MessageStatus, offsetMinutes = 1440) {
    const messageId = await this.message(status, sentAt);
    await t.db
      .insertInto('appointmentReminders')
      .values({
        practiceId: this.practice.practiceId,
        appointmentId,
        patientId: this.practice.patients[0]!.id,
        offsetMinutes,
        appointmentStart: start,
        dueAt: sentAt,
        state: 'sent',
        messageId,
        stateAt: sentAt,
      })
      .execute();
  }

  /** A reminder that was never sent (its reason given): it counts nowhere. */
  async skippedReminder(appointmentId: string, start: Date, at: Date) {
    await t.db
      .insertInto('appointmentReminders')
      .values({
        practiceId: this.practice.practiceId,
        appointmentId,
        patientId: this.practice.patients[0]!.id,
        offsetMinutes: 1440,
        appointmentStart: start,
        dueAt: at,
        state: 'skipped',
        reason: 'lead_time',
        stateAt: at,
      })
      .execute();
  }

  async emailReminder(appointmentId: string, start: Date, at: Date) {
    await t.db
      .insertInto('appointmentReminders')
      .values({
        practiceId: this.practice.practiceId,
        appointmentId,
        patientId: this.practice.patients[0]!.id,
        offsetMinutes: 120,
        appointmentStart: start,
        dueAt: at,
        state: 'sent',
        channel: 'email',
        stateAt: at,
      })
      .execute();
  }

  async message(status: MessageStatus, at: Date) {
    const row = await t.db
      .insertInto('whatsappMessages')
      .values({
        practiceId: this.practice.practiceId,
        conversationId: this.conversationId,
        channelId: this.channelId,
        direction: 'outbound',
        origin: 'system',
        content: JSON.stringify({ type: 'template', name: 'appointment_reminder', language: 'en' }),
        status,
        statusAt: at,
        occurredAt: at,
        ...(status === 'failed' ? { failureReason: 'not_on_whatsapp' } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** A recall (its status now) whose message went on `sentOn`, or waits for the daily cap. */
  async recall(
    patientIndex: number,
    kind: 'checkup' | 'hygiene',
    status: 'due' | 'booked' | 'done',
    sentOn: string | null,
    opts: { hygienist?: boolean } = {},
  ) {
    const { practiceId } = this.practice;
    const patientId = this.practice.patients[patientIndex]!.id;
    const recall = await t.db
      .insertInto('recalls')
      .values({
        practiceId,
        patientId,
        kind,
        dueDate: '2026-11-01',
        status,
        providerId: opts.hygienist ? this.practice.hygienist.id : this.practice.dentistId,
        appointmentTypeId: opts.hygienist ? this.practice.cleaning : this.practice.checkup,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto('recallMessages')
      .values({
        practiceId,
        recallId: recall.id,
        patientId,
        dueDate: '2026-11-01',
        ...(sentOn
          ? { state: 'sent', messageId: await this.message('delivered', mu(sentOn, '09:00')), sentOn }
          : { state: 'waiting', reason: 'daily_cap' }),
      })
      .execute();
  }

  /** An offer of a freed time to a waitlist entry, made at `at`. */
  async offer(at: Date, state: 'accepted' | 'lapsed' | 'gone' | 'declined', opts: { hygienist?: boolean } = {}) {
    await t.db
      .insertInto('waitlistOffers')
      .values({
        practiceId: this.practice.practiceId,
        id: randomUUID(),
        freedAppointmentId: randomUUID(),
        waitlistEntryId: randomUUID(),
        patientId: this.practice.patients[1]!.id,
        appointmentTypeId: opts.hygienist ? this.practice.cleaning : this.practice.checkup,
        providerId: opts.hygienist ? this.practice.hygienist.id : this.practice.dentistId,
        chairId: opts.hygienist ? this.practice.chair2 : this.practice.chair1,
        slotStart: new Date(at.getTime() + 86_400_000),
        slotEnd: new Date(at.getTime() + 86_400_000 + 30 * 60_000),
        state,
        expiresAt: new Date(at.getTime() + 20 * 60_000),
        messageId: await this.message('read', at),
        appointmentId: state === 'accepted' ? randomUUID() : null,
        stateAt: at,
        createdAt: at,
      })
      .execute();
  }
}

const counts = (c: Partial<DashboardCounts>): DashboardCounts => ({ ...EMPTY_DASHBOARD_COUNTS, ...c });
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestApp();
  p = await makeSchedulingPractice(t.ctx);
  other = await makeSchedulingPractice(t.ctx);
  owner = await loggedIn(t.app, p.owner);
  reception = await loggedIn(t.app, p.receptionist);
  dentist = await loggedIn(t.app, p.dentist);

  const h = new History(p, '100000000000313');
  await h.open();
  // Week A: four visits, five reminders.
  const a1 = mu('2026-11-03', '09:00');
  await h.reminder(
    await h.appointment(a1, 'completed', { steps: ['confirmed', 'arrived'] }),
    a1,
    new Date(a1.getTime() - DAY),
    'read',
  );
  const a2 = mu('2026-11-03', '10:00');
  await h.reminder(await h.appointment(a2, 'no_show'), a2, new Date(a2.getTime() - DAY), 'delivered');
  const a3 = mu('2026-11-04', '09:00');
  await h.reminder(await h.appointment(a3, 'cancelled'), a3, new Date(a3.getTime() - DAY), 'failed');
  const a4 = mu('2026-11-04', '10:00');
  const a4Id = await h.appointment(a4, 'completed', { steps: ['confirmed', 'arrived'], hygienist: true });
  await h.reminder(a4Id, a4, new Date(a4.getTime() - DAY), 'delivered');
  await h.reminder(a4Id, a4, new Date(a4.getTime() - 2 * 3_600_000), 'read', 120);
  // Week B. This reminder went at 00:30 on Monday the 9th in Mauritius: still Sunday the 8th in UTC.
  const a5 = mu('2026-11-09', '09:00');
  await h.reminder(await h.appointment(a5, 'completed', { steps: ['arrived'] }), a5, mu('2026-11-09', '00:30'), 'sent');
  const a6 = mu('2026-11-10', '09:00');
  const a6Id = await h.appointment(a6, 'no_show');
  await h.skippedReminder(a6Id, a6, new Date(a6.getTime() - DAY));
  // Reminded by email (not on WhatsApp): a reminded visit, not a WhatsApp reminder.
  await h.emailReminder(a6Id, a6, new Date(a6.getTime() - 2 * 3_600_000));
  // Never marked as arrived or missed: due, not a no-show.
  const a7 = mu('2026-11-11', '09:00');
  await h.reminder(await h.appointment(a7, 'booked'), a7, new Date(a7.getTime() - DAY), 'delivered');
  // 00:30 on Monday the 16th in Mauritius (week C), Sunday the 15th in UTC.
  await h.appointment(mu('2026-11-16', '00:30'), 'no_show');

  await h.recall(0, 'checkup', 'booked', '2026-11-03');
  await h.recall(1, 'checkup', 'due', '2026-11-04');
  await h.recall(2, 'hygiene', 'done', '2026-11-10', { hygienist: true });
  await h.recall(0, 'hygiene', 'due', null);

  await h.offer(mu('2026-11-03', '11:00'), 'accepted');
  await h.offer(mu('2026-11-03', '11:00'), 'lapsed');
  await h.offer(mu('2026-11-05', '15:00'), 'gone');
  await h.offer(mu('2026-11-12', '15:00'), 'declined', { hygienist: true });

  // Another practice's week A: none of it is ours.
  const o = new History(other, '100000000000323');
  await o.open();
  const b1 = mu('2026-11-03', '09:00');
  await o.reminder(await o.appointment(b1, 'no_show'), b1, new Date(b1.getTime() - DAY), 'read');
  await o.offer(mu('2026-11-03', '11:00'), 'accepted');
}, 120_000);
afterAll(() => t?.close());

async function dashboard(client: Client, practiceId: string, query: string): Promise<RemindersDashboard> {
  const res = await client.get(`/api/v1/practices/${practiceId}/reminders/dashboard?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

const WEEK_A_COUNTS = counts({
  remindersSent: 5,
  remindersDelivered: 4,
  remindersRead: 2,
  remindersFailed: 1,
  appointmentsReminded: 4,
  appointmentsConfirmed: 2,
  appointmentsDue: 3,
  noShows: 1,
  recallsSent: 2,
  recallsBooked: 1,
  waitlistOffers: 3,
  waitlistAccepted: 1,
});
const WEEK_B_COUNTS = counts({
  remindersSent: 2,
  remindersDelivered: 1,
  appointmentsReminded: 3,
  appointmentsDue: 3,
  noShows: 1,
  recallsSent: 1,
  recallsBooked: 1,
  waitlistOffers: 1,
});

describe('reminders dashboard', () => {
  it('counts each of the practice’s weeks, Monday to Sunday in its time zone', async () => {
    // Wednesday the 4th to Friday the 13th: widened to the two whole weeks.
    const d = await dashboard(owner, p.practiceId, 'from=2026-11-04&to=2026-11-13&granularity=week');
    expect(d).toMatchObject({ from: WEEK_A, to: '2026-11-15', granularity: 'week', timeZone: 'Indian/Mauritius' });
    expect(d.periods).toEqual([
      { start: WEEK_A, end: '2026-11-08', ...WEEK_A_COUNTS },
      { start: WEEK_B, end: '2026-11-15', ...WEEK_B_COUNTS },
    ]);
    expect(d.totals.remindersSent).toBe(7);
    expect(d.totals.noShows).toBe(2);
  });

  it('lists weeks with nothing in them too', async () => {
    const d = await dashboard(owner, p.practiceId, 'from=2026-10-19&to=2026-11-08');
    expect(d.periods.map((x) => x.start)).toEqual(['2026-10-19', '2026-10-26', WEEK_A]);
    expect(d.periods.slice(0, 2).map(({ start, end, ...c }) => c)).toEqual([counts({}), counts({})]);
    expect(d.periods[2]).toMatchObject(WEEK_A_COUNTS);
  });

  it('counts months, the visit at 00:30 on the 16th in November', async () => {
    const d = await dashboard(reception, p.practiceId, 'from=2026-11-02&to=2026-11-15&granularity=month');
    expect(d).toMatchObject({ from: '2026-11-01', to: '2026-11-30', granularity: 'month' });
    expect(d.periods).toEqual([
      {
        start: '2026-11-01',
        end: '2026-11-30',
        ...counts({
          remindersSent: 7,
          remindersDelivered: 5,
          remindersRead: 2,
          remindersFailed: 1,
          appointmentsReminded: 7,
          appointmentsConfirmed: 2,
          appointmentsDue: 7,
          noShows: 3,
          recallsSent: 3,
          recallsBooked: 2,
          waitlistOffers: 4,
          waitlistAccepted: 1,
        }),
      },
    ]);
  });

  it('filters by provider and by visit type', async () => {
    const hygienist = counts({
      remindersSent: 2,
      remindersDelivered: 2,
      remindersRead: 1,
      appointmentsReminded: 1,
      appointmentsConfirmed: 1,
      appointmentsDue: 1,
    });
    const weekB = counts({ recallsSent: 1, recallsBooked: 1, waitlistOffers: 1 });
    for (const filter of [`providerId=${p.hygienist.id}`, `appointmentTypeId=${p.cleaning}`]) {
      const d = await dashboard(owner, p.practiceId, `from=${WEEK_A}&to=2026-11-15&${filter}`);
      expect(
        d.periods.map(({ start, end, ...c }) => c),
        filter,
      ).toEqual([hygienist, weekB]);
    }
    const both = await dashboard(
      owner,
      p.practiceId,
      `from=${WEEK_A}&to=2026-11-15&providerId=${p.hygienist.id}&appointmentTypeId=${p.checkup}`,
    );
    expect(both.totals).toEqual(counts({}));
  });

  it('counts only the practice’s own', async () => {
    const d = await dashboard(await loggedIn(t.app, other.owner), other.practiceId, `from=${WEEK_A}&to=2026-11-08`);
    expect(d.totals).toEqual(
      counts({
        remindersSent: 1,
        remindersDelivered: 1,
        remindersRead: 1,
        appointmentsReminded: 1,
        appointmentsDue: 1,
        noShows: 1,
        waitlistOffers: 1,
        waitlistAccepted: 1,
      }),
    );
    // And without the practice bound to the transaction, the tables show nothing at all.
    const unbound = await inPractice(t.db, randomUUID(), (tx) =>
      tx.selectFrom('appointmentReminders').select('id').execute(),
    );
    expect(unbound).toEqual([]);
  });

  it('counts as due only the visits whose time has come', async () => {
    // Midnight starting Tuesday the 10th in Mauritius: of week B, only Monday's visit has begun.
    const d = await remindersDashboard(t.ctx, {
      actor: { userId: p.owner.id, role: 'owner', ip: null, requestId: null } satisfies Actor,
      practiceId: p.practiceId,
      query: { from: WEEK_B, to: '2026-11-15', granularity: 'week' },
      now: mu('2026-11-10', '00:00'),
    });
    expect(d.totals).toMatchObject({ appointmentsReminded: 3, appointmentsDue: 1, noShows: 0 });
  });

  it('is for owners and the front desk', async () => {
    const res = await dentist.get(`/api/v1/practices/${p.practiceId}/reminders/dashboard?from=${WEEK_A}&to=2026-11-08`);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden');
  });

  it('refuses a range backwards, too long, or a granularity it does not know', async () => {
    const url = `/api/v1/practices/${p.practiceId}/reminders/dashboard`;
    const backwards = await owner.get(`${url}?from=2026-11-08&to=2026-11-02`);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().code).toBe('invalid_period');
    const long = await owner.get(`${url}?from=2024-01-01&to=2026-11-02`);
    expect(long.statusCode).toBe(400);
    expect(long.json().code).toBe('invalid_period');
    const day = await owner.get(`${url}?from=2026-11-02&to=2026-11-08&granularity=day`);
    expect(day.statusCode).toBe(400);
    expect(day.json().code).toBe('validation_failed');
  });
});
