import { NewPassword, type Role } from '@dentalpro/contracts';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { randomToken, sha256 } from '../../platform/crypto.js';
import { AppError, fieldErrorsOf } from '../../platform/errors.js';
import { verifyPassword } from '../../platform/passwords.js';
import { type Tx, bindPractice, inPractice, practiceFactsIn, signInPolicyOf } from '../../platform/tenancy.js';
import { auditTargetIdsIn } from '../../platform/audit.js';
import { revokeUserSessions } from '../../platform/session.js';
import {
  type VerifiedIdentity,
  createUser,
  findUserByEmail,
  findUserByIdentity,
  linkIdentityIn,
  recordAttempt,
  refuseOtherProvider,
  refuseIfThrottled,
  userDirectory,
  userNamesIn,
} from '../auth/auth.service.js';
import { invitationEmail } from './staff.emails.js';

const INVITATION_TTL_MS = 7 * 86400_000;

export async function listStaff(ctx: AppContext, input: { actor: Actor; practiceId: string }) {
  requirePermission(input.actor, 'staff:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const members = await tx
      .selectFrom('memberships')
      .innerJoin(userDirectory(tx).as('users'), 'users.id', 'memberships.userId')
      .select(['users.id as userId', 'users.name', 'users.email', 'memberships.role', 'memberships.createdAt'])
      .orderBy('users.name')
      .execute();
    const invitations = await tx
      .selectFrom('invitations')
      .leftJoin(userDirectory(tx).as('users'), 'users.id', 'invitations.invitedBy')
      .select([
        'invitations.id',
        'invitations.email',
        'invitations.role',
        'users.name as invitedBy',
        'invitations.createdAt',
        'invitations.expiresAt',
      ])
      .where('invitations.acceptedAt', 'is', null)
      .where('invitations.revokedAt', 'is', null)
      .where('invitations.expiresAt', '>', new Date())
      .orderBy('invitations.createdAt', 'desc')
      .execute();
    return {
      members: members.map((m) => ({
        userId: m.userId,
        name: m.name,
        email: m.email,
        role: m.role,
        joinedAt: m.createdAt.toISOString(),
      })),
      invitations: invitations.map((i) => ({
        id: i.id,
        email: i.email,
        role: i.role,
        invitedBy: i.invitedBy ?? '',
        createdAt: i.createdAt.toISOString(),
        expiresAt: i.expiresAt.toISOString(),
      })),
    };
  });
}

/** invite: record the invitation (replacing an open one) → audit → email the link, or hand it back. */
export async function inviteStaff(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; email: string; role: Role },
) {
  requirePermission(input.actor, 'staff:manage');
  const token = randomToken();
  const email = input.email.trim().toLowerCase();
  const { invitation, practiceName, language } = await inPractice(ctx.db, input.practiceId, async (tx) => {
    // Two simultaneous invitations of one person: the second waits and replaces the first.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`${input.practiceId}:${email}`}))`.execute(tx);
    const member = await tx
      .selectFrom('memberships')
      .innerJoin(userDirectory(tx).as('users'), 'users.id', 'memberships.userId')
      .select('users.id')
      .where('users.email', '=', email)
      .executeTakeFirst();
    if (member) throw new AppError('already_member', { detail: `${email} is already in this practice` });
    await tx
      .updateTable('invitations')
      .set({ revokedAt: new Date() })
      .where('email', '=', email)
      .where('acceptedAt', 'is', null)
      .where('revokedAt', 'is', null)
      .execute();
    const row = await tx
      .insertInto('invitations')
      .values({
        practiceId: input.practiceId,
        email,
        role: input.role,
        tokenHash: sha256(token),
        invitedBy: input.actor.userId,
        expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'staff.invited',
      targetType: 'invitation',
      targetId: row.id,
      changes: { email, role: input.role },
    });
    const practice = await practiceFactsIn(tx, input.practiceId);
    if (!practice) throw new AppError('practice_not_found');
    const inviter = (await userNamesIn(tx, [input.actor.userId])).get(input.actor.userId ?? '');
    return {
      invitation: { ...row, invitedBy: inviter ?? '' },
      practiceName: practice.name,
      language: practice.defaultLanguage,
    };
  });
  const acceptUrl = `${ctx.config.publicUrl}/invitations/${token}`;
  // The invitation is saved; if the relay fails the owner still gets the link to pass on.
  const sent = await ctx.mailer
    .send(invitationEmail({ to: email, practiceName, role: input.role, link: acceptUrl, language }))
    .catch((err: unknown) => {
      ctx.logger.error({ err, invitationId: invitation.id }, 'invitation email could not be sent');
      return { delivered: false };
    });
  return {
    invitation: {
      id: invitation.id,
      email: invitation.email,
      role: invitation.role,
      invitedBy: invitation.invitedBy,
      createdAt: invitation.createdAt.toISOString(),
      expiresAt: invitation.expiresAt.toISOString(),
    },
    acceptUrl,
    emailSent: sent.delivered,
  };
}

export async function revokeInvitation(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; invitationId: string },
) {
  requirePermission(input.actor, 'staff:manage');
  await inPractice(ctx.db, input.practiceId, async (tx) => {
    const revoked = await tx
      .updateTable('invitations')
      .set({ revokedAt: new Date() })
      .where('id', '=', input.invitationId)
      .where('acceptedAt', 'is', null)
      .where('revokedAt', 'is', null)
      .returning(['id', 'email', 'role'])
      .executeTakeFirst();
    if (!revoked) throw new AppError('invitation_not_found');
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'staff.invitation_revoked',
      targetType: 'invitation',
      targetId: revoked.id,
      changes: { email: revoked.email, role: revoked.role },
    });
  });
}

export async function changeRole(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; userId: string; role: Role },
) {
  requirePermission(input.actor, 'staff:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const current = await lockMember(tx, input.userId);
    if (current.role === 'owner' && input.role !== 'owner') await refuseIfLastOwner(tx);
    const updated = await tx
      .updateTable('memberships')
      .set({ role: input.role })
      .where('userId', '=', input.userId)
      .returning('createdAt')
      .executeTakeFirstOrThrow();
    if (current.role !== input.role) {
      await recordAudit(tx, {
        practiceId: input.practiceId,
        actor: input.actor,
        action: 'staff.role_changed',
        targetType: 'user',
        targetId: input.userId,
        changes: { from: current.role, to: input.role },
      });
    }
    return {
      userId: input.userId,
      name: current.name,
      email: current.email,
      role: input.role,
      joinedAt: updated.createdAt.toISOString(),
    };
  });
}

export async function removeMember(ctx: AppContext, input: { actor: Actor; practiceId: string; userId: string }) {
  requirePermission(input.actor, 'staff:manage');
  await inPractice(ctx.db, input.practiceId, async (tx) => {
    const current = await lockMember(tx, input.userId);
    if (current.role === 'owner') await refuseIfLastOwner(tx);
    await tx.deleteFrom('memberships').where('userId', '=', input.userId).execute();
    // Deactivation takes effect at once: every session of theirs ends with the membership (a
    // session reaches all of a user's practices; they sign in again to the ones they keep).
    const sessionsEnded = await revokeUserSessions(tx, input.userId);
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'staff.removed',
      targetType: 'user',
      targetId: input.userId,
      changes: { role: current.role, sessionsEnded },
    });
  });
}

async function lockMember(tx: Tx, userId: string) {
  // Lock the owners and the target in one fixed order, so two owners demoting each other
  // wait for one another instead of deadlocking.
  await tx
    .selectFrom('memberships')
    .select('userId')
    .where((eb) => eb.or([eb('role', '=', 'owner'), eb('userId', '=', userId)]))
    .orderBy('userId')
    .forUpdate()
    .execute();
  const row = await tx
    .selectFrom('memberships')
    .innerJoin(userDirectory(tx).as('users'), 'users.id', 'memberships.userId')
    .select(['memberships.role', 'users.name', 'users.email'])
    .where('memberships.userId', '=', userId)
    .forUpdate('memberships')
    .executeTakeFirst();
  if (!row) throw new AppError('member_not_found');
  return row;
}

/** A practice always keeps an owner. The owners' rows are locked so two demotions cannot race past this. */
async function refuseIfLastOwner(tx: Tx) {
  const owners = await tx.selectFrom('memberships').select('userId').where('role', '=', 'owner').forUpdate().execute();
  if (owners.length <= 1)
    throw new AppError('last_owner', { detail: 'A practice needs at least one owner; make someone else owner first' });
}

async function findOpenInvitation(ctx: AppContext, token: string) {
  const invitation = await ctx.db
    .selectFrom('invitations')
    .select(['id', 'practiceId', 'email', 'role', 'expiresAt', 'acceptedAt', 'revokedAt'])
    .where('tokenHash', '=', sha256(token))
    .executeTakeFirst();
  if (!invitation) return undefined;
  const practice = await practiceFactsIn(ctx.db, invitation.practiceId);
  return (
    practice && {
      ...invitation,
      practiceName: practice.name,
      passwordSignInAllowed: practice.passwordSignInAllowed,
    }
  );
}

function refuseIfClosed(
  inv: { expiresAt: Date; acceptedAt: Date | null; revokedAt: Date | null } | undefined,
): asserts inv {
  if (!inv || inv.acceptedAt || inv.revokedAt)
    throw new AppError('invitation_not_found', { detail: 'This invitation is not valid any more' });
  if (inv.expiresAt <= new Date())
    throw new AppError('invitation_expired', { detail: 'This invitation has expired; ask for a new one' });
}

export async function previewInvitation(ctx: AppContext, token: string) {
  const inv = await findOpenInvitation(ctx, token);
  refuseIfClosed(inv);
  const existing = await findUserByEmail(ctx.db, inv.email);
  return {
    practiceId: inv.practiceId,
    practiceName: inv.practiceName,
    email: inv.email,
    role: inv.role,
    existingAccount: Boolean(existing),
    passwordSignInAllowed: inv.passwordSignInAllowed,
  };
}

/**
 * accept: check the invitation → the account (existing: its password; new: name and password)
 * → membership → mark accepted → audit. One transaction: nothing half-done on any failure.
 */
export async function acceptInvitation(
  ctx: AppContext,
  input: { token: string; name?: string; password: string; ip: string; requestId: string },
) {
  const inv = await findOpenInvitation(ctx, input.token);
  refuseIfClosed(inv);
  const existing = await findUserByEmail(ctx.db, inv.email);
  // An existing account proves itself with its password, under the same throttle as login.
  if (existing) await refuseIfThrottled(ctx.db, existing.email, input.ip);
  if (existing && !(await verifyPassword(existing.passwordHash, input.password))) {
    await recordAttempt(ctx.db, existing.email, input.ip, false);
    throw new AppError('invalid_credentials', { detail: 'An account with this email exists; enter its password' });
  }
  if (!existing) {
    if (!input.name)
      throw new AppError('validation_failed', {
        errors: [{ path: 'name', code: 'required', message: 'Enter your name' }],
      });
    const strong = NewPassword.safeParse(input.password);
    if (!strong.success)
      throw new AppError('validation_failed', { errors: fieldErrorsOf(strong.error, input.password, 'password') });
  }
  return ctx.db.transaction().execute(async (tx) => {
    const user = existing ?? (await createUser(tx, { email: inv.email, name: input.name!, password: input.password }));
    await joinByInvitation(tx, inv, user.id, { newAccount: !existing, ip: input.ip, requestId: input.requestId });
    // A password accepts only where a password signs in: the rules of every practice the account
    // is in, this one included, as at login. Refused, nothing is kept (no account, no membership).
    const policy = await signInPolicyOf(tx, user.id);
    if (!policy.passwordSignInAllowed)
      throw new AppError('password_sign_in_disabled', {
        detail: existing
          ? 'This practice signs in through its identity provider: sign in, link your provider account from your profile, then accept with the provider'
          : 'This practice signs in through its identity provider: accept the invitation with the provider',
      });
    // An account with two-factor still owes its code before it gets a session; one without it, in
    // a practice that requires it for passwords, must set it up first.
    const mfaRequired = Boolean(existing?.mfaEnabledAt);
    return {
      userId: user.id,
      practiceId: inv.practiceId,
      mfaRequired,
      mfaEnrolmentRequired: !mfaRequired && policy.twoStepRequiredForPasswords,
    };
  });
}

/**
 * Accepting through the identity provider (the browser back from it, the ID token checked): its
 * verified email must be the invitation's. A provider account linked already joins with its
 * account; otherwise a new account is made and linked. An existing account with that email accepts
 * with its password instead (and links from its profile): an email match never links an account.
 */
export async function acceptInvitationWithIdentity(
  ctx: AppContext,
  input: { token: string; identity: VerifiedIdentity; ip: string; requestId: string },
) {
  const inv = await findOpenInvitation(ctx, input.token);
  refuseIfClosed(inv);
  const { identity } = input;
  if (!identity.emailVerified || !identity.email)
    throw new AppError('oidc_email_unverified', {
      detail: 'Your identity provider has not verified your email address, so it cannot accept this invitation',
    });
  if (identity.email !== inv.email)
    throw new AppError('oidc_email_mismatch', {
      detail: `This invitation is for ${inv.email}; sign in to the provider with that account`,
    });
  // A practice that signs in through its own provider only is joined through that provider.
  await refuseOtherProvider(ctx, inv.practiceId, identity.issuer);
  const linked = await findUserByIdentity(ctx.db, identity);
  if (!linked && (await findUserByEmail(ctx.db, inv.email)))
    throw new AppError('oidc_account_exists', {
      detail:
        'An account with this email exists: accept with its password, then link your provider account from your profile',
    });
  await ctx.db.transaction().execute(async (tx) => {
    let userId = linked?.id;
    if (!userId) {
      // No password anyone knows: the account signs in through the provider (or sets one by reset).
      userId = (await createUser(tx, { email: inv.email, name: identity.name || inv.email, password: randomToken() }))
        .id;
      await linkIdentityIn(tx, userId, identity);
    }
    await joinByInvitation(tx, inv, userId, { newAccount: !linked, ip: input.ip, requestId: input.requestId });
  });
}

/** The invitation marked accepted and the membership made, audited: in the caller's transaction. */
async function joinByInvitation(
  tx: Tx,
  inv: { id: string; practiceId: string; role: Role },
  userId: string,
  how: { newAccount: boolean; ip: string; requestId: string },
) {
  await bindPractice(tx, inv.practiceId);
  const claimed = await tx
    .updateTable('invitations')
    .set({ acceptedAt: new Date(), acceptedBy: userId })
    .where('id', '=', inv.id)
    .where('acceptedAt', 'is', null)
    .where('revokedAt', 'is', null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) throw new AppError('invitation_not_found');
  const inserted = await tx
    .insertInto('memberships')
    .values({ practiceId: inv.practiceId, userId, role: inv.role })
    .onConflict((oc) => oc.doNothing())
    .returning('userId')
    .executeTakeFirst();
  if (!inserted) throw new AppError('already_member');
  await recordAudit(tx, {
    practiceId: inv.practiceId,
    actor: { userId, role: inv.role, ip: how.ip, requestId: how.requestId },
    action: 'staff.invitation_accepted',
    targetType: 'invitation',
    targetId: inv.id,
    changes: { role: inv.role, newAccount: how.newAccount },
  });
}

/** Operator path (CLI): put an account straight into a practice, creating it if needed. */
export async function addStaffMember(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; email: string; name: string; password: string; role: Role },
) {
  requirePermission(input.actor, 'staff:manage');
  return ctx.db.transaction().execute(async (tx) => {
    if (!(await practiceFactsIn(tx, input.practiceId))) throw new AppError('practice_not_found');
    const existing = await findUserByEmail(tx, input.email);
    const user = existing ?? (await createUser(tx, { email: input.email, name: input.name, password: input.password }));
    await bindPractice(tx, input.practiceId);
    const inserted = await tx
      .insertInto('memberships')
      .values({ practiceId: input.practiceId, userId: user.id, role: input.role })
      .onConflict((oc) => oc.doNothing())
      .returning('userId')
      .executeTakeFirst();
    if (!inserted) throw new AppError('already_member');
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'staff.added',
      targetType: 'user',
      targetId: user.id,
      changes: { role: input.role, newAccount: !existing },
    });
    return { userId: user.id, created: !existing };
  });
}

/**
 * Names by user id, for the audit trail. Users belong to no practice, so only those this practice
 * knows are named: members, and former members (an accepted invitation, or a user target on its
 * own trail). `member` is false for those who have left.
 */
export async function staffNamesIn(tx: Tx, userIds: string[]): Promise<Map<string, { name: string; member: boolean }>> {
  if (userIds.length === 0) return new Map();
  const ids = [...new Set(userIds)];
  const onTrail = [...(await auditTargetIdsIn(tx, 'user', ids))];
  // memberships and invitations are row-level secured: these subqueries see this practice only.
  const rows = await tx
    .selectFrom(userDirectory(tx).as('users'))
    .select((eb) => [
      'users.id',
      'users.name',
      eb
        .exists(eb.selectFrom('memberships').select('userId').whereRef('memberships.userId', '=', 'users.id'))
        .as('member'),
    ])
    .where('users.id', 'in', ids)
    .where((eb) =>
      eb.or([
        eb.exists(eb.selectFrom('memberships').select('userId').whereRef('memberships.userId', '=', 'users.id')),
        eb.exists(eb.selectFrom('invitations').select('id').whereRef('invitations.acceptedBy', '=', 'users.id')),
        ...(onTrail.length > 0 ? [eb('users.id', 'in', onTrail)] : []),
      ]),
    )
    .execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, member: Boolean(r.member) }]));
}

/** The address each invitation was sent to, by id, for the audit trail. */
export async function invitationEmailsIn(tx: Tx, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('invitations')
    .select(['id', 'email'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.email]));
}

// What other modules ask of the practice's members.

/** The owner a new practice starts with (opening a practice, practices.service.ts). */
export async function addOwnerIn(tx: Tx, practiceId: string, userId: string) {
  await tx.insertInto('memberships').values({ practiceId, userId, role: 'owner' }).execute();
}

/**
 * Members as a table to join (practiceId, userId, role), for another module's list or check that
 * needs their role in the same query: scheduling's providers (who may perform which visit).
 */
export function memberDirectory(tx: Tx) {
  return tx.selectFrom('memberships').select(['memberships.practiceId', 'memberships.userId', 'memberships.role']);
}

/** The role of each of these users in the practice; users who are not members are left out. */
export async function memberRolesIn(
  tx: Tx,
  practiceId: string,
  userIds: readonly string[],
): Promise<Map<string, Role>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('memberships')
    .select(['userId', 'role'])
    .where('practiceId', '=', practiceId)
    .where('userId', 'in', ids)
    .execute();
  return new Map(rows.map((r) => [r.userId, r.role]));
}

/** The user's role in the practice, or undefined for someone who is not a member. */
export async function memberRoleIn(tx: Tx, practiceId: string, userId: string): Promise<Role | undefined> {
  return (await memberRolesIn(tx, practiceId, [userId])).get(userId);
}
