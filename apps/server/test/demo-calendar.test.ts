import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../src/context.js';
import type { Database } from '../src/db/connection.js';
import { seedDemoCalendar } from '../src/demo/calendar.js';
import { wallClock, weeklyHoursRefusal } from '../src/modules/scheduling/booking-rules.js';
import { inPractice } from '../src/platform/tenancy.js';
import { makeMember, makePractice, openTestDatabase, testConfig, testContext } from './harness.js';

/**
 * The demo calendar, seeded "as of" a Monday morning in a month with three public holidays
 * (12, 19 and 21 March 2026): its appointments were booked through the scheduling services, so
 * they keep to every rule a booking meets, and carry the history and audit real ones do.
 */
const NOW = new Date('2026-03-16T10:20:00+04:00');
const TZ = 'Indian/Mauritius';

let database: Database;
let ctx: AppContext;
let practiceId: string;
let summary: Awaited<ReturnType<typeof seedDemoCalendar>>;

beforeAll(async () => {
  database = await openTestDatabase();
  ctx = testContext(database, testConfig());
  const practice = await makePractice(ctx);
  practiceId = practice.practiceId;
  const [dentist, hygienist, receptionist] = [
    await makeMember(ctx, practiceId, 'dentist'),
    await makeMember(ctx, practiceId, 'hygienist'),
    await makeMember(ctx, practiceId, 'receptionist'),
  ];
  summary = await seedDemoCalendar(
    ctx,
    practiceId,
    { ownerId: practice.owner.id, dentistId: dentist.id, hygienistId: hygienist.id, receptionistId: receptionist.id },
    NOW,
  );
  // A month of visits played through the scheduling services (booked, arrived, completed...): on
  // embedded PGlite, on a machine busy with other test files, this alone has taken over two minutes.
}, 300_000);
afterAll(async () => {
  await ctx?.events.close();
  await database?.close();
});

async function calendar() {
  return inPractice(ctx.db, practiceId, async (tx) => ({
    appointments: await tx
      .selectFrom('appointments')
      .select(['id', 'providerId', 'chairId', 'status', 'startsAt', 'endsAt', 'occupiedUntil', 'cancellationReason'])
      .orderBy('startsAt')
      .execute(),
    holidays: new Set((await tx.selectFrom('publicHolidays').select('date').execute()).map((h) => h.date)),
    closures: await tx
      .selectFrom('closures')
      .select([sql<Date>`lower(period)`.as('start'), sql<Date>`upper(period)`.as('end')])
      .execute(),
    blocks: await tx
      .selectFrom('blocks')
      .select(['providerId', 'chairId', sql<Date>`lower(period)`.as('start'), sql<Date>`upper(period)`.as('end')])
      .execute(),
    opening: await tx.selectFrom('openingHours').select(['weekday', 'startMinute', 'endMinute']).execute(),
    providerHours: await tx
      .selectFrom('providerHours')
      .select(['providerId', 'weekday', 'startMinute', 'endMinute', 'chairId', 'validFrom', 'validTo'])
      .execute(),
    history: await tx
      .selectFrom('appointmentStatusHistory')
      .select(['appointmentId', 'fromStatus', 'toStatus', 'reason'])
      .orderBy('changedAt')
      .orderBy('id')
      .execute(),
    audit: await tx
      .selectFrom('auditEvents')
      .select(['action', 'targetId'])
      .where('action', 'like', 'appointment.%')
      .execute(),
  }));
}

describe('demo calendar', { timeout: 120_000 }, () => {
  it('books a month around today, with closures and blocks, through the services', () => {
    expect(summary).toMatchObject({ seeded: true, closures: 2, blocks: 3 });
    if (!summary.seeded) return;
    expect(summary.appointments).toBeGreaterThan(300);
    expect(summary.statuses).toMatchObject({
      completed: expect.any(Number),
      cancelled: expect.any(Number),
      no_show: expect.any(Number),
      in_chair: expect.any(Number),
      booked: expect.any(Number),
      confirmed: expect.any(Number),
    });
  });

  it('keeps every appointment off holidays, closures and blocks, and inside opening and working hours', async () => {
    const c = await calendar();
    const days = new Set(c.appointments.map((a) => wallClock(new Date(a.startsAt), TZ).date));
    // The month seeded holds the three holidays, and working days on both sides of them.
    for (const holiday of ['2026-03-12', '2026-03-19', '2026-03-21']) expect(c.holidays.has(holiday)).toBe(true);
    expect(days.has('2026-03-11') && days.has('2026-03-13') && days.has('2026-03-20')).toBe(true);
    for (const a of c.appointments) {
      const start = new Date(a.startsAt);
      const end = new Date(a.endsAt);
      const label = `${a.id} ${start.toISOString()}`;
      expect(c.holidays.has(wallClock(start, TZ).date), label).toBe(false);
      expect(
        c.closures.some((x) => x.start < end && start < x.end),
        label,
      ).toBe(false);
      const blocked = c.blocks.some(
        (b) =>
          b.start < new Date(a.occupiedUntil) &&
          start < b.end &&
          (b.providerId === a.providerId || b.chairId === a.chairId || (b.providerId === null && b.chairId === null)),
      );
      expect(blocked, label).toBe(false);
      const refusal = weeklyHoursRefusal({
        start,
        end,
        timeZone: TZ,
        chairId: a.chairId,
        opening: c.opening,
        providerHours: c.providerHours.filter((h) => h.providerId === a.providerId),
      });
      expect(refusal, label).toBeNull();
    }
  });

  it('gives each appointment the status of its time, with its history and audit', async () => {
    const c = await calendar();
    const historyOf = new Map<string, typeof c.history>();
    for (const h of c.history) historyOf.set(h.appointmentId, [...(historyOf.get(h.appointmentId) ?? []), h]);
    const now = NOW.getTime();
    for (const a of c.appointments) {
      const start = new Date(a.startsAt).getTime();
      const end = new Date(a.endsAt).getTime();
      const steps = historyOf.get(a.id) ?? [];
      // Booked first, each step from where the last one left it, ending where the appointment is.
      expect(steps[0], a.id).toMatchObject({ fromStatus: null, toStatus: 'booked' });
      for (const [i, step] of steps.slice(1).entries()) expect(step.fromStatus).toBe(steps[i]!.toStatus);
      expect(steps.at(-1)!.toStatus).toBe(a.status);
      if (end <= now) expect(['completed', 'cancelled', 'no_show']).toContain(a.status);
      else if (start <= now) expect(a.status).toBe('in_chair');
      else expect(['booked', 'confirmed', 'arrived']).toContain(a.status);
      if (a.status === 'cancelled') expect(a.cancellationReason).toBeTruthy();
      if (a.status === 'completed') expect(steps.map((s) => s.toStatus)).toContain('arrived');
    }
    // One audit event per booking and per later step.
    const audited = (action: string) => c.audit.filter((e) => e.action === action).length;
    expect(audited('appointment.booked')).toBe(c.appointments.length);
    expect(audited('appointment.status_changed') + audited('appointment.cancelled')).toBe(
      c.history.length - c.appointments.length,
    );
  });
});
