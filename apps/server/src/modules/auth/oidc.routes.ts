import { LinkedIdentities, OidcLinkInput, OidcPublicConfig, OidcRedirect, OidcUnlinkInput } from '@dentalpro/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../platform/errors.js';
import { toAppError, userIdOf } from '../../platform/http.js';
import { verifyPassword } from '../../platform/passwords.js';
import {
  type LoginOutcome,
  type Origin,
  refuseIfThrottled,
  recordAttempt,
  signInWithIdentity,
} from './auth.service.js';
import { linkIdentity, linkedIdentitiesOf, unlinkIdentity } from './identities.js';
import {
  type OidcProvider,
  type VerifiedIdentity,
  createOidcProvider,
  finishAuthorization,
  startAuthorization,
} from './oidc.js';
import { findUserById } from './users.js';

export type AcceptInvitationWithIdentity = (
  ctx: AppContext,
  input: { token: string; identity: VerifiedIdentity; ip: string; requestId: string },
) => Promise<void>;

/** Binds the provider's answer to the browser that went there (httpOnly, ten minutes, this path only). */
const BROWSER_COOKIE = 'dp_oidc';
const COOKIE_PATH = '/api/v1/auth/oidc';
const tags = ['auth'];

const originOf = (request: FastifyRequest): Origin => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'] ?? '',
  requestId: request.id,
});

const StartInput = z.strictObject({
  /** Accepting an invitation through the provider: the invitation link's token. */
  invitationToken: z.string().min(20).max(200).optional(),
});

export async function oidcRoutes(
  app: FastifyInstance,
  ctx: AppContext,
  opts: {
    acceptInvitationWithIdentity: AcceptInvitationWithIdentity;
    setLoginCookie: (reply: FastifyReply, outcome: LoginOutcome) => unknown;
  },
) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const secure = ctx.config.publicUrl.startsWith('https:');
  const provider: OidcProvider | null = ctx.config.oidc
    ? createOidcProvider(ctx.config.oidc, ctx.config.publicUrl, ctx.logger)
    : null;
  // Discovery at start-up, not awaited: a provider that is down leaves password sign-in working,
  // and the first sign-in through it tries again.
  if (provider) provider.configuration().catch(() => undefined);

  const configured = (): OidcProvider => {
    if (!provider) throw new AppError('oidc_not_configured', { detail: 'No identity provider is configured' });
    return provider;
  };
  const redirectTo = (reply: FastifyReply, url: string, browserToken: string) => {
    reply.setCookie(BROWSER_COOKIE, browserToken, {
      path: COOKIE_PATH,
      httpOnly: true,
      sameSite: 'lax',
      secure,
      maxAge: 10 * 60,
    });
    return { url };
  };

  api.get(
    '/auth/oidc/config',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Whether sign-in through an identity provider is offered',
        response: { 200: OidcPublicConfig },
      },
    },
    async () => ({ enabled: provider !== null, displayName: provider?.settings.displayName ?? null }),
  );

  api.post(
    '/auth/oidc/start',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary:
          "Start signing in (or accepting an invitation) through the identity provider: answers the provider's URL",
        body: StartInput,
        response: { 200: OidcRedirect },
      },
    },
    async (request, reply) => {
      const token = request.body.invitationToken;
      const started = await startAuthorization(ctx.db, configured(), {
        purpose: token ? 'invitation' : 'sign_in',
        userId: null,
        invitationToken: token ?? null,
      });
      return redirectTo(reply, started.url, started.browserToken);
    },
  );

  api.post(
    '/auth/oidc/link',
    {
      schema: {
        tags,
        summary: "Link a provider account to mine (my password first): answers the provider's URL",
        body: OidcLinkInput,
        response: { 200: OidcRedirect },
      },
    },
    async (request, reply) => {
      const oidc = configured();
      const user = await findUserById(ctx.db, userIdOf(request));
      if (!user) throw new AppError('unauthenticated');
      await refuseIfThrottled(ctx.db, user.email, request.ip);
      if (!(await verifyPassword(user.passwordHash, request.body.password))) {
        await recordAttempt(ctx.db, user.email, request.ip, false);
        throw new AppError('invalid_credentials', { detail: 'The password is wrong' });
      }
      const started = await startAuthorization(ctx.db, oidc, {
        purpose: 'link',
        userId: user.id,
        invitationToken: null,
      });
      return redirectTo(reply, started.url, started.browserToken);
    },
  );

  api.post(
    '/auth/oidc/unlink',
    { schema: { tags, summary: 'Unlink my provider account (my password first)', body: OidcUnlinkInput } },
    async (request, reply) => {
      await unlinkIdentity(ctx, {
        userId: userIdOf(request),
        issuer: configured().settings.issuer,
        password: request.body.password,
        origin: originOf(request),
      });
      return reply.status(204).send();
    },
  );

  api.get(
    '/auth/oidc/identities',
    { schema: { tags, summary: 'The provider accounts linked to mine', response: { 200: LinkedIdentities } } },
    async (request) => ({ identities: await linkedIdentitiesOf(ctx.db, userIdOf(request)) }),
  );

  /**
   * The provider sends the browser back here. A browser is redirected to the app (on failure to
   * the sign-in page, the error's code in the address); anything else gets the outcome as JSON
   * or a problem. No session is made unless every check passed.
   */
  api.get(
    '/auth/oidc/callback',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Where the identity provider sends the browser back (register this URL with the provider)',
        querystring: z.record(z.string(), z.string()),
      },
    },
    async (request, reply) => {
      const wantsPage = (request.headers.accept ?? '').includes('text/html');
      reply.clearCookie(BROWSER_COOKIE, { path: COOKIE_PATH, httpOnly: true, sameSite: 'lax', secure });
      try {
        const next = await completeCallback(request, reply);
        return wantsPage ? reply.redirect(next.page, 303) : next.body;
      } catch (err) {
        const problem = toAppError(err);
        if (!wantsPage || (problem.status >= 500 && problem.code !== 'oidc_unavailable')) throw err;
        request.log.info({ code: problem.code, reason: problem.options.extra?.reason }, 'provider sign-in refused');
        return reply.redirect(`/login?oidcError=${encodeURIComponent(problem.code)}`, 303);
      }
    },
  );

  async function completeCallback(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ page: string; body: Record<string, unknown> }> {
    const oidc = configured();
    const callbackUrl = new URL(request.url, ctx.config.publicUrl);
    const { request: started, identity } = await finishAuthorization(ctx.db, oidc, {
      callbackUrl,
      browserToken: request.cookies[BROWSER_COOKIE],
    });
    const origin = originOf(request);
    if (started.purpose === 'link') {
      // The account that asked must still be the one signed in in this browser.
      if (!request.session || request.session.mfaPending || request.session.userId !== started.userId)
        throw new AppError('oidc_state_invalid', { detail: 'Sign in again, then link from your profile' });
      await linkIdentity(ctx, { userId: started.userId, identity, origin });
      return { page: '/login?oidc=linked', body: { linked: true } };
    }
    if (started.purpose === 'invitation')
      await opts.acceptInvitationWithIdentity(ctx, {
        token: started.invitationToken!,
        identity,
        ip: request.ip,
        requestId: request.id,
      });
    const outcome = await signInWithIdentity(ctx, { identity, origin });
    const body = opts.setLoginCookie(reply, outcome) as Record<string, unknown>;
    return { page: outcome.kind === 'mfa' ? '/login?step=mfa' : '/login', body };
  }
}
