import type { Tx } from '../../platform/tenancy.js';

/** SQL on reminder_email_settings and reminder_emails, no rules. */

export interface EmailSettingsRow {
  enabled: boolean;
  updatedAt: Date | null;
}

export async function selectEmailSettings(
  tx: Tx,
  practiceId: string,
  opts: { lock?: boolean } = {},
): Promise<EmailSettingsRow> {
  let query = tx
    .selectFrom('reminderEmailSettings')
    .select(['enabled', 'updatedAt'])
    .where('practiceId', '=', practiceId);
  if (opts.lock) query = query.forUpdate();
  return (await query.executeTakeFirst()) ?? { enabled: false, updatedAt: null };
}

export async function upsertEmailSettings(
  tx: Tx,
  input: { practiceId: string; enabled: boolean; userId: string | null },
): Promise<EmailSettingsRow> {
  const values = { enabled: input.enabled, updatedAt: new Date(), updatedBy: input.userId };
  return tx
    .insertInto('reminderEmailSettings')
    .values({ practiceId: input.practiceId, ...values })
    .onConflict((oc) => oc.column('practiceId').doUpdateSet(values))
    .returning(['enabled', 'updatedAt'])
    .executeTakeFirstOrThrow();
}

export type EmailState = 'queued' | 'sending' | 'sent' | 'failed';

export interface ReminderEmailRow {
  reminderId: string;
  state: EmailState;
  reason: string | null;
  attempts: number;
  stateAt: Date;
}

/** A reminder's email, queued once: a second call (a retried job) keeps the first. Returns whether it is new. */
export async function insertReminderEmail(tx: Tx, input: { practiceId: string; reminderId: string }): Promise<boolean> {
  const row = await tx
    .insertInto('reminderEmails')
    .values({ practiceId: input.practiceId, reminderId: input.reminderId })
    .onConflict((oc) => oc.columns(['practiceId', 'reminderId']).doNothing())
    .returning('reminderId')
    .executeTakeFirst();
  return Boolean(row);
}

/** The email of a reminder, locked until the transaction ends. */
export async function lockReminderEmail(tx: Tx, reminderId: string): Promise<ReminderEmailRow | undefined> {
  return tx
    .selectFrom('reminderEmails')
    .select(['reminderId', 'state', 'reason', 'attempts', 'stateAt'])
    .where('reminderId', '=', reminderId)
    .forUpdate()
    .executeTakeFirst();
}

export async function setEmailState(
  tx: Tx,
  input: {
    reminderId: string;
    state: EmailState;
    reason?: string | null;
    language?: 'en' | 'fr';
    /** Only when the row is still in this state (the call's answer after the claim). */
    from?: EmailState;
    countAttempt?: boolean;
  },
): Promise<boolean> {
  let query = tx
    .updateTable('reminderEmails')
    .set((eb) => ({
      state: input.state,
      reason: input.reason ?? null,
      stateAt: new Date(),
      ...(input.language ? { language: input.language } : {}),
      ...(input.countAttempt ? { attempts: eb('attempts', '+', 1) } : {}),
    }))
    .where('reminderId', '=', input.reminderId);
  if (input.from) query = query.where('state', '=', input.from);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The emails of these reminders, by reminder id. */
export async function selectReminderEmails(
  tx: Tx,
  reminderIds: readonly string[],
): Promise<Map<string, ReminderEmailRow>> {
  if (reminderIds.length === 0) return new Map();
  const rows = await tx
    .selectFrom('reminderEmails')
    .select(['reminderId', 'state', 'reason', 'attempts', 'stateAt'])
    .where('reminderId', 'in', [...new Set(reminderIds)])
    .execute();
  return new Map(rows.map((r) => [r.reminderId, r]));
}
