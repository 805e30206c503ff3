import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoRecalls } from '../src/demo/recalls.js';
import { createPatient } from '../src/modules/patients/patients.service.js';
import { listRecalls } from '../src/modules/scheduling/recalls.service.js';
import { listWaitlist } from '../src/modules/scheduling/waitlist.service.js';
import { systemActor } from '../src/platform/access.js';
import { createTestApp, type TestApp } from './harness.js';
import { makeSchedulingPractice } from './scheduling-fixtures.js';

/** The demo's recalls and waitlist: work on both screens from the first start, and a second seed adds nothing. */
let t: TestApp;
let p: Awaited<ReturnType<typeof makeSchedulingPractice>>;

beforeAll(async () => {
  t = await createTestApp();
  p = await makeSchedulingPractice(t.ctx);
  for (let i = 0; i < 37; i++) {
    await createPatient(t.ctx, {
      actor: systemActor('test'),
      practiceId: p.practiceId,
      patient: { givenName: `Patient${String.fromCharCode(65 + (i % 26))}`, familyName: `Demo${i}`, phone: '' },
    });
  }
});
afterAll(() => t.close());

describe('demo recalls and waitlist', () => {
  it('puts recalls due around today (some overdue) and patients on the waitlist, once', async () => {
    const now = new Date('2026-12-06T06:00:00Z');
    const staff = { ownerId: p.dentistId, dentistId: p.dentist.id, hygienistId: p.hygienist.id };
    expect(await seedDemoRecalls(t.ctx, p.practiceId, staff, now)).toEqual({ recalls: 28, waitlist: 5 });
    const caller = { actor: systemActor('test'), practiceId: p.practiceId, now };
    const due = await listRecalls(t.ctx, { ...caller, status: 'due', dueBefore: '2026-12-31' }).then(
      (page) => page.items,
    );
    expect(due.length).toBeGreaterThan(5);
    expect(due.some((r) => r.dueDate < '2026-12-06')).toBe(true);
    expect(due.some((r) => r.kind === 'hygiene' && r.providerId === p.hygienist.id)).toBe(true);
    const all = (await listRecalls(t.ctx, { ...caller, status: 'due', dueBefore: '2027-12-31' })).items;
    expect(all).toHaveLength(28);
    const waiting = (await listWaitlist(t.ctx, { ...caller, status: 'open' })).items;
    expect(waiting).toHaveLength(5);
    expect(waiting.some((e) => e.preferredEnd === '12:00' && e.preferredStart === null)).toBe(true);

    expect(await seedDemoRecalls(t.ctx, p.practiceId, staff, now)).toEqual({ recalls: 0, waitlist: 0 });
    expect((await listRecalls(t.ctx, { ...caller, status: 'due', dueBefore: '2027-12-31' })).total).toBe(28);
  });
});
