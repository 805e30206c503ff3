import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/platform/access.js';
import { verifyAuditChain } from '../src/platform/audit.js';
import { mergePatient } from '../src/modules/patients/merge.service.js';
import { createPatient } from '../src/modules/patients/patients.service.js';
import { runDailyRetention } from '../src/modules/privacy/retention.service.js';
import { fulfilDeletion } from '../src/modules/privacy/erasure.service.js';
import { type Client, type TestApp, createTestApp, loggedIn } from './harness.js';
import { makeSchedulingPractice } from './scheduling-fixtures.js';

/**
 * Retention rules, legal holds, erasure and the daily retention job (issue 14, deliver 3), over
 * HTTP and the services, on the real data owners.
 */

let t: TestApp;
let practice: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let other: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let owner: Client;
let reception: Client;
let base: string;

beforeAll(async () => {
  t = await createTestApp();
  practice = await makeSchedulingPractice(t.ctx);
  other = await makeSchedulingPractice(t.ctx);
  owner = await loggedIn(t.app, practice.owner);
  reception = await loggedIn(t.app, practice.receptionist);
  base = `/api/v1/practices/${practice.practiceId}/privacy`;
});
afterAll(() => t?.close());

const auditOf = (practiceId: string, action: string) =>
  t.db
    .selectFrom('auditEvents')
    .select(['action', 'targetType', 'targetId', 'changes'])
    .where('practiceId', '=', practiceId)
    .where('action', '=', action)
    .orderBy('seq')
    .execute();

describe('legal holds', () => {
  it('an owner sets one with a reason, audited by ids only; a second is refused while it holds', async () => {
    const patientId = practice.patients[0]!.id;
    expect((await reception.post(`${base}/legal-holds`, { patientId, reason: 'Claim' })).statusCode).toBe(403);
    const res = await owner.post(`${base}/legal-holds`, {
      patientId,
      reason: 'Insurance claim 2026-114',
      endsOn: null,
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ patientId, reason: 'Insurance claim 2026-114', active: true, endsOn: null });
    const again = await owner.post(`${base}/legal-holds`, { patientId, reason: 'Another' });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'legal_hold_active' });
    const audit = await auditOf(practice.practiceId, 'privacy.legal_hold_set');
    expect(audit).toEqual([
      {
        action: 'privacy.legal_hold_set',
        targetType: 'patient',
        targetId: patientId,
        changes: { holdId: res.json().id, endsOn: null },
      },
    ]);
    expect(JSON.stringify(audit)).not.toContain('Insurance');
  });

  it('a patient of another practice is not found; an empty reason or a past end date is refused', async () => {
    const foreign = await owner.post(`${base}/legal-holds`, { patientId: other.patients[0]!.id, reason: 'x' });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'patient_not_found' });
    const patientId = practice.patients[1]!.id;
    expect((await owner.post(`${base}/legal-holds`, { patientId, reason: '  ' })).statusCode).toBe(400);
    const past = await owner.post(`${base}/legal-holds`, { patientId, reason: 'x', endsOn: '2020-01-01' });
    expect(past.statusCode).toBe(400);
  });

  it('lists the holds in force for owners only, and lifts one with a reason (audited); lifting twice is refused', async () => {
    const patientId = practice.patients[1]!.id;
    const set = await owner.post(`${base}/legal-holds`, { patientId, reason: 'Court order' });
    expect(set.statusCode, set.body).toBe(201);
    expect((await reception.get(`${base}/legal-holds`)).statusCode).toBe(403);
    const list = (await owner.get(`${base}/legal-holds`)).json();
    expect(list.items.map((h: { patientId: string }) => h.patientId).sort()).toEqual(
      [practice.patients[0]!.id, patientId].sort(),
    );
    expect(list.items.find((h: { patientId: string }) => h.patientId === patientId)).toMatchObject({
      patientName: 'Hélène Lagesse',
      setByName: 'Owner Test',
    });
    const lift = await owner.post(`${base}/legal-holds/${set.json().id}/lift`, { reason: 'Order quashed' });
    expect(lift.statusCode, lift.body).toBe(200);
    expect(lift.json()).toMatchObject({ active: false, liftReason: 'Order quashed', liftedBy: practice.owner.id });
    expect((await owner.post(`${base}/legal-holds/${set.json().id}/lift`, { reason: 'again' })).json()).toMatchObject({
      code: 'legal_hold_lifted',
    });
    expect((await owner.get(`${base}/legal-holds`)).json().items).toHaveLength(1);
    expect((await owner.get(`${base}/legal-holds?all=true`)).json().items).toHaveLength(2);
    expect(await auditOf(practice.practiceId, 'privacy.legal_hold_lifted')).toHaveLength(1);
  });

  it('a merge takes the merged record’s hold to the survivor', async () => {
    const [from, into] = await Promise.all(
      ['Merged', 'Survivor'].map((familyName) =>
        createPatient(t.ctx, {
          actor: systemActor('test'),
          practiceId: practice.practiceId,
          patient: { givenName: 'Hold', familyName, phone: '' },
        }),
      ),
    );
    const hold = (await owner.post(`${base}/legal-holds`, { patientId: from!.id, reason: 'Claim' })).json();
    await mergePatient(t.ctx, {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      patientId: from!.id,
      intoPatientId: into!.id,
    });
    const held = (await owner.get(`${base}/legal-holds?patientId=${into!.id}`)).json().items;
    expect(held).toMatchObject([{ id: hold.id, patientId: into!.id, active: true }]);
    await owner.post(`${base}/legal-holds/${hold.id}/lift`, { reason: 'done' });
  });

  it('a deletion request while a hold is in force erases nothing: 409 legal_hold_active', async () => {
    const patientId = practice.patients[0]!.id;
    await expect(
      fulfilDeletion(t.ctx, {
        practiceId: practice.practiceId,
        patientId,
        requestId: null,
        actor: systemActor('test'),
      }),
    ).rejects.toMatchObject({ code: 'legal_hold_active' });
    expect(await auditOf(practice.practiceId, 'privacy.patient_erased')).toEqual([]);
  });

  it('a deletion for a patient of another practice is refused', async () => {
    await expect(
      fulfilDeletion(t.ctx, {
        practiceId: practice.practiceId,
        patientId: other.patients[0]!.id,
        requestId: null,
        actor: systemActor('test'),
      }),
    ).rejects.toMatchObject({ code: 'patient_not_found' });
  });
});

describe('retention periods', () => {
  it('owners read the rules with their defaults and floors; a receptionist may not', async () => {
    expect((await reception.get(`${base}/retention`)).statusCode).toBe(403);
    const res = await owner.get(`${base}/retention`);
    expect(res.statusCode, res.body).toBe(200);
    for (const rule of res.json().rules) expect(rule.days).toBe(rule.defaultDays);
  });

  it('a period below its floor is refused with the category and the floor; a longer one is kept and audited', async () => {
    const low = await owner.request('PUT', `${base}/retention`, {
      rules: [{ category: 'erasure_receipts', days: 4000 }],
    });
    expect(low.statusCode).toBe(422);
    expect(low.json()).toMatchObject({
      code: 'retention_rule_below_floor',
      category: 'erasure_receipts',
      floorDays: 4018,
      errors: [{ path: 'rules.0.days', code: 'below_floor', params: { minimum: 4018 } }],
    });
    expect(
      (await reception.request('PUT', `${base}/retention`, { rules: [{ category: 'erasure_receipts', days: 5000 }] }))
        .statusCode,
    ).toBe(403);
    const longer = await owner.request('PUT', `${base}/retention`, {
      rules: [{ category: 'erasure_receipts', days: 5000 }],
    });
    expect(longer.statusCode, longer.body).toBe(200);
    expect(longer.json().rules.find((r: { category: string }) => r.category === 'erasure_receipts')).toMatchObject({
      days: 5000,
      defaultDays: 4018,
      floorDays: 4018,
      customised: true,
      from: 'last_visit',
      tiedTo: 'patient',
    });
    const back = await owner.request('PUT', `${base}/retention`, { rules: [] });
    expect(back.json().rules.find((r: { category: string }) => r.category === 'erasure_receipts')).toMatchObject({
      days: 4018,
      customised: false,
    });
    expect((await auditOf(practice.practiceId, 'privacy.retention_rules_updated')).map((e) => e.changes)).toEqual([
      { erasure_receipts: { from: 4018, to: 5000 } },
      { erasure_receipts: { from: 5000, to: 4018 } },
    ]);
  });

  it('a category that has no rule is refused', async () => {
    const res = await owner.request('PUT', `${base}/retention`, { rules: [{ category: 'nothing_like_it', days: 40 }] });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'retention_category_unknown',
      errors: [{ path: 'rules.0.category', code: 'unknown_category' }],
    });
  });

  it('the daily job runs each practice once a day, from 03:00 in its time zone', async () => {
    const runs = () =>
      t.db
        .selectFrom('retentionRuns')
        .select('asOf')
        .where('practiceId', '=', other.practiceId)
        .where('dryRun', '=', false)
        .execute();
    // 02:30 in Mauritius (UTC+4): too early.
    expect(await runDailyRetention(t.ctx, { now: new Date('2027-03-10T22:30:00Z') })).toEqual([]);
    const first = await runDailyRetention(t.ctx, { now: new Date('2027-03-10T23:10:00Z') });
    expect(first.map((r) => r.practiceId)).toContain(other.practiceId);
    expect(await runDailyRetention(t.ctx, { now: new Date('2027-03-11T05:10:00Z') })).toEqual([]);
    expect(await runs()).toHaveLength(1);
    // The next day, once more.
    expect(
      (await runDailyRetention(t.ctx, { now: new Date('2027-03-11T23:10:00Z') })).map((r) => r.practiceId),
    ).toContain(other.practiceId);
    expect(await runs()).toHaveLength(2);
  });

  it('the audit chain still verifies', async () => {
    expect(await verifyAuditChain(t.db, practice.practiceId)).toMatchObject({ ok: true });
  });
});
