import {
  LoginInput,
  LoginResult,
  Me,
  MfaDisableInput,
  MfaEnableInput,
  MfaLoginInput,
  MfaRecoveryCodes,
  MfaSetup,
  PasswordChangeInput,
  PasswordResetConfirmInput,
  PasswordResetRequestInput,
  ProfilePatch,
} from '@dentalpro/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { clearSessionCookie, setSessionCookie, userIdOf } from '../../platform/http.js';
import {
  type LoginOutcome,
  type Origin,
  changePassword,
  completeMfaLogin,
  confirmPasswordReset,
  login,
  logout,
  logoutEverywhere,
  requestPasswordReset,
  updateProfile,
} from './auth.service.js';
import { disableMfa, enableMfa, regenerateRecoveryCodes, startMfaSetup } from './mfa.js';
import { loadMe } from './users.js';
import { oidcRoutes } from './oidc.routes.js';
import type { AcceptInvitationWithIdentity } from './oidc.routes.js';

export const originOf = (request: FastifyRequest): Origin => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'] ?? '',
  requestId: request.id,
});

const tags = ['auth'];

/**
 * The auth routes. `acceptInvitationWithIdentity` is staff's (the composition root hands it over:
 * auth sits below staff and cannot import it): an invitation accepted through the provider.
 */
export async function authRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  opts: { acceptInvitationWithIdentity: AcceptInvitationWithIdentity },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const secure = ctx.config.publicUrl.startsWith('https:');

  /** Puts the session of a login outcome in the cookie and answers with the outcome. */
  const answerLogin = (reply: FastifyReply, outcome: LoginOutcome) => {
    setSessionCookie(reply, outcome.token, secure, outcome.kind === 'mfa' ? 10 * 60_000 : ctx.config.sessionMaxMs);
    if (outcome.kind === 'mfa') return { mfaRequired: true as const };
    if (outcome.kind === 'enrol') return { mfaEnrolmentRequired: true as const };
    return outcome.me;
  };

  await oidcRoutes(app, ctx, { ...opts, setLoginCookie: (reply, outcome) => answerLogin(reply, outcome) });

  api.post(
    '/auth/login',
    {
      config: { auth: 'public' },
      schema: { tags, summary: 'Log in with email and password', body: LoginInput, response: { 200: LoginResult } },
    },
    async (request, reply) => answerLogin(reply, await login(ctx, { ...request.body, origin: originOf(request) })),
  );

  api.post(
    '/auth/login/mfa',
    {
      config: { auth: 'mfa' },
      schema: {
        tags,
        summary: 'Finish logging in with a TOTP or recovery code',
        body: MfaLoginInput,
        response: { 200: Me },
      },
    },
    async (request, reply) => {
      const session = request.session!;
      const outcome = await completeMfaLogin(ctx, {
        pendingSessionId: session.id,
        userId: session.userId,
        ...request.body,
        origin: originOf(request),
      });
      if (outcome.kind !== 'session') throw new Error('a second factor never asks for a third');
      setSessionCookie(reply, outcome.token, secure, ctx.config.sessionMaxMs);
      return outcome.me;
    },
  );

  api.post(
    '/auth/logout',
    { config: { auth: 'public' }, schema: { tags, summary: 'End this session' } },
    async (request, reply) => {
      if (request.session)
        await logout(ctx, { sessionId: request.session.id, userId: request.session.userId, origin: originOf(request) });
      clearSessionCookie(reply, secure);
      return reply.status(204).send();
    },
  );

  api.post(
    '/auth/logout-everywhere',
    { schema: { tags, summary: 'End every session of this account' } },
    async (request, reply) => {
      await logoutEverywhere(ctx, { userId: userIdOf(request), origin: originOf(request) });
      clearSessionCookie(reply, secure);
      return reply.status(204).send();
    },
  );

  api.get(
    '/auth/me',
    {
      config: { beforeMfaEnrolment: true },
      schema: { tags, summary: 'The logged-in user and their practices', response: { 200: Me } },
    },
    async (request) => loadMe(ctx.db, userIdOf(request)),
  );

  api.patch(
    '/auth/me',
    { schema: { tags, summary: 'Update my profile', body: ProfilePatch, response: { 200: Me } } },
    async (request) => updateProfile(ctx, { userId: userIdOf(request), patch: request.body }),
  );

  api.post(
    '/auth/password',
    { schema: { tags, summary: 'Change my password', body: PasswordChangeInput } },
    async (request, reply) => {
      await changePassword(ctx, {
        userId: userIdOf(request),
        sessionId: request.session!.id,
        ...request.body,
        origin: originOf(request),
      });
      return reply.status(204).send();
    },
  );

  api.post(
    '/auth/password-reset/request',
    {
      config: { auth: 'public' },
      schema: { tags, summary: 'Email a password reset link', body: PasswordResetRequestInput },
    },
    async (request, reply) => {
      await requestPasswordReset(ctx, { email: request.body.email, origin: originOf(request) });
      return reply.status(202).send();
    },
  );

  api.post(
    '/auth/password-reset/confirm',
    {
      config: { auth: 'public' },
      schema: { tags, summary: 'Set a new password with an emailed token', body: PasswordResetConfirmInput },
    },
    async (request, reply) => {
      await confirmPasswordReset(ctx, { ...request.body, origin: originOf(request) });
      clearSessionCookie(reply, secure);
      return reply.status(204).send();
    },
  );

  api.post(
    '/auth/mfa/setup',
    {
      config: { beforeMfaEnrolment: true },
      schema: { tags, summary: 'Start two-factor setup', response: { 200: MfaSetup } },
    },
    async (request) => startMfaSetup(ctx, userIdOf(request)),
  );

  api.post(
    '/auth/mfa/enable',
    {
      config: { beforeMfaEnrolment: true },
      schema: {
        tags,
        summary: 'Confirm a code to turn two-factor on',
        body: MfaEnableInput,
        response: { 200: MfaRecoveryCodes },
      },
    },
    async (request) =>
      enableMfa(ctx, { userId: userIdOf(request), code: request.body.code, origin: originOf(request) }),
  );

  api.post(
    '/auth/mfa/disable',
    { schema: { tags, summary: 'Turn two-factor off', body: MfaDisableInput } },
    async (request, reply) => {
      await disableMfa(ctx, { userId: userIdOf(request), password: request.body.password, origin: originOf(request) });
      return reply.status(204).send();
    },
  );

  api.post(
    '/auth/mfa/recovery-codes',
    {
      schema: {
        tags,
        summary: 'Replace my recovery codes',
        body: MfaDisableInput,
        response: { 200: MfaRecoveryCodes },
      },
    },
    async (request) =>
      regenerateRecoveryCodes(ctx, {
        userId: userIdOf(request),
        password: request.body.password,
        origin: originOf(request),
      }),
  );
}
