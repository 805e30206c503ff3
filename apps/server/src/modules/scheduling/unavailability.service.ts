import { type RawBuilder, sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { mapDbErrors } from '../../platform/db-errors.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { seedPublicHolidays } from './holidays.mu.js';
import { changedFields } from './settings.service.js';

/** When the practice, a provider or a chair is not available: closures, public holidays, blocks. */

/** A new practice starts with the shipped public holidays (opening a practice, practices.service.ts). */
export { seedPublicHolidays };

interface Caller {
  actor: Actor;
  practiceId: string;
}

export interface Window {
  from?: string;
  to?: string;
}

function checkPeriod(start: string, end: string) {
  if (Date.parse(end) <= Date.parse(start))
    throw new AppError('invalid_period', { detail: 'The end must be after the start' });
}

const periodOf = (start: string, end: string) =>
  sql<string>`tstzrange(${start}::timestamptz, ${end}::timestamptz, '[)')`;

/** A patch's start and end as the API answers them (ISO in UTC), so that an unchanged instant compares equal. */
function normalisePeriod<T extends { start?: string; end?: string }>(patch: T): T {
  return {
    ...patch,
    ...(patch.start === undefined ? {} : { start: new Date(patch.start).toISOString() }),
    ...(patch.end === undefined ? {} : { end: new Date(patch.end).toISOString() }),
  };
}
const startOf = sql<Date>`lower(period)`.as('start');
const endOf = sql<Date>`upper(period)`.as('end');

/** Rows whose period meets [from, to); a missing bound is open. */
function overlapsWindow(window: Window): RawBuilder<boolean> {
  if (window.from && window.to && Date.parse(window.to) < Date.parse(window.from)) {
    throw new AppError('invalid_period', { detail: '"to" must not be before "from"' });
  }
  return sql<boolean>`period && tstzrange(${window.from ?? null}::timestamptz, ${window.to ?? null}::timestamptz, '[)')`;
}

// Closures: the whole practice shut for a period (renovation, a staff day).

export type Closure = { id: string; start: string; end: string; reason: string };
const toClosure = (r: { id: string; start: Date; end: Date; reason: string }): Closure => ({
  id: r.id,
  start: r.start.toISOString(),
  end: r.end.toISOString(),
  reason: r.reason,
});

export async function listClosures(ctx: AppContext, input: Caller & { window: Window }): Promise<Closure[]> {
  requirePermission(input.actor, 'calendar:read');
  const overlaps = overlapsWindow(input.window);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const rows = await tx
      .selectFrom('closures')
      .select(['id', 'reason', startOf, endOf])
      .where('practiceId', '=', input.practiceId)
      .where(overlaps)
      .orderBy(sql`lower(period)`)
      .execute();
    return rows.map(toClosure);
  });
}

export async function createClosure(
  ctx: AppContext,
  input: Caller & { closure: { start: string; end: string; reason: string } },
): Promise<Closure> {
  return inPractice(ctx.db, input.practiceId, (tx) => createClosureIn(tx, input));
}

/** The same, in the caller's transaction (a closure announcement closes and lists in one). */
export async function createClosureIn(
  tx: Tx,
  input: Caller & { closure: { start: string; end: string; reason: string } },
): Promise<Closure> {
  requirePermission(input.actor, 'schedule:manage');
  const { start, end, reason } = input.closure;
  checkPeriod(start, end);
  const row = await tx
    .insertInto('closures')
    .values({ practiceId: input.practiceId, period: periodOf(start, end), reason })
    .returning(['id', 'reason', startOf, endOf])
    .executeTakeFirstOrThrow();
  const closure = toClosure(row);
  await recordAudit(tx, {
    practiceId: input.practiceId,
    actor: input.actor,
    action: 'closure.created',
    targetType: 'closure',
    targetId: closure.id,
    changes: { start: closure.start, end: closure.end },
  });
  return closure;
}

/**
 * Whether [start, end) meets a closure of the practice, or a block of this provider (or of the whole
 * practice): a freed time there is not offered to anyone.
 */
export async function unavailableDuringIn(
  tx: Tx,
  input: { practiceId: string; start: Date; end: Date; providerId: string },
): Promise<boolean> {
  const range = sql<boolean>`period && tstzrange(${input.start.toISOString()}::timestamptz, ${input.end.toISOString()}::timestamptz, '[)')`;
  const closed = await tx
    .selectFrom('closures')
    .select('id')
    .where('practiceId', '=', input.practiceId)
    .where(range)
    .executeTakeFirst();
  if (closed) return true;
  const blocked = await tx
    .selectFrom('blocks')
    .select('id')
    .where('practiceId', '=', input.practiceId)
    .where((eb) =>
      eb.or([
        eb('providerId', '=', input.providerId),
        eb.and([eb('providerId', 'is', null), eb('chairId', 'is', null)]),
      ]),
    )
    .where(range)
    .executeTakeFirst();
  return blocked !== undefined;
}

/** Moves, shortens or re-explains a closure: the same rules as creating one. */
export async function updateClosure(
  ctx: AppContext,
  input: Caller & { closureId: string; patch: { start?: string; end?: string; reason?: string } },
): Promise<Closure> {
  requirePermission(input.actor, 'schedule:manage');
  const patch = normalisePeriod(input.patch);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await tx
      .selectFrom('closures')
      .select(['id', 'reason', startOf, endOf])
      .where('practiceId', '=', input.practiceId)
      .where('id', '=', input.closureId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new AppError('schedule_entry_not_found', { detail: 'No such closure' });
    const before = toClosure(row);
    const fields = changedFields(before, patch);
    if (fields.length === 0) return before;
    const after = { ...before, ...patch };
    checkPeriod(after.start, after.end);
    const updated = await tx
      .updateTable('closures')
      .set({ period: periodOf(after.start, after.end), reason: after.reason })
      .where('practiceId', '=', input.practiceId)
      .where('id', '=', input.closureId)
      .returning(['id', 'reason', startOf, endOf])
      .executeTakeFirstOrThrow();
    const closure = toClosure(updated);
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'closure.updated',
      targetType: 'closure',
      targetId: closure.id,
      // Field names only for the reason: it is free text.
      changes: {
        fields,
        start: closure.start,
        end: closure.end,
        ...(fields.includes('start') || fields.includes('end')
          ? { previous: { start: before.start, end: before.end } }
          : {}),
      },
    });
    return closure;
  });
}

export async function deleteClosure(ctx: AppContext, input: Caller & { closureId: string }): Promise<void> {
  requirePermission(input.actor, 'schedule:manage');
  await inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await tx
      .deleteFrom('closures')
      .where('practiceId', '=', input.practiceId)
      .where('id', '=', input.closureId)
      .returning(['id', startOf, endOf])
      .executeTakeFirst();
    if (!row) throw new AppError('schedule_entry_not_found', { detail: 'No such closure' });
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'closure.deleted',
      targetType: 'closure',
      targetId: row.id,
      changes: { start: row.start.toISOString(), end: row.end.toISOString() },
    });
  });
}

// Public holidays: one row per date.

export type Holiday = { id: string; date: string; nameEn: string; nameFr: string; provisional: boolean };
type HolidayFields = Omit<Holiday, 'id' | 'provisional'>;
const HOLIDAY_COLUMNS = ['id', 'date', 'nameEn', 'nameFr', 'provisional'] as const;
const duplicateDate = (date: string | undefined) => () =>
  new AppError('duplicate_name', { detail: `There is already a holiday on ${date}` });

export async function listHolidays(ctx: AppContext, input: Caller & { year?: number }): Promise<Holiday[]> {
  requirePermission(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    let query = tx
      .selectFrom('publicHolidays')
      .select(HOLIDAY_COLUMNS)
      .where('practiceId', '=', input.practiceId)
      .orderBy('date');
    if (input.year !== undefined)
      query = query.where('date', '>=', `${input.year}-01-01`).where('date', '<=', `${input.year}-12-31`);
    return query.execute();
  });
}

export async function createHoliday(ctx: AppContext, input: Caller & { holiday: HolidayFields }): Promise<Holiday> {
  requirePermission(input.actor, 'schedule:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const holiday = await mapDbErrors(
      () =>
        tx
          .insertInto('publicHolidays')
          .values({ practiceId: input.practiceId, ...input.holiday })
          .returning(HOLIDAY_COLUMNS)
          .executeTakeFirstOrThrow(),
      { '23505': duplicateDate(input.holiday.date) },
    );
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'holiday.created',
      targetType: 'holiday',
      targetId: holiday.id,
      changes: { date: holiday.date },
    });
    return holiday;
  });
}

export async function updateHoliday(
  ctx: AppContext,
  input: Caller & { holidayId: string; patch: Partial<HolidayFields> },
): Promise<Holiday> {
  requirePermission(input.actor, 'schedule:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await tx
      .selectFrom('publicHolidays')
      .select(HOLIDAY_COLUMNS)
      .where('practiceId', '=', input.practiceId)
      .where('id', '=', input.holidayId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new AppError('schedule_entry_not_found', { detail: 'No such holiday' });
    const fields = changedFields(before, input.patch);
    if (fields.length === 0) return before;
    const holiday = await mapDbErrors(
      () =>
        tx
          .updateTable('publicHolidays')
          // The owner's edit is the confirmed date: no longer provisional.
          .set({
            ...Object.fromEntries(fields.map((f) => [f, input.patch[f as keyof HolidayFields]])),
            provisional: false,
          })
          .where('practiceId', '=', input.practiceId)
          .where('id', '=', input.holidayId)
          .returning(HOLIDAY_COLUMNS)
          .executeTakeFirstOrThrow(),
      { '23505': duplicateDate(input.patch.date) },
    );
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'holiday.updated',
      targetType: 'holiday',
      targetId: holiday.id,
      changes: { fields, date: holiday.date, ...(before.date !== holiday.date ? { previousDate: before.date } : {}) },
    });
    return holiday;
  });
}

export async function deleteHoliday(ctx: AppContext, input: Caller & { holidayId: string }): Promise<void> {
  requirePermission(input.actor, 'schedule:manage');
  await inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await tx
      .deleteFrom('publicHolidays')
      .where('practiceId', '=', input.practiceId)
      .where('id', '=', input.holidayId)
      .returning(['id', 'date'])
      .executeTakeFirst();
    if (!row) throw new AppError('schedule_entry_not_found', { detail: 'No such holiday' });
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'holiday.deleted',
      targetType: 'holiday',
      targetId: row.id,
      changes: { date: row.date },
    });
  });
}

/** Adds the shipped Mauritius list; dates the practice already has are kept as they are. */
export async function importMauritiusHolidays(ctx: AppContext, input: Caller): Promise<{ added: number }> {
  requirePermission(input.actor, 'schedule:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const added = await seedPublicHolidays(tx, input.practiceId);
    if (added > 0) {
      await recordAudit(tx, {
        practiceId: input.practiceId,
        actor: input.actor,
        action: 'holiday.imported',
        targetType: 'practice',
        targetId: input.practiceId,
        changes: { source: 'mauritius', added },
      });
    }
    return { added };
  });
}

// Blocks: a provider, a chair, both, or (neither) the whole practice unavailable for a while.

export type BlockKind = 'lunch' | 'meeting' | 'leave' | 'maintenance' | 'other';
export type Block = {
  id: string;
  providerId: string | null;
  chairId: string | null;
  start: string;
  end: string;
  kind: BlockKind;
  note: string;
};
type BlockRow = Omit<Block, 'start' | 'end'> & { start: Date; end: Date };
const BLOCK_COLUMNS = ['id', 'providerId', 'chairId', 'kind', 'note', startOf, endOf] as const;
const toBlock = (r: BlockRow): Block => ({ ...r, start: r.start.toISOString(), end: r.end.toISOString() });

export async function listBlocks(ctx: AppContext, input: Caller & { window: Window }): Promise<Block[]> {
  requirePermission(input.actor, 'calendar:read');
  const overlaps = overlapsWindow(input.window);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const rows = await tx
      .selectFrom('blocks')
      .select(BLOCK_COLUMNS)
      .where('practiceId', '=', input.practiceId)
      .where(overlaps)
      .orderBy(sql`lower(period)`)
      .execute();
    return rows.map(toBlock);
  });
}

/** A block's provider and chair, when set, must be this practice's. */
async function checkBlockTargets(tx: Tx, practiceId: string, providerId: string | null, chairId: string | null) {
  if (providerId) {
    const provider = await tx
      .selectFrom('providers')
      .select('userId')
      .where('practiceId', '=', practiceId)
      .where('userId', '=', providerId)
      .executeTakeFirst();
    if (!provider) throw new AppError('provider_not_found');
  }
  if (chairId) {
    const chair = await tx
      .selectFrom('chairs')
      .select('id')
      .where('practiceId', '=', practiceId)
      .where('id', '=', chairId)
      .executeTakeFirst();
    if (!chair) throw new AppError('chair_not_found');
  }
}

export async function createBlock(
  ctx: AppContext,
  input: Caller & {
    block: {
      providerId: string | null;
      chairId: string | null;
      start: string;
      end: string;
      kind: BlockKind;
      note: string;
    };
  },
): Promise<Block> {
  return inPractice(ctx.db, input.practiceId, (tx) => createBlockIn(tx, input));
}

/** The same, in the caller's transaction (a closure announcement for one dentist blocks their time). */
export async function createBlockIn(
  tx: Tx,
  input: Caller & {
    block: {
      providerId: string | null;
      chairId: string | null;
      start: string;
      end: string;
      kind: BlockKind;
      note: string;
    };
  },
): Promise<Block> {
  requirePermission(input.actor, 'calendar:write');
  const { providerId, chairId, start, end, kind, note } = input.block;
  checkPeriod(start, end);
  await checkBlockTargets(tx, input.practiceId, providerId, chairId);
  const row = await tx
    .insertInto('blocks')
    .values({
      practiceId: input.practiceId,
      providerId,
      chairId,
      period: periodOf(start, end),
      kind,
      note,
      createdBy: input.actor.userId,
    })
    .returning(BLOCK_COLUMNS)
    .executeTakeFirstOrThrow();
  const block = toBlock(row);
  await recordAudit(tx, {
    practiceId: input.practiceId,
    actor: input.actor,
    action: 'block.created',
    targetType: 'block',
    targetId: block.id,
    changes: { providerId, chairId, kind, start: block.start, end: block.end },
  });
  return block;
}

/** Moves a block, or changes whom it blocks, its kind or note: the same rules as creating one. */
export async function updateBlock(
  ctx: AppContext,
  input: Caller & {
    blockId: string;
    patch: Partial<{
      providerId: string | null;
      chairId: string | null;
      start: string;
      end: string;
      kind: BlockKind;
      note: string;
    }>;
  },
): Promise<Block> {
  requirePermission(input.actor, 'calendar:write');
  const patch = normalisePeriod(input.patch);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await tx
      .selectFrom('blocks')
      .select(BLOCK_COLUMNS)
      .where('practiceId', '=', input.practiceId)
      .where('id', '=', input.blockId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new AppError('schedule_entry_not_found', { detail: 'No such block' });
    const before = toBlock(row);
    const fields = changedFields(before, patch);
    if (fields.length === 0) return before;
    const after = { ...before, ...patch };
    checkPeriod(after.start, after.end);
    await checkBlockTargets(
      tx,
      input.practiceId,
      fields.includes('providerId') ? after.providerId : null,
      fields.includes('chairId') ? after.chairId : null,
    );
    const updated = await tx
      .updateTable('blocks')
      .set({
        providerId: after.providerId,
        chairId: after.chairId,
        period: periodOf(after.start, after.end),
        kind: after.kind,
        note: after.note,
      })
      .where('practiceId', '=', input.practiceId)
      .where('id', '=', input.blockId)
      .returning(BLOCK_COLUMNS)
      .executeTakeFirstOrThrow();
    const block = toBlock(updated);
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'block.updated',
      targetType: 'block',
      targetId: block.id,
      // Field names only for the note: it is free text.
      changes: {
        fields,
        providerId: block.providerId,
        chairId: block.chairId,
        kind: block.kind,
        start: block.start,
        end: block.end,
      },
    });
    return block;
  });
}

export async function deleteBlock(ctx: AppContext, input: Caller & { blockId: string }): Promise<void> {
  requirePermission(input.actor, 'calendar:write');
  await inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await tx
      .deleteFrom('blocks')
      .where('practiceId', '=', input.practiceId)
      .where('id', '=', input.blockId)
      .returning(BLOCK_COLUMNS)
      .executeTakeFirst();
    if (!row) throw new AppError('schedule_entry_not_found', { detail: 'No such block' });
    const block = toBlock(row);
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'block.deleted',
      targetType: 'block',
      targetId: block.id,
      changes: {
        providerId: block.providerId,
        chairId: block.chairId,
        kind: block.kind,
        start: block.start,
        end: block.end,
      },
    });
  });
}
