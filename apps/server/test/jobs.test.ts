import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Database } from '../src/db/connection.js';
import { createEventBus, type EventBus } from '../src/platform/events.js';
import {
  type JobRun,
  type JobRunner,
  cancelJob,
  createJobRunner,
  defineEvent,
  defineJob,
  defineSchedule,
  enqueueJob,
  listFailedJobs,
  onEvent,
  publishEvent,
  retryFailedJob,
} from '../src/platform/jobs.js';
import { inPractice } from '../src/platform/tenancy.js';
import { makePractice, openTestDatabase, testConfig, testContext } from './harness.js';

/**
 * The job system on a real database: a job exists only if its transaction committed, runs at its
 * time, is replaced through its key, is retried and then kept, and events reach every listener.
 */
const logger = pino({ level: 'silent' });
let database: Database;
let db: Database['db'];

interface Effects {
  seen: { job: string; payload: unknown; attempt: number }[];
  failUntil: Map<string, number>;
}
type Run = JobRun<Effects>;
const effects: Effects = { seen: [], failUntil: new Map() };

const record = (job: string) => async (payload: unknown, run: Run) => {
  const failures = run.ctx.failUntil.get(job) ?? 0;
  if (run.attempt <= failures) throw new Error(`${job} failed on purpose (attempt ${run.attempt})`);
  run.ctx.seen.push({ job, payload, attempt: run.attempt });
};

const greet = defineJob({
  name: 'test.greet',
  schema: z.object({ who: z.string() }),
  handler: record('test.greet'),
});
const flaky = defineJob({
  name: 'test.flaky',
  schema: z.object({ n: z.number() }),
  handler: record('test.flaky'),
  maxAttempts: 3,
  backoffMs: () => 0,
});
const toothPulled = defineEvent('test.tooth_pulled', z.object({ tooth: z.number().int() }));
const chartListener = onEvent(toothPulled, { name: 'test.update_chart', handler: record('test.update_chart') });
const billListener = onEvent(toothPulled, {
  name: 'test.bill',
  handler: record('test.bill'),
  backoffMs: () => 0,
});
const sweep = defineJob({
  name: 'test.sweep',
  schema: z.object({ tick: z.string() }),
  handler: record('test.sweep'),
});
const definitions = [greet, flaky, chartListener, billListener, sweep];

const runner = (over: Partial<Parameters<typeof createJobRunner<Effects>>[0]> = {}) =>
  createJobRunner<Effects>({ db, ctx: effects, logger, definitions, ...over });

const seenOf = (job: string) => effects.seen.filter((s) => s.job === job);
const pendingCount = async () =>
  Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM jobs`.execute(db)).rows[0]!.n);

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db;
});
afterAll(() => database.close());

function reset() {
  effects.seen.length = 0;
  effects.failUntil.clear();
  return sql`DELETE FROM jobs`.execute(db);
}

describe('jobs', () => {
  it('exist only when the transaction that queued them commits', async () => {
    await reset();
    await db
      .transaction()
      .execute(async (tx) => {
        await enqueueJob(tx, greet, { who: 'rolled back' });
        throw new Error('the change failed');
      })
      .catch(() => undefined);
    await db.transaction().execute((tx) => enqueueJob(tx, greet, { who: 'committed' }));
    expect(await runner().runDue()).toBe(1);
    expect(seenOf('test.greet').map((s) => s.payload)).toEqual([{ who: 'committed' }]);
    expect(await pendingCount()).toBe(0);
  });

  it('refuses a payload that does not match the schema when it is queued', async () => {
    await expect(enqueueJob(db, greet, { who: 42 } as never)).rejects.toThrow();
  });

  it('run at their time, not before', async () => {
    await reset();
    await enqueueJob(db, greet, { who: 'later' }, { runAt: new Date(Date.now() + 60_000) });
    expect(await runner().runDue()).toBe(0);
    await sql`UPDATE jobs SET run_at = now() - interval '1 second'`.execute(db);
    expect(await runner().runDue()).toBe(1);
    expect(seenOf('test.greet')).toHaveLength(1);
  });

  it('are replaced by a later job with the same key, and cancelled by it', async () => {
    await reset();
    const in1h = new Date(Date.now() + 3_600_000);
    await enqueueJob(db, greet, { who: 'first' }, { key: 'reminder:a1', runAt: in1h });
    await enqueueJob(db, greet, { who: 'moved' }, { key: 'reminder:a1', runAt: new Date(Date.now() - 1000) });
    await enqueueJob(db, greet, { who: 'other' }, { key: 'reminder:a2', runAt: in1h });
    expect(await pendingCount()).toBe(2);
    expect(await cancelJob(db, 'reminder:a2')).toBe(true);
    expect(await cancelJob(db, 'reminder:a2')).toBe(false);
    expect(await runner().runDue()).toBe(1);
    expect(seenOf('test.greet').map((s) => s.payload)).toEqual([{ who: 'moved' }]);
    expect(await pendingCount()).toBe(0);
  });

  it('retry a failing handler with backoff, keep the error, and succeed when it recovers', async () => {
    await reset();
    effects.failUntil.set('test.greet', 1);
    await enqueueJob(db, greet, { who: 'retry me' });
    expect(await runner().runDue()).toBe(1);
    const [waiting] = (
      await sql<{ state: string; attempts: number; lastError: string; runAt: Date }>`
        SELECT state, attempts, last_error, run_at FROM jobs`.execute(db)
    ).rows;
    expect(waiting).toMatchObject({ state: 'pending', attempts: 1 });
    expect(waiting!.lastError).toContain('failed on purpose (attempt 1)');
    // The default backoff: five seconds after the first failure.
    expect(waiting!.runAt.getTime()).toBeGreaterThan(Date.now() + 3_000);
    await sql`UPDATE jobs SET run_at = now()`.execute(db);
    expect(await runner().runDue()).toBe(1);
    expect(seenOf('test.greet')).toEqual([{ job: 'test.greet', payload: { who: 'retry me' }, attempt: 2 }]);
    expect(await pendingCount()).toBe(0);
  });

  it('are kept as failed after their last attempt, listed, and retried by an operator', async () => {
    await reset();
    effects.failUntil.set('test.flaky', 3);
    await enqueueJob(db, flaky, { n: 7 });
    const r = runner();
    expect(await r.runDue()).toBe(3);
    const failed = await listFailedJobs(db);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ name: 'test.flaky', attempts: 3 });
    expect(failed[0]!.lastError).toContain('attempt 3');
    expect(await r.runDue()).toBe(0);

    effects.failUntil.clear();
    expect(await retryFailedJob(db, failed[0]!.id)).toBe('queued');
    expect(await retryFailedJob(db, failed[0]!.id)).toBe('not_found');
    expect(await r.runDue()).toBe(1);
    expect(seenOf('test.flaky')).toEqual([{ job: 'test.flaky', payload: { n: 7 }, attempt: 1 }]);
    expect(await listFailedJobs(db)).toEqual([]);
  });

  it('keep a job whose payload fails its schema at once, without running or retrying it', async () => {
    await reset();
    await sql`INSERT INTO jobs (name, payload) VALUES ('test.greet', '{"who": 3}')`.execute(db);
    expect(await runner().runDue()).toBe(1);
    expect(seenOf('test.greet')).toEqual([]);
    const [failed] = await listFailedJobs(db);
    expect(failed).toMatchObject({ name: 'test.greet', attempts: 1 });
    expect(failed!.lastError).toMatch(/schema.*who/);
  });

  it('leave jobs they do not know to the workers that do', async () => {
    await reset();
    await sql`INSERT INTO jobs (name, payload) VALUES ('test.from_a_newer_version', '{}')`.execute(db);
    expect(await runner().runDue()).toBe(0);
    expect(await pendingCount()).toBe(1);
  });

  it('run again when the worker holding one stopped renewing its lease', async () => {
    await reset();
    await enqueueJob(db, greet, { who: 'orphan' });
    await sql`UPDATE jobs SET state = 'running', attempts = 1, locked_by = 'a-dead-worker',
      locked_until = now() - interval '1 second'`.execute(db);
    expect(await runner().runDue()).toBe(1);
    expect(seenOf('test.greet')).toEqual([{ job: 'test.greet', payload: { who: 'orphan' }, attempt: 2 }]);
  });

  it('tag jobs queued in a practice transaction with the practice, which sees only its own', async () => {
    await reset();
    const ctx = testContext(database, testConfig());
    const [a, b] = [await makePractice(ctx), await makePractice(ctx)];
    await ctx.events.close();
    await inPractice(db, a.practiceId, (tx) => enqueueJob(tx, greet, { who: 'a' }, { key: 'k:a' }));
    await inPractice(db, b.practiceId, (tx) => enqueueJob(tx, greet, { who: 'b' }));
    const rows = await db.selectFrom('jobs').select('practiceId').orderBy('id').execute();
    expect(rows.map((r) => r.practiceId)).toEqual([a.practiceId, b.practiceId]);
    // Practice B's transaction cannot cancel A's job.
    expect(await inPractice(db, b.practiceId, (tx) => cancelJob(tx, 'k:a'))).toBe(false);
    expect(await inPractice(db, a.practiceId, (tx) => cancelJob(tx, 'k:a'))).toBe(true);
  });
});

describe('events', () => {
  it('reach every listener once, each retried on its own', async () => {
    await reset();
    effects.failUntil.set('test.bill', 1);
    await db.transaction().execute((tx) => publishEvent(tx, toothPulled, { tooth: 36 }));
    const r = runner();
    // The announcement (both listeners run with it), then the bill again after its failure.
    expect(await r.runDue()).toBe(2);
    expect(seenOf('test.update_chart')).toEqual([{ job: 'test.update_chart', payload: { tooth: 36 }, attempt: 1 }]);
    expect(seenOf('test.bill')).toEqual([{ job: 'test.bill', payload: { tooth: 36 }, attempt: 2 }]);
    expect(await pendingCount()).toBe(0);
  });

  it('keep a listener that fails for good, with its error, and the others done', async () => {
    await reset();
    effects.failUntil.set('test.update_chart', 99);
    await publishEvent(db, toothPulled, { tooth: 11 });
    const r = runner();
    await r.runDue();
    for (let i = 0; i < 12; i++) {
      await sql`UPDATE jobs SET run_at = now() WHERE state = 'pending'`.execute(db);
      await r.runDue();
    }
    expect(seenOf('test.bill')).toHaveLength(1);
    const failed = await listFailedJobs(db);
    expect(failed.map((f) => [f.name, f.attempts])).toEqual([['test.update_chart', 10]]);
    expect(failed[0]!.lastError).toContain('attempt 10');
  });

  it('are refused when their payload is not the event', async () => {
    await expect(publishEvent(db, toothPulled, { tooth: 'thirty-six' } as never)).rejects.toThrow();
  });

  it('with no listener are dropped', async () => {
    await reset();
    const nobodyListens = defineEvent('test.nobody_listens', z.object({}));
    await publishEvent(db, nobodyListens, {});
    expect(await runner().runDue()).toBe(1);
    expect(await pendingCount()).toBe(0);
  });
});

describe('schedules', () => {
  const everyTenMinutes = defineSchedule({ name: 'test.sweep', cron: '*/10 * * * *', job: sweep });

  it('run each tick once however many workers share them', async () => {
    await reset();
    await sql`DELETE FROM job_schedule_ticks`.execute(db);
    let clock = new Date('2026-12-07T06:03:00Z');
    const workers = [1, 2, 3].map(() => runner({ schedules: [everyTenMinutes], now: () => clock }));
    // All three look at once: the 06:00 tick is queued and run once.
    expect((await Promise.all(workers.map((w) => w.runDue()))).reduce((a, b) => a + b)).toBe(1);
    expect(seenOf('test.sweep').map((s) => s.payload)).toEqual([{ tick: '2026-12-07T06:00:00.000Z' }]);
    // Still within the tick: nothing more.
    clock = new Date('2026-12-07T06:09:59Z');
    for (const w of workers) expect(await w.runDue()).toBe(0);
    // The next tick, once more.
    clock = new Date('2026-12-07T06:10:00Z');
    await Promise.all(workers.map((w) => w.runDue()));
    expect(seenOf('test.sweep').map((s) => s.payload)).toEqual([
      { tick: '2026-12-07T06:00:00.000Z' },
      { tick: '2026-12-07T06:10:00.000Z' },
    ]);
  });

  it('read their fields in the zone given', async () => {
    await reset();
    await sql`DELETE FROM job_schedule_ticks`.execute(db);
    const morning = defineSchedule({
      name: 'test.morning',
      cron: '0 9 * * *',
      timeZone: 'Indian/Mauritius',
      job: sweep,
    });
    // 09:30 in Port Louis is 05:30 UTC.
    await runner({ schedules: [morning], now: () => new Date('2026-12-07T05:30:00Z') }).runDue();
    expect(seenOf('test.sweep').map((s) => s.payload)).toEqual([{ tick: '2026-12-07T05:00:00.000Z' }]);
  });

  it('refuse a bad expression when they are defined', () => {
    expect(() => defineSchedule({ name: 'bad', cron: '61 * * * *', job: sweep })).toThrow();
  });
});

describe('the runner', () => {
  let bus: EventBus;
  let running: JobRunner | undefined;
  beforeAll(() => {
    // The server's bus: on PostgreSQL it listens on its own connection, embedded through the pool.
    bus = database.embedded
      ? createEventBus({ logger, embeddedPool: database.pool })
      : createEventBus({ logger, databaseUrl: database.connectionString });
  });
  afterAll(async () => {
    await running?.stop();
    await bus.close();
  });

  it('wakes when a job is committed rather than at its next look', async () => {
    await reset();
    // It would sleep a minute between looks: a job run within the test was started by the commit.
    running = runner({ idleMs: 60_000, wakeOn: (wake) => bus.subscribe('jobs:ready', wake) });
    running.start();
    await new Promise((r) => setTimeout(r, 300));
    await db.transaction().execute((tx) => enqueueJob(tx, greet, { who: 'woken' }));
    for (let i = 0; i < 300 && seenOf('test.greet').length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(seenOf('test.greet').map((s) => s.payload)).toEqual([{ who: 'woken' }]);
  });

  it('waits for the jobs in hand when stopped', async () => {
    await reset();
    let finish!: () => void;
    const slow = defineJob({
      name: 'test.slow',
      schema: z.object({}),
      handler: () => new Promise<void>((resolve) => (finish = resolve)),
    });
    const r = createJobRunner<Effects>({ db, ctx: effects, logger, definitions: [slow], idleMs: 20 });
    await enqueueJob(db, slow, {});
    r.start();
    for (let i = 0; i < 300 && !finish; i++) await new Promise((res) => setTimeout(res, 20));
    let stopped = false;
    const stopping = r.stop().then(() => (stopped = true));
    await new Promise((res) => setTimeout(res, 100));
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(await pendingCount()).toBe(0);
  });
});
