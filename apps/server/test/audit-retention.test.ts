import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPatient } from '../src/modules/patients/patients.service.js';
import { liftLegalHold, setLegalHold } from '../src/modules/privacy/holds.service.js';
import { retentionReport, runRetention } from '../src/modules/privacy/retention.service.js';
import { type Actor, systemActor } from '../src/platform/access.js';
import { recordAudit, verifyAuditChain } from '../src/platform/audit.js';
import { AUDIT_TRAIL_DAYS } from '../src/platform/retention-dates.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type TestApp, createTestApp, makePractice } from './harness.js';

/**
 * The audit trail's retention (issue 14): kept 11 years after each event, then removed from its
 * start a whole month at a time, leaving a checkpoint that `audit verify` starts from and that the
 * chain records; a legal hold on any patient stops it. The clock is not moved: the job is run as
 * of a date 11 years on (its `now`), when today's events are past their time.
 */

const DAY = 86_400_000;
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

/** Eleven years and two months on: every event written today is in a month past its time. */
const elevenYearsOn = () => new Date(Date.now() + (AUDIT_TRAIL_DAYS + 62) * DAY);

async function practiceWithHistory(events = 4) {
  const p = await makePractice(t.ctx);
  const owner: Actor = { userId: p.owner.id, role: 'owner', ip: null, requestId: null };
  for (let i = 0; i < events; i++)
    await inPractice(t.db, p.practiceId, (tx) =>
      recordAudit(tx, {
        practiceId: p.practiceId,
        actor: owner,
        action: 'practice.updated',
        targetType: 'practice',
        targetId: p.practiceId,
        changes: { fields: ['name'], i },
      }),
    );
  return { ...p, actor: owner };
}

const trail = (practiceId: string) =>
  inPractice(t.db, practiceId, (tx) =>
    tx.selectFrom('auditEvents').select(['seq', 'action', 'changes']).orderBy('seq').execute(),
  );
const headOf = (practiceId: string) =>
  inPractice(t.db, practiceId, (tx) => tx.selectFrom('auditChainHeads').select('lastSeq').executeTakeFirstOrThrow());

/** As the table owner with the append-only triggers off: what someone with database access could do. */
async function tamper(...statements: ReturnType<typeof sql>[]) {
  await t.db.transaction().execute(async (tx) => {
    await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`.execute(tx);
    for (const s of statements) await s.execute(tx);
    await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`.execute(tx);
  });
}

const auditTrailResult = (run: Awaited<ReturnType<typeof runRetention>>) =>
  run.results.find((r) => r.category === 'audit_trail');

describe('the audit trail’s retention', () => {
  it('is declared: 11 years after each event, never shorter', async () => {
    const p = await makePractice(t.ctx);
    const report = await retentionReport(t.ctx, { actor: systemActor('test'), practiceId: p.practiceId, days: 90 });
    expect(report.categories.find((c) => c.category === 'audit_trail')).toMatchObject({
      module: 'platform',
      days: AUDIT_TRAIL_DAYS,
      tiedTo: 'time',
      dueNow: 0,
      dueWithin: 0,
    });
  });

  it('shows in the 90-day report when today’s events fall due', async () => {
    const p = await practiceWithHistory(3);
    const before = (await headOf(p.practiceId)).lastSeq;
    // Thirty days before they are due, their month falls within the next 90 days.
    const report = await retentionReport(t.ctx, {
      actor: systemActor('test'),
      practiceId: p.practiceId,
      days: 90,
      now: new Date(Date.now() + (AUDIT_TRAIL_DAYS - 30) * DAY),
    });
    expect(report.categories.find((c) => c.category === 'audit_trail')).toMatchObject({
      dueNow: 0,
      dueWithin: before,
    });
    expect((await trail(p.practiceId)).length).toBe(before);
  });

  it('purges from the start and still verifies from the checkpoint; later events and purges keep it verifying', async () => {
    const p = await practiceWithHistory(4);
    const before = (await headOf(p.practiceId)).lastSeq;
    expect(await verifyAuditChain(t.db, p.practiceId)).toEqual({ ok: true, events: before });

    const dry = await runRetention(t.ctx, { practiceId: p.practiceId, now: elevenYearsOn(), dryRun: true });
    expect(auditTrailResult(dry)).toMatchObject({ count: before });
    expect((await trail(p.practiceId)).length).toBe(before);

    const run = await runRetention(t.ctx, { practiceId: p.practiceId, now: elevenYearsOn(), dryRun: false });
    expect(auditTrailResult(run)).toMatchObject({ count: before, module: 'platform', days: AUDIT_TRAIL_DAYS });
    const kept = await trail(p.practiceId);
    expect(kept[0]!.seq).toBe(before + 1);
    // The purge records its checkpoint in the chain, and the retention job's event its count.
    const recorded = kept.find((e) => e.action === 'audit.trail_purged');
    expect(recorded?.changes).toMatchObject({ throughSeq: before, count: before });
    expect(
      kept.some(
        (e) =>
          e.action === 'privacy.retention_purged' && (e.changes as { category: string }).category === 'audit_trail',
      ),
    ).toBe(true);
    const verdict = await verifyAuditChain(t.db, p.practiceId);
    expect(verdict).toEqual({ ok: true, events: kept.length, purgedThrough: before });

    // Run again as of the same day, only what was written since goes (as of eleven years on, the
    // first run's own records are past their time too), and the trail still verifies.
    const again = await runRetention(t.ctx, { practiceId: p.practiceId, now: elevenYearsOn(), dryRun: false });
    expect(auditTrailResult(again)).toMatchObject({ count: kept.length });
    expect(await verifyAuditChain(t.db, p.practiceId)).toMatchObject({ ok: true, purgedThrough: before + kept.length });

    // New events link on; a later purge moves the checkpoint and it still verifies.
    await practiceEvent(p);
    const later = await runRetention(t.ctx, {
      practiceId: p.practiceId,
      now: new Date(elevenYearsOn().getTime() + 62 * DAY),
      dryRun: false,
    });
    expect(auditTrailResult(later)!.count).toBeGreaterThan(0);
    const second = await verifyAuditChain(t.db, p.practiceId);
    expect(second).toMatchObject({ ok: true });
    expect((second as { purgedThrough: number }).purgedThrough).toBeGreaterThan(before);
    const checkpoints = await inPractice(t.db, p.practiceId, (tx) =>
      tx.selectFrom('auditCheckpoints').select(['throughSeq', 'eventsPurged']).orderBy('throughSeq').execute(),
    );
    expect(checkpoints).toHaveLength(3);
    expect(checkpoints[0]).toEqual({ throughSeq: before, eventsPurged: before });
  });

  it('finds tampering after a purge: an edited event, a removed one, and a checkpoint moved by hand', async () => {
    const purged = async () => {
      const p = await practiceWithHistory(3);
      await runRetention(t.ctx, { practiceId: p.practiceId, now: elevenYearsOn(), dryRun: false });
      for (let i = 0; i < 3; i++) await practiceEvent(p);
      expect(await verifyAuditChain(t.db, p.practiceId)).toMatchObject({ ok: true });
      const kept = await trail(p.practiceId);
      return { ...p, first: kept[0]!.seq, last: kept.at(-1)!.seq };
    };

    const edited = await purged();
    await tamper(
      sql`UPDATE audit_events SET changes = '{"fields":["address"]}' WHERE practice_id = ${edited.practiceId} AND seq = ${edited.first + 1}`,
    );
    expect(await verifyAuditChain(t.db, edited.practiceId)).toMatchObject({
      ok: false,
      brokenAt: { seq: edited.first + 1, reason: 'content does not match its hash' },
    });

    const removed = await purged();
    await tamper(sql`DELETE FROM audit_events WHERE practice_id = ${removed.practiceId} AND seq = ${removed.first}`);
    expect(await verifyAuditChain(t.db, removed.practiceId)).toMatchObject({
      ok: false,
      brokenAt: { seq: removed.first, reason: `event ${removed.first} is missing` },
    });

    // Removing more from the start and writing a checkpoint that fits the events left: the chain
    // does not record that purge.
    const moved = await purged();
    const cut = moved.first + 1;
    const at = await t.db
      .selectFrom('auditEvents')
      .select(['hash', 'occurredAt'])
      .where('practiceId', '=', moved.practiceId)
      .where('seq', '=', cut)
      .executeTakeFirstOrThrow();
    await tamper(
      sql`DELETE FROM audit_events WHERE practice_id = ${moved.practiceId} AND seq <= ${cut}`,
      sql`INSERT INTO audit_checkpoints (practice_id, through_seq, through_hash, through_occurred_at, purged_before, events_purged)
          VALUES (${moved.practiceId}, ${cut}, ${at.hash}, ${at.occurredAt}, now(), 2)`,
    );
    expect(await verifyAuditChain(t.db, moved.practiceId)).toMatchObject({
      ok: false,
      brokenAt: { seq: cut + 1, reason: expect.stringContaining('no event of it records that purge') },
    });
  });

  it('the application role can neither delete events nor write a checkpoint', async () => {
    const p = await practiceWithHistory(2);
    await runRetention(t.ctx, { practiceId: p.practiceId, now: elevenYearsOn(), dryRun: false });
    const { first } = { first: (await trail(p.practiceId))[0]!.seq };
    await expect(
      inPractice(t.db, p.practiceId, async (tx) => {
        await sql`SELECT set_config('app.audit_purge', 'on', true)`.execute(tx);
        await sql`DELETE FROM audit_events WHERE seq = ${first}`.execute(tx);
      }),
    ).rejects.toThrow(/permission denied/);
    await expect(
      inPractice(t.db, p.practiceId, (tx) =>
        sql`INSERT INTO audit_checkpoints (practice_id, through_seq, through_hash, through_occurred_at, purged_before, events_purged)
            VALUES (${p.practiceId}, ${first}, '\\x00', now(), now(), 1)`.execute(tx),
      ),
    ).rejects.toThrow(/permission denied/);
    // Not even the table owner deletes an event no checkpoint covers.
    await expect(
      t.db.transaction().execute(async (tx) => {
        await sql`SELECT set_config('app.audit_purge', 'on', true)`.execute(tx);
        await sql`DELETE FROM audit_events WHERE practice_id = ${p.practiceId} AND seq = ${first}`.execute(tx);
      }),
    ).rejects.toThrow(/append-only/);
    expect(await verifyAuditChain(t.db, p.practiceId)).toMatchObject({ ok: true });
  });

  it('a legal hold on any patient stops it (the job skips it, the database refuses); once lifted, it goes', async () => {
    const p = await practiceWithHistory(3);
    const patient = await createPatient(t.ctx, {
      actor: systemActor('test'),
      practiceId: p.practiceId,
      patient: { givenName: 'Hold', familyName: 'Trail', phone: '' },
    });
    const hold = await setLegalHold(t.ctx, {
      actor: p.actor,
      practiceId: p.practiceId,
      hold: { patientId: patient.id, reason: 'Claim' },
    });
    const before = (await trail(p.practiceId)).length;
    const held = await runRetention(t.ctx, { practiceId: p.practiceId, now: elevenYearsOn(), dryRun: false });
    expect(auditTrailResult(held)).toMatchObject({ count: 0, skipped: 'legal_hold' });
    expect((await trail(p.practiceId))[0]!.seq).toBe(1);
    const report = await retentionReport(t.ctx, {
      actor: systemActor('test'),
      practiceId: p.practiceId,
      days: 90,
      now: elevenYearsOn(),
    });
    expect(report.categories.find((c) => c.category === 'audit_trail')).toMatchObject({
      dueNow: 0,
      skipped: 'legal_hold',
    });
    // Whoever calls the database's purge, the hold keeps the trail.
    await expect(
      inPractice(t.db, p.practiceId, (tx) =>
        sql`SELECT * FROM purge_audit_events(${elevenYearsOn()}, false)`.execute(tx),
      ),
    ).rejects.toThrow(/legal hold/);
    expect((await trail(p.practiceId)).length).toBeGreaterThanOrEqual(before);

    await liftLegalHold(t.ctx, { actor: p.actor, practiceId: p.practiceId, holdId: hold.id, reason: 'Settled' });
    const run = await runRetention(t.ctx, { practiceId: p.practiceId, now: elevenYearsOn(), dryRun: false });
    expect(auditTrailResult(run)!.count).toBeGreaterThanOrEqual(before);
    expect(await verifyAuditChain(t.db, p.practiceId)).toMatchObject({ ok: true });
  });
});

async function practiceEvent(p: { practiceId: string; actor: Actor }) {
  await inPractice(t.db, p.practiceId, (tx) =>
    recordAudit(tx, {
      practiceId: p.practiceId,
      actor: p.actor,
      action: 'practice.updated',
      targetType: 'practice',
      targetId: p.practiceId,
      changes: { fields: ['phone'] },
    }),
  );
}
