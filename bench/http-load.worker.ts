import { parentPort } from 'node:worker_threads';
import autocannon from 'autocannon';
import { seededRandom } from '../apps/server/src/demo/random.js';
import { inboundWebhook } from '../apps/server/src/modules/messaging/fake-graph.js';
import { signWebhook } from '../apps/server/src/modules/messaging/signature.js';
import type { HttpLoadJob, HttpLoadResult } from './http-load.js';

/**
 * autocannon in a worker thread (see http-load.ts). For webhook jobs every request is a new
 * signed delivery, built as it is sent: one text message from one of the senders, with a message
 * id of its own, so that deduplication cannot hide a lost message.
 */

// What patients write to a Mauritian practice, in English, French and Creole.
const TEXTS = [
  'Hello, I would like to book a check-up please',
  'Hi, do you have anything on Saturday morning?',
  'Good morning, my tooth has been hurting since yesterday. Can I come today?',
  'Can I move my appointment to next week?',
  'Thank you doctor, see you on Tuesday',
  'Is the clinic open on public holidays?',
  'How much is a scale and polish?',
  'My son needs a check-up, he is 8. Any time after school?',
  'Bonjour, je voudrais prendre rendez-vous pour un détartrage',
  'Bonjour docteur, est-ce possible de venir demain après-midi ?',
  'Merci beaucoup, à jeudi !',
  'Je dois annuler mon rendez-vous de vendredi, désolée',
  'Bonsoir, ma fille a mal à une dent, vous avez une place cette semaine ?',
  'Bonzour, mo anvi pran enn randevou',
  'Mo ena dolor dan depi yer swar',
  'Eski mo kapav vinn samdi gramatin?',
  'Mersi dokter 🙏',
  'Ok 👍',
  'Oui',
  "D'accord, merci",
];

/** Meta escapes non-ASCII in webhook bodies; the signature covers the escaped bytes. */
const asMetaSends = (json: string) =>
  json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function webhookRequests(job: NonNullable<HttpLoadJob['webhook']>) {
  const random = seededRandom(job.seed);
  const senders = job.senders;
  const chatty = Math.max(1, Math.floor(senders.length / 10));
  return [
    {
      method: 'POST' as const,
      path: job.path,
      setupRequest(request: autocannon.Request) {
        // A tenth of the senders write half of the messages.
        const sender = random.chance(0.5) ? senders[random.int(0, chatty - 1)]! : random.pick(senders);
        const body = asMetaSends(
          JSON.stringify(
            inboundWebhook({
              wabaId: job.wabaId,
              phoneNumberId: job.phoneNumberId,
              from: sender.waId,
              profileName: sender.name,
              message: { type: 'text', text: { body: random.pick(TEXTS) } },
            }),
          ),
        );
        return {
          ...request,
          body,
          headers: { 'content-type': 'application/json', 'x-hub-signature-256': signWebhook(body, job.appSecret) },
        };
      },
    },
  ];
}

parentPort?.on('message', (job: HttpLoadJob & { id: number }) => {
  const latencies: number[] = [];
  const instance = autocannon(
    {
      url: job.url,
      connections: job.connections,
      duration: job.seconds,
      ...(job.webhook ? { requests: webhookRequests(job.webhook) } : { method: 'GET' as const }),
      timeout: 10,
    },
    (err, result) => {
      if (err) {
        parentPort!.postMessage({ id: job.id, error: String(err) });
        return;
      }
      // In a worker thread autocannon hands back its raw counts (it aggregates only on the main thread).
      const raw = result as unknown as {
        totalRequests: number;
        '2xx': number;
        statusCodeStats: Record<string, { count: number }>;
        errors: number;
        timeouts: number;
        duration: number;
      };
      const statuses: Record<string, number> = {};
      for (const [code, { count }] of Object.entries(raw.statusCodeStats)) statuses[code] = count;
      const answer: HttpLoadResult & { id: number } = {
        id: job.id,
        sent: raw.totalRequests,
        ok: raw['2xx'],
        statuses,
        errors: raw.errors,
        timeouts: raw.timeouts,
        seconds: raw.duration,
        latencies,
      };
      parentPort!.postMessage(answer);
    },
  );
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
});
