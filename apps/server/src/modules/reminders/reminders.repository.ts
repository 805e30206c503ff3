import type { ReminderReason, ReminderSettingsInput } from '@dentalpro/contracts';
import type { Db } from '../../db/connection.js';
import type { Tx } from '../../platform/tenancy.js';

/** SQL on the reminders module's own tables, no rules. */

export interface SettingsRow {
  enabled: boolean;
  rules: ReminderSettingsInput['rules'];
  quietStart: string | null;
  quietEnd: string | null;
  updatedAt: Date;
}

export async function selectSettings(conn: Db | Tx, practiceId: string): Promise<SettingsRow | undefined> {
  const row = await conn
    .selectFrom('reminderSettings')
    .select(['enabled', 'rules', 'quietStart', 'quietEnd', 'updatedAt'])
    .where('practiceId', '=', practiceId)
    .executeTakeFirst();
  return row && { ...row, rules: row.rules as SettingsRow['rules'] };
}

/** The practice's row locked for this transaction (two owners saving at once: one after the other). */
export async function lockSettings(tx: Tx, practiceId: string): Promise<SettingsRow | undefined> {
  const row = await tx
    .selectFrom('reminderSettings')
    .select(['enabled', 'rules', 'quietStart', 'quietEnd', 'updatedAt'])
    .where('practiceId', '=', practiceId)
    .forUpdate()
    .executeTakeFirst();
  return row && { ...row, rules: row.rules as SettingsRow['rules'] };
}

export async function upsertSettings(
  tx: Tx,
  input: { practiceId: string; settings: ReminderSettingsInput; userId: string | null },
): Promise<SettingsRow> {
  const values = {
    enabled: input.settings.enabled,
    rules: JSON.stringify(input.settings.rules),
    quietStart: input.settings.quietHours?.start ?? null,
    quietEnd: input.settings.quietHours?.end ?? null,
    updatedAt: new Date(),
    updatedBy: input.userId,
  };
  const row = await tx
    .insertInto('reminderSettings')
    .values({ practiceId: input.practiceId, ...values })
    .onConflict((oc) => oc.column('practiceId').doUpdateSet(values))
    .returning(['enabled', 'rules', 'quietStart', 'quietEnd', 'updatedAt'])
    .executeTakeFirstOrThrow();
  return { ...row, rules: row.rules as SettingsRow['rules'] };
}

export interface ReminderRow {
  id: string;
  appointmentId: string;
  patientId: string | null;
  offsetMinutes: number;
  appointmentStart: Date;
  dueAt: Date;
  state: 'planned' | 'sent' | 'skipped';
  reason: string | null;
  messageId: string | null;
  sharedWith: string[];
  stateAt: Date | null;
  channel: 'whatsapp' | 'email';
}

const ROW = [
  'id',
  'appointmentId',
  'patientId',
  'offsetMinutes',
  'appointmentStart',
  'dueAt',
  'state',
  'reason',
  'messageId',
  'sharedWith',
  'stateAt',
  'channel',
] as const;

/** Every reminder of these appointments, by appointment, in start order then soonest-due first. */
export async function selectRemindersOf(tx: Tx, appointmentIds: readonly string[]): Promise<ReminderRow[]> {
  if (appointmentIds.length === 0) return [];
  return tx
    .selectFrom('appointmentReminders')
    .select(ROW)
    .where('appointmentId', 'in', [...new Set(appointmentIds)])
    .orderBy('appointmentId')
    .orderBy('appointmentStart')
    .orderBy('offsetMinutes', 'desc')
    .execute();
}

/** A patient's reminders for starts still ahead, planned or sent (what a withdrawal of consent may still stop). */
export async function comingRemindersOfPatient(
  tx: Tx,
  input: { patientId: string; now: Date },
): Promise<ReminderRow[]> {
  return tx
    .selectFrom('appointmentReminders')
    .select(ROW)
    .where('patientId', '=', input.patientId)
    .where('state', 'in', ['planned', 'sent'])
    .where('appointmentStart', '>', input.now)
    .forUpdate()
    .execute();
}

/** Inserts the reminders not planned yet (same appointment, rule and start: kept as they are); returns the new ones. */
export async function insertReminders(
  tx: Tx,
  rows: {
    practiceId: string;
    appointmentId: string;
    patientId: string | null;
    offsetMinutes: number;
    appointmentStart: Date;
    dueAt: Date;
    state: 'planned' | 'skipped';
    reason: ReminderReason | null;
  }[],
): Promise<ReminderRow[]> {
  if (rows.length === 0) return [];
  return tx
    .insertInto('appointmentReminders')
    .values(rows.map((r) => ({ ...r, stateAt: r.state === 'skipped' ? new Date() : null })))
    .onConflict((oc) => oc.columns(['practiceId', 'appointmentId', 'offsetMinutes', 'appointmentStart']).doNothing())
    .returning(ROW)
    .execute();
}

/** Planned reminders become skipped, with the reason; returns those changed. */
export async function skipReminders(tx: Tx, ids: readonly string[], reason: ReminderReason): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await tx
    .updateTable('appointmentReminders')
    .set({ state: 'skipped', reason, stateAt: new Date() })
    .where('id', 'in', [...ids])
    .where('state', '=', 'planned')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** These reminders, locked until the transaction ends, in one statement and in id order (no deadlock between two jobs). */
export async function lockReminders(tx: Tx, ids: readonly string[]): Promise<ReminderRow[]> {
  if (ids.length === 0) return [];
  return tx
    .selectFrom('appointmentReminders')
    .select(ROW)
    .where('id', 'in', [...new Set(ids)])
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** The reminder of an appointment under a rule for a start. */
export async function findReminder(
  tx: Tx,
  key: { appointmentId: string; offsetMinutes: number; appointmentStart: Date },
): Promise<ReminderRow | undefined> {
  return tx
    .selectFrom('appointmentReminders')
    .select(ROW)
    .where('appointmentId', '=', key.appointmentId)
    .where('offsetMinutes', '=', key.offsetMinutes)
    .where('appointmentStart', '=', key.appointmentStart)
    .executeTakeFirst();
}

export async function findReminderById(tx: Tx, id: string): Promise<ReminderRow | undefined> {
  return tx.selectFrom('appointmentReminders').select(ROW).where('id', '=', id).executeTakeFirst();
}

/** Planned reminders of some appointments under a rule (a family's, for one message). */
export async function plannedRemindersOf(
  tx: Tx,
  input: { appointmentIds: readonly string[]; offsetMinutes: number },
): Promise<ReminderRow[]> {
  if (input.appointmentIds.length === 0) return [];
  return tx
    .selectFrom('appointmentReminders')
    .select(ROW)
    .where('appointmentId', 'in', [...new Set(input.appointmentIds)])
    .where('offsetMinutes', '=', input.offsetMinutes)
    .where('state', '=', 'planned')
    .execute();
}

export async function markSent(
  tx: Tx,
  rows: readonly { id: string; sharedWith: string[] }[],
  messageId: string,
): Promise<void> {
  for (const row of rows) {
    await tx
      .updateTable('appointmentReminders')
      .set({ state: 'sent', messageId, sharedWith: row.sharedWith, stateAt: new Date(), reason: null })
      .where('id', '=', row.id)
      .execute();
  }
}

/**
 * A planned reminder goes by email instead (reminder_emails carries it); or one sent on WhatsApp
 * that WhatsApp then refused (`replacing` its message, kept for the desk's notification). False
 * when the reminder was no longer in that state.
 */
export async function markEmailed(tx: Tx, id: string, opts: { replacing?: string } = {}): Promise<boolean> {
  let query = tx
    .updateTable('appointmentReminders')
    .set({ state: 'sent', channel: 'email', stateAt: new Date(), reason: null })
    .where('id', '=', id);
  query = opts.replacing
    ? query.where('state', '=', 'sent').where('channel', '=', 'whatsapp').where('messageId', '=', opts.replacing)
    : query.where('state', '=', 'planned');
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The reminders a WhatsApp message carried (a family's share one), locked, for starts still ahead. */
export async function lockRemindersOfMessage(tx: Tx, input: { messageId: string; now: Date }): Promise<ReminderRow[]> {
  return tx
    .selectFrom('appointmentReminders')
    .select(ROW)
    .where('messageId', '=', input.messageId)
    .where('appointmentStart', '>', input.now)
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** Every reminder these WhatsApp messages carried (a family's share one), locked, in id order. */
export async function lockRemindersOfMessages(tx: Tx, messageIds: readonly string[]): Promise<ReminderRow[]> {
  if (messageIds.length === 0) return [];
  return tx
    .selectFrom('appointmentReminders')
    .select(ROW)
    .where('messageId', 'in', [...new Set(messageIds)])
    .orderBy('id')
    .forUpdate()
    .execute();
}

/** Sent reminders whose message was taken back before it went become skipped, with the reason; returns those changed. */
export async function unsendReminders(tx: Tx, ids: readonly string[], reason: ReminderReason): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await tx
    .updateTable('appointmentReminders')
    .set({ state: 'skipped', reason, stateAt: new Date() })
    .where('id', 'in', [...ids])
    .where('state', '=', 'sent')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Sent reminders whose shared message was taken back are planned again, to go on their own; returns those changed. */
export async function replanReminders(tx: Tx, ids: readonly string[]): Promise<ReminderRow[]> {
  if (ids.length === 0) return [];
  return tx
    .updateTable('appointmentReminders')
    .set({ state: 'planned', reason: null, stateAt: null, messageId: null, sharedWith: [] })
    .where('id', 'in', [...ids])
    .where('state', '=', 'sent')
    .where('channel', '=', 'whatsapp')
    .returning(ROW)
    .execute();
}

export async function deferReminder(tx: Tx, id: string, dueAt: Date): Promise<void> {
  await tx.updateTable('appointmentReminders').set({ dueAt }).where('id', '=', id).execute();
}

/** Planned reminders of the practice due before `until` (the sweep makes sure each has its job). */
export async function plannedDueBefore(tx: Tx, practiceId: string, until: Date): Promise<ReminderRow[]> {
  return tx
    .selectFrom('appointmentReminders')
    .select(ROW)
    .where('practiceId', '=', practiceId)
    .where('state', '=', 'planned')
    .where('dueAt', '<', until)
    .orderBy('dueAt')
    .limit(5000)
    .execute();
}
