import type { Practice, PracticeInput, PracticePatch, SetupInput } from '@dentalpro/contracts';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/connection.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit, startAuditChain } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, bindPractice, inPractice } from '../../platform/tenancy.js';
import { createUser, linkedIdentitiesOf, signInIssuerOf } from '../auth/auth.service.js';
import { seedPublicHolidays } from '../scheduling/unavailability.service.js';
import { addOwnerIn } from '../staff/staff.service.js';

type PracticeRow = {
  id: string;
  name: string;
  address: string;
  phone: string;
  email: string;
  timeZone: string;
  defaultLanguage: 'en' | 'fr';
  currency: string;
  receptionistsSeeAlertDetails: boolean;
  passwordSignInAllowed: boolean;
  twoStepRequiredForPasswords: boolean;
  createdAt: Date;
};

const toPractice = (row: PracticeRow): Practice => ({
  ...row,
  currency: row.currency.trim(),
  createdAt: row.createdAt.toISOString(),
});

/**
 * A new practice with its owner, its audit chain, its public holidays and the first event, in the
 * caller's transaction. Opening a practice asks staff and scheduling for their part, which is why
 * they read the practice's facts through platform/tenancy.ts rather than from this module.
 */
export async function createPracticeIn(
  tx: Tx,
  input: { practice: PracticeInput; ownerUserId: string; actor: Actor },
): Promise<Practice> {
  const p = input.practice;
  const row = await tx
    .insertInto('practices')
    .values({
      name: p.name.trim(),
      address: p.address ?? '',
      phone: p.phone ?? '',
      email: p.email ?? '',
      timeZone: p.timeZone ?? 'Indian/Mauritius',
      defaultLanguage: p.defaultLanguage ?? 'en',
      currency: p.currency ?? 'MUR',
      receptionistsSeeAlertDetails: p.receptionistsSeeAlertDetails ?? false,
      // How members sign in is set afterwards, in the settings (updatePractice guards it).
      passwordSignInAllowed: true,
      twoStepRequiredForPasswords: false,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await bindPractice(tx, row.id);
  await addOwnerIn(tx, row.id, input.ownerUserId);
  await startAuditChain(tx, row.id);
  await seedPublicHolidays(tx, row.id);
  await recordAudit(tx, {
    practiceId: row.id,
    actor: input.actor,
    action: 'practice.created',
    targetType: 'practice',
    targetId: row.id,
    changes: { ownerUserId: input.ownerUserId, timeZone: row.timeZone, defaultLanguage: row.defaultLanguage },
  });
  return toPractice(row);
}

export async function needsSetup(db: Db): Promise<boolean> {
  const any = await db.selectFrom('practices').select('id').limit(1).executeTakeFirst();
  return !any;
}

/**
 * First run: the first practice and its owner. Only while no practice exists; an advisory
 * lock makes two simultaneous first runs produce one practice, not two.
 */
export async function runFirstSetup(ctx: AppContext, input: { setup: SetupInput; ip: string; requestId: string }) {
  return ctx.db.transaction().execute(async (tx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext('dentalpro.first_setup'))`.execute(tx);
    const existing = await tx.selectFrom('practices').select('id').limit(1).executeTakeFirst();
    if (existing)
      throw new AppError('setup_already_done', { detail: 'This DentalPro is already set up; log in instead' });
    const owner = await createUser(tx, {
      ...input.setup.owner,
      language: input.setup.practice.defaultLanguage ?? 'en',
    });
    const practice = await createPracticeIn(tx, {
      practice: input.setup.practice,
      ownerUserId: owner.id,
      actor: { userId: owner.id, role: 'owner', ip: input.ip, requestId: input.requestId },
    });
    return { practiceId: practice.id, ownerUserId: owner.id };
  });
}

/** A logged-in user opens another practice, of which they become the owner. */
export async function createPractice(
  ctx: AppContext,
  input: { userId: string; practice: PracticeInput; ip: string; requestId: string },
) {
  return ctx.db.transaction().execute((tx) =>
    createPracticeIn(tx, {
      practice: input.practice,
      ownerUserId: input.userId,
      actor: { userId: input.userId, role: 'owner', ip: input.ip, requestId: input.requestId },
    }),
  );
}

export async function getPractice(ctx: AppContext, input: { actor: Actor; practiceId: string }): Promise<Practice> {
  requirePermission(input.actor, 'practice:read');
  const row = await ctx.db.selectFrom('practices').selectAll().where('id', '=', input.practiceId).executeTakeFirst();
  if (!row) throw new AppError('practice_not_found');
  return toPractice(row);
}

const POLICY_FIELDS = ['receptionistsSeeAlertDetails', 'passwordSignInAllowed', 'twoStepRequiredForPasswords'] as const;

export async function updatePractice(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patch: PracticePatch },
): Promise<Practice> {
  requirePermission(input.actor, 'practice:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await tx
      .selectFrom('practices')
      .selectAll()
      .where('id', '=', input.practiceId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new AppError('practice_not_found');
    if (input.patch.passwordSignInAllowed === false && before.passwordSignInAllowed)
      await refuseLockout(ctx, tx, input.actor, input.practiceId);
    const patch = Object.fromEntries(Object.entries(input.patch).filter(([, v]) => v !== undefined)) as Partial<
      Omit<PracticeRow, 'id' | 'createdAt'>
    >;
    const after = await tx
      .updateTable('practices')
      .set({ ...patch, updatedAt: new Date() })
      .where('id', '=', input.practiceId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const changed = Object.keys(patch).filter(
      (k) => String(before[k as keyof PracticeRow]) !== String(after[k as keyof PracticeRow]),
    );
    if (changed.length > 0) {
      await recordAudit(tx, {
        practiceId: input.practiceId,
        actor: input.actor,
        action: 'practice.updated',
        targetType: 'practice',
        targetId: input.practiceId,
        // Who may read medical alerts and how members sign in are security decisions: the trail
        // keeps their before and after.
        changes: {
          fields: changed,
          ...Object.fromEntries(
            POLICY_FIELDS.filter((f) => changed.includes(f)).map((f) => [f, { from: before[f], to: after[f] }]),
          ),
        },
      });
    }
    return toPractice(after);
  });
}

/**
 * Password sign-in off means members sign in through the provider only (the practice's own, else
 * the deployment's): refused where there is none, and until the owner switching it off has linked
 * their own account at that provider, so they do not lock themselves out.
 */
async function refuseLockout(ctx: AppContext, tx: Tx, actor: Actor, practiceId: string) {
  const refuse = (detail: string) =>
    new AppError('validation_failed', {
      detail,
      errors: [{ path: 'passwordSignInAllowed', code: 'invalid', message: detail }],
    });
  const issuer = await signInIssuerOf(ctx, tx, practiceId);
  if (!issuer) throw refuse('No identity provider is configured: members could not sign in at all');
  if (!actor.userId || !(await linkedIdentitiesOf(tx, actor.userId)).some((i) => i.issuer === issuer))
    throw refuse('Link your own provider account (your profile) before switching password sign-in off');
}

/** How patients reach the practice (a reminder by email ends with it), inside a transaction bound to it. */
export async function practiceContactIn(
  tx: Tx,
  practiceId: string,
): Promise<{ name: string; address: string; phone: string; email: string } | undefined> {
  return tx
    .selectFrom('practices')
    .select(['name', 'address', 'phone', 'email'])
    .where('id', '=', practiceId)
    .executeTakeFirst();
}

/** The practice's name and time zone, inside a transaction bound to it (the audit trail names it, and dates links in its zone). */
export async function practiceIn(tx: Tx, practiceId: string): Promise<{ name: string; timeZone: string } | undefined> {
  return tx.selectFrom('practices').select(['name', 'timeZone']).where('id', '=', practiceId).executeTakeFirst();
}

// Slot step and hold length: the calendar's settings, kept on the practice (scheduling reads
// them through platform/tenancy.ts).

export type CalendarSettings = { slotStepMinutes: 5 | 10 | 15 | 20 | 30 | 60; holdMinutes: number };

export async function getCalendarSettings(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string },
): Promise<CalendarSettings> {
  requirePermission(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await tx
      .selectFrom('practices')
      .select(['slotStepMinutes', 'holdMinutes'])
      .where('id', '=', input.practiceId)
      .executeTakeFirst();
    if (!row) throw new AppError('practice_not_found');
    return row as CalendarSettings;
  });
}

export async function updateCalendarSettings(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patch: Partial<CalendarSettings> },
): Promise<CalendarSettings> {
  requirePermission(input.actor, 'schedule:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await tx
      .selectFrom('practices')
      .select(['slotStepMinutes', 'holdMinutes'])
      .where('id', '=', input.practiceId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new AppError('practice_not_found');
    const fields = (['slotStepMinutes', 'holdMinutes'] as const).filter(
      (f) => input.patch[f] !== undefined && input.patch[f] !== before[f],
    );
    if (fields.length === 0) return before as CalendarSettings;
    const after = await tx
      .updateTable('practices')
      .set({
        ...Object.fromEntries(fields.map((f) => [f, input.patch[f as keyof CalendarSettings]])),
        updatedAt: new Date(),
      })
      .where('id', '=', input.practiceId)
      .returning(['slotStepMinutes', 'holdMinutes'])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'calendar_settings.updated',
      targetType: 'practice',
      targetId: input.practiceId,
      changes: Object.fromEntries(
        fields.map((f) => [f, { from: before[f as keyof typeof before], to: after[f as keyof typeof after] }]),
      ),
    });
    return after as CalendarSettings;
  });
}
