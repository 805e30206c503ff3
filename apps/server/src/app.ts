import { existsSync } from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler } from 'fastify-type-provider-zod';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from './context.js';
import { pendingMigrations } from './db/migrate.js';
import { assistantRoutes } from './modules/assistant/assistant.routes.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { consentRoutes } from './modules/consent/consent.routes.js';
import { clinicalRoutes } from './modules/clinical/clinical.routes.js';
import { messagingRoutes } from './modules/messaging/messaging.routes.js';
import { sandboxRoutes } from './modules/messaging/sandbox.js';
import { webhookRoutes } from './modules/messaging/webhook.routes.js';
import { agendaRoutes } from './modules/notifications/agenda.routes.js';
import { notificationsRoutes } from './modules/notifications/notifications.routes.js';
import { remindersRoutes } from './modules/reminders/reminders.routes.js';
import { breachesRoutes } from './modules/privacy/breaches.routes.js';
import { requestsRoutes } from './modules/privacy/requests.routes.js';
import { policyRoutes } from './modules/privacy/policy.routes.js';
import { recordsRoutes } from './modules/privacy/records.routes.js';
import { retentionRoutes } from './modules/privacy/retention.routes.js';
import { practiceExportRoutes } from './modules/privacy/practice-export.routes.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { patientsRoutes } from './modules/patients/patients.routes.js';
import { practicesRoutes } from './modules/practices/practices.routes.js';
import { appointmentsRoutes } from './modules/scheduling/appointments.routes.js';
import { schedulingSettingsRoutes } from './modules/scheduling/settings.routes.js';
import { waitlistRoutes } from './modules/scheduling/waitlist.routes.js';
import { staffRoutes } from './modules/staff/staff.routes.js';
import { acceptInvitationWithIdentity } from './modules/staff/staff.service.js';
import { AppError } from './platform/errors.js';
import { registerAuth, registerErrorHandling, routeNotFound } from './platform/http.js';
import type { Logger } from './platform/logger.js';
import { registerInputGate, validatorCompiler } from './platform/validation.js';

export type App = FastifyInstance;

export async function buildApp(ctx: AppContext, opts: { logger: Logger }): Promise<FastifyInstance> {
  const { config } = ctx;
  const app = Fastify({
    loggerInstance: opts.logger,
    genReqId: () => randomUUID(),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // JSON only: a text/plain body is refused with 415 rather than parsed into a string.
  app.removeContentTypeParser('text/plain');

  // The app loads nothing from anywhere but this server (the privacy policy promises it): every
  // source is 'self' (images also data: and blob: for previews it makes itself). Only swagger-ui on
  // /api/docs gets the inline styles it needs (docsContentSecurityPolicy below).
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'base-uri': ["'self'"],
        'connect-src': ["'self'"],
        'font-src': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'self'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'media-src': ["'self'", 'blob:'],
        'object-src': ["'none'"],
        'script-src': ["'self'"],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'"],
        ...(config.publicUrl.startsWith('https:') ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    hsts: config.publicUrl.startsWith('https:'),
  });
  app.addHook('onSend', async (request, reply) => {
    if (request.url === '/api/docs' || request.url.startsWith('/api/docs/'))
      reply.header('content-security-policy', docsContentSecurityPolicy);
  });
  await app.register(cookie);
  registerErrorHandling(app);
  // Only routes that ask for it (config.rateLimit) are limited, per address, in this process's memory:
  // a guard against flooding, not a count that must hold across processes.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, limit) =>
      new AppError('rate_limited', {
        detail: `Too many requests from this address; try again in ${limit.after}`,
        retryAfterSeconds: Math.ceil(limit.ttl / 1000),
      }),
  });
  const secureCookies = config.publicUrl.startsWith('https:');
  const allowedOrigins = [new URL(config.publicUrl).origin];
  // Without PUBLIC_URL the server is this machine's: both spellings of loopback open it.
  if (!config.publicUrlSet) allowedOrigins.push(...loopbackOrigins(config.publicUrl));
  if (config.env !== 'production') allowedOrigins.push('http://localhost:5173', 'http://127.0.0.1:5173');
  registerAuth(app, {
    db: ctx.db,
    sessionPolicy: { secret: config.sessionSecret, idleMs: config.sessionIdleMs, maxMs: config.sessionMaxMs },
    allowedOrigins,
    secureCookies,
  });
  registerInputGate(app, { bodyLimitBytes: config.bodyLimitBytes });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'DentalPro API',
        version: '1.0.0',
        description: 'Errors are RFC 9457 problem+json with a stable `code`.',
      },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'dp_session' } } },
      security: [{ session: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });
  app.get('/api/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () => app.swagger());

  const migrationsAtStart = await pendingMigrations(ctx.db);
  app.get('/healthz', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { config: { auth: 'public' }, schema: { hide: true } }, async () => {
    try {
      await sql`SELECT 1`.execute(ctx.db);
    } catch {
      throw new AppError('service_unavailable', { detail: 'The database is not reachable' });
    }
    if (migrationsAtStart.length > 0)
      throw new AppError('service_unavailable', { detail: `Migrations not applied: ${migrationsAtStart.join(', ')}` });
    return { status: 'ready' };
  });

  await app.register(
    async (api) => {
      // An invitation accepted through the identity provider is staff's to record.
      await authRoutes(api, ctx, { acceptInvitationWithIdentity });
      await practicesRoutes(api, ctx);
      await staffRoutes(api, ctx);
      await auditRoutes(api, ctx);
      await patientsRoutes(api, ctx);
      await schedulingSettingsRoutes(api, ctx);
      await appointmentsRoutes(api, ctx);
      await waitlistRoutes(api, ctx);
      await clinicalRoutes(api, ctx);
      await messagingRoutes(api, ctx);
      await assistantRoutes(api, ctx);
      await consentRoutes(api, ctx);
      await notificationsRoutes(api, ctx);
      await agendaRoutes(api, ctx);
      await remindersRoutes(api, ctx);
      await policyRoutes(api, ctx);
      await recordsRoutes(api, ctx);
      await breachesRoutes(api, ctx);
      await requestsRoutes(api, ctx);
      await retentionRoutes(api, ctx);
      await practiceExportRoutes(api, ctx);
    },
    { prefix: '/api/v1' },
  );
  await webhookRoutes(app, ctx);
  await sandboxRoutes(app, ctx);

  await serveWebApp(app, config.webDistDir);
  return app;
}

/** swagger-ui's page: its own scripts and styles from this server, plus the inline styles and data: images it uses. */
const docsContentSecurityPolicy = [
  "default-src 'self'",
  "base-uri 'self'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "object-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "frame-ancestors 'self'",
].join('; ');

/** The other loopback spellings of a loopback URL's origin (same scheme and port). */
function loopbackOrigins(url: string): string[] {
  const u = new URL(url);
  const spellings = ['localhost', '127.0.0.1'];
  if (!spellings.includes(u.hostname)) return [];
  return spellings
    .filter((h) => h !== u.hostname)
    .map((h) => {
      const other = new URL(u.origin);
      other.hostname = h;
      return other.origin;
    });
}

/** The built React app, from the same origin; any other page path falls back to index.html. */
async function serveWebApp(app: FastifyInstance, distDir: string) {
  if (!existsSync(path.join(distDir, 'index.html'))) {
    app.setNotFoundHandler(routeNotFound);
    return;
  }
  await app.register(fastifyStatic, {
    root: distDir,
    wildcard: false,
    index: false,
    // Vite names built assets by content hash, so they never change; index.html always revalidates.
    setHeaders: (res, filePath) => {
      res.header(
        'cache-control',
        filePath.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  app.setNotFoundHandler((request, reply) => {
    const urlPath = request.url.split('?')[0] ?? '/';
    const isPage =
      (request.method === 'GET' || request.method === 'HEAD') &&
      !/^\/(api|webhooks)\//.test(urlPath) &&
      !path.extname(urlPath);
    return isPage ? reply.header('cache-control', 'no-cache').sendFile('index.html') : routeNotFound(request, reply);
  });
}
