import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dueDateFrom } from '../src/modules/privacy/requests.service.js';
import { alertDueRequests, runRequestAlerts } from '../src/modules/privacy/requests.alerts.js';
import { type Client, type TestApp, createTestApp, loggedIn } from './harness.js';
import { makeSchedulingPractice } from './scheduling-fixtures.js';

/**
 * Privacy requests (issue 14): the due-soon and overdue alerts (told once per request and kind, to
 * the owners and the desk only, never for a closed request, each practice apart); the practice's
 * months to answer (1–3, for requests received after the change); the list by patient.
 */

const DAY = 86_400_000;
let t: TestApp;
let practice: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let other: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let owner: Client;
let reception: Client;
let dentist: Client;
let hygienist: Client;
let otherOwner: Client;
const base = (practiceId: string) => `/api/v1/practices/${practiceId}/privacy/requests`;

beforeAll(async () => {
  t = await createTestApp();
  practice = await makeSchedulingPractice(t.ctx);
  other = await makeSchedulingPractice(t.ctx);
  owner = await loggedIn(t.app, practice.owner);
  reception = await loggedIn(t.app, practice.receptionist);
  dentist = await loggedIn(t.app, practice.dentist);
  hygienist = await loggedIn(t.app, practice.hygienist);
  otherOwner = await loggedIn(t.app, other.owner);
});
afterAll(async () => {
  await t?.close();
});

/** A request recorded by `client`, received `daysAgo` days ago. */
async function recorded(client: Client, practiceId: string, patientId: string, daysAgo: number, type = 'access') {
  const res = await client.post(base(practiceId), {
    patientId,
    type,
    source: 'email',
    receivedAt: new Date(Date.now() - daysAgo * DAY).toISOString(),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; receivedAt: string; dueAt: string; overdue: boolean; dueSoon: boolean };
}

/** The member's privacy alerts, as the bell lists them. */
async function alertsOf(client: Client, practiceId: string) {
  const res = await client.get(`/api/v1/practices/${practiceId}/notifications?limit=100`);
  expect(res.statusCode, res.body).toBe(200);
  return (
    res.json().items as {
      kind: string;
      patient: { id: string; name: string } | null;
      privacyRequest: { id: string; type: string; dueAt: string } | null;
    }[]
  ).filter((n) => n.kind.startsWith('privacy_request_'));
}

describe('due-soon and overdue alerts', () => {
  let soon: Awaited<ReturnType<typeof recorded>>;
  let late: Awaited<ReturnType<typeof recorded>>;
  let refused: Awaited<ReturnType<typeof recorded>>;
  let later: Awaited<ReturnType<typeof recorded>>;
  let othersLate: Awaited<ReturnType<typeof recorded>>;

  it('tells the owner and the desk once of a request due within 7 days and of one overdue, not of closed or later ones', async () => {
    const [ravi, helene, wei] = practice.patients;
    soon = await recorded(reception, practice.practiceId, ravi!.id, 27);
    late = await recorded(reception, practice.practiceId, helene!.id, 40, 'restriction');
    refused = await recorded(reception, practice.practiceId, wei!.id, 40);
    later = await recorded(reception, practice.practiceId, wei!.id, 2);
    othersLate = await recorded(otherOwner, other.practiceId, other.patients[0]!.id, 40);
    expect([soon.dueSoon, late.overdue, later.dueSoon, later.overdue]).toEqual([true, true, false, false]);
    const refusal = await owner.post(`${base(practice.practiceId)}/${refused.id}/refuse`, { reason: 'Not a patient' });
    expect(refusal.statusCode, refusal.body).toBe(200);

    const now = new Date();
    expect(await alertDueRequests(t.ctx, { practiceId: practice.practiceId, now })).toBe(2);
    for (const member of [owner, reception]) {
      const alerts = await alertsOf(member, practice.practiceId);
      expect(
        alerts.map((a) => [a.kind, a.privacyRequest?.id, a.privacyRequest?.type, a.privacyRequest?.dueAt]).sort(),
      ).toEqual(
        [
          ['privacy_request_due_soon', soon.id, 'access', soon.dueAt],
          ['privacy_request_overdue', late.id, 'restriction', late.dueAt],
        ].sort(),
      );
      expect(alerts.find((a) => a.privacyRequest?.id === soon.id)?.patient).toEqual({
        id: ravi!.id,
        name: 'Ravi Ramgoolam',
      });
    }
    // The clinicians hold no privacy:requests: nothing for them.
    expect(await alertsOf(dentist, practice.practiceId)).toEqual([]);
    expect(await alertsOf(hygienist, practice.practiceId)).toEqual([]);

    // Again, and twice at once: nobody is told twice.
    expect(await alertDueRequests(t.ctx, { practiceId: practice.practiceId, now })).toBe(0);
    const both = await Promise.all([
      alertDueRequests(t.ctx, { practiceId: practice.practiceId, now: new Date() }),
      alertDueRequests(t.ctx, { practiceId: practice.practiceId, now: new Date() }),
    ]);
    expect(both).toEqual([0, 0]);
    expect(await alertsOf(owner, practice.practiceId)).toHaveLength(2);

    // Another practice's overdue request was not touched, and its owner heard nothing.
    const untouched = await t.db
      .selectFrom('privacyRequests')
      .select(['dueSoonNotifiedAt', 'overdueNotifiedAt'])
      .where('id', '=', othersLate.id)
      .executeTakeFirstOrThrow();
    expect(untouched).toEqual({ dueSoonNotifiedAt: null, overdueNotifiedAt: null });
    expect(await alertsOf(otherOwner, other.practiceId)).toEqual([]);
  });

  it('tells once more when a request told as due soon becomes overdue; the closed one never', async () => {
    const after = new Date(Date.parse(soon.dueAt) + 3_600_000);
    expect(await alertDueRequests(t.ctx, { practiceId: practice.practiceId, now: after })).toBe(1);
    expect(await alertDueRequests(t.ctx, { practiceId: practice.practiceId, now: after })).toBe(0);
    const alerts = await alertsOf(owner, practice.practiceId);
    expect(alerts.filter((a) => a.privacyRequest?.id === soon.id).map((a) => a.kind)).toEqual([
      'privacy_request_overdue',
      'privacy_request_due_soon',
    ]);
    expect(alerts.some((a) => a.privacyRequest?.id === refused.id)).toBe(false);
    expect(alerts.some((a) => a.privacyRequest?.id === later.id)).toBe(false);
  });

  it('the round alerts each practice from 08:00 on its own clock', async () => {
    // 01:00 UTC is 05:00 in Mauritius: too early for both practices.
    const today = new Date().toISOString().slice(0, 10);
    const early = new Date(`${today}T01:00:00Z`);
    const morning = new Date(`${today}T05:00:00Z`);
    expect((await runRequestAlerts(t.ctx, { now: early })).map((r) => r.practiceId)).toEqual([]);
    expect(await alertsOf(otherOwner, other.practiceId)).toEqual([]);
    const done = await runRequestAlerts(t.ctx, { now: morning });
    expect(done.find((r) => r.practiceId === other.practiceId)).toEqual({ practiceId: other.practiceId, told: 1 });
    expect(done.find((r) => r.practiceId === practice.practiceId)).toEqual({
      practiceId: practice.practiceId,
      told: 0,
    });
    expect((await alertsOf(otherOwner, other.practiceId)).map((a) => [a.kind, a.privacyRequest?.id])).toEqual([
      ['privacy_request_overdue', othersLate.id],
    ]);
  });
});

describe('the months to answer', () => {
  const settingsOf = (practiceId: string) => `/api/v1/practices/${practiceId}/privacy/request-settings`;

  it('is one month unless an owner sets 1 to 3; anything else is refused with a problem', async () => {
    expect((await reception.get(settingsOf(practice.practiceId))).statusCode).toBe(403);
    expect((await reception.request('PUT', settingsOf(practice.practiceId), { dueMonths: 2 })).statusCode).toBe(403);
    const initial = await owner.get(settingsOf(practice.practiceId));
    expect(initial.json()).toEqual({ dueMonths: 1, defaultDueMonths: 1, maxDueMonths: 3, updatedAt: null });
    for (const [dueMonths, code, params] of [
      [0, 'too_small', { minimum: 1 }],
      [4, 'too_large', { maximum: 3 }],
    ] as const) {
      const bad = await owner.request('PUT', settingsOf(practice.practiceId), { dueMonths });
      expect(bad.statusCode, bad.body).toBe(422);
      expect(bad.headers['content-type']).toContain('application/problem+json');
      expect(bad.json()).toMatchObject({
        code: 'privacy_request_settings_invalid',
        errors: [{ path: 'dueMonths', code, params }],
      });
    }
    for (const body of [{ dueMonths: 1.5 }, { dueMonths: '2' }, {}])
      expect((await owner.request('PUT', settingsOf(practice.practiceId), body)).statusCode).toBe(400);
    expect((await owner.get(settingsOf(practice.practiceId))).json()).toMatchObject({ dueMonths: 1, updatedAt: null });
  });

  it('applies to requests received after the change; one received before keeps a month; audited; other practices keep theirs', async () => {
    const patientId = practice.patients[2]!.id;
    const saved = await owner.request('PUT', settingsOf(practice.practiceId), { dueMonths: 2 });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({ dueMonths: 2, updatedAt: expect.any(String) });
    const now = await reception.post(base(practice.practiceId), { patientId, type: 'access' });
    expect(now.statusCode, now.body).toBe(201);
    const received = now.json() as { receivedAt: string; dueAt: string };
    expect(received.dueAt).toBe(dueDateFrom(new Date(received.receivedAt), 2).toISOString());
    // A letter of ten days ago, recorded today: the month in force when it came.
    const letter = await recorded(reception, practice.practiceId, patientId, 10);
    expect(letter.dueAt).toBe(dueDateFrom(new Date(letter.receivedAt), 1).toISOString());

    const audit = await t.db
      .selectFrom('auditEvents')
      .select(['changes'])
      .where('practiceId', '=', practice.practiceId)
      .where('action', '=', 'privacy.request_settings_updated')
      .execute();
    expect(audit.map((a) => a.changes)).toEqual([{ dueMonths: { from: 1, to: 2 } }]);
    // Saving the same again changes nothing.
    await owner.request('PUT', settingsOf(practice.practiceId), { dueMonths: 2 });
    expect(
      await t.db
        .selectFrom('auditEvents')
        .select('id')
        .where('practiceId', '=', practice.practiceId)
        .where('action', '=', 'privacy.request_settings_updated')
        .execute(),
    ).toHaveLength(1);
    expect((await otherOwner.get(settingsOf(other.practiceId))).json()).toMatchObject({ dueMonths: 1 });
  });
});

describe('the list by patient', () => {
  it("lists only that patient's requests, open ones first and the overdue leading; another practice's patient lists none", async () => {
    const wei = practice.patients[2]!.id;
    const list = await reception.get(`${base(practice.practiceId)}?patientId=${wei}`);
    expect(list.statusCode, list.body).toBe(200);
    const requests = list.json().requests as {
      patient: { id: string };
      state: string;
      overdue: boolean;
      dueAt: string;
    }[];
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(requests.every((r) => r.patient.id === wei)).toBe(true);
    const open = requests.filter((r) => r.state !== 'refused' && r.state !== 'fulfilled');
    // Open ones first, soonest due first; the refused one last.
    expect(requests.slice(0, open.length)).toEqual(open);
    expect(open.map((r) => r.dueAt)).toEqual([...open.map((r) => r.dueAt)].sort());
    expect(requests.at(-1)!.state).toBe('refused');
    const foreign = await reception.get(`${base(practice.practiceId)}?patientId=${other.patients[0]!.id}`);
    expect(foreign.json().requests).toEqual([]);
    expect((await reception.get(`${base(practice.practiceId)}?patientId=not-a-uuid`)).statusCode).toBe(400);
  });
});
