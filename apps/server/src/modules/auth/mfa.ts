import { randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/connection.js';
import { decrypt, encrypt, sha256 } from '../../platform/crypto.js';
import { AppError } from '../../platform/errors.js';
import { signInPolicyOf } from '../../platform/tenancy.js';
import { verifyPassword } from '../../platform/passwords.js';
import { type Origin, auditForUser } from './account-audit.js';
import { findUserById } from './users.js';

const RECOVERY_CODES = 10;
// Accept the previous and next 30-second step: phone clocks drift.
const TOLERANCE_SECONDS = 30;

const secretAad = (userId: string) => `user:${userId}:totp`;

// TOTP secrets belong to users, not practices, so they are sealed with the master key itself
// rather than a practice data key; `keys rotate` re-seals them (resealMfaSecrets).
const sealSecret = (masterKey: Buffer, userId: string, secret: string) => encrypt(masterKey, secret, secretAad(userId));

/** The secret, or null when `masterKey` did not seal it. */
function openSecret(masterKey: Buffer, userId: string, sealed: Buffer): string | null {
  try {
    return decrypt(masterKey, sealed, secretAad(userId)).toString('utf8');
  } catch {
    return null;
  }
}

/** `unreadable_secret`: the secret was sealed under another master key (changed without `keys rotate`). */
export type TotpCheck = 'valid' | 'wrong_code' | 'unreadable_secret';

/**
 * A valid code whose time step is later than the last one used; claiming the step in one
 * conditional update makes a code work once, even for two requests racing with it.
 */
export async function checkTotp(
  ctx: AppContext,
  user: { id: string; mfaSecretEncrypted: Buffer },
  code: string,
): Promise<TotpCheck> {
  const secret = openSecret(ctx.config.encryptionKey, user.id, user.mfaSecretEncrypted);
  if (secret === null) {
    ctx.logger.error(
      { userId: user.id },
      'a two-factor secret does not open under ENCRYPTION_KEY; if the master key changed, run `npm run cli -- keys rotate` with the old key as ENCRYPTION_KEY_PREVIOUS',
    );
    return 'unreadable_secret';
  }
  let step: number;
  try {
    const result = await verify({ secret, token: code, epochTolerance: TOLERANCE_SECONDS });
    if (!result.valid) return 'wrong_code';
    if (!('timeStep' in result) || typeof result.timeStep !== 'number') return 'wrong_code';
    step = result.timeStep;
  } catch {
    return 'wrong_code';
  }
  const claimed = await ctx.db
    .updateTable('users')
    .set({ mfaLastStep: step })
    .where('id', '=', user.id)
    .where((eb) => eb.or([eb('mfaLastStep', 'is', null), eb('mfaLastStep', '<', step)]))
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1 ? 'valid' : 'wrong_code';
}

/**
 * keys rotate, for TOTP secrets: those sealed under the previous master key are sealed again
 * under the current one, all in one transaction; those already under the current key are left
 * alone, so a second run changes nothing. A secret that opens under neither is left as it is and
 * its user reported: dropping it would silently turn two-factor off.
 */
export async function resealMfaSecrets(ctx: AppContext): Promise<{ resealed: number; unreadableUserIds: string[] }> {
  const { encryptionKey: current, previousEncryptionKey: previous } = ctx.config;
  return ctx.db.transaction().execute(async (tx) => {
    // Locked, so a setup started meanwhile waits rather than being overwritten.
    const rows = await tx
      .selectFrom('users')
      .select(['id', 'mfaSecretEncrypted'])
      .where('mfaSecretEncrypted', 'is not', null)
      .orderBy('id')
      .forUpdate()
      .execute();
    let resealed = 0;
    const unreadableUserIds: string[] = [];
    for (const { id, mfaSecretEncrypted: sealed } of rows) {
      if (!sealed || openSecret(current, id, sealed) !== null) continue;
      const secret = previous ? openSecret(previous, id, sealed) : null;
      if (secret === null) {
        unreadableUserIds.push(id);
        continue;
      }
      await tx
        .updateTable('users')
        .set({ mfaSecretEncrypted: sealSecret(current, id, secret) })
        .where('id', '=', id)
        .execute();
      resealed += 1;
    }
    return { resealed, unreadableUserIds };
  });
}

/** Step 1: a new secret, stored encrypted but not yet in force until a code proves the app has it. */
export async function startMfaSetup(ctx: AppContext, userId: string) {
  const user = await findUserById(ctx.db, userId);
  if (!user) throw new AppError('unauthenticated');
  if (user.mfaEnabledAt) throw new AppError('mfa_already_enabled');
  const secret = generateSecret();
  await ctx.db
    .updateTable('users')
    .set({ mfaSecretEncrypted: sealSecret(ctx.config.encryptionKey, userId, secret), updatedAt: new Date() })
    .where('id', '=', userId)
    .execute();
  return { secret, otpauthUrl: generateURI({ issuer: 'DentalPro', label: user.email, secret }) };
}

/** Step 2: the first valid code turns two-factor on and yields the one-time recovery codes. */
export async function enableMfa(ctx: AppContext, input: { userId: string; code: string; origin: Origin }) {
  const user = await findUserById(ctx.db, input.userId);
  if (!user) throw new AppError('unauthenticated');
  if (user.mfaEnabledAt) throw new AppError('mfa_already_enabled');
  if (!user.mfaSecretEncrypted) throw new AppError('mfa_not_enabled', { detail: 'Start the setup first' });
  const check = await checkTotp(ctx, { id: user.id, mfaSecretEncrypted: user.mfaSecretEncrypted }, input.code);
  // A setup begun under another master key cannot finish; a new one can.
  if (check === 'unreadable_secret') throw new AppError('mfa_invalid_code', { detail: 'Start the setup again' });
  if (check !== 'valid') throw new AppError('mfa_invalid_code');
  const recoveryCodes = await ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({ mfaEnabledAt: new Date(), updatedAt: new Date() })
      .where('id', '=', user.id)
      .execute();
    // A session held back until two-step was on (practice policy) is a full session now.
    await tx
      .updateTable('sessions')
      .set({ mfaEnrolmentRequired: false })
      .where('userId', '=', user.id)
      .where('mfaEnrolmentRequired', '=', true)
      .execute();
    return replaceRecoveryCodes(tx, user.id);
  });
  await auditForUser(ctx.db, user.id, input.origin, 'auth.mfa_enabled', {});
  return { recoveryCodes };
}

export async function disableMfa(ctx: AppContext, input: { userId: string; password: string; origin: Origin }) {
  const user = await requirePassword(ctx.db, input.userId, input.password);
  if (!user.mfaEnabledAt) throw new AppError('mfa_not_enabled');
  if ((await signInPolicyOf(ctx.db, user.id)).twoStepRequiredForPasswords)
    throw new AppError('forbidden', { detail: 'A practice you work in requires two-step sign-in; it stays on' });
  await ctx.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('users')
      .set({ mfaEnabledAt: null, mfaSecretEncrypted: null, updatedAt: new Date() })
      .where('id', '=', user.id)
      .execute();
    await tx.deleteFrom('mfaRecoveryCodes').where('userId', '=', user.id).execute();
  });
  await auditForUser(ctx.db, user.id, input.origin, 'auth.mfa_disabled', {});
}

export async function regenerateRecoveryCodes(
  ctx: AppContext,
  input: { userId: string; password: string; origin: Origin },
) {
  const user = await requirePassword(ctx.db, input.userId, input.password);
  if (!user.mfaEnabledAt) throw new AppError('mfa_not_enabled');
  const recoveryCodes = await ctx.db.transaction().execute((tx) => replaceRecoveryCodes(tx, user.id));
  await auditForUser(ctx.db, user.id, input.origin, 'auth.mfa_recovery_codes_regenerated', {});
  return { recoveryCodes };
}

/** A recovery code works once: the update that marks it used is the check. */
export async function consumeRecoveryCode(db: Db, userId: string, code: string): Promise<boolean> {
  const used = await db
    .updateTable('mfaRecoveryCodes')
    .set({ usedAt: new Date() })
    .where('userId', '=', userId)
    .where('codeHash', '=', sha256(normaliseRecoveryCode(code)))
    .where('usedAt', 'is', null)
    .executeTakeFirst();
  return Number(used.numUpdatedRows) === 1;
}

async function replaceRecoveryCodes(tx: Db, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODES }, () => {
    const raw = randomBytes(8).toString('hex');
    return `${raw.slice(0, 8)}-${raw.slice(8)}`;
  });
  await tx.deleteFrom('mfaRecoveryCodes').where('userId', '=', userId).execute();
  await tx
    .insertInto('mfaRecoveryCodes')
    .values(codes.map((c) => ({ userId, codeHash: sha256(normaliseRecoveryCode(c)), usedAt: null })))
    .execute();
  return codes;
}

const normaliseRecoveryCode = (code: string) =>
  code
    .trim()
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '');

async function requirePassword(db: Db, userId: string, password: string) {
  const user = await findUserById(db, userId);
  if (!user || !(await verifyPassword(user.passwordHash, password)))
    throw new AppError('invalid_credentials', { detail: 'The password is wrong' });
  return user;
}

/**
 * The check before a sensitive action (taking all of a practice's data away): the member's
 * password again and, when two-step sign-in is on for them, a code from their app (or an unused
 * recovery code). 401 invalid_credentials, mfa_required (the code is missing) or mfa_invalid_code.
 */
export async function confirmSensitiveAction(
  ctx: AppContext,
  input: { userId: string; password: string; code?: string | undefined },
): Promise<void> {
  const user = await requirePassword(ctx.db, input.userId, input.password);
  if (!user.mfaEnabledAt || !user.mfaSecretEncrypted) return;
  const code = input.code?.trim();
  if (!code) throw new AppError('mfa_required', { detail: 'Enter the code from your authenticator app' });
  if ((await checkTotp(ctx, { id: user.id, mfaSecretEncrypted: user.mfaSecretEncrypted }, code)) === 'valid') return;
  if (await consumeRecoveryCode(ctx.db, user.id, code)) return;
  throw new AppError('mfa_invalid_code');
}
