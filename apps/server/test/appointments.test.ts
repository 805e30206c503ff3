import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bookAppointment, confirmHold, holdSlot } from '../src/modules/scheduling/appointments.service.js';
import { findAvailability } from '../src/modules/scheduling/availability.service.js';
import { listRecalls, listWaitlist } from '../src/modules/scheduling/waitlist.service.js';
import { systemActor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type Client, createTestApp, loggedIn, makePractice, type TestApp } from './harness.js';
import { makeSchedulingPractice, mu, nextMonday } from './scheduling-fixtures.js';

let t: TestApp;
let p: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let reception: Client;
let owner: Client;
const monday = nextMonday();
let base: string;

beforeAll(async () => {
  t = await createTestApp();
  p = await makeSchedulingPractice(t.ctx);
  reception = await loggedIn(t.app, p.receptionist);
  owner = await loggedIn(t.app, p.owner);
  base = `/api/v1/practices/${p.practiceId}`;
});
afterAll(() => t.close());

let slotCounter = 0;
const SLOT_TIMES = ['08:00', '09:00', '10:00', '14:00', '15:00', '16:00'];
/** A fresh slot for each use, inside working hours, so tests never collide: Mon 08:00, Mon 09:00 … Sat 16:00, next Mon … */
function freshSlot() {
  const n = slotCounter++;
  const dayIndex = Math.floor(n / SLOT_TIMES.length);
  const day = new Date(`${monday}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + Math.floor(dayIndex / 6) * 7 + (dayIndex % 6));
  const date = day.toISOString().slice(0, 10);
  return { date, start: mu(date, SLOT_TIMES[n % SLOT_TIMES.length]!) };
}

/** The local date `days` after `monday`: days from +35 on are left to the tests that name them. */
function dayAhead(days: number): string {
  const day = new Date(`${monday}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/** dayAhead(days), made a working day whatever the year's public holidays (a test relies on it being open). */
async function workingDay(days: number, practiceId = p.practiceId): Promise<string> {
  const date = dayAhead(days);
  await inPractice(t.db, practiceId, (tx) => tx.deleteFrom('publicHolidays').where('date', '=', date).execute());
  return date;
}

const book = (client: Client, over: Record<string, unknown> = {}, start = freshSlot().start) =>
  client.post(`${base}/appointments`, {
    patientId: p.patients[0]!.id,
    appointmentTypeId: p.checkup,
    providerId: p.dentistId,
    chairId: p.chair1,
    start: start.toISOString(),
    ...over,
  });

describe('booking', () => {
  it('books a free slot and shows it in the calendar and the patient history', async () => {
    const { start } = freshSlot();
    const res = await book(reception, {}, start);
    expect(res.statusCode).toBe(201);
    const appt = res.json();
    expect(appt).toMatchObject({
      status: 'booked',
      source: 'staff',
      patientName: 'Ravi Ramgoolam',
      start: start.toISOString(),
      end: new Date(start.getTime() + 30 * 60_000).toISOString(),
    });
    const day = (
      await reception.get(
        `${base}/appointments?from=${mu(monday, '00:00').toISOString()}&to=${mu(monday, '23:59').toISOString()}`,
      )
    ).json();
    expect(day.items.map((a: { id: string }) => a.id)).toContain(appt.id);
    const history = (await reception.get(`${base}/patients/${p.patients[0]!.id}/appointments`)).json();
    expect(history.items.map((a: { id: string }) => a.id)).toContain(appt.id);
    const detail = (await reception.get(`${base}/appointments/${appt.id}`)).json();
    expect(detail.history).toEqual([expect.objectContaining({ fromStatus: null, toStatus: 'booked' })]);
  });

  it('refuses the same chair at an overlapping time with 409 slot_taken naming the appointment', async () => {
    const { start } = freshSlot();
    const first = (await book(reception, {}, start)).json();
    const clash = await book(
      reception,
      {
        patientId: p.patients[1]!.id,
        providerId: p.dentist.id,
        start: new Date(start.getTime() + 15 * 60_000).toISOString(),
      },
      start,
    );
    expect(clash.statusCode).toBe(409);
    expect(clash.json()).toMatchObject({ code: 'slot_taken', conflictOn: 'chair', conflictingAppointmentId: first.id });
    // Starting before it and running into it names it too.
    const earlier = await book(
      reception,
      { patientId: p.patients[1]!.id, providerId: p.dentist.id },
      new Date(start.getTime() - 15 * 60_000),
    );
    expect(earlier.json()).toMatchObject({ code: 'slot_taken', conflictingAppointmentId: first.id });
  });

  it('refuses the same provider on another chair, and honours the buffer after', async () => {
    const { start } = freshSlot();
    const first = (await book(reception, {}, start)).json();
    const sameProvider = await book(reception, { chairId: p.chair2, patientId: p.patients[1]!.id }, start);
    expect(sameProvider.json()).toMatchObject({
      code: 'slot_taken',
      conflictOn: 'provider',
      conflictingAppointmentId: first.id,
    });
    // 30 minutes + 10 minutes' buffer: 08:30 is taken, 08:40 is free.
    const inBuffer = await book(reception, { chairId: p.chair2 }, new Date(start.getTime() + 30 * 60_000));
    expect(inBuffer.json().code).toBe('slot_taken');
    const afterBuffer = await book(reception, { chairId: p.chair2 }, new Date(start.getTime() + 40 * 60_000));
    expect(afterBuffer.statusCode).toBe(201);
  });

  it('lets exactly one of many simultaneous bookings of one slot through', async () => {
    const { start } = freshSlot();
    // Two providers for one chair: each booking meets the others on both constraints. None may
    // fail any other way (two inserts waiting on each other would be a deadlock: a 500).
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        book(reception, { patientId: p.patients[i % 3]!.id, providerId: i % 2 ? p.dentist.id : p.dentistId }, start),
      ),
    );
    const codes = results.map((r) => (r.statusCode === 201 ? 'booked' : r.json().code));
    expect(codes.filter((c) => c === 'booked')).toHaveLength(1);
    expect(codes.filter((c) => c === 'slot_taken')).toHaveLength(29);
  });

  it('lets an owner overbook a provider on purpose, audited, but never a chair', async () => {
    const { start } = freshSlot();
    await book(reception, {}, start);
    const byReception = await book(
      reception,
      { chairId: p.chair2, overbookReason: 'Emergency, patient in pain' },
      start,
    );
    expect(byReception.statusCode).toBe(403);
    const byOwner = await book(owner, { chairId: p.chair2, overbookReason: 'Emergency, patient in pain' }, start);
    expect(byOwner.statusCode).toBe(201);
    expect(byOwner.json().overbookReason).toBe('Emergency, patient in pain');
    const sameChair = await book(owner, { overbookReason: 'Trying the chair too' }, start);
    expect(sameChair.json()).toMatchObject({ code: 'slot_taken', conflictOn: 'chair' });
    const audit = (await owner.get(`${base}/audit-events?action=appointment.overbooked`)).json();
    expect(audit.items[0]).toMatchObject({ targetId: byOwner.json().id });
  });

  it('books a slot offered across two touching intervals (08:00–10:00 and 10:00–17:00)', async () => {
    const split = await makeSchedulingPractice(t.ctx);
    const splitOwner = await loggedIn(t.app, split.owner);
    const url = (rest: string) => `/api/v1/practices/${split.practiceId}${rest}`;
    const twoIntervals = [1, 2, 3, 4, 5, 6].flatMap((weekday) => [
      { weekday, start: '08:00', end: '10:00' },
      { weekday, start: '10:00', end: '17:00' },
    ]);
    expect((await splitOwner.request('PUT', url('/opening-hours'), { hours: twoIntervals })).statusCode).toBe(200);
    expect(
      (await splitOwner.request('PUT', url(`/providers/${split.dentistId}/hours`), { hours: twoIntervals })).statusCode,
    ).toBe(200);
    const date = await workingDay(35, split.practiceId);
    const slots = (
      await splitOwner.get(
        url(
          `/availability?appointmentTypeId=${split.checkup}&providerId=${split.dentistId}&from=${mu(date, '00:00').toISOString()}&to=${mu(date, '23:59').toISOString()}`,
        ),
      )
    ).json().slots as { start: string; chairId: string }[];
    const across = slots.find((s) => s.start === mu(date, '09:45').toISOString());
    expect(across).toBeDefined();
    const res = await splitOwner.post(url('/appointments'), {
      patientId: split.patients[0]!.id,
      appointmentTypeId: split.checkup,
      providerId: split.dentistId,
      chairId: across!.chairId,
      start: across!.start,
    });
    expect([res.statusCode, res.json().code]).toEqual([201, undefined]);
    expect(res.json()).toMatchObject({ start: mu(date, '09:45').toISOString(), end: mu(date, '10:15').toISOString() });
  });

  it('frees a cancelled slot at once', async () => {
    const { start } = freshSlot();
    const appt = (await book(reception, {}, start)).json();
    expect((await reception.post(`${base}/appointments/${appt.id}/cancel`, {})).statusCode).toBe(400);
    const cancelled = await reception.post(`${base}/appointments/${appt.id}/cancel`, {
      reason: 'Patient is travelling',
    });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', cancellationReason: 'Patient is travelling' });
    expect((await book(reception, { patientId: p.patients[1]!.id }, start)).statusCode).toBe(201);
  });
});

describe('announcements', () => {
  /** What the calendar announced about one appointment, in order (jobs not run: none is started here). */
  const announced = async (appointmentId: string) =>
    (
      await t.db
        .selectFrom('jobs')
        .select(['name', 'payload'])
        .where('name', 'like', 'event:scheduling.%')
        .where(sql<boolean>`payload->>'appointmentId' = ${appointmentId}`)
        .orderBy('id')
        .execute()
    ).map((j) => ({ event: j.name.slice('event:scheduling.'.length), ...(j.payload as object) }));

  it('announces a booking, a move, each status step and a cancellation with the times before and after', async () => {
    const first = freshSlot().start;
    const appt = (await book(reception, {}, first)).json();
    const later = freshSlot().start;
    expect(
      (await reception.post(`${base}/appointments/${appt.id}/move`, { start: later.toISOString(), chairId: p.chair2 }))
        .statusCode,
    ).toBe(200);
    expect((await reception.post(`${base}/appointments/${appt.id}/status`, { status: 'confirmed' })).statusCode).toBe(
      200,
    );
    expect((await reception.post(`${base}/appointments/${appt.id}/cancel`, { reason: 'Travelling' })).statusCode).toBe(
      200,
    );
    const end = (start: Date) => new Date(start.getTime() + 30 * 60_000).toISOString();
    const about = { practiceId: p.practiceId, appointmentId: appt.id, patientId: p.patients[0]!.id };
    const place = (start: Date, chairId: string) => ({
      start: start.toISOString(),
      end: end(start),
      providerId: p.dentistId,
      chairId,
    });
    expect(await announced(appt.id)).toEqual([
      { event: 'appointment_booked', ...about, source: 'staff', after: place(first, p.chair1) },
      {
        event: 'appointment_moved',
        ...about,
        before: place(first, p.chair1),
        after: place(later, p.chair2),
        source: 'staff',
      },
      {
        event: 'appointment_status_changed',
        ...about,
        from: 'booked',
        to: 'confirmed',
        at: { start: later.toISOString(), end: end(later) },
      },
      {
        event: 'appointment_cancelled',
        ...about,
        from: 'confirmed',
        before: { start: later.toISOString(), end: end(later) },
        source: 'staff',
      },
    ]);
  });

  it('announces a refused change not at all', async () => {
    const appt = (await book(reception)).json();
    const taken = (await book(reception, { patientId: p.patients[1]!.id })).json();
    const clash = await reception.post(`${base}/appointments/${appt.id}/move`, { start: taken.start });
    expect(clash.statusCode).toBe(409);
    expect((await announced(appt.id)).map((e) => e.event)).toEqual(['appointment_booked']);
  });
});

describe('bad input', () => {
  const cases: [string, () => Record<string, unknown>, number, string][] = [
    [
      'an end before the start',
      () => ({ start: mu(monday, '10:00').toISOString(), end: mu(monday, '09:30').toISOString() }),
      400,
      'invalid_period',
    ],
    [
      'a zero-length visit (end at the start)',
      () => ({ start: mu(monday, '10:00').toISOString(), end: mu(monday, '10:00').toISOString() }),
      400,
      'invalid_period',
    ],
    [
      'a slot outside opening hours',
      () => ({ start: mu(monday, '17:30').toISOString() }),
      422,
      'outside_opening_hours',
    ],
    [
      'a time the provider does not work (lunch)',
      () => ({ start: mu(monday, '12:15').toISOString() }),
      422,
      'outside_provider_hours',
    ],
    [
      'a provider not allowed to perform the type',
      () => ({ providerId: p.hygienist.id, start: mu(monday, '09:00').toISOString() }),
      422,
      'provider_not_allowed',
    ],
    ['a time in the past', () => ({ start: new Date(Date.now() - 86_400_000).toISOString() }), 422, 'in_the_past'],
    [
      'an unknown patient',
      () => ({ patientId: '00000000-0000-4000-8000-000000000000', start: mu(monday, '09:00').toISOString() }),
      404,
      'patient_not_found',
    ],
    [
      'an unknown chair',
      () => ({ chairId: '00000000-0000-4000-8000-000000000000', start: mu(monday, '09:00').toISOString() }),
      404,
      'chair_not_found',
    ],
    [
      'a Sunday (closed)',
      () => ({
        start: mu(
          new Date(new Date(`${monday}T00:00:00Z`).getTime() - 86_400_000).toISOString().slice(0, 10),
          '09:00',
        ).toISOString(),
      }),
      422,
      'outside_opening_hours',
    ],
    ['a malformed start', () => ({ start: 'next tuesday' }), 400, 'validation_failed'],
  ];
  for (const [name, body, status, code] of cases) {
    it(`answers ${status} ${code} to ${name}, writing nothing`, async () => {
      const before = await countAppointments();
      const res = await book(reception, body());
      expect([res.statusCode, res.json().code]).toEqual([status, code]);
      expect(await countAppointments()).toBe(before);
    });
  }

  it('refuses a public holiday', async () => {
    const date = new Date(`${monday}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() + 14);
    const holiday = date.toISOString().slice(0, 10);
    await inPractice(t.db, p.practiceId, (tx) =>
      tx
        .insertInto('publicHolidays')
        .values({ practiceId: p.practiceId, date: holiday, nameEn: 'Test Day', nameFr: 'Jour de test' })
        .execute(),
    );
    const res = await book(reception, { start: mu(holiday, '09:00').toISOString() });
    expect(res.json()).toMatchObject({ code: 'practice_closed' });
    expect(res.json().detail).toContain('Test Day');
  });

  it('refuses a patient of another practice as if unknown', async () => {
    const other = await makeSchedulingPractice(t.ctx);
    const res = await book(reception, { patientId: other.patients[0]!.id });
    expect(res.json().code).toBe('patient_not_found');
  });

  async function countAppointments() {
    return inPractice(t.db, p.practiceId, async (tx) =>
      Number((await tx.selectFrom('appointments').select(tx.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    );
  }
});

describe('moving', () => {
  it('moves to a free time and chair, audited', async () => {
    const appt = (await book(reception)).json();
    const target = freshSlot().start;
    const moved = await reception.post(`${base}/appointments/${appt.id}/move`, {
      start: target.toISOString(),
      chairId: p.chair2,
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({
      start: target.toISOString(),
      chairId: p.chair2,
      end: new Date(target.getTime() + 30 * 60_000).toISOString(),
    });
    const audit = (await owner.get(`${base}/audit-events?action=appointment.moved`)).json();
    expect(audit.items[0]).toMatchObject({ targetId: appt.id, changes: { to: { chairId: p.chair2 } } });
  });

  it('refuses a move into another appointment and leaves it where it was', async () => {
    const a = (await book(reception)).json();
    const b = (await book(reception, { patientId: p.patients[1]!.id })).json();
    const res = await reception.post(`${base}/appointments/${a.id}/move`, { start: b.start });
    expect(res.json()).toMatchObject({ code: 'slot_taken', conflictingAppointmentId: b.id });
    expect((await reception.get(`${base}/appointments/${a.id}`)).json().appointment.start).toBe(a.start);
  });

  it("lets an owner move an appointment over the provider's other one on purpose, audited as an overbooking", async () => {
    const date = await workingDay(36);
    const first = (await book(reception, {}, mu(date, '09:00'))).json();
    const second = (
      await book(reception, { chairId: p.chair2, patientId: p.patients[1]!.id }, mu(date, '14:00'))
    ).json();
    const onto = { start: mu(date, '09:00').toISOString(), chairId: p.chair2 };
    const byReception = await reception.post(`${base}/appointments/${second.id}/move`, {
      ...onto,
      overbookReason: 'Patient in pain',
    });
    expect([byReception.statusCode, byReception.json().code]).toEqual([403, 'forbidden']);
    const withoutReason = await owner.post(`${base}/appointments/${second.id}/move`, onto);
    expect(withoutReason.json()).toMatchObject({
      code: 'slot_taken',
      conflictOn: 'provider',
      conflictingAppointmentId: first.id,
    });
    const moved = await owner.post(`${base}/appointments/${second.id}/move`, {
      ...onto,
      overbookReason: 'Patient in pain',
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({
      start: onto.start,
      chairId: p.chair2,
      providerId: p.dentistId,
      overbookReason: 'Patient in pain',
    });
    const audit = (await owner.get(`${base}/audit-events?action=appointment.overbooked&targetId=${second.id}`)).json()
      .items;
    expect(audit).toHaveLength(1);
    expect(audit[0].changes).toMatchObject({
      moved: true,
      from: { start: second.start, chairId: p.chair2 },
      to: { start: onto.start, chairId: p.chair2, providerId: p.dentistId },
    });
    expect(JSON.stringify(audit[0].changes)).not.toContain('Patient in pain');
    // Never onto the chair of the other one, reason or not.
    const sameChair = await owner.post(`${base}/appointments/${second.id}/move`, {
      start: onto.start,
      chairId: p.chair1,
      overbookReason: 'Patient in pain',
    });
    expect(sameChair.json()).toMatchObject({
      code: 'slot_taken',
      conflictOn: 'chair',
      conflictingAppointmentId: first.id,
    });
  });

  it("refuses a move onto another practice's chair or provider as unknown, leaving it where it was", async () => {
    const other = await makeSchedulingPractice(t.ctx);
    const appt = (await book(reception)).json();
    const target = freshSlot().start.toISOString();
    const chair = await reception.post(`${base}/appointments/${appt.id}/move`, {
      start: target,
      chairId: other.chair1,
    });
    expect([chair.statusCode, chair.json().code]).toEqual([404, 'chair_not_found']);
    const provider = await reception.post(`${base}/appointments/${appt.id}/move`, {
      start: target,
      providerId: other.dentistId,
    });
    expect([provider.statusCode, provider.json().code]).toEqual([404, 'provider_not_found']);
    expect((await reception.get(`${base}/appointments/${appt.id}`)).json().appointment).toMatchObject({
      start: appt.start,
      chairId: p.chair1,
      providerId: p.dentistId,
    });
  });

  it('cannot move an appointment of another practice (404)', async () => {
    const other = await makePractice(t.ctx);
    const appt = (await book(reception)).json();
    const stranger = await loggedIn(t.app, other.owner);
    const res = await stranger.post(`/api/v1/practices/${other.practiceId}/appointments/${appt.id}/move`, {
      start: freshSlot().start.toISOString(),
    });
    expect(res.statusCode).toBe(404);
  });
});

describe('status', () => {
  it('walks the day of a visit and refuses impossible steps', async () => {
    const appt = (await book(reception)).json();
    for (const status of ['confirmed', 'arrived', 'in_chair', 'completed']) {
      const res = await reception.post(`${base}/appointments/${appt.id}/status`, { status });
      expect([status, res.statusCode]).toEqual([status, 200]);
    }
    const back = await reception.post(`${base}/appointments/${appt.id}/status`, { status: 'no_show' });
    expect(back.json().code).toBe('invalid_status_transition');
    const detail = (await reception.get(`${base}/appointments/${appt.id}`)).json();
    expect(detail.history.map((h: { toStatus: string }) => h.toStatus)).toEqual([
      'booked',
      'confirmed',
      'arrived',
      'in_chair',
      'completed',
    ]);
  });

  it('lets a dentist update their own appointments only', async () => {
    const mine = (await book(reception, { providerId: p.dentist.id })).json();
    const notMine = (await book(reception)).json();
    const dentist = await loggedIn(t.app, p.dentist);
    expect((await dentist.post(`${base}/appointments/${mine.id}/status`, { status: 'arrived' })).statusCode).toBe(200);
    const res = await dentist.post(`${base}/appointments/${notMine.id}/status`, { status: 'arrived' });
    expect([res.statusCode, res.json().code]).toEqual([403, 'forbidden']);
    expect((await dentist.post(`${base}/appointments/${mine.id}/cancel`, { reason: 'x' })).statusCode).toBe(403);
  });

  it('lets a dentist and a hygienist book a follow-up (calendar:book), but neither move nor cancel it', async () => {
    const dentist = await loggedIn(t.app, p.dentist);
    const hygienist = await loggedIn(t.app, p.hygienist);
    const fromDentist = await book(dentist, { providerId: p.dentist.id, chairId: p.chair2 });
    expect(fromDentist.statusCode).toBe(201);
    const followUp = fromDentist.json();
    expect(followUp).toMatchObject({ status: 'booked', providerId: p.dentist.id, patientName: 'Ravi Ramgoolam' });
    // With another provider too (the follow-up need not be with the one who books it).
    const fromHygienist = await book(hygienist, { appointmentTypeId: p.cleaning, providerId: p.hygienist.id });
    expect(fromHygienist.statusCode).toBe(201);
    const moved = await dentist.post(`${base}/appointments/${followUp.id}/move`, {
      start: freshSlot().start.toISOString(),
    });
    expect([moved.statusCode, moved.json().code]).toEqual([403, 'forbidden']);
    expect((await dentist.post(`${base}/appointments/${followUp.id}/cancel`, { reason: 'x' })).statusCode).toBe(403);
    // Overbooking stays the owner's.
    const overbook = await book(dentist, { providerId: p.dentist.id, overbookReason: 'squeeze in' });
    expect([overbook.statusCode, overbook.json().code]).toEqual([403, 'forbidden']);
    const listed = (await reception.get(`${base}/appointments/${followUp.id}`)).json();
    expect(listed.appointment.status).toBe('booked');
  });

  it("refuses a hygienist the status of someone else's appointment, and lets them update their own", async () => {
    const theirs = (await book(reception, { appointmentTypeId: p.cleaning, providerId: p.hygienist.id })).json();
    const notTheirs = (await book(reception)).json();
    const hygienist = await loggedIn(t.app, p.hygienist);
    const refused = await hygienist.post(`${base}/appointments/${notTheirs.id}/status`, { status: 'arrived' });
    expect([refused.statusCode, refused.json().code]).toEqual([403, 'forbidden']);
    expect((await reception.get(`${base}/appointments/${notTheirs.id}`)).json().appointment.status).toBe('booked');
    const own = await hygienist.post(`${base}/appointments/${theirs.id}/status`, { status: 'arrived' });
    expect([own.statusCode, own.json().status]).toEqual([200, 'arrived']);
  });
});

describe('listing', () => {
  it('lists one provider or one chair, or both, in start order', async () => {
    const date = await workingDay(37);
    const a = (await book(reception, { providerId: p.dentistId, chairId: p.chair1 }, mu(date, '08:00'))).json();
    const b = (
      await book(
        reception,
        { providerId: p.dentist.id, chairId: p.chair2, patientId: p.patients[1]!.id },
        mu(date, '09:00'),
      )
    ).json();
    const c = (
      await book(
        reception,
        { providerId: p.dentistId, chairId: p.chair2, patientId: p.patients[2]!.id },
        mu(date, '14:00'),
      )
    ).json();
    const list = async (filter: string) =>
      (
        await reception.get(
          `${base}/appointments?from=${mu(date, '00:00').toISOString()}&to=${mu(date, '23:59').toISOString()}${filter}`,
        )
      )
        .json()
        .items.map((x: { id: string }) => x.id);
    expect(await list('')).toEqual([a.id, b.id, c.id]);
    expect(await list(`&providerId=${p.dentist.id}`)).toEqual([b.id]);
    expect(await list(`&providerId=${p.dentistId}`)).toEqual([a.id, c.id]);
    expect(await list(`&chairId=${p.chair2}`)).toEqual([b.id, c.id]);
    expect(await list(`&chairId=${p.chair1}`)).toEqual([a.id]);
    expect(await list(`&providerId=${p.dentistId}&chairId=${p.chair2}`)).toEqual([c.id]);
  });
});

describe('holds', () => {
  const hold = (start: Date, over: Record<string, unknown> = {}) =>
    reception.post(`${base}/holds`, {
      appointmentTypeId: p.checkup,
      providerId: p.dentistId,
      chairId: p.chair1,
      start: start.toISOString(),
      source: 'whatsapp',
      ...over,
    });

  it('reserves a slot and turns into the appointment when confirmed', async () => {
    const { start } = freshSlot();
    const h = await hold(start, { source: 'staff' });
    expect(h.statusCode).toBe(201);
    expect(h.json()).toMatchObject({ status: 'held', patientId: null });
    expect(new Date(h.json().holdExpiresAt).getTime()).toBeGreaterThan(Date.now() + 4 * 60_000);
    expect((await book(reception, {}, start)).json().code).toBe('slot_taken');
    const confirmed = await reception.post(`${base}/holds/${h.json().id}/confirm`, { patientId: p.patients[2]!.id });
    expect(confirmed.json()).toMatchObject({
      id: h.json().id,
      status: 'booked',
      patientName: 'Wei Li',
      holdExpiresAt: null,
    });
    // Announced as booked when confirmed, never while only held.
    const events = await t.db
      .selectFrom('jobs')
      .select(['name', 'payload'])
      .where(sql<boolean>`payload->>'appointmentId' = ${h.json().id}`)
      .execute();
    expect(events).toEqual([
      {
        name: 'event:scheduling.appointment_booked',
        payload: expect.objectContaining({ patientId: p.patients[2]!.id, source: 'staff' }),
      },
    ]);
  });

  it('frees the slot by itself when it lapses, and then cannot be confirmed', async () => {
    const { start } = freshSlot();
    const h = (await hold(start, { source: 'staff' })).json();
    await inPractice(t.db, p.practiceId, (tx) =>
      tx
        .updateTable('appointments')
        .set({ holdExpiresAt: sql<Date>`now() - interval '1 second'` })
        .where('id', '=', h.id)
        .execute(),
    );
    const slots = (
      await reception.get(
        `${base}/availability?appointmentTypeId=${p.checkup}&providerId=${p.dentistId}&chairId=${p.chair1}&from=${start.toISOString()}&to=${new Date(start.getTime() + 60_000).toISOString()}`,
      )
    ).json().slots;
    expect(slots).toHaveLength(1);
    const confirm = await reception.post(`${base}/holds/${h.id}/confirm`, { patientId: p.patients[0]!.id });
    expect([confirm.statusCode, confirm.json().code]).toEqual([410, 'hold_expired']);
    expect((await book(reception, {}, start)).statusCode).toBe(201);
  });

  it('applies the notice a patient booking on WhatsApp must give', async () => {
    // The notice is checked before the hours: whatever the time of day the test runs, too soon is too soon.
    const soon = new Date(Date.now() + 30 * 60_000);
    const res = await hold(soon);
    expect([res.statusCode, res.json().code]).toEqual([422, 'too_soon']);
  });

  it("lasts the practice's configured hold length", async () => {
    expect((await owner.patch(`${base}/calendar-settings`, { holdMinutes: 20 })).json()).toMatchObject({
      holdMinutes: 20,
    });
    try {
      const h = (await hold(freshSlot().start, { source: 'staff' })).json();
      // Both are the transaction's now(): exactly the hold length apart.
      expect(new Date(h.holdExpiresAt).getTime() - new Date(h.createdAt).getTime()).toBe(20 * 60_000);
    } finally {
      await owner.patch(`${base}/calendar-settings`, { holdMinutes: 5 });
    }
    const h = (await hold(freshSlot().start, { source: 'staff' })).json();
    expect(new Date(h.holdExpiresAt).getTime() - new Date(h.createdAt).getTime()).toBe(5 * 60_000);
  });
});

describe('patients booking themselves (source whatsapp)', () => {
  // The check-up: bookable on WhatsApp, 120 minutes' notice, 60 days ahead. The cleaning: not bookable on WhatsApp.
  const attempt = (path: 'appointments' | 'holds', start: Date, over: Record<string, unknown> = {}) =>
    reception.post(`${base}/${path}`, {
      patientId: p.patients[0]!.id,
      appointmentTypeId: p.checkup,
      providerId: p.dentistId,
      chairId: p.chair1,
      start: start.toISOString(),
      source: 'whatsapp',
      ...over,
    });
  const code = (res: { statusCode: number; json(): { code?: string } }) => [res.statusCode, res.json().code];

  it('offers patients only what they may book: after the notice, within the horizon, and only types bookable on WhatsApp', async () => {
    // `now` is 07:00 on a Monday ten weeks out; the horizon (60 days) falls on the Friday eight weeks after it, at 07:00.
    const today = await workingDay(70);
    for (let d = 126; d <= 131; d++) await workingDay(d);
    const now = mu(today, '07:00');
    const notice = now.getTime() + 120 * 60_000;
    const horizon = now.getTime() + 60 * 86_400_000;
    const search = (
      from: Date,
      to: Date,
      over: { forPatient?: boolean; appointmentTypeId?: string; providerId?: string } = {},
    ) =>
      findAvailability(t.ctx, {
        actor: systemActor('test'),
        practiceId: p.practiceId,
        now,
        request: { appointmentTypeId: p.checkup, providerId: p.dentistId, from, to, ...over },
      });
    const starts = (slots: { start: Date }[]) => slots.map((s) => s.start.toISOString());
    for (const [from, to] of [
      [mu(today, '00:00'), mu(dayAhead(71), '23:59')],
      [mu(dayAhead(126), '00:00'), mu(dayAhead(132), '23:59')],
    ] as const) {
      const staff = await search(from, to);
      const patient = await search(from, to, { forPatient: true });
      expect(patient.length).toBeGreaterThan(0);
      expect(starts(patient)).toEqual(
        starts(staff.filter((s) => s.start.getTime() >= notice && s.start.getTime() < horizon)),
      );
      expect(patient.length).toBeLessThan(staff.length);
    }
    // Staff may book from now (08:00), patients after two hours' notice (09:00); only staff past the horizon.
    expect(starts(await search(mu(today, '00:00'), mu(today, '23:59')))[0]).toBe(mu(today, '08:00').toISOString());
    expect(starts(await search(mu(today, '00:00'), mu(today, '23:59'), { forPatient: true }))[0]).toBe(
      mu(today, '09:00').toISOString(),
    );
    expect(await search(mu(dayAhead(130), '07:00'), mu(dayAhead(131), '23:59'), { forPatient: true })).toEqual([]);
    expect((await search(mu(dayAhead(130), '07:00'), mu(dayAhead(131), '23:59'))).length).toBeGreaterThan(0);
    // The cleaning is not bookable on WhatsApp: unknown to patients, offered to staff.
    const cleaning = { appointmentTypeId: p.cleaning, providerId: p.hygienist.id };
    expect((await search(mu(today, '00:00'), mu(today, '23:59'), cleaning)).length).toBeGreaterThan(0);
    await expect(
      search(mu(today, '00:00'), mu(today, '23:59'), { ...cleaning, forPatient: true }),
    ).rejects.toMatchObject({ code: 'appointment_type_not_found' });
  });

  it('refuses too little notice (too_soon) to a booking and a hold, not to staff', async () => {
    const soon = new Date(Date.now() + 30 * 60_000);
    expect(code(await attempt('appointments', soon))).toEqual([422, 'too_soon']);
    expect(code(await attempt('holds', soon))).toEqual([422, 'too_soon']);
    // A bookable time an hour and a half ahead: only the notice is in the way of a patient, not of staff.
    const start = mu(await workingDay(38), '10:00');
    const now = new Date(start.getTime() - 90 * 60_000);
    const slot = { appointmentTypeId: p.checkup, providerId: p.dentistId, chairId: p.chair1, start };
    await expect(
      holdSlot(t.ctx, {
        actor: receptionActor(),
        practiceId: p.practiceId,
        hold: { ...slot, source: 'whatsapp' },
        now,
      }),
    ).rejects.toMatchObject({ code: 'too_soon' });
    await expect(
      bookAppointment(t.ctx, {
        actor: receptionActor(),
        practiceId: p.practiceId,
        booking: { ...slot, patientId: p.patients[0]!.id, source: 'whatsapp' },
        now,
      }),
    ).rejects.toMatchObject({ code: 'too_soon' });
    await expect(
      bookAppointment(t.ctx, {
        actor: receptionActor(),
        practiceId: p.practiceId,
        booking: { ...slot, patientId: p.patients[0]!.id, source: 'phone' },
        now,
      }),
    ).resolves.toMatchObject({ status: 'booked', source: 'phone' });
  });

  it('refuses a start past the horizon (too_far_ahead) to a booking and a hold, not to staff', async () => {
    // Nine weeks ahead, a Monday at 09:00 inside every hour: only the 60-day horizon is in the way.
    const farAhead = mu(await workingDay(63), '09:00');
    expect(code(await attempt('appointments', farAhead))).toEqual([422, 'too_far_ahead']);
    expect(code(await attempt('holds', farAhead))).toEqual([422, 'too_far_ahead']);
    expect(code(await attempt('appointments', farAhead, { source: 'staff' }))).toEqual([201, undefined]);
  });

  it('refuses a type not bookable on WhatsApp (not_bookable_on_whatsapp), not to staff', async () => {
    const start = mu(await workingDay(39), '09:00');
    const cleaning = { appointmentTypeId: p.cleaning, providerId: p.hygienist.id };
    const booking = await attempt('appointments', start, cleaning);
    expect(code(booking)).toEqual([422, 'not_bookable_on_whatsapp']);
    expect(booking.headers['content-type']).toContain('application/problem+json');
    expect(code(await attempt('holds', start, cleaning))).toEqual([422, 'not_bookable_on_whatsapp']);
    expect(code(await attempt('appointments', start, { ...cleaning, source: 'staff' }))).toEqual([201, undefined]);
  });

  it('checks a WhatsApp hold again when it is confirmed: the notice may have run out, the type been taken off WhatsApp', async () => {
    const start = mu(await workingDay(40), '09:00');
    const held = (await attempt('holds', start, { patientId: undefined })).json();
    expect(held).toMatchObject({ status: 'held', source: 'whatsapp' });
    const confirmAt = (now: Date) =>
      confirmHold(t.ctx, {
        actor: receptionActor(),
        practiceId: p.practiceId,
        holdId: held.id,
        patientId: p.patients[0]!.id,
        now,
      });
    // Confirmed an hour before the visit: the two hours' notice has run out; the hold stays a hold.
    await expect(confirmAt(new Date(start.getTime() - 60 * 60_000))).rejects.toMatchObject({ code: 'too_soon' });
    expect((await reception.get(`${base}/appointments/${held.id}`)).json().appointment.status).toBe('held');
    // The type taken off WhatsApp meanwhile.
    expect((await owner.patch(`${base}/appointment-types/${p.checkup}`, { whatsappBookable: false })).statusCode).toBe(
      200,
    );
    try {
      await expect(confirmAt(new Date())).rejects.toMatchObject({ code: 'not_bookable_on_whatsapp' });
    } finally {
      await owner.patch(`${base}/appointment-types/${p.checkup}`, { whatsappBookable: true });
    }
    await expect(confirmAt(new Date())).resolves.toMatchObject({ status: 'booked', source: 'whatsapp' });
  });

  const receptionActor = () => ({
    userId: p.receptionist.id,
    role: 'receptionist' as const,
    ip: null,
    requestId: 'test',
  });
});

describe('availability', () => {
  it('lists free slots and drops the ones taken, and gives them back on cancellation', async () => {
    // A day of its own, four weeks out, that no other test books.
    const day = new Date(`${monday}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + 28);
    const date = day.toISOString().slice(0, 10);
    const q = `${base}/availability?appointmentTypeId=${p.checkup}&providerId=${p.dentist.id}&from=${mu(date, '00:00').toISOString()}&to=${mu(date, '23:59').toISOString()}`;
    const before = (await reception.get(q)).json().slots as { start: string; chairId: string }[];
    // 08:00–12:00 and 13:00–17:00 in 15-minute steps; a 30-minute slot must end by 12:00 / 17:00.
    expect(before).toHaveLength(15 + 15);
    expect(before[0]).toMatchObject({ start: mu(date, '08:00').toISOString(), chairId: p.chair1 });
    const appt = (await book(reception, { providerId: p.dentist.id }, mu(date, '09:00'))).json();
    const during = (await reception.get(q)).json().slots.map((s: { start: string }) => s.start);
    // 08:45 would run into it; 09:00–09:30 plus the 10-minute buffer: next start 09:45.
    for (const time of ['08:45', '09:00', '09:15', '09:30']) expect(during).not.toContain(mu(date, time).toISOString());
    expect(during).toContain(mu(date, '09:45').toISOString());
    await reception.post(`${base}/appointments/${appt.id}/cancel`, { reason: 'Rescheduled' });
    expect((await reception.get(q)).json().slots).toHaveLength(30);
  });

  it('offers only slots the booking service accepts', async () => {
    // A busy day: a provider-only block, a chair-only block and an appointment, then every offered slot is booked and released.
    const day = new Date(`${monday}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + 29);
    const date = day.toISOString().slice(0, 10);
    await reception.post(`${base}/blocks`, {
      providerId: p.dentistId,
      start: mu(date, '10:00').toISOString(),
      end: mu(date, '11:00').toISOString(),
      kind: 'meeting',
    });
    await reception.post(`${base}/blocks`, {
      chairId: p.chair1,
      start: mu(date, '14:00').toISOString(),
      end: mu(date, '15:30').toISOString(),
      kind: 'maintenance',
    });
    await book(reception, { providerId: p.dentist.id, chairId: p.chair2 }, mu(date, '08:30'));
    const slots = (
      await reception.get(
        `${base}/availability?appointmentTypeId=${p.checkup}&from=${mu(date, '00:00').toISOString()}&to=${mu(date, '23:59').toISOString()}`,
      )
    ).json().slots as {
      start: string;
      providerId: string;
      chairId: string;
    }[];
    expect(slots.length).toBeGreaterThan(20);
    for (const slot of slots) {
      const res = await book(reception, { providerId: slot.providerId, chairId: slot.chairId }, new Date(slot.start));
      expect([slot.start, slot.providerId, res.statusCode]).toEqual([slot.start, slot.providerId, 201]);
      await reception.post(`${base}/appointments/${res.json().id}/cancel`, { reason: 'checking the slot' });
    }
  });

  it('answers 400 to an end before the start and 404 to an unknown type', async () => {
    const a = await reception.get(
      `${base}/availability?appointmentTypeId=${p.checkup}&from=${mu(monday, '10:00').toISOString()}&to=${mu(monday, '09:00').toISOString()}`,
    );
    expect(a.json().code).toBe('invalid_period');
    const b = await reception.get(
      `${base}/availability?appointmentTypeId=00000000-0000-4000-8000-000000000000&from=${mu(monday, '08:00').toISOString()}&to=${mu(monday, '09:00').toISOString()}`,
    );
    expect(b.json().code).toBe('appointment_type_not_found');
  });
});

describe('waitlist and recalls', () => {
  it('keeps a waitlist, longest waiting first', async () => {
    const add = (patientId: string) =>
      reception.post(`${base}/waitlist`, {
        patientId,
        appointmentTypeId: p.checkup,
        preferredWeekdays: [1, 3],
        preferredStart: '08:00',
        preferredEnd: '12:00',
      });
    const first = await add(p.patients[1]!.id);
    expect(first.statusCode).toBe(201);
    await add(p.patients[2]!.id);
    const list = (await reception.get(`${base}/waitlist`)).json().items;
    expect(list.map((e: { patientName: string }) => e.patientName)).toEqual(['Hélène Lagesse', 'Wei Li']);
    const bad = await reception.post(`${base}/waitlist`, {
      patientId: p.patients[1]!.id,
      appointmentTypeId: p.checkup,
      preferredStart: '12:00',
      preferredEnd: '08:00',
    });
    expect(bad.json().code).toBe('invalid_period');
    await reception.patch(`${base}/waitlist/${first.json().id}`, { status: 'removed' });
    expect((await reception.get(`${base}/waitlist`)).json().items).toHaveLength(1);
  });

  it('lists patients due for recall, one open recall per kind', async () => {
    await reception.post(`${base}/recalls`, { patientId: p.patients[0]!.id, dueDate: '2026-01-15' });
    await reception.post(`${base}/recalls`, { patientId: p.patients[0]!.id, dueDate: '2026-02-15' });
    await reception.post(`${base}/recalls`, { patientId: p.patients[1]!.id, dueDate: '2030-01-01' });
    const due = (await reception.get(`${base}/recalls`)).json().items;
    expect(due).toEqual([
      expect.objectContaining({
        patientName: 'Ravi Ramgoolam',
        dueDate: '2026-02-15',
        patientPhone: '+23057123456',
        status: 'due',
      }),
    ]);
    const later = (await reception.get(`${base}/recalls?dueBefore=2099-12-31`)).json().items;
    expect(later).toHaveLength(2);
  });

  it("goes by the practice's date, not UTC's: at 01:30 in Mauritius today's recalls are due and yesterday's waitlist has ended", async () => {
    const other = await makeSchedulingPractice(t.ctx);
    const staff = await loggedIn(t.app, other.receptionist);
    const url = (rest: string) => `/api/v1/practices/${other.practiceId}${rest}`;
    // 21:30 UTC on 10 March is 01:30 on 11 March in Mauritius (UTC+4); 19:30 UTC is still the 10th there.
    const earlyMorning = new Date('2026-03-10T21:30:00Z');
    const lateEvening = new Date('2026-03-10T19:30:00Z');
    await staff.post(url('/recalls'), { patientId: other.patients[0]!.id, dueDate: '2026-03-11' });
    await staff.post(url('/recalls'), { patientId: other.patients[1]!.id, dueDate: '2026-03-12' });
    const waiting = (
      await staff.post(url('/waitlist'), {
        patientId: other.patients[2]!.id,
        appointmentTypeId: other.checkup,
        latest: '2026-03-10',
      })
    ).json();
    const caller = { actor: systemActor('test'), practiceId: other.practiceId };
    const due = async (now: Date) =>
      (await listRecalls(t.ctx, { ...caller, status: 'due', now })).items.map((r) => r.dueDate);
    const waitlist = async (now: Date) => (await listWaitlist(t.ctx, { ...caller, now })).items.map((e) => e.id);
    expect(await due(earlyMorning)).toEqual(['2026-03-11']);
    expect(await due(lateEvening)).toEqual([]);
    expect(await waitlist(earlyMorning)).toEqual([]);
    expect(await waitlist(lateEvening)).toEqual([waiting.id]);
  });
});
