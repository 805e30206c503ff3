import { buildApp } from './app.js';
import { startBackgroundWork } from './background.js';
import { ConfigError, loadConfig } from './config.js';
import { EMBEDDED_NOTICE, openAppContext } from './bootstrap.js';
import { DataDirInUseError } from './db/connection.js';
import { SANDBOX_GRAPH_PREFIX } from './modules/messaging/sandbox.js';
import { createLogger } from './platform/logger.js';

// start: config → database (+ migrations) → HTTP → background work (jobs, WhatsApp pumps).
async function main() {
  const started = performance.now();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const ctx = await openAppContext(config, logger);
  if (ctx.database.embedded) process.stderr.write(`\n${EMBEDDED_NOTICE}\n\n`);
  if (ctx.applied.length > 0) logger.info({ migrations: ctx.applied }, 'migrations applied');
  const app = await buildApp(ctx, { logger });
  await app.listen({ port: config.port, host: config.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  // The sandbox plays Meta on this very server; its Graph API lives under our own address.
  if (config.whatsapp.sandbox && !config.whatsapp.graphUrl)
    ctx.graph.url = `http://127.0.0.1:${port}${SANDBOX_GRAPH_PREFIX}`;
  // Background work (WHATSAPP_WORKERS=false leaves it to `npm run worker` processes).
  const background = config.whatsapp.runWorkers ? startBackgroundWork(ctx) : null;
  logger.info(
    {
      url: config.publicUrl,
      database: ctx.database.embedded ? 'embedded' : 'postgresql',
      whatsapp: config.whatsapp.sandbox ? `sandbox (${config.publicUrl}/sandbox/whatsapp)` : 'meta',
      startupMs: Math.round(performance.now() - started),
    },
    'DentalPro is ready',
  );

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    await app.close();
    await background?.stop();
    await ctx.events.close();
    await ctx.database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DataDirInUseError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(
      `DentalPro failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
  process.exit(1);
});
