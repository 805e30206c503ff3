import { ConfigError, loadConfig } from './config.js';
import { openAppContext } from './bootstrap.js';
import { DataDirInUseError } from './db/connection.js';
import { startBackgroundWork } from './background.js';
import { SANDBOX_GRAPH_PREFIX } from './modules/messaging/sandbox.js';
import { createLogger } from './platform/logger.js';

/**
 * The background work alone, for scaling out beside web processes on PostgreSQL (run those
 * with WHATSAPP_WORKERS=false): the job runner (every module's jobs, event listeners and
 * schedules) and the WhatsApp pumps (stored webhooks, the outbox). The database shares the work
 * out, so any number of these may run.
 */
async function main() {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  if (!config.databaseUrl)
    throw new ConfigError(
      'The worker runs beside a web process on PostgreSQL: set DATABASE_URL (the embedded database serves one process)',
    );
  const ctx = await openAppContext(config, logger);
  // In sandbox mode the fake Graph API lives in the web process.
  if (!config.whatsapp.graphUrl) ctx.graph.url = `${config.publicUrl}${SANDBOX_GRAPH_PREFIX}`;
  const background = startBackgroundWork(ctx);
  logger.info({ whatsapp: config.whatsapp.sandbox ? 'sandbox' : 'meta' }, 'DentalPro worker is running');
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await background.stop();
    await ctx.events.close();
    await ctx.database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((err) => {
  process.stderr.write(
    err instanceof ConfigError || err instanceof DataDirInUseError
      ? `${err.message}\n`
      : `DentalPro worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
