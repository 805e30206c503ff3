import { askWorker, startTsWorker } from './ts-worker.js';

/**
 * autocannon in a worker thread, so that the client's work (building and signing bodies,
 * parsing answers) does not run on the server's event loop. Latencies are autocannon's
 * (request written → answer parsed), one value per 2xx answer.
 */

export interface HttpLoadJob {
  url: string;
  connections: number;
  seconds: number;
  /** Signed WhatsApp webhook deliveries, a new one for each request; unset: GET of `url`. */
  webhook?: {
    path: string;
    appSecret: string;
    wabaId: string;
    phoneNumberId: string;
    senders: { waId: string; name: string }[];
    seed: number;
  };
}

export interface HttpLoadResult {
  sent: number;
  ok: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  seconds: number;
  latencies: number[];
}

export interface HttpLoad {
  run(job: HttpLoadJob): Promise<HttpLoadResult>;
  close(): Promise<void>;
}

export function startHttpLoad(): HttpLoad {
  const worker = startTsWorker(new URL('./http-load.worker.ts', import.meta.url));
  const ask = askWorker(worker);
  return {
    run: (job) => ask<HttpLoadResult>(job),
    async close() {
      await worker.terminate();
    },
  };
}
