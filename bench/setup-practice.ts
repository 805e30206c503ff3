import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AppointmentType } from '@dentalpro/contracts';
import { type Insertable, sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../apps/server/src/app.js';
import type { AppContext } from '../apps/server/src/context.js';
import { loadConfig } from '../apps/server/src/config.js';
import { openAppContext } from '../apps/server/src/bootstrap.js';
import type { AppointmentsTable } from '../apps/server/src/db/schema.js';
import { FAMILY_NAMES, GIVEN_NAMES } from '../apps/server/src/demo/names.js';
import { seededRandom } from '../apps/server/src/demo/random.js';
import { createUser } from '../apps/server/src/modules/auth/users.js';
import { createPatientsInBulk } from '../apps/server/src/modules/patients/patients.service.js';
import { createPracticeIn } from '../apps/server/src/modules/practices/practices.service.js';
import { createAppointmentType } from '../apps/server/src/modules/scheduling/appointment-types.service.js';
import { wallClock } from '../apps/server/src/modules/scheduling/booking-rules.js';
import { createProvider, replaceProviderHours } from '../apps/server/src/modules/scheduling/providers.service.js';
import { createChair, replaceOpeningHours } from '../apps/server/src/modules/scheduling/settings.service.js';
import { createBlock, createClosure } from '../apps/server/src/modules/scheduling/unavailability.service.js';
import { addStaffMember } from '../apps/server/src/modules/staff/staff.service.js';
import { systemActor } from '../apps/server/src/platform/access.js';
import { recordAudit } from '../apps/server/src/platform/audit.js';
import { createLogger } from '../apps/server/src/platform/logger.js';
import { inPractice } from '../apps/server/src/platform/tenancy.js';

/**
 * What the scheduling benchmarks share: the database they run on (embedded PGlite, or
 * PostgreSQL when DATABASE_URL is set), practices built through the services (appointments
 * bulk-inserted as history), the real HTTP app, and a load generator.
 */

export const TIME_ZONE = 'Indian/Mauritius';
const OFFSET = '+04:00'; // Mauritius keeps UTC+4 all year
const PASSWORD = 'correct horse battery';
const actor = systemActor('bench');

/** An instant from a Mauritian local date and wall time. */
export const mu = (date: string, time: string) => new Date(`${date}T${time}:00${OFFSET}`);

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const isoWeekday = (date: string) => {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
};

// ---------------------------------------------------------------------------------------------
// Database and app

export interface BenchEnvironment {
  ctx: AppContext;
  /** e.g. "embedded PGlite (PostgreSQL 17.4), 1 pool connection". */
  label: string;
  close(): Promise<void>;
}

/**
 * A fresh embedded database in a temporary DATA_DIR, or the PostgreSQL of DATABASE_URL; migrated.
 * `scratch`: on PostgreSQL, a database of its own created beside DATABASE_URL's and dropped on
 * close (BENCH_KEEP_DB=1 keeps it), for benchmarks that count rows or drain shared queues.
 * `env`: more configuration, as environment variables (the WhatsApp benchmarks' credentials).
 */
export async function openBenchEnvironment(
  opts: { poolSize?: number; scratch?: boolean; env?: Record<string, string> } = {},
): Promise<BenchEnvironment> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dentalpro-bench-'));
  const scratch =
    opts.scratch && process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL) : undefined;
  const databaseUrl = scratch?.url ?? process.env.DATABASE_URL ?? '';
  const config = loadConfig({
    ...opts.env,
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: opts.poolSize === undefined ? (process.env.DATABASE_POOL_SIZE ?? '') : String(opts.poolSize),
    LOG_LEVEL: 'silent',
  });
  const ctx = await openAppContext(config, createLogger((process.env.BENCH_LOG ?? 'silent') as 'silent'));
  const { rows } = await sql<{ version: string }>`SELECT current_setting('server_version') AS version`.execute(ctx.db);
  const version = rows[0]?.version.split(' ')[0] ?? '?';
  const label = ctx.database.embedded
    ? `embedded PGlite (PostgreSQL ${version}), 1 pool connection`
    : `PostgreSQL ${version} at ${new URL(databaseUrl).host}${new URL(databaseUrl).pathname}, pool of ${config.databasePoolSize}`;
  return {
    ctx,
    label,
    async close() {
      // The event bus holds a LISTEN connection of its own on PostgreSQL.
      await ctx.events.close();
      await ctx.database.close();
      await scratch?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function createScratchDatabase(baseUrl: string) {
  const name = `dentalpro_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      if (process.env.BENCH_KEEP_DB) process.stdout.write(`kept database ${name}\n`);
      else {
        // pool.end() does not wait for the server to see its connections go; forcing them off would log them as lost.
        for (let i = 0; i < 50; i++) {
          const { rows } = await admin.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1',
            [name],
          );
          if (rows[0]!.n === 0) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
      await admin.end();
    },
  };
}

export interface BenchServer {
  baseUrl: string;
  /** Headers of a logged-in browser: the session cookie and our Origin. */
  headers: Record<string, string>;
  close(): Promise<void>;
}

/** The real app on a loopback port, with a session of the given user (logged in over HTTP). */
export async function startServer(ctx: AppContext, user: { email: string; password: string }): Promise<BenchServer> {
  const app = await buildApp(ctx, { logger: ctx.logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
  const baseUrl = `http://127.0.0.1:${address.port}`;
  const origin = new URL(ctx.config.publicUrl).origin;
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const session = res.headers.getSetCookie().find((c) => c.startsWith('dp_session='));
  if (!session) throw new Error('login answered without a session cookie');
  return { baseUrl, headers: { origin, cookie: session.split(';')[0]! }, close: () => app.close() };
}

// ---------------------------------------------------------------------------------------------
// Load generator: a worker thread, so the client's work (connections, reading large bodies)
// does not run on the server's event loop. Latency is first byte sent → last byte read.

export interface LoadRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface LoadResult {
  status: number;
  ms: number;
  /** Availability: the number of slots; an error: the problem's `code`; a network error: its message. */
  note: number | string | null;
  /** With `read: 'problems'`, an error's body and content type as they came. */
  body?: string;
  contentType?: string;
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const http = require('node:http');
// node:http with kept-alive connections: fetch adds a millisecond of its own per request.
const agent = new http.Agent({ keepAlive: true });
const send = (r) => new Promise((resolve, reject) => {
  const req = http.request(r.url, { method: r.method, headers: r.headers, agent }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    // The clock stops at the last byte; decoding the body is the reader's business.
    res.on('end', () => { const at = performance.now(); resolve({ status: res.statusCode, at, contentType: res.headers['content-type'], text: Buffer.concat(chunks).toString('utf8') }); });
    res.on('error', reject);
  });
  req.on('error', reject);
  req.end(r.body);
});
parentPort.on('message', async ({ id, requests, concurrency, read }) => {
  const results = new Array(requests.length);
  let next = 0;
  const lane = async () => {
    for (;;) {
      const i = next++;
      if (i >= requests.length) return;
      const r = requests[i];
      const started = performance.now();
      try {
        const res = await send(r);
        const ms = res.at - started;
        let note = null;
        if (res.status === 200 && read === 'slots') note = JSON.parse(res.text).slots.length;
        else if (res.status >= 400) { try { note = JSON.parse(res.text).code ?? null; } catch { note = null; } }
        results[i] = read === 'problems' && res.status >= 400 ? { status: res.status, ms, note, body: res.text, contentType: res.contentType } : { status: res.status, ms, note };
      } catch (err) {
        results[i] = { status: 0, ms: performance.now() - started, note: String((err && err.code) || err) };
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, lane));
  parentPort.postMessage({ id, results, wallMs: performance.now() - started });
});
`;

export interface LoadGenerator {
  run(
    requests: LoadRequest[],
    opts: { concurrency: number; read?: 'slots' | 'problems' },
  ): Promise<{ results: LoadResult[]; wallMs: number }>;
  close(): Promise<void>;
}

export function startLoadGenerator(): LoadGenerator {
  const worker = new Worker(WORKER_SOURCE, { eval: true });
  let nextId = 0;
  const pending = new Map<number, (answer: { results: LoadResult[]; wallMs: number }) => void>();
  worker.on('message', (m: { id: number; results: LoadResult[]; wallMs: number }) => {
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });
  return {
    run(requests, opts) {
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, resolve);
        worker.postMessage({ id, requests, concurrency: opts.concurrency, read: opts.read });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Figures

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const ms = (value: number) =>
  value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);

// ---------------------------------------------------------------------------------------------
// Practices

export interface ProviderPlan {
  role: 'dentist' | 'hygienist';
  /** Index of the chair the provider works on, or null for any chair. */
  chair: number | null;
}

export type TypePlan = Pick<AppointmentType, 'nameEn' | 'durationMinutes' | 'bufferAfterMinutes' | 'allowedRoles'>;

export interface BenchPractice {
  practiceId: string;
  owner: { id: string; email: string; password: string };
  chairIds: string[];
  providers: { id: string; role: ProviderPlan['role']; chairId: string | null }[];
  types: AppointmentType[];
  patientIds: string[];
}

const COLOURS = [
  '#0f766e',
  '#1d4ed8',
  '#7c3aed',
  '#0ea5e9',
  '#14b8a6',
  '#f59e0b',
  '#ef4444',
  '#8b5cf6',
  '#db2777',
  '#65a30d',
];
const WORKDAYS = [1, 2, 3, 4, 5, 6];
export const SESSIONS = [
  ['08:00', '12:00'],
  ['13:00', '17:00'],
] as const;

/**
 * A practice with an owner (who logs in), chairs, providers working Mon–Sat 08:00–12:00 and
 * 13:00–17:00, opening hours Mon–Sat 08:00–17:00, appointment types and patients. Creating the
 * practice seeds the Mauritius public holidays.
 */
export async function createBenchPractice(
  ctx: AppContext,
  plan: { name: string; chairs: number; providers: ProviderPlan[]; types: TypePlan[]; patients: number; seed: number },
): Promise<BenchPractice> {
  const random = seededRandom(plan.seed);
  const suffix = randomUUID().slice(0, 8);
  const owner = { email: `bench-owner-${suffix}@example.mu`, password: PASSWORD };
  const created = await ctx.db.transaction().execute(async (tx) => {
    const user = await createUser(tx, { email: owner.email, name: 'Bench Owner', password: owner.password });
    const practice = await createPracticeIn(tx, {
      practice: { name: `${plan.name} ${new Date().toISOString()} ${suffix}` },
      ownerUserId: user.id,
      actor,
    });
    return { practiceId: practice.id, ownerId: user.id };
  });
  const call = { actor, practiceId: created.practiceId };

  const chairIds: string[] = [];
  for (let i = 0; i < plan.chairs; i++) {
    chairIds.push(
      (
        await createChair(ctx, {
          ...call,
          chair: { name: `Chair ${i + 1}`, colour: COLOURS[i % COLOURS.length]!, sortOrder: i + 1, active: true },
        })
      ).id,
    );
  }
  await replaceOpeningHours(ctx, {
    ...call,
    hours: WORKDAYS.map((weekday) => ({ weekday, start: '08:00', end: '17:00' })),
  });

  const providers: BenchPractice['providers'] = [];
  for (const [i, p] of plan.providers.entries()) {
    const { userId } = await addStaffMember(ctx, {
      ...call,
      email: `bench-${p.role}-${i + 1}-${suffix}@example.mu`,
      name: `${p.role} ${i + 1}`,
      password: PASSWORD,
      role: p.role,
    });
    const title = p.role === 'dentist' ? 'Dr' : 'Hygienist';
    await createProvider(ctx, {
      ...call,
      provider: {
        userId,
        displayName: `${title} ${String(i + 1).padStart(2, '0')}`,
        colour: COLOURS[i % COLOURS.length]!,
        active: true,
      },
    });
    const chairId = p.chair === null ? null : chairIds[p.chair]!;
    await replaceProviderHours(ctx, {
      ...call,
      userId,
      hours: WORKDAYS.flatMap((weekday) =>
        SESSIONS.map(([start, end]) => ({ weekday, start, end, chairId, validFrom: null, validTo: null })),
      ),
    });
    providers.push({ id: userId, role: p.role, chairId });
  }

  const types: AppointmentType[] = [];
  for (const [i, t] of plan.types.entries()) {
    types.push(
      await createAppointmentType(ctx, {
        ...call,
        appointmentType: {
          ...t,
          nameFr: t.nameEn,
          colour: COLOURS[i % COLOURS.length]!,
          whatsappBookable: true,
          minNoticeMinutes: 120,
          maxDaysAhead: 90,
          active: true,
        },
      }),
    );
  }

  const patients = Array.from({ length: plan.patients }, () => ({
    givenName: random.pick(GIVEN_NAMES),
    familyName: random.pick(FAMILY_NAMES),
    phone: `+2305${random.int(2, 9)}${String(random.int(0, 999999)).padStart(6, '0')}`,
  }));
  const patientIds = await createPatientsInBulk(ctx, { ...call, patients });
  return {
    practiceId: created.practiceId,
    owner: { id: created.ownerId, ...owner },
    chairIds,
    providers,
    types,
    patientIds,
  };
}

/** The practice's public holidays from `from` on, as local dates. */
async function holidaysFrom(ctx: AppContext, practiceId: string, from: string): Promise<Set<string>> {
  const rows = await inPractice(ctx.db, practiceId, (tx) =>
    tx.selectFrom('publicHolidays').select('date').where('date', '>=', from).execute(),
  );
  return new Set(rows.map((r) => r.date));
}

/** Working days (Mon–Sat, not a public holiday) from tomorrow on, up to `days` calendar days ahead. */
export async function workingDays(ctx: AppContext, practiceId: string, days: number): Promise<string[]> {
  const today = wallClock(new Date(), TIME_ZONE).date;
  const holidays = await holidaysFrom(ctx, practiceId, today);
  const dates = [];
  for (let offset = 1; offset <= days; offset++) {
    const date = addDays(today, offset);
    if (isoWeekday(date) !== 7 && !holidays.has(date)) dates.push(date);
  }
  return dates;
}

// ---------------------------------------------------------------------------------------------
// The busy practice of the availability benchmark

export const BUSY_PRACTICE = {
  chairs: 10,
  days: 90,
  appointments: 5000,
  // 8 dentists and 4 hygienists; 8 tied to a chair of their own, 4 (2 of each) on any chair.
  providers: [
    ...[0, 1, 2, 3, 4, 5].map((chair): ProviderPlan => ({ role: 'dentist', chair })),
    { role: 'dentist', chair: null },
    { role: 'dentist', chair: null },
    { role: 'hygienist', chair: 6 },
    { role: 'hygienist', chair: 7 },
    { role: 'hygienist', chair: null },
    { role: 'hygienist', chair: null },
  ] satisfies ProviderPlan[],
  types: [
    { nameEn: 'Check-up', durationMinutes: 30, bufferAfterMinutes: 0, allowedRoles: ['dentist'] },
    { nameEn: 'Scale and polish', durationMinutes: 45, bufferAfterMinutes: 0, allowedRoles: ['hygienist'] },
    { nameEn: 'Filling', durationMinutes: 60, bufferAfterMinutes: 10, allowedRoles: ['dentist'] },
    { nameEn: 'Extraction', durationMinutes: 45, bufferAfterMinutes: 15, allowedRoles: ['dentist'] },
    { nameEn: 'Root canal treatment', durationMinutes: 90, bufferAfterMinutes: 15, allowedRoles: ['dentist'] },
    { nameEn: 'Fluoride varnish', durationMinutes: 20, bufferAfterMinutes: 5, allowedRoles: ['dentist', 'hygienist'] },
  ] satisfies TypePlan[],
};

type Interval = [number, number];
const overlaps = (list: Interval[], start: number, end: number) => list.some(([s, e]) => s < end && start < e);

/**
 * BUSY_PRACTICE with a few blocks and a closure (through the services), then 5,000 appointments
 * over the next 90 days, packed provider by provider and thinned at random: never overlapping on
 * a provider or a chair (buffers included), clear of blocks, closures and holidays. They are
 * written as history in bulk, since booking 5,000 one by one would take minutes (the demo seed books
 * its few hundred through the services).
 */
export async function buildBusyPractice(ctx: AppContext) {
  const plan = BUSY_PRACTICE;
  const practice = await createBenchPractice(ctx, {
    name: 'Bench availability',
    chairs: plan.chairs,
    providers: plan.providers,
    types: plan.types,
    patients: 1500,
    seed: 2026,
  });
  const call = { actor, practiceId: practice.practiceId };
  const days = await workingDays(ctx, practice.practiceId, plan.days);
  const p = practice.providers;
  const c = practice.chairIds;
  const at = (day: number, time: string) => mu(days[day]!, time).toISOString();

  const blocks = [
    {
      providerId: p[2]!.id,
      chairId: null,
      start: at(20, '08:00'),
      end: at(24, '17:00'),
      kind: 'leave' as const,
      note: 'Annual leave',
    },
    {
      providerId: p[9]!.id,
      chairId: null,
      start: at(40, '10:00'),
      end: at(40, '12:00'),
      kind: 'other' as const,
      note: 'Training',
    },
    {
      providerId: null,
      chairId: c[9]!,
      start: at(10, '13:00'),
      end: at(10, '17:00'),
      kind: 'maintenance' as const,
      note: 'Compressor service',
    },
    {
      providerId: null,
      chairId: c[0]!,
      start: at(60, '08:00'),
      end: at(60, '10:00'),
      kind: 'maintenance' as const,
      note: 'X-ray sensor',
    },
    {
      providerId: null,
      chairId: null,
      start: at(15, '08:00'),
      end: at(15, '09:00'),
      kind: 'meeting' as const,
      note: 'Team meeting',
    },
  ];
  for (const block of blocks) await createBlock(ctx, { ...call, block });
  const closure = { start: at(45, '13:00'), end: at(45, '17:00'), reason: 'Staff training afternoon' };
  await createClosure(ctx, { ...call, closure });

  const practiceBusy: Interval[] = [...blocks.filter((b) => !b.providerId && !b.chairId), closure].map((b) => [
    Date.parse(b.start),
    Date.parse(b.end),
  ]);
  const busyOf = (key: 'providerId' | 'chairId', id: string): Interval[] =>
    blocks.filter((b) => b[key] === id).map((b): Interval => [Date.parse(b.start), Date.parse(b.end)]);

  const random = seededRandom(90);
  const candidates: Insertable<AppointmentsTable>[] = [];
  // Tied providers first, so a provider on any chair takes what their chairs leave free.
  const order = [...p.keys()].sort((a, b) => Number(p[a]!.chairId === null) - Number(p[b]!.chairId === null));
  const floatingChairFirst = [...c.keys()].reverse();
  for (const date of days) {
    const chairBusy = c.map((id) => busyOf('chairId', id));
    for (const i of order) {
      const provider = p[i]!;
      const providerBusy = busyOf('providerId', provider.id);
      const allowed = practice.types.filter((t) => t.allowedRoles.includes(provider.role));
      for (const [from, to] of SESSIONS) {
        let cursor = mu(date, from).getTime();
        const sessionEnd = mu(date, to).getTime();
        for (;;) {
          const type = random.pick(allowed);
          const end = cursor + type.durationMinutes * 60_000;
          const occupiedEnd = end + type.bufferAfterMinutes * 60_000;
          if (end > sessionEnd) break;
          const chairs = provider.chairId === null ? floatingChairFirst : [c.indexOf(provider.chairId)];
          const chair = chairs.find((k) => !overlaps(chairBusy[k]!, cursor, occupiedEnd));
          if (
            random.chance(0.9) &&
            chair !== undefined &&
            !overlaps(providerBusy, cursor, occupiedEnd) &&
            !overlaps(practiceBusy, cursor, occupiedEnd)
          ) {
            chairBusy[chair]!.push([cursor, occupiedEnd]);
            candidates.push({
              practiceId: practice.practiceId,
              patientId: random.pick(practice.patientIds),
              providerId: provider.id,
              chairId: c[chair]!,
              appointmentTypeId: type.id,
              period: `[${new Date(cursor).toISOString()},${new Date(end).toISOString()})`,
              occupied: `[${new Date(cursor).toISOString()},${new Date(occupiedEnd).toISOString()})`,
              status: random.chance(0.4) ? 'confirmed' : 'booked',
              source: random.pick(['staff', 'phone', 'phone', 'whatsapp', 'walk_in'] as const),
              createdBy: practice.owner.id,
            });
          }
          // The next one starts on the 15-minute grid, after this one's buffer.
          cursor = Math.ceil(occupiedEnd / 900_000) * 900_000;
        }
      }
    }
  }
  // Thin the packed calendar at random down to the number wanted.
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  const appointments = candidates.slice(0, plan.appointments);
  await inPractice(ctx.db, practice.practiceId, async (tx) => {
    for (let i = 0; i < appointments.length; i += 500)
      await tx
        .insertInto('appointments')
        .values(appointments.slice(i, i + 500))
        .execute();
    await recordAudit(tx, {
      practiceId: practice.practiceId,
      actor,
      action: 'bench.calendar_seeded',
      targetType: 'practice',
      targetId: practice.practiceId,
      changes: { appointments: appointments.length },
    });
  });
  return {
    ...practice,
    workingDays: days,
    appointments: appointments.length,
    packed: candidates.length,
    blocks: blocks.length,
    closures: 1,
  };
}

// ---------------------------------------------------------------------------------------------
// The practice of the booking race

/**
 * 10 chairs and 10 dentists, each working on a chair of their own, one 30-minute appointment
 * type, 200 patients, an empty calendar: at any working time exactly 10 slots start.
 */
export async function buildRacePractice(ctx: AppContext) {
  const practice = await createBenchPractice(ctx, {
    name: 'Bench booking race',
    chairs: 10,
    providers: Array.from({ length: 10 }, (_, chair): ProviderPlan => ({ role: 'dentist', chair })),
    types: [{ nameEn: 'Check-up', durationMinutes: 30, bufferAfterMinutes: 0, allowedRoles: ['dentist'] }],
    patients: 200,
    seed: 200,
  });
  const [day] = await workingDays(ctx, practice.practiceId, 14);
  return { ...practice, target: mu(day!, '09:00') };
}
