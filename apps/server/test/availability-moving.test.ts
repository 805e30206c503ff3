import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bookAppointment,
  cancelAppointment,
  holdSlot,
  moveAppointment,
} from '../src/modules/scheduling/appointments.service.js';
import { type AvailabilityRequest, findAvailability } from '../src/modules/scheduling/availability.service.js';
import { createBlock } from '../src/modules/scheduling/unavailability.service.js';
import { systemActor } from '../src/platform/access.js';
import { AppError } from '../src/platform/errors.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type Client, type TestApp, createTestApp, loggedIn } from './harness.js';
import { makeSchedulingPractice, mu, nextMonday } from './scheduling-fixtures.js';

/**
 * Looking for times to move an appointment to: its own time is not busy (so a move by a quarter
 * of an hour, or onto its own slot with another chair, is offered), every other appointment
 * still is, and an id that is not one of the practice's live appointments changes nothing.
 */

let t: TestApp;
let p: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let other: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let reception: Client;
const actor = systemActor('test');
let dayCounter = 0;

beforeAll(async () => {
  t = await createTestApp();
  p = await makeSchedulingPractice(t.ctx);
  other = await makeSchedulingPractice(t.ctx);
  reception = await loggedIn(t.app, p.receptionist);
});
afterAll(() => t.close());

/** A Monday-to-Friday of its own for each test, from the Monday a week after next, its public holiday (if any) removed. */
async function freshDay(): Promise<string> {
  const n = dayCounter++;
  const day = new Date(`${nextMonday()}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 7 + Math.floor(n / 5) * 7 + (n % 5));
  const date = day.toISOString().slice(0, 10);
  for (const practiceId of [p.practiceId, other.practiceId])
    await inPractice(t.db, practiceId, (tx) => tx.deleteFrom('publicHolidays').where('date', '=', date).execute());
  return date;
}

const book = (practice: typeof p, at: Date, over: { providerId?: string; chairId?: string; patient?: number } = {}) =>
  bookAppointment(t.ctx, {
    actor,
    practiceId: practice.practiceId,
    booking: {
      appointmentTypeId: practice.checkup,
      providerId: over.providerId ?? practice.dentistId,
      chairId: over.chairId ?? practice.chair1,
      start: at,
      source: 'staff',
      patientId: practice.patients[over.patient ?? 0]!.id,
    },
  });

/** Dr Second (the practice's other dentist) away from `from`: the owner is the only one doing check-ups then. */
const secondDentistAway = (date: string, from = '00:00') =>
  createBlock(t.ctx, {
    actor,
    practiceId: p.practiceId,
    block: {
      providerId: p.dentist.id,
      chairId: null,
      start: mu(date, from).toISOString(),
      end: mu(date, '23:59').toISOString(),
      kind: 'leave',
      note: '',
    },
  });

const search = (date: string, over: Partial<AvailabilityRequest> = {}) =>
  findAvailability(t.ctx, {
    actor,
    practiceId: p.practiceId,
    request: { appointmentTypeId: p.checkup, from: mu(date, '00:00'), to: mu(date, '23:59'), ...over },
  });
/** The local starts ('HH:MM', Mauritius) before `until` of what a search finds, with provider and chair. */
const morning = async (date: string, over: Partial<AvailabilityRequest> = {}, until = '10:30') =>
  (await search(date, over))
    .filter((s) => s.start < mu(date, until))
    .map((s) => ({
      at: new Date(s.start.getTime() + 4 * 3600_000).toISOString().slice(11, 16),
      providerId: s.providerId,
      chairId: s.chairId,
    }));
const starts = async (date: string, over: Partial<AvailabilityRequest> = {}) =>
  (await morning(date, over)).map((s) => s.at);

describe('availability for moving an appointment', () => {
  it("offers times overlapping the appointment's own slot, with its provider and chair; other appointments of that provider and chair still stand in the way", async () => {
    const date = await freshDay();
    // The check-up being moved (30 min + 10 min buffer: it holds 09:00–09:40), another of the
    // same dentist on the other chair (10:30–11:10), and Dr Second's on the same chair (08:00–08:40),
    // who is then away for the rest of the day.
    const moving = await book(p, mu(date, '09:00'));
    await book(p, mu(date, '10:30'), { chairId: p.chair2, patient: 1 });
    await book(p, mu(date, '08:00'), { providerId: p.dentist.id, patient: 2 });
    await secondDentistAway(date, '08:40');
    const onChair1 = { providerId: p.dentistId, chairId: p.chair1 };

    // Without the id: nothing before the appointment's end but 09:45, as before.
    expect(await starts(date, onChair1)).toEqual(['09:45']);
    // With it: from the end of the other dentist's 08:00 on chair 1 (08:45) to the start of the
    // owner's 10:30 on chair 2 (the last to fit is 09:45, holding the owner until 10:25).
    expect(await starts(date, { ...onChair1, movingAppointmentId: moving.id })).toEqual([
      '08:45',
      '09:00',
      '09:15',
      '09:30',
      '09:45',
    ]);
    // Not narrowed to a chair: chair 2 while Dr Second has chair 1, then the appointment's own
    // chair 1 again, first in the practice's order.
    expect(await morning(date, { movingAppointmentId: moving.id })).toEqual([
      ...['08:00', '08:15', '08:30'].map((at) => ({ at, providerId: p.dentistId, chairId: p.chair2 })),
      ...['08:45', '09:00', '09:15', '09:30', '09:45'].map((at) => ({ at, ...onChair1 })),
    ]);
    // Later the same day: the owner's other appointment still blocks 10:00–11:05 starts.
    const later = (await search(date, { ...onChair1, movingAppointmentId: moving.id })).map((s) => s.start.getTime());
    for (const taken of ['10:00', '10:15', '10:30', '11:00']) expect(later).not.toContain(mu(date, taken).getTime());
    expect(later).toContain(mu(date, '11:15').getTime());
  });

  it("an id of another practice's appointment, a cancelled one, a hold or none at all changes nothing, and tells nothing", async () => {
    const date = await freshDay();
    const booked = await book(p, mu(date, '09:00'));
    const cancelled = await book(p, mu(date, '11:00'), { patient: 1 });
    await cancelAppointment(t.ctx, { actor, practiceId: p.practiceId, appointmentId: cancelled.id, reason: 'test' });
    const hold = await holdSlot(t.ctx, {
      actor,
      practiceId: p.practiceId,
      hold: {
        appointmentTypeId: p.checkup,
        providerId: p.dentist.id,
        chairId: p.chair2,
        start: mu(date, '14:00'),
        source: 'staff',
      },
    });
    // The other practice's appointment at the same time as this one's, with the same kind of ids around it.
    const theirs = await book(other, mu(date, '09:00'));
    const unchanged = await search(date);
    for (const id of [theirs.id, cancelled.id, hold.id, crypto.randomUUID()]) {
      expect(await search(date, { movingAppointmentId: id }), id).toEqual(unchanged);
      const res = await reception.get(
        `/api/v1/practices/${p.practiceId}/availability?${new URLSearchParams({
          appointmentTypeId: p.checkup,
          from: mu(date, '00:00').toISOString(),
          to: mu(date, '23:59').toISOString(),
          movingAppointmentId: id,
        })}`,
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().slots).toEqual(
        unchanged.map((s) => ({ ...s, start: s.start.toISOString(), end: s.end.toISOString() })),
      );
    }
    // The hold still holds Dr Second and chair 2 at 14:00.
    const at14 = unchanged.filter((s) => s.start.getTime() === mu(date, '14:00').getTime());
    expect(at14.map((s) => [s.providerId, s.chairId])).toEqual([[p.dentistId, p.chair1]]);
    // The appointment of this practice, for comparison: its 09:00 is offered again.
    const withOwn = await search(date, { movingAppointmentId: booked.id });
    expect(withOwn.length).toBeGreaterThan(unchanged.length);
  });

  it("over HTTP: movingAppointmentId is a query parameter (a uuid), and frees the appointment's own time", async () => {
    const date = await freshDay();
    await secondDentistAway(date);
    const moving = await book(p, mu(date, '09:00'));
    const url = (extra: Record<string, string>) =>
      `/api/v1/practices/${p.practiceId}/availability?${new URLSearchParams({
        appointmentTypeId: p.checkup,
        providerId: p.dentistId,
        from: mu(date, '08:00').toISOString(),
        to: mu(date, '10:00').toISOString(),
        ...extra,
      })}`;
    const startsOf = async (extra: Record<string, string>) => {
      const res = await reception.get(url(extra));
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().slots as { start: string }[]).map((s) => s.start);
    };
    expect(await startsOf({})).not.toContain(mu(date, '09:30').toISOString());
    expect(await startsOf({ movingAppointmentId: moving.id })).toEqual(
      ['08:00', '08:15', '08:30', '08:45', '09:00', '09:15', '09:30', '09:45'].map((at) => mu(date, at).toISOString()),
    );
    const bad = await reception.get(url({ movingAppointmentId: 'not-an-id' }));
    expect(bad.statusCode).toBe(400);
  });
});

describe('moving an appointment onto part of its own time', () => {
  it('moves 30 minutes later, 15 minutes earlier and to the other chair at the same time; never over another appointment', async () => {
    const date = await freshDay();
    const moving = await book(p, mu(date, '09:00'));
    const blocking = await book(p, mu(date, '10:30'), { chairId: p.chair2, patient: 1 });
    const move = (start: Date, chairId?: string) =>
      moveAppointment(t.ctx, {
        actor,
        practiceId: p.practiceId,
        appointmentId: moving.id,
        move: { start, ...(chairId ? { chairId } : {}) },
      });
    expect(await move(mu(date, '09:30'))).toMatchObject({
      start: mu(date, '09:30').toISOString(),
      end: mu(date, '10:00').toISOString(),
      chairId: p.chair1,
      status: 'booked',
    });
    expect((await move(mu(date, '09:15'))).start).toBe(mu(date, '09:15').toISOString());
    expect(await move(mu(date, '09:15'), p.chair2)).toMatchObject({
      start: mu(date, '09:15').toISOString(),
      chairId: p.chair2,
    });
    // 10:00 would hold the dentist until 10:40, over the 10:30 of the same dentist.
    const refused = await move(mu(date, '10:00')).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      code: 'slot_taken',
      options: { extra: { conflictingAppointmentId: blocking.id } },
    });
    // What availability offered for the move is what the move accepts: each offered start, tried.
    const offered = await search(date, { providerId: p.dentistId, movingAppointmentId: moving.id });
    for (const at of ['09:00', '09:15', '09:30', '09:45'])
      expect(offered.map((s) => s.start.getTime())).toContain(mu(date, at).getTime());
    const slot = offered.find((s) => s.start.getTime() === mu(date, '09:45').getTime())!;
    expect(await move(slot.start, slot.chairId)).toMatchObject({
      start: mu(date, '09:45').toISOString(),
      chairId: slot.chairId,
    });
  });
});
