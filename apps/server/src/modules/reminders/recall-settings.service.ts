import { type FieldError, RECALL_LIMITS, type RecallSettings, type RecallSettingsInput } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/connection.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import {
  type RecallSettingsRow,
  lockRecallSettings,
  selectRecallSettings,
  upsertRecallSettings,
} from './recall-messages.repository.js';

/**
 * Settings → Reminders → Recall messages: whether the daily recall run sends, at what hour, how far
 * ahead of the due date, and at most how many a day. Everyone in the practice reads them; changing
 * them is the owner's (practice:manage), audited as a change of the practice.
 */

export const DEFAULT_RECALL_SETTINGS: RecallSettingsInput = { enabled: true, dailyCap: 50, sendHour: 9, leadDays: 0 };

const toSettings = (row: RecallSettingsRow | undefined): RecallSettings =>
  row
    ? {
        enabled: row.enabled,
        dailyCap: row.dailyCap,
        sendHour: row.sendHour,
        leadDays: row.leadDays,
        updatedAt: row.updatedAt.toISOString(),
      }
    : { ...DEFAULT_RECALL_SETTINGS, updatedAt: null };

export async function recallSettingsIn(conn: Db | Tx, practiceId: string): Promise<RecallSettings> {
  return toSettings(await selectRecallSettings(conn, practiceId));
}

export async function getRecallSettings(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string },
): Promise<RecallSettings> {
  requirePermission(input.actor, 'practice:read');
  return inPractice(ctx.db, input.practiceId, (tx) => recallSettingsIn(tx, input.practiceId));
}

/** Field errors of recall settings (empty: they may be saved). */
export function recallSettingsProblems(settings: RecallSettingsInput): FieldError[] {
  return (Object.keys(RECALL_LIMITS) as (keyof typeof RECALL_LIMITS)[]).flatMap((field): FieldError[] => {
    const { minimum, maximum } = RECALL_LIMITS[field];
    const value = settings[field];
    if (value < minimum)
      return [
        { path: field, code: 'too_small' as const, message: `At least ${minimum}`, params: { minimum, maximum } },
      ];
    if (value > maximum)
      return [{ path: field, code: 'too_large' as const, message: `At most ${maximum}`, params: { minimum, maximum } }];
    return [];
  });
}

/** Replaces the recall settings: checked (422 recall_settings_invalid naming the fields), saved, audited. */
export async function saveRecallSettings(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; settings: RecallSettingsInput },
): Promise<RecallSettings> {
  requirePermission(input.actor, 'practice:manage');
  const { practiceId, settings } = input;
  const errors = recallSettingsProblems(settings);
  if (errors.length > 0)
    throw new AppError('recall_settings_invalid', {
      detail:
        errors.length === 1
          ? `${errors[0]!.path}: ${errors[0]!.message}`
          : `${errors.length} problems in the recall settings`,
      errors,
    });
  return inPractice(ctx.db, practiceId, async (tx) => {
    const before = toSettings(await lockRecallSettings(tx, practiceId));
    const after = toSettings(await upsertRecallSettings(tx, { practiceId, settings, userId: input.actor.userId }));
    const { updatedAt: _b, ...from } = before;
    const { updatedAt: _a, ...to } = after;
    if (JSON.stringify(from) !== JSON.stringify(to))
      await recordAudit(tx, {
        practiceId,
        actor: input.actor,
        action: 'practice.updated',
        targetType: 'practice',
        targetId: practiceId,
        changes: { recalls: { from, to } },
      });
    return after;
  });
}
