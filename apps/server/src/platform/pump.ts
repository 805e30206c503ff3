import type { Logger } from './logger.js';

/**
 * A background loop over a table of work (webhook deliveries, the outbox, media to fetch), for
 * the pumps modules register with the job system (BackgroundPump in jobs.ts).
 * The table is the queue and the database settles who takes what (SKIP LOCKED claims), so any
 * number of processes can run the same pump. `run` returns how much it did: while there is
 * work it runs again at once; otherwise it sleeps until woken or until `idleMs` passes.
 */
export interface Pump {
  wake(): void;
  stop(): Promise<void>;
}

export function startPump(opts: { name: string; logger: Logger; idleMs: number; run: () => Promise<number> }): Pump {
  let running = true;
  const alarm = createAlarm();
  let failures = 0;
  const loop = (async () => {
    while (running) {
      try {
        const done = await opts.run();
        failures = 0;
        if (done === 0 && running) await alarm.sleep(opts.idleMs);
      } catch (err) {
        failures += 1;
        opts.logger.error({ err, pump: opts.name }, 'background work failed; retrying');
        // Back off while the database is away rather than spinning.
        await new Promise((r) => setTimeout(r, Math.min(30_000, 200 * 2 ** Math.min(failures, 8))));
      }
    }
  })();
  return {
    wake: alarm.wake,
    async stop() {
      running = false;
      alarm.wake();
      await loop;
    },
  };
}

/**
 * A sleep that a wake-up cuts short. A wake-up while awake is kept, so the next sleep returns at
 * once: work that arrived while the loop was busy is never slept through.
 */
export function createAlarm() {
  let wakeUp: (() => void) | null = null;
  let woken = false;
  return {
    sleep(ms: number) {
      return new Promise<void>((resolve) => {
        if (woken) {
          woken = false;
          resolve();
          return;
        }
        const timer = setTimeout(done, Math.max(0, ms));
        function done() {
          clearTimeout(timer);
          wakeUp = null;
          woken = false;
          resolve();
        }
        wakeUp = done;
      });
    },
    wake() {
      if (wakeUp) wakeUp();
      else woken = true;
    },
  };
}
