import type { LinkedIdentity } from '@dentalpro/contracts';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { DB } from '../../db/schema.js';
import { SQLSTATE, mapDbErrors } from '../../platform/db-errors.js';
import { AppError } from '../../platform/errors.js';
import { verifyPassword } from '../../platform/passwords.js';
import { signInPolicyOf } from '../../platform/tenancy.js';
import { type Origin, auditForUser } from './account-audit.js';
import type { VerifiedIdentity } from './oidc.js';
import { findUserById } from './users.js';

type Conn = Kysely<DB>;

/** The account a provider account is linked to, if any. */
export async function findUserByIdentity(conn: Conn, identity: { issuer: string; subject: string }) {
  return conn
    .selectFrom('userIdentities')
    .innerJoin('users', 'users.id', 'userIdentities.userId')
    .select(['users.id', 'users.email', 'users.mfaEnabledAt'])
    .where('userIdentities.issuer', '=', identity.issuer)
    .where('userIdentities.subject', '=', identity.subject)
    .executeTakeFirst();
}

/**
 * Links a provider account to a DentalPro account, in the caller's transaction. Never through an
 * unverified email; a provider account linked elsewhere, or a second one of the same provider,
 * is `oidc_identity_taken` (the unique keys settle two racing links).
 */
export async function linkIdentityIn(conn: Conn, userId: string, identity: VerifiedIdentity) {
  if (!identity.emailVerified)
    throw new AppError('oidc_email_unverified', {
      detail: 'Your identity provider has not verified your email address; nothing was linked',
    });
  await mapDbErrors(
    () =>
      conn
        .insertInto('userIdentities')
        .values({ issuer: identity.issuer, subject: identity.subject, userId, email: identity.email })
        .execute(),
    {
      [SQLSTATE.uniqueViolation]: () =>
        new AppError('oidc_identity_taken', {
          detail: 'This provider account is linked to another DentalPro account, or yours has one already',
        }),
    },
  );
}

/** Linking from the profile, the browser back from the provider: the link, audited. */
export async function linkIdentity(
  ctx: AppContext,
  input: { userId: string; identity: VerifiedIdentity; origin: Origin },
) {
  await linkIdentityIn(ctx.db, input.userId, input.identity);
  await auditForUser(ctx.db, input.userId, input.origin, 'auth.identity_linked', {
    issuer: input.identity.issuer,
    email: input.identity.email,
  });
}

/** Unlinking takes the password (the account must still be able to sign in some way). */
export async function unlinkIdentity(
  ctx: AppContext,
  input: { userId: string; issuer: string; password: string; origin: Origin },
) {
  const user = await findUserById(ctx.db, input.userId);
  if (!user || !(await verifyPassword(user.passwordHash, input.password)))
    throw new AppError('invalid_credentials', { detail: 'The password is wrong' });
  if (!(await signInPolicyOf(ctx.db, user.id)).passwordSignInAllowed)
    throw new AppError('forbidden', {
      detail: 'A practice you work in signs in through the identity provider only; the link stays',
    });
  const removed = await ctx.db
    .deleteFrom('userIdentities')
    .where('userId', '=', user.id)
    .where('issuer', '=', input.issuer)
    .returning('email')
    .executeTakeFirst();
  if (!removed) throw new AppError('not_found', { detail: 'No provider account is linked' });
  await auditForUser(ctx.db, user.id, input.origin, 'auth.identity_unlinked', {
    issuer: input.issuer,
    email: removed.email,
  });
}

export async function linkedIdentitiesOf(conn: Conn, userId: string): Promise<LinkedIdentity[]> {
  const rows = await conn
    .selectFrom('userIdentities')
    .select(['issuer', 'email', 'linkedAt', 'lastUsedAt'])
    .where('userId', '=', userId)
    .orderBy('linkedAt')
    .execute();
  return rows.map((r) => ({
    issuer: r.issuer,
    email: r.email,
    linkedAt: r.linkedAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  }));
}
