import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPatient } from '../src/modules/patients/patients.service.js';
import { systemActor } from '../src/platform/access.js';
import { canonicalJson, recordAudit, verifyAuditChain } from '../src/platform/audit.js';
import { inPractice } from '../src/platform/tenancy.js';
import { Client, createTestApp, loggedIn, makeMember, makePractice, type TestApp } from './harness.js';
import { makeSchedulingPractice, mu, nextMonday } from './scheduling-fixtures.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** As the table owner, with the append-only trigger off: what an attacker with database access could do. */
async function tamper(statement: ReturnType<typeof sql>) {
  await t.db.transaction().execute(async (tx) => {
    await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`.execute(tx);
    await statement.execute(tx);
    await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`.execute(tx);
  });
}

async function practiceWithHistory() {
  const p = await makePractice(t.ctx);
  const owner = await loggedIn(t.app, p.owner);
  for (const name of ['Alpha Dental', 'Beta Dental', 'Gamma Dental']) {
    expect((await owner.patch(`/api/v1/practices/${p.practiceId}`, { name })).statusCode).toBe(200);
  }
  return { ...p, owner };
}

describe('audit chain', () => {
  it('verifies an untouched chain', async () => {
    const p = await practiceWithHistory();
    // practice.created, auth.login, three practice.updated
    expect(await verifyAuditChain(t.db, p.practiceId)).toEqual({ ok: true, events: 5 });
  });

  it('names the first event whose content was edited', async () => {
    const p = await practiceWithHistory();
    await tamper(
      sql`UPDATE audit_events SET changes = '{"fields":["address"]}' WHERE practice_id = ${p.practiceId} AND seq = 4`,
    );
    const verdict = await verifyAuditChain(t.db, p.practiceId);
    expect(verdict).toMatchObject({ ok: false, brokenAt: { seq: 4, reason: 'content does not match its hash' } });
  });

  it('finds an event removed from the middle', async () => {
    const p = await practiceWithHistory();
    await tamper(sql`DELETE FROM audit_events WHERE practice_id = ${p.practiceId} AND seq = 2`);
    expect(await verifyAuditChain(t.db, p.practiceId)).toMatchObject({
      ok: false,
      brokenAt: { seq: 2, reason: 'event 2 is missing' },
    });
  });

  it('finds events removed from the end', async () => {
    const p = await practiceWithHistory();
    await tamper(sql`DELETE FROM audit_events WHERE practice_id = ${p.practiceId} AND seq = 5`);
    expect(await verifyAuditChain(t.db, p.practiceId)).toMatchObject({ ok: false, brokenAt: { seq: 5 } });
  });

  it('finds an event re-hashed after editing (the next link breaks)', async () => {
    const p = await practiceWithHistory();
    const row = await t.db
      .selectFrom('auditEvents')
      .selectAll()
      .where('practiceId', '=', p.practiceId)
      .where('seq', '=', 3)
      .executeTakeFirstOrThrow();
    const { eventHash } = await import('../src/platform/audit.js');
    const forged = { ...row, action: 'practice.viewed', occurredAt: row.occurredAt.toISOString() };
    const hash = eventHash(row.prevHash, {
      practiceId: forged.practiceId,
      seq: forged.seq,
      occurredAt: forged.occurredAt,
      actorUserId: forged.actorUserId,
      action: forged.action,
      targetType: forged.targetType,
      targetId: forged.targetId,
      ip: forged.ip,
      requestId: forged.requestId,
      changes: forged.changes,
    });
    await tamper(sql`UPDATE audit_events SET action = 'practice.viewed', hash = ${hash} WHERE id = ${row.id}`);
    expect(await verifyAuditChain(t.db, p.practiceId)).toMatchObject({
      ok: false,
      brokenAt: { seq: 4, reason: 'link to the previous event does not match' },
    });
  });

  it('cannot be edited or deleted, not even by the table owner', async () => {
    const p = await practiceWithHistory();
    await expect(
      sql`UPDATE audit_events SET action = 'x' WHERE practice_id = ${p.practiceId}`.execute(t.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_events WHERE practice_id = ${p.practiceId}`.execute(t.db)).rejects.toThrow(
      /append-only/,
    );
  });

  it('stays one unbroken chain under concurrent writes', async () => {
    const p = await makePractice(t.ctx);
    const owner = await loggedIn(t.app, p.owner);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        owner.patch(`/api/v1/practices/${p.practiceId}`, { name: `Concurrent Clinic ${i}` }),
      ),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    expect(await verifyAuditChain(t.db, p.practiceId)).toEqual({ ok: true, events: 22 });
  });

  it('appends a practice transaction’s events at its commit, in order, and none when it rolls back', async () => {
    const p = await makePractice(t.ctx);
    const actor = systemActor('test');
    const events = () =>
      inPractice(t.db, p.practiceId, (tx) =>
        tx.selectFrom('auditEvents').select(['seq', 'action', 'targetId']).orderBy('seq').execute(),
      );
    const before = (await events()).length;
    const ids = ['a1b2c3d4-0000-4000-8000-000000000001', 'a1b2c3d4-0000-4000-8000-000000000002'];
    const seenInside = await inPractice(t.db, p.practiceId, async (tx) => {
      await recordAudit(tx, {
        practiceId: p.practiceId,
        actor,
        action: 'patient.updated',
        targetType: 'patient',
        targetId: ids[0],
      });
      await recordAudit(tx, {
        practiceId: p.practiceId,
        actor,
        action: 'patient.updated',
        targetType: 'patient',
        targetId: ids[1],
      });
      // Not yet written: the chain head is not locked while the rest of the transaction runs.
      return tx.selectFrom('auditEvents').select('seq').where('targetId', 'in', ids).execute();
    });
    expect(seenInside).toEqual([]);
    const after = await events();
    expect(after.slice(before).map((e) => [e.seq, e.targetId])).toEqual([
      [before + 1, ids[0]],
      [before + 2, ids[1]],
    ]);
    await expect(
      inPractice(t.db, p.practiceId, async (tx) => {
        await recordAudit(tx, {
          practiceId: p.practiceId,
          actor,
          action: 'patient.updated',
          targetType: 'patient',
          targetId: ids[0],
        });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await events()).length).toBe(before + 2);
    expect(await verifyAuditChain(t.db, p.practiceId)).toEqual({ ok: true, events: before + 2 });
  });

  it('binds each practice transaction to its practice in one round trip, and binds anything else as a parameter', async () => {
    const a = await makePractice(t.ctx);
    const b = await makePractice(t.ctx);
    const bound = (tx: Parameters<Parameters<typeof inPractice>[2]>[0]) =>
      sql<{ id: string; role: string }>`SELECT current_setting('app.practice_id') AS id, current_user AS role`
        .execute(tx)
        .then((r) => r.rows[0]);
    expect(await inPractice(t.db, a.practiceId, bound)).toEqual({ id: a.practiceId, role: 'dentalpro_app' });
    // The binding is the transaction's own: the next one on the pool has its own practice.
    expect(await inPractice(t.db, b.practiceId, bound)).toEqual({ id: b.practiceId, role: 'dentalpro_app' });
    // Anything but a UUID is bound as a parameter (the old way), never written into the statement.
    const hostile = `${a.practiceId}', true); SELECT set_config('role', 'postgres', true); --`;
    expect(await inPractice(t.db, hostile, bound)).toEqual({ id: hostile, role: 'dentalpro_app' });
  });

  it('hashes content canonically whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"e":2,"f":1}]},"b":1}',
    );
  });
});

describe('GET /practices/:id/audit-events', () => {
  it('lists newest first with filters and paging', async () => {
    const p = await practiceWithHistory();
    const first = await p.owner.get(`/api/v1/practices/${p.practiceId}/audit-events?limit=2`);
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.items.map((e: { seq: number }) => e.seq)).toEqual([5, 4]);
    expect(page1.items[0]).toMatchObject({
      action: 'practice.updated',
      actorName: 'Owner Test',
      targetType: 'practice',
      changes: { fields: ['name'] },
    });
    const page2 = (
      await p.owner.get(`/api/v1/practices/${p.practiceId}/audit-events?limit=2&before=${page1.nextBefore}`)
    ).json();
    expect(page2.items.map((e: { seq: number }) => e.seq)).toEqual([3, 2]);
    const logins = (await p.owner.get(`/api/v1/practices/${p.practiceId}/audit-events?action=auth.`)).json();
    expect(logins.items.map((e: { action: string }) => e.action)).toEqual(['auth.login']);
    const future = (
      await p.owner.get(
        `/api/v1/practices/${p.practiceId}/audit-events?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      )
    ).json();
    expect(future.items).toEqual([]);
  });

  it('is for owners only', async () => {
    const p = await makePractice(t.ctx);
    const dentist = await loggedIn(t.app, await makeMember(t.ctx, p.practiceId, 'dentist'));
    const res = await dentist.get(`/api/v1/practices/${p.practiceId}/audit-events`);
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('forbidden');
  });

  it("never shows another practice's events", async () => {
    const a = await practiceWithHistory();
    const b = await practiceWithHistory();
    const items = (await a.owner.get(`/api/v1/practices/${a.practiceId}/audit-events?limit=200`)).json().items;
    expect(items.length).toBe(5);
    expect(JSON.stringify(items)).not.toContain(b.practiceId);
  });
});

describe('the targets of a page, named as they are now', () => {
  interface Page {
    items: { action: string; targetType: string | null; targetId: string | null; changes: Record<string, unknown> }[];
    targets: Record<string, { label: string; labelFr?: string; at?: string; state?: string; href?: string }>;
  }

  it('names patients, staff and appointments (and the ids in changes), in this practice only', async () => {
    const p = await makeSchedulingPractice(t.ctx);
    const other = await makePractice(t.ctx);
    const owner = await loggedIn(t.app, p.owner);
    const base = `/api/v1/practices/${p.practiceId}`;
    const [ravi, helene, wei] = p.patients;

    // A booking on a working day: the target is the appointment, its changes name the patient, provider, chair and type.
    const day = nextMonday();
    await inPractice(t.db, p.practiceId, (tx) => tx.deleteFrom('publicHolidays').where('date', '=', day).execute());
    const booked = await owner.post(`${base}/appointments`, {
      patientId: helene!.id,
      appointmentTypeId: p.checkup,
      providerId: p.dentistId,
      chairId: p.chair1,
      start: mu(day, '09:00').toISOString(),
    });
    expect(booked.statusCode).toBe(201);
    const appointmentId: string = booked.json().id;
    // A patient merged into another keeps their name, said merged; a role change names the colleague.
    expect((await owner.post(`${base}/patients/${wei!.id}/merge`, { intoPatientId: ravi!.id })).statusCode).toBe(200);
    expect((await owner.patch(`${base}/staff/${p.receptionist.id}`, { role: 'dentist' })).statusCode).toBe(200);
    // A colleague who has left is still named, as former staff.
    const leaver = await makeMember(t.ctx, p.practiceId, 'receptionist');
    expect((await owner.delete(`${base}/staff/${leaver.id}`)).statusCode).toBe(204);
    // Ids the server cannot name: another practice's patient, a row deleted since, a chair that never was, and no uuid at all.
    const chair = (await owner.post(`${base}/chairs`, { name: 'Spare chair' })).json();
    expect((await owner.delete(`${base}/chairs/${chair.id}`)).statusCode).toBe(204);
    const stranger = await createPatient(t.ctx, {
      actor: systemActor('test'),
      practiceId: other.practiceId,
      patient: { givenName: 'Zanele', familyName: 'Elsewhere' },
    });
    await inPractice(t.db, p.practiceId, async (tx) => {
      const entry = { practiceId: p.practiceId, actor: systemActor('test') } as const;
      await recordAudit(tx, {
        ...entry,
        action: 'patient.updated',
        targetType: 'patient',
        targetId: stranger.id,
        changes: { fields: ['notes'], patientId: stranger.id },
      });
      await recordAudit(tx, {
        ...entry,
        action: 'chair.updated',
        targetType: 'chair',
        targetId: '00000000-0000-4000-8000-000000000000',
        changes: { fields: ['name'] },
      });
      await recordAudit(tx, {
        ...entry,
        action: 'chair.updated',
        targetType: 'chair',
        targetId: 'not-a-uuid',
        changes: { chairId: 'also-not-a-uuid' },
      });
    });

    const res = await owner.get(`${base}/audit-events?limit=200`);
    expect(res.statusCode).toBe(200);
    const page: Page = res.json();
    const app = `/app/${p.practiceId}`;
    expect(page.targets[`appointment:${appointmentId}`]).toEqual({
      label: 'Hélène Lagesse',
      at: mu(day, '09:00').toISOString(),
      href: `${app}/calendar?date=${day}`,
    });
    expect(page.targets[`patient:${helene!.id}`]).toEqual({
      label: 'Hélène Lagesse',
      href: `${app}/patients/${helene!.id}`,
    });
    expect(page.targets[`patient:${wei!.id}`]).toEqual({
      label: 'Wei Li',
      state: 'merged',
      href: `${app}/patients/${wei!.id}`,
    });
    expect(page.targets[`patient:${ravi!.id}`]).toMatchObject({ label: 'Ravi Ramgoolam' });
    expect(page.targets[`user:${p.receptionist.id}`]).toEqual({
      label: 'receptionist Test',
      href: `${app}/settings/staff`,
    });
    expect(page.targets[`user:${leaver.id}`]).toEqual({ label: 'receptionist Test', state: 'former_staff' });
    expect(page.targets[`provider:${p.dentistId}`]).toMatchObject({ label: 'Dr Owner' });
    expect(page.targets[`chair:${p.chair1}`]).toMatchObject({ label: 'Chair 1' });
    expect(page.targets[`appointment_type:${p.checkup}`]).toMatchObject({ label: 'Check-up', labelFr: 'Contrôle' });

    // What cannot be named is left out; its events are listed all the same.
    const keys = Object.keys(page.targets);
    expect(
      keys.filter(
        (k) =>
          k.includes(stranger.id) || k.includes(chair.id) || k.includes('00000000-0000') || k.includes('not-a-uuid'),
      ),
    ).toEqual([]);
    expect(JSON.stringify(page.targets)).not.toContain(stranger.givenName);
    expect(
      page.items.filter((e) => [stranger.id, chair.id, 'not-a-uuid'].includes(e.targetId ?? '')).map((e) => e.action),
    ).toEqual(['chair.updated', 'patient.updated', 'chair.deleted', 'chair.created']);
  });

  it('filters by exact actions, by person and by patient (their appointments too)', async () => {
    const p = await makeSchedulingPractice(t.ctx);
    const owner = await loggedIn(t.app, p.owner);
    const base = `/api/v1/practices/${p.practiceId}`;
    await new Client(t.app).request('POST', '/api/v1/auth/login', {
      email: p.owner.email,
      password: 'wrong password!',
    });
    const day = nextMonday();
    await inPractice(t.db, p.practiceId, (tx) => tx.deleteFrom('publicHolidays').where('date', '=', day).execute());
    const patient = p.patients[1]!;
    const appointment = (
      await owner.post(`${base}/appointments`, {
        patientId: patient.id,
        appointmentTypeId: p.checkup,
        providerId: p.dentistId,
        chairId: p.chair1,
        start: mu(day, '10:00').toISOString(),
      })
    ).json();
    expect(
      (await owner.post(`${base}/appointments/${appointment.id}/cancel`, { reason: 'Travelling' })).statusCode,
    ).toBe(200);

    const list = async (query: string) =>
      ((await owner.get(`${base}/audit-events?${query}`)).json() as Page).items.map((e) => e.action);
    // auth.login alone, not every action starting with it.
    expect(await list('actions=auth.login')).toEqual(['auth.login']);
    expect((await list('actions=auth.login,auth.login_failed')).sort()).toEqual(['auth.login', 'auth.login_failed']);
    expect((await owner.get(`${base}/audit-events?actions=${encodeURIComponent('auth.login;drop')}`)).statusCode).toBe(
      400,
    );
    expect(await list(`actorUserId=${p.owner.id}&actions=appointment.booked`)).toEqual(['appointment.booked']);
    // The cancellation names only the appointment; it is the patient's all the same.
    expect(await list(`patientId=${patient.id}`)).toEqual([
      'appointment.cancelled',
      'appointment.booked',
      'patient.created',
    ]);
    expect(await list(`patientId=${p.patients[2]!.id}`)).toEqual(['patient.created']);
  });
});
