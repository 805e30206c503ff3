import type { Provider } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { mapDbErrors } from '../../platform/db-errors.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { type WallTimeInterval, changedFields, checkWeeklyHours, overlapError } from './settings.service.js';
import { memberDirectory, memberRoleIn } from '../staff/staff.service.js';
import { minutesToWallTime } from './weekly-hours.js';

/** Providers (the members who see patients) and their weekly hours. */

interface Caller {
  actor: Actor;
  practiceId: string;
}

const PROVIDER_ROLES = new Set(['owner', 'dentist', 'hygienist']);

type ProviderFields = { displayName: string; colour: string; active: boolean };
export type ProviderHoursInterval = WallTimeInterval & {
  chairId: string | null;
  validFrom: string | null;
  validTo: string | null;
};

async function readProviders(tx: Tx, practiceId: string, userId?: string): Promise<Provider[]> {
  let query = tx
    .selectFrom('providers')
    .innerJoin(memberDirectory(tx).as('memberships'), (join) =>
      join
        .onRef('memberships.practiceId', '=', 'providers.practiceId')
        .onRef('memberships.userId', '=', 'providers.userId'),
    )
    .select(['providers.userId', 'providers.displayName', 'providers.colour', 'providers.active', 'memberships.role'])
    .where('providers.practiceId', '=', practiceId)
    .orderBy('providers.displayName');
  if (userId) query = query.where('providers.userId', '=', userId);
  const providers = await query.execute();
  if (providers.length === 0) return [];
  let hoursQuery = tx
    .selectFrom('providerHours')
    .select(['id', 'providerId', 'weekday', 'startMinute', 'endMinute', 'chairId', 'validFrom', 'validTo'])
    .where('practiceId', '=', practiceId)
    .orderBy('weekday')
    .orderBy('startMinute')
    .orderBy('validFrom');
  if (userId) hoursQuery = hoursQuery.where('providerId', '=', userId);
  const hours = await hoursQuery.execute();
  return providers.map((p) => ({
    ...p,
    hours: hours
      .filter((h) => h.providerId === p.userId)
      .map((h) => ({
        id: h.id,
        weekday: h.weekday,
        start: minutesToWallTime(h.startMinute),
        end: minutesToWallTime(h.endMinute),
        chairId: h.chairId,
        validFrom: h.validFrom,
        validTo: h.validTo,
      })),
  }));
}

async function readProvider(tx: Tx, practiceId: string, userId: string): Promise<Provider> {
  const [provider] = await readProviders(tx, practiceId, userId);
  if (!provider) throw new AppError('provider_not_found');
  return provider;
}

async function lockProvider(tx: Tx, practiceId: string, userId: string) {
  const row = await tx
    .selectFrom('providers')
    .select(['displayName', 'colour', 'active'])
    .where('practiceId', '=', practiceId)
    .where('userId', '=', userId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw new AppError('provider_not_found');
  return row;
}

export async function listProviders(ctx: AppContext, input: Caller): Promise<Provider[]> {
  requirePermission(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, (tx) => readProviders(tx, input.practiceId));
}

/** Makes a member who sees patients (owner, dentist, hygienist) bookable. */
export async function createProvider(
  ctx: AppContext,
  input: Caller & { provider: ProviderFields & { userId: string } },
): Promise<Provider> {
  requirePermission(input.actor, 'schedule:manage');
  const { userId, ...fields } = input.provider;
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const role = await memberRoleIn(tx, input.practiceId, userId);
    if (!role) throw new AppError('member_not_found', { detail: 'This user is not a member of the practice' });
    if (!PROVIDER_ROLES.has(role)) {
      throw new AppError('provider_not_allowed', {
        detail: `A ${role} cannot be a provider; only owners, dentists and hygienists see patients`,
      });
    }
    await mapDbErrors(
      () =>
        tx
          .insertInto('providers')
          .values({ practiceId: input.practiceId, userId, ...fields })
          .execute(),
      {
        '23505': () => new AppError('duplicate_name', { detail: 'This member is already a provider' }),
      },
    );
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'provider.created',
      targetType: 'provider',
      targetId: userId,
      changes: { role, active: fields.active },
    });
    return readProvider(tx, input.practiceId, userId);
  });
}

export async function updateProvider(
  ctx: AppContext,
  input: Caller & { userId: string; patch: Partial<ProviderFields> },
): Promise<Provider> {
  requirePermission(input.actor, 'schedule:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await lockProvider(tx, input.practiceId, input.userId);
    const fields = changedFields(before, input.patch);
    if (fields.length > 0) {
      await tx
        .updateTable('providers')
        .set(Object.fromEntries(fields.map((f) => [f, input.patch[f as keyof ProviderFields]])))
        .where('practiceId', '=', input.practiceId)
        .where('userId', '=', input.userId)
        .execute();
      await recordAudit(tx, {
        practiceId: input.practiceId,
        actor: input.actor,
        action: 'provider.updated',
        targetType: 'provider',
        targetId: input.userId,
        changes: { fields },
      });
    }
    return readProvider(tx, input.practiceId, input.userId);
  });
}

/**
 * Replaces a provider's weekly hours in one transaction: intervals are checked (period,
 * overlap) before writing and chairs must be this practice's, so a refusal leaves the old hours.
 */
export async function replaceProviderHours(
  ctx: AppContext,
  input: Caller & { userId: string; hours: ProviderHoursInterval[] },
): Promise<Provider> {
  requirePermission(input.actor, 'schedule:manage');
  const intervals = checkWeeklyHours(input.hours);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    await lockProvider(tx, input.practiceId, input.userId);
    await requireChairs(
      tx,
      input.practiceId,
      intervals.map((i) => i.chairId),
    );
    await tx
      .deleteFrom('providerHours')
      .where('practiceId', '=', input.practiceId)
      .where('providerId', '=', input.userId)
      .execute();
    if (intervals.length > 0) {
      await mapDbErrors(
        () =>
          tx
            .insertInto('providerHours')
            .values(
              intervals.map((i) => ({
                practiceId: input.practiceId,
                providerId: input.userId,
                weekday: i.weekday,
                startMinute: i.startMinute,
                endMinute: i.endMinute,
                chairId: i.chairId,
                validFrom: i.validFrom,
                validTo: i.validTo,
              })),
            )
            .execute(),
        { '23P01': () => overlapError(), '23503': () => new AppError('chair_not_found') },
      );
    }
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'provider.hours_replaced',
      targetType: 'provider',
      targetId: input.userId,
      changes: { intervals: intervals.length, weekdays: [...new Set(intervals.map((i) => i.weekday))].sort() },
    });
    return readProvider(tx, input.practiceId, input.userId);
  });
}

/** Every non-null chair id must be a chair of this practice. */
export async function requireChairs(tx: Tx, practiceId: string, chairIds: (string | null)[]) {
  const wanted = [...new Set(chairIds.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return;
  const found = await tx
    .selectFrom('chairs')
    .select('id')
    .where('practiceId', '=', practiceId)
    .where('id', 'in', wanted)
    .execute();
  const missing = wanted.find((id) => !found.some((c) => c.id === id));
  if (missing) throw new AppError('chair_not_found', { detail: `No chair ${missing} in this practice` });
}
