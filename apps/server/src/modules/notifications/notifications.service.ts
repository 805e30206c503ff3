import { TZDate } from '@date-fns/tz';
import type {
  FailureReason,
  PrivacyRequestType,
  HandoverReason,
  MarkNotificationsRead,
  NotificationCount,
  NotificationKind,
  NotificationList,
  StaffNotification,
} from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import type { Db } from '../../db/connection.js';
import { type Actor, can, requirePermission } from '../../platform/access.js';
import { decodeTimeCursor, encodeTimeCursor } from '../../platform/cursor.js';
import { AppError } from '../../platform/errors.js';
import { publishAtCommit } from '../../platform/events.js';
import { type Tx, inPractice, practiceFactsIn } from '../../platform/tenancy.js';
import { latestConversationOfPatientsIn } from '../messaging/conversations.service.js';
import { failedTemplateOfMessageIn } from '../messaging/templates.service.js';
import { patientNamesIn } from '../patients/patients.service.js';
import { appointmentSummariesIn } from '../scheduling/appointments.service.js';
import { memberDirectory } from '../staff/staff.service.js';
import {
  type NewNotification,
  type NotificationRow,
  countUnreadOf,
  deleteNotificationsBefore,
  insertNotification,
  markReadOf,
  selectNotificationsOf,
} from './notifications.repository.js';
import { queueNotificationEmailsIn } from './notification-emails.js';
import { recipientsOf } from './recipients.js';

/**
 * Staff notifications: written by the listeners (notifications.jobs.ts) when something happens
 * that members should know about, each for the members it concerns (recipients.ts); read, counted
 * and marked read by each member apart. Rows hold ids and times; names and the appointment as it
 * is now are read from their owners when the list is shown.
 */

interface Caller {
  actor: Actor;
  practiceId: string;
}

/** How long notifications are kept (the daily sweep deletes older ones). */
export const NOTIFICATION_KEPT_DAYS = 90;
const DEFAULT_PAGE = 20;

/**
 * Live hints, one topic per practice: the payload names the members concerned, and each stream
 * passes on only its own member's (see watchNotifications).
 */
const notificationsTopic = (practiceId: string) => `notifications:${practiceId}`;
interface Hint {
  userIds: string[];
}

// Writing (listeners).

/** A patient booked, moved or cancelled an appointment in the WhatsApp chat, or took a time a waitlist offer gave them. */
export async function notifyWhatsAppChange(
  ctx: AppContext,
  change: {
    practiceId: string;
    kind: Extract<NotificationKind, 'whatsapp_booked' | 'whatsapp_moved' | 'whatsapp_cancelled' | 'waitlist_booked'>;
    appointmentId: string;
    patientId: string | null;
    /** The appointment's providers the announcement names (before and after a move); read from the calendar when none. */
    providerIds: string[];
    previousStart?: Date | null;
    idempotencyKey: string;
  },
): Promise<void> {
  await inPractice(ctx.db, change.practiceId, async (tx) => {
    const providerIds =
      change.providerIds.length > 0
        ? change.providerIds
        : [(await appointmentSummariesIn(tx, [change.appointmentId])).get(change.appointmentId)?.providerId ?? ''];
    const conversations = change.patientId ? await latestConversationOfPatientsIn(tx, [change.patientId]) : null;
    await notify(
      tx,
      {
        practiceId: change.practiceId,
        kind: change.kind,
        idempotencyKey: change.idempotencyKey,
        appointmentId: change.appointmentId,
        patientId: change.patientId,
        conversationId: change.patientId ? (conversations?.get(change.patientId) ?? null) : null,
        previousStart: change.previousStart ?? null,
      },
      providerIds.filter(Boolean),
    );
  });
}

/** The assistant handed a WhatsApp conversation to a person. */
export async function notifyNeedsPerson(
  ctx: AppContext,
  handover: {
    practiceId: string;
    conversationId: string;
    patientId: string | null;
    reason: HandoverReason;
    /** The member who flagged it in the inbox: not told of their own flag. */
    flaggedBy?: string | null;
    idempotencyKey: string;
  },
): Promise<void> {
  const { flaggedBy, ...notification } = handover;
  await inPractice(ctx.db, handover.practiceId, (tx) =>
    notify(tx, { ...notification, kind: 'needs_person' }, [], flaggedBy ?? null),
  );
}

/**
 * WhatsApp refused a template the practice sends (132xxx: paused, disabled, missing in a language,
 * wrong parameters), held back a marketing one under its per-person cap (131049), or Meta moved a
 * template to another category: the owners are told what to do. Once per template, problem and
 * day on the practice's clock (the key), not once per message that failed.
 */
export async function notifyWhatsAppTemplate(
  ctx: AppContext,
  alert: {
    practiceId: string;
    /**
     * A failed message (the template and Meta's code are read from it), a template Meta paused or
     * disabled (its status webhook, with the code a send of it would get), or a category change.
     */
    source:
      | { messageId: string; reason: FailureReason }
      | { templateName: string; language: string; metaCode: number }
      | { templateName: string; language: string; previousCategory: string | null; newCategory: string };
    at: Date;
  },
): Promise<void> {
  await inPractice(ctx.db, alert.practiceId, async (tx) => {
    const facts = await practiceFactsIn(tx, alert.practiceId);
    // The practice's day: one alert a day, counted on its own clock.
    const day = new TZDate(alert.at.getTime(), facts?.timeZone ?? 'UTC').toDateString();
    if ('messageId' in alert.source || 'metaCode' in alert.source) {
      const kind = 'messageId' in alert.source ? alertKindOf(alert.source.reason) : 'whatsapp_template_problem';
      if (!kind) return;
      const template =
        'messageId' in alert.source
          ? await failedTemplateOfMessageIn(tx, alert.source.messageId)
          : { name: alert.source.templateName, language: alert.source.language, code: alert.source.metaCode };
      if (!template) return;
      // The same key whether Meta announced the pause or a send ran into it: one alert that day.
      await notify(
        tx,
        {
          practiceId: alert.practiceId,
          kind,
          idempotencyKey: `${kind}:${template.name}:${template.language}:${template.code ?? ''}:${day}`,
          template: { name: template.name, language: template.language, metaCode: template.code },
        },
        [],
      );
      return;
    }
    const change = alert.source;
    await notify(
      tx,
      {
        practiceId: alert.practiceId,
        kind: 'whatsapp_template_recategorised',
        idempotencyKey: `whatsapp_template_recategorised:${change.templateName}:${change.language}:${change.newCategory}:${day}`,
        template: {
          name: change.templateName,
          language: change.language,
          previousCategory: change.previousCategory,
          newCategory: change.newCategory,
        },
      },
      [],
    );
  });
}

function alertKindOf(reason: FailureReason): NotificationKind | null {
  if (reason === 'template_problem') return 'whatsapp_template_problem';
  if (reason === 'marketing_limited') return 'whatsapp_marketing_limited';
  return null;
}

/**
 * An appointment's reminder reached the patient by no route (reminders' announcement: WhatsApp
 * failed and no email carried it instead, or that email failed too): the desk hears of it, to phone
 * the patient. A reminder that went by email instead is not news. The appointment, the patient and
 * the conversation are kept by id, with WhatsApp's reason; once per message (and once more should
 * the email that replaced it fail).
 */
export async function notifyReminderFailed(
  ctx: AppContext,
  failure: {
    practiceId: string;
    appointmentId: string;
    patientId: string | null;
    messageId: string;
    conversationId: string | null;
    reason: FailureReason;
    emailFailure: string | null;
  },
): Promise<void> {
  await inPractice(ctx.db, failure.practiceId, async (tx) => {
    await notify(
      tx,
      {
        practiceId: failure.practiceId,
        kind: 'reminder_failed',
        idempotencyKey: `reminder_failed:${failure.messageId}${failure.emailFailure ? ':email' : ''}`,
        appointmentId: failure.appointmentId,
        patientId: failure.patientId,
        conversationId: failure.conversationId,
        reason: failure.reason,
      },
      [],
    );
  });
}

/**
 * A patient's rights request is due within 7 days, or past its due date (privacy's daily round),
 * inside the caller's transaction bound to the practice. Told once per request and kind (the key);
 * false when it was told already or nobody is concerned.
 */
export async function notifyPrivacyRequestDueIn(
  tx: Tx,
  alert: {
    practiceId: string;
    kind: Extract<NotificationKind, 'privacy_request_due_soon' | 'privacy_request_overdue'>;
    requestId: string;
    requestType: PrivacyRequestType;
    patientId: string;
    dueAt: Date;
  },
): Promise<boolean> {
  return notify(
    tx,
    {
      practiceId: alert.practiceId,
      kind: alert.kind,
      idempotencyKey: `${alert.kind}:${alert.requestId}`,
      patientId: alert.patientId,
      privacyRequestId: alert.requestId,
      // The request's type, a code like a handover's reason (the column's third meaning).
      reason: alert.requestType,
      dueAt: alert.dueAt,
    },
    [],
  );
}

/**
 * A provider's daily agenda (agenda.service.ts), in the caller's transaction bound to the practice:
 * for the provider alone, once per provider and day (the key); false when told already or the
 * provider is no longer a member.
 */
export async function notifyDailyAgendaIn(
  tx: Tx,
  agenda: { practiceId: string; providerId: string; day: string; count: number; firstStart: Date; lastStart: Date },
): Promise<boolean> {
  const { practiceId, providerId, ...summary } = agenda;
  return notify(
    tx,
    { practiceId, kind: 'daily_agenda', idempotencyKey: `daily_agenda:${providerId}:${summary.day}`, agenda: summary },
    [providerId],
  );
}

/** recipients → write → tell their open apps at commit. Nobody concerned: nothing written. */
async function notify(
  tx: Tx,
  notification: NewNotification,
  providerIds: string[],
  except: string | null = null,
): Promise<boolean> {
  const members = await memberDirectory(tx).where('memberships.practiceId', '=', notification.practiceId).execute();
  const userIds = recipientsOf(notification.kind, members, providerIds).filter((id) => id !== except);
  if (userIds.length === 0) return false;
  if (!(await insertNotification(tx, notification, userIds))) return false;
  await queueNotificationEmailsIn(tx, { ...notification, userIds });
  await publishAtCommit(tx, notificationsTopic(notification.practiceId), { userIds } satisfies Hint);
  return true;
}

/** The daily sweep: notifications older than NOTIFICATION_KEPT_DAYS go, in every practice. */
export function forgetOldNotifications(db: Db, now: Date): Promise<number> {
  return deleteNotificationsBefore(db, new Date(now.getTime() - NOTIFICATION_KEPT_DAYS * 86_400_000));
}

// Reading (the member's own).

/** The member's notifications, newest first, with their unread count. */
export async function listNotifications(
  ctx: AppContext,
  input: Caller & { unread?: 'true' | 'false' | undefined; cursor?: string | undefined; limit?: number | undefined },
): Promise<NotificationList> {
  const userId = memberOf(input.actor);
  const after = input.cursor ? decodeTimeCursor(input.cursor) : null;
  const limit = input.limit ?? DEFAULT_PAGE;
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const rows = await selectNotificationsOf(tx, {
      practiceId: input.practiceId,
      userId,
      unreadOnly: input.unread === 'true',
      after,
      limit,
    });
    const page = rows.slice(0, limit);
    const last = rows.length > limit ? page[page.length - 1] : undefined;
    return {
      items: await shown(tx, input.actor, page),
      unread: await countUnreadOf(tx, input.practiceId, userId),
      nextCursor: last ? encodeTimeCursor(last.cursorAt, last.id) : null,
    };
  });
}

export async function countNotifications(ctx: AppContext, input: Caller): Promise<NotificationCount> {
  const userId = memberOf(input.actor);
  return inPractice(ctx.db, input.practiceId, async (tx) => ({
    unread: await countUnreadOf(tx, input.practiceId, userId),
  }));
}

/**
 * Marks the member's notifications read: those named (ids that are not theirs are passed over, as
 * if they did not exist), or all. Their other open apps hear of it.
 */
export async function markNotificationsRead(
  ctx: AppContext,
  input: Caller & { marks: MarkNotificationsRead },
): Promise<NotificationCount> {
  const userId = memberOf(input.actor);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const changed = await markReadOf(tx, {
      practiceId: input.practiceId,
      userId,
      ids: 'all' in input.marks ? 'all' : input.marks.ids,
      at: new Date(),
    });
    if (changed > 0)
      await publishAtCommit(tx, notificationsTopic(input.practiceId), { userIds: [userId] } satisfies Hint);
    return { unread: await countUnreadOf(tx, input.practiceId, userId) };
  });
}

/**
 * Calls `onHint` whenever the member has a new notification or their read state changed (in any
 * server process); returns the unsubscribe. A hint says only that: the app refetches.
 */
export function watchNotifications(ctx: AppContext, input: Caller, onHint: () => void): () => void {
  const userId = memberOf(input.actor);
  return ctx.events.subscribe(notificationsTopic(input.practiceId), (payload) => {
    if ((payload as Partial<Hint>).userIds?.includes(userId)) onHint();
  });
}

/** Notifications are a member's own: the caller must be a member (a user), not the system. */
function memberOf(actor: Actor): string {
  requirePermission(actor, 'notifications:read');
  if (!actor.userId) throw new AppError('forbidden', { detail: "Notifications are a member's own" });
  return actor.userId;
}

/** Rows as the member sees them: the patient and the appointment as they are now, read in one query each. */
async function shown(tx: Tx, actor: Actor, rows: NotificationRow[]): Promise<StaffNotification[]> {
  const patientIds = can(actor, 'patients:read') ? rows.flatMap((r) => (r.patientId ? [r.patientId] : [])) : [];
  const appointmentIds = can(actor, 'calendar:read')
    ? rows.flatMap((r) => (r.appointmentId ? [r.appointmentId] : []))
    : [];
  const [names, appointments] = await Promise.all([
    patientNamesIn(tx, patientIds),
    appointmentSummariesIn(tx, appointmentIds),
  ]);
  return rows.map((r) => {
    const name = r.patientId ? names.get(r.patientId) : undefined;
    const appointment = r.appointmentId ? appointments.get(r.appointmentId) : undefined;
    return {
      id: r.id,
      kind: r.kind,
      createdAt: r.createdAt.toISOString(),
      readAt: r.readAt?.toISOString() ?? null,
      patient: r.patientId && name !== undefined ? { id: r.patientId, name } : null,
      appointment:
        r.appointmentId && appointment
          ? {
              id: r.appointmentId,
              start: appointment.start.toISOString(),
              end: appointment.end.toISOString(),
              status: appointment.status,
              providerName: appointment.providerName,
            }
          : null,
      previousStart: r.previousStart?.toISOString() ?? null,
      whatsappTemplate:
        r.templateName && r.templateLanguage
          ? {
              name: r.templateName,
              language: r.templateLanguage,
              code: r.metaCode,
              previousCategory: r.previousCategory,
              newCategory: r.newCategory,
            }
          : null,
      conversationId: r.conversationId,
      // One column, three meanings: a handover's reason, why a reminder failed, a privacy request's type.
      reason: r.kind === 'reminder_failed' || r.privacyRequestId ? null : (r.reason as HandoverReason | null),
      failureReason: r.kind === 'reminder_failed' ? (r.reason as FailureReason | null) : null,
      privacyRequest:
        r.privacyRequestId && r.dueAt
          ? { id: r.privacyRequestId, type: r.reason as PrivacyRequestType, dueAt: r.dueAt.toISOString() }
          : null,
      agenda:
        r.agendaDay && r.agendaCount && r.agendaFirst && r.agendaLast
          ? {
              // A day's agenda is told to its provider alone: the member reading it.
              providerId: actor.userId ?? '',
              day: r.agendaDay,
              count: r.agendaCount,
              firstStart: new Date(r.agendaFirst).toISOString(),
              lastStart: new Date(r.agendaLast).toISOString(),
            }
          : null,
    };
  });
}
