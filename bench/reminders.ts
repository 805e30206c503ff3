import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { type Insertable, sql } from 'kysely';
import pg from 'pg';
import { createBackgroundRunner, startBackgroundWork } from '../apps/server/src/background.js';
import type { AppContext } from '../apps/server/src/context.js';
import type { AppointmentsTable } from '../apps/server/src/db/schema.js';
import { FAMILY_NAMES, GIVEN_NAMES } from '../apps/server/src/demo/names.js';
import { seededRandom } from '../apps/server/src/demo/random.js';
import { createUser } from '../apps/server/src/modules/auth/users.js';
import { saveChannel } from '../apps/server/src/modules/messaging/channels.service.js';
import { syncTemplates } from '../apps/server/src/modules/messaging/templates.service.js';
import { createPatientsInBulk } from '../apps/server/src/modules/patients/patients.service.js';
import { createPracticeIn } from '../apps/server/src/modules/practices/practices.service.js';
import { planAppointments } from '../apps/server/src/modules/reminders/planning.js';
import { DEFAULT_REMINDER_SETTINGS } from '../apps/server/src/modules/reminders/reminder-rules.js';
import { saveReminderSettings } from '../apps/server/src/modules/reminders/settings.service.js';
import { createAppointmentType } from '../apps/server/src/modules/scheduling/appointment-types.service.js';
import { createProvider } from '../apps/server/src/modules/scheduling/providers.service.js';
import { systemActor } from '../apps/server/src/platform/access.js';
import { recordAudit } from '../apps/server/src/platform/audit.js';
import { inPractice } from '../apps/server/src/platform/tenancy.js';
import { openBenchEnvironment } from './setup-practice.js';
import { BENCH_WHATSAPP, type BenchGraph, maxInOneSecond, startBenchGraph, whatsappEnv } from './whatsapp-setup.js';

/**
 * Appointment reminders, end to end: REMINDERS (100,000) visits across REMINDER_PRACTICES (50)
 * practices, each practice with a WhatsApp number of its own capped at REMINDER_CAP (80) messages/s,
 * each visit's patient with a WhatsApp number of their own; then the same with one practice, one
 * number at REMINDER_ONE_CAP (1,000/s) and REMINDERS_ONE_NUMBER (20,000) visits.
 *
 * The path is the server's: practices, their number (saveChannel: cap, token, account, an
 * unlimited daily messaging limit, or REMINDERS_MESSAGING_LIMIT), its templates (syncTemplates from
 * the fake), reminder settings (saveReminderSettings: the default rules, the day before and 2 hours
 * before, with quiet hours off so the benchmark runs at any hour) and patients
 * (createPatientsInBulk, the number marked WhatsApp; appointment messages need no recorded consent,
 * docs/consent.md) are made through the services. The visits are written in bulk as history
 * (booked a week ago; 2,000 visits starting within one hour in one practice need hundreds of chairs
 * and would keep one dentist in all of them: chairs are plain rows, and the dentist's visits carry
 * an overbooking reason; reminders read neither). The reminders module plans them (planAppointments,
 * as its booking listener does, 500 visits a call). Each visit starts 23 to 24 hours after the
 * calendar is written, so its day-before reminder fell due within the hour before: when the
 * server's background work (startBackgroundWork) starts, every one of them is due at once, and the
 * send rate, not the clock, sets the pace. Its reminder jobs (reminders.send) re-read each visit,
 * the patient and the consent ledger and queue the template in the WhatsApp outbox; the outbox's
 * dispatcher sends it to a fake Graph API (a thread and port of its own) answering after 50 ms. The
 * 2-hour reminders stay planned for tomorrow, as in a real queue.
 *
 * Measured: the planning; the time from the start of the background work until every due reminder
 * is sent and the outbox is empty, against the least the caps allow; each number's rate over its
 * active period against its cap and the most it sent in any one-second window (by the fake's receipt
 * time, and by arrival, before its 50 ms); sends per patient (exactly one each); the event loop and
 * CPU of the sending process, the machine's CPU and load.
 *
 * REMINDERS_WORKERS=2 (PostgreSQL only): a second process (`npm run worker`, apps/server/src/worker.ts)
 * runs the same background work on the same database, started just before this one's.
 * REMINDERS_SCENARIOS=both|many|one. On the PostgreSQL of DATABASE_URL (a scratch database beside
 * it, dropped at the end; BENCH_KEEP_DB=1 keeps it), else embedded PGlite. DATABASE_POOL_SIZE (10).
 */

const env = process.env;
const numberOf = (name: string, fallback: number) => Number(env[name] ?? fallback);
const REMINDERS = numberOf('REMINDERS', 100_000);
const PRACTICES = numberOf('REMINDER_PRACTICES', 50);
const CAP = numberOf('REMINDER_CAP', 80);
const ONE_NUMBER = numberOf('REMINDERS_ONE_NUMBER', 20_000);
const ONE_CAP = numberOf('REMINDER_ONE_CAP', 1000);
const SCENARIOS = env.REMINDERS_SCENARIOS ?? 'both';
const WORKERS = numberOf('REMINDERS_WORKERS', 1);
const MESSAGING_LIMIT =
  !env.REMINDERS_MESSAGING_LIMIT || env.REMINDERS_MESSAGING_LIMIT === 'unlimited'
    ? null
    : Number(env.REMINDERS_MESSAGING_LIMIT);

const GRAPH_LATENCY_MS = 50;
const STALL_MS = 60_000;
const DAY_BEFORE = 24 * 60;
const VISIT_MINUTES = 15;
/** Visits a chair holds in the hour. */
const VISITS_PER_CHAIR = 60 / VISIT_MINUTES;
const PLAN_BATCH = 500;
const actor = systemActor('bench');
/** Marks the benchmark's own queries (its progress checks), left out of the statement counts. */
const OWN = '/* bench */';

// Every statement this process sends to the database while counting: a figure that does not change
// with the machine's load (BENCH_SQL_HISTOGRAM=1 also prints the most frequent ones while sending).
const statements = { counting: false, count: 0, histogram: new Map<string, number>() };
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: typeof query }).query = function (this: unknown, ...args: unknown[]) {
  if (statements.counting) {
    const a0 = args[0] as string | { text?: string };
    const text = typeof a0 === 'string' ? a0 : (a0?.text ?? '?');
    if (!text.startsWith(OWN)) {
      statements.count += 1;
      if (env.BENCH_SQL_HISTOGRAM) {
        const key = text.replace(/\s+/g, ' ').slice(0, 100);
        statements.histogram.set(key, (statements.histogram.get(key) ?? 0) + 1);
      }
    }
  }
  return query.apply(this, args);
};
// A SIGINT or SIGTERM ends the sending early: what was measured is printed (marked) and the scratch database dropped.
let interrupted: string | null = null;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (interrupted) process.exit(130);
    interrupted = signal;
  });
const stopIfInterrupted = () => {
  if (interrupted) throw new Error(`interrupted (${interrupted}) before sending`);
};

const countStatements = () => {
  statements.count = 0;
  statements.histogram.clear();
  statements.counting = true;
};
const stopCounting = () => {
  statements.counting = false;
  return statements.count;
};

interface Scenario {
  name: string;
  practices: number;
  reminders: number;
  cap: number;
}

const scenarios: Scenario[] = [];
if (SCENARIOS === 'both' || SCENARIOS === 'many')
  scenarios.push({ name: 'many numbers', practices: PRACTICES, reminders: REMINDERS, cap: CAP });
if (SCENARIOS === 'both' || SCENARIOS === 'one')
  scenarios.push({ name: 'one number', practices: 1, reminders: ONE_NUMBER, cap: ONE_CAP });

async function runScenario(scenario: Scenario, index: number) {
  const graph = await startBenchGraph({ latencyMs: GRAPH_LATENCY_MS, statusDelaysMs: null });
  const bench = await openBenchEnvironment({ scratch: true, env: whatsappEnv(graph.url) });
  const { ctx } = bench;
  const extraWorkers: ExtraWorker[] = [];
  try {
    const shares = Array.from(
      { length: scenario.practices },
      (_, p) =>
        Math.floor(scenario.reminders / scenario.practices) + (p < scenario.reminders % scenario.practices ? 1 : 0),
    );
    const parallel = ctx.database.embedded ? 1 : Math.min(8, ctx.config.databasePoolSize);

    // Practices, numbers, templates, settings and patients, through the services.
    const setupStarted = performance.now();
    const random = seededRandom(1300 + index);
    let firstPatient = 0;
    const plans = shares.map((visits, p) => {
      const patients = Array.from({ length: visits }, (_, k) => patientDraft(random, firstPatient + k));
      firstPatient += visits;
      return { p, visits, patients };
    });
    const practices = await eachLimited(plans, parallel, (plan) =>
      createReminderPractice(ctx, graph, { index: plan.p, cap: scenario.cap, patients: plan.patients }),
    );
    // Settings saved earlier re-plan their practice: that ran long before this hour, and the sweep's last tick is taken.
    await createBackgroundRunner(ctx).runDue();
    const ticksTakenBy = new Date();
    const setupMs = performance.now() - setupStarted;
    stopIfInterrupted();

    // The calendar: every visit starts 23 to 24 hours from now, so its day-before reminder fell due within the last hour.
    const calendarStarted = performance.now();
    const hourStart = Math.floor(Date.now() / 60_000) * 60_000 + 23 * 3600_000;
    const visitIds = await eachLimited(practices, parallel, (practice) => writeCalendar(ctx, practice, hourStart));
    const calendarMs = performance.now() - calendarStarted;
    stopIfInterrupted();
    const chairs = practices.reduce((n, p) => n + chairsFor(p.patientIds.length), 0);

    // Planning, by the reminders module.
    countStatements();
    const planStarted = performance.now();
    await eachLimited(practices, parallel, async (practice, p) => {
      const ids = visitIds[p]!;
      for (let i = 0; i < ids.length; i += PLAN_BATCH)
        await planAppointments(ctx, {
          practiceId: practice.practiceId,
          appointmentIds: ids.slice(i, i + PLAN_BATCH),
          now: new Date(),
        });
    });
    const planMs = performance.now() - planStarted;
    const planStatements = stopCounting();
    stopIfInterrupted();
    const planned = (
      await sql<{ due: number; later: number; other: number }>`
        SELECT count(*) FILTER (WHERE offset_minutes = ${DAY_BEFORE} AND state = 'planned' AND due_at <= now())::int AS due,
          count(*) FILTER (WHERE state = 'planned' AND due_at > now())::int AS later,
          count(*) FILTER (WHERE NOT (state = 'planned'))::int AS other
        FROM appointment_reminders`.execute(ctx.db)
    ).rows[0]!;
    const expected = planned.due;
    // The tables as a database that has held such rows for a while knows them (autovacuum's statistics).
    await sql`ANALYZE`.execute(ctx.db);

    // A second process, as `npm run worker` runs it, ready before this one starts.
    let workersNote = ctx.database.embedded
      ? 'a second process was not measured: the embedded database serves one process (PostgreSQL with REMINDERS_WORKERS=2)'
      : 'one process sent; REMINDERS_WORKERS=2 adds a second (`npm run worker`) on the same database';
    if (WORKERS > 1) {
      if (ctx.database.embedded)
        workersNote = `REMINDERS_WORKERS=${WORKERS} not measured: the embedded database serves one process (set DATABASE_URL)`;
      else {
        workersNote = '';
        for (let i = 1; i < WORKERS; i++) extraWorkers.push(await startExtraWorker(ctx, graph.url));
      }
    }

    // Send: the server's background work, as a server process runs it (from the first process that started it).
    const started = Math.min(Date.now(), ...extraWorkers.map((w) => w.readyAt));
    const cpuBefore = process.cpuUsage();
    const machineBefore = machineCpu();
    const databaseBefore = await databaseCpu(ctx);
    const loopBefore = performance.eventLoopUtilization();
    countStatements();
    const workers = startBackgroundWork(ctx);
    const extraCpuBefore = extraWorkers.map((w) => processCpuSeconds(w.child.pid!));
    let left = { planned: expected, outbox: 0 };
    let stalled = false;
    let doneAt = 0;
    try {
      let progress = { at: Date.now(), sent: 0, planned: expected };
      let lastLook = 0;
      for (;;) {
        await new Promise((r) => setTimeout(r, 100));
        const { sent } = await graph.count();
        // The database is asked each second (on PGlite the bench's queries share the one connection), and at once when all went.
        if (sent >= expected || Date.now() - lastLook >= 1000) {
          lastLook = Date.now();
          left = await whatIsLeft(ctx);
          if (left.planned === 0 && left.outbox === 0) {
            doneAt = Date.now();
            break;
          }
        }
        if (sent !== progress.sent || left.planned !== progress.planned)
          progress = { at: Date.now(), sent, planned: left.planned };
        if (interrupted) {
          doneAt = Date.now();
          break;
        }
        if (Date.now() - progress.at > STALL_MS) {
          stalled = true;
          doneAt = Date.now();
          break;
        }
      }
    } finally {
      const extraCpuAfter = extraWorkers.map((w) => processCpuSeconds(w.child.pid!));
      for (const [i, w] of extraWorkers.entries()) w.cpuSeconds = extraCpuAfter[i]! - extraCpuBefore[i]!;
      await workers.stop();
      await Promise.all(extraWorkers.map((w) => w.stop()));
    }
    const sendStatements = stopCounting();
    const loopBusy = performance.eventLoopUtilization(loopBefore).utilization;
    const cpu = process.cpuUsage(cpuBefore);
    const machine = machineCpu();
    const databaseAfter = await databaseCpu(ctx);
    const databaseSeconds = databaseBefore && databaseAfter ? cpuSpent(databaseBefore, databaseAfter) : null;
    const [load1] = loadavg();
    const wallSeconds = (doneAt - started) / 1000;

    const sent = await graph.sent();
    const calls = (await graph.count()).requests;
    const outcomes = (
      await sql<{ state: string; reason: string | null; n: number }>`
        SELECT state, reason, count(*)::int AS n FROM appointment_reminders
        WHERE offset_minutes = ${DAY_BEFORE} GROUP BY state, reason ORDER BY state, reason`.execute(ctx.db)
    ).rows;
    const messages = (
      await sql<{ status: string; n: number }>`
        SELECT status, count(*)::int AS n FROM whatsapp_messages WHERE direction = 'outbound'
        GROUP BY status ORDER BY status`.execute(ctx.db)
    ).rows;
    const sharedMessages = (
      await sql<{ n: number }>`
        SELECT (count(*) - count(DISTINCT message_id))::int AS n FROM appointment_reminders WHERE state = 'sent'`.execute(
        ctx.db,
      )
    ).rows[0]!.n;
    const failedJobs = (
      await sql<{ name: string; n: number }>`
        SELECT name, count(*)::int AS n FROM jobs WHERE state = 'failed' GROUP BY name ORDER BY name`.execute(ctx.db)
    ).rows;
    const sweeps = (
      await ctx.db
        .selectFrom('jobScheduleTicks')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('schedule', '=', 'reminders.sweep')
        .where('tick', '>', ticksTakenBy)
        .executeTakeFirstOrThrow()
    ).n;

    // Figures.
    const perRecipient = new Map<string, number>();
    for (const m of sent) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
    const twice = [...perRecipient.values()].filter((n) => n > 1).length;
    const lastAt = sent.length ? largest(sent.map((m) => m.receivedAt)) : started;
    const firstAt = sent.length ? -largest(sent.map((m) => -m.receivedAt)) : started;
    const dueOf = new Map<string, number>();
    for (const r of (
      await sql<{ phoneNumberId: string; n: number }>`
        SELECT ch.phone_number_id, count(*)::int AS n FROM appointment_reminders r
        JOIN whatsapp_channels ch ON ch.practice_id = r.practice_id
        WHERE r.offset_minutes = ${DAY_BEFORE} AND r.due_at <= now() GROUP BY ch.phone_number_id`.execute(ctx.db)
    ).rows)
      dueOf.set(r.phoneNumberId, r.n);
    const minimumSeconds = Math.max(...practices.map((p) => (dueOf.get(p.phoneNumberId) ?? 0) / scenario.cap));
    const capsTotal = scenario.cap * practices.length;
    const overall = sent.length > 1 ? (sent.length / (lastAt - started)) * 1000 : 0;

    const processes = 1 + extraWorkers.length;
    console.log(`Reminders, ${scenario.name} — ${bench.label}`);
    console.log(
      `  ${expected.toLocaleString('en')} day-before reminders due (all fell due within the hour before the background work started), ` +
        `over ${practices.length} practice${practices.length > 1 ? 's' : ''} with a WhatsApp number each at ${scenario.cap}/s, ` +
        `each to a patient of their own; fake Graph API (a thread and port of its own) answering after ${GRAPH_LATENCY_MS} ms; ` +
        `${processes} process${processes > 1 ? 'es' : ''} running the background work; daily messaging limit ${MESSAGING_LIMIT === null ? 'unlimited' : MESSAGING_LIMIT.toLocaleString('en')}`,
    );
    console.log(
      `  setup through the services (practices, numbers, templates, settings, ${firstPatient.toLocaleString('en')} patients): ${(setupMs / 1000).toFixed(1)} s; ` +
        `calendar (${firstPatient.toLocaleString('en')} visits on ${chairs.toLocaleString('en')} chairs, in bulk): ${(calendarMs / 1000).toFixed(1)} s`,
    );
    console.log(
      `  planning (planAppointments, ${PLAN_BATCH} visits a call, ${parallel} practice${parallel > 1 ? 's' : ''} at a time): ${firstPatient.toLocaleString('en')} visits in ${(planMs / 1000).toFixed(1)} s ` +
        `(${((firstPatient / planMs) * 1000).toFixed(0)} visits/s): ${expected.toLocaleString('en')} reminders due now, ${planned.later.toLocaleString('en')} planned for later (2 hours before), ${planned.other} not planned; ` +
        `${planStatements.toLocaleString('en')} database statements (${(planStatements / firstPatient).toFixed(1)} a visit)`,
    );
    console.log(
      `  sent: ${sent.length.toLocaleString('en')} in ${((lastAt - started) / 1000).toFixed(1)} s from the start of the background work ` +
        `(${overall.toFixed(0)}/s, first after ${((firstAt - started) / 1000).toFixed(1)} s; the caps allow ${capsTotal.toLocaleString('en')}/s: no less than ${minimumSeconds.toFixed(1)} s), ` +
        `${stalled || interrupted ? 'stopped' : 'all done and the outbox empty'} after ${wallSeconds.toFixed(1)} s${stalled ? ` — STALLED: nothing moved for ${STALL_MS / 1000} s, ${left.planned} reminders still planned, ${left.outbox} in the outbox` : ''}` +
        `${interrupted ? ` — INTERRUPTED (${interrupted}) at that time, ${left.planned.toLocaleString('en')} reminders still planned, ${left.outbox.toLocaleString('en')} in the outbox` : ''}`,
    );
    console.log(
      `  of the caps: ${((overall / capsTotal) * 100).toFixed(1)}% over the whole run (aim: at least 80% in one process: ${overall / capsTotal >= 0.8 ? 'met' : 'not met'}${processes > 1 ? `, here with ${processes}` : ''})`,
    );
    console.log(
      `  this process: event loop busy ${(loopBusy * 100).toFixed(0)}%, CPU ${((cpu.user + cpu.system) / 1e6 / wallSeconds).toFixed(2)} cores (with the fake Graph API's thread)` +
        (extraWorkers.length
          ? `; second process${extraWorkers.length > 1 ? 'es' : ''}: CPU ${extraWorkers.map((w) => (w.cpuSeconds / wallSeconds).toFixed(2)).join(', ')} cores, ${extraWorkers.reduce((n, w) => n + w.warnings, 0)} warnings and ${extraWorkers.reduce((n, w) => n + w.errors, 0)} errors logged`
          : '') +
        (databaseSeconds === null
          ? ''
          : `; PostgreSQL's backends for this database: CPU ${(databaseSeconds / wallSeconds).toFixed(2)} cores`) +
        `; machine: CPU busy ${machine && machineBefore ? `${(((machine.busy - machineBefore.busy) / (machine.total - machineBefore.total)) * 100).toFixed(0)}%` : '?'} of ${cpus().length} CPUs, load average ${load1!.toFixed(1)} at the end`,
    );
    const handled = outcomes.filter((o) => o.state !== 'planned').reduce((n, o) => n + o.n, 0);
    console.log(
      `  database statements from this process while sending: ${sendStatements.toLocaleString('en')}, ${(sendStatements / Math.max(1, handled)).toFixed(1)} a reminder handled ` +
        `(reminder jobs, the job queue, the outbox and its dispatcher${extraWorkers.length ? '; the second process does part of the work and is not counted' : ''})`,
    );
    if (env.BENCH_SQL_HISTOGRAM)
      for (const [text, n] of [...statements.histogram].sort((x, y) => y[1] - x[1]).slice(0, 40))
        console.log(`    ${String(n).padStart(7)}  ${text}`);
    if (workersNote) console.log(`  ${workersNote}`);

    const header = ['number', 'sent', 'first → last', 'rate/s', 'cap/s', 'of cap', 'max in 1 s', 'at arrival'];
    const rows: string[][] = [];
    const rates: number[] = [];
    let capExceeded = false;
    let capExceededAtArrival = false;
    for (const practice of practices) {
      const mine = sent.filter((m) => m.phoneNumberId === practice.phoneNumberId);
      if (mine.length === 0) {
        rows.push([practice.phoneNumberId, '0', '—', '—', String(scenario.cap), '—', '—', '—']);
        continue;
      }
      const times = mine.map((m) => m.receivedAt);
      const first = -largest(times.map((t) => -t));
      const last = largest(times);
      const rate = last > first ? (mine.length - 1) / ((last - first) / 1000) : 0;
      rates.push(rate);
      const worst = maxInOneSecond(times);
      const worstArrival = maxInOneSecond(mine.map((m) => m.arrivedAt));
      capExceeded ||= worst > scenario.cap;
      capExceededAtArrival ||= worstArrival > scenario.cap;
      rows.push([
        practice.phoneNumberId,
        mine.length.toLocaleString('en'),
        `${((first - started) / 1000).toFixed(1)} → ${((last - started) / 1000).toFixed(1)} s`,
        rate.toFixed(1),
        String(scenario.cap),
        `${((rate / scenario.cap) * 100).toFixed(1)}%`,
        `${worst}${worst > scenario.cap ? ' FAIL' : ''}`,
        `${worstArrival}${worstArrival > scenario.cap ? ' FAIL' : ''}`,
      ]);
    }
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
    for (const r of [header, ...rows])
      console.log(
        `  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}`,
      );
    if (rates.length > 1) {
      const sorted = [...rates].sort((a, b) => a - b);
      const pct = (r: number) => `${((r / scenario.cap) * 100).toFixed(1)}%`;
      console.log(
        `  per number: rate ${sorted[0]!.toFixed(1)} / ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} / ${sorted[sorted.length - 1]!.toFixed(1)} per s (least / median / most), ` +
          `${pct(sorted[0]!)} / ${pct(sorted[Math.floor(sorted.length / 2)]!)} / ${pct(sorted[sorted.length - 1]!)} of the cap`,
      );
    }
    console.log(
      "  rate: a number's messages over its active period (first to last send); max in 1 s: the most sends in any window [t, t + 1 s), by the fake's receipt time; at arrival: before its 50 ms",
    );
    console.log(
      `  cap never exceeded in any one-second window: ${capExceeded ? 'FAIL' : 'PASS'} (at arrival: ${capExceededAtArrival ? 'FAIL' : 'PASS'})`,
    );
    const once = twice === 0 && sent.length === expected && perRecipient.size === expected && sharedMessages === 0;
    console.log(
      `  one send per reminder: ${once ? 'PASS' : 'FAIL'} (${expected.toLocaleString('en')} reminders due, ${sent.length.toLocaleString('en')} sends to ${perRecipient.size.toLocaleString('en')} patients, ` +
        `${twice} patients sent more than one, ${sharedMessages} reminders sharing a message, ${calls.toLocaleString('en')} Graph API calls)`,
    );
    const sentReminders = outcomes.find((o) => o.state === 'sent')?.n ?? 0;
    console.log(
      `  all sent: ${sentReminders === expected && sent.length === expected && left.outbox === 0 ? 'PASS' : 'FAIL'} ` +
        `(day-before reminders: ${outcomes.map((o) => `${o.state}${o.reason ? ` (${o.reason})` : ''} ${o.n.toLocaleString('en')}`).join(', ')}; ` +
        `messages: ${messages.map((m) => `${m.status} ${m.n.toLocaleString('en')}`).join(', ') || 'none'}; ${left.outbox} left in the outbox; ` +
        `jobs failed for good: ${failedJobs.map((j) => `${j.name} ${j.n}`).join(', ') || 'none'})`,
    );
    console.log(
      `  the reminders sweep (every 10 minutes; it re-queues every planned reminder due within 15 minutes) ran ${sweeps} time${Number(sweeps) === 1 ? '' : 's'} while sending`,
    );
  } finally {
    await Promise.all(extraWorkers.map((w) => w.stop()));
    await bench.close();
    await graph.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Practices and their calendar

interface ReminderPractice {
  practiceId: string;
  ownerId: string;
  typeId: string;
  phoneNumberId: string;
  patientIds: string[];
}

function patientDraft(random: ReturnType<typeof seededRandom>, n: number) {
  // Mauritian mobiles, one per patient: +230 5[2-9]XXXXXX.
  const number = `+2305${2 + Math.floor(n / 1_000_000)}${String(n % 1_000_000).padStart(6, '0')}`;
  return {
    givenName: random.pick(GIVEN_NAMES),
    familyName: random.pick(FAMILY_NAMES),
    preferredLanguage: random.pick(['en', 'en', 'fr', 'mfe'] as const),
    phones: [{ number, label: 'mobile' as const, isWhatsApp: true }],
  };
}

async function createReminderPractice(
  ctx: AppContext,
  graph: BenchGraph,
  plan: { index: number; cap: number; patients: ReturnType<typeof patientDraft>[] },
): Promise<ReminderPractice> {
  const suffix = randomUUID().slice(0, 8);
  const { practiceId, ownerId } = await ctx.db.transaction().execute(async (tx) => {
    const user = await createUser(tx, {
      email: `bench-reminders-${suffix}@example.mu`,
      name: 'Bench Dentist',
      password: 'correct horse battery',
    });
    const practice = await createPracticeIn(tx, {
      practice: { name: `Bench reminders ${plan.index + 1} ${suffix}` },
      ownerUserId: user.id,
      actor,
    });
    return { practiceId: practice.id, ownerId: user.id };
  });
  const call = { actor, practiceId };
  await createProvider(ctx, {
    ...call,
    provider: { userId: ownerId, displayName: `Dr ${plan.index + 1}`, colour: '#0f766e', active: true },
  });
  const type = await createAppointmentType(ctx, {
    ...call,
    appointmentType: {
      nameEn: 'Check-up',
      nameFr: 'Contrôle',
      durationMinutes: VISIT_MINUTES,
      bufferAfterMinutes: 0,
      allowedRoles: ['owner', 'dentist'],
      colour: '#1d4ed8',
      whatsappBookable: true,
      minNoticeMinutes: 120,
      maxDaysAhead: 90,
      active: true,
    },
  });
  const phoneNumberId = `10654035${String(plan.index).padStart(7, '0')}`;
  // A business of its own per practice (its own portfolio for the messaging limit).
  await saveChannel(ctx, {
    ...call,
    channel: {
      phoneNumberId,
      displayPhoneNumber: `2305${String(8_000_000 + plan.index).padStart(7, '0')}`,
      wabaId: `1022901${String(plan.index).padStart(8, '0')}`,
      accessToken: BENCH_WHATSAPP.graphToken,
      throughputPerSecond: plan.cap,
      dailyMessagingLimit: MESSAGING_LIMIT,
    },
  });
  await syncTemplates(ctx, { ...call, graphUrl: graph.url });
  await saveReminderSettings(ctx, { ...call, settings: { ...DEFAULT_REMINDER_SETTINGS, quietHours: null } });
  const patientIds = await createPatientsInBulk(ctx, { ...call, patients: plan.patients });
  return { practiceId, ownerId, typeId: type.id, phoneNumberId, patientIds };
}

const chairsFor = (visits: number) => Math.ceil(visits / VISITS_PER_CHAIR);

/**
 * One visit per patient, all starting within the hour from `hourStart`: chair c holds four
 * back to back from minute c mod 15, so the starts spread over the hour's minutes.
 */
async function writeCalendar(ctx: AppContext, practice: ReminderPractice, hourStart: number): Promise<string[]> {
  const random = seededRandom(practice.patientIds.length);
  const chairs = chairsFor(practice.patientIds.length);
  const bookedAt = new Date(hourStart - 8 * 86_400_000);
  return inPractice(ctx.db, practice.practiceId, async (tx) => {
    const chairIds: string[] = [];
    for (let i = 0; i < chairs; i += 1000) {
      const rows = Array.from({ length: Math.min(1000, chairs - i) }, (_, k) => ({
        practiceId: practice.practiceId,
        name: `Chair ${i + k + 1}`,
        sortOrder: i + k + 1,
      }));
      chairIds.push(...(await tx.insertInto('chairs').values(rows).returning('id').execute()).map((r) => r.id));
    }
    const visits: Insertable<AppointmentsTable>[] = practice.patientIds.map((patientId, k) => {
      const chair = k % chairs;
      const start = hourStart + ((chair % 15) + VISIT_MINUTES * Math.floor(k / chairs)) * 60_000;
      const end = start + VISIT_MINUTES * 60_000;
      const period = `[${new Date(start).toISOString()},${new Date(end).toISOString()})`;
      return {
        practiceId: practice.practiceId,
        patientId,
        providerId: practice.ownerId,
        chairId: chairIds[chair]!,
        appointmentTypeId: practice.typeId,
        period,
        occupied: period,
        status: random.chance(0.4) ? 'confirmed' : 'booked',
        source: random.pick(['staff', 'phone', 'phone', 'whatsapp', 'walk_in'] as const),
        createdBy: practice.ownerId,
        overbookReason: 'Benchmark: one dentist across every chair',
        createdAt: bookedAt,
        updatedAt: bookedAt,
      };
    });
    const ids: string[] = [];
    for (let i = 0; i < visits.length; i += 500)
      ids.push(
        ...(
          await tx
            .insertInto('appointments')
            .values(visits.slice(i, i + 500))
            .returning('id')
            .execute()
        ).map((r) => r.id),
      );
    await recordAudit(tx, {
      practiceId: practice.practiceId,
      actor,
      action: 'bench.calendar_seeded',
      targetType: 'practice',
      targetId: practice.practiceId,
      changes: { appointments: ids.length, chairs },
    });
    return ids;
  });
}

async function whatIsLeft(ctx: AppContext) {
  const { rows } = await sql<{ planned: number; outbox: number }>`${sql.raw(OWN)}
    SELECT (SELECT count(*) FROM appointment_reminders
              WHERE state = 'planned' AND offset_minutes = ${DAY_BEFORE} AND due_at <= now())::int AS planned,
           (SELECT count(*) FROM whatsapp_outbox)::int AS outbox`.execute(ctx.db);
  return rows[0]!;
}

/** The largest of many values (spreading 100,000 into Math.max overflows the stack). */
function largest(values: readonly number[]): number {
  let best = Number.NEGATIVE_INFINITY;
  for (const v of values) if (v > best) best = v;
  return best;
}

/** fn over items, at most `limit` at a time; results in the items' order. */
async function eachLimited<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>) {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

// ---------------------------------------------------------------------------------------------
// A second process: `npm run worker` on the same database

interface ExtraWorker {
  child: ChildProcess;
  /** When it said its background work was running. */
  readyAt: number;
  warnings: number;
  errors: number;
  cpuSeconds: number;
  stop(): Promise<void>;
}

async function startExtraWorker(ctx: AppContext, graphUrl: string): Promise<ExtraWorker> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dentalpro-bench-worker-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('../apps/server/src/worker.ts', import.meta.url).pathname],
    {
      cwd: new URL('..', import.meta.url).pathname,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        DATA_DIR: dataDir,
        DATABASE_URL: ctx.config.databaseUrl,
        DATABASE_POOL_SIZE: String(ctx.config.databasePoolSize),
        // The same keys as this process: tokens and messages are sealed with them.
        ENCRYPTION_KEY: ctx.config.encryptionKey.toString('base64'),
        SESSION_SECRET: ctx.config.sessionSecret,
        WHATSAPP_APP_SECRET: BENCH_WHATSAPP.appSecret,
        WHATSAPP_VERIFY_TOKEN: BENCH_WHATSAPP.verifyToken,
        WHATSAPP_GRAPH_URL: graphUrl,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const worker: ExtraWorker = {
    child,
    readyAt: 0,
    warnings: 0,
    errors: 0,
    cpuSeconds: 0,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the second worker did not start within 60 s')), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the second worker stopped (${code}): ${stderr.slice(-5).join('\n')}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: { level?: number; msg?: string };
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if ((entry.level ?? 0) >= 50) worker.errors += 1;
      else if ((entry.level ?? 0) >= 40) worker.warnings += 1;
      if (entry.msg === 'DentalPro worker is running') {
        worker.readyAt = Date.now();
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return worker;
}

/** CPU time (user + system, seconds) a process has used, from /proc. */
function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of the file (utime, stime), in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds used so far by each PostgreSQL backend serving this database, by pid, when the server
 * runs on this machine (its processes readable in /proc); null on PGlite (it runs in this process) or elsewhere.
 */
async function databaseCpu(ctx: AppContext): Promise<Map<number, number> | null> {
  if (ctx.database.embedded) return null;
  const { rows } = await sql<{ pid: number }>`${sql.raw(OWN)}
    SELECT pid FROM pg_stat_activity WHERE datname = current_database()`.execute(ctx.db);
  const seconds = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      seconds.set(pid, processCpuSeconds(pid));
    } catch {
      // Not a process of this machine (or it just ended).
    }
  }
  return seconds.size ? seconds : null;
}

/** CPU between two readings; a backend that started in between counts whole, one that ended is lost. */
function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, s] of after) total += s - (before.get(pid) ?? 0);
  return total;
}

/** The machine's CPU time so far, busy and in all (jiffies), from /proc/stat; null elsewhere than Linux. */
function machineCpu(): { busy: number; total: number } | null {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
    const busy = user! + nice! + system! + irq! + softirq! + (steal ?? 0);
    return { busy, total: busy + idle! + (iowait ?? 0) };
  } catch {
    return null;
  }
}

// Last: everything above is declared by now.
for (const [i, s] of scenarios.entries()) {
  if (interrupted) break;
  if (i > 0) console.log('');
  await runScenario(s, i);
}
