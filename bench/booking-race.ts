import { sql } from 'kysely';
import { ACTIVE_STATUSES } from '../apps/server/src/modules/scheduling/appointment-status.js';
import { rangeLiteral } from '../apps/server/src/modules/scheduling/booking-rules.js';
import { inPractice } from '../apps/server/src/platform/tenancy.js';
import {
  buildRacePractice,
  type LoadResult,
  ms,
  openBenchEnvironment,
  percentile,
  startLoadGenerator,
  startServer,
} from './setup-practice.js';

/**
 * 200 staff bookings fired at once over HTTP at the same start time, where exactly 10 slots
 * exist (10 dentists, each on a chair of their own): each request takes one of the 10
 * (provider, chair) pairs round-robin, for a different patient. Exactly 10 should be booked and
 * 190 refused with 409 slot_taken, each a problem+json naming one of the 10 as the appointment in
 * its way; afterwards the database is asked how many appointments hold that time. On PostgreSQL
 * the pool has 20 connections, so the transactions really overlap.
 */
const REQUESTS = 200;
const POOL_SIZE = 20;

const env = await openBenchEnvironment({ poolSize: POOL_SIZE });
const { ctx } = env;
try {
  const practice = await buildRacePractice(ctx);
  const { practiceId, target } = practice;
  const type = practice.types[0]!;
  const targetEnd = new Date(target.getTime() + type.durationMinutes * 60_000);
  const server = await startServer(ctx, practice.owner);
  const load = startLoadGenerator();
  const api = `${server.baseUrl}/api/v1/practices/${practiceId}`;
  const json = { ...server.headers, 'content-type': 'application/json' };
  try {
    // Before: the slots that start at the target time, as the calendar offers them.
    const window = `appointmentTypeId=${type.id}&from=${target.toISOString()}&to=${new Date(target.getTime() + 60_000).toISOString()}`;
    const before = await load.run([{ method: 'GET', url: `${api}/availability?${window}`, headers: server.headers }], {
      concurrency: 1,
      read: 'slots',
    });
    // Warm the booking route up (schemas, statements) on the same day, at 16:00, away from the target.
    const warmStart = new Date(target.getTime() + 7 * 3600_000);
    const warm = await load.run(
      [1, 2, 3].map((k) => ({
        method: 'POST' as const,
        url: `${api}/appointments`,
        headers: json,
        body: JSON.stringify({
          patientId: practice.patientIds[k]!,
          appointmentTypeId: type.id,
          providerId: practice.providers[k]!.id,
          chairId: practice.providers[k]!.chairId!,
          start: warmStart.toISOString(),
        }),
      })),
      { concurrency: 1 },
    );

    const requests = Array.from({ length: REQUESTS }, (_, i) => {
      const provider = practice.providers[i % practice.providers.length]!;
      return {
        method: 'POST' as const,
        url: `${api}/appointments`,
        headers: json,
        body: JSON.stringify({
          patientId: practice.patientIds[i]!,
          appointmentTypeId: type.id,
          providerId: provider.id,
          chairId: provider.chairId!,
          start: target.toISOString(),
          source: 'phone',
        }),
      };
    });
    const race = await load.run(requests, { concurrency: REQUESTS, read: 'problems' });

    const booked = await inPractice(ctx.db, practiceId, (tx) =>
      tx
        .selectFrom('appointments')
        .select(['id', 'providerId', 'chairId'])
        .where('status', 'in', ACTIVE_STATUSES)
        .where(sql<boolean>`occupied && ${rangeLiteral(target, targetEnd)}::tstzrange`)
        .execute(),
    );

    const outcomes = new Map<string, number>();
    for (const r of race.results) {
      const key = r.status === 201 ? '201 booked' : `${r.status} ${r.note ?? ''}`.trim();
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    const succeeded = outcomes.get('201 booked') ?? 0;
    const slotTaken = outcomes.get('409 slot_taken') ?? 0;
    const others = [...outcomes].filter(([k]) => k !== '201 booked' && k !== '409 slot_taken');
    const latencies = race.results.map((r) => r.ms);
    const distinct = (key: 'providerId' | 'chairId') => new Set(booked.map((b) => b[key])).size;
    const conflicts = checkConflictBodies(
      race.results.filter((r) => r.status === 409),
      new Set(booked.map((b) => b.id)),
    );

    console.log(`booking race — ${env.label}`);
    console.log(
      `  ${REQUESTS} concurrent POST /appointments at ${target.toISOString()} (09:00 local), 10 (provider, chair) pairs round-robin, a different patient each`,
    );
    console.log(
      `  slots offered at that time before the race: ${before.results[0]!.note}; warm-up bookings at 16:00: ${warm.results.map((r) => r.status).join(', ')}`,
    );
    console.log(`  succeeded (201):         ${succeeded}${succeeded === 10 ? '' : '   <- expected exactly 10'}`);
    console.log(`  refused 409 slot_taken:  ${slotTaken}`);
    console.log(
      `  other answers:           ${others.length === 0 ? 'none' : others.map(([k, n]) => `${n} × ${k}`).join(', ')}`,
    );
    console.log(
      conflicts.wrong.length === 0
        ? `  409 bodies:              ${conflicts.checked} of ${conflicts.checked} problem+json slot_taken naming one of the ${booked.length} booked: OK`
        : `  409 bodies:              MISMATCH in ${conflicts.wrong.length} of ${conflicts.checked}: ${conflicts.wrong.slice(0, 3).join('; ')}`,
    );
    console.log(`  a conflict, as sent:     ${conflicts.sample ?? 'none'}`);
    console.log(
      `  wall time:               ${ms(race.wallMs)} ms (${((REQUESTS / race.wallMs) * 1000).toFixed(0)} req/s)`,
    );
    console.log(
      `  latency:                 p50 ${ms(percentile(latencies, 50))} ms, p99 ${ms(percentile(latencies, 99))} ms, max ${ms(Math.max(...latencies))} ms`,
    );
    console.log(
      booked.length === 10 && distinct('providerId') === 10 && distinct('chairId') === 10
        ? '  10 appointments in the database: OK'
        : `  MISMATCH: ${booked.length} active appointments in the database at that time (${distinct('providerId')} providers, ${distinct('chairId')} chairs), expected 10`,
    );
  } finally {
    await load.close();
    await server.close();
  }
} finally {
  await env.close();
}

/**
 * Every refusal must be what a client can act on: application/problem+json, code slot_taken,
 * naming the appointment in the way (conflictingAppointmentId), which must be one of those booked.
 */
function checkConflictBodies(
  refusals: LoadResult[],
  bookedIds: Set<string>,
): { checked: number; wrong: string[]; sample: string | undefined } {
  const wrong: string[] = [];
  for (const r of refusals) {
    let problem: { code?: unknown; status?: unknown; conflictingAppointmentId?: unknown; conflictOn?: unknown } = {};
    try {
      problem = JSON.parse(r.body ?? '');
    } catch {
      // left empty: reported below
    }
    const why = [
      r.contentType?.startsWith('application/problem+json') ? null : `content type ${r.contentType ?? 'missing'}`,
      problem.code === 'slot_taken' && problem.status === 409
        ? null
        : `code ${String(problem.code)} status ${String(problem.status)}`,
      typeof problem.conflictingAppointmentId === 'string' && bookedIds.has(problem.conflictingAppointmentId)
        ? null
        : `conflictingAppointmentId ${String(problem.conflictingAppointmentId)} is not one of the booked`,
      problem.conflictOn === 'chair' || problem.conflictOn === 'provider'
        ? null
        : `conflictOn ${String(problem.conflictOn)}`,
    ].filter((w) => w !== null);
    if (why.length > 0) wrong.push(why.join(', '));
  }
  const sample = refusals[0];
  return { checked: refusals.length, wrong, sample: sample && `${sample.contentType ?? ''} ${sample.body ?? ''}` };
}
