import type { AssistantSettings, AssistantSettingsPatch, FieldError } from '@dentalpro/contracts';
import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/connection.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { procedureNamesIn } from '../clinical/price-list.service.js';
import { setAssistantActive } from '../messaging/assistant-channel.service.js';

/**
 * Settings → Assistant: whether the booking assistant answers patients, the practice's rules it
 * applies (late cancellation, idle expiry, handover) and the texts it may send (emergency
 * instructions, opening hours, published prices). Everyone in the practice reads them; changing
 * them is the owner's, as for the practice's other settings (practice:manage). Which visit types
 * patients may book stays on the appointment types (whatsappBookable), edited there.
 */

type Fields = Omit<AssistantSettings, 'updatedAt'>;
type Patch = z.output<typeof AssistantSettingsPatch>;

/** A practice that never saved its settings has these (the table's defaults too). */
export const ASSISTANT_DEFAULTS: Readonly<Fields> = {
  enabled: false,
  lateCancellationHours: 24,
  idleMinutes: 30,
  handoverIdleHours: 12,
  emergencyEn: '',
  emergencyFr: '',
  openingHoursEn: '',
  openingHoursFr: '',
  publishedPriceItemIds: [],
};

const COLUMNS = [
  'enabled',
  'lateCancellationHours',
  'idleMinutes',
  'handoverIdleHours',
  'emergencyEn',
  'emergencyFr',
  'openingHoursEn',
  'openingHoursFr',
  'publishedPriceItemIds',
  'updatedAt',
] as const;
const FIELDS = COLUMNS.filter((c) => c !== 'updatedAt') as (keyof Fields)[];
/** Practice texts: the audit trail names the field changed, not the text. */
const TEXTS = new Set<keyof Fields>(['emergencyEn', 'emergencyFr', 'openingHoursEn', 'openingHoursFr']);

type Row = Fields & { updatedAt: Date | null };
const toSettings = (row: Row): AssistantSettings => ({
  ...row,
  publishedPriceItemIds: [...row.publishedPriceItemIds],
  updatedAt: row.updatedAt?.toISOString() ?? null,
});

/** The settings as the runtime reads them (the API's shape). */
export type AssistantSettingsRow = AssistantSettings;

/**
 * The practice's settings (the runtime reads them per message), in the caller's transaction or,
 * naming the practice, on the platform's connection; defaults when never saved.
 */
export async function assistantSettingsIn(conn: Db | Tx, practiceId: string): Promise<AssistantSettingsRow> {
  const row = await conn
    .selectFrom('assistantSettings')
    .select(COLUMNS)
    .where('practiceId', '=', practiceId)
    .executeTakeFirst();
  return row ? toSettings(row) : { ...ASSISTANT_DEFAULTS, publishedPriceItemIds: [], updatedAt: null };
}

export async function getAssistantSettings(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string },
): Promise<AssistantSettings> {
  requirePermission(input.actor, 'practice:read');
  return inPractice(ctx.db, input.practiceId, (tx) => assistantSettingsIn(tx, input.practiceId));
}

/**
 * Changes the fields sent, audited in the same transaction. Turning the assistant on or off tells
 * the WhatsApp channel in that transaction too, so the greeting and away messages pause exactly
 * while the assistant answers.
 */
export async function saveAssistantSettings(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patch: Patch },
): Promise<AssistantSettings> {
  requirePermission(input.actor, 'practice:manage');
  const { practiceId } = input;
  const patch = { ...input.patch };
  if (patch.publishedPriceItemIds) patch.publishedPriceItemIds = [...new Set(patch.publishedPriceItemIds)];
  return inPractice(ctx.db, practiceId, async (tx) => {
    const before = await lockSettings(tx, practiceId);
    const changed = FIELDS.filter((f) => patch[f] !== undefined && !sameValue(patch[f], before[f]));
    // A number connected after the assistant was switched on learns it from the next save that
    // names the switch, whether or not the switch moves.
    if (patch.enabled !== undefined && !changed.includes('enabled'))
      await setAssistantActive(tx, { practiceId, active: patch.enabled });
    // Nothing to change: the settings as they are, nothing written or audited (as every PATCH answers).
    if (changed.length === 0) return toSettings(before);
    if (changed.includes('publishedPriceItemIds')) await checkPriceItems(tx, patch.publishedPriceItemIds ?? []);
    const after = await tx
      .updateTable('assistantSettings')
      .set({
        ...Object.fromEntries(changed.map((f) => [f, patch[f]])),
        updatedAt: new Date(),
        updatedBy: input.actor.userId,
      })
      .where('practiceId', '=', practiceId)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    if (changed.includes('enabled')) await setAssistantActive(tx, { practiceId, active: after.enabled });
    await recordAudit(tx, {
      practiceId,
      actor: input.actor,
      action: 'assistant.settings_updated',
      targetType: 'practice',
      targetId: practiceId,
      changes: Object.fromEntries(changed.map((f) => [f, auditChange(f, before[f], after[f])])),
    });
    return toSettings(after);
  });
}

/**
 * The practice's row, locked for this transaction: created with the defaults the first time, so
 * that two owners saving at once change one row in turn rather than both inserting.
 */
async function lockSettings(tx: Tx, practiceId: string): Promise<Row> {
  await tx
    .insertInto('assistantSettings')
    .values({ practiceId })
    .onConflict((oc) => oc.column('practiceId').doNothing())
    .execute();
  return tx
    .selectFrom('assistantSettings')
    .select(COLUMNS)
    .where('practiceId', '=', practiceId)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

/** Every published item must be an active item of this practice's price list. */
async function checkPriceItems(tx: Tx, ids: string[]) {
  const items = await procedureNamesIn(tx, ids);
  const errors: FieldError[] = ids.flatMap((id, i) =>
    items.get(id)?.active
      ? []
      : [
          {
            path: `publishedPriceItemIds.${i}`,
            code: 'not_in_price_list' as const,
            message: items.has(id)
              ? 'This price-list item is no longer offered; offer it again on the price list, or leave it out'
              : "Not an item of this practice's price list",
          },
        ],
  );
  if (errors.length > 0)
    throw new AppError('validation_failed', {
      detail:
        errors.length === 1
          ? "A published price is not an active item of the practice's price list"
          : `${errors.length} published prices are not active items of the practice's price list`,
      errors,
    });
}

/** Published prices are a set: the same items in another order change nothing. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v) => b.includes(v));
  return a === b;
}

/**
 * How one field changed, for the audit trail: values for the switch and numbers, ids added and
 * removed for prices, and for texts only that they were saved or cleared.
 */
function auditChange(field: keyof Fields, from: Fields[keyof Fields], to: Fields[keyof Fields]) {
  if (TEXTS.has(field)) return to === '' ? 'cleared' : 'saved';
  if (Array.isArray(from) && Array.isArray(to))
    return { added: to.filter((id) => !from.includes(id)), removed: from.filter((id) => !to.includes(id)) };
  return { from, to };
}
