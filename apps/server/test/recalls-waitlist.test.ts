import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPatient } from '../src/modules/patients/patients.service.js';
import { systemActor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type Client, createTestApp, loggedIn, type TestApp } from './harness.js';
import { makeSchedulingPractice, mu } from './scheduling-fixtures.js';

/**
 * The recall list and the waitlist as the front desk's screens read them (issue 16): recalls by
 * month, by provider (the recall's, else the last visit's), by last visit, with the last visit
 * shown; the open waitlist (waiting and offered).
 */

let t: TestApp;
let p: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let reception: Client;
let dentist: Client;
let base: string;
const patients: Record<string, string> = {};

type RecallItem = {
  id: string;
  patientId: string;
  patientName: string;
  dueDate: string;
  status: string;
  appointmentTypeId: string | null;
  providerId: string | null;
  lastVisitAt: string | null;
  lastVisitProviderId: string | null;
};

/** A visit in the past, written as the calendar keeps it (booking refuses the past). */
async function pastVisit(patientId: string, providerId: string, start: Date, status: 'completed' | 'no_show') {
  const end = new Date(start.getTime() + 30 * 60_000);
  const range = `[${start.toISOString()},${end.toISOString()})`;
  await inPractice(t.db, p.practiceId, (tx) =>
    tx
      .insertInto('appointments')
      .values({
        practiceId: p.practiceId,
        patientId,
        providerId,
        chairId: p.chair1,
        appointmentTypeId: p.checkup,
        period: range,
        occupied: range,
        status,
        source: 'staff',
        createdBy: null,
      })
      .execute(),
  );
}

async function recalls(query: string): Promise<RecallItem[]> {
  const res = await reception.get(`${base}/recalls?${query}`);
  expect(res.statusCode).toBe(200);
  return res.json().items;
}
const names = (items: { patientName: string }[]) => items.map((r) => r.patientName);

beforeAll(async () => {
  t = await createTestApp();
  p = await makeSchedulingPractice(t.ctx);
  reception = await loggedIn(t.app, p.receptionist);
  dentist = await loggedIn(t.app, p.dentist);
  base = `/api/v1/practices/${p.practiceId}`;
  for (const [givenName, familyName] of [
    ['Anil', 'Seenauth'],
    ['Béatrice', 'Moutou'],
    ['Chloé', 'Payet'],
    ['Dev', 'Ramsamy'],
  ] as const) {
    const patient = await createPatient(t.ctx, {
      actor: systemActor('test'),
      practiceId: p.practiceId,
      patient: { givenName, familyName, phone: '' },
    });
    patients[givenName] = patient.id;
  }
  // Anil: last seen by the owner in 2025-03 (a no-show since does not count); Béatrice: last seen
  // by the second dentist in 2026-01; Chloé: never seen; Dev: seen by the owner, recall names the
  // second dentist.
  await pastVisit(patients.Anil!, p.dentistId, mu('2025-03-10', '09:00'), 'completed');
  await pastVisit(patients.Anil!, p.dentist.id, mu('2025-09-10', '09:00'), 'no_show');
  await pastVisit(patients.Béatrice!, p.dentistId, mu('2025-06-02', '10:00'), 'completed');
  await pastVisit(patients.Béatrice!, p.dentist.id, mu('2026-01-05', '10:00'), 'completed');
  await pastVisit(patients.Dev!, p.dentistId, mu('2025-12-01', '11:00'), 'completed');
  for (const [who, dueDate, extra] of [
    ['Anil', '2026-09-14', {}],
    ['Béatrice', '2026-07-03', { appointmentTypeId: p.cleaning }],
    ['Chloé', '2026-09-01', {}],
    ['Dev', '2026-09-30', { providerId: p.dentist.id, appointmentTypeId: p.checkup }],
  ] as const) {
    const res = await reception.post(`${base}/recalls`, { patientId: patients[who], dueDate, ...extra });
    expect(res.statusCode).toBe(201);
  }
});
afterAll(() => t.close());

describe('the recall list', () => {
  it('lists a month, soonest first, with the last visit (completed only) and the visit type and provider set', async () => {
    const september = await recalls('dueFrom=2026-09-01&dueBefore=2026-09-30');
    expect(names(september)).toEqual(['Chloé Payet', 'Anil Seenauth', 'Dev Ramsamy']);
    const anil = september.find((r) => r.patientId === patients.Anil)!;
    expect(anil.lastVisitAt).toBe(mu('2025-03-10', '09:00').toISOString());
    expect(anil.lastVisitProviderId).toBe(p.dentistId);
    expect(september.find((r) => r.patientId === patients.Chloé)).toMatchObject({
      lastVisitAt: null,
      lastVisitProviderId: null,
    });
    expect(september.find((r) => r.patientId === patients.Dev)).toMatchObject({
      appointmentTypeId: p.checkup,
      providerId: p.dentist.id,
    });
    expect(names(await recalls('dueFrom=2026-07-01&dueBefore=2026-07-31'))).toEqual(['Béatrice Moutou']);
  });

  it("filters by provider: the recall's own, else the last visit's", async () => {
    const all = 'dueBefore=2026-12-31';
    expect(names(await recalls(`${all}&providerId=${p.dentistId}`))).toEqual(['Anil Seenauth']);
    expect(names(await recalls(`${all}&providerId=${p.dentist.id}`))).toEqual(['Béatrice Moutou', 'Dev Ramsamy']);
    expect(await recalls(`${all}&providerId=${p.hygienist.id}`)).toEqual([]);
  });

  it('filters by last visit: seen before a date, or never', async () => {
    expect(names(await recalls('dueBefore=2026-12-31&lastVisitBefore=2025-12-01'))).toEqual([
      'Chloé Payet',
      'Anil Seenauth',
    ]);
    expect(names(await recalls('dueBefore=2026-12-31&lastVisitBefore=2025-12-02'))).toEqual([
      'Chloé Payet',
      'Anil Seenauth',
      'Dev Ramsamy',
    ]);
  });

  it('keeps a booked recall in the open list, marked booked, and out of the due list', async () => {
    const [beatrice] = await recalls('dueFrom=2026-07-01&dueBefore=2026-07-31');
    const res = await reception.patch(`${base}/recalls/${beatrice!.id}`, { status: 'booked' });
    expect(res.json()).toMatchObject({ status: 'booked', lastVisitProviderId: p.dentist.id });
    expect(await recalls('dueFrom=2026-07-01&dueBefore=2026-07-31')).toEqual([]);
    const open = await recalls('status=open&dueFrom=2026-07-01&dueBefore=2026-07-31');
    expect(open.map((r) => [r.patientName, r.status])).toEqual([['Béatrice Moutou', 'booked']]);
  });

  it('refuses a visit type or provider of another practice, and lets a dentist read but not change', async () => {
    const other = await makeSchedulingPractice(t.ctx);
    const bad = await reception.post(`${base}/recalls`, {
      patientId: patients.Anil,
      dueDate: '2026-10-01',
      appointmentTypeId: other.checkup,
    });
    expect(bad.json().code).toBe('appointment_type_not_found');
    const badProvider = await reception.post(`${base}/recalls`, {
      patientId: patients.Anil,
      dueDate: '2026-10-01',
      providerId: other.dentistId,
    });
    expect(badProvider.json().code).toBe('provider_not_found');
    expect((await dentist.get(`${base}/recalls?dueBefore=2026-12-31`)).statusCode).toBe(200);
    const [any] = await recalls('dueBefore=2026-12-31');
    expect((await dentist.patch(`${base}/recalls/${any!.id}`, { status: 'done' })).statusCode).toBe(403);
  });
});

describe('paging the recall list', () => {
  it('answers a page with the count of the whole list and where the next page starts', async () => {
    const all = 'dueBefore=2026-12-31';
    const whole = await recalls(all);
    expect(whole.length).toBeGreaterThanOrEqual(3);
    const first = (await reception.get(`${base}/recalls?${all}&limit=2`)).json();
    expect(first.total).toBe(whole.length);
    expect(first.items.map((r: RecallItem) => r.id)).toEqual(whole.slice(0, 2).map((r) => r.id));
    expect(first.nextOffset).toBe(2);
    const second = (await reception.get(`${base}/recalls?${all}&limit=2&offset=${first.nextOffset}`)).json();
    expect(second.items.map((r: RecallItem) => r.id)).toEqual(whole.slice(2, 4).map((r) => r.id));
    expect(second.total).toBe(whole.length);
    expect(second.nextOffset).toBe(whole.length > 4 ? 4 : null);
    // The count follows the filters, not the page (Dev only: Béatrice is booked by now); a page past the end still counts.
    const past = (await reception.get(`${base}/recalls?${all}&providerId=${p.dentist.id}&limit=1&offset=10`)).json();
    expect(past).toEqual({ items: [], total: 1, nextOffset: null });
    expect((await reception.get(`${base}/recalls?limit=0`)).json().code).toBe('validation_failed');
  });
});

describe('the open waitlist', () => {
  it('lists entries waiting and offered, not booked or removed', async () => {
    const add = async (patientId: string) =>
      (
        await reception.post(`${base}/waitlist`, {
          patientId,
          appointmentTypeId: p.checkup,
          preferredWeekdays: [2, 4],
          preferredStart: '08:00',
          preferredEnd: '12:00',
        })
      ).json().id as string;
    const [a, b, c, d] = [
      await add(patients.Anil!),
      await add(patients.Béatrice!),
      await add(patients.Chloé!),
      await add(patients.Dev!),
    ];
    await reception.patch(`${base}/waitlist/${b}`, { status: 'offered' });
    await reception.patch(`${base}/waitlist/${c}`, { status: 'booked' });
    await reception.patch(`${base}/waitlist/${d}`, { status: 'removed' });
    const open = (await reception.get(`${base}/waitlist?status=open`)).json().items;
    expect(open.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([
      [a, 'waiting'],
      [b, 'offered'],
    ]);
    const waiting = (await reception.get(`${base}/waitlist`)).json().items;
    expect(waiting.map((e: { id: string }) => e.id)).toEqual([a]);
    const cleanings = (await reception.get(`${base}/waitlist?status=open&appointmentTypeId=${p.cleaning}`)).json();
    expect(cleanings.items).toEqual([]);
    expect(cleanings.total).toBe(0);
  });

  it('pages the waitlist, longest waiting first, with the count of the whole list', async () => {
    const whole = (await reception.get(`${base}/waitlist?status=open`)).json();
    expect(whole.total).toBe(whole.items.length);
    expect(whole.nextOffset).toBeNull();
    const first = (await reception.get(`${base}/waitlist?status=open&limit=1`)).json();
    expect(first).toMatchObject({ total: whole.total, nextOffset: 1 });
    expect(first.items.map((e: { id: string }) => e.id)).toEqual([whole.items[0].id]);
    const second = (await reception.get(`${base}/waitlist?status=open&limit=1&offset=1`)).json();
    expect(second.items.map((e: { id: string }) => e.id)).toEqual([whole.items[1].id]);
    expect(second.nextOffset).toBe(whole.total > 2 ? 2 : null);
    // An archived patient's entry leaves the list and its count.
    const archived = whole.items[0].patientId as string;
    const current = (await reception.get(`${base}/patients/${archived}`)).json();
    const archiving = await reception.patch(`${base}/patients/${archived}`, {
      status: 'archived',
      expectedVersion: current.version,
    });
    expect(archiving.statusCode).toBe(200);
    const after = (await reception.get(`${base}/waitlist?status=open&limit=1`)).json();
    expect(after.total).toBe(whole.total - 1);
    expect(after.items[0].patientId).not.toBe(archived);
  });
});
