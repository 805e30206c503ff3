import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGraph } from '../src/modules/messaging/fake-graph.js';
import { SANDBOX_TEMPLATES } from '../src/modules/messaging/templates.catalog.js';
import { bookAppointment } from '../src/modules/scheduling/appointments.service.js';
import { systemActor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type AssistantPractice, assistantPractice, patientsOnNumber } from './assistant-fixtures.js';
import type { TestApp } from './harness.js';
import { runJobs, useReminderSettings, workdays } from './reminders-fixtures.js';
import { mu } from './scheduling-fixtures.js';
import { APP_SECRET, GRAPH_TOKEN, VERIFY_TOKEN, createWhatsAppTestApp } from './whatsapp-fixtures.js';
import { newWaId } from './whatsapp-helpers.js';

/**
 * The real worker process (`src/worker.ts`) killed with SIGKILL while it sends a batch of
 * reminders, then a second one started: every reminder reaches the fake Graph API at most once,
 * and every one is accounted for. It was sent and recorded sent; or its send had started when
 * the process died (Meta has no idempotency key, so it may or may not have reached Meta), and it
 * is recorded failed as 'interrupted', with a staff notification, and never sent again.
 * Real processes on PostgreSQL; the embedded database lives and dies with its one process.
 */
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const REMINDERS = 60;
/** The number's cap (messages a second): a batch then takes seconds, so the kill lands in its middle. */
const CAP = 10;
const DAY_BEFORE = 1440;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `done` answers true, or fails after `timeoutMs` saying what it waited for. */
async function until(what: string, done: () => Promise<boolean> | boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

describe.skipIf(!onPostgres)('the worker killed mid-batch of reminders', () => {
  let t: TestApp;
  let graphServer: FastifyInstance;
  let fake: FakeGraph;
  let graphUrl: string;
  let practice: AssistantPractice;
  const children = new Set<ChildProcess>();
  const dataDirs: string[] = [];

  beforeAll(async () => {
    // Meta's answers take 30–80 ms, after the message is accepted: a kill can land between
    // Meta taking a message and the worker recording its answer, as well as before a call.
    fake = new FakeGraph({ accessToken: GRAPH_TOKEN, templates: SANDBOX_TEMPLATES, statusDelaysMs: null });
    graphServer = Fastify({ logger: false });
    graphServer.addHook('onSend', async () => sleep(30 + Math.floor(Math.random() * 50)));
    fake.register(graphServer);
    graphUrl = await graphServer.listen({ port: 0, host: '127.0.0.1' });
    t = await createWhatsAppTestApp(graphUrl);
    practice = await assistantPractice(t);
    await inPractice(t.db, practice.practiceId, (tx) =>
      tx
        .updateTable('whatsappChannels')
        .set({ throughputPerSecond: CAP })
        .where('practiceId', '=', practice.practiceId)
        .execute(),
    );
    // The day-before reminder only: one reminder per appointment.
    await useReminderSettings(t, practice.practiceId, {
      rules: [{ offsetMinutes: DAY_BEFORE, appointmentTypeIds: null, minLeadMinutes: DAY_BEFORE }],
    });
  }, 60_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await t?.close();
    fake?.close();
    await graphServer?.close();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  /** The real worker, configured as the test app is (same keys, so it opens the number's sealed token). */
  function startWorker(name: string): ChildProcess {
    const dataDir = path.join(tmpdir(), `dentalpro-crash-${name}-${randomUUID()}`);
    dataDirs.push(dataDir);
    const child = spawn('node', ['--import', 'tsx', 'apps/server/src/worker.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        DATABASE_URL: t.database.connectionString,
        DATABASE_POOL_SIZE: '4',
        DATA_DIR: dataDir,
        PUBLIC_URL: t.ctx.config.publicUrl,
        SESSION_SECRET: t.ctx.config.sessionSecret,
        ENCRYPTION_KEY: t.ctx.config.encryptionKey.toString('base64'),
        WHATSAPP_APP_SECRET: APP_SECRET,
        WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
        WHATSAPP_GRAPH_URL: graphUrl,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // Its warnings (the interrupted sends) and any crash, for a failing run's reader.
    child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[${name}] ${chunk}`));
    children.add(child);
    return child;
  }

  const exitOf = (child: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });

  /** The reminders' messages as Meta received them, by recipient. */
  const templatesSent = () => fake.sent.filter((m) => (m.body as { type?: string }).type === 'template');

  it('sends every due reminder to Meta at most once, and reports the few sends the kill cut off', async () => {
    const { practiceId } = practice;
    // Sixty patients, each on their own number, each with a check-up in the coming weeks.
    const days = await workdays(t, practiceId, Math.ceil(REMINDERS / 8));
    const patients: { id: string; waId: string; appointmentId: string }[] = [];
    for (let i = 0; i < REMINDERS; i++) {
      const waId = newWaId();
      const [id] = await patientsOnNumber(t, practiceId, `+${waId}`, [
        { givenName: `Patient${i}`, familyName: 'Crash', preferredLanguage: (['en', 'fr', 'mfe'] as const)[i % 3] },
      ]);
      // On the hour (a check-up is 30 minutes and a 10-minute buffer), eight a day.
      const hour = [8, 9, 10, 11, 13, 14, 15, 16][i % 8]!;
      const start = mu(days[Math.floor(i / 8)]!, `${String(hour).padStart(2, '0')}:00`);
      const booked = await bookAppointment(t.ctx, {
        actor: systemActor('reception'),
        practiceId,
        booking: {
          appointmentTypeId: practice.checkup,
          providerId: practice.dentistId,
          chairId: practice.chair1,
          start,
          source: 'phone',
          patientId: id!,
        },
      });
      patients.push({ id: id!, waId, appointmentId: booked.id });
    }
    // Planning runs here; the reminders then fall due now, for the worker.
    await runJobs(t);
    const reminders = async () =>
      inPractice(t.db, practiceId, (tx) =>
        tx
          .selectFrom('appointmentReminders')
          .select(['appointmentId', 'state', 'reason', 'messageId'])
          .where('practiceId', '=', practiceId)
          .execute(),
      );
    expect((await reminders()).map((r) => r.state)).toEqual(Array(REMINDERS).fill('planned'));
    const due = await sql`UPDATE jobs SET run_at = now() WHERE name = 'reminders.send' AND state = 'pending'`.execute(
      t.db,
    );
    expect(Number(due.numAffectedRows)).toBe(REMINDERS);

    // The first worker sends part of the batch, and dies without a chance to clean up.
    const first = startWorker('first');
    await until('the first worker to send ten reminders', () => templatesSent().length >= 10, 45_000);
    first.kill('SIGKILL');
    await exitOf(first);
    const reachedBeforeKill = templatesSent().length;
    expect(reachedBeforeKill).toBeLessThan(REMINDERS);

    // The calls it had started (and may or may not have reached Meta) are known to the outbox.
    const started = await t.db
      .selectFrom('whatsappOutbox')
      .select(['messageId'])
      .where('state', '=', 'sending')
      .where('attemptStartedAt', 'is not', null)
      .execute();
    // At most a second's worth of the number's sends can be in flight at once.
    expect(started.length).toBeLessThanOrEqual(CAP);
    // Time passes: its claims (two minutes) and job leases lapse, as they would; the test does not wait them out.
    await sql`UPDATE whatsapp_outbox SET claimed_until = now() - interval '1 second' WHERE state = 'sending'`.execute(
      t.db,
    );
    await sql`UPDATE jobs SET locked_until = now() - interval '1 second' WHERE state = 'running'`.execute(t.db);

    // A second worker takes over and finishes: no outbox row left, every reminder's message
    // settled, and a staff notification for each interrupted one.
    const second = startWorker('second');
    const messagesOf = async () =>
      inPractice(t.db, practiceId, (tx) =>
        tx
          .selectFrom('whatsappMessages')
          .select(['id', 'status', 'failureReason', 'wamid'])
          .where('practiceId', '=', practiceId)
          .where('idempotencyKey', 'like', 'reminder:%')
          .execute(),
      );
    const notices = async () =>
      inPractice(t.db, practiceId, (tx) =>
        tx
          .selectFrom('notifications')
          .select(['appointmentId', 'reason'])
          .where('practiceId', '=', practiceId)
          .where('kind', '=', 'reminder_failed')
          .execute(),
      );
    await until(
      'the second worker to settle every reminder',
      async () => {
        const waiting = await t.db.selectFrom('whatsappOutbox').select('seq').executeTakeFirst();
        if (waiting) return false;
        const messages = await messagesOf();
        const failed = messages.filter((m) => m.status === 'failed').length;
        return (
          messages.length === REMINDERS &&
          messages.every((m) => m.status !== 'queued' && m.status !== 'sending') &&
          (await notices()).length === failed
        );
      },
      60_000,
    );
    second.kill('SIGTERM');
    await exitOf(second);

    // Never twice: each patient's number got at most one reminder from Meta.
    const byRecipient = new Map<string, number>();
    for (const m of templatesSent()) byRecipient.set(m.to, (byRecipient.get(m.to) ?? 0) + 1);
    expect([...byRecipient.values()].filter((n) => n > 1)).toEqual([]);
    expect([...byRecipient.keys()].every((to) => patients.some((p) => p.waId === to))).toBe(true);
    // The second worker did send: the batch was cut in the middle, and finished afterwards.
    expect(templatesSent().length).toBeGreaterThan(reachedBeforeKill);

    // Never silently lost: each reminder's message is sent (and Meta has it, once) or failed
    // as interrupted (and was among the calls in flight at the kill), with staff told.
    const rows = await reminders();
    expect(rows.map((r) => r.state)).toEqual(Array(REMINDERS).fill('sent'));
    const messages = new Map((await messagesOf()).map((m) => [m.id, m]));
    const startedAtKill = new Set(started.map((s) => s.messageId));
    const told = new Set((await notices()).filter((n) => n.reason === 'interrupted').map((n) => n.appointmentId));
    const wamidsAtMeta = new Set(templatesSent().map((m) => m.wamid));
    let sent = 0;
    const interrupted: { reachedMeta: boolean }[] = [];
    for (const p of patients) {
      const row = rows.find((r) => r.appointmentId === p.appointmentId)!;
      const message = messages.get(row.messageId!);
      const reachedMeta = byRecipient.get(p.waId) ?? 0;
      if (message && ['sent', 'delivered', 'read'].includes(message.status)) {
        sent++;
        expect(reachedMeta, `appointment ${p.appointmentId} recorded sent`).toBe(1);
        expect(wamidsAtMeta.has(message.wamid!)).toBe(true);
      } else {
        expect(message, `appointment ${p.appointmentId} neither sent nor reported`).toMatchObject({
          status: 'failed',
          failureReason: 'interrupted',
        });
        expect(startedAtKill.has(message!.id)).toBe(true);
        expect(told.has(p.appointmentId)).toBe(true);
        expect(reachedMeta).toBeLessThanOrEqual(1);
        interrupted.push({ reachedMeta: reachedMeta === 1 });
      }
    }
    // Every call in flight at the kill, and only those, is reported interrupted.
    expect(interrupted.length).toBe(started.length);
    // Accounted for: the sends Meta has plus the interrupted ones it never got are all the reminders.
    expect(templatesSent().length + interrupted.filter((i) => !i.reachedMeta).length).toBe(REMINDERS);
    expect(sent + interrupted.length).toBe(REMINDERS);
  }, 90_000);
});
