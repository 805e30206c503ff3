import { EventEmitter } from 'node:events';
import { sql } from 'kysely';
import pg from 'pg';
import type { Logger } from './logger.js';
import type { Tx } from './tenancy.js';

/**
 * Live notifications between parts of the server (the inbox's server-sent events, the
 * sandbox phone). On PostgreSQL they travel through NOTIFY/LISTEN so that every server
 * process hears every event; on the embedded database (one process) they stay in memory.
 * Notifications are hints to refetch, never the data itself: a missed one costs a refresh.
 */
export interface EventBus {
  publish(topic: string, payload: object): void;
  subscribe(topic: string, listener: (payload: unknown) => void): () => void;
  /** In this process only: wakes a background loop here (other processes poll). */
  signal(topic: string): void;
  onSignal(topic: string, listener: () => void): () => void;
  close(): Promise<void>;
}

const CHANNEL = 'dentalpro_events';

/**
 * Publishes when tx commits (never for a rolled-back one), for a change made deep in a use case
 * whose caller cannot be relied on to publish after it. It travels through the database: every
 * server process listening hears it (on PostgreSQL its LISTEN connection, embedded the pool's one
 * session). A bus created without either (the tests' in-memory bus on PostgreSQL) does not.
 */
export async function publishAtCommit(tx: Tx, topic: string, payload: object): Promise<void> {
  await sql`SELECT pg_notify(${CHANNEL}, ${JSON.stringify({ topic, payload })})`.execute(tx);
}

export function createEventBus(opts: {
  databaseUrl?: string;
  logger: Logger;
  /**
   * The embedded database's pool: its one session also hears the database's own notifications
   * (a job queued, at commit), which arrive on whichever connection ran the COMMIT.
   */
  embeddedPool?: pg.Pool;
}): EventBus {
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const signals = new EventEmitter();
  signals.setMaxListeners(0);
  const signalling = {
    signal: (topic: string) => void signals.emit(topic),
    onSignal(topic: string, listener: () => void) {
      signals.on(topic, listener);
      return () => signals.off(topic, listener);
    },
  };
  const deliver = (msg: pg.Notification) => {
    if (msg.channel !== CHANNEL || !msg.payload) return;
    try {
      const { topic, payload } = JSON.parse(msg.payload) as { topic: string; payload: unknown };
      local.emit(topic, payload);
    } catch {
      opts.logger.warn('event bus: unreadable notification ignored');
    }
  };
  if (!opts.databaseUrl) {
    if (opts.embeddedPool) listenThroughPool(opts.embeddedPool, deliver, opts.logger);
    return {
      ...signalling,
      publish: (topic, payload) => void local.emit(topic, payload),
      subscribe(topic, listener) {
        local.on(topic, listener);
        return () => local.off(topic, listener);
      },
      close: async () => void local.removeAllListeners(),
    };
  }

  let closed = false;
  let client: pg.Client | null = null;
  const connect = async () => {
    const c = new pg.Client({ connectionString: opts.databaseUrl });
    c.on('notification', deliver);
    c.on('error', (err) => {
      opts.logger.warn({ err: err.message }, 'event bus connection lost; reconnecting');
      client = null;
      if (!closed) setTimeout(() => void connect().catch(() => undefined), 1000).unref();
    });
    await c.connect();
    await c.query(`LISTEN ${CHANNEL}`);
    client = c;
  };
  const ready = connect().catch((err) => {
    opts.logger.warn({ err: (err as Error).message }, 'event bus could not listen; live updates degrade to polling');
  });
  let sending: Promise<void> = ready;
  // Notifications published while one query is on its way go together in the next: a burst of
  // messages costs a round trip, not one each.
  let batch: string[] = [];
  const flush = async () => {
    const payloads = batch;
    batch = [];
    if (!client || payloads.length === 0) return;
    await client
      .query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [CHANNEL, payloads])
      .catch((err: Error) => {
        opts.logger.warn({ err: err.message }, 'event bus: notify failed');
      });
  };
  return {
    ...signalling,
    publish(topic, payload) {
      batch.push(JSON.stringify({ topic, payload }));
      // One query at a time on the listening connection (pg queues them, but will stop doing so).
      if (batch.length === 1) sending = sending.then(flush);
    },
    subscribe(topic, listener) {
      local.on(topic, listener);
      return () => local.off(topic, listener);
    },
    async close() {
      closed = true;
      local.removeAllListeners();
      await sending;
      await client?.end().catch(() => undefined);
    },
  };
}

/** Every connection of the pool, the open ones and those it makes later, listens and delivers. */
function listenThroughPool(pool: pg.Pool, deliver: (msg: pg.Notification) => void, logger: Logger) {
  const listening = new WeakSet<pg.ClientBase>();
  const listen = (client: pg.ClientBase) => {
    if (listening.has(client)) return;
    listening.add(client);
    client.on('notification', deliver);
    client
      .query(`LISTEN ${CHANNEL}`)
      .catch((err: Error) => logger.warn({ err: err.message }, 'event bus could not listen'));
  };
  pool.on('connect', listen);
  pool.connect().then(
    (client) => {
      listen(client);
      client.release();
    },
    (err: Error) => logger.warn({ err: err.message }, 'event bus could not listen'),
  );
}
