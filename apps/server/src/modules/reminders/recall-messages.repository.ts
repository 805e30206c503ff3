import type { RecallSettingsInput } from '@dentalpro/contracts';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Tx } from '../../platform/tenancy.js';

/** SQL on the recall run's own tables (recall_settings, recall_messages, recall_runs), no rules. */

export interface RecallSettingsRow extends RecallSettingsInput {
  updatedAt: Date;
}

const SETTINGS = ['enabled', 'dailyCap', 'sendHour', 'leadDays', 'updatedAt'] as const;

export async function selectRecallSettings(conn: Db | Tx, practiceId: string): Promise<RecallSettingsRow | undefined> {
  return conn.selectFrom('recallSettings').select(SETTINGS).where('practiceId', '=', practiceId).executeTakeFirst();
}

export async function lockRecallSettings(tx: Tx, practiceId: string): Promise<RecallSettingsRow | undefined> {
  return tx
    .selectFrom('recallSettings')
    .select(SETTINGS)
    .where('practiceId', '=', practiceId)
    .forUpdate()
    .executeTakeFirst();
}

export async function upsertRecallSettings(
  tx: Tx,
  input: { practiceId: string; settings: RecallSettingsInput; userId: string | null },
): Promise<RecallSettingsRow> {
  const values = { ...input.settings, updatedAt: new Date(), updatedBy: input.userId };
  return tx
    .insertInto('recallSettings')
    .values({ practiceId: input.practiceId, ...values })
    .onConflict((oc) => oc.column('practiceId').doUpdateSet(values))
    .returning(SETTINGS)
    .executeTakeFirstOrThrow();
}

export interface RecallMessageRow {
  recallId: string;
  patientId: string;
  dueDate: string;
  state: 'sent' | 'waiting' | 'skipped';
  reason: string | null;
  messageId: string | null;
  reply: 'book' | 'not_now' | null;
  repliedAt: Date | null;
  stateAt: Date;
}

const MESSAGE = [
  'recallId',
  'patientId',
  'dueDate',
  'state',
  'reason',
  'messageId',
  'reply',
  'repliedAt',
  'stateAt',
] as const;

/** The recall messages already sent for these recalls, as "recall|due date" keys. */
export async function sentRecallKeys(tx: Tx, recallIds: readonly string[]): Promise<Set<string>> {
  if (recallIds.length === 0) return new Set();
  const rows = await tx
    .selectFrom('recallMessages')
    .select(['recallId', 'dueDate'])
    .where('recallId', 'in', [...new Set(recallIds)])
    .where('state', '=', 'sent')
    .execute();
  return new Set(rows.map((r) => `${r.recallId}|${r.dueDate}`));
}

/** The message of a recall for a due date, locked for the transaction. */
export async function lockRecallMessage(
  tx: Tx,
  key: { recallId: string; dueDate: string },
): Promise<RecallMessageRow | undefined> {
  return tx
    .selectFrom('recallMessages')
    .select(MESSAGE)
    .where('recallId', '=', key.recallId)
    .where('dueDate', '=', key.dueDate)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Records why recalls' messages have not gone (waiting or skipped, with the reason), leaving a
 * message already sent as it is.
 */
export async function recordNotSent(
  tx: Tx,
  rows: readonly {
    practiceId: string;
    recallId: string;
    patientId: string;
    dueDate: string;
    state: 'waiting' | 'skipped';
    reason: string;
  }[],
): Promise<void> {
  if (rows.length === 0) return;
  await tx
    .insertInto('recallMessages')
    .values(rows.map((r) => ({ ...r, stateAt: new Date() })))
    .onConflict((oc) =>
      oc
        .columns(['practiceId', 'recallId', 'dueDate'])
        .doUpdateSet({
          state: sql`excluded.state`,
          reason: sql`excluded.reason`,
          patientId: sql`excluded.patient_id`,
          stateAt: sql`excluded.state_at`,
        })
        .where('recallMessages.state', '<>', 'sent'),
    )
    .execute();
}

export async function recordSent(
  tx: Tx,
  row: { practiceId: string; recallId: string; patientId: string; dueDate: string; messageId: string; sentOn: string },
): Promise<void> {
  const values = {
    state: 'sent' as const,
    reason: null,
    messageId: row.messageId,
    sentOn: row.sentOn,
    stateAt: new Date(),
  };
  await tx
    .insertInto('recallMessages')
    .values({
      practiceId: row.practiceId,
      recallId: row.recallId,
      patientId: row.patientId,
      dueDate: row.dueDate,
      ...values,
    })
    .onConflict((oc) => oc.columns(['practiceId', 'recallId', 'dueDate']).doUpdateSet(values))
    .execute();
}

/** The patient's answer to a recall message's buttons (the latest tap counts). */
export async function recordReply(
  tx: Tx,
  input: { recallId: string; dueDate: string; reply: 'book' | 'not_now'; at: Date },
): Promise<void> {
  await tx
    .updateTable('recallMessages')
    .set({ reply: input.reply, repliedAt: input.at })
    .where('recallId', '=', input.recallId)
    .where('dueDate', '=', input.dueDate)
    .where('state', '=', 'sent')
    .execute();
}

/** The day's run of the practice, created when missing, and locked until the transaction ends. */
export async function lockRecallRun(
  tx: Tx,
  input: { practiceId: string; runDate: string },
): Promise<{ sent: number; finishedAt: Date | null }> {
  await tx
    .insertInto('recallRuns')
    .values({ practiceId: input.practiceId, runDate: input.runDate })
    .onConflict((oc) => oc.columns(['practiceId', 'runDate']).doNothing())
    .execute();
  return tx
    .selectFrom('recallRuns')
    .select(['sent', 'finishedAt'])
    .where('practiceId', '=', input.practiceId)
    .where('runDate', '=', input.runDate)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

export async function countRecallSent(tx: Tx, input: { practiceId: string; runDate: string }): Promise<void> {
  await tx
    .updateTable('recallRuns')
    .set((eb) => ({ sent: eb('sent', '+', 1) }))
    .where('practiceId', '=', input.practiceId)
    .where('runDate', '=', input.runDate)
    .execute();
}

export async function finishRecallRun(
  tx: Tx,
  input: { practiceId: string; runDate: string; waiting: number; at: Date },
): Promise<void> {
  await tx
    .updateTable('recallRuns')
    .set({ waiting: input.waiting, finishedAt: input.at })
    .where('practiceId', '=', input.practiceId)
    .where('runDate', '=', input.runDate)
    .execute();
}

/** Whether the practice's run of that day has finished its list. */
export async function recallRunFinished(conn: Db | Tx, input: { practiceId: string; runDate: string }) {
  const row = await conn
    .selectFrom('recallRuns')
    .select('finishedAt')
    .where('practiceId', '=', input.practiceId)
    .where('runDate', '=', input.runDate)
    .executeTakeFirst();
  return Boolean(row?.finishedAt);
}

/** The latest message of each recall (its newest due date), for the recall list. */
export async function latestRecallMessages(tx: Tx, recallIds: readonly string[]): Promise<RecallMessageRow[]> {
  if (recallIds.length === 0) return [];
  return tx
    .selectFrom('recallMessages')
    .select(MESSAGE)
    .distinctOn('recallId')
    .where('recallId', 'in', [...new Set(recallIds)])
    .orderBy('recallId')
    .orderBy('dueDate', 'desc')
    .execute();
}

/** A patient's recall messages recorded as sent (what a withdrawal may still stop in the outbox). */
export async function sentRecallMessagesOfPatient(tx: Tx, patientId: string): Promise<RecallMessageRow[]> {
  return tx
    .selectFrom('recallMessages')
    .select(MESSAGE)
    .where('patientId', '=', patientId)
    .where('state', '=', 'sent')
    .forUpdate()
    .execute();
}

/** Recall messages whose WhatsApp message was cancelled before it went: not sent, for want of consent. */
export async function markRecallMessagesWithdrawn(tx: Tx, messageIds: readonly string[]): Promise<void> {
  if (messageIds.length === 0) return;
  await tx
    .updateTable('recallMessages')
    .set({ state: 'skipped', reason: 'no_consent', messageId: null, sentOn: null, stateAt: new Date() })
    .where('messageId', 'in', [...messageIds])
    .execute();
}

/** The patient's recall messages answered "Book now" (the recalls a booking made since may settle). */
export async function recallsAnsweredBook(tx: Tx, patientId: string): Promise<{ recallId: string; dueDate: string }[]> {
  return tx
    .selectFrom('recallMessages')
    .select(['recallId', 'dueDate'])
    .where('patientId', '=', patientId)
    .where('state', '=', 'sent')
    .where('reply', '=', 'book')
    .execute();
}
