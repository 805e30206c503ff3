import { Worker } from 'node:worker_threads';

/**
 * A worker thread running a TypeScript module of bench/: loaded through tsx's API, since Node 20
 * does not pass `--import tsx` on to workers.
 */
export function startTsWorker(file: URL, workerData?: unknown): Worker {
  const source = `import('tsx/esm/api').then((tsx) => tsx.tsImport(${JSON.stringify(file.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(source, { eval: true, workerData });
}

/** Request and answer over a worker's messages, matched by id. */
export function askWorker(worker: Worker) {
  let nextId = 0;
  const pending = new Map<number, { resolve: (answer: never) => void; reject: (err: Error) => void }>();
  worker.on('message', (m: { id?: number; error?: string }) => {
    if (m.id === undefined) return;
    const waiting = pending.get(m.id);
    pending.delete(m.id);
    if (m.error !== undefined) waiting?.reject(new Error(m.error));
    else waiting?.resolve(m as never);
  });
  worker.on('error', (err) => {
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  });
  return function ask<T>(message: object): Promise<T> {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (answer: never) => void, reject });
      worker.postMessage({ ...message, id });
    });
  };
}
