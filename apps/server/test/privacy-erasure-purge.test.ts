import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fulfilDeletion } from '../src/modules/privacy/erasure.service.js';
import { liftLegalHold, setLegalHold } from '../src/modules/privacy/holds.service.js';
import { runRetention } from '../src/modules/privacy/retention.service.js';
import { createPatient } from '../src/modules/patients/patients.service.js';
import { bookAppointment, setAppointmentStatus } from '../src/modules/scheduling/appointments.service.js';
import { type Actor, systemActor } from '../src/platform/access.js';
import { verifyAuditChain } from '../src/platform/audit.js';
import { type Client, type TestApp, createTestApp, loggedIn } from './harness.js';
import { makeSchedulingPractice, mu, nextMonday } from './scheduling-fixtures.js';

/**
 * A deletion request followed to its end (issue 14): the erasure removes at once what may go and
 * keeps the rest until a date it states on the receipt; the retention job, run as of that date
 * (its `now`, the clock is not moved), leaves it the day before and purges it the day after,
 * then anonymises the record. A legal hold set after the erasure keeps everything past the date
 * until it is lifted.
 */

const DAY = 86_400_000;
let t: TestApp;
let practice: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let owner: Actor;
let dentist: Client;
let reception: Client;

beforeAll(async () => {
  t = await createTestApp();
  practice = await makeSchedulingPractice(t.ctx);
  owner = { userId: practice.owner.id, role: 'owner', ip: null, requestId: null };
  dentist = await loggedIn(t.app, practice.dentist);
  reception = await loggedIn(t.app, practice.receptionist);
});
afterAll(() => t?.close());

/** An adult seen once (a completed check-up), with a chart finding, a signed note and a correction request. */
async function patientSeenOnce(familyName: string, at: string) {
  const patient = await createPatient(t.ctx, {
    actor: systemActor('test'),
    practiceId: practice.practiceId,
    patient: { givenName: 'Ravi', familyName, phone: '', dateOfBirth: '1970-01-01' },
  });
  const visit = mu(nextMonday(), at);
  const booked = await bookAppointment(t.ctx, {
    actor: systemActor('test'),
    practiceId: practice.practiceId,
    booking: {
      appointmentTypeId: practice.checkup,
      providerId: practice.dentistId,
      chairId: practice.chair1,
      start: visit,
      source: 'phone',
      patientId: patient.id,
    },
  });
  for (const status of ['arrived', 'in_chair', 'completed'] as const)
    await setAppointmentStatus(t.ctx, {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      appointmentId: booked.id,
      status,
    });
  const url = `/api/v1/practices/${practice.practiceId}/patients/${patient.id}`;
  const finding = await dentist.post(`${url}/chart/findings`, { tooth: 16, surfaces: 'O', kind: 'caries' });
  expect(finding.statusCode, finding.body).toBe(201);
  const note = await dentist.post(`${url}/notes`, { body: `${familyName} check-up note` });
  expect(note.statusCode, note.body).toBe(201);
  expect((await dentist.post(`${url}/notes/${note.json().id}/sign`)).statusCode).toBe(200);
  const consent = await reception.post(`${url}/consent`, {
    channel: 'whatsapp',
    purpose: 'recalls',
    granted: true,
    wording: 'May we remind you on WhatsApp when your check-up is due?',
  });
  expect(consent.statusCode, consent.body).toBe(201);
  const request = await reception.post(`/api/v1/practices/${practice.practiceId}/privacy/requests`, {
    patientId: patient.id,
    type: 'correction',
    note: 'New address',
    proposedChange: { field: 'address', proposedValue: 'Rue Royale' },
  });
  expect(request.statusCode, request.body).toBe(201);
  return { id: patient.id, visit };
}

/** What is left of the patient's data, by kind (as the table owner: nothing hidden). */
async function leftOf(patientId: string) {
  const count = async (
    table: 'appointments' | 'clinicalNotes' | 'chartFindings' | 'privacyRequests' | 'patientErasures' | 'consentEvents',
  ) => (await t.db.selectFrom(table).select('patientId').where('patientId', '=', patientId).execute()).length;
  const record = await t.db
    .selectFrom('patients')
    .select(['givenName', 'familyName', 'dateOfBirth'])
    .where('id', '=', patientId)
    .executeTakeFirstOrThrow();
  return {
    appointments: await count('appointments'),
    clinicalNotes: await count('clinicalNotes'),
    chartFindings: await count('chartFindings'),
    privacyRequests: await count('privacyRequests'),
    erasureReceipts: await count('patientErasures'),
    consent: await count('consentEvents'),
    record,
  };
}

const run = (now: Date) => runRetention(t.ctx, { practiceId: practice.practiceId, now, dryRun: false });

describe('a deletion request, through to its purge date', () => {
  it('keeps what it keeps until the date on the receipt, purges it after that date, and a hold stops it until lifted', async () => {
    const erased = await patientSeenOnce('Purgé', '09:00');
    const held = await patientSeenOnce('Gardé', '10:00');
    const receipts = [];
    for (const p of [erased, held])
      receipts.push(
        await fulfilDeletion(t.ctx, {
          practiceId: practice.practiceId,
          patientId: p.id,
          requestId: null,
          actor: owner,
          now: new Date(p.visit.getTime() + DAY),
        }),
      );
    const [receipt] = receipts;
    // The receipt names what is kept and until when (each kind a date): the clinical records, the
    // visits, the request, the consent history.
    const kept = receipt!.kept;
    for (const kind of ['appointments', 'clinicalNotes', 'chartFindings'])
      expect(JSON.stringify(kept), kind).toMatch(/"until":"\d{4}-\d{2}-\d{2}"/);
    const dates = kept.map((k) => k.until).filter((d): d is string => d !== null);
    expect(kept.filter((k) => k.until === null)).toEqual([]);
    const keptUntil = dates.sort().at(-1)!;
    expect(keptUntil >= new Date(erased.visit.getTime() + 4017 * DAY).toISOString().slice(0, 10)).toBe(true);

    const before = await leftOf(erased.id);
    expect(before).toMatchObject({
      appointments: 1,
      clinicalNotes: 1,
      chartFindings: 1,
      privacyRequests: 1,
      erasureReceipts: 1,
      consent: 1,
    });
    expect(before.record.givenName).toBe('Ravi');

    // After the erasure, a hold on the other patient (a claim about their treatment).
    const hold = await setLegalHold(t.ctx, {
      actor: owner,
      practiceId: practice.practiceId,
      hold: { patientId: held.id, reason: 'Treatment claim' },
    });
    const heldBefore = await leftOf(held.id);

    // The day before the date: nothing kept goes.
    const dayBefore = new Date(Date.parse(`${keptUntil}T00:00:00Z`) - DAY);
    await run(dayBefore);
    expect(await leftOf(erased.id)).toEqual(before);

    // Past the date: the job purges every kind the receipt kept, then anonymises the record.
    // Appointments are the practice's figures: they stay, with their words cleared.
    const dayAfter = new Date(Date.parse(`${keptUntil}T00:00:00Z`) + 2 * DAY);
    const purged = await run(dayAfter);
    // The visit stays as a figure of the practice (no words, its patient anonymised).
    expect(await leftOf(erased.id)).toEqual({
      appointments: 1,
      clinicalNotes: 0,
      chartFindings: 0,
      privacyRequests: 0,
      erasureReceipts: 0,
      consent: 0,
      record: { givenName: '(erased)', familyName: '(erased)', dateOfBirth: null },
    });
    for (const category of ['clinical_records', 'rights_requests', 'erasure_receipts', 'consent_ledger'])
      expect(purged.results.find((r) => r.category === category)?.count, category).toBeGreaterThan(0);
    // The held patient's kept data is all there, past the same date.
    expect(await leftOf(held.id)).toEqual(heldBefore);

    // A second run the same day finds nothing more of either.
    expect((await run(dayAfter)).purged).toBe(0);
    expect(await leftOf(held.id)).toEqual(heldBefore);

    // Once the hold is lifted, the next run purges the held patient's kept data too.
    await liftLegalHold(t.ctx, { actor: owner, practiceId: practice.practiceId, holdId: hold.id, reason: 'Settled' });
    await run(new Date(dayAfter.getTime() + DAY));
    expect(await leftOf(held.id)).toMatchObject({
      appointments: 1,
      clinicalNotes: 0,
      chartFindings: 0,
      privacyRequests: 0,
      erasureReceipts: 0,
      consent: 0,
      record: { givenName: '(erased)', dateOfBirth: null },
    });
    expect(await verifyAuditChain(t.db, practice.practiceId)).toMatchObject({ ok: true });
  });
});
