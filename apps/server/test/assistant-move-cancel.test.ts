import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/platform/access.js';
import { AppError } from '../src/platform/errors.js';
import { saveAssistantSettings } from '../src/modules/assistant/settings.service.js';
import { bookAppointment } from '../src/modules/scheduling/appointments.service.js';
import { createBlock } from '../src/modules/scheduling/unavailability.service.js';
import {
  type AssistantPractice,
  appointmentsOf,
  assistantPractice,
  buttonsIn,
  conversationOfPhone,
  listIn,
  offersBehind,
  overlapsIn,
  patientPhone,
  patientsOnNumber,
  textOf,
  withinLimits,
} from './assistant-fixtures.js';
import { type Client, type TestApp, loggedIn } from './harness.js';
import { mu, nextMonday } from './scheduling-fixtures.js';
import { createWhatsAppTestApp, startFakeGraph } from './whatsapp-fixtures.js';

/**
 * Moving and cancelling in the chat: only this number's appointments are listed, a move lands in
 * the calendar (the old time free again), a cancel keeps its reason, and inside the practice's
 * late-cancellation window the patient is handed to staff instead.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let practice: AssistantPractice;
let reception: Client;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  practice = await assistantPractice(t);
  reception = await loggedIn(t.app, practice.receptionist);
  days = await workdays(5);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

const DAY = 86_400_000;
/**
 * Working days (Monday to Friday, public holidays left out) from a Monday between 9 and 15 days
 * ahead: far outside the late-cancellation window.
 */
let days: string[] = [];
async function workdays(count: number): Promise<string[]> {
  const holidays = new Set(
    (
      await t.db.selectFrom('publicHolidays').select('date').where('practiceId', '=', practice.practiceId).execute()
    ).map((h) => String(h.date).slice(0, 10)),
  );
  const found: string[] = [];
  for (let at = new Date(`${nextMonday(new Date(Date.now() + 7 * DAY))}T12:00:00Z`); found.length < count; ) {
    const date = at.toISOString().slice(0, 10);
    if (at.getUTCDay() >= 1 && at.getUTCDay() <= 5 && !holidays.has(date)) found.push(date);
    at = new Date(at.getTime() + DAY);
  }
  return found;
}
const weekday = (date: string, locale: 'en-GB' | 'fr-FR') =>
  new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(new Date(`${date}T12:00:00Z`));

/** Reception books a check-up for the patient (on the phone). */
async function bookedFor(patientId: string, start: Date, providerId = practice.dentistId) {
  return bookAppointment(t.ctx, {
    actor: systemActor('reception'),
    practiceId: practice.practiceId,
    booking: {
      appointmentTypeId: practice.checkup,
      providerId,
      chairId: providerId === practice.dentistId ? practice.chair1 : practice.chair2,
      start,
      source: 'phone',
      patientId,
    },
  });
}

/** Reception books the first free working hour at least three hours from now (always within 48 hours). */
async function bookedSoon(patientId: string, providerId: string) {
  for (let h = 3; h < 48; h++) {
    const start = new Date(Math.ceil((Date.now() + h * 3600_000) / 3600_000) * 3600_000);
    const booked = await bookedFor(patientId, start, providerId).catch((err) => {
      if (err instanceof AppError && err.status < 500) return undefined;
      throw err;
    });
    if (booked) return booked;
  }
  throw new Error('no free hour in the next 48 hours');
}

/** The calendar as reception sees it, through the API. */
async function calendar(from: Date, to: Date) {
  const res = await reception.get(
    `/api/v1/practices/${practice.practiceId}/appointments?from=${from.toISOString()}&to=${to.toISOString()}`,
  );
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items as { id: string; start: string; providerId: string; status: string; patientId: string }[];
}

async function freeSlots(from: Date, to: Date, providerId: string) {
  const query = `appointmentTypeId=${practice.checkup}&providerId=${providerId}&from=${from.toISOString()}&to=${to.toISOString()}`;
  const res = await reception.get(`/api/v1/practices/${practice.practiceId}/availability?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().slots as { start: string }[]).map((s) => new Date(s.start).getTime());
}

describe('moving an appointment', () => {
  it('"I need to move my appointment": only this number’s appointments → pick one → a new time → moved; the calendar shows it and the old time is free', async () => {
    const phone = patientPhone(t, graph, practice);
    const [mum, son] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Shirin', familyName: 'Dookhun' },
      { givenName: 'Adam', familyName: 'Dookhun' },
    ]);
    const stranger = patientPhone(t, graph, practice);
    const [other] = await patientsOnNumber(t, practice.practiceId, stranger.e164, [
      { givenName: 'Olivier', familyName: 'Noël' },
    ]);
    await bookedFor(mum!, mu(days[0]!, '09:00'));
    const sons = await bookedFor(son!, mu(days[1]!, '10:00'));
    await bookedFor(other!, mu(days[1]!, '11:00'));

    const which = listIn(withinLimits(await phone.says('I need to move my appointment')));
    expect(which.text).toMatch(/Which appointment would you like to move/);
    expect(which.rows.map((r) => r.id).sort()).toEqual(
      [`appt:${sons.id}`, `appt:${(await appointmentsOf(t, practice.practiceId, mum!))[0]!.id}`].sort(),
    );
    expect(which.rows.map((r) => r.description)).toEqual(['Shirin · Check-up', 'Adam · Check-up']);
    expect(JSON.stringify(which)).not.toMatch(/Olivier|Noël|11:00/);

    const when = listIn(withinLimits(await phone.taps(which.rows[1]!, 'list')));
    expect(when.text).toMatch(
      new RegExp(`Your appointment: ${weekday(days[1]!, 'en-GB')} .* at 10:00 with Dr Owner, for Adam`),
    );
    expect(when.text).toMatch(/move it to/);
    const times = listIn(withinLimits(await phone.taps(when.rows.find((r) => r.id === 'week:next')!, 'list')));
    const rows = times.rows.filter((r) => r.id.startsWith('h:'));
    const [target] = await offersBehind(t, practice.practiceId, [rows[1]!]);

    const moved = textOf(withinLimits(await phone.taps(rows[1]!, 'list')));
    expect(moved).toMatch(/Done\. Your new appointment: .* for Adam/);
    expect(moved).toContain(rows[1]!.description!);
    expect(moved).toContain('12 Royal Road');

    const after = await appointmentsOf(t, practice.practiceId, son!);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id: sons.id, status: 'booked' });
    expect(after[0]!.startsAt.getTime()).toBe(target!.startsAt.getTime());
    const shown = await calendar(target!.startsAt, new Date(target!.startsAt.getTime() + 30 * 60_000));
    expect(shown.find((a) => a.id === sons.id)).toMatchObject({ providerId: target!.providerId });
    const oldStart = mu(days[1]!, '10:00');
    expect((await calendar(oldStart, new Date(oldStart.getTime() + 30 * 60_000))).map((a) => a.id)).not.toContain(
      sons.id,
    );
    expect(await freeSlots(oldStart, new Date(oldStart.getTime() + 40 * 60_000), practice.dentistId)).toContain(
      oldStart.getTime(),
    );
  });

  it('30 minutes later, over part of its own time: that time is offered (with the same dentist and chair) and booked', async () => {
    // A practice of its own, where Dr Second is away that day: only the owner does check-ups, so
    // 09:30 can be offered only if the appointment being moved (09:00–09:40 with its buffer) does not count.
    const own = await assistantPractice(t);
    const date = days[2]!;
    const phone = patientPhone(t, graph, own);
    const [nina] = await patientsOnNumber(t, own.practiceId, phone.e164, [
      { givenName: 'Nina', familyName: 'Appadoo' },
    ]);
    const booked = await bookAppointment(t.ctx, {
      actor: systemActor('reception'),
      practiceId: own.practiceId,
      booking: {
        appointmentTypeId: own.checkup,
        providerId: own.dentistId,
        chairId: own.chair1,
        start: mu(date, '09:00'),
        source: 'phone',
        patientId: nina!,
      },
    });
    await createBlock(t.ctx, {
      actor: systemActor('reception'),
      practiceId: own.practiceId,
      block: {
        providerId: own.dentist.id,
        chairId: null,
        start: mu(date, '00:00').toISOString(),
        end: mu(date, '23:59').toISOString(),
        kind: 'leave',
        note: '',
      },
    });
    const month = new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' }).format(
      new Date(`${date}T12:00:00Z`),
    );
    const times = listIn(
      await phone.says(`Hi, I need to move my appointment to ${month} ${Number(date.slice(8))} at 9:30am please`),
    );
    const rows = times.rows.filter((r) => r.id.startsWith('h:'));
    const offers = await offersBehind(t, own.practiceId, rows);
    const half = offers.find((o) => o.startsAt.getTime() === mu(date, '09:30').getTime());
    expect(half, JSON.stringify(offers.map((o) => o.startsAt))).toMatchObject({
      providerId: own.dentistId,
      chairId: own.chair1,
    });

    const moved = textOf(await phone.taps(rows.find((r) => r.id === `h:${half!.handle}`)!, 'list'));
    expect(moved).toMatch(/Done\. Your new appointment: .* at 09:30 with Dr Owner, for Nina/);
    const [after] = await appointmentsOf(t, own.practiceId, nina!);
    expect(after).toMatchObject({ id: booked.id, status: 'booked', providerId: own.dentistId });
    expect(after!.startsAt.getTime()).toBe(mu(date, '09:30').getTime());
    expect(await overlapsIn(t, own.practiceId)).toEqual([]);
  });

  it('French, one appointment and a day in the same message: straight to that day’s times, then moved', async () => {
    const phone = patientPhone(t, graph, practice);
    const [lucie] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Lucie', familyName: 'Rivet', preferredLanguage: 'fr' },
    ]);
    const booked = await bookedFor(lucie!, mu(days[0]!, '14:00'));
    const times = listIn(withinLimits(await phone.says('Bonjour, je dois déplacer mon rendez-vous à jeudi prochain')));
    const rows = times.rows.filter((r) => r.id.startsWith('h:'));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.title).toMatch(/^jeu\. /);
    const moved = textOf(withinLimits(await phone.taps(rows[0]!, 'list')));
    expect(moved).toMatch(/C'est fait\. Votre nouveau rendez-vous : jeudi/);
    const [after] = await appointmentsOf(t, practice.practiceId, lucie!);
    expect(after).toMatchObject({ id: booked.id, status: 'booked' });
    expect(after!.startsAt.getTime()).not.toBe(mu(days[0]!, '14:00').getTime());
  });
});

describe('cancelling an appointment', () => {
  it('"Cancel" → said back with Yes / No → cancelled with its reason; a second Yes does nothing more', async () => {
    const phone = patientPhone(t, graph, practice);
    const [raj] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Raj', familyName: 'Gopaul' },
    ]);
    const booked = await bookedFor(raj!, mu(days[2]!, '15:00'), practice.dentist.id);
    const question = buttonsIn(withinLimits(await phone.says('Cancel')));
    expect(question.text).toMatch(
      new RegExp(`Cancel this appointment: ${weekday(days[2]!, 'en-GB')} .* at 15:00 with Dr Second, for Raj\\?`),
    );
    expect(question.buttons.map((b) => b.id)).toEqual(['cancel_yes', 'cancel_no']);
    const done = withinLimits(await phone.taps(question.buttons[0]!));
    expect(textOf(done)).toContain(`Cancelled: ${weekday(days[2]!, 'en-GB')}`);
    const [after] = await appointmentsOf(t, practice.practiceId, raj!);
    expect(after).toMatchObject({
      id: booked.id,
      status: 'cancelled',
      cancellationReason: 'Cancelled by the patient on WhatsApp',
    });
    const again = textOf(withinLimits(await phone.taps(question.buttons[0]!)));
    expect(again).toMatch(/already cancelled/);
    expect((await appointmentsOf(t, practice.practiceId, raj!)).map((a) => a.status)).toEqual(['cancelled']);
  });

  it('French, two appointments: the list, a pick, a typed "oui" → cancelled; "non" on the other keeps it', async () => {
    const phone = patientPhone(t, graph, practice);
    const [ana] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Ana', familyName: 'Pillay', preferredLanguage: 'fr' },
    ]);
    const first = await bookedFor(ana!, mu(days[3]!, '08:00'), practice.dentist.id);
    const second = await bookedFor(ana!, mu(days[4]!, '16:00'), practice.dentist.id);
    const which = listIn(withinLimits(await phone.says('Je voudrais annuler mon rendez-vous')));
    expect(which.text).toMatch(/Quel rendez-vous souhaitez-vous annuler/);
    const confirm = buttonsIn(withinLimits(await phone.taps(which.rows[0]!, 'list')));
    expect(confirm.text).toMatch(
      new RegExp(`Annuler ce rendez-vous : ${weekday(days[3]!, 'fr-FR')} .* à 8 h avec le Dr Second, pour Ana \\?`),
    );
    expect(textOf(withinLimits(await phone.says('oui')))).toMatch(/Rendez-vous annulé/);
    buttonsIn(withinLimits(await phone.says('annuler un rendez-vous')));
    expect(textOf(withinLimits(await phone.says('non')))).toMatch(/maintenu/);
    const statuses = new Map((await appointmentsOf(t, practice.practiceId, ana!)).map((a) => [a.id, a.status]));
    expect(statuses.get(first.id)).toBe('cancelled');
    expect(statuses.get(second.id)).toBe('booked');
  });

  it('inside the late-cancellation window: cancelling or moving is handed to staff (late_cancellation), nothing changed', async () => {
    await saveAssistantSettings(t.ctx, {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      patch: { lateCancellationHours: 48 },
    });
    try {
      const phone = patientPhone(t, graph, practice);
      const [yan] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
        { givenName: 'Yan', familyName: 'Chung' },
      ]);
      const booked = await bookedSoon(yan!, practice.dentist.id);
      const handed = textOf(withinLimits(await phone.says('I want to cancel my appointment')));
      expect(handed).toMatch(/less than 48 hours away/);
      expect(await appointmentsOf(t, practice.practiceId, yan!)).toMatchObject([{ id: booked!.id, status: 'booked' }]);
      expect(await conversationOfPhone(t, phone)).toMatchObject({
        owner: 'staff',
        needsHuman: true,
        handoverReason: 'late_cancellation',
      });

      // Moving it that late goes to staff too.
      const mover = patientPhone(t, graph, practice);
      const [zoya] = await patientsOnNumber(t, practice.practiceId, mover.e164, [
        { givenName: 'Zoya', familyName: 'Chung' },
      ]);
      const soon = await bookedSoon(zoya!, practice.dentistId);
      expect(textOf(await mover.says('I need to move my appointment'))).toMatch(/can't move it here/);
      expect(await appointmentsOf(t, practice.practiceId, zoya!)).toMatchObject([{ id: soon.id, status: 'booked' }]);
      expect((await conversationOfPhone(t, mover)).handoverReason).toBe('late_cancellation');
    } finally {
      await saveAssistantSettings(t.ctx, {
        actor: systemActor('test'),
        practiceId: practice.practiceId,
        patch: { lateCancellationHours: 24 },
      });
    }
  });
});
