import type { Permission, Role } from '@dentalpro/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { Db } from '../db/connection.js';
import { type Actor, can } from './access.js';
import { AppError, type ZodIssueFields, fieldErrorOf, perKey } from './errors.js';
import { SESSION_COOKIE, type CurrentSession, type SessionPolicy, lookupSession } from './session.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * public: anyone; session (default): a logged-in user; mfa: a user who has given their
     * password but not yet their second factor. Routes with a :practiceId need a membership.
     */
    auth?: 'public' | 'session' | 'mfa';
    /** Permission required in the practice of the route's :practiceId. */
    permission?: Permission;
    /** Open to a session that must enrol two-step first (reading the profile, enrolling). */
    beforeMfaEnrolment?: boolean;
  }
  interface FastifyInstance {
    /** Every route with its access rules: walked by the tenancy test and documented in docs/roles.md. */
    routeCatalog: RouteEntry[];
  }
  interface FastifyRequest {
    session: CurrentSession | null;
    /** Set on practice routes once membership is checked. */
    actor: Actor | null;
    /** The session user's role in the URL's practice (null: not a member), read with the session. */
    practiceRole: Role | null | undefined;
    /** The URL's practice's calendar revision, read with the session (see lookupSession). */
    calendarRevision: string | undefined;
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  auth: 'public' | 'session' | 'mfa';
  permission: Permission | undefined;
}

export interface HttpAuthOptions {
  db: Db;
  sessionPolicy: SessionPolicy;
  /** Origins allowed to make cookie-authenticated unsafe requests. */
  allowedOrigins: string[];
  secureCookies: boolean;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function registerAuth(app: FastifyInstance, opts: HttpAuthOptions) {
  const catalog: RouteEntry[] = [];
  app.decorate('routeCatalog', catalog);
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { auth?: RouteEntry['auth']; permission?: Permission };
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      catalog.push({ method, url: route.url, auth: authOf(route.url, config.auth), permission: config.permission });
    }
  });
  app.decorateRequest('session', null);
  app.decorateRequest('actor', null);
  app.decorateRequest('practiceRole', undefined);
  app.decorateRequest('calendarRevision', undefined);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const token = request.cookies[SESSION_COOKIE];
    if (UNSAFE.has(request.method)) checkOrigin(request, opts.allowedOrigins, Boolean(token));
    if (!token) return;
    const found = await lookupSession(opts.db, opts.sessionPolicy, token, practiceIdOf(request));
    if (found.status === 'valid') {
      request.session = found.session;
      request.practiceRole = found.role;
      request.calendarRevision = found.calendarRevision;
    } else {
      clearSessionCookie(reply, opts.secureCookies);
      // Public routes (login, say) go on without a session; elsewhere say why it ended.
      if (found.status === 'expired' && request.routeOptions.config.auth !== 'public') {
        throw new AppError('session_expired');
      }
    }
  });

  // Before the body is read (hooks run in order: the session is known by now). A stranger gets
  // 401/403/404 whatever they send, and a body they may not send (a 15 MB upload, say) is never
  // parsed or stored: Node discards its bytes as they arrive.
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (!request.routeOptions.url) return;
    const auth = authOf(request.routeOptions.url, config.auth);
    if (auth === 'public') return;
    const session = request.session;
    if (!session) throw new AppError('unauthenticated');
    if (session.mfaPending && auth !== 'mfa') throw new AppError('mfa_required');
    if (!session.mfaPending && auth === 'mfa')
      throw new AppError('unauthenticated', { detail: 'No login is waiting for a code' });
    if (session.mfaEnrolmentRequired && !config.beforeMfaEnrolment) throw new AppError('mfa_enrolment_required');

    if ((request.params as { practiceId?: string } | undefined)?.practiceId === undefined) return;
    // Not a member, or not a practice at all: the same 404, so ids of other practices reveal nothing.
    // The role came with the session (lookupSession); a malformed id was never looked up.
    const role = request.practiceRole;
    if (!role) throw new AppError('practice_not_found');
    request.actor = { userId: session.userId, role, ip: request.ip, requestId: request.id };
    if (config.permission && !can(request.actor, config.permission)) {
      throw new AppError('forbidden', { detail: `Your role (${role}) does not have ${config.permission}` });
    }
  });
}

/** The practice id of the URL when it is a well-formed uuid. */
function practiceIdOf(request: FastifyRequest): string | undefined {
  const practiceId = (request.params as { practiceId?: string } | undefined)?.practiceId;
  return practiceId !== undefined && UUID.test(practiceId) ? practiceId : undefined;
}

/** API routes need a session unless they say otherwise; static files and API docs are public. */
function authOf(url: string, declared: RouteEntry['auth'] | undefined): RouteEntry['auth'] {
  return declared ?? (url.startsWith('/api/v1/') ? 'session' : 'public');
}

function checkOrigin(request: FastifyRequest, allowed: string[], hasSessionCookie: boolean) {
  const origin = request.headers.origin ?? refererOrigin(request.headers.referer);
  if (origin === undefined) {
    if (hasSessionCookie)
      throw new AppError('csrf_origin_mismatch', { detail: 'Requests made with a session must send Origin' });
    return;
  }
  if (!allowed.includes(origin)) throw new AppError('csrf_origin_mismatch');
}

function refererOrigin(referer: string | undefined) {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'invalid';
  }
}

export function setSessionCookie(reply: FastifyReply, token: string, secure: boolean, maxAgeMs: number) {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: Math.floor(maxAgeMs / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean) {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}

/** The actor of a practice route (set by the access hook, before the body is read). */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new Error('actorOf called on a route without :practiceId');
  return request.actor;
}

/** The logged-in user's id on a session route. */
export function userIdOf(request: FastifyRequest): string {
  if (!request.session) throw new AppError('unauthenticated');
  return request.session.userId;
}

export function routeNotFound(request: FastifyRequest, reply: FastifyReply) {
  const urlPath = request.url.split('?')[0];
  const problem = new AppError('route_not_found', { detail: `${request.method} ${urlPath} does not exist` });
  return reply.status(404).type('application/problem+json').send(problem.toProblem(urlPath));
}

/** One error handler: everything leaves as RFC 9457 problem+json with a stable code. */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error, request, reply) => {
    const problem = toAppError(error, validatedInput(request, error));
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: problem.code }, 'request refused');
    if (problem.options.retryAfterSeconds !== undefined)
      reply.header('retry-after', String(problem.options.retryAfterSeconds));
    void reply
      .status(problem.status)
      .type('application/problem+json')
      .send(problem.toProblem(request.url.split('?')[0]));
  });
}

/** The part of the request a schema refused (body, querystring, params), as it arrived. */
function validatedInput(request: FastifyRequest, error: unknown): unknown {
  const context = (error as { validationContext?: string }).validationContext;
  if (context === 'body') return request.body;
  if (context === 'querystring') return request.query;
  if (context === 'params') return request.params;
  if (context === 'headers') return request.headers;
  return undefined;
}

/**
 * Any thrown error as the AppError the API answers with (for answers already streaming, too).
 * `input` is the refused part of the request, for schema errors: it tells a missing field from a wrong one.
 */
export function toAppError(error: unknown, input?: unknown): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    return new AppError('validation_failed', {
      detail: `The ${error.validationContext ?? 'request'} is not valid`,
      errors: error.validation
        .flatMap((v) =>
          perKey({
            ...(v.params as Record<string, unknown>),
            code: v.keyword as ZodIssueFields['code'],
            path: !v.instancePath || v.instancePath === '/' ? [] : v.instancePath.slice(1).split('/'),
            message: v.message ?? 'invalid',
          }),
        )
        .map((issue) => fieldErrorOf(issue, input)),
    });
  }
  const e = error as { code?: string; statusCode?: number; message?: string };
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('malformed_json', { detail: e.message });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('validation_failed', { detail: 'Content-Length does not match the body' });
  }
  if (e.statusCode === 400 && error instanceof SyntaxError)
    return new AppError('malformed_json', { detail: e.message });
  if (e.statusCode === 413) return new AppError('payload_too_large');
  return new AppError('internal_error');
}
