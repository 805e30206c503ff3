import type { NotificationEmailChoice, NotificationKind } from '@dentalpro/contracts';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { defineJob, enqueueJob, type JobRun } from '../../platform/jobs.js';
import { type Tx, inPractice, practiceFactsIn } from '../../platform/tenancy.js';
import { userDirectory } from '../auth/auth.service.js';
import { appointmentSummariesIn } from '../scheduling/appointments.service.js';

/**
 * Staff notifications by email too, for the members who turn it on (Account → "Also email me"),
 * per practice. One email per notification and member: the notification_emails row is its key,
 * queued in the transaction that writes the notification; the job claims it (`sending`, committed)
 * before the mail server is called, so a crash or a retry never sends it twice. The email names no
 * patient (only what happened, when and with whom, and a link into the app): staff mailboxes are
 * outside the practice's records.
 */

/** The kinds that go by email: what a member acts on from the desk. */
const EMAILED: ReadonlySet<NotificationKind> = new Set<NotificationKind>([
  'whatsapp_booked',
  'whatsapp_moved',
  'whatsapp_cancelled',
  'waitlist_booked',
  'needs_person',
  'reminder_failed',
]);

export const NOTIFICATION_EMAIL_JOB = {
  name: 'notifications.send_email',
  schema: z.object({ practiceId: z.uuid(), notificationId: z.uuid() }),
};
type EmailJob = z.infer<typeof NOTIFICATION_EMAIL_JOB.schema>;

// The member's choice.

function memberOf(actor: Actor): string {
  if (!actor.userId) throw new AppError('forbidden', { detail: 'Only a signed-in member has notifications' });
  return actor.userId;
}

export async function getNotificationEmailChoice(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string },
): Promise<NotificationEmailChoice> {
  requirePermission(input.actor, 'notifications:read');
  const userId = memberOf(input.actor);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await tx
      .selectFrom('notificationEmailChoices')
      .select(['enabled', 'updatedAt'])
      .where('practiceId', '=', input.practiceId)
      .where('userId', '=', userId)
      .executeTakeFirst();
    return { enabled: row?.enabled ?? false, updatedAt: row?.updatedAt.toISOString() ?? null };
  });
}

export async function saveNotificationEmailChoice(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; choice: { enabled: boolean } },
): Promise<NotificationEmailChoice> {
  requirePermission(input.actor, 'notifications:read');
  const userId = memberOf(input.actor);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const values = { enabled: input.choice.enabled, updatedAt: new Date() };
    const row = await tx
      .insertInto('notificationEmailChoices')
      .values({ practiceId: input.practiceId, userId, ...values })
      .onConflict((oc) => oc.columns(['practiceId', 'userId']).doUpdateSet(values))
      .returning(['enabled', 'updatedAt'])
      .executeTakeFirstOrThrow();
    return { enabled: row.enabled, updatedAt: row.updatedAt.toISOString() };
  });
}

// Queuing (in the notification's transaction) and sending (the job).

/** After a notification is written: its email for each of its members who asked for email, and the job that sends them. */
export async function queueNotificationEmailsIn(
  tx: Tx,
  input: { practiceId: string; idempotencyKey: string; kind: NotificationKind; userIds: readonly string[] },
): Promise<void> {
  if (!EMAILED.has(input.kind) || input.userIds.length === 0) return;
  const wanting = await tx
    .selectFrom('notificationEmailChoices')
    .select('userId')
    .where('practiceId', '=', input.practiceId)
    .where('userId', 'in', [...input.userIds])
    .where('enabled', '=', true)
    .execute();
  if (wanting.length === 0) return;
  const notification = await tx
    .selectFrom('notifications')
    .select('id')
    .where('practiceId', '=', input.practiceId)
    .where('idempotencyKey', '=', input.idempotencyKey)
    .executeTakeFirstOrThrow();
  await tx
    .insertInto('notificationEmails')
    .values(wanting.map((w) => ({ practiceId: input.practiceId, notificationId: notification.id, userId: w.userId })))
    .onConflict((oc) => oc.columns(['practiceId', 'notificationId', 'userId']).doNothing())
    .execute();
  await enqueueJob(
    tx,
    NOTIFICATION_EMAIL_JOB,
    { practiceId: input.practiceId, notificationId: notification.id },
    { key: `notifications.send_email:${notification.id}` },
  );
}

interface Claimed {
  userId: string;
  to: string;
  subject: string;
  text: string;
}

/** Claims the notification's queued emails (committed), sends each once, records each answer. */
export async function sendNotificationEmails(ctx: AppContext, job: EmailJob): Promise<void> {
  const claimed = await inPractice(ctx.db, job.practiceId, (tx) => claimIn(ctx, tx, job));
  let retry: unknown = null;
  for (const mail of claimed) {
    let outcome: { state: 'sent' | 'queued' | 'failed'; reason?: string } = { state: 'sent' };
    try {
      await ctx.mailer.send({ to: mail.to, subject: mail.subject, text: mail.text });
    } catch (err) {
      const e = err as { responseCode?: number; code?: string; command?: string };
      const notSent = typeof e.responseCode === 'number' || e.code === 'ECONNECTION' || e.command === 'CONN';
      const later = notSent && !(typeof e.responseCode === 'number' && e.responseCode >= 500);
      outcome = later ? { state: 'queued' } : { state: 'failed', reason: notSent ? 'mail_refused' : 'interrupted' };
      if (later) retry = err;
      ctx.logger.warn({ responseCode: e.responseCode, code: e.code, later }, 'a notification email was not accepted');
    }
    await inPractice(ctx.db, job.practiceId, (tx) =>
      tx
        .updateTable('notificationEmails')
        .set({ state: outcome.state, reason: outcome.reason ?? null, stateAt: new Date() })
        .where('notificationId', '=', job.notificationId)
        .where('userId', '=', mail.userId)
        .where('state', '=', 'sending')
        .execute(),
    );
  }
  // The server said later: the job runs again, for the ones put back in the queue only.
  if (retry) throw retry;
}

async function claimIn(ctx: AppContext, tx: Tx, job: EmailJob): Promise<Claimed[]> {
  const queued = await tx
    .selectFrom('notificationEmails')
    .select('userId')
    .where('notificationId', '=', job.notificationId)
    .where('state', '=', 'queued')
    .forUpdate()
    .execute();
  if (queued.length === 0) return [];
  const notification = await tx
    .selectFrom('notifications')
    .select(['kind', 'appointmentId', 'previousStart', 'createdAt'])
    .where('id', '=', job.notificationId)
    .executeTakeFirst();
  const fail = async (userIds: string[], reason: string) => {
    if (userIds.length === 0) return;
    await tx
      .updateTable('notificationEmails')
      .set({ state: 'failed', reason, stateAt: new Date() })
      .where('notificationId', '=', job.notificationId)
      .where('userId', 'in', userIds)
      .execute();
  };
  // Without a mail server the mailer only logs; nothing to send to.
  if (!notification || !ctx.config.smtpUrl) {
    await fail(
      queued.map((q) => q.userId),
      notification ? 'no_mail_server' : 'gone',
    );
    return [];
  }
  // The member may have turned it off, or left the practice, since.
  const still = await tx
    .selectFrom('notificationEmailChoices')
    .innerJoin(userDirectory(tx).as('u'), 'u.id', 'notificationEmailChoices.userId')
    .select(['notificationEmailChoices.userId', 'u.email', 'u.language'])
    .where('notificationEmailChoices.practiceId', '=', job.practiceId)
    .where(
      'notificationEmailChoices.userId',
      'in',
      queued.map((q) => q.userId),
    )
    .where('notificationEmailChoices.enabled', '=', true)
    .execute();
  await fail(
    queued.map((q) => q.userId).filter((id) => !still.some((s) => s.userId === id)),
    'turned_off',
  );
  if (still.length === 0) return [];
  const practice = await practiceFactsIn(tx, job.practiceId);
  const appointment = notification.appointmentId
    ? (await appointmentSummariesIn(tx, [notification.appointmentId])).get(notification.appointmentId)
    : undefined;
  await tx
    .updateTable('notificationEmails')
    .set({ state: 'sending', stateAt: new Date() })
    .where('notificationId', '=', job.notificationId)
    .where(
      'userId',
      'in',
      still.map((s) => s.userId),
    )
    .execute();
  return still.map((s) => ({
    userId: s.userId,
    to: s.email,
    ...notificationEmailText(s.language, {
      kind: notification.kind as NotificationKind,
      practiceName: practice?.name ?? '',
      timeZone: practice?.timeZone ?? 'UTC',
      start: appointment?.start ?? null,
      previousStart: notification.previousStart ?? null,
      providerName: appointment?.providerName ?? null,
      link: `${ctx.config.publicUrl}/`,
    }),
  }));
}

/** The email's words, in the member's language: what happened, when and with whom; never the patient's name. */
export function notificationEmailText(
  language: 'en' | 'fr',
  n: {
    kind: NotificationKind;
    practiceName: string;
    timeZone: string;
    start: Date | null;
    previousStart: Date | null;
    providerName: string | null;
    link: string;
  },
): { subject: string; text: string } {
  const fr = language === 'fr';
  const format = (d: Date | null) =>
    d
      ? new Intl.DateTimeFormat(fr ? 'fr-FR' : 'en-GB', {
          timeZone: n.timeZone,
          weekday: 'long',
          day: 'numeric',
          month: 'long',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        }).format(d)
      : '';
  const when = format(n.start);
  const withWhom = n.providerName ? (fr ? ` avec ${n.providerName}` : ` with ${n.providerName}`) : '';
  const lines: Record<string, [string, string]> = fr
    ? {
        whatsapp_booked: [
          'Nouveau rendez-vous pris sur WhatsApp',
          `Un patient a pris rendez-vous sur WhatsApp : ${when}${withWhom}.`,
        ],
        whatsapp_moved: [
          'Rendez-vous déplacé sur WhatsApp',
          `Un patient a déplacé son rendez-vous sur WhatsApp : ${when}${withWhom} (au lieu de ${format(n.previousStart)}).`,
        ],
        whatsapp_cancelled: [
          'Rendez-vous annulé sur WhatsApp',
          `Un patient a annulé son rendez-vous sur WhatsApp : ${when}${withWhom}.`,
        ],
        waitlist_booked: [
          "Créneau pris depuis la liste d'attente",
          `Un patient a pris un créneau libéré depuis la liste d'attente : ${when}${withWhom}.`,
        ],
        needs_person: [
          'Une conversation WhatsApp attend une personne',
          'Une conversation WhatsApp a besoin de quelqu’un du cabinet.',
        ],
        reminder_failed: [
          "Un rappel n'a pas pu être remis",
          `Le rappel WhatsApp du rendez-vous ${when}${withWhom} n'a pas pu être remis : appelez le patient.`,
        ],
      }
    : {
        whatsapp_booked: [
          'New appointment booked on WhatsApp',
          `A patient booked an appointment on WhatsApp: ${when}${withWhom}.`,
        ],
        whatsapp_moved: [
          'Appointment moved on WhatsApp',
          `A patient moved their appointment on WhatsApp: ${when}${withWhom} (was ${format(n.previousStart)}).`,
        ],
        whatsapp_cancelled: [
          'Appointment cancelled on WhatsApp',
          `A patient cancelled their appointment on WhatsApp: ${when}${withWhom}.`,
        ],
        waitlist_booked: [
          'Freed time taken from the waitlist',
          `A patient took a freed time from the waitlist: ${when}${withWhom}.`,
        ],
        needs_person: [
          'A WhatsApp conversation needs a person',
          'A WhatsApp conversation needs someone from the practice.',
        ],
        reminder_failed: [
          'A reminder could not be delivered',
          `The WhatsApp reminder of the appointment ${when}${withWhom} could not be delivered: phone the patient.`,
        ],
      };
  const [title, sentence] = lines[n.kind] ?? [fr ? 'Nouvelle notification' : 'New notification', ''];
  return {
    subject: `${n.practiceName} · ${title}`,
    text: [
      sentence,
      '',
      fr ? `Ouvrez DentalPro pour la voir : ${n.link}` : `Open DentalPro to see it: ${n.link}`,
      '',
      fr
        ? 'Vous recevez cet e-mail parce que vous avez choisi « Me les envoyer aussi par e-mail » dans votre compte.'
        : 'You get this email because you chose "Also email me" on your account page.',
    ].join('\n'),
  };
}

export const sendNotificationEmailsJob = defineJob({
  ...NOTIFICATION_EMAIL_JOB,
  handler: async (payload, { ctx }: JobRun<AppContext>) => {
    await sendNotificationEmails(ctx, payload);
  },
});
