import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { z } from 'zod';
import { createJobRunner, defineJob, enqueueJob } from '../apps/server/src/platform/jobs.js';
import { ms, openBenchEnvironment, percentile } from './setup-practice.js';

/**
 * The job system (platform/jobs.ts) with handlers that do nothing, so what is timed is the queue:
 * - latency: one job queued in its own transaction, until its handler runs (the runner woken by
 *   the NOTIFY at commit), 50 times in a row;
 * - throughput: JOBS_COUNT jobs (2,000) queued in one transaction, until all have run, with the
 *   runner's default concurrency (4) and JOBS_RUNNERS runners (1) sharing them;
 * - the application beside it: a `SELECT 1` round trip while the runner works, against the same
 *   round trip on an idle pool.
 * Ceiling, measured in the same run: bare `SELECT 1` round trips a second on the same pool, one
 * at a time. A job needs a share of a claim (several jobs a claim while they stream in, finished
 * ones deleted by the same statement), so jobs/s can pass it; one job at a time cannot.
 *
 * On the PostgreSQL of DATABASE_URL (a scratch database, dropped at the end), else embedded PGlite.
 */
const JOBS = Number(process.env.JOBS_COUNT ?? 2000);
const RUNNERS = Number(process.env.JOBS_RUNNERS ?? 1);

const env = await openBenchEnvironment({ scratch: true });
const { ctx } = env;
try {
  const db = ctx.db;
  let ran = 0;
  let lastRunAt = 0;
  const noop = defineJob({
    name: 'bench.noop',
    schema: z.object({ i: z.number() }),
    handler: async () => {
      ran += 1;
      lastRunAt = performance.now();
    },
  });
  const roundTrips = async (n: number) => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const started = performance.now();
      await sql`SELECT 1`.execute(db);
      times.push(performance.now() - started);
    }
    return times;
  };

  // Ceiling: bare round trips on this pool, idle.
  await roundTrips(200);
  const idle = await roundTrips(2000);
  const idleSeconds = idle.reduce((a, b) => a + b, 0) / 1000;

  const runners = Array.from({ length: RUNNERS }, () =>
    createJobRunner({
      db,
      ctx: {},
      logger: ctx.logger,
      definitions: [noop],
      wakeOn: (wake) => ctx.events.subscribe('jobs:ready', wake),
    }),
  );
  for (const r of runners) r.start();
  await new Promise((r) => setTimeout(r, 300));

  const latencies: number[] = [];
  for (let i = 0; i < 50; i++) {
    const before = ran;
    const queued = performance.now();
    await db.transaction().execute((tx) => enqueueJob(tx, noop, { i }));
    while (ran === before) await new Promise((r) => setImmediate(r));
    latencies.push(lastRunAt - queued);
  }

  const before = ran;
  const started = performance.now();
  await db.transaction().execute(async (tx) => {
    for (let i = 0; i < JOBS; i += 500) {
      const rows = Array.from({ length: Math.min(500, JOBS - i) }, (_, k) => ({
        name: noop.name,
        payload: JSON.stringify({ i: i + k }),
      }));
      await tx.insertInto('jobs').values(rows).execute();
    }
  });
  const queuedMs = performance.now() - started;
  // The application's round trips while the runners work through the batch.
  const busy: number[] = [];
  while (ran - before < JOBS) {
    const t0 = performance.now();
    await sql`SELECT 1`.execute(db);
    busy.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  const seconds = (performance.now() - started) / 1000;
  for (const r of runners) await r.stop();
  const left = Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM jobs`.execute(db)).rows[0]!.n);

  const report = {
    database: env.label,
    machine: `${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the end`,
    runners: RUNNERS,
    latencyOneJobMs: {
      p50: ms(percentile(latencies, 50)),
      p95: ms(percentile(latencies, 95)),
      max: ms(Math.max(...latencies)),
    },
    batch: {
      jobs: JOBS,
      queuedInMs: ms(queuedMs),
      allRunInSeconds: Number(seconds.toFixed(2)),
      jobsPerSecond: Math.round(JOBS / seconds),
      leftInTable: left,
    },
    appSelect1Ms: {
      idle: { p50: ms(percentile(idle, 50)), p95: ms(percentile(idle, 95)) },
      whileJobsRun: { p50: ms(percentile(busy, 50)), p95: ms(percentile(busy, 95)), samples: busy.length },
    },
    ceiling: { bareRoundTripsPerSecond: Math.round(idle.length / idleSeconds) },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await env.close();
}
