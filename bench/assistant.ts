import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { buildApp } from '../apps/server/src/app.js';
import { startBackgroundWork } from '../apps/server/src/background.js';
import { saveAssistantSettings } from '../apps/server/src/modules/assistant/settings.service.js';
import { createChannelIn } from '../apps/server/src/modules/messaging/channels.service.js';
import { systemActor } from '../apps/server/src/platform/access.js';
import { inPractice } from '../apps/server/src/platform/tenancy.js';
import { createBenchPractice, ms, openBenchEnvironment, percentile } from './setup-practice.js';
import { askWorker, startTsWorker } from './ts-worker.js';
import { BENCH_WHATSAPP, whatsappEnv } from './whatsapp-setup.js';

/**
 * The booking assistant under a crowd: 500 patients of one practice (each on their own number)
 * write at once to book a check-up next week, in English, French or Creole, and each books by
 * tapping a time from the list the assistant sends, then Confirm. Meta and the phones are a
 * worker thread (bench/assistant-patients.worker.ts): the fake Graph API takes the replies and
 * the patients answer through the signed webhook, as Meta would deliver their taps. The server
 * (HTTP and its background work) runs in this process, as `npm start` runs it.
 *
 * Printed: the reply latency (webhook acknowledged → the first reply to that message handed to
 * the Graph API) at p50 and p99, the bookings completed per second, and afterwards the overlaps
 * in the calendar (there must be none: times many patients tapped at once go to one of them, and
 * the others are offered other times). The ceiling beside it: the same conversations' replies
 * if nothing but the webhook's own acknowledgement stood in the way is not measurable here, so
 * the webhook bench's acknowledged rate is the reference for the intake.
 *
 * On the PostgreSQL of DATABASE_URL (a scratch database, dropped after), else embedded PGlite.
 * ASSISTANT_PATIENTS (500), ASSISTANT_RAMP_MS (5000), ASSISTANT_THINK_MS (2000), DATABASE_POOL_SIZE (10).
 * BENCH_SQL_HISTOGRAM=1 also prints the 80 statements sent most often (their first 90 characters),
 * to see where the statements per patient message go.
 */
const PATIENTS = Number(process.env.ASSISTANT_PATIENTS ?? 500);
/** The 500 start writing over this time, and read each reply this long (± half) before tapping. */
const RAMP_MS = Number(process.env.ASSISTANT_RAMP_MS ?? 5_000);
const THINK_MS = Number(process.env.ASSISTANT_THINK_MS ?? 2_000);
const TARGET_P99_MS = 300;
const TIMEOUT_MS = 240_000;
const PHONE_NUMBER_ID = '106540352242977';
const OPENINGS = [
  "Hello, I'd like to book a check-up next week please",
  'Bonjour, je voudrais un rendez-vous pour un contrôle la semaine prochaine',
  'Bonzour, mo anvi pran enn randevou pou enn kontrol semenn prosenn',
];

// Every statement this process sends to the database, counted while the patients write: the
// figure the latency follows on a busy machine, and one that does not change with the machine.
let statements = 0;
let counting = false;
const histogram = new Map<string, number>();
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: typeof query }).query = function (this: unknown, ...args: unknown[]) {
  if (counting) {
    statements += 1;
    const a0 = args[0] as string | { text?: string };
    const text = (typeof a0 === 'string' ? a0 : (a0?.text ?? '?')).replace(/\s+/g, ' ').slice(0, 90);
    histogram.set(text, (histogram.get(text) ?? 0) + 1);
  }
  return query.apply(this, args);
};

const worker = startTsWorker(new URL('./assistant-patients.worker.ts', import.meta.url), {
  accessToken: BENCH_WHATSAPP.graphToken,
});
const graphUrl = await new Promise<string>((resolve, reject) => {
  const onMessage = (m: { ready?: string }) => {
    if (m.ready === undefined) return;
    worker.off('message', onMessage);
    resolve(m.ready);
  };
  worker.on('message', onMessage);
  worker.once('error', reject);
});
const ask = askWorker(worker);
const env = await openBenchEnvironment({ scratch: true, env: whatsappEnv(graphUrl) });
const { ctx } = env;
try {
  const actor = systemActor('bench');
  // Ten dentists, each on a chair of their own, Mon–Sat; a 30-minute check-up bookable on WhatsApp.
  const practice = await createBenchPractice(ctx, {
    name: 'Bench assistant',
    chairs: 10,
    providers: Array.from({ length: 10 }, (_, i) => ({ role: 'dentist' as const, chair: i })),
    types: [{ nameEn: 'Check-up', durationMinutes: 30, bufferAfterMinutes: 0, allowedRoles: ['dentist'] }],
    patients: PATIENTS,
    seed: 12,
  });
  const { practiceId } = practice;
  await inPractice(ctx.db, practiceId, async (tx) => {
    const channel = await createChannelIn(tx, {
      actor,
      practiceId,
      phoneNumberId: PHONE_NUMBER_ID,
      accessToken: BENCH_WHATSAPP.graphToken,
      masterKey: ctx.config.encryptionKey,
      sandbox: false,
    });
    await tx
      .updateTable('whatsappChannels')
      .set({ wabaId: BENCH_WHATSAPP.wabaId, displayPhoneNumber: '23052000977', throughputPerSecond: 1000 })
      .where('id', '=', channel.id)
      .execute();
    await tx
      .updateTable('practices')
      .set({ address: '12 Royal Road, Rose-Hill', phone: '+230 4641234' })
      .where('id', '=', practiceId)
      .execute();
  });
  await saveAssistantSettings(ctx, { actor, practiceId, patch: { enabled: true } });
  const phones = await inPractice(ctx.db, practiceId, (tx) =>
    tx.selectFrom('patientPhones').select(['e164']).where('position', '=', 0).orderBy('patientId').execute(),
  );
  const numbers = [...new Set(phones.map((p) => p.e164.slice(1)))];

  const app = await buildApp(ctx, { logger: ctx.logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const background = startBackgroundWork(ctx);
  const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  let outcome: {
    started: number;
    finishedAt: number[];
    replyLatencies: number[];
    webhookErrors: number;
    unanswered: number;
    notDone: number;
    gaveUp: number;
    taps: number;
    graphSends: number;
  };
  counting = true;
  const loopBefore = performance.eventLoopUtilization();
  let loopBusy = 0;
  try {
    outcome = await ask({
      type: 'start',
      appUrl,
      phoneNumberId: PHONE_NUMBER_ID,
      appSecret: BENCH_WHATSAPP.appSecret,
      wabaId: BENCH_WHATSAPP.wabaId,
      patients: numbers.map((waId, i) => ({ waId, opening: OPENINGS[i % OPENINGS.length]! })),
      timeoutMs: TIMEOUT_MS,
      rampMs: RAMP_MS,
      thinkMs: THINK_MS,
    });
  } finally {
    counting = false;
    loopBusy = performance.eventLoopUtilization(loopBefore).utilization;
    await app.close();
    await background.stop();
  }
  const load1 = loadavg()[0]!;

  const booked = await inPractice(ctx.db, practiceId, async (tx) => {
    const rows = await tx
      .selectFrom('appointments')
      .select((eb) => [eb.fn.countAll<number>().as('n')])
      .where('source', '=', 'whatsapp')
      .where('status', '=', 'booked')
      .executeTakeFirstOrThrow();
    return Number(rows.n);
  });
  // Two live appointments of one provider, or of one chair, whose times overlap.
  const overlaps = (
    await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM appointments a JOIN appointments b
        ON a.practice_id = b.practice_id AND a.id < b.id
       AND (a.provider_id = b.provider_id OR a.chair_id = b.chair_id) AND a.occupied && b.occupied
     WHERE a.practice_id = ${practiceId}
       AND a.status NOT IN ('cancelled', 'no_show') AND b.status NOT IN ('cancelled', 'no_show')
       AND (a.status <> 'held' OR a.hold_expires_at > now()) AND (b.status <> 'held' OR b.hold_expires_at > now())`.execute(
      ctx.db,
    )
  ).rows[0]!.n;

  const { finishedAt, replyLatencies, started } = outcome;
  const lastDone = finishedAt.length ? Math.max(...finishedAt) : started;
  const seconds = (lastDone - started) / 1000;
  console.log(`WhatsApp booking assistant — ${env.label}`);
  console.log(
    `  ${numbers.length} patients (one number each) write at once to book a check-up next week (en, fr, Creole), then tap a time and Confirm; ` +
      '10 dentists on 10 chairs; the server and its background work in this process, Meta and the phones in a worker thread',
  );
  console.log(
    `  the patients start over ${(RAMP_MS / 1000).toFixed(0)} s and read each reply ${(THINK_MS / 1000).toFixed(1)} s (± half) before tapping ` +
      '(ASSISTANT_RAMP_MS, ASSISTANT_THINK_MS; 0 and 0: all at the same instant, tapping at once)',
  );
  console.log(
    `  reply latency (webhook acknowledged → first reply handed to the Graph API), ${replyLatencies.length.toLocaleString('en')} patient messages: ` +
      `p50 ${ms(percentile(replyLatencies, 50))} ms, p99 ${ms(percentile(replyLatencies, 99))} ms, max ${ms(Math.max(...replyLatencies))} ms`,
  );
  console.log(
    `  bookings: ${finishedAt.length} confirmed to the patient in ${seconds.toFixed(1)} s (${(finishedAt.length / seconds).toFixed(0)}/s); ` +
      `${booked} booked from WhatsApp in the calendar; ${outcome.taps} times tapped; ${outcome.gaveUp} patients gave up after eight lists, ` +
      `${outcome.notDone} not finished, ${outcome.unanswered} messages unanswered, ` +
      `${outcome.webhookErrors} webhooks refused; ${outcome.graphSends.toLocaleString('en')} messages sent`,
  );
  console.log(
    `  database statements while the patients wrote: ${statements.toLocaleString('en')}, ` +
      `${(statements / replyLatencies.length).toFixed(1)} per patient message (webhook, assistant, calendar, outbox, Meta's statuses)`,
  );
  console.log(
    `  the server's event loop (HTTP, assistant, jobs, outbox: one process) was busy ${(loopBusy * 100).toFixed(0)}% of the time; ` +
      'near 100% means this one process is the limit, and a second process (npm run worker) would add to it',
  );
  if (process.env.BENCH_SQL_HISTOGRAM)
    for (const [k, v] of [...histogram].sort((a, b) => b[1] - a[1]).slice(0, 80)) console.log(String(v).padStart(7), k);
  console.log(`  overlaps in the calendar afterwards: ${overlaps} (there must be none)`);
  console.log(`  machine: ${cpus().length} CPUs, load average ${load1.toFixed(1)} at the end`);
  const pass =
    percentile(replyLatencies, 99) < TARGET_P99_MS && overlaps === 0 && outcome.notDone === 0 && booked === PATIENTS;
  console.log(`  target: p99 < ${TARGET_P99_MS} ms, every patient booked, no overlap: ${pass ? 'PASS' : 'FAIL'}`);
} finally {
  await env.close();
  await ask({ type: 'close' }).catch(() => {});
  await worker.terminate();
}
