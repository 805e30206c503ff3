import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarReads, findAvailability } from '../src/modules/scheduling/availability.service.js';
import { MAURITIUS_HOLIDAYS } from '../src/modules/scheduling/holidays.mu.js';
import {
  createBlock,
  createClosure,
  deleteBlock,
  deleteClosure,
  updateBlock,
  updateClosure,
} from '../src/modules/scheduling/unavailability.service.js';
import { systemActor } from '../src/platform/access.js';
import { type Tx, inPractice } from '../src/platform/tenancy.js';
import { type TestApp, createTestApp, loggedIn } from './harness.js';
import { makeSchedulingPractice, mu, nextMonday } from './scheduling-fixtures.js';

/**
 * Availability keeps calendars in memory and trusts them only while the practice's calendar
 * revision is unchanged. Here every change is made behind the service's back, in plain SQL as
 * another process or a migration might, and the very next search must see it.
 */
let t: TestApp;
let p: Awaited<ReturnType<typeof makeSchedulingPractice>>;
const actor = systemActor('test');
const monday = nextMonday();
let dayCounter = 0;

beforeAll(async () => {
  t = await createTestApp();
  p = await makeSchedulingPractice(t.ctx);
});
afterAll(() => t.close());

/**
 * A weekday of its own for each test (Mon–Fri of the weeks after `monday`), so they never meet;
 * the practice's public holidays (shipped with it) are passed over, since nothing is free on them.
 */
function freshDay(): string {
  for (;;) {
    const n = dayCounter++;
    const day = new Date(`${monday}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + 7 + Math.floor(n / 5) * 7 + (n % 5));
    const date = day.toISOString().slice(0, 10);
    if (!MAURITIUS_HOLIDAYS.some((h) => h.date === date)) return date;
  }
}

const search = (
  date: string,
  over: { appointmentTypeId?: string; providerId?: string; now?: Date; forPatient?: boolean } = {},
) =>
  findAvailability(t.ctx, {
    actor,
    practiceId: p.practiceId,
    now: over.now,
    request: {
      appointmentTypeId: over.appointmentTypeId ?? p.checkup,
      from: mu(date, '00:00'),
      to: mu(date, '23:59'),
      providerId: over.providerId,
      forPatient: over.forPatient,
    },
  });
const startsOf = async (date: string, over: Parameters<typeof search>[1] = {}) =>
  (await search(date, over)).map((s) => s.start.toISOString());
const change = <T>(fn: (tx: Tx) => Promise<T>) => inPractice(t.db, p.practiceId, fn);
const revision = async () =>
  (
    await sql<{
      revision: string;
    }>`SELECT revision FROM calendar_revisions WHERE practice_id = ${p.practiceId}`.execute(t.db)
  ).rows[0]?.revision;

async function insertAppointment(
  tx: Tx,
  date: string,
  time: string,
  over: { status?: string; holdExpiresAt?: Date | null } = {},
) {
  const start = mu(date, time);
  const period = `[${start.toISOString()},${new Date(start.getTime() + 30 * 60_000).toISOString()})`;
  const occupied = `[${start.toISOString()},${new Date(start.getTime() + 40 * 60_000).toISOString()})`;
  const status = over.status ?? 'booked';
  const row = await sql<{ id: string }>`
    INSERT INTO appointments (practice_id, patient_id, provider_id, chair_id, appointment_type_id, period, occupied, status, hold_expires_at, source)
    VALUES (${p.practiceId}, ${status === 'held' ? null : p.patients[0]!.id}, ${p.dentistId}, ${p.chair1}, ${p.checkup}, ${period}::tstzrange, ${occupied}::tstzrange,
            ${status}, ${over.holdExpiresAt ?? null}, 'staff')
    RETURNING id`.execute(tx);
  return row.rows[0]!.id;
}

describe('availability from memory', () => {
  it('reads the calendar once, then answers from memory until something changes', async () => {
    const date = freshDay();
    const first = await startsOf(date);
    const reads = calendarReads(t.ctx);
    for (let i = 0; i < 3; i++) expect(await startsOf(date)).toEqual(first);
    expect(calendarReads(t.ctx)).toEqual({ calendars: reads.calendars, revisions: reads.revisions + 3 });
    await change((tx) => insertAppointment(tx, date, '09:00'));
    expect(await startsOf(date)).not.toEqual(first);
    expect(calendarReads(t.ctx).calendars).toBe(reads.calendars + 1);
  });

  it('over HTTP takes the revision read with the session, and still sees a change made elsewhere at once', async () => {
    const date = freshDay();
    const staff = await loggedIn(t.app, p.receptionist);
    const url = `/api/v1/practices/${p.practiceId}/availability?appointmentTypeId=${p.checkup}&providerId=${p.dentistId}&from=${mu(date, '00:00').toISOString()}&to=${mu(date, '23:59').toISOString()}`;
    const starts = async () => {
      const res = await staff.get(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      return (res.json() as { slots: { start: string }[] }).slots.map((s) => s.start);
    };
    const first = await starts();
    expect(first).toContain(mu(date, '09:00').toISOString());
    const reads = calendarReads(t.ctx);
    expect(await starts()).toEqual(first);
    expect(calendarReads(t.ctx)).toEqual(reads); // neither the calendar nor the revision read again
    await change((tx) => insertAppointment(tx, date, '09:00'));
    expect(await starts()).not.toContain(mu(date, '09:00').toISOString());
    expect(calendarReads(t.ctx)).toEqual({ calendars: reads.calendars + 1, revisions: reads.revisions });
  });

  it('sees an appointment written elsewhere at once, and its cancellation', async () => {
    const date = freshDay();
    const before = await startsOf(date, { providerId: p.dentistId });
    expect(before).toContain(mu(date, '09:00').toISOString());
    const id = await change((tx) => insertAppointment(tx, date, '09:00'));
    expect(await startsOf(date, { providerId: p.dentistId })).not.toContain(mu(date, '09:00').toISOString());
    await change((tx) =>
      sql`UPDATE appointments SET status = 'cancelled', cancellation_reason = 'test' WHERE id = ${id}`.execute(tx),
    );
    expect(await startsOf(date, { providerId: p.dentistId })).toEqual(before);
  });

  it('lets a hold lapse by the clock alone, with nothing written', async () => {
    const date = freshDay();
    const expires = new Date(Date.now() + 5 * 60_000);
    await change((tx) => insertAppointment(tx, date, '10:00', { status: 'held', holdExpiresAt: expires }));
    const rev = await revision();
    expect(await startsOf(date, { providerId: p.dentistId })).not.toContain(mu(date, '10:00').toISOString());
    expect(await startsOf(date, { providerId: p.dentistId, now: new Date(expires.getTime() + 1) })).toContain(
      mu(date, '10:00').toISOString(),
    );
    expect(await revision()).toBe(rev);
  });

  it('sees blocks, closures and public holidays come and go', async () => {
    const date = freshDay();
    const all = await startsOf(date);
    const blockId = await change(
      async (tx) =>
        (
          await sql<{
            id: string;
          }>`INSERT INTO blocks (practice_id, period, kind) VALUES (${p.practiceId}, tstzrange(${mu(date, '08:00')}, ${mu(date, '12:00')}), 'meeting') RETURNING id`.execute(
            tx,
          )
        ).rows[0]!.id,
    );
    const blocked = await startsOf(date);
    expect(blocked.some((s) => s < mu(date, '12:00').toISOString())).toBe(false);
    await change((tx) => sql`DELETE FROM blocks WHERE id = ${blockId}`.execute(tx));
    expect(await startsOf(date)).toEqual(all);

    await change((tx) =>
      sql`INSERT INTO closures (practice_id, period) VALUES (${p.practiceId}, tstzrange(${mu(date, '13:00')}, ${mu(date, '17:00')}))`.execute(
        tx,
      ),
    );
    expect((await startsOf(date)).some((s) => s >= mu(date, '13:00').toISOString())).toBe(false);

    await change((tx) =>
      sql`INSERT INTO public_holidays (practice_id, date, name_en, name_fr) VALUES (${p.practiceId}, ${date}, 'Test day', 'Jour de test')`.execute(
        tx,
      ),
    );
    expect(await startsOf(date)).toEqual([]);
  });

  it('follows a closure and a block as they are changed', async () => {
    const date = freshDay();
    // Open whatever the year's holidays: the test looks for slots that come back.
    await change((tx) => sql`DELETE FROM public_holidays WHERE date = ${date}`.execute(tx));
    const all = await startsOf(date);
    const caller = { actor, practiceId: p.practiceId };
    const closure = await createClosure(t.ctx, {
      ...caller,
      closure: { start: mu(date, '08:00').toISOString(), end: mu(date, '10:00').toISOString(), reason: '' },
    });
    expect((await startsOf(date)).some((s) => s < mu(date, '10:00').toISOString())).toBe(false);
    // Moved to the afternoon: the morning comes back, the afternoon goes.
    await updateClosure(t.ctx, {
      ...caller,
      closureId: closure.id,
      patch: { start: mu(date, '13:00').toISOString(), end: mu(date, '17:00').toISOString() },
    });
    const afterClosureMoved = await startsOf(date);
    expect(afterClosureMoved).toContain(mu(date, '08:00').toISOString());
    expect(afterClosureMoved.some((s) => s >= mu(date, '13:00').toISOString())).toBe(false);
    await deleteClosure(t.ctx, { ...caller, closureId: closure.id });
    expect(await startsOf(date)).toEqual(all);

    // A block of the owner at 09:00, then moved to 11:00 and onto the second dentist.
    const dentistSlots = { providerId: p.dentistId };
    const block = await createBlock(t.ctx, {
      ...caller,
      block: {
        providerId: p.dentistId,
        chairId: null,
        start: mu(date, '09:00').toISOString(),
        end: mu(date, '10:00').toISOString(),
        kind: 'meeting',
        note: '',
      },
    });
    expect(await startsOf(date, dentistSlots)).not.toContain(mu(date, '09:00').toISOString());
    await updateBlock(t.ctx, {
      ...caller,
      blockId: block.id,
      patch: { start: mu(date, '11:00').toISOString(), end: mu(date, '12:00').toISOString() },
    });
    expect(await startsOf(date, dentistSlots)).toContain(mu(date, '09:00').toISOString());
    expect(await startsOf(date, dentistSlots)).not.toContain(mu(date, '11:00').toISOString());
    await updateBlock(t.ctx, { ...caller, blockId: block.id, patch: { providerId: p.dentist.id } });
    expect(await startsOf(date, dentistSlots)).toContain(mu(date, '11:00').toISOString());
    expect(await startsOf(date, { providerId: p.dentist.id })).not.toContain(mu(date, '11:00').toISOString());
    await deleteBlock(t.ctx, { ...caller, blockId: block.id });
    expect(await startsOf(date)).toEqual(all);
  });

  it('follows changes to opening hours, provider hours, chairs, providers, roles, types and the slot step', async () => {
    const date = freshDay();
    const weekday = new Date(`${date}T12:00:00Z`).getUTCDay() || 7;
    const dentist = { providerId: p.dentist.id };
    expect((await startsOf(date, dentist)).length).toBe(30);

    // The afternoon hours of the second dentist go: only the morning is left.
    await change((tx) =>
      sql`DELETE FROM provider_hours WHERE provider_id = ${p.dentist.id} AND weekday = ${weekday} AND start_minute = ${13 * 60}`.execute(
        tx,
      ),
    );
    expect((await startsOf(date, dentist)).length).toBe(15);

    // Opening hours shrink to 08:00–10:00.
    await change((tx) =>
      sql`UPDATE opening_hours SET end_minute = ${10 * 60} WHERE practice_id = ${p.practiceId} AND weekday = ${weekday}`.execute(
        tx,
      ),
    );
    expect(await startsOf(date, dentist)).toEqual(
      ['08:00', '08:15', '08:30', '08:45', '09:00', '09:15', '09:30'].map((time) => mu(date, time).toISOString()),
    );

    // A 30-minute step.
    await change((tx) => sql`UPDATE practices SET slot_step_minutes = 30 WHERE id = ${p.practiceId}`.execute(tx));
    expect((await startsOf(date, dentist)).length).toBe(4);

    // The check-up grows to an hour.
    await change((tx) => sql`UPDATE appointment_types SET duration_minutes = 60 WHERE id = ${p.checkup}`.execute(tx));
    expect((await startsOf(date, dentist)).length).toBe(3);

    // Chair 1 is taken out of use: every slot is on chair 2.
    await change((tx) => sql`UPDATE chairs SET active = false WHERE id = ${p.chair1}`.execute(tx));
    expect(new Set((await search(date, dentist)).map((s) => s.chairId))).toEqual(new Set([p.chair2]));

    // The dentist becomes a receptionist: no longer offered for a check-up.
    await change((tx) =>
      sql`UPDATE memberships SET role = 'receptionist' WHERE user_id = ${p.dentist.id} AND practice_id = ${p.practiceId}`.execute(
        tx,
      ),
    );
    expect(await startsOf(date, dentist)).toEqual([]);

    // The owner stops seeing patients: nobody is left to do check-ups.
    await change((tx) => sql`UPDATE providers SET active = false WHERE user_id = ${p.dentistId}`.execute(tx));
    expect(await startsOf(date)).toEqual([]);

    // The check-up is retired.
    await change((tx) => sql`UPDATE appointment_types SET active = false WHERE id = ${p.checkup}`.execute(tx));
    await expect(search(date)).rejects.toMatchObject({ code: 'appointment_type_not_found' });

    // Put everything back for the other tests.
    await change(async (tx) => {
      await sql`UPDATE appointment_types SET active = true, duration_minutes = 30 WHERE id = ${p.checkup}`.execute(tx);
      await sql`UPDATE providers SET active = true WHERE user_id = ${p.dentistId}`.execute(tx);
      await sql`UPDATE memberships SET role = 'dentist' WHERE user_id = ${p.dentist.id} AND practice_id = ${p.practiceId}`.execute(
        tx,
      );
      await sql`UPDATE chairs SET active = true WHERE id = ${p.chair1}`.execute(tx);
      await sql`UPDATE practices SET slot_step_minutes = 15 WHERE id = ${p.practiceId}`.execute(tx);
      await sql`UPDATE opening_hours SET end_minute = ${17 * 60} WHERE practice_id = ${p.practiceId} AND weekday = ${weekday}`.execute(
        tx,
      );
      await sql`INSERT INTO provider_hours (practice_id, provider_id, weekday, start_minute, end_minute) VALUES (${p.practiceId}, ${p.dentist.id}, ${weekday}, ${13 * 60}, ${17 * 60})`.execute(
        tx,
      );
    });
    expect((await startsOf(date, dentist)).length).toBe(30);
  });

  it('moves the revision once per transaction, not for steps that leave busy time alone, and not on rollback', async () => {
    const date = freshDay();
    const r0 = await revision();
    const [a, b] = await change(async (tx) => [
      await insertAppointment(tx, date, '08:00'),
      await insertAppointment(tx, date, '14:00'),
    ]);
    const r1 = await revision();
    expect(BigInt(r1!)).toBeGreaterThan(BigInt(r0 ?? '0'));
    // Arrived → in chair → completed, and a note: the same busy time.
    await change((tx) =>
      sql`UPDATE appointments SET status = 'arrived', notes = 'on time' WHERE id = ${a}`.execute(tx),
    );
    await change((tx) => sql`UPDATE appointments SET status = 'in_chair' WHERE id = ${a}`.execute(tx));
    expect(await revision()).toBe(r1);
    await expect(
      change(async (tx) => {
        await sql`UPDATE appointments SET status = 'cancelled', cancellation_reason = 'test' WHERE id = ${b}`.execute(
          tx,
        );
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await revision()).toBe(r1);
    expect(await startsOf(date, { providerId: p.dentistId })).not.toContain(mu(date, '14:00').toISOString());
  });

  it('keeps practices apart: a search in one never sees the other', async () => {
    const other = await makeSchedulingPractice(t.ctx);
    const date = freshDay();
    await change((tx) => insertAppointment(tx, date, '11:00'));
    const mine = await startsOf(date, { providerId: p.dentistId });
    const theirs = await findAvailability(t.ctx, {
      actor,
      practiceId: other.practiceId,
      request: {
        appointmentTypeId: other.checkup,
        from: mu(date, '00:00'),
        to: mu(date, '23:59'),
        providerId: other.dentistId,
      },
    });
    expect(mine).not.toContain(mu(date, '11:00').toISOString());
    expect(theirs.map((s) => s.start.toISOString())).toContain(mu(date, '11:00').toISOString());
    expect(new Set(theirs.map((s) => s.chairId))).not.toContain(p.chair1);
    // A type of one practice is unknown in the other.
    await expect(
      findAvailability(t.ctx, {
        actor,
        practiceId: other.practiceId,
        request: { appointmentTypeId: p.checkup, from: mu(date, '00:00'), to: mu(date, '23:59') },
      }),
    ).rejects.toMatchObject({
      code: 'appointment_type_not_found',
    });
  });

  it('reads whole weeks from far ahead and across week boundaries alike', async () => {
    // Searches that start in one cached week and end in one not yet read.
    for (const weeksAhead of [3, 9, 20]) {
      const from = new Date(`${monday}T00:00:00Z`);
      from.setUTCDate(from.getUTCDate() + weeksAhead * 7 + 4);
      const date = from.toISOString().slice(0, 10);
      const to = new Date(from.getTime() + 6 * 86_400_000).toISOString().slice(0, 10);
      await change((tx) => insertAppointment(tx, to, '15:00'));
      const slots = await findAvailability(t.ctx, {
        actor,
        practiceId: p.practiceId,
        request: {
          appointmentTypeId: p.checkup,
          from: mu(date, '00:00'),
          to: mu(to, '23:59'),
          providerId: p.dentistId,
        },
      });
      const starts = slots.map((s) => s.start.toISOString());
      expect(starts).toContain(mu(to, '14:00').toISOString());
      expect(starts).not.toContain(mu(to, '15:00').toISOString());
    }
  });

  it('has the revision trigger on every table availability reads', async () => {
    const { rows } = await sql<{ table: string }>`
      SELECT DISTINCT c.relname AS table FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
      WHERE tg.tgfoid = 'bump_calendar_revision'::regproc ORDER BY 1`.execute(t.db);
    const body = (
      await sql<{ src: string }>`SELECT prosrc AS src FROM pg_proc WHERE proname = 'availability_calendar'`.execute(
        t.db,
      )
    ).rows[0]!.src;
    // Tables follow FROM or JOIN; extract(epoch FROM column) does not name one.
    const read = [...body.matchAll(/(?<!epoch )\b(?:FROM|JOIN)\s+([a-z_]+)\b(?!\s*\()/g)].map((m) => m[1]!);
    expect(read.length).toBeGreaterThan(5);
    const triggered = rows.map((r) => r.table);
    for (const table of new Set(read)) if (table !== 'calendar_revisions') expect(triggered, table).toContain(table);
  });
});
