import type { Chair } from '@dentalpro/contracts';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { SQLSTATE, mapDbErrors, sqlStateOf } from '../../platform/db-errors.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { describeInterval, findOverlap, minutesToWallTime, wallTimeToMinutes, weekdayName } from './weekly-hours.js';

/**
 * Calendar settings an owner sets once and revisits rarely: chairs and opening hours. Providers
 * and their hours: providers.service.ts; closures, holidays and blocks: unavailability.service.ts;
 * appointment types: appointment-types.service.ts. The slot step and hold length are kept on the
 * practice: practices.service.ts.
 */

/** Whether the practice is open at an instant, by its opening hours less closures and holidays (messaging's away message). */
export { type OpeningStatus, openingStatusAt } from './opening-status.js';

interface Caller {
  actor: Actor;
  practiceId: string;
}

/** Field names of a patch whose value differs from the row before it. */
export function changedFields<T extends object>(before: T, patch: Partial<T>): string[] {
  return Object.entries(patch)
    .filter(([key, value]) => value !== undefined && JSON.stringify(value) !== JSON.stringify(before[key as keyof T]))
    .map(([key]) => key);
}

export interface WallTimeInterval {
  weekday: number;
  start: string;
  end: string;
  validFrom?: string | null;
  validTo?: string | null;
}

/**
 * Weekly hours as the client sends them → minutes, refusing an end not after its start and two
 * intervals that overlap, before anything is written (the exclusion constraint is the backstop).
 */
export function checkWeeklyHours<T extends WallTimeInterval>(hours: readonly T[]) {
  const intervals = hours.map((h) => ({
    ...h,
    startMinute: wallTimeToMinutes(h.start),
    endMinute: wallTimeToMinutes(h.end),
  }));
  for (const i of intervals) {
    if (i.endMinute <= i.startMinute) {
      throw new AppError('invalid_period', {
        detail: `On ${weekdayName(i.weekday)}, ${i.start}–${i.end} ends before it starts`,
      });
    }
    if (i.validFrom && i.validTo && i.validTo < i.validFrom) {
      throw new AppError('invalid_period', {
        detail: `On ${weekdayName(i.weekday)}, ${i.start}–${i.end} is valid until ${i.validTo}, before it starts (${i.validFrom})`,
      });
    }
  }
  const overlap = findOverlap(intervals);
  if (overlap)
    throw overlapError(overlap[0].weekday, `${describeInterval(overlap[0])} and ${describeInterval(overlap[1])}`);
  return intervals;
}

export const overlapError = (weekday?: number, which = 'two intervals') =>
  new AppError('schedule_overlap', {
    detail: weekday ? `On ${weekdayName(weekday)}, ${which} overlap` : 'Two intervals on the same weekday overlap',
  });

// Chairs

const CHAIR_COLUMNS = ['id', 'name', 'colour', 'sortOrder', 'active'] as const;
const duplicateChair = (name: string) => () =>
  new AppError('duplicate_name', { detail: `There is already a chair named ${name}` });

export async function listChairs(ctx: AppContext, input: Caller): Promise<Chair[]> {
  requirePermission(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, (tx) =>
    tx
      .selectFrom('chairs')
      .select(CHAIR_COLUMNS)
      .where('practiceId', '=', input.practiceId)
      .orderBy('sortOrder')
      .orderBy('name')
      .execute(),
  );
}

export async function createChair(ctx: AppContext, input: Caller & { chair: Omit<Chair, 'id'> }): Promise<Chair> {
  requirePermission(input.actor, 'schedule:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const chair = await mapDbErrors(
      () =>
        tx
          .insertInto('chairs')
          .values({ practiceId: input.practiceId, ...input.chair })
          .returning(CHAIR_COLUMNS)
          .executeTakeFirstOrThrow(),
      { '23505': duplicateChair(input.chair.name) },
    );
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'chair.created',
      targetType: 'chair',
      targetId: chair.id,
      changes: { name: chair.name, active: chair.active },
    });
    return chair;
  });
}

async function lockChair(tx: Tx, practiceId: string, chairId: string) {
  const chair = await tx
    .selectFrom('chairs')
    .select(CHAIR_COLUMNS)
    .where('practiceId', '=', practiceId)
    .where('id', '=', chairId)
    .forUpdate()
    .executeTakeFirst();
  if (!chair) throw new AppError('chair_not_found');
  return chair;
}

export async function updateChair(
  ctx: AppContext,
  input: Caller & { chairId: string; patch: Partial<Omit<Chair, 'id'>> },
): Promise<Chair> {
  requirePermission(input.actor, 'schedule:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await lockChair(tx, input.practiceId, input.chairId);
    const fields = changedFields(before, input.patch);
    if (fields.length === 0) return before;
    const patch = Object.fromEntries(fields.map((f) => [f, input.patch[f as keyof Omit<Chair, 'id'>]]));
    const chair = await mapDbErrors(
      () =>
        tx
          .updateTable('chairs')
          .set(patch)
          .where('practiceId', '=', input.practiceId)
          .where('id', '=', input.chairId)
          .returning(CHAIR_COLUMNS)
          .executeTakeFirstOrThrow(),
      { '23505': duplicateChair(input.patch.name ?? before.name) },
    );
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'chair.updated',
      targetType: 'chair',
      targetId: chair.id,
      changes: { fields },
    });
    return chair;
  });
}

/**
 * A chair that appointments, hours or blocks point at is kept and deactivated (history stays
 * readable); an unused one is deleted. Returns the deactivated chair, or null when deleted.
 */
export async function removeChair(ctx: AppContext, input: Caller & { chairId: string }): Promise<Chair | null> {
  requirePermission(input.actor, 'schedule:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const chair = await lockChair(tx, input.practiceId, input.chairId);
    // The savepoint lets the transaction go on after the foreign key refuses the delete.
    await sql`SAVEPOINT chair_delete`.execute(tx);
    try {
      await tx
        .deleteFrom('chairs')
        .where('practiceId', '=', input.practiceId)
        .where('id', '=', input.chairId)
        .execute();
      await sql`RELEASE SAVEPOINT chair_delete`.execute(tx);
    } catch (err) {
      if (sqlStateOf(err) !== SQLSTATE.foreignKeyViolation) throw err;
      await sql`ROLLBACK TO SAVEPOINT chair_delete`.execute(tx);
      const deactivated = await tx
        .updateTable('chairs')
        .set({ active: false })
        .where('practiceId', '=', input.practiceId)
        .where('id', '=', input.chairId)
        .returning(CHAIR_COLUMNS)
        .executeTakeFirstOrThrow();
      await recordAudit(tx, {
        practiceId: input.practiceId,
        actor: input.actor,
        action: 'chair.deactivated',
        targetType: 'chair',
        targetId: chair.id,
        changes: { name: chair.name, wasActive: chair.active },
      });
      return deactivated;
    }
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'chair.deleted',
      targetType: 'chair',
      targetId: chair.id,
      changes: { name: chair.name },
    });
    return null;
  });
}

// Opening hours

export type OpeningHours = { hours: { weekday: number; start: string; end: string }[] };

async function readOpeningHours(tx: Tx, practiceId: string): Promise<OpeningHours> {
  const rows = await tx
    .selectFrom('openingHours')
    .select(['weekday', 'startMinute', 'endMinute'])
    .where('practiceId', '=', practiceId)
    .orderBy('weekday')
    .orderBy('startMinute')
    .execute();
  return {
    hours: rows.map((r) => ({
      weekday: r.weekday,
      start: minutesToWallTime(r.startMinute),
      end: minutesToWallTime(r.endMinute),
    })),
  };
}

export async function getOpeningHours(ctx: AppContext, input: Caller): Promise<OpeningHours> {
  requirePermission(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, (tx) => readOpeningHours(tx, input.practiceId));
}

/** Replaces the whole week in one transaction: on any refusal the previous hours stay. */
export async function replaceOpeningHours(
  ctx: AppContext,
  input: Caller & { hours: OpeningHours['hours'] },
): Promise<OpeningHours> {
  requirePermission(input.actor, 'schedule:manage');
  const intervals = checkWeeklyHours(input.hours);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    await tx.deleteFrom('openingHours').where('practiceId', '=', input.practiceId).execute();
    if (intervals.length > 0) {
      await mapDbErrors(
        () =>
          tx
            .insertInto('openingHours')
            .values(
              intervals.map((i) => ({
                practiceId: input.practiceId,
                weekday: i.weekday,
                startMinute: i.startMinute,
                endMinute: i.endMinute,
              })),
            )
            .execute(),
        { '23P01': () => overlapError() },
      );
    }
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'opening_hours.replaced',
      targetType: 'practice',
      targetId: input.practiceId,
      changes: { intervals: intervals.length, weekdays: [...new Set(intervals.map((i) => i.weekday))].sort() },
    });
    return readOpeningHours(tx, input.practiceId);
  });
}
