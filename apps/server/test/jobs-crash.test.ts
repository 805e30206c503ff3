import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Database } from '../src/db/connection.js';
import { createJobRunner, defineJob, enqueueJob } from '../src/platform/jobs.js';
import { openTestDatabase } from './harness.js';

/**
 * A worker killed with SIGKILL in the middle of a job (no chance to clean up): once its lease
 * lapses, another worker takes the job over and finishes it, once. Real processes on PostgreSQL;
 * the embedded database lives and dies with its one process.
 */
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

describe.skipIf(!onPostgres)('a worker killed mid-job', () => {
  let database: Database;
  let child: ChildProcess | undefined;
  beforeAll(async () => {
    database = await openTestDatabase();
    await sql`CREATE TABLE job_test_log (label text NOT NULL, event text NOT NULL, worker text NOT NULL)`.execute(
      database.db,
    );
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await database.close();
  });

  const log = async () =>
    (
      await sql<{ event: string; worker: string }>`SELECT event, worker FROM job_test_log ORDER BY event`.execute(
        database.db,
      )
    ).rows;

  it('is finished exactly once by a second worker after its lease lapses', async () => {
    const db = database.db;
    const killable = defineJob({
      name: 'test.killable',
      schema: z.object({ label: z.string() }),
      handler: async ({ label }) => {
        await sql`INSERT INTO job_test_log VALUES (${label}, 'started', 'second')`.execute(db);
        await sql`INSERT INTO job_test_log VALUES (${label}, 'finished', 'second')`.execute(db);
      },
    });
    await enqueueJob(db, killable, { label: 'x-ray upload' });

    child = spawn('node', ['--import', 'tsx', 'apps/server/test/fixtures/job-worker.ts', database.connectionString], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    for (let i = 0; i < 600 && (await log()).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await log()).toEqual([{ event: 'started', worker: 'child' }]);
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const held = await db.selectFrom('jobs').select(['state', 'attempts', 'lockedUntil']).executeTakeFirstOrThrow();
    expect(held).toMatchObject({ state: 'running', attempts: 1 });

    const second = createJobRunner({
      db,
      ctx: {},
      logger: pino({ level: 'silent' }),
      definitions: [killable],
    });
    // Not before the dead worker's lease lapses.
    if (held.lockedUntil!.getTime() > Date.now() + 500) expect(await second.runDue()).toBe(0);
    let ran = 0;
    for (let i = 0; i < 200 && ran === 0; i++) {
      ran = await second.runDue();
      if (ran === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(ran).toBe(1);
    expect(await log()).toEqual([
      { event: 'finished', worker: 'second' },
      { event: 'started', worker: 'child' },
      { event: 'started', worker: 'second' },
    ]);
    expect(await db.selectFrom('jobs').selectAll().execute()).toEqual([]);
    // Nothing is left for a third worker.
    expect(await second.runDue()).toBe(0);
  });
});
