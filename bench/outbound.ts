import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { queueOutboundMessage } from '../apps/server/src/modules/messaging/outbound.service.js';
import { startBackgroundWork } from '../apps/server/src/background.js';
import {
  definitionFromGraph,
  graphTemplateObject,
  renderTemplateBody,
} from '../apps/server/src/modules/messaging/template-parameters.js';
import { SANDBOX_TEMPLATES } from '../apps/server/src/modules/messaging/templates.catalog.js';
import { FAMILY_NAMES, GIVEN_NAMES } from '../apps/server/src/demo/names.js';
import { seededRandom } from '../apps/server/src/demo/random.js';
import { inPractice } from '../apps/server/src/platform/tenancy.js';
import { openBenchEnvironment } from './setup-practice.js';
import {
  type WhatsAppPractice,
  createWhatsAppPractice,
  maxInOneSecond,
  startBenchGraph,
  whatsappEnv,
} from './whatsapp-setup.js';

/**
 * WhatsApp sending: 20,000 appointment reminders (Meta templates, English and French), each to a
 * recipient of its own, spread over 10 WhatsApp numbers (10 practices, Meta's default cap of
 * 80 messages/s each), queued through queueOutboundMessage, then sent by the server's background
 * work to a fake Graph API on a port of its own that answers after 50 ms. Measured: the time
 * until all are sent and the outbox is empty, each number's rate over its active period against
 * its cap, the most messages any number had in any one-second window (by the fake's receipt
 * time, after its 50 ms, and by arrival, before it), and whether any message went out twice.
 * 20,000 over 10 numbers at 80/s cannot take less than 25 s.
 *
 * On the PostgreSQL of DATABASE_URL (a scratch database created beside it, dropped at the end;
 * BENCH_KEEP_DB=1 keeps it), else on embedded PGlite. OUTBOUND_MESSAGES=20000, OUTBOUND_NUMBERS=10,
 * DATABASE_POOL_SIZE (10).
 */
const MESSAGES = Number(process.env.OUTBOUND_MESSAGES ?? 20_000);
const NUMBERS = Number(process.env.OUTBOUND_NUMBERS ?? 10);
const GRAPH_LATENCY_MS = 50;
const STALL_MS = 60_000;

const graph = await startBenchGraph({ latencyMs: GRAPH_LATENCY_MS, statusDelaysMs: null });
const env = await openBenchEnvironment({ scratch: true, env: whatsappEnv(graph.url) });
const { ctx } = env;
try {
  const practices: WhatsAppPractice[] = [];
  for (let i = 0; i < NUMBERS; i++) {
    practices.push(
      await createWhatsAppPractice(ctx, {
        name: `Bench outbound ${i + 1}`,
        phoneNumberId: `1065403522429${String(i).padStart(2, '0')}`,
      }),
    );
  }
  const caps = new Map(
    (await ctx.db.selectFrom('whatsappChannels').select(['phoneNumberId', 'throughputPerSecond']).execute()).map(
      (c) => [c.phoneNumberId, c.throughputPerSecond],
    ),
  );
  const reminder = { en: template('en'), fr: template('fr') };

  // A conversation per recipient (the patients wrote before: their window is open), then a reminder each.
  const queueStarted = performance.now();
  const random = seededRandom(80);
  await Promise.all(
    practices.map(async (practice, p) => {
      const share = Math.floor(MESSAGES / NUMBERS) + (p < MESSAGES % NUMBERS ? 1 : 0);
      const first = p * Math.ceil(MESSAGES / NUMBERS);
      const recipients = Array.from({ length: share }, (_, k) => ({
        waId: `2305${String(first + k).padStart(7, '0')}`,
        name: `${random.pick(GIVEN_NAMES)} ${random.pick(FAMILY_NAMES)}`,
      }));
      const conversations: { id: string; waId: string | null; profileName: string }[] = [];
      await inPractice(ctx.db, practice.practiceId, async (tx) => {
        for (let i = 0; i < recipients.length; i += 1000) {
          const rows = recipients.slice(i, i + 1000).map((r) => ({
            practiceId: practice.practiceId,
            channelId: practice.channelId,
            waId: r.waId,
            profileName: r.name,
            lastInboundAt: sql<Date>`now() - interval '2 hours'`,
            optedInAt: sql<Date>`now() - interval '2 hours'`,
          }));
          conversations.push(
            ...(await tx
              .insertInto('whatsappConversations')
              .values(rows)
              .returning(['id', 'waId', 'profileName'])
              .execute()),
          );
        }
      });
      for (let i = 0; i < conversations.length; i += 500) {
        await inPractice(ctx.db, practice.practiceId, async (tx) => {
          for (const [k, c] of conversations.slice(i, i + 500).entries()) {
            const definition = (i + k) % 3 === 0 ? reminder.fr : reminder.en;
            const values = {
              patient_name: c.profileName.split(' ')[0]!,
              practice_name: `Bench outbound ${p + 1}`,
              date: 'Tuesday 1 December',
              time: `${8 + ((i + k) % 9)}:${(i + k) % 2 ? '30' : '00'}`,
            };
            await queueOutboundMessage(tx, {
              masterKey: ctx.config.encryptionKey,
              practiceId: practice.practiceId,
              conversation: { id: c.id, channelId: practice.channelId, waId: c.waId! },
              origin: 'system',
              content: {
                type: 'template',
                name: definition.name,
                language: definition.language,
                body: renderTemplateBody(definition, values),
                buttons: definition.quickReplies,
              },
              graphMessage: { type: 'template', template: graphTemplateObject(definition, values) },
            });
          }
        });
      }
    }),
  );
  const queueMs = performance.now() - queueStarted;
  const queued = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM whatsapp_outbox`.execute(ctx.db)).rows[0]!.n;

  // Send: the server's background work, as a server process runs it.
  const started = Date.now();
  const loopBefore = performance.eventLoopUtilization();
  const workers = startBackgroundWork(ctx);
  let outboxLeft = queued;
  let stalled = false;
  try {
    let lastProgress = { at: Date.now(), sent: 0 };
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      const { sent } = await graph.count();
      if (sent !== lastProgress.sent) lastProgress = { at: Date.now(), sent };
      if (sent >= MESSAGES) {
        outboxLeft = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM whatsapp_outbox`.execute(ctx.db)).rows[0]!
          .n;
        if (outboxLeft === 0) break;
      }
      if (Date.now() - lastProgress.at > STALL_MS) {
        stalled = true;
        outboxLeft = (await sql<{ n: number }>`SELECT count(*)::int AS n FROM whatsapp_outbox`.execute(ctx.db)).rows[0]!
          .n;
        break;
      }
    }
  } finally {
    await workers.stop();
  }
  const doneMs = Date.now() - started;
  const loopBusy = performance.eventLoopUtilization(loopBefore).utilization;
  const [load1] = loadavg();

  const sent = await graph.sent();
  const calls = (await graph.count()).requests;
  const lastAt = Math.max(...sent.map((m) => m.receivedAt));
  const statuses = (
    await sql<{
      status: string;
      n: number;
    }>`SELECT status, count(*)::int AS n FROM whatsapp_messages WHERE direction = 'outbound' GROUP BY status ORDER BY status`.execute(
      ctx.db,
    )
  ).rows;
  const perRecipient = new Map<string, number>();
  for (const m of sent) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
  const twice = [...perRecipient.values()].filter((n) => n > 1).length;
  const minimumSeconds = Math.max(
    ...practices.map(
      (p, i) => (Math.floor(MESSAGES / NUMBERS) + (i < MESSAGES % NUMBERS ? 1 : 0)) / caps.get(p.phoneNumberId)!,
    ),
  );

  console.log(`WhatsApp outbound — ${env.label}`);
  console.log(
    `  ${MESSAGES.toLocaleString('en')} appointment reminders (templates, en/fr), each to a recipient of its own, over ${NUMBERS} numbers in ${NUMBERS} practices; ` +
      `fake Graph API (a thread and port of its own) answering after ${GRAPH_LATENCY_MS} ms`,
  );
  console.log(
    `  queued through queueOutboundMessage (500 per transaction, the practices in parallel): ${queued.toLocaleString('en')} in ${(queueMs / 1000).toFixed(1)} s (${((queued / queueMs) * 1000).toFixed(0)}/s)`,
  );
  console.log(
    `  sent: ${sent.length.toLocaleString('en')} in ${((lastAt - started) / 1000).toFixed(1)} s from the start of the background work ` +
      `(${((sent.length / (lastAt - started)) * 1000).toFixed(0)}/s; the caps allow no less than ${minimumSeconds.toFixed(1)} s), outbox empty after ${(doneMs / 1000).toFixed(1)} s` +
      `${stalled ? ` — STALLED: no send for ${STALL_MS / 1000} s, ${outboxLeft} left in the outbox` : ''}`,
  );
  console.log(
    `  the server's event loop was busy ${(loopBusy * 100).toFixed(0)}% of the time while sending; machine load average ${load1!.toFixed(1)} on ${cpus().length} CPUs`,
  );
  const header = ['number', 'sent', 'first → last', 'rate/s', 'cap/s', 'of cap', 'max in 1 s', 'at arrival'];
  const rows: string[][] = [];
  let capExceeded = false;
  let capExceededAtArrival = false;
  for (const practice of practices) {
    const mine = sent.filter((m) => m.phoneNumberId === practice.phoneNumberId);
    const times = mine.map((m) => m.receivedAt);
    const arrivals = mine.map((m) => m.arrivedAt);
    const first = Math.min(...times);
    const last = Math.max(...times);
    const rate = (mine.length - 1) / ((last - first) / 1000);
    const cap = caps.get(practice.phoneNumberId)!;
    const worst = maxInOneSecond(times);
    const worstArrival = maxInOneSecond(arrivals);
    capExceeded ||= worst > cap;
    capExceededAtArrival ||= worstArrival > cap;
    rows.push([
      practice.phoneNumberId,
      mine.length.toLocaleString('en'),
      `${((first - started) / 1000).toFixed(1)} → ${((last - started) / 1000).toFixed(1)} s`,
      rate.toFixed(1),
      String(cap),
      `${((rate / cap) * 100).toFixed(1)}%`,
      `${worst}${worst > cap ? ' FAIL' : ''}`,
      `${worstArrival}${worstArrival > cap ? ' FAIL' : ''}`,
    ]);
  }
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  for (const r of [header, ...rows])
    console.log(`  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}`);
  console.log(
    "  rate: messages over the number's active period (first to last send); max in 1 s: the most sends in any window [t, t + 1 s), by the fake's receipt time; at arrival: before its 50 ms",
  );
  console.log(
    `  cap never exceeded in any one-second window: ${capExceeded ? 'FAIL' : 'PASS'} (at arrival: ${capExceededAtArrival ? 'FAIL' : 'PASS'})`,
  );
  console.log(
    `  sent once each: ${twice === 0 && sent.length === perRecipient.size ? 'PASS' : 'FAIL'} (${perRecipient.size.toLocaleString('en')} recipients, ${sent.length.toLocaleString('en')} sends, ` +
      `${twice} recipients sent to more than once, ${calls.toLocaleString('en')} Graph API calls)`,
  );
  console.log(
    `  all sent: ${sent.length === MESSAGES && outboxLeft === 0 ? 'PASS' : 'FAIL'} (messages by status: ${statuses.map((s) => `${s.status} ${s.n.toLocaleString('en')}`).join(', ')}; ${outboxLeft} left in the outbox)`,
  );
} finally {
  await env.close();
  await graph.close();
}

function template(language: 'en' | 'fr') {
  return definitionFromGraph(
    SANDBOX_TEMPLATES.find((t) => t.name === 'appointment_reminder' && t.language === language)!,
  );
}
