import { findSlots } from '../apps/server/src/modules/scheduling/availability.js';
import { sql } from 'kysely';
import { availabilityQuery, findAvailability } from '../apps/server/src/modules/scheduling/availability.service.js';
import { wallClock } from '../apps/server/src/modules/scheduling/booking-rules.js';
import { systemActor } from '../apps/server/src/platform/access.js';
import {
  BUSY_PRACTICE,
  TIME_ZONE,
  addDays,
  buildBusyPractice,
  ms,
  mu,
  openBenchEnvironment,
  percentile,
  startLoadGenerator,
  startServer,
} from './setup-practice.js';

/**
 * Availability of a busy practice (10 chairs, 12 providers, 6 appointment types, 5,000
 * appointments over 90 days, blocks, a closure, public holidays): 14-day searches with the
 * start day spread over the 90 days, per appointment type, timed at three depths — the pure
 * engine (findSlots on data loaded beforehand, as the service loads it), the service (its
 * revision check + the engine, the calendar in memory), the service right after a calendar change
 * (the calendar read again from the database) and the HTTP API (one request at a time, then 10
 * at a time).
 * Embedded PGlite by default; the PostgreSQL of DATABASE_URL when set (a new practice each run).
 */
const QUERIES = 200;
const WARM_UP = 20;
const WINDOW_DAYS = 14;
const CONCURRENCY = 10;

const env = await openBenchEnvironment();
const { ctx } = env;
const actor = systemActor('bench');
try {
  const setupStarted = performance.now();
  const practice = await buildBusyPractice(ctx);
  const setupMs = performance.now() - setupStarted;
  const { practiceId } = practice;

  // The same searches at every depth: a 14-day window from local midnight of a day 1…77 days ahead.
  const today = wallClock(new Date(), TIME_ZONE).date;
  const lastStart = BUSY_PRACTICE.days - WINDOW_DAYS + 1;
  const windows = (typeIndex: number) =>
    Array.from({ length: WARM_UP + QUERIES }, (_, i) => {
      const offset = 1 + ((i * 29 + typeIndex * 7) % lastStart);
      return { from: mu(addDays(today, offset), '00:00'), to: mu(addDays(today, offset + WINDOW_DAYS), '00:00') };
    });

  const server = await startServer(ctx, practice.owner);
  const load = startLoadGenerator();
  const floor = { bare: [] as number[], session: [] as number[] };
  const rows: {
    label: string;
    slots: number[];
    engine: number[];
    service: number[];
    reload: number[];
    http: number[];
    httpConcurrent: number[];
    reqPerSec: number;
    mismatch: string[];
  }[] = [];
  try {
    for (const [t, type] of practice.types.entries()) {
      const searches = windows(t);
      const mismatch: string[] = [];

      const engine: number[] = [];
      const slots: number[] = [];
      // (a) The engine alone, on exactly what the service loads for each search (loaded before timing).
      const queries = [];
      for (const window of searches) {
        queries.push(await availabilityQuery(ctx, practiceId, { appointmentTypeId: type.id, ...window }, new Date()));
      }
      for (const [i, query] of queries.entries()) {
        const started = performance.now();
        const found = findSlots(query);
        const elapsed = performance.now() - started;
        if (i >= WARM_UP) {
          engine.push(elapsed);
          slots.push(found.length);
        }
      }

      const service: number[] = [];
      for (const [i, window] of searches.entries()) {
        const started = performance.now();
        const found = await findAvailability(ctx, {
          actor,
          practiceId,
          request: { appointmentTypeId: type.id, from: window.from, to: window.to },
        });
        const elapsed = performance.now() - started;
        if (i >= WARM_UP) {
          service.push(elapsed);
          if (found.length !== slots[i - WARM_UP])
            mismatch.push(`service found ${found.length} slots where the engine found ${slots[i - WARM_UP]}`);
        }
      }

      // After a change made elsewhere (the revision moved on), the calendar is read again.
      const reload: number[] = [];
      for (const [i, window] of searches.entries()) {
        await sql`UPDATE calendar_revisions SET revision = nextval('calendar_revision_seq') WHERE practice_id = ${practiceId}`.execute(
          ctx.db,
        );
        const started = performance.now();
        await findAvailability(ctx, {
          actor,
          practiceId,
          request: { appointmentTypeId: type.id, from: window.from, to: window.to },
        });
        if (i >= WARM_UP) reload.push(performance.now() - started);
      }

      const requests = searches.map((w) => ({
        method: 'GET' as const,
        url: `${server.baseUrl}/api/v1/practices/${practiceId}/availability?appointmentTypeId=${type.id}&from=${w.from.toISOString()}&to=${w.to.toISOString()}`,
        headers: server.headers,
      }));
      await load.run(requests.slice(0, WARM_UP), { concurrency: 1 });
      const sequential = await load.run(requests.slice(WARM_UP), { concurrency: 1, read: 'slots' });
      const concurrent = await load.run(requests.slice(WARM_UP), { concurrency: CONCURRENCY });
      for (const [i, r] of [...sequential.results, ...concurrent.results].entries()) {
        if (r.status !== 200) mismatch.push(`HTTP ${r.status} ${String(r.note)}`);
        else if (i < QUERIES && r.note !== slots[i])
          mismatch.push(`HTTP returned ${String(r.note)} slots where the engine found ${slots[i]}`);
      }

      rows.push({
        label: `${type.nameEn} (${type.durationMinutes}+${type.bufferAfterMinutes} min, ${type.allowedRoles.join('/')})`,
        slots,
        engine,
        service,
        reload,
        http: sequential.results.map((r) => r.ms),
        httpConcurrent: concurrent.results.map((r) => r.ms),
        reqPerSec: (QUERIES / concurrent.wallMs) * 1000,
        mismatch,
      });
    }
    // The floor under every figure above: the same client and server answering a health check,
    // first with no database read at all, then with the session read that every API request makes.
    const health = (headers: Record<string, string>) =>
      Array.from({ length: QUERIES * practice.types.length }, () => ({
        method: 'GET' as const,
        url: `${server.baseUrl}/healthz`,
        headers,
      }));
    await load.run(health({}).slice(0, WARM_UP), { concurrency: 1 });
    floor.bare = (await load.run(health({}), { concurrency: 1 })).results.map((r) => r.ms);
    floor.session = (await load.run(health(server.headers), { concurrency: 1 })).results.map((r) => r.ms);
  } finally {
    await load.close();
    await server.close();
  }

  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const figures = (xs: number[]) =>
    [50, 95, 99].map((p) => ms(percentile(xs, p)).padStart(7)).join('') + ms(Math.max(...xs)).padStart(8);
  console.log(`availability — ${env.label}`);
  console.log(
    `  practice: ${BUSY_PRACTICE.chairs} chairs, ${practice.providers.length} providers, ${practice.types.length} types, ${practice.appointments} appointments ` +
      `(of ${practice.packed} packed) on ${practice.workingDays.length} working days in the next ${BUSY_PRACTICE.days}, ${practice.blocks} blocks, ${practice.closures} closure, ` +
      `public holidays; built in ${(setupMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `  ${QUERIES} searches of ${WINDOW_DAYS} days per type (start day 1…${lastStart} days ahead) after ${WARM_UP} warm-up; ms; HTTP client in a worker thread`,
  );
  console.log(`  ${''.padEnd(36)}    p50    p95    p99     max`);
  for (const row of [...rows, { ...rows[0]!, label: `all ${rows.length} types`, ...merged(rows) }]) {
    console.log(`  ${row.label} — ${Math.round(avg(row.slots))} slots on average`);
    console.log(`    ${'engine (findSlots)'.padEnd(34)}${figures(row.engine)}`);
    console.log(`    ${'service (findAvailability)'.padEnd(34)}${figures(row.service)}`);
    console.log(`    ${'service, just after a change'.padEnd(34)}${figures(row.reload)}`);
    console.log(`    ${'HTTP GET, one at a time'.padEnd(34)}${figures(row.http)}`);
    console.log(
      `    ${`HTTP GET, ${CONCURRENCY} at a time`.padEnd(34)}${figures(row.httpConcurrent)}   ${row.reqPerSec.toFixed(0)} req/s`,
    );
    if (row.mismatch.length > 0) console.log(`    ! ${row.mismatch.length} disagreements, e.g. ${row.mismatch[0]}`);
  }
  console.log(`  the floor: GET /healthz, one at a time, ${floor.bare.length} requests`);
  console.log(`    ${'no database read'.padEnd(34)}${figures(floor.bare)}`);
  console.log(`    ${'with a session (one read)'.padEnd(34)}${figures(floor.session)}`);
} finally {
  await env.close();
}

function merged(
  rows: {
    slots: number[];
    engine: number[];
    service: number[];
    reload: number[];
    http: number[];
    httpConcurrent: number[];
    reqPerSec: number;
    mismatch: string[];
  }[],
) {
  const all = <K extends 'slots' | 'engine' | 'service' | 'reload' | 'http' | 'httpConcurrent'>(key: K) =>
    rows.flatMap((r) => r[key]);
  // Throughput over all types: requests over the summed wall time of the concurrent runs.
  const wallSeconds = rows.reduce((s, r) => s + QUERIES / r.reqPerSec, 0);
  return {
    slots: all('slots'),
    engine: all('engine'),
    service: all('service'),
    reload: all('reload'),
    http: all('http'),
    httpConcurrent: all('httpConcurrent'),
    reqPerSec: (rows.length * QUERIES) / wallSeconds,
    mismatch: [], // reported per type above
  };
}
