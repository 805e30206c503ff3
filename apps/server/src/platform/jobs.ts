import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/connection.js';
import type { Logger } from './logger.js';
import { createAlarm } from './pump.js';

/**
 * The job system: work to do now or at a given time, written into the `jobs` table in the
 * transaction that asks for it, so a job exists if and only if that change committed. Workers
 * claim due jobs with SKIP LOCKED (any number of processes share them), hold a lease they renew
 * while the handler runs (a worker killed mid-job loses it, and another worker runs the job
 * again), retry failures with backoff and keep a job that keeps failing as `failed`, with its
 * last error, for an operator (`jobs list --failed`, `jobs retry ID`).
 *
 * Events are jobs too: `publishEvent` writes one row, and the worker that claims it runs every
 * listener registered for it; a listener that fails is retried as a job of its own. The
 * announcer never knows who listens.
 *
 * Schedules (cron) take each tick once across all workers: the tick is a row keyed by
 * (schedule, tick), inserted in the transaction that queues the tick's job.
 *
 * Handlers must be idempotent: a job may run again after a crash. They re-read what they act on
 * and do nothing when it no longer applies.
 */

export interface JobRun<C> {
  ctx: C;
  id: number;
  /** 1 on the first run. */
  attempt: number;
  maxAttempts: number;
  /** The practice whose transaction queued the job, if any. */
  practiceId: string | null;
}

export interface JobDefinition<P = unknown, C = unknown> {
  name: string;
  schema: z.ZodType<P>;
  handler: (payload: P, run: JobRun<C>) => Promise<void>;
  /** Set on a listener: the event whose announcements it handles. */
  event?: string;
  /** Runs before the job is kept as failed (default 10). */
  maxAttempts?: number;
  /** The pause before the next attempt, after `attempt` failed ones (default: 5 s doubling, at most an hour). */
  backoffMs?: (attempt: number) => number;
}

export interface EventDefinition<P = unknown> {
  name: string;
  schema: z.ZodType<P>;
}

export interface ScheduleDefinition {
  /** Also the tick's identity: renaming a schedule makes its next tick run again. */
  name: string;
  /** Five fields (minute hour day month weekday), or six with seconds first. */
  cron: string;
  /** The zone the cron fields are read in (default UTC). */
  timeZone?: string;
  /** Queued at each tick with the tick's time. */
  // biome-ignore lint/suspicious/noExplicitAny: any context; the payload is what matters here.
  job: JobDefinition<{ tick: string }, any>;
}

// biome-ignore lint/suspicious/noExplicitAny: a registry holds jobs of every payload type.
export type AnyJob<C = any> = JobDefinition<any, C>;

/** The payload of a scheduled job: the tick it runs for. */
export const scheduledTick = z.object({ tick: z.string() });

/**
 * A loop over a table of work of its own (webhook deliveries, the outbox), for work whose claiming
 * a job queue cannot express (per-patient lanes, per-number send rates). Started and stopped with
 * the job runner by startBackgroundWork.
 */
export interface BackgroundPump<C> {
  name: string;
  /** `idleMs`: the longest sleep when nothing wakes it (tests lengthen it to prove the wake-ups). */
  start(ctx: C, opts: { idleMs?: number }): { stop(): Promise<void> };
}

/** What a module runs in the background, in its `<module>.jobs.ts`. */
export interface ModuleJobs<C> {
  jobs: readonly AnyJob<C>[];
  schedules?: readonly ScheduleDefinition[];
  pumps?: readonly BackgroundPump<C>[];
}

export const DEFAULT_MAX_ATTEMPTS = 10;
export const defaultBackoffMs = (attempt: number) => Math.min(3_600_000, 5_000 * 2 ** (attempt - 1));
const EVENT_PREFIX = 'event:';
/**
 * The pause after a claim before the next while jobs stream in (a claim found several, or found
 * one shortly after another did): the next claim then takes what arrived meanwhile, instead of
 * one claim per job.
 */
const GATHER_MS = 20;
/** Jobs a runner holds claimed, running or waiting for a free slot, per unit of concurrency. */
const HELD_PER_SLOT = 8;
/** Error text kept on a job and logged: enough to diagnose, short enough to hold no record. */
const ERROR_TEXT_LIMIT = 500;

export function defineJob<P, C>(definition: JobDefinition<P, C>): JobDefinition<P, C> {
  return definition;
}

export function defineEvent<P>(name: string, schema: z.ZodType<P>): EventDefinition<P> {
  return { name, schema };
}

/** A listener: a job queued for every announcement of `event`, with the event's payload. */
export function onEvent<P, C>(
  event: EventDefinition<P>,
  listener: {
    name: string;
    handler: (payload: P, run: JobRun<C>) => Promise<void>;
    maxAttempts?: number;
    backoffMs?: (attempt: number) => number;
  },
): JobDefinition<P, C> {
  return { ...listener, schema: event.schema, event: event.name };
}

export function defineSchedule(schedule: ScheduleDefinition): ScheduleDefinition {
  // Refuse a bad expression when the module loads rather than at the first tick.
  new Cron(schedule.cron, { timezone: schedule.timeZone, paused: true });
  return schedule;
}

export interface EnqueueOptions {
  /** Not before this time (default: now). */
  runAt?: Date;
  /** A pending job with the same key is replaced by this one (payload and time). */
  key?: string;
}

/** Queues a job in the caller's transaction. The payload is checked now: a bad one is a bug here, not later. */
export async function enqueueJob<P>(
  db: Db,
  job: Pick<JobDefinition<P>, 'name' | 'schema' | 'maxAttempts'>,
  payload: P,
  opts: EnqueueOptions = {},
): Promise<void> {
  const checked = job.schema.parse(payload);
  const values = {
    name: job.name,
    payload: JSON.stringify(checked),
    key: opts.key ?? null,
    runAt: opts.runAt ?? new Date(),
    maxAttempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  };
  if (!opts.key) {
    await db.insertInto('jobs').values(values).execute();
    return;
  }
  await db
    .insertInto('jobs')
    .values(values)
    .onConflict((oc) =>
      oc
        .column('key')
        .where('state', '=', 'pending')
        .where('key', 'is not', null)
        .doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          payload: eb.ref('excluded.payload'),
          runAt: eb.ref('excluded.runAt'),
          maxAttempts: eb.ref('excluded.maxAttempts'),
          attempts: 0,
          lastError: null,
          updatedAt: new Date(),
        })),
    )
    .execute();
}

/** Cancels the pending job with this key, in the caller's transaction; true when there was one. */
export async function cancelJob(db: Db, key: string): Promise<boolean> {
  const result = await db.deleteFrom('jobs').where('key', '=', key).where('state', '=', 'pending').executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Announces a fact in the caller's transaction; its listeners get it once that commits. */
export async function publishEvent<P>(db: Db, event: EventDefinition<P>, payload: P): Promise<void> {
  const checked = event.schema.parse(payload);
  await db
    .insertInto('jobs')
    .values({ name: EVENT_PREFIX + event.name, payload: JSON.stringify(checked) })
    .execute();
}

export interface JobRunnerOptions<C> {
  db: Db;
  ctx: C;
  logger: Logger;
  definitions: readonly AnyJob<C>[];
  schedules?: readonly ScheduleDefinition[];
  /** Jobs run at once by this worker (default 4). */
  concurrency?: number;
  /** How long a claim lasts unless renewed; a killed worker's jobs run again after it (default 60 s). */
  leaseSeconds?: number;
  /** The longest sleep between looks at the queue when nothing wakes the runner (default 2 s). */
  idleMs?: number;
  /** Subscribes to the "jobs were queued" signal (a NOTIFY at commit); returns the unsubscribe. */
  wakeOn?: (wake: () => void) => () => void;
  workerId?: string;
  /** Clock for schedules (tests). */
  now?: () => Date;
}

export interface JobRunner {
  readonly workerId: string;
  /** Runs in the background until stopped. */
  start(): void;
  wake(): void;
  /** Waits for the jobs in hand to finish. */
  stop(): Promise<void>;
  /** Takes due schedule ticks, then runs due jobs until none are left; the number of jobs run. */
  runDue(): Promise<number>;
}

/** A claimed job as the claim's JSON gives it (column names as in the table). */
interface RawClaimedJob {
  id: number | string;
  name: string;
  payload: unknown;
  practice_id: string | null;
  key: string | null;
  attempts: number;
  max_attempts: number;
}

interface ClaimedJob {
  id: number;
  name: string;
  payload: unknown;
  practiceId: string | null;
  key: string | null;
  attempts: number;
  maxAttempts: number;
}

export function createJobRunner<C>(opts: JobRunnerOptions<C>): JobRunner {
  const { db, logger } = opts;
  const workerId = opts.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
  const concurrency = opts.concurrency ?? 4;
  const leaseSeconds = opts.leaseSeconds ?? 60;
  const idleMs = opts.idleMs ?? 2_000;
  const now = opts.now ?? (() => new Date());
  const byName = new Map(opts.definitions.filter((d) => !d.event).map((d) => [d.name, d]));
  const listeners = new Map<string, AnyJob<C>[]>();
  for (const d of opts.definitions) {
    if (!d.event) continue;
    if (byName.has(d.name)) throw new Error(`job ${d.name} is defined twice`);
    byName.set(d.name, d);
    listeners.set(d.event, [...(listeners.get(d.event) ?? []), d]);
  }
  const names = [...byName.keys()];
  const schedules = (opts.schedules ?? []).map((s) => ({
    ...s,
    cron: new Cron(s.cron, { timezone: s.timeZone, paused: true }),
    dueAt: 0,
  }));
  for (const s of schedules)
    if (!byName.has(s.job.name)) throw new Error(`schedule ${s.name}: job ${s.job.name} is not registered`);

  const active = new Map<number, Promise<void>>();
  /** Jobs done, deleted together before the next claim: one statement for a burst, not one each. */
  let finished: number[] = [];
  async function deleteFinished() {
    if (finished.length === 0) return;
    const ids = finished;
    finished = [];
    await db.deleteFrom('jobs').where('id', 'in', ids).where('lockedBy', '=', workerId).execute();
  }

  /**
   * One round trip: deletes the jobs finished since the last claim, claims up to `limit` due ones
   * (pending and due, then those whose worker stopped renewing its lease: it died), and says when
   * the next pending job falls due.
   */
  async function claim(limit: number): Promise<{ jobs: ClaimedJob[]; nextDueAt: number }> {
    const done = finished;
    finished = [];
    try {
      const { rows } = await sql<{ jobs: RawClaimedJob[] | null; nextDue: Date | null }>`
        WITH done AS (
          DELETE FROM jobs WHERE id = ANY(${done}::bigint[]) AND locked_by = ${workerId}
        ), due AS (
          SELECT id, run_at AS at FROM jobs
          WHERE state = 'pending' AND run_at <= now() AND (name = ANY(${names}) OR name LIKE 'event:%')
          ORDER BY run_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED
        ), orphaned AS (
          SELECT id, locked_until AS at FROM jobs
          WHERE state = 'running' AND locked_until < now() AND (name = ANY(${names}) OR name LIKE 'event:%')
          ORDER BY locked_until LIMIT ${limit} FOR UPDATE SKIP LOCKED
        ), picked AS (
          SELECT id FROM (SELECT * FROM due UNION ALL SELECT * FROM orphaned) AS both_kinds ORDER BY at LIMIT ${limit}
        ), claimed AS (
          UPDATE jobs SET state = 'running', attempts = jobs.attempts + 1, locked_by = ${workerId},
            locked_until = now() + make_interval(secs => ${leaseSeconds}), updated_at = now()
          FROM picked
          WHERE jobs.id = picked.id
          RETURNING jobs.id, jobs.name, jobs.payload, jobs.practice_id, jobs.key, jobs.attempts, jobs.max_attempts
        )
        SELECT
          (SELECT json_agg(claimed ORDER BY id) FROM claimed) AS jobs,
          (SELECT min(run_at) FROM jobs
            WHERE state = 'pending' AND (name = ANY(${names}) OR name LIKE 'event:%')
              AND id NOT IN (SELECT id FROM picked)) AS next_due`.execute(db);
      const row = rows[0]!;
      const jobs = (row.jobs ?? []).map((j) => ({
        id: Number(j.id),
        name: j.name,
        payload: j.payload,
        practiceId: j.practice_id,
        key: j.key,
        attempts: j.attempts,
        maxAttempts: j.max_attempts,
      }));
      const nextJob = row.nextDue ? new Date(row.nextDue).getTime() : Number.POSITIVE_INFINITY;
      return { jobs, nextDueAt: Math.min(nextJob, ...schedules.map((s) => s.dueAt)) };
    } catch (err) {
      // Not deleted after all: they go with the next claim.
      finished.push(...done);
      throw err;
    }
  }

  /**
   * Hands an announcement to its listeners, here and now: each runs in turn, as the first attempt
   * of its own job. One that fails gets a job row of its own (retried with its backoff, kept when
   * it fails for good), written with the announcement's removal, so it never holds up or repeats
   * the others. (Written as jobs up front, every listener would cost a row, a claim and a delete
   * more for nothing in the usual case where it succeeds.)
   */
  async function handOut(event: ClaimedJob) {
    const targets = listeners.get(event.name.slice(EVENT_PREFIX.length)) ?? [];
    const retries: { listener: AnyJob<C>; error: string }[] = [];
    for (const listener of targets) {
      const parsed = listener.schema.safeParse(event.payload);
      try {
        if (!parsed.success) throw new Error(`payload does not match the event's schema: ${parsed.error.message}`);
        await listener.handler(parsed.data, {
          ctx: opts.ctx,
          id: event.id,
          attempt: 1,
          maxAttempts: listener.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
          practiceId: event.practiceId,
        });
      } catch (err) {
        const error = errorText(err);
        logger.warn(
          { job: listener.name, event: event.name, jobId: event.id, err: error },
          'listener failed; will retry',
        );
        retries.push({ listener, error });
      }
    }
    if (retries.length === 0) {
      finished.push(event.id);
      return;
    }
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('jobs')
        .values(
          retries.map(({ listener, error }) => {
            const maxAttempts = listener.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
            const last = maxAttempts <= 1;
            return {
              name: listener.name,
              payload: JSON.stringify(event.payload),
              practiceId: event.practiceId,
              maxAttempts,
              attempts: 1,
              lastError: error,
              ...(last
                ? { state: 'failed' as const, failedAt: new Date() }
                : { runAt: new Date(Date.now() + (listener.backoffMs ?? defaultBackoffMs)(1)) }),
            };
          }),
        )
        .execute();
      await tx.deleteFrom('jobs').where('id', '=', event.id).where('lockedBy', '=', workerId).execute();
    });
  }

  async function runOne(job: ClaimedJob): Promise<void> {
    if (job.attempts > job.maxAttempts) {
      // Claimed again after its lease ran out, time after time: the job takes its worker down with it.
      await markFailed(job, `the worker stopped during the job ${job.maxAttempts} times`);
      return;
    }
    if (job.name.startsWith(EVENT_PREFIX)) {
      try {
        await handOut(job);
      } catch (err) {
        await settleFailure(job, err, undefined);
      }
      return;
    }
    const definition = byName.get(job.name)!;
    const parsed = definition.schema.safeParse(job.payload);
    if (!parsed.success) {
      // A payload its handler cannot read will not get better by waiting: kept at once, never retried.
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(payload)'}: ${i.message}`).join('; ');
      await markFailed(job, `payload does not match the job's schema: ${issues}`);
      return;
    }
    try {
      await definition.handler(parsed.data, {
        ctx: opts.ctx,
        id: job.id,
        attempt: job.attempts,
        maxAttempts: job.maxAttempts,
        practiceId: job.practiceId,
      });
      finished.push(job.id);
    } catch (err) {
      await settleFailure(job, err, definition);
    }
  }

  async function markFailed(job: ClaimedJob, error: string) {
    logger.error(
      { job: job.name, jobId: job.id, attempts: job.attempts, err: error },
      'job failed for good; kept for an operator',
    );
    await db
      .updateTable('jobs')
      .set({
        state: 'failed',
        lockedBy: null,
        lockedUntil: null,
        lastError: error,
        failedAt: new Date(),
        updatedAt: new Date(),
      })
      .where('id', '=', job.id)
      .where('lockedBy', '=', workerId)
      .execute();
  }

  async function settleFailure(job: ClaimedJob, err: unknown, definition: AnyJob<C> | undefined) {
    const error = errorText(err);
    if (job.attempts >= job.maxAttempts) {
      await markFailed(job, error);
      return;
    }
    const delayMs = (definition?.backoffMs ?? defaultBackoffMs)(job.attempts);
    logger.warn(
      { job: job.name, jobId: job.id, attempt: job.attempts, retryInMs: delayMs, err: error },
      'job failed; will retry',
    );
    // A job queued meanwhile under the same key supersedes this one: it is dropped, not retried.
    const superseded = job.key
      ? await db
          .selectFrom('jobs')
          .select('id')
          .where('key', '=', job.key)
          .where('state', '=', 'pending')
          .executeTakeFirst()
      : undefined;
    if (superseded) {
      await db.deleteFrom('jobs').where('id', '=', job.id).where('lockedBy', '=', workerId).execute();
      return;
    }
    await db
      .updateTable('jobs')
      .set({
        state: 'pending',
        lockedBy: null,
        lockedUntil: null,
        lastError: error,
        runAt: new Date(Date.now() + delayMs),
        updatedAt: new Date(),
      })
      .where('id', '=', job.id)
      .where('lockedBy', '=', workerId)
      .execute();
  }

  /** Queues the latest tick of each schedule that is due and not yet taken by any worker. */
  async function takeTicks(): Promise<void> {
    const at = now();
    for (const s of schedules) {
      if (at.getTime() < s.dueAt) continue;
      const tick = s.cron.previousRuns(1, new Date(at.getTime() + 1))[0];
      s.dueAt = s.cron.nextRun(at)?.getTime() ?? Number.POSITIVE_INFINITY;
      if (!tick) continue;
      await db.transaction().execute(async (tx) => {
        const taken = await tx
          .insertInto('jobScheduleTicks')
          .values({ schedule: s.name, tick })
          .onConflict((oc) => oc.doNothing())
          .returning('tick')
          .executeTakeFirst();
        if (!taken) return;
        await enqueueJob(tx, s.job as AnyJob, { tick: tick.toISOString() });
        // Ticks are only compared with the latest; a week of them is plenty to look back on.
        await tx
          .deleteFrom('jobScheduleTicks')
          .where('schedule', '=', s.name)
          .where('tick', '<', new Date(tick.getTime() - 7 * 86_400_000))
          .execute();
      });
    }
  }

  /** Claimed jobs waiting for a free slot. */
  const waiting: ClaimedJob[] = [];

  async function renewLeases() {
    const held = [...active.keys(), ...waiting.map((j) => j.id)];
    if (held.length === 0) return;
    await db
      .updateTable('jobs')
      .set({ lockedUntil: sql`now() + make_interval(secs => ${leaseSeconds})` })
      .where('state', '=', 'running')
      .where('lockedBy', '=', workerId)
      .where('id', 'in', held)
      .execute();
  }

  /** Starts waiting jobs while slots are free; a job that ends starts the next. */
  function startWaiting() {
    while (active.size < concurrency && waiting.length > 0) {
      const job = waiting.shift()!;
      const running = runOne(job)
        .catch((err) => logger.error({ job: job.name, jobId: job.id, err: errorText(err) }, 'job could not be settled'))
        .finally(() => {
          active.delete(job.id);
          startWaiting();
          // Running low: time to claim more (and to delete what is done).
          if (waiting.length < concurrency) signal();
        });
      active.set(job.id, running);
    }
  }

  /** Gives back claimed jobs not started (a stopping runner): pending again, their claim not counted. */
  async function releaseWaiting() {
    const ids = waiting.splice(0).map((j) => j.id);
    if (ids.length === 0) return;
    await db
      .updateTable('jobs')
      .set((eb) => ({ state: 'pending', lockedBy: null, lockedUntil: null, attempts: eb('attempts', '-', 1) }))
      .where('id', 'in', ids)
      .where('lockedBy', '=', workerId)
      .execute();
  }

  let running = false;
  let loop: Promise<void> | null = null;
  const alarm = createAlarm();
  const signal = alarm.wake;

  let unsubscribe: (() => void) | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  return {
    workerId,
    start() {
      if (running) return;
      running = true;
      unsubscribe = opts.wakeOn?.(signal);
      heartbeat = setInterval(
        () =>
          void renewLeases().catch((err) => logger.warn({ err: errorText(err) }, 'job leases could not be renewed')),
        (leaseSeconds * 1000) / 3,
      );
      heartbeat.unref();
      let failures = 0;
      let lastPartialClaimAt = 0;
      let lastClaimWithJobsAt = 0;
      loop = (async () => {
        while (running) {
          try {
            await takeTicks();
            const room = concurrency * HELD_PER_SLOT - active.size - waiting.length;
            if (room < concurrency) {
              // Enough in hand: sleep until jobs end.
              await alarm.sleep(idleMs);
              continue;
            }
            // Jobs trickling in (the last claim found fewer than it could take) are taken together,
            // a moment after the last claim, rather than with a claim each.
            const gather = lastPartialClaimAt + GATHER_MS - Date.now();
            if (gather > 0) await new Promise((resolve) => setTimeout(resolve, gather));
            const { jobs: claimed, nextDueAt } = await claim(room);
            waiting.push(...claimed);
            startWaiting();
            failures = 0;
            if (claimed.length === room) continue;
            // Jobs streaming in (several at once, or one again soon after the last): the next ones are
            // taken together. A job on its own is run as soon as it is queued.
            const claimedAt = Date.now();
            const streaming =
              claimed.length >= 2 || (claimed.length === 1 && claimedAt - lastClaimWithJobsAt < 2 * GATHER_MS);
            if (claimed.length > 0) lastClaimWithJobsAt = claimedAt;
            lastPartialClaimAt = streaming ? claimedAt : 0;
            // Less was due than there was room for: sleep until jobs end, a job is queued or
            // something falls due (a due job another worker is claiming right now is looked for
            // again after a moment, not at once).
            await alarm.sleep(Math.max(Math.min(idleMs, nextDueAt - Date.now()), GATHER_MS));
          } catch (err) {
            failures += 1;
            logger.error({ err: errorText(err) }, 'job runner could not reach the queue; retrying');
            await alarm.sleep(Math.min(30_000, 200 * 2 ** Math.min(failures, 8)));
          }
        }
      })();
    },
    wake: signal,
    async stop() {
      running = false;
      unsubscribe?.();
      clearInterval(heartbeat);
      signal();
      await loop;
      await releaseWaiting();
      await Promise.all(active.values());
      await deleteFinished();
    },
    async runDue() {
      let total = 0;
      for (;;) {
        await takeTicks();
        const { jobs } = await claim(concurrency);
        if (jobs.length === 0) return total;
        for (const job of jobs) {
          active.set(job.id, Promise.resolve());
          try {
            await runOne(job);
          } finally {
            active.delete(job.id);
          }
        }
        total += jobs.length;
      }
    },
  };
}

function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.slice(0, ERROR_TEXT_LIMIT);
}

export interface FailedJob {
  id: number;
  name: string;
  practiceId: string | null;
  attempts: number;
  lastError: string | null;
  failedAt: Date | null;
  createdAt: Date;
}

/** Jobs kept after failing for good, newest first. */
export async function listFailedJobs(db: Db, opts: { limit?: number } = {}): Promise<FailedJob[]> {
  return db
    .selectFrom('jobs')
    .select(['id', 'name', 'practiceId', 'attempts', 'lastError', 'failedAt', 'createdAt'])
    .where('state', '=', 'failed')
    .orderBy('failedAt', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.limit ?? 100)
    .execute();
}

/** How many jobs wait, run and have failed, by name. */
export async function countJobs(db: Db) {
  return db
    .selectFrom('jobs')
    .select(['name', 'state', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy(['name', 'state'])
    .orderBy('name')
    .orderBy('state')
    .execute();
}

/**
 * Puts a failed job back in the queue, due now, with its attempts counted afresh. Refused when a
 * job with the same key is pending (it superseded this one).
 */
export async function retryFailedJob(db: Db, id: number): Promise<'queued' | 'not_found' | 'superseded'> {
  return db.transaction().execute(async (tx) => {
    const job = await tx
      .selectFrom('jobs')
      .select(['id', 'key'])
      .where('id', '=', id)
      .where('state', '=', 'failed')
      .forUpdate()
      .executeTakeFirst();
    if (!job) return 'not_found';
    if (job.key) {
      const pending = await tx
        .selectFrom('jobs')
        .select('id')
        .where('key', '=', job.key)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      if (pending) return 'superseded';
    }
    await tx
      .updateTable('jobs')
      .set({ state: 'pending', attempts: 0, runAt: new Date(), failedAt: null, updatedAt: new Date() })
      .where('id', '=', id)
      .execute();
    // An update does not fire the insert trigger: tell the workers ourselves, at commit.
    await sql`SELECT pg_notify('dentalpro_events', '{"topic":"jobs:ready","payload":{}}')`.execute(tx);
    return 'queued';
  });
}
