import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import Fastify from 'fastify';
import { FakeGraph, inboundWebhook } from '../apps/server/src/modules/messaging/fake-graph.js';
import { signWebhook } from '../apps/server/src/modules/messaging/signature.js';
import { SANDBOX_TEMPLATES } from '../apps/server/src/modules/messaging/templates.catalog.js';

/**
 * Meta and the patients' phones, in a thread of their own (see bench/assistant.ts): the fake
 * Graph API takes the server's replies, and each patient answers what they get as a person would,
 * by tapping — a time from a list, then Confirm — through a signed webhook in Meta's shape.
 * Every time is performance.timeOrigin + now(), the same clock as the main thread's.
 */

interface Patient {
  waId: string;
  opening: string;
}
interface Start {
  type: 'start';
  id: number;
  appUrl: string;
  phoneNumberId: string;
  appSecret: string;
  wabaId: string;
  patients: Patient[];
  timeoutMs: number;
  /** Patients start writing at random over this many ms, and read for thinkMs (± half) before each tap. */
  rampMs: number;
  thinkMs: number;
}

interface Progress {
  /** When the last webhook of this patient was acknowledged, and whether a reply to it was seen. */
  ackedAt: number;
  answered: boolean;
  confirmed: boolean;
  done: boolean;
  taps: number;
  /** Offered times eight times over without getting one: gave up (a person would phone). */
  gaveUp: boolean;
}

const { accessToken } = workerData as { accessToken: string };
const fake = new FakeGraph({ accessToken, templates: SANDBOX_TEMPLATES, statusDelaysMs: null });
const server = Fastify({ logger: false });
const now = () => performance.timeOrigin + performance.now();

let run: Start | null = null;
const progress = new Map<string, Progress>();
/** Webhook accepted → the first reply to it reaching the Graph API, per patient message (ms). */
const replyLatencies: number[] = [];
const finishedAt: number[] = [];
let webhookErrors = 0;
let finish: (() => void) | null = null;

/** A person reads before tapping: thinkMs, give or take half. */
const thinks = () => run!.thinkMs * (0.5 + Math.random());
const later = (ms: number, fn: () => void) => (ms > 0 ? void setTimeout(fn, ms) : fn());

async function patientSends(waId: string, message: Record<string, unknown>) {
  const r = run!;
  const body = JSON.stringify(
    inboundWebhook({ wabaId: r.wabaId, phoneNumberId: r.phoneNumberId, from: waId, profileName: 'Patient', message }),
  );
  const res = await fetch(`${r.appUrl}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(body, r.appSecret) },
    body,
  });
  await res.arrayBuffer();
  if (res.status !== 200) webhookErrors++;
  const p = progress.get(waId)!;
  p.ackedAt = now();
  p.answered = false;
}

interface Interactive {
  type: 'button' | 'list';
  action: {
    buttons?: { reply: { id: string; title: string } }[];
    sections?: { rows: { id: string; title: string; description?: string }[] }[];
  };
}

function settled() {
  if ([...progress.values()].every((p) => p.done)) finish?.();
}

/** A reply reached "Meta": the patient reads it and, when it asks for a choice, taps. */
function onReply(to: string, body: { type?: string; interactive?: Interactive }) {
  const p = progress.get(to);
  if (!p || p.done) return;
  if (!p.answered) {
    p.answered = true;
    replyLatencies.push(now() - p.ackedAt);
  }
  if (body.type === 'interactive' && body.interactive) {
    const { action } = body.interactive;
    const confirm = action.buttons?.find((b) => b.reply.id === 'confirm');
    if (confirm) {
      p.confirmed = true;
      later(
        thinks(),
        () =>
          void patientSends(to, {
            type: 'interactive',
            interactive: { type: 'button_reply', button_reply: confirm.reply },
          }),
      );
      return;
    }
    const rows = (action.sections ?? []).flatMap((s) => s.rows);
    if (rows.length > 0 && p.taps >= 8) {
      p.gaveUp = true;
      p.done = true;
      settled();
      return;
    }
    if (rows.length > 0) {
      // Patients pick unevenly: most take one of the first few times.
      const pick = rows[Math.floor(Math.random() * rows.length)]!;
      p.taps++;
      p.confirmed = false;
      later(
        thinks(),
        () => void patientSends(to, { type: 'interactive', interactive: { type: 'list_reply', list_reply: pick } }),
      );
    }
    return;
  }
  // A text after Confirm is the booking's confirmation.
  if (p.confirmed && body.type === 'text') {
    p.done = true;
    finishedAt.push(now());
    settled();
  }
}

server.addHook('onResponse', async (request) => {
  const body = request.body as { to?: unknown; type?: string } | undefined;
  if (typeof body?.to === 'string' && request.method === 'POST') onReply(body.to, body as never);
});
fake.register(server);
const url = await server.listen({ port: 0, host: '127.0.0.1' });

parentPort!.on('message', async (m: Start | { type: 'close'; id: number }) => {
  if (m.type === 'close') {
    fake.close();
    await server.close();
    parentPort!.postMessage({ id: m.id });
    return;
  }
  run = m;
  for (const p of m.patients)
    progress.set(p.waId, { ackedAt: 0, answered: true, confirmed: false, done: false, taps: 0, gaveUp: false });
  const started = now();
  const allDone = new Promise<void>((resolve) => {
    finish = resolve;
  });
  await Promise.all(
    m.patients.map(
      (p) =>
        new Promise<void>((resolve) =>
          later(
            Math.random() * m.rampMs,
            () => void patientSends(p.waId, { type: 'text', text: { body: p.opening } }).then(resolve),
          ),
        ),
    ),
  );
  await Promise.race([allDone, new Promise((r) => setTimeout(r, m.timeoutMs))]);
  parentPort!.postMessage({
    id: m.id,
    started,
    finishedAt,
    replyLatencies,
    webhookErrors,
    unanswered: [...progress.values()].filter((p) => !p.answered).length,
    notDone: [...progress.values()].filter((p) => !p.done).length,
    gaveUp: [...progress.values()].filter((p) => p.gaveUp).length,
    taps: [...progress.values()].reduce((sum, p) => sum + p.taps, 0),
    graphSends: fake.sent.length,
  });
});
parentPort!.postMessage({ ready: url });
