import type { AppContext } from './context.js';
import { type JobRunner, createJobRunner } from './platform/jobs.js';
import { MODULE_JOBS } from './registry.js';

/**
 * Everything that runs in the background, started one way by the server (main.ts) and by
 * `npm run worker` (worker.ts): the job runner (every module's jobs, event listeners and
 * schedules) and the modules' pumps. Any number of processes may run it; the database shares
 * the work out.
 */
export interface BackgroundWork {
  runner: JobRunner;
  stop(): Promise<void>;
}

/**
 * A runner over every module's jobs, not started: tests run due jobs with it by hand
 * (`schedules: false` leaves the schedules' ticks to a test that wants them).
 */
export function createBackgroundRunner(
  ctx: AppContext,
  opts: { idleMs?: number; schedules?: boolean } = {},
): JobRunner {
  return createJobRunner({
    db: ctx.db,
    ctx,
    logger: ctx.logger,
    definitions: MODULE_JOBS.flatMap((m) => m.jobs),
    schedules: opts.schedules === false ? [] : MODULE_JOBS.flatMap((m) => m.schedules ?? []),
    idleMs: opts.idleMs,
    // Jobs mostly wait on the database: on PostgreSQL as many run at once as the pool has
    // connections (the pool queues the rest); embedded PGlite runs one transaction at a time anyway.
    concurrency: ctx.database.embedded ? 4 : Math.max(4, ctx.config.databasePoolSize),
    // Woken at the commit of any transaction that queued a job, in whichever process it ran.
    wakeOn: (wake) => ctx.events.subscribe('jobs:ready', wake),
  });
}

/** `idleMs`: the longest sleep of the runner and the pumps when nothing wakes them. */
export function startBackgroundWork(ctx: AppContext, opts: { idleMs?: number } = {}): BackgroundWork {
  const runner = createBackgroundRunner(ctx, opts);
  runner.start();
  const pumps = MODULE_JOBS.flatMap((m) => m.pumps ?? []).map((pump) => pump.start(ctx, { idleMs: opts.idleMs }));
  return {
    runner,
    async stop() {
      await Promise.all(pumps.map((p) => p.stop()));
      await runner.stop();
    },
  };
}
