import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/platform/access.js';
import { AppError } from '../src/platform/errors.js';
import { inPractice } from '../src/platform/tenancy.js';
import { createPatient, updatePatient } from '../src/modules/patients/patients.service.js';
import { type Client, createTestApp, loggedIn, makePractice, type TestApp } from './harness.js';

/** Optimistic concurrency of patient edits: an edit names the version it started from. */

let t: TestApp;
let practice: Awaited<ReturnType<typeof makePractice>>;
let owner: Client;
let base: string;
const actor = systemActor('test');

beforeAll(async () => {
  t = await createTestApp();
  practice = await makePractice(t.ctx);
  owner = await loggedIn(t.app, practice.owner);
  base = `/api/v1/practices/${practice.practiceId}`;
});
afterAll(() => t.close());

const newPatient = (givenName: string, extra: Record<string, unknown> = {}) =>
  createPatient(t.ctx, {
    actor,
    practiceId: practice.practiceId,
    patient: { givenName, familyName: 'Version', ...extra },
  });

describe('patient versions', () => {
  it('starts at 1 and moves on with each saved edit', async () => {
    const created = await newPatient('Vera');
    expect(created.version).toBe(1);
    const first = await owner.patch(`${base}/patients/${created.id}`, {
      notes: 'Prefers mornings',
      expectedVersion: 1,
    });
    expect(first.json()).toMatchObject({ notes: 'Prefers mornings', version: 2 });
    const second = await owner.patch(`${base}/patients/${created.id}`, { address: 'Curepipe', expectedVersion: 2 });
    expect(second.json()).toMatchObject({ notes: 'Prefers mornings', address: 'Curepipe', version: 3 });
    expect((await owner.get(`${base}/patients/${created.id}`)).json().version).toBe(3);
  });

  it('refuses an edit of an older version with 409 patient_changed and the record as it is now, saving nothing', async () => {
    const created = await newPatient('Victor', { phone: '57770001' });
    expect(
      (await owner.patch(`${base}/patients/${created.id}`, { familyName: 'Changed', expectedVersion: 1 })).statusCode,
    ).toBe(200);
    const stale = await owner.patch(`${base}/patients/${created.id}`, {
      notes: 'Written on the old version',
      expectedVersion: 1,
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.headers['content-type']).toContain('application/problem+json');
    expect(stale.json()).toMatchObject({
      code: 'patient_changed',
      status: 409,
      title: expect.any(String),
      current: { id: created.id, familyName: 'Changed', notes: '', version: 2, phones: [{ e164: '+23057770001' }] },
    });
    const now = (await owner.get(`${base}/patients/${created.id}`)).json();
    expect(now).toMatchObject({ notes: '', version: 2 });
    const audited = await inPractice(t.db, practice.practiceId, (tx) =>
      tx
        .selectFrom('auditEvents')
        .select('changes')
        .where('action', '=', 'patient.updated')
        .where('targetId', '=', created.id)
        .execute(),
    );
    expect(audited).toHaveLength(1);
  });

  it('requires the version over HTTP (400 at expectedVersion)', async () => {
    const created = await newPatient('Valerie');
    const res = await owner.patch(`${base}/patients/${created.id}`, { notes: 'No version' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: 'expectedVersion' })],
    });
  });

  it('lets exactly one of two simultaneous edits of one version through, over HTTP and in the service', async () => {
    const created = await newPatient('Vincent');
    const [one, two] = await Promise.all(
      ['Desk one', 'Desk two'].map((notes) =>
        owner.patch(`${base}/patients/${created.id}`, { notes, expectedVersion: 1 }),
      ),
    );
    expect([one!.statusCode, two!.statusCode].sort()).toEqual([200, 409]);
    const winner = [one!, two!].find((r) => r.statusCode === 200)!.json();
    const loser = [one!, two!].find((r) => r.statusCode === 409)!.json();
    expect(loser).toMatchObject({ code: 'patient_changed', current: { version: 2, notes: winner.notes } });

    const edits = ['Desk three', 'Desk four', 'Desk five', 'Desk six'].map((notes) =>
      updatePatient(t.ctx, {
        actor,
        practiceId: practice.practiceId,
        patientId: created.id,
        patch: { notes },
        expectedVersion: 2,
      }),
    );
    const results = await Promise.allSettled(edits);
    const saved = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as AppError] : []));
    expect(saved).toHaveLength(1);
    expect(refused.map((e) => e instanceof AppError && e.code)).toEqual([
      'patient_changed',
      'patient_changed',
      'patient_changed',
    ]);
    for (const e of refused) expect(e.options.extra?.current).toMatchObject({ version: 3, notes: saved[0]!.notes });
    expect((await owner.get(`${base}/patients/${created.id}`)).json()).toMatchObject({
      version: 3,
      notes: saved[0]!.notes,
    });
  });

  it('moves the version of both records of a merge, so edits started before it are refused', async () => {
    const survivor = await newPatient('Viviane');
    const merged = await newPatient('Vivianne', { email: 'viv@example.mu' });
    expect((await owner.post(`${base}/patients/${merged.id}/merge`, { intoPatientId: survivor.id })).statusCode).toBe(
      200,
    );
    const stale = await owner.patch(`${base}/patients/${survivor.id}`, {
      notes: 'Before the merge',
      expectedVersion: 1,
    });
    expect([stale.statusCode, stale.json().code, stale.json().current.email]).toEqual([
      409,
      'patient_changed',
      'viv@example.mu',
    ]);
    expect((await owner.get(`${base}/patients/${merged.id}`)).json().version).toBe(2);
  });
});
