import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAURITIUS_HOLIDAYS, mauritiusHolidayRows, seedPublicHolidays } from '../src/modules/scheduling/holidays.mu.js';
import { findOverlap, minutesToWallTime, wallTimeToMinutes } from '../src/modules/scheduling/weekly-hours.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type Client, createTestApp, loggedIn, makeMember, makePractice, type TestApp } from './harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** A practice with an owner, a dentist and a receptionist, each logged in. */
async function practice() {
  const p = await makePractice(t.ctx);
  const dentist = await makeMember(t.ctx, p.practiceId, 'dentist');
  const receptionist = await makeMember(t.ctx, p.practiceId, 'receptionist');
  return {
    practiceId: p.practiceId,
    url: (rest: string) => `/api/v1/practices/${p.practiceId}${rest}`,
    ownerId: p.owner.id,
    dentistId: dentist.id,
    receptionistId: receptionist.id,
    owner: await loggedIn(t.app, p.owner),
    dentist: await loggedIn(t.app, dentist),
    receptionist: await loggedIn(t.app, receptionist),
  };
}
type Practice = Awaited<ReturnType<typeof practice>>;

const put = (client: Client, url: string, body: unknown) => client.request('PUT', url, body);

async function addChair(p: Practice, name: string, extra: Record<string, unknown> = {}) {
  const res = await p.owner.post(p.url('/chairs'), { name, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; name: string; sortOrder: number; active: boolean };
}

async function addProvider(p: Practice, userId: string, displayName = 'Dr Test') {
  const res = await p.owner.post(p.url('/providers'), { userId, displayName });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function auditActions(practiceId: string) {
  const rows = await t.db
    .selectFrom('auditEvents')
    .select(['action', 'changes'])
    .where('practiceId', '=', practiceId)
    .orderBy('seq')
    .execute();
  return rows;
}

describe('wall time ↔ minutes', () => {
  it('converts both ways, with 24:00 as the end of the day', () => {
    expect(wallTimeToMinutes('00:00')).toBe(0);
    expect(wallTimeToMinutes('09:30')).toBe(570);
    expect(wallTimeToMinutes('24:00')).toBe(1440);
    expect(minutesToWallTime(0)).toBe('00:00');
    expect(minutesToWallTime(570)).toBe('09:30');
    expect(minutesToWallTime(1439)).toBe('23:59');
    expect(minutesToWallTime(1440)).toBe('24:00');
  });

  it('round-trips every minute of the day', () => {
    for (let m = 0; m <= 1440; m++) expect(wallTimeToMinutes(minutesToWallTime(m))).toBe(m);
  });

  it('refuses what is not a time of day', () => {
    for (const bad of ['9:30', '24:01', '12:60', 'noon', '']) expect(() => wallTimeToMinutes(bad)).toThrow(RangeError);
    for (const bad of [-1, 1441, 1.5]) expect(() => minutesToWallTime(bad)).toThrow(RangeError);
  });

  it('finds overlaps only on the same weekday, overlapping minutes and overlapping validity', () => {
    const at = (
      weekday: number,
      start: number,
      end: number,
      validFrom: string | null = null,
      validTo: string | null = null,
    ) => ({ weekday, startMinute: start, endMinute: end, validFrom, validTo });
    expect(findOverlap([at(1, 540, 720), at(1, 720, 900)])).toBeUndefined(); // touching
    expect(findOverlap([at(1, 540, 720), at(2, 600, 900)])).toBeUndefined();
    expect(findOverlap([at(1, 540, 720), at(1, 600, 900)])).toBeDefined();
    expect(findOverlap([at(1, 540, 720, null, '2026-06-30'), at(1, 540, 720, '2026-07-01', null)])).toBeUndefined();
    expect(findOverlap([at(1, 540, 720, null, '2026-07-01'), at(1, 540, 720, '2026-07-01', null)])).toBeDefined(); // inclusive
  });
});

describe('chairs', () => {
  it('creates, lists in display order, renames and refuses duplicate names', async () => {
    const p = await practice();
    const b = await addChair(p, 'Surgery B', { sortOrder: 1 });
    await addChair(p, 'Surgery A', { sortOrder: 1 });
    const first = await addChair(p, 'Hygiene', { sortOrder: 0, colour: '#123456' });
    expect(first).toMatchObject({ name: 'Hygiene', colour: '#123456', sortOrder: 0, active: true });

    const list = await p.dentist.get(p.url('/chairs'));
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((c: { name: string }) => c.name)).toEqual(['Hygiene', 'Surgery A', 'Surgery B']);

    const dup = await p.owner.post(p.url('/chairs'), { name: 'Surgery A' });
    expect([dup.statusCode, dup.json().code]).toEqual([409, 'duplicate_name']);
    const dupRename = await p.owner.patch(p.url(`/chairs/${b.id}`), { name: 'Surgery A' });
    expect([dupRename.statusCode, dupRename.json().code]).toEqual([409, 'duplicate_name']);

    const renamed = await p.owner.patch(p.url(`/chairs/${b.id}`), { name: 'Surgery C', sortOrder: 5 });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ id: b.id, name: 'Surgery C', sortOrder: 5 });

    const unknown = await p.owner.patch(p.url(`/chairs/${randomUUID()}`), { name: 'X' });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'chair_not_found']);
  });

  it('refuses a bad colour and an empty name', async () => {
    const p = await practice();
    const res = await p.owner.post(p.url('/chairs'), { name: ' ', colour: 'red' });
    expect([res.statusCode, res.json().code]).toEqual([400, 'validation_failed']);
  });

  it('is managed by the owner only; everyone reads', async () => {
    const p = await practice();
    const chair = await addChair(p, 'Chair 1');
    for (const client of [p.receptionist, p.dentist]) {
      expect((await client.post(p.url('/chairs'), { name: 'Nope' })).statusCode).toBe(403);
      expect((await client.patch(p.url(`/chairs/${chair.id}`), { name: 'Nope' })).statusCode).toBe(403);
      expect((await client.delete(p.url(`/chairs/${chair.id}`))).statusCode).toBe(403);
      expect((await client.get(p.url('/chairs'))).statusCode).toBe(200);
    }
  });

  it('deletes an unused chair and deactivates one that hours point at', async () => {
    const p = await practice();
    const unused = await addChair(p, 'Spare');
    const used = await addChair(p, 'Main');
    await addProvider(p, p.dentistId);
    expect(
      (
        await put(p.owner, p.url(`/providers/${p.dentistId}/hours`), {
          hours: [{ weekday: 1, start: '09:00', end: '12:00', chairId: used.id }],
        })
      ).statusCode,
    ).toBe(200);

    const deleted = await p.owner.delete(p.url(`/chairs/${unused.id}`));
    expect(deleted.statusCode).toBe(204);
    const kept = await p.owner.delete(p.url(`/chairs/${used.id}`));
    expect(kept.statusCode).toBe(200);
    expect(kept.json()).toMatchObject({ id: used.id, name: 'Main', active: false });

    const names = (await p.owner.get(p.url('/chairs')))
      .json()
      .items.map((c: { name: string; active: boolean }) => [c.name, c.active]);
    expect(names).toEqual([['Main', false]]);
    expect((await p.owner.delete(p.url(`/chairs/${unused.id}`))).statusCode).toBe(404);
    const actions = (await auditActions(p.practiceId)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['chair.created', 'chair.deleted', 'chair.deactivated']));
  });
});

describe('providers and their hours', () => {
  it('makes a dentist a provider, with their role and no hours yet', async () => {
    const p = await practice();
    const created = await addProvider(p, p.dentistId, 'Dr Ramgoolam');
    expect(created).toEqual({
      userId: p.dentistId,
      displayName: 'Dr Ramgoolam',
      colour: '#2563eb',
      active: true,
      role: 'dentist',
      hours: [],
    });
    await addProvider(p, p.ownerId, 'Dr Owner');
    const list = (await p.receptionist.get(p.url('/providers'))).json().items;
    expect(list.map((x: { displayName: string; role: string }) => [x.displayName, x.role])).toEqual([
      ['Dr Owner', 'owner'],
      ['Dr Ramgoolam', 'dentist'],
    ]);
    const again = await p.owner.post(p.url('/providers'), { userId: p.dentistId, displayName: 'Again' });
    expect([again.statusCode, again.json().code]).toEqual([409, 'duplicate_name']);
  });

  it('refuses a receptionist (422) and a user who is not a member (404)', async () => {
    const p = await practice();
    const receptionist = await p.owner.post(p.url('/providers'), {
      userId: p.receptionistId,
      displayName: 'Front desk',
    });
    expect([receptionist.statusCode, receptionist.json().code]).toEqual([422, 'provider_not_allowed']);
    const other = await makePractice(t.ctx);
    const stranger = await p.owner.post(p.url('/providers'), { userId: other.owner.id, displayName: 'Stranger' });
    expect([stranger.statusCode, stranger.json().code]).toEqual([404, 'member_not_found']);
  });

  it('updates a provider', async () => {
    const p = await practice();
    await addProvider(p, p.dentistId);
    const res = await p.owner.patch(p.url(`/providers/${p.dentistId}`), { displayName: 'Dr New', active: false });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ displayName: 'Dr New', active: false });
    const unknown = await p.owner.patch(p.url(`/providers/${p.receptionistId}`), { displayName: 'X' });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'provider_not_found']);
    expect((await p.dentist.patch(p.url(`/providers/${p.dentistId}`), { displayName: 'Me' })).statusCode).toBe(403);
  });

  it('replaces weekly hours, with chairs, validity and an end at midnight', async () => {
    const p = await practice();
    const chair = await addChair(p, 'Chair 1');
    await addProvider(p, p.dentistId);
    const hours = [
      { weekday: 2, start: '14:00', end: '24:00' },
      { weekday: 1, start: '13:00', end: '17:00', chairId: chair.id },
      { weekday: 1, start: '08:30', end: '12:00', chairId: chair.id, validFrom: '2026-01-01', validTo: '2026-06-30' },
      { weekday: 1, start: '08:30', end: '12:00', validFrom: '2026-07-01' },
    ];
    const res = await put(p.owner, p.url(`/providers/${p.dentistId}/hours`), { hours });
    expect(res.statusCode, res.body).toBe(200);
    const got = res.json().hours.map(({ id, ...h }: { id: string }) => {
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      return h;
    });
    expect(got).toEqual([
      { weekday: 1, start: '08:30', end: '12:00', chairId: chair.id, validFrom: '2026-01-01', validTo: '2026-06-30' },
      { weekday: 1, start: '08:30', end: '12:00', chairId: null, validFrom: '2026-07-01', validTo: null },
      { weekday: 1, start: '13:00', end: '17:00', chairId: chair.id, validFrom: null, validTo: null },
      { weekday: 2, start: '14:00', end: '24:00', chairId: null, validFrom: null, validTo: null },
    ]);
    const replaced = await put(p.owner, p.url(`/providers/${p.dentistId}/hours`), {
      hours: [{ weekday: 5, start: '09:00', end: '10:00' }],
    });
    expect(replaced.json().hours).toHaveLength(1);
    const listed = (await p.dentist.get(p.url('/providers'))).json().items[0];
    expect(listed.hours).toEqual([expect.objectContaining({ weekday: 5, start: '09:00', end: '10:00' })]);
  });

  it('refuses overlaps (409, naming the day), backwards periods and unknown chairs, leaving the old hours', async () => {
    const p = await practice();
    await addProvider(p, p.dentistId);
    const before = [{ weekday: 3, start: '09:00', end: '12:00' }];
    expect((await put(p.owner, p.url(`/providers/${p.dentistId}/hours`), { hours: before })).statusCode).toBe(200);

    const overlap = await put(p.owner, p.url(`/providers/${p.dentistId}/hours`), {
      hours: [
        { weekday: 1, start: '08:00', end: '09:00' },
        { weekday: 4, start: '09:00', end: '12:00' },
        { weekday: 4, start: '11:00', end: '13:00' },
      ],
    });
    expect([overlap.statusCode, overlap.json().code]).toEqual([409, 'schedule_overlap']);
    expect(overlap.json().detail).toContain('Thursday');
    expect(overlap.json().detail).toContain('09:00–12:00');

    const backwards = await put(p.owner, p.url(`/providers/${p.dentistId}/hours`), {
      hours: [{ weekday: 1, start: '12:00', end: '09:00' }],
    });
    expect([backwards.statusCode, backwards.json().code]).toEqual([400, 'invalid_period']);
    const empty = await put(p.owner, p.url(`/providers/${p.dentistId}/hours`), {
      hours: [{ weekday: 1, start: '09:00', end: '09:00' }],
    });
    expect([empty.statusCode, empty.json().code]).toEqual([400, 'invalid_period']);
    const validity = await put(p.owner, p.url(`/providers/${p.dentistId}/hours`), {
      hours: [{ weekday: 1, start: '09:00', end: '10:00', validFrom: '2026-05-01', validTo: '2026-04-01' }],
    });
    expect([validity.statusCode, validity.json().code]).toEqual([400, 'invalid_period']);

    const unknownChair = await put(p.owner, p.url(`/providers/${p.dentistId}/hours`), {
      hours: [{ weekday: 1, start: '09:00', end: '10:00', chairId: randomUUID() }],
    });
    expect([unknownChair.statusCode, unknownChair.json().code]).toEqual([404, 'chair_not_found']);

    const notAProvider = await put(p.owner, p.url(`/providers/${p.ownerId}/hours`), { hours: before });
    expect([notAProvider.statusCode, notAProvider.json().code]).toEqual([404, 'provider_not_found']);

    const hours = (await p.owner.get(p.url('/providers'))).json().items[0].hours;
    expect(hours.map((h: { weekday: number; start: string; end: string }) => [h.weekday, h.start, h.end])).toEqual([
      [3, '09:00', '12:00'],
    ]);
  });

  it("refuses another practice's chair in the hours (404)", async () => {
    const a = await practice();
    const b = await practice();
    const chairOfB = await addChair(b, 'B chair');
    await addProvider(a, a.dentistId);
    const res = await put(a.owner, a.url(`/providers/${a.dentistId}/hours`), {
      hours: [{ weekday: 1, start: '09:00', end: '10:00', chairId: chairOfB.id }],
    });
    expect([res.statusCode, res.json().code]).toEqual([404, 'chair_not_found']);
  });

  it('lets only the owner change hours', async () => {
    const p = await practice();
    await addProvider(p, p.dentistId);
    for (const client of [p.dentist, p.receptionist]) {
      expect((await put(client, p.url(`/providers/${p.dentistId}/hours`), { hours: [] })).statusCode).toBe(403);
    }
  });
});

describe('opening hours and calendar settings', () => {
  it('replaces and reads the week', async () => {
    const p = await practice();
    expect((await p.dentist.get(p.url('/opening-hours'))).json()).toEqual({ hours: [] });
    const week = [
      { weekday: 6, start: '08:00', end: '12:00' },
      { weekday: 1, start: '14:00', end: '18:00' },
      { weekday: 1, start: '08:00', end: '12:00' },
    ];
    const res = await put(p.owner, p.url('/opening-hours'), { hours: week });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().hours).toEqual([week[2], week[1], week[0]]);
    expect((await p.receptionist.get(p.url('/opening-hours'))).json().hours).toHaveLength(3);
  });

  it('refuses overlaps and backwards periods, keeping the previous week', async () => {
    const p = await practice();
    const week = [{ weekday: 2, start: '08:00', end: '16:00' }];
    await put(p.owner, p.url('/opening-hours'), { hours: week });
    const overlap = await put(p.owner, p.url('/opening-hours'), {
      hours: [
        { weekday: 1, start: '08:00', end: '16:00' },
        { weekday: 1, start: '15:00', end: '18:00' },
      ],
    });
    expect([overlap.statusCode, overlap.json().code]).toEqual([409, 'schedule_overlap']);
    expect(overlap.json().detail).toContain('Monday');
    const backwards = await put(p.owner, p.url('/opening-hours'), {
      hours: [{ weekday: 1, start: '18:00', end: '08:00' }],
    });
    expect([backwards.statusCode, backwards.json().code]).toEqual([400, 'invalid_period']);
    const badTime = await put(p.owner, p.url('/opening-hours'), {
      hours: [{ weekday: 1, start: '8:00', end: '25:00' }],
    });
    expect([badTime.statusCode, badTime.json().code]).toEqual([400, 'validation_failed']);
    expect((await p.owner.get(p.url('/opening-hours'))).json().hours).toEqual(week);
    expect((await put(p.receptionist, p.url('/opening-hours'), { hours: [] })).statusCode).toBe(403);
  });

  it('reads and changes the slot step and hold length', async () => {
    const p = await practice();
    expect((await p.dentist.get(p.url('/calendar-settings'))).json()).toEqual({ slotStepMinutes: 15, holdMinutes: 5 });
    const res = await p.owner.patch(p.url('/calendar-settings'), { slotStepMinutes: 10 });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ slotStepMinutes: 10, holdMinutes: 5 });
    const bad = await p.owner.patch(p.url('/calendar-settings'), { slotStepMinutes: 7 });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'validation_failed']);
    expect((await p.receptionist.patch(p.url('/calendar-settings'), { holdMinutes: 10 })).statusCode).toBe(403);
    const event = (await auditActions(p.practiceId)).find((e) => e.action === 'calendar_settings.updated');
    expect(event?.changes).toEqual({ slotStepMinutes: { from: 15, to: 10 } });
  });
});

describe('closures', () => {
  it('creates, lists by window and deletes', async () => {
    const p = await practice();
    const res = await p.owner.post(p.url('/closures'), {
      start: '2026-12-24T08:00:00+04:00',
      end: '2026-12-28T00:00:00+04:00',
      reason: 'Renovation',
    });
    expect(res.statusCode, res.body).toBe(201);
    const closure = res.json();
    expect(closure).toMatchObject({
      start: '2026-12-24T04:00:00.000Z',
      end: '2026-12-27T20:00:00.000Z',
      reason: 'Renovation',
    });
    await p.owner.post(p.url('/closures'), { start: '2027-01-10T00:00:00Z', end: '2027-01-11T00:00:00Z' });

    const all = (await p.dentist.get(p.url('/closures'))).json().items;
    expect(all).toHaveLength(2);
    const december = (
      await p.dentist.get(
        p.url(
          `/closures?from=${encodeURIComponent('2026-12-01T00:00:00Z')}&to=${encodeURIComponent('2027-01-01T00:00:00Z')}`,
        ),
      )
    ).json().items;
    expect(december.map((c: { id: string }) => c.id)).toEqual([closure.id]);
    const later = (await p.dentist.get(p.url(`/closures?from=${encodeURIComponent('2027-01-10T12:00:00Z')}`))).json()
      .items;
    expect(later).toHaveLength(1);

    expect((await p.owner.delete(p.url(`/closures/${closure.id}`))).statusCode).toBe(204);
    const again = await p.owner.delete(p.url(`/closures/${closure.id}`));
    expect([again.statusCode, again.json().code]).toEqual([404, 'schedule_entry_not_found']);
    const event = (await auditActions(p.practiceId)).find((e) => e.action === 'closure.created');
    expect(JSON.stringify(event?.changes)).not.toContain('Renovation');
  });

  it('refuses an end not after the start, and non-owners', async () => {
    const p = await practice();
    const res = await p.owner.post(p.url('/closures'), { start: '2026-12-24T08:00:00Z', end: '2026-12-24T08:00:00Z' });
    expect([res.statusCode, res.json().code]).toEqual([400, 'invalid_period']);
    const before = await p.owner.post(p.url('/closures'), {
      start: '2026-12-24T08:00:00Z',
      end: '2026-12-23T08:00:00Z',
    });
    expect([before.statusCode, before.json().code]).toEqual([400, 'invalid_period']);
    const noZone = await p.owner.post(p.url('/closures'), { start: '2026-12-24T08:00:00', end: '2026-12-25T08:00:00' });
    expect([noZone.statusCode, noZone.json().code]).toEqual([400, 'validation_failed']);
    expect(
      (await p.receptionist.post(p.url('/closures'), { start: '2026-12-24T08:00:00Z', end: '2026-12-25T08:00:00Z' }))
        .statusCode,
    ).toBe(403);
  });
});

describe('changing a closure', () => {
  it('moves it or changes its reason, audited without the reason; an unchanged patch writes nothing', async () => {
    const p = await practice();
    const closure = (
      await p.owner.post(p.url('/closures'), {
        start: '2026-12-24T08:00:00+04:00',
        end: '2026-12-28T00:00:00+04:00',
        reason: 'Renovation',
      })
    ).json();
    const reason = await p.owner.patch(p.url(`/closures/${closure.id}`), { reason: 'Renovation of the waiting room' });
    expect(reason.statusCode, reason.body).toBe(200);
    expect(reason.json()).toEqual({ ...closure, reason: 'Renovation of the waiting room' });
    // The same instants written another way are no change.
    const same = await p.owner.patch(p.url(`/closures/${closure.id}`), {
      start: '2026-12-24T04:00:00Z',
      end: '2026-12-27T20:00:00.000Z',
    });
    expect(same.json()).toEqual(reason.json());
    const moved = await p.owner.patch(p.url(`/closures/${closure.id}`), { end: '2026-12-29T00:00:00+04:00' });
    expect(moved.json()).toEqual({ ...reason.json(), end: '2026-12-28T20:00:00.000Z' });
    const listed = (await p.dentist.get(p.url(`/closures?from=${encodeURIComponent('2026-12-28T12:00:00Z')}`))).json()
      .items;
    expect(listed.map((c: { id: string }) => c.id)).toEqual([closure.id]);

    const events = (await auditActions(p.practiceId)).filter((e) => e.action === 'closure.updated');
    expect(events.map((e) => e.changes)).toEqual([
      { fields: ['reason'], start: closure.start, end: closure.end },
      {
        fields: ['end'],
        start: closure.start,
        end: '2026-12-28T20:00:00.000Z',
        previous: { start: closure.start, end: closure.end },
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('Renovation');
  });

  it('refuses an end not after the start (also against the stored start), unknown closures and non-owners, changing nothing', async () => {
    const p = await practice();
    const other = await practice();
    const closure = (
      await p.owner.post(p.url('/closures'), { start: '2026-12-24T08:00:00Z', end: '2026-12-25T08:00:00Z' })
    ).json();
    const backwards = await p.owner.patch(p.url(`/closures/${closure.id}`), { end: '2026-12-24T07:00:00Z' });
    expect([backwards.statusCode, backwards.json().code]).toEqual([400, 'invalid_period']);
    const empty = await p.owner.patch(p.url(`/closures/${closure.id}`), { start: '2026-12-25T08:00:00Z' });
    expect([empty.statusCode, empty.json().code]).toEqual([400, 'invalid_period']);
    const noZone = await p.owner.patch(p.url(`/closures/${closure.id}`), { start: '2026-12-24T09:00:00' });
    expect([noZone.statusCode, noZone.json().code]).toEqual([400, 'validation_failed']);
    const unknown = await p.owner.patch(p.url(`/closures/${randomUUID()}`), { reason: 'x' });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'schedule_entry_not_found']);
    const elsewhere = await other.owner.patch(other.url(`/closures/${closure.id}`), { reason: 'x' });
    expect([elsewhere.statusCode, elsewhere.json().code]).toEqual([404, 'schedule_entry_not_found']);
    expect((await p.receptionist.patch(p.url(`/closures/${closure.id}`), { reason: 'x' })).statusCode).toBe(403);
    expect((await p.dentist.get(p.url('/closures'))).json().items).toEqual([closure]);
    expect((await auditActions(p.practiceId)).filter((e) => e.action === 'closure.updated')).toEqual([]);
  });
});

describe('public holidays', () => {
  it('ships fifteen holidays a year, alternating Assumption and All Saints, one row per date', () => {
    for (const year of ['2026', '2027'])
      expect(MAURITIUS_HOLIDAYS.filter((h) => h.date.startsWith(year))).toHaveLength(15);
    const rows = mauritiusHolidayRows();
    expect(new Set(rows.map((r) => r.date)).size).toBe(rows.length);
    expect(rows.find((r) => r.date === '2026-02-01')).toMatchObject({
      nameEn: 'Abolition of Slavery / Thaipoosam Cavadee',
      provisional: true,
    });
    expect(rows.find((r) => r.date === '2026-08-15')?.nameFr).toBe('Assomption');
    expect(rows.find((r) => r.date === '2027-11-01')?.nameFr).toBe('Toussaint');
    expect(rows.find((r) => r.date === '2027-08-15')).toBeUndefined();
    expect(rows.find((r) => r.date === '2026-11-01')).toBeUndefined();
    expect(rows.filter((r) => r.nameEn === 'Divali').every((r) => r.provisional)).toBe(true);
    expect(rows.find((r) => r.date === '2026-12-25')?.provisional).toBe(false);
  });

  it('gives a new practice the shipped list; the import puts back what was removed, once', async () => {
    const p = await practice();
    const shipped = (await p.dentist.get(p.url('/holidays'))).json().items;
    expect(shipped).toHaveLength(mauritiusHolidayRows().length);
    const nationalDay = shipped.find((h: { date: string }) => h.date === '2026-03-12');
    expect((await p.owner.delete(p.url(`/holidays/${nationalDay.id}`))).statusCode).toBe(204);
    const first = await p.owner.post(p.url('/holidays/import-mauritius'));
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ added: 1 });
    expect((await p.owner.post(p.url('/holidays/import-mauritius'))).json()).toEqual({ added: 0 });

    const y2026 = (await p.dentist.get(p.url('/holidays?year=2026'))).json().items;
    expect(y2026).toHaveLength(14);
    expect(y2026.find((h: { date: string }) => h.date === '2026-03-12')).toMatchObject({
      nameEn: 'Independence and Republic Day',
      nameFr: "Fête de l'Indépendance et de la République",
    });
    const y2027 = (await p.dentist.get(p.url('/holidays?year=2027'))).json().items.map((h: { date: string }) => h.date);
    expect(y2027).toHaveLength(15);
    expect(y2027).toContain('2027-11-01');
    expect(y2027).not.toContain('2027-08-15');
    expect(y2027).toEqual([...y2027].sort());
    expect((await p.dentist.get(p.url('/holidays'))).json().items).toHaveLength(29);
    expect((await auditActions(p.practiceId)).filter((e) => e.action === 'holiday.imported')).toHaveLength(1);
    expect((await p.receptionist.post(p.url('/holidays/import-mauritius'))).statusCode).toBe(403);
  });

  it("keeps an owner's correction when importing, and the correction confirms the date", async () => {
    const p = await practice();
    const shipped = (await p.owner.get(p.url('/holidays?year=2026')))
      .json()
      .items.find((h: { date: string }) => h.date === '2026-11-08');
    expect(shipped).toMatchObject({ nameEn: 'Divali', provisional: true });
    const own = await p.owner.patch(p.url(`/holidays/${shipped.id}`), {
      nameEn: 'Divali (confirmed)',
      nameFr: 'Divali (confirmé)',
    });
    expect(own.json()).toMatchObject({ nameEn: 'Divali (confirmed)', provisional: false });
    expect((await p.owner.post(p.url('/holidays/import-mauritius'))).json()).toEqual({ added: 0 });
    const divali = (await p.owner.get(p.url('/holidays?year=2026')))
      .json()
      .items.find((h: { date: string }) => h.date === '2026-11-08');
    expect(divali).toMatchObject({ nameEn: 'Divali (confirmed)', provisional: false });
  });

  it('adds, corrects and removes a holiday; refuses a second one on the same date', async () => {
    const p = await practice();
    const created = await p.owner.post(p.url('/holidays'), {
      date: '2026-09-22',
      nameEn: 'Practice day',
      nameFr: 'Journée du cabinet',
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const other = await p.owner.post(p.url('/holidays'), { date: '2026-09-28', nameEn: 'Other', nameFr: 'Autre' });
    const dup = await p.owner.post(p.url('/holidays'), { date: '2026-09-22', nameEn: 'Again', nameFr: 'Encore' });
    expect([dup.statusCode, dup.json().code]).toEqual([409, 'duplicate_name']);

    const moved = await p.owner.patch(p.url(`/holidays/${id}`), { date: '2026-09-23' });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toEqual({
      id,
      date: '2026-09-23',
      nameEn: 'Practice day',
      nameFr: 'Journée du cabinet',
      provisional: false,
    });
    const clash = await p.owner.patch(p.url(`/holidays/${id}`), { date: '2026-09-28' });
    expect([clash.statusCode, clash.json().code]).toEqual([409, 'duplicate_name']);

    expect((await p.owner.delete(p.url(`/holidays/${other.json().id}`))).statusCode).toBe(204);
    const gone = await p.owner.patch(p.url(`/holidays/${other.json().id}`), { nameEn: 'X' });
    expect([gone.statusCode, gone.json().code]).toEqual([404, 'schedule_entry_not_found']);
    const bad = await p.owner.post(p.url('/holidays'), { date: '2026-02-30', nameEn: 'X', nameFr: 'X' });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'validation_failed']);
    expect(
      (await p.dentist.post(p.url('/holidays'), { date: '2026-09-21', nameEn: 'X', nameFr: 'X' })).statusCode,
    ).toBe(403);
  });

  it('is seeded when a practice is created, and seeding again adds nothing', async () => {
    const p = await makePractice(t.ctx);
    const count = await inPractice(t.db, p.practiceId, (tx) =>
      tx.selectFrom('publicHolidays').select(tx.fn.countAll().as('n')).executeTakeFirstOrThrow(),
    );
    expect(Number(count.n)).toBe(mauritiusHolidayRows().length);
    expect(await inPractice(t.db, p.practiceId, (tx) => seedPublicHolidays(tx, p.practiceId))).toBe(0);
  });
});

describe('blocks', () => {
  it('lets the front desk block a provider, a chair or the whole practice, and remove it', async () => {
    const p = await practice();
    const chair = await addChair(p, 'Chair 1');
    await addProvider(p, p.dentistId);
    const leave = await p.receptionist.post(p.url('/blocks'), {
      providerId: p.dentistId,
      start: '2026-12-01T04:00:00Z',
      end: '2026-12-05T14:00:00Z',
      kind: 'leave',
      note: 'Family wedding',
    });
    expect(leave.statusCode, leave.body).toBe(201);
    expect(leave.json()).toMatchObject({
      providerId: p.dentistId,
      chairId: null,
      start: '2026-12-01T04:00:00.000Z',
      end: '2026-12-05T14:00:00.000Z',
      kind: 'leave',
      note: 'Family wedding',
    });
    const maintenance = await p.receptionist.post(p.url('/blocks'), {
      chairId: chair.id,
      start: '2026-12-10T04:00:00Z',
      end: '2026-12-10T06:00:00Z',
      kind: 'maintenance',
    });
    expect(maintenance.statusCode).toBe(201);
    const meeting = await p.owner.post(p.url('/blocks'), {
      providerId: null,
      chairId: null,
      start: '2026-12-15T04:00:00Z',
      end: '2026-12-15T05:00:00Z',
      kind: 'meeting',
    });
    expect(meeting.json()).toMatchObject({ providerId: null, chairId: null, kind: 'meeting', note: '' });

    const all = (await p.dentist.get(p.url('/blocks'))).json().items.map((b: { kind: string }) => b.kind);
    expect(all).toEqual(['leave', 'maintenance', 'meeting']);
    const window = (
      await p.dentist.get(
        p.url(
          `/blocks?from=${encodeURIComponent('2026-12-05T00:00:00Z')}&to=${encodeURIComponent('2026-12-11T00:00:00Z')}`,
        ),
      )
    ).json().items;
    expect(window.map((b: { kind: string }) => b.kind)).toEqual(['leave', 'maintenance']);
    const backwardsWindow = await p.dentist.get(
      p.url(
        `/blocks?from=${encodeURIComponent('2026-12-11T00:00:00Z')}&to=${encodeURIComponent('2026-12-05T00:00:00Z')}`,
      ),
    );
    expect([backwardsWindow.statusCode, backwardsWindow.json().code]).toEqual([400, 'invalid_period']);

    expect((await p.receptionist.delete(p.url(`/blocks/${leave.json().id}`))).statusCode).toBe(204);
    const again = await p.receptionist.delete(p.url(`/blocks/${leave.json().id}`));
    expect([again.statusCode, again.json().code]).toEqual([404, 'schedule_entry_not_found']);

    const events = (await auditActions(p.practiceId)).filter((e) => e.action.startsWith('block.'));
    expect(events.map((e) => e.action)).toEqual(['block.created', 'block.created', 'block.created', 'block.deleted']);
    expect(JSON.stringify(events)).not.toContain('Family wedding');
  });

  it('refuses a backwards period, unknown providers and chairs, and dentists', async () => {
    const p = await practice();
    const base = { start: '2026-12-01T04:00:00Z', end: '2026-12-01T05:00:00Z', kind: 'other' };
    const backwards = await p.receptionist.post(p.url('/blocks'), { ...base, end: '2026-12-01T03:00:00Z' });
    expect([backwards.statusCode, backwards.json().code]).toEqual([400, 'invalid_period']);
    const provider = await p.receptionist.post(p.url('/blocks'), { ...base, providerId: p.dentistId });
    expect([provider.statusCode, provider.json().code]).toEqual([404, 'provider_not_found']);
    const chair = await p.receptionist.post(p.url('/blocks'), { ...base, chairId: randomUUID() });
    expect([chair.statusCode, chair.json().code]).toEqual([404, 'chair_not_found']);
    const kind = await p.receptionist.post(p.url('/blocks'), { ...base, kind: 'nap' });
    expect([kind.statusCode, kind.json().code]).toEqual([400, 'validation_failed']);
    expect((await p.dentist.post(p.url('/blocks'), base)).statusCode).toBe(403);
    expect((await p.dentist.get(p.url('/blocks'))).json().items).toEqual([]);
  });
});

describe('changing a block', () => {
  it('moves it, changes whom it blocks, its kind and note; audited without the note', async () => {
    const p = await practice();
    const chair = await addChair(p, 'Chair 1');
    await addProvider(p, p.dentistId);
    const block = (
      await p.receptionist.post(p.url('/blocks'), {
        providerId: p.dentistId,
        start: '2026-12-01T04:00:00Z',
        end: '2026-12-01T05:00:00Z',
        kind: 'meeting',
        note: 'Supplier visit',
      })
    ).json();
    const moved = await p.receptionist.patch(p.url(`/blocks/${block.id}`), {
      start: '2026-12-02T04:00:00+00:00',
      end: '2026-12-02T06:00:00Z',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toEqual({ ...block, start: '2026-12-02T04:00:00.000Z', end: '2026-12-02T06:00:00.000Z' });
    const toChair = await p.owner.patch(p.url(`/blocks/${block.id}`), {
      providerId: null,
      chairId: chair.id,
      kind: 'maintenance',
      note: 'Compressor service',
    });
    expect(toChair.json()).toEqual({
      ...moved.json(),
      providerId: null,
      chairId: chair.id,
      kind: 'maintenance',
      note: 'Compressor service',
    });
    const wholePractice = await p.receptionist.patch(p.url(`/blocks/${block.id}`), { chairId: null });
    expect(wholePractice.json()).toMatchObject({ providerId: null, chairId: null });
    const window = (
      await p.dentist.get(
        p.url(
          `/blocks?from=${encodeURIComponent('2026-12-02T00:00:00Z')}&to=${encodeURIComponent('2026-12-03T00:00:00Z')}`,
        ),
      )
    ).json().items;
    expect(window).toEqual([wholePractice.json()]);

    const events = (await auditActions(p.practiceId)).filter((e) => e.action === 'block.updated');
    expect(events.map((e) => e.changes)).toEqual([
      {
        fields: ['start', 'end'],
        providerId: p.dentistId,
        chairId: null,
        kind: 'meeting',
        start: '2026-12-02T04:00:00.000Z',
        end: '2026-12-02T06:00:00.000Z',
      },
      {
        fields: ['providerId', 'chairId', 'kind', 'note'],
        providerId: null,
        chairId: chair.id,
        kind: 'maintenance',
        start: '2026-12-02T04:00:00.000Z',
        end: '2026-12-02T06:00:00.000Z',
      },
      {
        fields: ['chairId'],
        providerId: null,
        chairId: null,
        kind: 'maintenance',
        start: '2026-12-02T04:00:00.000Z',
        end: '2026-12-02T06:00:00.000Z',
      },
    ]);
    expect(JSON.stringify(events)).not.toMatch(/Supplier|Compressor/);
  });

  it("refuses a backwards period, another practice's or unknown providers and chairs, unknown blocks and dentists, changing nothing", async () => {
    const p = await practice();
    const other = await practice();
    const otherChair = await addChair(other, 'Their chair');
    await addProvider(other, other.dentistId);
    const block = (
      await p.receptionist.post(p.url('/blocks'), {
        start: '2026-12-01T04:00:00Z',
        end: '2026-12-01T05:00:00Z',
        kind: 'other',
      })
    ).json();
    const patch = (body: unknown) => p.receptionist.patch(p.url(`/blocks/${block.id}`), body);
    const codeOf = async (body: unknown) => {
      const res = await patch(body);
      return [res.statusCode, res.json().code];
    };
    expect(await codeOf({ start: '2026-12-01T05:00:00Z' })).toEqual([400, 'invalid_period']);
    expect(await codeOf({ end: '2026-12-01T03:00:00Z' })).toEqual([400, 'invalid_period']);
    expect(await codeOf({ providerId: p.dentistId })).toEqual([404, 'provider_not_found']);
    expect(await codeOf({ providerId: other.dentistId })).toEqual([404, 'provider_not_found']);
    expect(await codeOf({ chairId: otherChair.id })).toEqual([404, 'chair_not_found']);
    expect(await codeOf({ chairId: randomUUID() })).toEqual([404, 'chair_not_found']);
    expect(await codeOf({ kind: 'nap' })).toEqual([400, 'validation_failed']);
    const unknown = await p.receptionist.patch(p.url(`/blocks/${randomUUID()}`), { kind: 'lunch' });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'schedule_entry_not_found']);
    const elsewhere = await other.receptionist.patch(other.url(`/blocks/${block.id}`), { kind: 'lunch' });
    expect([elsewhere.statusCode, elsewhere.json().code]).toEqual([404, 'schedule_entry_not_found']);
    expect((await p.dentist.patch(p.url(`/blocks/${block.id}`), { kind: 'lunch' })).statusCode).toBe(403);
    expect((await p.dentist.get(p.url('/blocks'))).json().items).toEqual([block]);
    expect((await auditActions(p.practiceId)).filter((e) => e.action === 'block.updated')).toEqual([]);
  });
});

describe('appointment types', () => {
  const checkup = { nameEn: 'Check-up', nameFr: 'Contrôle', durationMinutes: 30 };

  it('creates with defaults, lists active first then by name, updates and deactivates', async () => {
    const p = await practice();
    const created = await p.owner.post(p.url('/appointment-types'), checkup);
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      ...checkup,
      bufferAfterMinutes: 0,
      allowedRoles: ['dentist'],
      colour: '#0ea5e9',
      whatsappBookable: false,
      minNoticeMinutes: 120,
      maxDaysAhead: 90,
      active: true,
    });
    const scaling = (
      await p.owner.post(p.url('/appointment-types'), {
        nameEn: 'Scale and polish',
        nameFr: 'Détartrage',
        durationMinutes: 45,
        allowedRoles: ['hygienist', 'dentist', 'hygienist'],
        whatsappBookable: true,
      })
    ).json();
    expect(scaling.allowedRoles).toEqual(['hygienist', 'dentist']);
    const aligner = (
      await p.owner.post(p.url('/appointment-types'), {
        nameEn: 'Aligner review',
        nameFr: 'Contrôle aligneurs',
        durationMinutes: 20,
      })
    ).json();

    const updated = await p.owner.patch(p.url(`/appointment-types/${scaling.id}`), {
      durationMinutes: 40,
      bufferAfterMinutes: 10,
    });
    expect(updated.json()).toMatchObject({ durationMinutes: 40, bufferAfterMinutes: 10, nameEn: 'Scale and polish' });

    const removed = await p.owner.delete(p.url(`/appointment-types/${aligner.id}`));
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ id: aligner.id, active: false });

    const list = (await p.receptionist.get(p.url('/appointment-types')))
      .json()
      .items.map((x: { nameEn: string; active: boolean }) => [x.nameEn, x.active]);
    expect(list).toEqual([
      ['Check-up', true],
      ['Scale and polish', true],
      ['Aligner review', false],
    ]);
    const actions = (await auditActions(p.practiceId))
      .map((e) => e.action)
      .filter((a) => a.startsWith('appointment_type.'));
    expect(actions).toEqual([
      'appointment_type.created',
      'appointment_type.created',
      'appointment_type.created',
      'appointment_type.updated',
      'appointment_type.deactivated',
    ]);
  });

  it('refuses bad input, unknown types and non-owners', async () => {
    const p = await practice();
    const bad = await p.owner.post(p.url('/appointment-types'), {
      ...checkup,
      durationMinutes: 2,
      allowedRoles: ['receptionist'],
    });
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'validation_failed']);
    const unknown = await p.owner.patch(p.url(`/appointment-types/${randomUUID()}`), { durationMinutes: 30 });
    expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'appointment_type_not_found']);
    expect((await p.owner.delete(p.url(`/appointment-types/${randomUUID()}`))).statusCode).toBe(404);
    expect((await p.receptionist.post(p.url('/appointment-types'), checkup)).statusCode).toBe(403);
    expect((await p.dentist.get(p.url('/appointment-types'))).statusCode).toBe(200);
  });
});

describe('audit trail', () => {
  it('records every settings change with ids and fields, never free text', async () => {
    const p = await practice();
    const chair = await addChair(p, 'Chair 1');
    await p.owner.patch(p.url(`/chairs/${chair.id}`), { colour: '#000000' });
    await addProvider(p, p.dentistId);
    await put(p.owner, p.url(`/providers/${p.dentistId}/hours`), {
      hours: [{ weekday: 1, start: '09:00', end: '12:00' }],
    });
    await put(p.owner, p.url('/opening-hours'), { hours: [{ weekday: 1, start: '08:00', end: '17:00' }] });
    await p.owner.post(p.url('/holidays'), {
      date: '2026-05-04',
      nameEn: 'Practice day',
      nameFr: 'Journée du cabinet',
    });
    // Refused changes leave no event.
    await put(p.owner, p.url('/opening-hours'), {
      hours: [
        { weekday: 1, start: '08:00', end: '17:00' },
        { weekday: 1, start: '09:00', end: '10:00' },
      ],
    });

    const events = await auditActions(p.practiceId);
    const settings = events.filter(
      (e) => !e.action.startsWith('practice.') && !e.action.startsWith('staff.') && !e.action.startsWith('auth.'),
    );
    expect(settings.map((e) => e.action)).toEqual([
      'chair.created',
      'chair.updated',
      'provider.created',
      'provider.hours_replaced',
      'opening_hours.replaced',
      'holiday.created',
    ]);
    expect(settings.find((e) => e.action === 'chair.updated')?.changes).toEqual({ fields: ['colour'] });
    expect(settings.find((e) => e.action === 'provider.hours_replaced')?.changes).toEqual({
      intervals: 1,
      weekdays: [1],
    });
  });
});
