import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueTemplateToNumberIn } from '../src/modules/messaging/outreach.service.js';
import { createPatient } from '../src/modules/patients/patients.service.js';
import { systemActor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type AssistantPractice, assistantPractice } from './assistant-fixtures.js';
import { type Client, type TestApp, loggedIn, makePractice } from './harness.js';
import { createWhatsAppTestApp, startFakeGraph, workers } from './whatsapp-fixtures.js';
import { metaErrorBody, newWaId, patientWrites } from './whatsapp-helpers.js';

/**
 * The patient page's "WhatsApp does not reach this number" (issue 13): when Meta refuses a message
 * to a number with 131026, the messaging module marks it; GET …/patients/:id/whatsapp-reach gives
 * each number on the record (phones, and a guardian contact's phone) with the time of the mark, for
 * anyone who may read the patient; the patient writing from the number clears it.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let practice: AssistantPractice;
let desk: Client;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  practice = await assistantPractice(t);
  desk = await loggedIn(t.app, practice.receptionist);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

const reachPath = (patientId: string, practiceId = practice.practiceId) =>
  `/api/v1/practices/${practiceId}/patients/${patientId}/whatsapp-reach`;

async function reachOf(client: Client, patientId: string) {
  const res = await client.get(reachPath(patientId));
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { numbers: { e164: string; notOnWhatsAppSince: string | null }[] }).numbers;
}

/** The practice sends the number a template and Meta answers 131026 (not on WhatsApp). */
async function metaSaysNotOnWhatsApp(waId: string) {
  graph.fake.answerNext({ status: 400, body: metaErrorBody(131026, 'Message undeliverable') });
  const queued = await inPractice(t.db, practice.practiceId, (tx) =>
    queueTemplateToNumberIn(tx, {
      masterKey: t.ctx.config.encryptionKey,
      practiceId: practice.practiceId,
      e164: `+${waId}`,
      patientId: null,
      templateName: 'appointment_reminder',
      languages: ['en'],
      parameters: () => ({ patient_name: 'Aisha', practice_name: 'Clinic', date: 'Tuesday', time: '09:30' }),
      idempotencyKey: `reach:${waId}`,
    }),
  );
  expect(queued.kind).toBe('queued');
  await workers(t).send();
}

describe('GET …/patients/:patientId/whatsapp-reach', () => {
  it('says which number WhatsApp does not reach and since when, until the patient writes from it', async () => {
    const mobile = newWaId();
    const { id } = await createPatient(t.ctx, {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      patient: {
        givenName: 'Nadia',
        familyName: 'Reach',
        phones: [
          { number: `+${mobile}`, label: 'mobile', isWhatsApp: true },
          { number: '+2302101234', label: 'home', isWhatsApp: false },
        ],
      },
    });
    expect(await reachOf(desk, id)).toEqual([
      { e164: `+${mobile}`, notOnWhatsAppSince: null },
      { e164: '+2302101234', notOnWhatsAppSince: null },
    ]);

    const before = Date.now();
    await metaSaysNotOnWhatsApp(mobile);
    const marked = await reachOf(desk, id);
    expect(marked.map((n) => n.e164)).toEqual([`+${mobile}`, '+2302101234']);
    const since = Date.parse(marked[0]!.notOnWhatsAppSince!);
    expect(since).toBeGreaterThanOrEqual(before - 1000);
    expect(since).toBeLessThanOrEqual(Date.now() + 1000);
    expect(marked[1]!.notOnWhatsAppSince).toBeNull();

    // Meta says so again later: the first time is kept.
    await metaSaysNotOnWhatsApp(mobile);
    expect((await reachOf(desk, id))[0]!.notOnWhatsAppSince).toBe(marked[0]!.notOnWhatsAppSince);

    // The patient writes from the number: it is on WhatsApp after all.
    await patientWrites(t, { phoneNumberId: practice.phoneNumberId, from: mobile });
    await workers(t).processWebhooks();
    expect((await reachOf(desk, id))[0]).toEqual({ e164: `+${mobile}`, notOnWhatsAppSince: null });
  });

  it("a child's guardian contact phone is listed too, and marked the same way", async () => {
    const guardian = newWaId();
    const { id } = await createPatient(t.ctx, {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      patient: {
        givenName: 'Arjun',
        familyName: 'Reach',
        dateOfBirth: '2018-04-02',
        guardianContact: { name: 'Meera Reach', phone: `+${guardian}`, relationship: 'mother' },
      },
    });
    await metaSaysNotOnWhatsApp(guardian);
    const numbers = await reachOf(desk, id);
    expect(numbers).toHaveLength(1);
    expect(numbers[0]!.e164).toBe(`+${guardian}`);
    expect(numbers[0]!.notOnWhatsAppSince).toEqual(expect.any(String));
  });

  it('every role that reads patients may ask; an unknown patient or another practice’s is 404', async () => {
    const { id } = await createPatient(t.ctx, {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      patient: { givenName: 'Omar', familyName: 'Reach', phones: [{ number: `+${newWaId()}`, isWhatsApp: true }] },
    });
    for (const member of [practice.owner, practice.dentist, practice.hygienist]) {
      const client = await loggedIn(t.app, member);
      expect((await client.get(reachPath(id))).statusCode).toBe(200);
    }
    expect((await desk.get(reachPath('00000000-0000-4000-8000-000000000000'))).statusCode).toBe(404);
    const other = await makePractice(t.ctx);
    const otherOwner = await loggedIn(t.app, other.owner);
    // Another practice's owner: not a member here, and the patient is not theirs.
    expect((await otherOwner.get(reachPath(id))).statusCode).toBe(404);
    const viaOwnPractice = await otherOwner.get(reachPath(id, other.practiceId));
    expect([viaOwnPractice.statusCode, viaOwnPractice.json().code]).toEqual([404, 'patient_not_found']);
    expect((await t.app.inject({ method: 'GET', url: reachPath(id) })).statusCode).toBe(401);
  });
});
