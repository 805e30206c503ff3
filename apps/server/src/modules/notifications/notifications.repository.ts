import type { NotificationKind } from '@dentalpro/contracts';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Tx } from '../../platform/tenancy.js';

/** The SQL of staff notifications; the rules are in notifications.service.ts. */

export interface NewNotification {
  practiceId: string;
  kind: NotificationKind;
  idempotencyKey: string;
  appointmentId?: string | null;
  patientId?: string | null;
  conversationId?: string | null;
  /** A WhatsApp template's alert: the template, Meta's code, a category change. */
  template?: {
    name: string;
    language: string;
    metaCode?: number | null;
    previousCategory?: string | null;
    newCategory?: string | null;
  } | null;
  previousStart?: Date | null;
  reason?: string | null;
  privacyRequestId?: string | null;
  dueAt?: Date | null;
  agenda?: { day: string; count: number; firstStart: Date; lastStart: Date } | null;
}

/** Writes a notification and who it is for; false when this key wrote one already. */
export async function insertNotification(tx: Tx, n: NewNotification, userIds: readonly string[]): Promise<boolean> {
  const row = await tx
    .insertInto('notifications')
    .values({
      practiceId: n.practiceId,
      kind: n.kind,
      idempotencyKey: n.idempotencyKey,
      appointmentId: n.appointmentId ?? null,
      patientId: n.patientId ?? null,
      conversationId: n.conversationId ?? null,
      previousStart: n.previousStart ?? null,
      templateName: n.template?.name ?? null,
      templateLanguage: n.template?.language ?? null,
      metaCode: n.template?.metaCode ?? null,
      previousCategory: n.template?.previousCategory ?? null,
      newCategory: n.template?.newCategory ?? null,
      reason: n.reason ?? null,
      privacyRequestId: n.privacyRequestId ?? null,
      dueAt: n.dueAt ?? null,
      agendaDay: n.agenda?.day ?? null,
      agendaCount: n.agenda?.count ?? null,
      agendaFirst: n.agenda?.firstStart ?? null,
      agendaLast: n.agenda?.lastStart ?? null,
    })
    .onConflict((oc) => oc.columns(['practiceId', 'idempotencyKey']).doNothing())
    .returning(['id', 'createdAt'])
    .executeTakeFirst();
  if (!row) return false;
  await tx
    .insertInto('notificationRecipients')
    .values(
      userIds.map((userId) => ({ practiceId: n.practiceId, notificationId: row.id, userId, createdAt: row.createdAt })),
    )
    .execute();
  return true;
}

export interface NotificationRow {
  id: string;
  kind: NotificationKind;
  createdAt: Date;
  readAt: Date | null;
  appointmentId: string | null;
  patientId: string | null;
  conversationId: string | null;
  templateName: string | null;
  templateLanguage: string | null;
  metaCode: number | null;
  previousCategory: string | null;
  newCategory: string | null;
  previousStart: Date | null;
  reason: string | null;
  privacyRequestId: string | null;
  dueAt: Date | null;
  agendaDay: string | null;
  agendaCount: number | null;
  agendaFirst: Date | null;
  agendaLast: Date | null;
  /** created_at to the microsecond (a Date keeps milliseconds, and paging must not skip rows). */
  cursorAt: string;
}

/** A member's notifications, newest first, after the cursor's (at, id) when given; `limit` + 1 rows to tell a next page. */
export async function selectNotificationsOf(
  tx: Tx,
  input: {
    practiceId: string;
    userId: string;
    unreadOnly: boolean;
    after: { at: string; id: string } | null;
    limit: number;
  },
): Promise<NotificationRow[]> {
  const { rows } = await sql<NotificationRow>`
    SELECT n.id, n.kind, r.created_at, r.read_at, n.appointment_id, n.patient_id, n.conversation_id,
      n.template_name, n.template_language, n.meta_code, n.previous_category, n.new_category,
      n.previous_start, n.reason, n.privacy_request_id, n.due_at,
      n.agenda_day::text AS agenda_day, n.agenda_count, n.agenda_first, n.agenda_last,
      to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at
    FROM notification_recipients r
    JOIN notifications n ON n.practice_id = r.practice_id AND n.id = r.notification_id
    WHERE r.practice_id = ${input.practiceId} AND r.user_id = ${input.userId}
      ${input.unreadOnly ? sql`AND r.read_at IS NULL` : sql``}
      ${input.after ? sql`AND (r.created_at, r.notification_id) < (${input.after.at}::timestamptz, ${input.after.id}::uuid)` : sql``}
    ORDER BY r.created_at DESC, r.notification_id DESC
    LIMIT ${input.limit + 1}`.execute(tx);
  return rows;
}

export async function countUnreadOf(tx: Tx, practiceId: string, userId: string): Promise<number> {
  const row = await tx
    .selectFrom('notificationRecipients')
    .select((eb) => eb.fn.countAll<number>().as('unread'))
    .where('practiceId', '=', practiceId)
    .where('userId', '=', userId)
    .where('readAt', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.unread);
}

/** Marks some (by id) or all of a member's unread notifications read at `at`; how many changed. */
export async function markReadOf(
  tx: Tx,
  input: { practiceId: string; userId: string; ids: readonly string[] | 'all'; at: Date },
): Promise<number> {
  let query = tx
    .updateTable('notificationRecipients')
    .set({ readAt: input.at })
    .where('practiceId', '=', input.practiceId)
    .where('userId', '=', input.userId)
    .where('readAt', 'is', null);
  if (input.ids !== 'all') query = query.where('notificationId', 'in', [...new Set(input.ids)]);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Every practice's notifications older than `before`, with their recipients (a sweep outside any practice). */
export async function deleteNotificationsBefore(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('notifications').where('createdAt', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
