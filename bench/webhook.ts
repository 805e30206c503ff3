import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../apps/server/src/app.js';
import { startBackgroundWork } from '../apps/server/src/background.js';
import { type HttpLoadResult, startHttpLoad } from './http-load.js';
import { ms, openBenchEnvironment, percentile } from './setup-practice.js';
import { BENCH_WHATSAPP, createWhatsAppPractice, makeSenders, startBenchGraph, whatsappEnv } from './whatsapp-setup.js';

/**
 * WhatsApp webhook intake: the real server (configured for Meta, its background work running)
 * takes signed POST /webhooks/whatsapp, each a new delivery of one text message in Meta's shape
 * from one of 2,000 Mauritian senders (300 of them patients of the practice). Steps of rising
 * concurrency (closed loop: each connection sends its next delivery once the last is
 * acknowledged, as a sender with that many requests open at once would). Per step: what was
 * sent and acknowledged, the acknowledgement latency, and how long the stored deliveries took
 * to be processed once the step ended. Then whether anything acknowledged was lost (every
 * stored delivery processed, one inbound message each). A bare Fastify hello route, hammered by
 * the same client with the same connections, is this machine's ceiling.
 *
 * Why connections and not request rates: autocannon paces a rate per connection and per second,
 * each connection sending its share of the second back to back at the start of it, so a
 * "500 req/s" step is a saturating burst 150 ms long each second; its latencies are those of
 * saturation, and its `sent` count includes requests never sent.
 *
 * On the PostgreSQL of DATABASE_URL (a scratch database created beside it, dropped at the end;
 * BENCH_KEEP_DB=1 keeps it), else on embedded PGlite. WEBHOOK_CONNECTIONS=1,4,16,64 (the steps),
 * WEBHOOK_SECONDS=8 per step, DATABASE_POOL_SIZE (10).
 */
const STEPS = (process.env.WEBHOOK_CONNECTIONS ?? '1,4,16,64').split(',').map(Number);
const SECONDS = Number(process.env.WEBHOOK_SECONDS ?? 8);
const SENDERS = 2000;
const PATIENT_SENDERS = 300;
const PHONE_NUMBER_ID = '106540352242922';
const TARGET = { perSecond: 2000, p99Ms: 25 };
const DRAIN_TIMEOUT_MS = 300_000;

const graph = await startBenchGraph();
const env = await openBenchEnvironment({ scratch: true, env: whatsappEnv(graph.url) });
const { ctx } = env;
try {
  const senders = makeSenders(SENDERS, 230);
  const practice = await createWhatsAppPractice(ctx, {
    name: 'Bench webhooks',
    phoneNumberId: PHONE_NUMBER_ID,
    patients: senders.slice(0, PATIENT_SENDERS).map((s) => {
      const [givenName, ...family] = s.name.split(' ');
      return { givenName: givenName!, familyName: family.join(' '), phone: `+${s.waId}` };
    }),
  });

  const app = await buildApp(ctx, { logger: ctx.logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const workers = startBackgroundWork(ctx);
  const ceilingServer = Fastify({ logger: false });
  ceilingServer.get('/hello', async () => ({ hello: 'world' }));
  const ceilingUrl = await ceilingServer.listen({ host: '127.0.0.1', port: 0 });
  const load = startHttpLoad();
  const appUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const webhook = {
    path: '/webhooks/whatsapp',
    appSecret: BENCH_WHATSAPP.appSecret,
    wabaId: BENCH_WHATSAPP.wabaId,
    phoneNumberId: practice.phoneNumberId,
    senders,
  };

  const deliveries = async () =>
    (
      await sql<{ stored: number; pending: number; dead: number }>`
        SELECT count(*)::int AS stored, (count(*) FILTER (WHERE processed_at IS NULL AND dead_at IS NULL))::int AS pending, (count(*) FILTER (WHERE dead_at IS NOT NULL))::int AS dead
        FROM whatsapp_webhook_deliveries`.execute(ctx.db)
    ).rows[0]!;
  // Through the partial index of pending deliveries: polling must not slow the processing it waits for.
  const pending = async () =>
    (
      await sql<{
        n: number;
      }>`SELECT count(*)::int AS n FROM whatsapp_webhook_deliveries WHERE processed_at IS NULL AND dead_at IS NULL`.execute(
        ctx.db,
      )
    ).rows[0]!.n;
  /** Waits until every stored delivery is processed; the time it took and the backlog it started from. */
  const drain = async () => {
    const started = performance.now();
    const backlog = await pending();
    for (;;) {
      const left = await pending();
      if (left === 0 || performance.now() - started > DRAIN_TIMEOUT_MS)
        return { backlog, ms: performance.now() - started, left };
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  interface Step {
    connections: number;
    ceiling: HttpLoadResult;
    /** The server's event loop, busy fraction during the step; the machine's load average at its end. */
    loopBusy: number;
    load1: number;
    result: HttpLoadResult;
    stored: number;
    backlog: number;
    drainMs: number;
    left: number;
  }
  const steps: Step[] = [];
  let warmUp: HttpLoadResult;
  try {
    // A warm-up (JIT, pool connections, the first conversations), then each step: the ceiling at
    // that concurrency while nothing else runs, the webhooks, and the drain of what they left.
    warmUp = await load.run({
      url: `${appUrl}/webhooks/whatsapp`,
      connections: 4,
      seconds: 2,
      webhook: { ...webhook, seed: 1 },
    });
    await drain();
    for (const [i, connections] of STEPS.entries()) {
      const ceiling = await load.run({ url: `${ceilingUrl}/hello`, connections, seconds: Math.min(SECONDS, 4) });
      const before = (await deliveries()).stored;
      const loopBefore = performance.eventLoopUtilization();
      const result = await load.run({
        url: `${appUrl}/webhooks/whatsapp`,
        connections,
        seconds: SECONDS,
        webhook: { ...webhook, seed: 100 + i },
      });
      const loopBusy = performance.eventLoopUtilization(loopBefore).utilization;
      const load1 = loadavg()[0]!;
      const drained = await drain();
      steps.push({
        connections,
        ceiling,
        result,
        loopBusy,
        load1,
        stored: (await deliveries()).stored - before,
        backlog: drained.backlog,
        drainMs: drained.ms,
        left: drained.left,
      });
    }
  } finally {
    await load.close();
    await app.close();
    await workers.stop();
    await ceilingServer.close();
  }

  // Nothing lost: every acknowledged delivery stored, every stored one processed into its message.
  const totals = await deliveries();
  const inbound = (
    await sql<{ n: number }>`SELECT count(*)::int AS n FROM whatsapp_messages WHERE direction = 'inbound'`.execute(
      ctx.db,
    )
  ).rows[0]!.n;
  const conversations = (
    await sql<{
      n: number;
      linked: number;
    }>`SELECT count(*)::int AS n, count(patient_id)::int AS linked FROM whatsapp_conversations`.execute(ctx.db)
  ).rows[0]!;
  const acknowledged = [warmUp, ...steps.map((s) => s.result)].reduce((sum, r) => sum + r.ok, 0);
  const lost = acknowledged > totals.stored || totals.pending > 0 || totals.dead > 0 || inbound !== totals.stored;

  const perSecond = (r: HttpLoadResult) => r.ok / r.seconds;
  const refused = (r: HttpLoadResult) => Object.entries(r.statuses).filter(([code]) => !code.startsWith('2'));
  const non200 = (r: HttpLoadResult) => refused(r).reduce((sum, [, n]) => sum + n, 0) + r.errors + r.timeouts;
  console.log(`WhatsApp webhook intake — ${env.label}`);
  console.log(
    `  signed POST /webhooks/whatsapp, a new delivery of one text message each (${SENDERS.toLocaleString('en')} senders, ${PATIENT_SENDERS} of them patients), ` +
      `${SECONDS} s per step, closed loop; autocannon in a worker thread; webhook processing runs in the server process`,
  );
  console.log(
    '  ceiling: a bare Fastify GET /hello in the same process, same client and connections, just before each step',
  );
  const header = [
    'connections',
    'sent',
    'acked/s',
    'p50 ms',
    'p99 ms',
    'max ms',
    'non-200',
    'ceiling/s',
    'of ceiling',
    'loop busy',
    'load',
    'backlog',
    'drained in',
    'processed/s',
  ];
  const rows = steps.map((s) => {
    const r = s.result;
    const notes = [
      ...refused(r).map(([code, n]) => `${n}×${code}`),
      r.errors ? `${r.errors} errors` : '',
      r.timeouts ? `${r.timeouts} timeouts` : '',
    ].filter(Boolean);
    return [
      String(s.connections),
      r.sent.toLocaleString('en'),
      perSecond(r).toFixed(0),
      ms(percentile(r.latencies, 50)),
      ms(percentile(r.latencies, 99)),
      ms(Math.max(...r.latencies)),
      `${non200(r)}${notes.length ? ` (${notes.join(', ')})` : ''}`,
      perSecond(s.ceiling).toFixed(0),
      `${((perSecond(r) / perSecond(s.ceiling)) * 100).toFixed(1)}%`,
      `${(s.loopBusy * 100).toFixed(0)}%`,
      s.load1.toFixed(1),
      s.backlog.toLocaleString('en'),
      `${(s.drainMs / 1000).toFixed(1)} s${s.left ? ` (${s.left} left!)` : ''}`,
      (s.stored / (r.seconds + s.drainMs / 1000)).toFixed(0),
    ];
  });
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  for (const r of [header, ...rows]) console.log(`  ${r.map((cell, c) => cell.padStart(widths[c]!)).join('  ')}`);
  console.log(
    `  loop busy: the server's event loop during the step; load: the machine's load average (${cpus().length} CPUs); backlog: deliveries stored but not yet processed when the step ended; ` +
      "processed/s: the step's deliveries over its time plus the drain",
  );
  console.log(
    `  nothing lost: ${acknowledged.toLocaleString('en')} acknowledged (warm-up included), ${totals.stored.toLocaleString('en')} stored ` +
      `(answers still in flight when a step stopped count as stored, not acknowledged), ${(totals.stored - totals.pending - totals.dead).toLocaleString('en')} processed, ` +
      `${totals.dead} given up, ${inbound.toLocaleString('en')} inbound messages in ${conversations.n.toLocaleString('en')} conversations (${conversations.linked} linked to a patient): ${lost ? 'FAIL' : 'PASS'}`,
  );
  const best = steps
    .filter((s) => percentile(s.result.latencies, 99) < TARGET.p99Ms && non200(s.result) === 0)
    .sort((a, b) => perSecond(b.result) - perSecond(a.result))[0];
  const bestRate = best ? perSecond(best.result) : 0;
  console.log(
    `  target ≥ ${TARGET.perSecond.toLocaleString('en')} acknowledged/s with p99 < ${TARGET.p99Ms} ms, nothing lost: ${bestRate >= TARGET.perSecond && !lost ? 'PASS' : 'FAIL'} ` +
      `(best step within the latency bound: ${best ? `${best.connections} connections, ${bestRate.toFixed(0)}/s, p99 ${ms(percentile(best.result.latencies, 99))} ms` : 'none'})`,
  );
} finally {
  await env.close();
  await graph.close();
}
