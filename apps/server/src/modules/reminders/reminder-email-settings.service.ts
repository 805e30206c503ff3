import type { ReminderEmailSettings, ReminderEmailSettingsInput } from '@dentalpro/contracts';
import { practiceSettingsSection } from '../../platform/practice-settings.js';
import { type EmailSettingsRow, selectEmailSettings, upsertEmailSettings } from './reminder-emails.repository.js';

/**
 * Settings → Reminders → By email: whether a reminder the patient cannot get on WhatsApp goes by
 * email instead (reminder-emails.ts). Everyone in the practice reads it; changing it is the
 * owner's (practice:manage), audited as a change of the practice. Reminders due from then on use it.
 */

const toSettings = (row: EmailSettingsRow): ReminderEmailSettings => ({
  enabled: row.enabled,
  updatedAt: row.updatedAt?.toISOString() ?? null,
});

const section = practiceSettingsSection<ReminderEmailSettings, ReminderEmailSettingsInput>({
  auditName: 'reminderEmails',
  read: async (tx, practiceId, options) => toSettings(await selectEmailSettings(tx, practiceId, options)),
  write: async (tx, { practiceId, settings, userId }) =>
    toSettings(await upsertEmailSettings(tx, { practiceId, enabled: settings.enabled, userId })),
});

export const getReminderEmailSettings = section.get;
export const saveReminderEmailSettings = section.save;
