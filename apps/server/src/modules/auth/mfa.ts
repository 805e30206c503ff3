import { randomBytes } from 'node:crypto';
import { generateSecret, generateURI, verify } from 'otplib';
import type { AppContext } from '../../app.js';
import type { Db } from '../../db/connection.js';
import { decrypt, encrypt, sha256 } from '../../platform/crypto.js';
import { AppError } from '../../platform/errors.js';
import { verifyPassword } from '../../platform/passwords.js';
import { type Origin, auditForUser } from './auth.service.js';
import { findUserById } from './users.js';

const RECOVERY_CODES = 10;
// Accept the previous and next 30-second step: phone clocks drift.
const TOLERANCE_SECONDS = 30;

const secretAad = (userId: string) => `user:${userId}:totp`;

/**
 * A valid code whose time step is later than the last one used; claiming the step in one
 * conditional update makes a code work once, even for two requests racing with it.
 */
export async function verifyTotp(db: Db, key: Buffer, userId: string, sealedSecret: Buffer, code: string): Promise<boolean> {
  const secret = decrypt(key, sealedSecret, secretAad(userId)).toString('utf8');
  let step: number;
  try {
    const result = await verify({ secret, token: code, epochTolerance: TOLERANCE_SECONDS });
    if (!result.valid) return false;
    if (!('timeStep' in result) || typeof result.timeStep !== 'number') return false;
    step = result.timeStep;
  } catch {
    return false;
  }
  const claimed = await db
    .updateTable('users')
    .set({ mfaLastStep: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('mfaLastStep', 'is', null), eb('mfaLastStep', '<', step)]))
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1;
}

/** Step 1: a new secret, stored encrypted but not yet in force until a code proves the app has it. */
export async function startMfaSetup(ctx: AppContext, userId: string) {
  const user = await findUserById(ctx.db, userId);
  if (!user) throw new AppError('unauthenticated');
  if (user.mfaEnabledAt) throw new AppError('mfa_already_enabled');
  const secret = generateSecret();
  await ctx.db
    .updateTable('users')
    .set({ mfaSecretEncrypted: encrypt(ctx.config.encryptionKey, secret, secretAad(userId)), updatedAt: new Date() })
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
  if (!(await verifyTotp(ctx.db, ctx.config.encryptionKey, user.id, user.mfaSecretEncrypted, input.code))) throw new AppError('mfa_invalid_code');
  const recoveryCodes = await ctx.db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ mfaEnabledAt: new Date(), updatedAt: new Date() }).where('id', '=', user.id).execute();
    return replaceRecoveryCodes(tx, user.id);
  });
  await auditForUser(ctx.db, user.id, input.origin, 'auth.mfa_enabled', {});
  return { recoveryCodes };
}

export async function disableMfa(ctx: AppContext, input: { userId: string; password: string; origin: Origin }) {
  const user = await requirePassword(ctx.db, input.userId, input.password);
  if (!user.mfaEnabledAt) throw new AppError('mfa_not_enabled');
  await ctx.db.transaction().execute(async (tx) => {
    await tx.updateTable('users').set({ mfaEnabledAt: null, mfaSecretEncrypted: null, updatedAt: new Date() }).where('id', '=', user.id).execute();
    await tx.deleteFrom('mfaRecoveryCodes').where('userId', '=', user.id).execute();
  });
  await auditForUser(ctx.db, user.id, input.origin, 'auth.mfa_disabled', {});
}

export async function regenerateRecoveryCodes(ctx: AppContext, input: { userId: string; password: string; origin: Origin }) {
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

const normaliseRecoveryCode = (code: string) => code.trim().toLowerCase().replace(/[^0-9a-f]/g, '');

async function requirePassword(db: Db, userId: string, password: string) {
  const user = await findUserById(db, userId);
  if (!user || !(await verifyPassword(user.passwordHash, password))) throw new AppError('invalid_credentials', { detail: 'The password is wrong' });
  return user;
}
