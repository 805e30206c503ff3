import { generate } from 'otplib';
import yauzl from 'yauzl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackgroundRunner } from '../src/background.js';
import { createPatient } from '../src/modules/patients/patients.service.js';
import { runRetention } from '../src/modules/privacy/retention.service.js';
import { systemActor } from '../src/platform/access.js';
import { verifyAuditChain } from '../src/platform/audit.js';
import { sealedStoresOf } from '../src/platform/data-owners.js';
import { DATA_OWNERS } from '../src/registry.js';
import { type Client, TEST_PASSWORD, type TestApp, createTestApp, loggedIn, makePractice } from './harness.js';
import { makeSchedulingPractice, mu, nextMonday } from './scheduling-fixtures.js';
import { bookAppointment } from '../src/modules/scheduling/appointments.service.js';

/**
 * The whole-practice export (issue 14): owners only, after their password again; a background job
 * builds one ZIP with every patient's copy from every data owner, the practice's settings, CSV
 * tables and a README; it is sealed in the file store, downloaded (audited) until it expires, and
 * then removed by the retention run. Nothing of another practice is in it.
 */

let t: TestApp;
let practice: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let other: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let owner: Client;
let reception: Client;
let base: string;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestApp();
  practice = await makeSchedulingPractice(t.ctx);
  other = await makeSchedulingPractice(t.ctx);
  owner = await loggedIn(t.app, practice.owner);
  reception = await loggedIn(t.app, practice.receptionist);
  base = `/api/v1/practices/${practice.practiceId}/privacy/practice-exports`;
  // A patient whose details need quoting in CSV, with a visit.
  const patient = await createPatient(t.ctx, {
    actor: systemActor('test'),
    practiceId: practice.practiceId,
    patient: { givenName: 'Marie-Claire, "Mimi"', familyName: 'Export', phone: '57004455', address: '=1+2' },
  });
  await bookAppointment(t.ctx, {
    actor: systemActor('test'),
    practiceId: practice.practiceId,
    booking: {
      appointmentTypeId: practice.checkup,
      providerId: practice.dentistId,
      chairId: practice.chair1,
      start: mu(nextMonday(), '09:00'),
      source: 'phone',
      patientId: patient.id,
    },
  });
  await createPatient(t.ctx, {
    actor: systemActor('test'),
    practiceId: other.practiceId,
    patient: { givenName: 'Elsewhere', familyName: 'Nobody', phone: '' },
  });
});
afterAll(() => t?.close());

const runJobs = () => createBackgroundRunner(t.ctx, { schedules: false }).runDue();

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

const audit = (action: string) =>
  t.db
    .selectFrom('auditEvents')
    .select(['actorUserId', 'changes'])
    .where('practiceId', '=', practice.practiceId)
    .where('action', '=', action)
    .execute();

describe('the whole-practice export', () => {
  let exportId: string;

  it('is for owners only, after their password again', async () => {
    expect((await reception.post(base, { password: TEST_PASSWORD })).statusCode).toBe(403);
    expect((await reception.get(base)).statusCode).toBe(403);
    const wrong = await owner.post(base, { password: 'not the password' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'invalid_credentials' });
    expect((await owner.post(base, {})).statusCode).toBe(400);
    expect((await owner.get(base)).json().items).toEqual([]);
  });

  it('is built in the background, one at a time, and audited', async () => {
    const asked = await owner.post(base, { password: TEST_PASSWORD });
    expect(asked.statusCode, asked.body).toBe(202);
    expect(asked.json()).toMatchObject({ state: 'building', requestedByName: 'Owner Test', downloads: 0 });
    exportId = asked.json().id;
    const again = await owner.post(base, { password: TEST_PASSWORD });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'practice_export_building' });
    expect((await owner.get(`${base}/${exportId}/download`)).json()).toMatchObject({
      code: 'practice_export_building',
    });
    expect(await audit('privacy.practice_export_requested')).toEqual([
      { actorUserId: practice.owner.id, changes: { exportId } },
    ]);

    await runJobs();
    const [listed] = (await owner.get(base)).json().items;
    expect(listed).toMatchObject({ id: exportId, state: 'ready' });
    expect(listed.patients).toBe(practice.patients.length + 1);
    expect(listed.sizeBytes).toBeGreaterThan(0);
    // Sealed in the file store: the ZIP's own bytes are not there in the clear.
    const row = await t.db
      .selectFrom('practiceExports')
      .select('storageKey')
      .where('id', '=', exportId)
      .executeTakeFirstOrThrow();
    expect(row.storageKey).toBe(`${practice.practiceId}/${exportId}`);
    const stored = await sealedStoresOf(t.ctx).files.get(row.storageKey!);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.includes(Buffer.from('PK\u0003\u0004'))).toBe(false);
    expect(stored.includes(Buffer.from('practice.json'))).toBe(false);
  });

  it('holds every patient’s copy from every data owner, the settings, CSV tables and a README; nothing of another practice', async () => {
    const download = await owner.get(`${base}/${exportId}/download`);
    expect(download.statusCode, download.body).toBe(200);
    expect(download.headers['content-type']).toBe('application/zip');
    expect(download.headers['cache-control']).toBe('no-store');
    const files = await unzip(download.rawPayload);
    const names = [...files.keys()];
    for (const name of [
      'README.txt',
      'practice/practice.json',
      'practice/chairs.json',
      'practice/providers.json',
      'practice/appointment-types.json',
      'practice/opening-hours.json',
      'practice/price-list.json',
      'tables/patients.csv',
      'tables/appointments.csv',
    ])
      expect(names, name).toContain(name);
    const patientIds = new Set(names.filter((n) => n.startsWith('patients/')).map((n) => n.split('/')[1]));
    expect(patientIds.size).toBe(practice.patients.length + 1);
    for (const id of patientIds) {
      expect(names).toContain(`patients/${id}/patients.json`);
      for (const owner of DATA_OWNERS) expect(names).toContain(`patients/${id}/${owner.module}.json`);
    }
    const everything = [...files.values()].map((b) => b.toString('utf8')).join('\n');
    expect(everything).not.toContain('Elsewhere');
    expect(everything).not.toContain(other.practiceId);
    expect(JSON.parse(files.get('practice/practice.json')!.toString()).id).toBe(practice.practiceId);

    const patientsCsv = files.get('tables/patients.csv')!.toString();
    expect(patientsCsv.split('\r\n')[0]).toBe(
      'id,given_name,family_name,preferred_name,date_of_birth,sex,email,phones,address,preferred_language,status,created_at',
    );
    // Quoted where it must be; a formula-like value is kept as text.
    expect(patientsCsv).toContain('"Marie-Claire, ""Mimi"""');
    expect(patientsCsv).toContain("'=1+2");
    const appointments = files.get('tables/appointments.csv')!.toString().trim().split('\r\n');
    expect(appointments.length).toBeGreaterThanOrEqual(2);
    expect(files.get('README.txt')!.toString()).toContain('tables/');

    const downloaded = await audit('privacy.practice_export_downloaded');
    expect(downloaded).toHaveLength(1);
    expect(downloaded[0]!.changes).toMatchObject({ exportId });
    expect((await owner.get(base)).json().items[0]).toMatchObject({ downloads: 1 });
  });

  it('another practice’s owner cannot see or download it', async () => {
    const stranger = await loggedIn(t.app, other.owner);
    // Not a member of that practice: it is not found there.
    expect((await stranger.get(`${base}/${exportId}/download`)).statusCode).toBe(404);
    const own = `/api/v1/practices/${other.practiceId}/privacy/practice-exports/${exportId}/download`;
    expect((await stranger.get(own)).json()).toMatchObject({ code: 'practice_export_not_found' });
  });

  it('an owner with two-step sign-in also gives a code from their app', async () => {
    const p = await makePractice(t.ctx);
    const session = await loggedIn(t.app, p.owner);
    const setup = (await session.post('/api/v1/auth/mfa/setup')).json() as { secret: string };
    const code = (offsetSteps: number) =>
      generate({ secret: setup.secret, epoch: Math.floor(Date.now() / 1000) + 30 * offsetSteps });
    expect((await session.post('/api/v1/auth/mfa/enable', { code: await code(0) })).statusCode).toBe(200);
    const url = `/api/v1/practices/${p.practiceId}/privacy/practice-exports`;
    expect((await session.post(url, { password: TEST_PASSWORD })).json()).toMatchObject({ code: 'mfa_required' });
    expect((await session.post(url, { password: TEST_PASSWORD, code: '000000' })).statusCode).toBe(401);
    const asked = await session.post(url, { password: TEST_PASSWORD, code: await code(1) });
    expect(asked.statusCode, asked.body).toBe(202);
    expect(asked.json()).toMatchObject({ state: 'building' });
  });

  it('expires after 7 days: refused, and the retention run removes its file', async () => {
    const later = new Date(Date.now() + 8 * DAY);
    const run = await runRetention(t.ctx, { practiceId: practice.practiceId, now: later, dryRun: false });
    expect(run.results.find((r) => r.category === 'practice_exports')).toMatchObject({ count: 1 });
    const row = await t.db
      .selectFrom('practiceExports')
      .select(['state', 'storageKey'])
      .where('id', '=', exportId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'expired', storageKey: null });
    const gone = await owner.get(`${base}/${exportId}/download`);
    expect(gone.statusCode).toBe(410);
    expect(gone.json()).toMatchObject({ code: 'export_link_expired' });
    expect((await owner.get(base)).json().items[0]).toMatchObject({ state: 'expired' });
    expect(await verifyAuditChain(t.db, practice.practiceId)).toMatchObject({ ok: true });
  });
});
