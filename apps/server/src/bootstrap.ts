import type { AppContext } from './context.js';
import type { Config } from './config.js';
import { type OpenDatabaseOptions, openDatabase } from './db/connection.js';
import { migrateToLatest } from './db/migrate.js';
import { createEventBus } from './platform/events.js';
import type { Logger } from './platform/logger.js';
import { createMailer } from './platform/mail.js';
import { DATA_OWNERS } from './registry.js';

/** Opens the database, brings it to the latest schema and assembles what services need. */
export async function openAppContext(
  config: Config,
  logger: Logger,
  dbOptions: Partial<OpenDatabaseOptions> = {},
): Promise<AppContext & { applied: string[] }> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
    ...dbOptions,
  });
  try {
    const applied = await migrateToLatest(database.db);
    return {
      config,
      database,
      db: database.db,
      logger,
      mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, logger }),
      events: createEventBus({
        databaseUrl: config.databaseUrl,
        logger,
        embeddedPool: database.embedded ? database.pool : undefined,
      }),
      graph: { url: null },
      dataOwners: DATA_OWNERS,
      applied,
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}

export const EMBEDDED_NOTICE = [
  'DentalPro is running on its embedded database (PGlite in DATA_DIR).',
  'It is for trying DentalPro, demos and development - not for real patient data: it does not',
  'fsync, and only one process can use it. For real use set DATABASE_URL to a PostgreSQL 15+',
  'database, e.g. DATABASE_URL=postgres://dentalpro:secret@localhost:5432/dentalpro (see README).',
].join('\n');
