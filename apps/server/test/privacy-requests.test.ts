import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/platform/access.js';
import { bookAppointment } from '../src/modules/scheduling/appointments.service.js';
import { dueDateFrom } from '../src/modules/privacy/requests.service.js';
import { readRightsRequest } from '../src/modules/assistant/understand.service.js';
import { Client, type TestApp, loggedIn } from './harness.js';
import { connectChannel, createWhatsAppTestApp, startFakeGraph, workers } from './whatsapp-fixtures.js';
import { makeEverythingDue, patientWrites } from './whatsapp-helpers.js';
import { makeSchedulingPractice, mu, nextMonday } from './scheduling-fixtures.js';

/**
 * Patients' rights requests (issue 14, deliver 1 and 2) over HTTP: the steps in order and out of
 * order, who may take them, another practice's patient, the audit trail, and an access request's
 * copy (a ZIP read back with yauzl) holding that patient's data and nothing of anyone else.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
const PHONE = '106540352249777';
let practice: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let other: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let owner: Client;
let reception: Client;
let otherOwner: Client;
let base: string;
const appointmentIds: string[] = [];

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  practice = await makeSchedulingPractice(t.ctx);
  await connectChannel(t.ctx, practice.practiceId, PHONE);
  other = await makeSchedulingPractice(t.ctx);
  owner = await loggedIn(t.app, practice.owner);
  reception = await loggedIn(t.app, practice.receptionist);
  otherOwner = await loggedIn(t.app, other.owner);
  base = `/api/v1/practices/${practice.practiceId}/privacy/requests`;
  // Both patients have an appointment, so the scheduling module has something of each to copy.
  const monday = nextMonday();
  for (const [i, patient] of practice.patients.slice(0, 2).entries()) {
    const booked = await bookAppointment(t.ctx, {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      booking: {
        appointmentTypeId: practice.checkup,
        providerId: practice.dentistId,
        chairId: practice.chair1,
        start: mu(monday, `${10 + i}:00`),
        source: 'phone',
        patientId: patient.id,
      },
    });
    appointmentIds.push(booked.id);
  }
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

/** A patient writes to the practice's number; returns what the practice answered. */
async function writes(from: string, body: string) {
  const seen = graph.fake.sent.length;
  await patientWrites(t, { phoneNumberId: PHONE, from, message: { type: 'text', text: { body } } });
  const w = workers(t);
  await w.processWebhooks();
  await makeEverythingDue(t);
  await w.send();
  return graph.fake.sent
    .slice(seen)
    .filter((m) => m.to === from)
    .map((m) => (m.body as { text?: { body: string } }).text?.body ?? '');
}

const auditActions = async (requestId: string) =>
  (
    await t.db
      .selectFrom('auditEvents')
      .select(['action', 'targetId', 'changes'])
      .where('practiceId', '=', practice.practiceId)
      .where('action', 'like', 'privacy.%')
      .orderBy('seq')
      .execute()
  ).filter((e) => (e.changes as { requestId?: string } | null)?.requestId === requestId);

function unzip(buffer: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('an access request', () => {
  it('is recorded by the desk, verified, approved by an owner only, and its copy holds that patient alone', async () => {
    const [ravi, helene, wei] = practice.patients;
    const created = await reception.post(base, { patientId: ravi!.id, type: 'access', source: 'staff', note: '' });
    expect(created.statusCode, created.body).toBe(201);
    const request = created.json();
    expect(request).toMatchObject({ type: 'access', source: 'staff', state: 'received', overdue: false });
    expect(request.dueAt).toBe(dueDateFrom(new Date(request.receivedAt), 1).toISOString());
    const id = request.id as string;

    // Out of order: approval before the identity is verified; the copy before approval.
    const early = await owner.post(`${base}/${id}/approve`, {});
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'privacy_identity_not_verified' });
    expect((await owner.get(`${base}/${id}/export`)).json()).toMatchObject({ code: 'privacy_export_not_ready' });

    const verified = await reception.post(`${base}/${id}/verify`, {
      method: 'id_document',
      note: 'ID card seen at desk',
    });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({
      state: 'identity_verified',
      verification: { method: 'id_document', note: 'ID card seen at desk', by: { id: practice.receptionist.id } },
    });
    const twice = await reception.post(`${base}/${id}/verify`, { method: 'other', note: '' });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'privacy_request_state' });

    // Only owners approve an export; another practice cannot see the request at all.
    const denied = await reception.post(`${base}/${id}/approve`, {});
    expect(denied.statusCode).toBe(403);
    expect(denied.headers['content-type']).toContain('application/problem+json');
    const foreign = await otherOwner.get(`/api/v1/practices/${other.practiceId}/privacy/requests/${id}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'privacy_request_not_found' });
    expect((await otherOwner.post(`${base}/${id}/approve`, {})).statusCode).toBe(404);

    const approved = await owner.post(`${base}/${id}/approve`, {});
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({
      state: 'in_progress',
      exportReady: true,
      approvedBy: { id: practice.owner.id },
    });

    expect((await reception.get(`${base}/${id}/export`)).statusCode).toBe(403);
    const download = await owner.get(`${base}/${id}/export`);
    expect(download.statusCode, download.body.slice(0, 300)).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    const files = await unzip(download.rawPayload);
    expect([...files.keys()]).toEqual(
      expect.arrayContaining(['README.txt', 'summary.pdf', 'notifications.json', 'reminders.json']),
    );
    expect(files.get('summary.pdf')!.subarray(0, 5).toString()).toBe('%PDF-');
    expect(files.get('patients.json')!.toString()).toContain('Ramgoolam');
    const modules = t.ctx.dataOwners.map((o) => o.module);
    const readme = files.get('README.txt')!.toString();
    // Every data owner's export is built: none is missing from the copy.
    for (const module of modules) expect(files.has(`${module}.json`), `${module}.json`).toBe(true);
    for (const module of modules)
      expect(
        files.has(`${module}.json`) || readme.includes(`  - ${module}`),
        `${module} is in the copy or named as missing`,
      ).toBe(true);
    const json = [...files.entries()]
      .filter(([name]) => name.endsWith('.json'))
      .map(([, body]) => body.toString())
      .join('\n');
    expect(JSON.parse(files.get('patient.json')!.toString())).toMatchObject({ id: ravi!.id, familyName: 'Ramgoolam' });
    expect(files.get('scheduling.json')!.toString()).toContain(appointmentIds[0]);
    expect(json).not.toContain(appointmentIds[1]);
    for (const someoneElse of [helene!, wei!, ...other.patients]) expect(json).not.toContain(someoneElse.id);
    expect(json).not.toContain('Lagesse');
    expect(readme).not.toContain('Lagesse');

    // The desk's download fulfils the request; the steps were audited by ids only.
    expect((await owner.get(`${base}/${id}`)).json()).toMatchObject({ state: 'fulfilled' });
    const audit = await auditActions(id);
    expect(audit.map((e) => e.action)).toEqual([
      'privacy.request_received',
      'privacy.request_identity_verified',
      'privacy.request_approved',
      'privacy.export_downloaded',
      'privacy.request_fulfilled',
    ]);
    expect(audit.every((e) => e.targetId === ravi!.id)).toBe(true);
    expect(JSON.stringify(audit)).not.toContain('ID card');
    const refuseClosed = await owner.post(`${base}/${id}/refuse`, { reason: 'Too late' });
    expect(refuseClosed.json()).toMatchObject({ code: 'privacy_request_state' });
  });
});

describe('other requests', () => {
  it('refuses a patient of another practice, and a correction without its proposed change', async () => {
    const foreign = await reception.post(base, { patientId: other.patients[0]!.id, type: 'access' });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toMatchObject({ code: 'patient_not_found' });
    const bare = await reception.post(base, { patientId: practice.patients[1]!.id, type: 'correction' });
    expect(bare.statusCode).toBe(400);
  });

  it('a consent withdrawal, once verified and started, is in the consent ledger on every channel and purpose, and closed', async () => {
    const patientId = practice.patients[2]!.id;
    const created = await reception.post(base, {
      patientId,
      type: 'consent_withdrawal',
      source: 'email',
      note: 'Please stop all messages from the practice',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    await reception.post(`${base}/${id}/verify`, { method: 'id_document', note: 'ID card seen at desk' });
    const approved = await reception.post(`${base}/${id}/approve`, {});
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ state: 'fulfilled' });
    const consent = await reception.get(`/api/v1/practices/${practice.practiceId}/patients/${patientId}/consent`);
    expect(consent.statusCode, consent.body).toBe(200);
    const history = consent.json() as {
      current: { channel: string; purpose: string; granted: boolean }[];
      entries: { source: string; wording: string }[];
    };
    expect(history.current.map((c) => [c.channel, c.purpose, c.granted])).toEqual([
      ['whatsapp', 'appointments', false],
      ['whatsapp', 'recalls', false],
      ['email', 'appointments', false],
      ['email', 'recalls', false],
    ]);
    expect(history.entries.every((e) => e.source === 'patient_request')).toBe(true);
    expect(history.entries[0]!.wording).toBe('Please stop all messages from the practice');
    expect((await auditActions(id)).map((e) => e.action)).toContain('privacy.request_fulfilled');
  });

  it('a correction carries its proposed change; only an owner refuses, with a reason; the list shows it', async () => {
    const patientId = practice.patients[1]!.id;
    const created = await reception.post(base, {
      patientId,
      type: 'correction',
      source: 'email',
      receivedAt: new Date(Date.now() - 40 * 86_400_000).toISOString(),
      proposedChange: { field: 'address', proposedValue: '12 Rue Royale, Port Louis' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    expect(created.json()).toMatchObject({
      proposedChange: { field: 'address', proposedValue: '12 Rue Royale, Port Louis' },
      overdue: true,
    });
    expect((await reception.post(`${base}/${id}/refuse`, { reason: 'No' })).statusCode).toBe(403);
    expect((await owner.post(`${base}/${id}/refuse`, { reason: ' ' })).statusCode).toBe(400);
    const refused = await owner.post(`${base}/${id}/refuse`, { reason: 'The address on file is already this one' });
    expect(refused.json()).toMatchObject({
      state: 'refused',
      refusedReason: 'The address on file is already this one',
      overdue: false,
    });
    const list = await reception.get(`${base}?patientId=${patientId}`);
    expect(list.json().requests.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await reception.get(`${base}?state=open&patientId=${patientId}`)).json().requests).toEqual([]);
    expect((await auditActions(id)).map((e) => e.action)).toEqual([
      'privacy.request_received',
      'privacy.request_refused',
    ]);
  });
});

describe('from WhatsApp, while the assistant is off', () => {
  it('understands the request in English, French and Creole, and nothing else', () => {
    expect(readRightsRequest('I want a copy of my data')).toEqual({ type: 'access', language: 'en' });
    expect(readRightsRequest('Je veux une copie de mes données')).toEqual({ type: 'access', language: 'fr' });
    expect(readRightsRequest('supprimez mes données svp')).toEqual({ type: 'deletion', language: 'fr' });
    expect(readRightsRequest('Please delete my data')).toEqual({ type: 'deletion', language: 'en' });
    expect(readRightsRequest('mo le enn kopi mo bann done')).toEqual({ type: 'access', language: 'mfe' });
    expect(readRightsRequest('efas mo bann done')).toEqual({ type: 'deletion', language: 'mfe' });
    expect(readRightsRequest('My details are wrong, please correct them')).toEqual({
      type: 'correction',
      language: 'en',
    });
    expect(readRightsRequest("Arrêtez d'utiliser mes données")).toEqual({ type: 'restriction', language: 'fr' });
    expect(readRightsRequest('Can I move my appointment?')).toBeNull();
    expect(readRightsRequest('delete my appointment')).toBeNull();
    expect(readRightsRequest('supprimer mon rendez-vous')).toBeNull();
  });

  it('records a request for the patient of the number with its due date, answers in their language, and it goes to download', async () => {
    const ravi = practice.patients[0]!; // +230 5712 3456
    const replies = await writes('23057123456', 'I want a copy of my data');
    expect(replies).toHaveLength(1);
    const listed = (await reception.get(`${base}?state=open&patientId=${ravi.id}`)).json().requests;
    const request = listed.find((r: { source: string }) => r.source === 'whatsapp');
    expect(request).toMatchObject({ type: 'access', source: 'whatsapp', state: 'received' });
    const due = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'Indian/Mauritius' }).format(
      new Date(request.dueAt),
    );
    expect(replies[0]).toContain('a copy of your data');
    expect(replies[0]).toContain(due);
    const french = await writes('23057987654', 'supprimez mes données');
    expect(french[0]).toContain('suppression de vos données');
    const helene = (await reception.get(`${base}?patientId=${practice.patients[1]!.id}`)).json().requests;
    expect(
      helene.filter((r: { source: string }) => r.source === 'whatsapp').map((r: { type: string }) => r.type),
    ).toEqual(['deletion']);
    const stranger = await writes('23059990000', 'delete my data');
    expect(stranger[0]).toContain('could not find your record');

    // The desk verifies by the number on file, the owner approves, the copy holds the messages.
    await reception.post(`${base}/${request.id}/verify`, {
      method: 'whatsapp_number',
      note: 'Wrote from the number on file',
    });
    expect((await owner.post(`${base}/${request.id}/approve`, {})).statusCode).toBe(200);

    // The owner sends the link; the patient receives it on WhatsApp.
    expect((await reception.post(`${base}/${request.id}/export-link`, {})).statusCode).toBe(403);
    const seen = graph.fake.sent.length;
    const sent = await owner.post(`${base}/${request.id}/export-link`, {});
    expect(sent.statusCode, sent.body).toBe(200);
    const w = workers(t);
    await makeEverythingDue(t);
    await w.send();
    const texts = () =>
      graph.fake.sent
        .slice(seen)
        .filter((m) => m.to === '23057123456')
        .map((m) => (m.body as { text?: { body: string } }).text?.body ?? '');
    const token = /\/copy\/([\w.-]+)/.exec(texts().join('\n'))?.[1];
    expect(token).toBeTruthy();
    const copy = `/api/v1/privacy/copy/${token}`;
    const patientBrowser = new Client(t.app, '198.51.100.7');
    const otherBrowser = new Client(t.app, '198.51.100.8');
    // Not before the code; the code comes on WhatsApp; a wrong one is refused.
    expect((await patientBrowser.get(`${copy}/download`)).json()).toMatchObject({ code: 'export_link_code_required' });
    expect((await patientBrowser.post(`${copy}/code`, {})).statusCode).toBe(200);
    await makeEverythingDue(t);
    await w.send();
    const code = /(\d{6}) — DentalPro code/.exec(texts().join('\n'))?.[1];
    expect(code).toBeTruthy();
    const wrong = await patientBrowser.post(`${copy}/confirm`, { code: code === '000000' ? '000001' : '000000' });
    expect(wrong.statusCode).toBe(422);
    expect(wrong.json()).toMatchObject({ code: 'export_link_code_wrong' });
    const right = await patientBrowser.request('POST', `${copy}/confirm`, { code });
    expect(right.statusCode, right.body).toBe(200);
    const cookie = right.cookies.find((c) => c.name === 'dp_copy');
    expect(cookie).toMatchObject({ httpOnly: true, path: '/api/v1/privacy/copy' });
    // Another browser cannot use it, nor confirm it again.
    expect((await otherBrowser.get(`${copy}/download`)).json()).toMatchObject({ code: 'export_link_other_session' });
    expect((await otherBrowser.post(`${copy}/confirm`, { code })).json()).toMatchObject({
      code: 'export_link_other_session',
    });
    const download = await patientBrowser.request('GET', `${copy}/download`, undefined, {
      cookie: `dp_copy=${cookie!.value}`,
    });
    expect(download.statusCode, download.body.slice(0, 200)).toBe(200);
    const files = await unzip(download.rawPayload);
    expect(files.get('patients.json')!.toString()).toContain('Ramgoolam');
    const messaging = files.get('messaging.json')!.toString();
    expect(messaging).toContain('I want a copy of my data');
    expect(messaging).not.toContain('supprimez');
    expect((await owner.get(`${base}/${request.id}`)).json()).toMatchObject({ state: 'fulfilled' });
    // Expired: a clear refusal, even for the bound browser.
    await t.db
      .updateTable('privacyExportLinks')
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .execute();
    const expired = await patientBrowser.request('GET', `${copy}/download`, undefined, {
      cookie: `dp_copy=${cookie!.value}`,
    });
    expect(expired.statusCode).toBe(410);
    expect(expired.json()).toMatchObject({ code: 'export_link_expired' });
    expect((await patientBrowser.get(`/api/v1/privacy/copy/${token!.slice(0, -2)}xx/download`)).statusCode).toBe(404);
  });
});
