import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inPractice } from '../src/platform/tenancy.js';
import { type Client, createTestApp, loggedIn, makePractice, type TestApp } from './harness.js';
import { makeSchedulingPractice, mu, nextMonday } from './scheduling-fixtures.js';

// Issue 16: medical alerts where work happens (the calendar, the appointment panel, booking).
let t: TestApp;
let p: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let owner: Client;
let dentist: Client;
let hygienist: Client;
let reception: Client;
let base: string;
const alerts = { allergies: ['Penicillin'], conditions: [], medications: ['Warfarin 5mg'] };
const monday = nextMonday();

beforeAll(async () => {
  t = await createTestApp();
  p = await makeSchedulingPractice(t.ctx);
  owner = await loggedIn(t.app, p.owner);
  dentist = await loggedIn(t.app, p.dentist);
  hygienist = await loggedIn(t.app, p.hygienist);
  reception = await loggedIn(t.app, p.receptionist);
  base = `/api/v1/practices/${p.practiceId}`;
  const put = await dentist.request('PUT', `${base}/patients/${p.patients[0]!.id}/alerts`, alerts);
  expect(put.statusCode).toBe(200);
  // The first patient (alerts) at 08:00, the second (none) at 09:00.
  for (const [patient, time] of [
    [p.patients[0]!, '08:00'],
    [p.patients[1]!, '09:00'],
  ] as const) {
    const booked = await reception.post(`${base}/appointments`, {
      patientId: patient.id,
      appointmentTypeId: p.checkup,
      providerId: p.dentistId,
      chairId: p.chair1,
      start: mu(monday, time).toISOString(),
    });
    expect(booked.statusCode).toBe(201);
  }
});
afterAll(() => t.close());

const notice = (client: Client, patientId = p.patients[0]!.id) =>
  client.get(`${base}/patients/${patientId}/alert-notice?details=true`);
const alertViews = () =>
  inPractice(t.db, p.practiceId, (tx) =>
    tx
      .selectFrom('auditEvents')
      .select('actorUserId')
      .where('action', '=', 'clinical.alerts_viewed')
      .where('targetId', '=', p.patients[0]!.id)
      .orderBy('seq')
      .execute(),
  );

describe('the calendar list', () => {
  it('flags each appointment whose patient has alerts, and never carries the alerts themselves', async () => {
    const from = mu(monday, '07:00').toISOString();
    const to = mu(monday, '18:00').toISOString();
    for (const client of [reception, dentist]) {
      const res = await client.get(`${base}/appointments?from=${from}&to=${to}`);
      expect(res.statusCode).toBe(200);
      const items = res.json().items as { patientId: string; hasMedicalAlert: boolean }[];
      expect(items.map((a) => [a.patientId, a.hasMedicalAlert])).toEqual([
        [p.patients[0]!.id, true],
        [p.patients[1]!.id, false],
      ]);
      expect(res.body).not.toContain('Penicillin');
    }
    // Listing the day is not a reading of anyone's record.
    expect(await alertViews()).toEqual([]);
  });
});

describe('the alert notice', () => {
  it('tells a receptionist that an alert exists, without its details, and logs no reading', async () => {
    const res = await notice(reception);
    expect([res.statusCode, res.json()]).toEqual([200, { hasAlerts: true, details: null }]);
    expect(res.body).not.toContain('Penicillin');
    expect((await notice(reception, p.patients[1]!.id)).json()).toEqual({ hasAlerts: false, details: null });
    expect(await alertViews()).toEqual([]);
  });

  it('gives the flag alone unless details are asked for (booking asks only that), logging nothing', async () => {
    const res = await dentist.get(`${base}/patients/${p.patients[0]!.id}/alert-notice`);
    expect([res.statusCode, res.json()]).toEqual([200, { hasAlerts: true, details: null }]);
    expect(await alertViews()).toEqual([]);
  });

  it('gives dentists, hygienists and owners the details, each reading logged', async () => {
    for (const client of [dentist, hygienist, owner]) {
      const res = await notice(client);
      expect([res.statusCode, res.json()]).toEqual([200, { hasAlerts: true, details: alerts }]);
    }
    expect((await alertViews()).map((v) => v.actorUserId)).toEqual([p.dentist.id, p.hygienist.id, p.owner.id]);
    // A patient without alerts: nothing to read, nothing logged.
    expect((await notice(dentist, p.patients[1]!.id)).json()).toEqual({ hasAlerts: false, details: null });
    expect(await alertViews()).toHaveLength(3);
  });

  it("answers 404 to another practice's member, and for another practice's patient", async () => {
    const other = await makePractice(t.ctx);
    const stranger = await loggedIn(t.app, other.owner);
    const res = await notice(stranger);
    expect([res.statusCode, res.json().code]).toEqual([404, 'practice_not_found']);
    const viaOwnPractice = await stranger.get(
      `/api/v1/practices/${other.practiceId}/patients/${p.patients[0]!.id}/alert-notice`,
    );
    expect([viaOwnPractice.statusCode, viaOwnPractice.json().code]).toEqual([404, 'patient_not_found']);
  });
});

describe('the practice setting: receptionists may see alert details', () => {
  it('is off by default, and only the owner may change it', async () => {
    expect((await reception.get(base)).json()).toMatchObject({ receptionistsSeeAlertDetails: false });
    const denied = await reception.patch(base, { receptionistsSeeAlertDetails: true });
    expect([denied.statusCode, denied.json().code]).toEqual([403, 'forbidden']);
    expect((await dentist.patch(base, { receptionistsSeeAlertDetails: true })).statusCode).toBe(403);
  });

  it('when the owner turns it on (audited), a receptionist gets the details, logged; off again, not', async () => {
    const on = await owner.patch(base, { receptionistsSeeAlertDetails: true });
    expect([on.statusCode, on.json().receptionistsSeeAlertDetails]).toEqual([200, true]);
    const res = await notice(reception);
    expect([res.statusCode, res.json()]).toEqual([200, { hasAlerts: true, details: alerts }]);
    expect((await alertViews()).at(-1)?.actorUserId).toBe(p.receptionist.id);

    expect((await owner.patch(base, { receptionistsSeeAlertDetails: false })).statusCode).toBe(200);
    expect((await notice(reception)).json()).toEqual({ hasAlerts: true, details: null });

    const changes = await inPractice(t.db, p.practiceId, (tx) =>
      tx
        .selectFrom('auditEvents')
        .select(['actorUserId', 'changes'])
        .where('action', '=', 'practice.updated')
        .where('targetId', '=', p.practiceId)
        .orderBy('seq')
        .execute(),
    );
    expect(changes.map((c) => [c.actorUserId, c.changes])).toEqual([
      [
        p.owner.id,
        { fields: ['receptionistsSeeAlertDetails'], receptionistsSeeAlertDetails: { from: false, to: true } },
      ],
      [
        p.owner.id,
        { fields: ['receptionistsSeeAlertDetails'], receptionistsSeeAlertDetails: { from: true, to: false } },
      ],
    ]);
  });
});
