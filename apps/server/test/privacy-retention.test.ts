import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/platform/access.js';
import { verifyAuditChain } from '../src/platform/audit.js';
import { mergePatient } from '../src/modules/patients/merge.service.js';
import { createPatient, searchPatients } from '../src/modules/patients/patients.service.js';
import { bookAppointment, setAppointmentStatus } from '../src/modules/scheduling/appointments.service.js';
import {
  retentionReport,
  runDailyRetention,
  runRetention,
  saveRetentionSettings,
} from '../src/modules/privacy/retention.service.js';
import { AUDIT_TRAIL_DAYS } from '../src/platform/retention-dates.js';
import { fulfilDeletion } from '../src/modules/privacy/erasure.service.js';
import { liftLegalHold, setLegalHold } from '../src/modules/privacy/holds.service.js';
import { createChannelIn } from '../src/modules/messaging/channels.service.js';
import { forgetUnownedWebhookBodies } from '../src/modules/messaging/messaging.data-owner.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type Client, type TestApp, createTestApp, loggedIn } from './harness.js';
import { makeSchedulingPractice, mu, nextMonday } from './scheduling-fixtures.js';

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

  it("raw webhook bodies naming the practice's number are forgotten by its retention job after 30 days (it may keep them longer); a body of no practice's number is messaging's upkeep's", async () => {
    const phoneNumberId = `5${Date.now()}`;
    await inPractice(t.ctx.db, other.practiceId, (tx) =>
      createChannelIn(tx, {
        actor: systemActor('test'),
        practiceId: other.practiceId,
        phoneNumberId,
        masterKey: t.ctx.config.encryptionKey,
        sandbox: true,
      }),
    );
    // Bodies processed now, as the webhook intake leaves them (the intake itself is messaging's test).
    const bodyOf = (number: string) =>
      JSON.stringify({ entry: [{ changes: [{ value: { metadata: { phone_number_id: number } } }] }] });
    const { id } = await t.db
      .insertInto('whatsappWebhookDeliveries')
      .values({ body: bodyOf(phoneNumberId), phoneNumberIds: [phoneNumberId], processedAt: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { id: unowned } = await t.db
      .insertInto('whatsappWebhookDeliveries')
      .values({ body: bodyOf('99999999999'), phoneNumberIds: ['99999999999'], processedAt: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const stillThere = async (deliveryId: string | number) =>
      (
        await t.db
          .selectFrom('whatsappWebhookDeliveries')
          .select('id')
          .where('id', '=', deliveryId as never)
          .execute()
      ).length;
    const exists = () => stillThere(id);
    const DAY = 86_400_000;
    const at = (days: number) => new Date(Date.now() + days * DAY);
    const early = await runRetention(t.ctx, { practiceId: other.practiceId, now: at(29), dryRun: false });
    expect(early.results.find((r) => r.category === 'webhook_payloads')).toMatchObject({ count: 0, days: 30 });
    expect(await exists()).toBe(1);
    const due = await runRetention(t.ctx, { practiceId: other.practiceId, now: at(31), dryRun: false });
    expect(due.results.find((r) => r.category === 'webhook_payloads')!.count).toBeGreaterThanOrEqual(1);
    expect(await exists()).toBe(0);
    expect(
      (await auditOf(other.practiceId, 'privacy.retention_purged')).find(
        (e) => (e.changes as { category: string }).category === 'webhook_payloads',
      ),
    ).toMatchObject({ changes: { module: 'messaging', days: 30, before: expect.any(String) } });
    // The practice's run leaves another number's body alone; messaging's upkeep forgets it after 30 days.
    expect(await stillThere(unowned)).toBe(1);
    expect(await forgetUnownedWebhookBodies(t.db, at(29))).toBe(0);
    expect(await forgetUnownedWebhookBodies(t.db, at(31))).toBeGreaterThanOrEqual(1);
    expect(await stillThere(unowned)).toBe(0);
  });

  it('the audit chain still verifies', async () => {
    expect(await verifyAuditChain(t.db, practice.practiceId)).toMatchObject({ ok: true });
  });
});

describe('erasure and the retention job', () => {
  const DAY = 86_400_000;
  let patientId: string;
  let visit: Date;
  let keptUntil: string;

  /** A French-speaking patient seen once (a completed check-up next Monday), then erased on request. */
  beforeAll(async () => {
    // These runs are 11 years on: the practice keeps its audit trail a year longer, so the events
    // they check are not purged with it when the visit falls at a month's end (audit-retention.test).
    await saveRetentionSettings(t.ctx, {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      settings: { rules: [{ category: 'audit_trail', days: AUDIT_TRAIL_DAYS + 366 }] },
    });
    const patient = await createPatient(t.ctx, {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      patient: { givenName: 'Josiane', familyName: 'Oublié', phone: '57001122', preferredLanguage: 'fr' },
    });
    patientId = patient.id;
    visit = mu(nextMonday(), '09:00');
    const booked = await bookAppointment(t.ctx, {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      booking: {
        appointmentTypeId: practice.checkup,
        providerId: practice.dentistId,
        chairId: practice.chair1,
        start: visit,
        source: 'phone',
        patientId,
      },
    });
    for (const status of ['arrived', 'in_chair', 'completed'] as const)
      await setAppointmentStatus(t.ctx, {
        actor: systemActor('test'),
        practiceId: practice.practiceId,
        appointmentId: booked.id,
        status,
      });
    keptUntil = new Date(visit.getTime() + 4018 * DAY).toISOString().slice(0, 10);
  });

  const search = (q: string) =>
    searchPatients(t.ctx, { actor: systemActor('test'), practiceId: practice.practiceId, q, limit: 10 });

  it('fulfils a deletion: what may go is gone (from the database and from search), the rest is kept with its date, in the patient’s language', async () => {
    expect((await search('57001122')).items.map((p) => p.id)).toContain(patientId);
    const receipt = await fulfilDeletion(t.ctx, {
      practiceId: practice.practiceId,
      patientId,
      requestId: null,
      actor: systemActor('test'),
      now: new Date(visit.getTime() + DAY),
    });
    expect(receipt.language).toBe('fr');
    expect(receipt.kept.find((k) => k.kind === 'appointments')).toMatchObject({
      module: 'scheduling',
      label: 'Vos rendez-vous',
      until: keptUntil,
    });
    expect(receipt.erased.find((e) => e.kind === 'phones')).toMatchObject({
      count: 1,
      label: 'Vos numéros de téléphone',
    });
    expect(receipt.text).toContain('- Vos numéros de téléphone (1 élément)');
    expect(receipt.text).toContain('Votre demande de suppression');
    expect(receipt.kept.length).toBeGreaterThan(0);
    for (const k of receipt.kept) expect(k.until === null || k.until >= keptUntil.slice(0, 4)).toBe(true);
    // The contact details are gone, from the record and from search; the name stays with the kept records.
    expect((await search('57001122')).items.map((p) => p.id)).not.toContain(patientId);
    const record = await t.db
      .selectFrom('patients')
      .select(['phone', 'email', 'givenName'])
      .where('id', '=', patientId)
      .executeTakeFirstOrThrow();
    expect(record).toEqual({ phone: '', email: '', givenName: 'Josiane' });
    expect(await t.db.selectFrom('patientPhones').select('id').where('patientId', '=', patientId).execute()).toEqual(
      [],
    );
    expect(receipt.erased.length).toBeGreaterThan(0);
    const audit = await auditOf(practice.practiceId, 'privacy.patient_erased');
    expect(audit).toMatchObject([{ targetType: 'patient', targetId: patientId }]);
    expect(JSON.stringify(audit)).not.toContain('Josiane');
    expect(await verifyAuditChain(t.db, practice.practiceId)).toMatchObject({ ok: true });
  });

  it('the 90-day report counts what falls due: nothing now, the kept records within 90 days of their date', async () => {
    const report = await retentionReport(t.ctx, {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      days: 90,
      now: new Date(Date.parse(`${keptUntil}T00:00:00Z`) - 30 * DAY),
    });
    const receipts = report.categories.find((c) => c.category === 'erasure_receipts')!;
    expect(receipts).toMatchObject({ dueNow: 0, dueWithin: 1 });
    expect(receipts.patients).toBeGreaterThanOrEqual(1);
    const early = await retentionReport(t.ctx, {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      days: 90,
    });
    expect(early.categories.find((c) => c.category === 'erasure_receipts')).toMatchObject({ dueNow: 0, dueWithin: 0 });
  });

  it('a legal hold keeps the kept data past its date; once lifted, the job purges it on its date, once, audited', async () => {
    const due = new Date(Date.parse(`${keptUntil}T00:00:00Z`) + 2 * DAY);
    // Moving the clock 11 years on also purges every staff session (30 days after expiry): the services are called directly.
    const actor = { userId: practice.owner.id, role: 'owner' as const, ip: null, requestId: null };
    const hold = await setLegalHold(t.ctx, {
      actor,
      practiceId: practice.practiceId,
      hold: { patientId, reason: 'Claim' },
    });
    const held = await runRetention(t.ctx, { practiceId: practice.practiceId, now: due, dryRun: false });
    expect(held.results.find((r) => r.category === 'erasure_receipts')).toMatchObject({ count: 0 });
    expect(await receiptsOf(patientId)).toBe(1);
    await liftLegalHold(t.ctx, { actor, practiceId: practice.practiceId, holdId: hold.id, reason: 'Settled' });

    const dry = await runRetention(t.ctx, { practiceId: practice.practiceId, now: due, dryRun: true });
    expect(dry.results.find((r) => r.category === 'erasure_receipts')).toMatchObject({ count: 1 });
    expect(await receiptsOf(patientId)).toBe(1);

    const run = await runRetention(t.ctx, { practiceId: practice.practiceId, now: due, dryRun: false });
    expect(run.results.find((r) => r.category === 'erasure_receipts')).toMatchObject({ count: 1 });
    expect(run.purged).toBeGreaterThanOrEqual(1);
    expect(await receiptsOf(patientId)).toBe(0);
    // Nothing kept needs the record's name any more: it is anonymised, and out of search.
    expect(run.results.find((r) => r.category === 'patient_details')!.count).toBeGreaterThan(0);
    const record = await t.db
      .selectFrom('patients')
      .select(['givenName', 'dateOfBirth'])
      .where('id', '=', patientId)
      .executeTakeFirstOrThrow();
    expect(record).toEqual({ givenName: '(erased)', dateOfBirth: null });
    expect((await search('Oublié')).items.map((p) => p.id)).not.toContain(patientId);
    const again = await runRetention(t.ctx, { practiceId: practice.practiceId, now: due, dryRun: false });
    expect(again.purged).toBe(0);

    const purges = await auditOf(practice.practiceId, 'privacy.retention_purged');
    expect(purges.find((e) => (e.changes as { category: string }).category === 'erasure_receipts')).toMatchObject({
      targetType: 'practice',
      changes: { category: 'erasure_receipts', module: 'privacy', count: 1, days: 4018 },
    });
    expect(purges.every((e) => (e.changes as { count: number }).count > 0)).toBe(true);
    expect(await verifyAuditChain(t.db, practice.practiceId)).toMatchObject({ ok: true });
  });

  it('the report shows the last run; owners only', async () => {
    owner = await loggedIn(t.app, practice.owner);
    reception = await loggedIn(t.app, practice.receptionist);
    const res = await owner.get(`${base}/retention/report`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().lastRun).toMatchObject({ dryRun: false, purged: 0 });
    expect((await reception.get(`${base}/retention/report`)).statusCode).toBe(403);
    expect((await owner.get(`${base}/retention/runs`)).json().items.length).toBeGreaterThanOrEqual(4);
  });
});

const receiptsOf = async (patientId: string) =>
  (await t.db.selectFrom('patientErasures').select('id').where('patientId', '=', patientId).execute()).length;
