import {
  Email,
  LinkedIdentities,
  OidcLinkInput,
  OidcPublicConfig,
  OidcRedirect,
  OidcUnlinkInput,
  PracticeIdParams,
  PracticeIdentityProviderInput,
  PracticeIdentityProviderSettings,
} from '@dentalpro/contracts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../platform/errors.js';
import { actorOf, toAppError, userIdOf } from '../../platform/http.js';
import { listMemberships } from '../../platform/tenancy.js';
import { verifyPassword } from '../../platform/passwords.js';
import {
  type LoginOutcome,
  type Origin,
  refuseIfThrottled,
  recordAttempt,
  signInWithIdentity,
} from './auth.service.js';
import { linkIdentity, linkedIdentitiesOf, unlinkIdentity } from './identities.js';
import { type OidcProvider, type VerifiedIdentity, finishAuthorization, startAuthorization } from './oidc.js';
import {
  anyPracticeProvider,
  createProviderDirectory,
  getPracticeIdentityProvider,
  practiceForEmail,
  providersAvailableTo,
  removePracticeIdentityProvider,
  savePracticeIdentityProvider,
} from './practice-providers.js';
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
  /** "Sign in with your practice's account": the work address, whose domain finds the practice's provider. */
  email: Email.optional(),
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
  const directory = createProviderDirectory(ctx);
  const provider = directory.deployment;
  // Discovery at start-up, not awaited: a provider that is down leaves password sign-in working,
  // and the first sign-in through it tries again. A practice's provider is discovered on first use.
  if (provider) provider.configuration().catch(() => undefined);

  const configured = (): OidcProvider => {
    if (!provider) throw new AppError('oidc_not_configured', { detail: 'No identity provider is configured' });
    return provider;
  };
  /** The provider serving this work address's domain: a practice's own. Says no more than "none" otherwise. */
  const practiceProviderFor = async (email: string) => {
    const practiceId = await practiceForEmail(ctx.db, email);
    if (!practiceId)
      throw new AppError('oidc_domain_unknown', {
        detail: 'No practice here signs in with accounts of this email domain; use your password or the button above',
      });
    return { practiceId, provider: await directory.forPractice(practiceId) };
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
    async () => ({
      enabled: provider !== null,
      displayName: provider?.settings.displayName ?? null,
      practiceProviders: await anyPracticeProvider(ctx.db),
    }),
  );

  api.post(
    '/auth/oidc/start',
    {
      // Public, and each start stores a state row and may call the provider: limited per address.
      config: { auth: 'public', rateLimit: { max: ctx.config.oidcStartsPerMinute, timeWindow: 60_000 } },
      schema: {
        tags,
        summary:
          "Start signing in (or accepting an invitation) through the identity provider: answers the provider's URL",
        body: StartInput,
        response: { 200: OidcRedirect },
      },
    },
    async (request, reply) => {
      const { invitationToken: token, email } = request.body;
      const target = email ? await practiceProviderFor(email) : { practiceId: null, provider: configured() };
      const started = await startAuthorization(ctx.db, target.provider, {
        purpose: token ? 'invitation' : 'sign_in',
        userId: null,
        invitationToken: token ?? null,
        practiceId: target.practiceId,
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
      const { practiceId } = request.body;
      const user = await findUserById(ctx.db, userIdOf(request));
      if (!user) throw new AppError('unauthenticated');
      // A practice's own provider: only a member of that practice links it.
      if (practiceId && !(await listMemberships(ctx.db, user.id)).some((m) => m.practiceId === practiceId))
        throw new AppError('practice_not_found');
      const oidc = await directory.of(practiceId ?? null);
      await refuseIfThrottled(ctx.db, user.email, request.ip);
      if (!(await verifyPassword(user.passwordHash, request.body.password))) {
        await recordAttempt(ctx.db, user.email, request.ip, false);
        throw new AppError('invalid_credentials', { detail: 'The password is wrong' });
      }
      const started = await startAuthorization(ctx.db, oidc, {
        purpose: 'link',
        userId: user.id,
        invitationToken: null,
        practiceId: practiceId ?? null,
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
        issuer: request.body.issuer ?? configured().settings.issuer,
        password: request.body.password,
        origin: originOf(request),
      });
      return reply.status(204).send();
    },
  );

  api.get(
    '/auth/oidc/identities',
    { schema: { tags, summary: 'The provider accounts linked to mine', response: { 200: LinkedIdentities } } },
    async (request) => ({
      identities: await linkedIdentitiesOf(ctx.db, userIdOf(request)),
      providers: await providersAvailableTo(ctx, userIdOf(request)),
    }),
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

  // A practice's own provider (Settings → Practice → Sign-in): the owner's.
  const providerPath = '/practices/:practiceId/identity-provider';
  api.get(
    providerPath,
    {
      config: { permission: 'practice:manage' },
      schema: {
        tags,
        summary: "The practice's own identity provider, and the redirect URL to register with it",
        params: PracticeIdParams,
        response: { 200: PracticeIdentityProviderSettings },
      },
    },
    async (request) =>
      getPracticeIdentityProvider(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );
  api.put(
    providerPath,
    {
      config: { permission: 'practice:manage' },
      schema: {
        tags,
        summary: "Set the practice's own identity provider (its discovery is checked first; the secret is sealed)",
        params: PracticeIdParams,
        body: PracticeIdentityProviderInput,
        response: { 200: PracticeIdentityProviderSettings },
      },
    },
    async (request) =>
      savePracticeIdentityProvider(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        provider: request.body,
      }),
  );
  api.delete(
    providerPath,
    {
      config: { permission: 'practice:manage' },
      schema: { tags, summary: "Remove the practice's own identity provider", params: PracticeIdParams },
    },
    async (request, reply) => {
      await removePracticeIdentityProvider(ctx, { actor: actorOf(request), practiceId: request.params.practiceId });
      return reply.status(204).send();
    },
  );

  async function completeCallback(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ page: string; body: Record<string, unknown> }> {
    const callbackUrl = new URL(request.url, ctx.config.publicUrl);
    const { request: started, identity } = await finishAuthorization(
      ctx.db,
      directory.of,
      { callbackUrl, browserToken: request.cookies[BROWSER_COOKIE] },
      ctx.logger,
    );
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
