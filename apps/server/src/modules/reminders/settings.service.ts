import type { ReminderSettings, ReminderSettingsInput } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/connection.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { enqueueJob } from '../../platform/jobs.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { listAppointmentTypes } from '../scheduling/appointment-types.service.js';
import { REPLAN_JOB, replanKey } from './reminder-jobs.js';
import { DEFAULT_REMINDER_SETTINGS, settingsProblems } from './reminder-rules.js';
import { type SettingsRow, lockSettings, selectSettings, upsertSettings } from './reminders.repository.js';

/**
 * Settings → Reminders: whether reminders go, the rules (how long before the visit, for which visit
 * types, with what lead time) and the quiet hours. Everyone in the practice reads them; changing
 * them is the owner's (practice:manage), audited as a change of the practice. Saving re-plans the
 * practice's coming reminders at once (a job), so a new rule reaches visits already booked.
 */

const toSettings = (row: SettingsRow | undefined): ReminderSettings =>
  row
    ? {
        enabled: row.enabled,
        rules: row.rules,
        quietHours: row.quietStart && row.quietEnd ? { start: row.quietStart, end: row.quietEnd } : null,
        updatedAt: row.updatedAt.toISOString(),
      }
    : { ...DEFAULT_REMINDER_SETTINGS, updatedAt: null };

/** The practice's settings, or the defaults, in the caller's transaction (or naming the practice). */
export async function reminderSettingsIn(conn: Db | Tx, practiceId: string): Promise<ReminderSettings> {
  return toSettings(await selectSettings(conn, practiceId));
}

export async function getReminderSettings(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string },
): Promise<ReminderSettings> {
  requirePermission(input.actor, 'practice:read');
  return inPractice(ctx.db, input.practiceId, (tx) => reminderSettingsIn(tx, input.practiceId));
}

/** Replaces the settings: checked (422 with the fields at fault), saved, audited, and the practice re-planned. */
export async function saveReminderSettings(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; settings: ReminderSettingsInput },
): Promise<ReminderSettings> {
  requirePermission(input.actor, 'practice:manage');
  const { practiceId, settings } = input;
  const types = await listAppointmentTypes(ctx, { actor: input.actor, practiceId });
  const errors = settingsProblems(settings, new Set(types.map((t) => t.id)));
  if (errors.length > 0)
    throw new AppError('reminder_settings_invalid', {
      detail: errors.length === 1 ? errors[0]!.message : `${errors.length} problems in the reminder settings`,
      errors,
    });
  const cleaned: ReminderSettingsInput = {
    ...settings,
    rules: [...settings.rules]
      .map((r) => ({ ...r, appointmentTypeIds: r.appointmentTypeIds ? [...new Set(r.appointmentTypeIds)] : null }))
      .sort((a, b) => b.offsetMinutes - a.offsetMinutes),
  };
  return inPractice(ctx.db, practiceId, async (tx) => {
    const before = toSettings(await lockSettings(tx, practiceId));
    const after = toSettings(await upsertSettings(tx, { practiceId, settings: cleaned, userId: input.actor.userId }));
    const { updatedAt: _b, ...from } = before;
    const { updatedAt: _a, ...to } = after;
    if (JSON.stringify(from) !== JSON.stringify(to)) {
      await recordAudit(tx, {
        practiceId,
        actor: input.actor,
        action: 'practice.updated',
        targetType: 'practice',
        targetId: practiceId,
        changes: { reminders: { from, to } },
      });
      await enqueueJob(tx, REPLAN_JOB, { practiceId }, { key: replanKey(practiceId) });
    }
    return after;
  });
}
