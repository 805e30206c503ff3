import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Client, type TestApp, createTestApp, loggedIn } from './harness.js';
import { makeSchedulingPractice } from './scheduling-fixtures.js';

/** Settings → Reminders over HTTP: the defaults, the owner's changes (audited), and bad input refused with stable codes. */

let t: TestApp;
let practice: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let owner: Client;
let reception: Client;
let url: string;

beforeAll(async () => {
  t = await createTestApp();
  practice = await makeSchedulingPractice(t.ctx);
  owner = await loggedIn(t.app, practice.owner);
  reception = await loggedIn(t.app, practice.receptionist);
  url = `/api/v1/practices/${practice.practiceId}/reminders/settings`;
});
afterAll(() => t?.close());

const valid = () => ({
  enabled: true,
  rules: [
    { offsetMinutes: 2880, appointmentTypeIds: null, minLeadMinutes: 2880 },
    { offsetMinutes: 180, appointmentTypeIds: [practice.checkup], minLeadMinutes: 0 },
  ],
  quietHours: { start: '21:00', end: '07:30' },
});

describe('reminder settings', () => {
  it('a practice that never saved them has the defaults: on, the day before and 2 hours before, quiet 20:00–08:00', async () => {
    const res = await reception.get(url);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      enabled: true,
      rules: [
        { offsetMinutes: 1440, appointmentTypeIds: null, minLeadMinutes: 1440 },
        { offsetMinutes: 120, appointmentTypeIds: null, minLeadMinutes: 0 },
      ],
      quietHours: { start: '20:00', end: '08:00' },
      updatedAt: null,
    });
  });

  it('the owner replaces them (audited as a change of the practice); others read them and may not change them', async () => {
    expect((await reception.request('PUT', url, valid())).statusCode).toBe(403);
    const res = await owner.request('PUT', url, valid());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ...valid(), updatedAt: expect.any(String) });
    expect((await reception.get(url)).json()).toMatchObject(valid());
    const audit = await t.db
      .selectFrom('auditEvents')
      .select(['action', 'changes'])
      .where('practiceId', '=', practice.practiceId)
      .where('action', '=', 'practice.updated')
      .execute();
    expect(audit.map((a) => (a.changes as { reminders?: { to: unknown } }).reminders?.to)).toContainEqual(valid());
  });

  it('refuses bad rules with 422 and a stable code per field', async () => {
    const cases: [unknown, { path: string; code: string }[]][] = [
      [
        { ...valid(), rules: [{ offsetMinutes: 0, appointmentTypeIds: null, minLeadMinutes: 0 }] },
        [{ path: 'rules.0.offsetMinutes', code: 'offset_not_positive' }],
      ],
      [
        { ...valid(), rules: [{ offsetMinutes: -120, appointmentTypeIds: null, minLeadMinutes: 0 }] },
        [{ path: 'rules.0.offsetMinutes', code: 'offset_not_positive' }],
      ],
      [
        {
          ...valid(),
          rules: [
            { offsetMinutes: 120, appointmentTypeIds: null, minLeadMinutes: 0 },
            { offsetMinutes: 120, appointmentTypeIds: null, minLeadMinutes: 0 },
          ],
        },
        [{ path: 'rules.1.offsetMinutes', code: 'offsets_overlap' }],
      ],
      [
        {
          ...valid(),
          rules: [
            { offsetMinutes: 120, appointmentTypeIds: null, minLeadMinutes: 0 },
            { offsetMinutes: 100, appointmentTypeIds: [practice.checkup], minLeadMinutes: 0 },
          ],
        },
        [{ path: 'rules.1.offsetMinutes', code: 'offsets_overlap' }],
      ],
      [
        { ...valid(), quietHours: { start: '22:00', end: '22:00' } },
        [{ path: 'quietHours', code: 'quiet_hours_whole_day' }],
      ],
      [
        {
          ...valid(),
          rules: [
            { offsetMinutes: 120, appointmentTypeIds: ['00000000-0000-4000-8000-000000000000'], minLeadMinutes: 0 },
          ],
        },
        [{ path: 'rules.0.appointmentTypeIds.0', code: 'unknown_visit_type' }],
      ],
    ];
    for (const [body, errors] of cases) {
      const res = await owner.request('PUT', url, body);
      expect(res.statusCode, res.body).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'reminder_settings_invalid' });
      expect(res.json().errors.map((e: { path: string; code: string }) => ({ path: e.path, code: e.code }))).toEqual(
        errors,
      );
    }
    // Nothing of it was saved.
    expect((await owner.get(url)).json()).toMatchObject(valid());
  });

  it('refuses a malformed body as any route does (400)', async () => {
    const res = await owner.request('PUT', url, { ...valid(), quietHours: { start: '25:00', end: '08:00' } });
    expect(res.statusCode).toBe(400);
    expect((await owner.request('PUT', url, { ...valid(), extra: true })).statusCode).toBe(400);
  });
});
