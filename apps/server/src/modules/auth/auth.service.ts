import type { Me } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/connection.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { AppError } from '../../platform/errors.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../platform/passwords.js';
import { type SessionPolicy, createSession, revokeSession, revokeUserSessions } from '../../platform/session.js';
import { LOGIN_THROTTLE, secondsUntilAllowed } from './login-throttle.js';
import { passwordResetEmail } from './auth.emails.js';
import { findUserByEmail, findUserById, loadMe, updateProfileIn } from './users.js';
import { type TotpCheck, checkTotp, consumeRecoveryCode } from './mfa.js';
import { type Origin, auditForUser } from './account-audit.js';
import { signInPolicyOf } from '../../platform/tenancy.js';
import { findUserByIdentity } from './identities.js';
import { requiredIssuersOf } from './practice-providers.js';
import type { VerifiedIdentity } from './oidc.js';

export type LoginOutcome =
  | { kind: 'session'; token: string; me: Me }
  | { kind: 'mfa'; token: string }
  /** Signed in, but a practice requires two-step and the account has none: it enrols first. */
  | { kind: 'enrol'; token: string };

export const sessionPolicyOf = (ctx: AppContext): SessionPolicy => ({
  secret: ctx.config.sessionSecret,
  idleMs: ctx.config.sessionIdleMs,
  maxMs: ctx.config.sessionMaxMs,
});

/** login: throttle → find account → check password → second factor or session. */
export async function login(
  ctx: AppContext,
  input: { email: string; password: string; origin: Origin },
): Promise<LoginOutcome> {
  const email = input.email.trim().toLowerCase();
  await refuseIfThrottled(ctx.db, email, input.origin.ip);
  const user = await findUserByEmail(ctx.db, email);
  if (!user) {
    await verifyAgainstDummy(input.password);
    await recordAttempt(ctx.db, email, input.origin.ip, false);
    throw new AppError('invalid_credentials');
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    await recordAttempt(ctx.db, email, input.origin.ip, false);
    await auditForUser(ctx.db, user.id, input.origin, 'auth.login_failed', { reason: 'wrong_password' });
    throw new AppError('invalid_credentials');
  }
  // The rules of the user's practices, told only to someone who knows the password.
  const policy = await signInPolicyOf(ctx.db, user.id);
  if (policy.practices === 0) throw withoutPractice();
  if (!policy.passwordSignInAllowed) {
    await auditForUser(ctx.db, user.id, input.origin, 'auth.login_failed', { reason: 'password_sign_in_disabled' });
    throw new AppError('password_sign_in_disabled', {
      detail: 'Your practice signs in through its identity provider; use the button above the form',
    });
  }
  if (user.mfaEnabledAt) {
    const pending = await createSession(ctx.db, sessionPolicyOf(ctx), {
      userId: user.id,
      mfaPending: true,
      ...input.origin,
    });
    return { kind: 'mfa', token: pending.token };
  }
  if (policy.twoStepRequiredForPasswords) {
    await recordAttempt(ctx.db, email, input.origin.ip, true);
    const held = await createSession(ctx.db, sessionPolicyOf(ctx), {
      userId: user.id,
      mfaPending: false,
      mfaEnrolmentRequired: true,
      ...input.origin,
    });
    await auditForUser(ctx.db, user.id, input.origin, 'auth.login', { mfa: false, mfaEnrolmentRequired: true });
    return { kind: 'enrol', token: held.token };
  }
  return startSession(ctx, user.id, email, input.origin, { mfa: false });
}

const withoutPractice = () =>
  new AppError('account_without_practice', {
    detail: 'Your account is not in any practice any more; ask a practice owner to invite you again',
  });

/**
 * Sign-in through the identity provider, its ID token checked (oidc.ts): the linked account, in a
 * practice still, then its own two-step if it has one, as after a password. A practice's "two-step
 * for passwords" rule does not apply: the provider, with its own two-step, vouched for the person.
 */
export async function signInWithIdentity(
  ctx: AppContext,
  input: { identity: VerifiedIdentity; origin: Origin },
): Promise<LoginOutcome> {
  const user = await findUserByIdentity(ctx.db, input.identity);
  if (!user) {
    ctx.logger.info(
      { issuer: input.identity.issuer, requestId: input.origin.requestId },
      'provider account not linked',
    );
    throw new AppError('oidc_account_not_linked', {
      detail:
        'No DentalPro account is linked to this provider account; sign in with your password and link it from your profile, or accept your invitation',
    });
  }
  await ctx.db
    .updateTable('userIdentities')
    .set({ lastUsedAt: new Date() })
    .where('issuer', '=', input.identity.issuer)
    .where('subject', '=', input.identity.subject)
    .execute();
  if ((await signInPolicyOf(ctx.db, user.id)).practices === 0) throw withoutPractice();
  // A practice that signs in through a provider only means its provider (its own, else the deployment's).
  if ((await requiredIssuersOf(ctx, user.id)).some((issuer) => issuer !== input.identity.issuer)) {
    await auditForUser(ctx.db, user.id, input.origin, 'auth.login_failed', {
      reason: 'other_provider_required',
      issuer: input.identity.issuer,
    });
    throw new AppError('oidc_provider_required', {
      detail: 'Your practice signs in through its own identity provider: use "Sign in with your practice\'s account"',
    });
  }
  if (user.mfaEnabledAt) {
    const pending = await createSession(ctx.db, sessionPolicyOf(ctx), {
      userId: user.id,
      mfaPending: true,
      ...input.origin,
    });
    return { kind: 'mfa', token: pending.token };
  }
  return startSession(ctx, user.id, user.email, input.origin, {
    mfa: false,
    method: 'oidc',
    issuer: input.identity.issuer,
  });
}

/** The second step for accounts with two-factor: a TOTP code or a one-time recovery code. */
export async function completeMfaLogin(
  ctx: AppContext,
  input: { pendingSessionId: string; userId: string; code?: string; recoveryCode?: string; origin: Origin },
): Promise<LoginOutcome> {
  const user = await findUserById(ctx.db, input.userId);
  if (!user?.mfaEnabledAt || !user.mfaSecretEncrypted) throw new AppError('unauthenticated');
  // Removed from the last practice while the code was being typed.
  if ((await signInPolicyOf(ctx.db, user.id)).practices === 0) throw withoutPractice();
  await refuseIfThrottled(ctx.db, user.email, input.origin.ip);
  const check: TotpCheck = input.code
    ? await checkTotp(ctx, { id: user.id, mfaSecretEncrypted: user.mfaSecretEncrypted }, input.code)
    : (await consumeRecoveryCode(ctx.db, user.id, input.recoveryCode ?? ''))
      ? 'valid'
      : 'wrong_code';
  if (check === 'unreadable_secret') {
    // The server's fault, not a guess (no code can pass): audited but not counted towards throttling.
    await auditForUser(ctx.db, user.id, input.origin, 'auth.login_failed', { reason: 'second_factor_unreadable' });
    throw new AppError('mfa_invalid_code', {
      detail: 'Authenticator codes cannot be checked at the moment; use a recovery code',
    });
  }
  if (check !== 'valid') {
    await recordAttempt(ctx.db, user.email, input.origin.ip, false);
    await auditForUser(ctx.db, user.id, input.origin, 'auth.login_failed', { reason: 'wrong_second_factor' });
    throw new AppError('mfa_invalid_code');
  }
  await revokeSession(ctx.db, input.pendingSessionId);
  return startSession(ctx, user.id, user.email, input.origin, { mfa: true, recoveryCode: Boolean(input.recoveryCode) });
}

async function startSession(
  ctx: AppContext,
  userId: string,
  email: string,
  origin: Origin,
  changes: Record<string, unknown>,
): Promise<LoginOutcome> {
  await recordAttempt(ctx.db, email, origin.ip, true);
  const session = await createSession(ctx.db, sessionPolicyOf(ctx), { userId, mfaPending: false, ...origin });
  await auditForUser(ctx.db, userId, origin, 'auth.login', changes);
  return { kind: 'session', token: session.token, me: await loadMe(ctx.db, userId) };
}

export async function logout(ctx: AppContext, input: { sessionId: string; userId: string; origin: Origin }) {
  await revokeSession(ctx.db, input.sessionId);
  await auditForUser(ctx.db, input.userId, input.origin, 'auth.logout', {});
}

export async function logoutEverywhere(ctx: AppContext, input: { userId: string; origin: Origin }) {
  const ended = await revokeUserSessions(ctx.db, input.userId);
  await auditForUser(ctx.db, input.userId, input.origin, 'auth.logout_everywhere', { sessionsEnded: ended });
}

/** Changing the password ends the user's other sessions; this one stays. */
export async function changePassword(
  ctx: AppContext,
  input: { userId: string; sessionId: string; currentPassword: string; newPassword: string; origin: Origin },
) {
  const user = await findUserById(ctx.db, input.userId);
  if (!user || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new AppError('invalid_credentials', { detail: 'The current password is wrong' });
  }
  await ctx.db
    .updateTable('users')
    .set({ passwordHash: await hashPassword(input.newPassword), passwordChangedAt: new Date(), updatedAt: new Date() })
    .where('id', '=', user.id)
    .execute();
  const ended = await revokeUserSessions(ctx.db, user.id, input.sessionId);
  await auditForUser(ctx.db, user.id, input.origin, 'auth.password_changed', { otherSessionsEnded: ended });
}

const RESET_TTL_MS = 60 * 60_000;

/** Always succeeds from the caller's view, so it cannot be used to discover accounts. */
export async function requestPasswordReset(ctx: AppContext, input: { email: string; origin: Origin }) {
  const user = await findUserByEmail(ctx.db, input.email);
  if (!user) return;
  // One email a minute per account at most: a flood of requests cannot flood an inbox.
  const recent = await ctx.db
    .selectFrom('passwordResetTokens')
    .select('createdAt')
    .where('userId', '=', user.id)
    .where('createdAt', '>', new Date(Date.now() - 60_000))
    .executeTakeFirst();
  if (recent) return;
  const token = randomToken();
  await ctx.db
    .insertInto('passwordResetTokens')
    .values({ tokenHash: sha256(token), userId: user.id, expiresAt: new Date(Date.now() + RESET_TTL_MS) })
    .execute();
  const link = `${ctx.config.publicUrl}/reset-password?token=${encodeURIComponent(token)}`;
  try {
    await ctx.mailer.send(passwordResetEmail({ to: user.email, name: user.name, link, language: user.language }));
  } catch (err) {
    // Answer as for any address, so a broken relay does not reveal which emails have accounts.
    ctx.logger.error({ err, userId: user.id }, 'password reset email could not be sent');
  }
  await auditForUser(ctx.db, user.id, input.origin, 'auth.password_reset_requested', {});
}

/** Sets a new password from an emailed token; every session of the account ends. */
export async function confirmPasswordReset(
  ctx: AppContext,
  input: { token: string; newPassword: string; origin: Origin },
) {
  const passwordHash = await hashPassword(input.newPassword);
  const userId = await ctx.db.transaction().execute(async (tx) => {
    const used = await tx
      .updateTable('passwordResetTokens')
      .set({ usedAt: new Date() })
      .where('tokenHash', '=', sha256(input.token))
      .where('usedAt', 'is', null)
      .where('expiresAt', '>', new Date())
      .returning('userId')
      .executeTakeFirst();
    if (!used)
      throw new AppError('reset_token_invalid', { detail: 'This reset link is not valid any more; ask for a new one' });
    await tx
      .updateTable('users')
      .set({ passwordHash, passwordChangedAt: new Date(), updatedAt: new Date() })
      .where('id', '=', used.userId)
      .execute();
    // Other outstanding links die with this one.
    await tx
      .updateTable('passwordResetTokens')
      .set({ usedAt: new Date() })
      .where('userId', '=', used.userId)
      .where('usedAt', 'is', null)
      .execute();
    await revokeUserSessions(tx, used.userId);
    return used.userId;
  });
  await auditForUser(ctx.db, userId, input.origin, 'auth.password_reset', {});
}

export async function refuseIfThrottled(db: Db, email: string, ip: string) {
  const windowStart = new Date(Date.now() - LOGIN_THROTTLE.windowMs);
  const lastSuccess = await db
    .selectFrom('loginAttempts')
    .select('attemptedAt')
    .where('email', '=', email)
    .where('succeeded', '=', true)
    .orderBy('attemptedAt', 'desc')
    .limit(1)
    .executeTakeFirst();
  const since = lastSuccess && lastSuccess.attemptedAt > windowStart ? lastSuccess.attemptedAt : windowStart;
  const [accountFailures, addressFailures] = await Promise.all([
    failuresSince(db, 'email', email, since, LOGIN_THROTTLE.accountLimit),
    failuresSince(db, 'ip', ip, windowStart, LOGIN_THROTTLE.addressLimit),
  ]);
  const now = new Date();
  const wait = Math.max(
    secondsUntilAllowed(accountFailures, LOGIN_THROTTLE.accountLimit, LOGIN_THROTTLE.windowMs, now) ?? 0,
    secondsUntilAllowed(addressFailures, LOGIN_THROTTLE.addressLimit, LOGIN_THROTTLE.windowMs, now) ?? 0,
  );
  if (wait > 0) {
    throw new AppError('login_throttled', {
      detail: `Too many failed attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`,
      retryAfterSeconds: wait,
    });
  }
}

async function failuresSince(
  db: Db,
  column: 'email' | 'ip',
  value: string,
  since: Date,
  limit: number,
): Promise<Date[]> {
  const rows = await db
    .selectFrom('loginAttempts')
    .select('attemptedAt')
    .where(column, '=', value)
    .where('succeeded', '=', false)
    .where('attemptedAt', '>', since)
    .orderBy('attemptedAt', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => r.attemptedAt);
}

export async function recordAttempt(db: Db, email: string, ip: string, succeeded: boolean) {
  await db.insertInto('loginAttempts').values({ email, ip, succeeded }).execute();
}

/** The user's own profile (name, phone, language): what PATCH /auth/me changes. */
export async function updateProfile(
  ctx: AppContext,
  input: {
    userId: string;
    patch: { name?: string | undefined; phone?: string | undefined; language?: 'en' | 'fr' | undefined };
  },
): Promise<Me> {
  await updateProfileIn(ctx.db, input.userId, input.patch);
  return loadMe(ctx.db, input.userId);
}

// What other modules use of accounts (staff invites and lists them, practices open with an owner).
export type { Origin };
export { createUser, findUserByEmail, loadMe, userDirectory, userNamesIn } from './users.js';
// Provider accounts: staff links one when an invitation is accepted through the provider;
// practices checks the owner has one before switching password sign-in off.
export type { VerifiedIdentity } from './oidc.js';
export { findUserByIdentity, linkIdentityIn, linkedIdentitiesOf } from './identities.js';
export { refuseOtherProvider, signInIssuerOf } from './practice-providers.js';
export { confirmSensitiveAction } from './mfa.js';
