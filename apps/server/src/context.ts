import type { Config } from './config.js';
import type { Database } from './db/connection.js';
import type { DataOwner } from './platform/data-owners.js';
import type { EventBus } from './platform/events.js';
import type { Logger } from './platform/logger.js';
import type { Mailer } from './platform/mail.js';

/** What every module's routes and services get: plain values, no container. */
export interface AppContext {
  config: Config;
  database: Database;
  db: Database['db'];
  mailer: Mailer;
  /** For what happens outside a request (mail failures, jobs); request handlers log through request.log. */
  logger: Logger;
  /** Live notifications (inbox updates) and in-process wake-ups of background work. */
  events: EventBus;
  /** The sandbox's Graph API address, known once the server listens (null otherwise). */
  graph: { url: string | null };
  /** Every module that keeps rows about patients (registry.ts): merge and death loop over them. */
  dataOwners: readonly DataOwner[];
}
