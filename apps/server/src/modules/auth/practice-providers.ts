import type {
  AvailableProvider,
  PracticeIdentityProvider,
  PracticeIdentityProviderInput,
  PracticeIdentityProviderSettings,
} from '@dentalpro/contracts';
import type { Kysely } from 'kysely';
import type { OidcConfig } from '../../config.js';
import type { AppContext } from '../../context.js';
import type { DB } from '../../db/schema.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { openTextForPractice, sealForPractice } from '../../platform/data-keys.js';
import { SQLSTATE, mapDbErrors } from '../../platform/db-errors.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import {
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  DEFAULT_TIMEOUT_SECONDS,
  type OidcProvider,
  checkDiscovery,
  createOidcProvider,
} from './oidc.js';

/**
 * A practice's own OpenID Connect provider (Settings → Practice → Sign-in): its issuer, client and
 * the email domains it serves, beside or instead of the deployment's provider. The client secret is
 * sealed with the practice's data key. "Sign in with your practice's account" finds the provider by
 * the domain of the address typed; identities stay keyed by (issuer, subject) whichever provider.
 */

type Conn = Kysely<DB>;
const SECRET_AAD = 'identity-provider:client-secret';

export const callbackUrlOf = (ctx: AppContext) => `${ctx.config.publicUrl}/api/v1/auth/oidc/callback`;

const settingsOf = (
  ctx: AppContext,
  row: { issuer: string; clientId: string; displayName: string },
  clientSecret: string,
): OidcConfig => ({
  issuer: row.issuer,
  clientId: row.clientId,
  clientSecret,
  displayName: row.displayName,
  clockToleranceSeconds: ctx.config.oidc?.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
  timeoutSeconds: ctx.config.oidc?.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
});

async function providerRowIn(tx: Tx, practiceId: string) {
  const row = await tx
    .selectFrom('practiceIdentityProviders')
    .selectAll()
    .where('practiceId', '=', practiceId)
    .executeTakeFirst();
  if (!row) return undefined;
  const domains = await tx
    .selectFrom('practiceSignInDomains')
    .select('domain')
    .where('practiceId', '=', practiceId)
    .orderBy('domain')
    .execute();
  return { ...row, emailDomains: domains.map((d) => d.domain) };
}

const toProvider = (row: NonNullable<Awaited<ReturnType<typeof providerRowIn>>>): PracticeIdentityProvider => ({
  issuer: row.issuer,
  clientId: row.clientId,
  displayName: row.displayName,
  emailDomains: row.emailDomains,
  updatedAt: row.updatedAt.toISOString(),
});

export async function getPracticeIdentityProvider(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string },
): Promise<PracticeIdentityProviderSettings> {
  requirePermission(input.actor, 'practice:manage');
  const row = await inPractice(ctx.db, input.practiceId, (tx) => providerRowIn(tx, input.practiceId));
  return { provider: row ? toProvider(row) : null, redirectUrl: callbackUrlOf(ctx) };
}

/**
 * Tokens and the client secret travel to the issuer: https, or plain http to this machine only
 * while DentalPro itself is served over plain http (a trial, the tests). An https deployment never
 * lets an owner point it at a plain-http service.
 */
function refuseUnsafeIssuer(ctx: AppContext, issuer: string) {
  const url = new URL(issuer);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  const plainDeployment = ctx.config.publicUrl.startsWith('http:');
  if (url.protocol === 'https:' && !url.search && !url.hash && !url.username) return;
  if (url.protocol === 'http:' && loopback && plainDeployment && !url.search && !url.hash) return;
  const detail = 'The issuer must be an https:// address without query or fragment';
  throw new AppError('validation_failed', { detail, errors: [{ path: 'issuer', code: 'invalid', message: detail }] });
}

/**
 * save: check the address → the secret (new, or the saved one) → discovery at the issuer (outside
 * any transaction) → seal, store, domains, audit in one transaction.
 */
export async function savePracticeIdentityProvider(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; provider: PracticeIdentityProviderInput },
): Promise<PracticeIdentityProviderSettings> {
  requirePermission(input.actor, 'practice:manage');
  const given = input.provider;
  refuseUnsafeIssuer(ctx, given.issuer.trim());
  const domains = [...new Set(given.emailDomains.map((d) => d.trim().toLowerCase()))].sort();
  const saved = await inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await providerRowIn(tx, input.practiceId);
    return (
      row && {
        row,
        secret: await openTextForPractice(
          tx,
          ctx.config.encryptionKey,
          input.practiceId,
          row.clientSecretEncrypted,
          SECRET_AAD,
        ),
      }
    );
  });
  const clientSecret = given.clientSecret ?? saved?.secret;
  if (!clientSecret) {
    const detail = 'Enter the client secret the provider gave you';
    throw new AppError('validation_failed', {
      detail,
      errors: [{ path: 'clientSecret', code: 'required', message: detail }],
    });
  }
  const discovered = await checkDiscovery(
    settingsOf(
      ctx,
      { issuer: given.issuer.trim(), clientId: given.clientId, displayName: given.displayName },
      clientSecret,
    ),
  );
  const issuer = discovered.issuer;

  const after = await inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await providerRowIn(tx, input.practiceId);
    const practice = await tx
      .selectFrom('practices')
      .select('passwordSignInAllowed')
      .where('id', '=', input.practiceId)
      .forUpdate()
      .executeTakeFirst();
    if (!practice) throw new AppError('practice_not_found');
    // Members who sign in through a provider only would be sent to another one, unlinked: not while it is so.
    if (!practice.passwordSignInAllowed && before?.issuer !== issuer) {
      const detail = 'Members sign in through a provider only: switch password sign-in on before changing the issuer';
      throw new AppError('validation_failed', {
        detail,
        errors: [{ path: 'issuer', code: 'invalid', message: detail }],
      });
    }
    const sealed = await sealForPractice(tx, ctx.config.encryptionKey, input.practiceId, clientSecret, SECRET_AAD);
    const values = { issuer, clientId: given.clientId, displayName: given.displayName, clientSecretEncrypted: sealed };
    await tx
      .insertInto('practiceIdentityProviders')
      .values({ practiceId: input.practiceId, ...values })
      .onConflict((oc) => oc.column('practiceId').doUpdateSet({ ...values, updatedAt: new Date() }))
      .execute();
    await tx.deleteFrom('practiceSignInDomains').where('practiceId', '=', input.practiceId).execute();
    await mapDbErrors(
      () =>
        tx
          .insertInto('practiceSignInDomains')
          .values(domains.map((domain) => ({ domain, practiceId: input.practiceId })))
          .execute(),
      {
        [SQLSTATE.uniqueViolation]: () =>
          new AppError('oidc_domain_taken', {
            detail: 'Another practice signs in this email domain through its own provider',
            errors: [{ path: 'emailDomains', code: 'not_unique', message: 'Another practice serves this domain' }],
          }),
      },
    );
    const row = (await providerRowIn(tx, input.practiceId))!;
    // Never the secret: whether it changed.
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'practice.identity_provider_saved',
      targetType: 'practice',
      targetId: input.practiceId,
      changes: {
        issuer: { from: before?.issuer ?? null, to: row.issuer },
        clientId: { from: before?.clientId ?? null, to: row.clientId },
        displayName: { from: before?.displayName ?? null, to: row.displayName },
        emailDomains: { from: before?.emailDomains ?? [], to: row.emailDomains },
        clientSecretChanged: given.clientSecret !== undefined && given.clientSecret !== saved?.secret,
      },
    });
    return row;
  });
  return { provider: toProvider(after), redirectUrl: callbackUrlOf(ctx) };
}

/** Removing it is refused while the practice signs in through a provider only (its members could not sign in). */
export async function removePracticeIdentityProvider(ctx: AppContext, input: { actor: Actor; practiceId: string }) {
  requirePermission(input.actor, 'practice:manage');
  await inPractice(ctx.db, input.practiceId, async (tx) => {
    const practice = await tx
      .selectFrom('practices')
      .select('passwordSignInAllowed')
      .where('id', '=', input.practiceId)
      .forUpdate()
      .executeTakeFirst();
    if (!practice) throw new AppError('practice_not_found');
    const before = await providerRowIn(tx, input.practiceId);
    if (!before) throw new AppError('not_found', { detail: 'This practice has no identity provider of its own' });
    if (!practice.passwordSignInAllowed)
      throw new AppError('validation_failed', {
        detail: 'Members sign in through this provider only: switch password sign-in on before removing it',
      });
    await tx.deleteFrom('practiceIdentityProviders').where('practiceId', '=', input.practiceId).execute();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'practice.identity_provider_removed',
      targetType: 'practice',
      targetId: input.practiceId,
      changes: { issuer: before.issuer, clientId: before.clientId, emailDomains: before.emailDomains },
    });
  });
}

/** The practice whose provider serves this address's domain, if any (sign-in, before any session). */
export async function practiceForEmail(db: Conn, email: string): Promise<string | null> {
  const domain = email.trim().toLowerCase().split('@').at(-1) ?? '';
  const row = await db
    .selectFrom('practiceSignInDomains')
    .select('practiceId')
    .where('domain', '=', domain)
    .executeTakeFirst();
  return row?.practiceId ?? null;
}

/** Whether any practice has a provider of its own (the sign-in page then offers to find it). */
export async function anyPracticeProvider(db: Conn): Promise<boolean> {
  return Boolean(await db.selectFrom('practiceIdentityProviders').select('practiceId').limit(1).executeTakeFirst());
}

/** The provider the practice's members sign in through: its own, else the deployment's, else none. */
export async function signInIssuerOf(ctx: AppContext, conn: Conn, practiceId: string): Promise<string | null> {
  const own = await conn
    .selectFrom('practiceIdentityProviders')
    .select('issuer')
    .where('practiceId', '=', practiceId)
    .executeTakeFirst();
  return own?.issuer ?? ctx.config.oidc?.issuer ?? null;
}

/** A practice with password sign-in off is entered through its provider (its own, else the deployment's) only. */
export async function refuseOtherProvider(ctx: AppContext, practiceId: string, issuer: string) {
  const practice = await ctx.db
    .selectFrom('practices')
    .leftJoin('practiceIdentityProviders', 'practiceIdentityProviders.practiceId', 'practices.id')
    .select(['practices.passwordSignInAllowed', 'practiceIdentityProviders.issuer'])
    .where('practices.id', '=', practiceId)
    .executeTakeFirst();
  if (!practice || practice.passwordSignInAllowed) return;
  if ((practice.issuer ?? ctx.config.oidc?.issuer) !== issuer)
    throw new AppError('oidc_provider_required', {
      detail: 'This practice signs in through its own identity provider: use "Sign in with your practice\'s account"',
    });
}

/**
 * The issuers the account must sign in through: one per practice of theirs with password sign-in
 * off (the practice's own provider, else the deployment's). Any other provider is refused.
 */
export async function requiredIssuersOf(ctx: AppContext, userId: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('memberships')
    .innerJoin('practices', 'practices.id', 'memberships.practiceId')
    .leftJoin('practiceIdentityProviders', 'practiceIdentityProviders.practiceId', 'practices.id')
    .select('practiceIdentityProviders.issuer')
    .where('memberships.userId', '=', userId)
    .where('practices.passwordSignInAllowed', '=', false)
    .execute();
  const deployment = ctx.config.oidc?.issuer ?? null;
  return [...new Set(rows.map((r) => r.issuer ?? deployment).filter((i): i is string => i !== null))];
}

/** The providers the account may link: the deployment's, and the own providers of its practices. */
export async function providersAvailableTo(ctx: AppContext, userId: string): Promise<AvailableProvider[]> {
  const own = await ctx.db
    .selectFrom('memberships')
    .innerJoin('practiceIdentityProviders', 'practiceIdentityProviders.practiceId', 'memberships.practiceId')
    .select(['practiceIdentityProviders.practiceId', 'issuer', 'displayName'])
    .where('memberships.userId', '=', userId)
    .orderBy('displayName')
    .execute();
  const deployment = ctx.config.oidc
    ? [{ issuer: ctx.config.oidc.issuer, displayName: ctx.config.oidc.displayName, practiceId: null }]
    : [];
  return [
    ...deployment,
    ...own.map((p) => ({ issuer: p.issuer, displayName: p.displayName, practiceId: p.practiceId })),
  ];
}

export interface ProviderDirectory {
  /** The deployment's provider (OIDC_*), if configured. */
  deployment: OidcProvider | null;
  /** The practice's own provider, its secret opened; `oidc_not_configured` when it has none. */
  forPractice(practiceId: string): Promise<OidcProvider>;
  /** The deployment's (null) or a practice's provider. */
  of(practiceId: string | null): Promise<OidcProvider>;
}

/**
 * The providers of one app. A practice's is discovered on first use and kept until its settings
 * change (the row's updated_at), so a new issuer or secret takes effect at the next sign-in.
 */
export function createProviderDirectory(ctx: AppContext): ProviderDirectory {
  const deployment = ctx.config.oidc ? createOidcProvider(ctx.config.oidc, ctx.config.publicUrl, ctx.logger) : null;
  const practices = new Map<string, { version: string; provider: OidcProvider }>();
  const notConfigured = () => new AppError('oidc_not_configured', { detail: 'No identity provider is configured' });
  const forPractice = async (practiceId: string) => {
    const settings = await inPractice(ctx.db, practiceId, async (tx) => {
      const row = await tx
        .selectFrom('practiceIdentityProviders')
        .selectAll()
        .where('practiceId', '=', practiceId)
        .executeTakeFirst();
      if (!row) return undefined;
      const version = row.updatedAt.toISOString();
      const cached = practices.get(practiceId);
      if (cached?.version === version) return { cached: cached.provider };
      const secret = await openTextForPractice(
        tx,
        ctx.config.encryptionKey,
        practiceId,
        row.clientSecretEncrypted,
        SECRET_AAD,
      );
      return { version, config: settingsOf(ctx, row, secret) };
    });
    if (!settings) throw notConfigured();
    if ('cached' in settings) return settings.cached!;
    const provider = createOidcProvider(settings.config!, ctx.config.publicUrl, ctx.logger);
    practices.set(practiceId, { version: settings.version!, provider });
    return provider;
  };
  return {
    deployment,
    forPractice,
    async of(practiceId) {
      if (practiceId) return forPractice(practiceId);
      if (!deployment) throw notConfigured();
      return deployment;
    },
  };
}
