import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { pgcrypto } from '@electric-sql/pglite/contrib/pgcrypto';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { CamelCasePlugin, Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import lockfile from 'proper-lockfile';
import type { DB } from './schema.js';

export type Db = Kysely<DB>;

export interface Database {
  db: Db;
  pool: pg.Pool;
  /** True when running on the in-process PGlite rather than a PostgreSQL server. */
  embedded: boolean;
  /** Connection string of the database (the loopback socket when embedded). */
  connectionString: string;
  /** Embedded only: a snapshot of the whole data dir (tests clone a migrated template). */
  dumpDataDir?: () => Promise<Blob>;
  close(): Promise<void>;
}

export class DataDirInUseError extends Error {}

/** int8 and numeric come back as strings by default; counts and sequence numbers fit a JS number. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === 20) return (v: string) => Number(v);
    // date: keep 'YYYY-MM-DD'; a JS Date would shift it by the server's time zone.
    if (oid === 1082) return (v: string) => v;
    return pg.types.getTypeParser(oid, format as 'text');
  }) as typeof pg.types.getTypeParser,
};

export function kyselyOn(pool: pg.Pool): Db {
  // Nested keys stay as stored: JSON columns hold Meta's payloads and audit changes verbatim.
  return new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    plugins: [new CamelCasePlugin({ maintainNestedObjectKeys: true })],
  });
}

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  poolSize: number;
  /** Embedded only: start from a copy of this data dir dump (tests use a migrated template). */
  loadDataDir?: Blob;
  /** Embedded only: keep the database in memory (tests); nothing is written under dataDir. */
  inMemory?: boolean;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolSize, types });
    // An idle connection the server drops (restart, failover, admin kill) must not crash the process;
    // the pool replaces it on the next checkout.
    pool.on('error', (err) => console.error(`idle database connection lost: ${err.message}`));
    return {
      db: kyselyOn(pool),
      pool,
      embedded: false,
      connectionString: opts.databaseUrl,
      close: () => pool.end(),
    };
  }
  return openEmbedded(opts);
}

/**
 * PGlite runs in this process and is served on a loopback port, so the very same pg Pool,
 * Kysely and migrations run on it as on PostgreSQL. A lock on the data dir stops a second
 * process (a CLI while the server runs, a second server) from opening and corrupting it.
 */
async function openEmbedded(opts: OpenDatabaseOptions): Promise<Database> {
  let releaseLock: (() => Promise<void>) | undefined;
  let dataDir: string | undefined;
  if (!opts.inMemory) {
    mkdirSync(opts.dataDir, { recursive: true });
    dataDir = path.join(opts.dataDir, 'pgdata');
    try {
      releaseLock = await lockfile.lock(opts.dataDir, {
        lockfilePath: path.join(opts.dataDir, 'pgdata.lock'),
        stale: 10_000,
        retries: 0,
        onCompromised: (err) => {
          // Another process took the lock from us: stop rather than write into its database.
          console.error(`DentalPro lost the lock on ${opts.dataDir}: ${err.message}. Stopping.`);
          process.exit(70);
        },
      });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ELOCKED') {
        throw new DataDirInUseError(
          `The embedded database in ${opts.dataDir} is in use by another DentalPro process ` +
            `(a running server or CLI). Stop it first, or point DATABASE_URL at PostgreSQL to run ` +
            `several processes at once. If nothing else is running, the lock frees itself within 10 seconds.`,
        );
      }
      throw err;
    }
  }
  const pglite = await PGlite.create({
    dataDir,
    loadDataDir: opts.loadDataDir,
    extensions: { btree_gist, pg_trgm, pgcrypto },
  });
  // One connection. PGlite is one backend session shared by every socket, and pglite-socket
  // interleaves the protocol messages of different sockets: one socket's Parse can replace the
  // unnamed statement another socket is about to Bind. A single connection keeps each query's
  // messages together; PGlite runs one query at a time anyway, so nothing is lost.
  const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 4 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  const connectionString = `postgres://postgres@${host}:${port}/postgres`;
  const pool = new pg.Pool({ connectionString, max: 1, types });
  pool.on('error', (err) => console.error(`embedded database connection error: ${err.message}`));
  return {
    db: kyselyOn(pool),
    pool,
    embedded: true,
    connectionString,
    dumpDataDir: async () => (await pglite.dumpDataDir('none')) as Blob,
    async close() {
      await pool.end();
      await server.stop();
      await pglite.close();
      await releaseLock?.();
    },
  };
}
