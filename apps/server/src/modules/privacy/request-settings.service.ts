import {
  PRIVACY_REQUEST_DEFAULT_DUE_MONTHS,
  PRIVACY_REQUEST_MAX_DUE_MONTHS,
  type PrivacyRequestSettings,
  type PrivacyRequestSettingsInput,
} from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { inPractice } from '../../platform/tenancy.js';
import { saveDueMonths, selectRequestSettings } from './requests.repository.js';

/**
 * Privacy → Time to answer (owners, privacy:manage): the months from a request's receipt to its
 * due date. The Act asks for one month, the default; a practice may set up to three. A change
 * applies to requests received from then on: each one's due date follows the period in force on
 * the day it was received (privacy_request_due_periods).
 */

export async function getRequestSettings(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string },
): Promise<PrivacyRequestSettings> {
  requirePermission(input.actor, 'privacy:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => shape(await selectRequestSettings(tx)));
}

export async function saveRequestSettings(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; settings: PrivacyRequestSettingsInput; now?: Date },
): Promise<PrivacyRequestSettings> {
  requirePermission(input.actor, 'privacy:manage');
  const { dueMonths } = input.settings;
  if (dueMonths < 1 || dueMonths > PRIVACY_REQUEST_MAX_DUE_MONTHS) {
    const low = dueMonths < 1;
    throw new AppError('privacy_request_settings_invalid', {
      detail: `dueMonths: between 1 and ${PRIVACY_REQUEST_MAX_DUE_MONTHS} months`,
      errors: [
        {
          path: 'dueMonths',
          code: low ? 'too_small' : 'too_large',
          message: `Between 1 and ${PRIVACY_REQUEST_MAX_DUE_MONTHS} months`,
          params: low ? { minimum: 1 } : { maximum: PRIVACY_REQUEST_MAX_DUE_MONTHS },
        },
      ],
    });
  }
  const now = input.now ?? new Date();
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await selectRequestSettings(tx);
    if (before && before.dueMonths === dueMonths) return shape(before);
    const saved = await saveDueMonths(tx, {
      practiceId: input.practiceId,
      dueMonths,
      at: now,
      userId: input.actor.userId,
    });
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'privacy.request_settings_updated',
      targetType: 'practice',
      targetId: input.practiceId,
      changes: { dueMonths: { from: before?.dueMonths ?? PRIVACY_REQUEST_DEFAULT_DUE_MONTHS, to: dueMonths } },
    });
    return shape(saved);
  });
}

function shape(row: { dueMonths: number; updatedAt: Date } | undefined): PrivacyRequestSettings {
  return {
    dueMonths: row?.dueMonths ?? PRIVACY_REQUEST_DEFAULT_DUE_MONTHS,
    defaultDueMonths: PRIVACY_REQUEST_DEFAULT_DUE_MONTHS,
    maxDueMonths: PRIVACY_REQUEST_MAX_DUE_MONTHS,
    updatedAt: row ? row.updatedAt.toISOString() : null,
  };
}
