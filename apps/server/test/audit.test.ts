import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, verifyAuditChain } from '../src/platform/audit.js';
import { createTestApp, loggedIn, makeMember, makePractice, type TestApp } from './harness.js';

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
    await tamper(sql`UPDATE audit_events SET changes = '{"fields":["address"]}' WHERE practice_id = ${p.practiceId} AND seq = 4`);
    const verdict = await verifyAuditChain(t.db, p.practiceId);
    expect(verdict).toMatchObject({ ok: false, brokenAt: { seq: 4, reason: 'content does not match its hash' } });
  });

  it('finds an event removed from the middle', async () => {
    const p = await practiceWithHistory();
    await tamper(sql`DELETE FROM audit_events WHERE practice_id = ${p.practiceId} AND seq = 2`);
    expect(await verifyAuditChain(t.db, p.practiceId)).toMatchObject({ ok: false, brokenAt: { seq: 2, reason: 'event 2 is missing' } });
  });

  it('finds events removed from the end', async () => {
    const p = await practiceWithHistory();
    await tamper(sql`DELETE FROM audit_events WHERE practice_id = ${p.practiceId} AND seq = 5`);
    expect(await verifyAuditChain(t.db, p.practiceId)).toMatchObject({ ok: false, brokenAt: { seq: 5 } });
  });

  it('finds an event re-hashed after editing (the next link breaks)', async () => {
    const p = await practiceWithHistory();
    const row = await t.db.selectFrom('auditEvents').selectAll().where('practiceId', '=', p.practiceId).where('seq', '=', 3).executeTakeFirstOrThrow();
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
    expect(await verifyAuditChain(t.db, p.practiceId)).toMatchObject({ ok: false, brokenAt: { seq: 4, reason: 'link to the previous event does not match' } });
  });

  it('cannot be edited or deleted, not even by the table owner', async () => {
    const p = await practiceWithHistory();
    await expect(sql`UPDATE audit_events SET action = 'x' WHERE practice_id = ${p.practiceId}`.execute(t.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_events WHERE practice_id = ${p.practiceId}`.execute(t.db)).rejects.toThrow(/append-only/);
  });

  it('stays one unbroken chain under concurrent writes', async () => {
    const p = await makePractice(t.ctx);
    const owner = await loggedIn(t.app, p.owner);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => owner.patch(`/api/v1/practices/${p.practiceId}`, { name: `Concurrent Clinic ${i}` })),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    expect(await verifyAuditChain(t.db, p.practiceId)).toEqual({ ok: true, events: 22 });
  });

  it('hashes content canonically whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":2,"f":1}]},"b":1}');
  });
});

describe('GET /practices/:id/audit-events', () => {
  it('lists newest first with filters and paging', async () => {
    const p = await practiceWithHistory();
    const first = await p.owner.get(`/api/v1/practices/${p.practiceId}/audit-events?limit=2`);
    expect(first.statusCode).toBe(200);
    const page1 = first.json();
    expect(page1.items.map((e: { seq: number }) => e.seq)).toEqual([5, 4]);
    expect(page1.items[0]).toMatchObject({ action: 'practice.updated', actorName: 'Owner Test', targetType: 'practice', changes: { fields: ['name'] } });
    const page2 = (await p.owner.get(`/api/v1/practices/${p.practiceId}/audit-events?limit=2&before=${page1.nextBefore}`)).json();
    expect(page2.items.map((e: { seq: number }) => e.seq)).toEqual([3, 2]);
    const logins = (await p.owner.get(`/api/v1/practices/${p.practiceId}/audit-events?action=auth.`)).json();
    expect(logins.items.map((e: { action: string }) => e.action)).toEqual(['auth.login']);
    const future = (await p.owner.get(`/api/v1/practices/${p.practiceId}/audit-events?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).json();
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
