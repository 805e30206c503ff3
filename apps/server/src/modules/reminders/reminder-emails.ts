import type { FailureReason } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { enqueueJob, publishEvent } from '../../platform/jobs.js';
import { type PracticeFacts, type Tx, inPractice, practiceFactsIn } from '../../platform/tenancy.js';
import { mayContactIn } from '../consent/consent.service.js';
import { messageOutcomesIn } from '../messaging/outreach.service.js';
import { emailContactsIn } from '../patients/contacts.service.js';
import { practiceContactIn } from '../practices/practices.service.js';
import { appointmentFactsIn } from '../scheduling/appointment-facts.service.js';
import { appointmentSummariesIn } from '../scheduling/appointments.service.js';
import { EMAIL_JOB, type EmailJob, emailKey } from './reminder-jobs.js';
import {
  insertReminderEmail,
  lockReminderEmail,
  selectEmailSettings,
  setEmailState,
} from './reminder-emails.repository.js';
import { reminderUndelivered } from './reminders.events.js';
import { type ReminderRow, findReminderById, lockRemindersOfMessage, markEmailed } from './reminders.repository.js';

/**
 * Reminders by email, for a patient who cannot get them on WhatsApp (no WhatsApp number, or
 * WhatsApp said the number is not on it), when the owner turned it on (Settings → Reminders) and
 * the patient has an email address and has not refused appointment emails.
 *
 * At most one email per reminder (appointment, rule, start): the reminder_emails row is its key,
 * inserted once with the reminder's change; the job claims it (`sending`, committed) before the
 * mail server is called, so a crash after the claim never sends it twice (it shows as
 * interrupted). A refusal the server answered, or a connection that never opened, is retried.
 */

const ACTIVE = new Set(['booked', 'confirmed']);

/** Whether the practice sends reminders by email when WhatsApp cannot carry them. */
export async function emailFallbackOnIn(tx: Tx, practiceId: string): Promise<boolean> {
  return (await selectEmailSettings(tx, practiceId)).enabled;
}

/**
 * In the sending transaction: the reminder goes by email instead, if it can (setting on, an
 * address, consent to appointment emails). Returns false when it cannot (the caller records why
 * WhatsApp could not carry it).
 */
export async function queueReminderEmailIn(
  tx: Tx,
  input: { practiceId: string; reminder: ReminderRow; patientId: string; replacingMessageId?: string },
): Promise<boolean> {
  if (!(await emailFallbackOnIn(tx, input.practiceId))) return false;
  const contact = (await emailContactsIn(tx, [input.patientId])).get(input.patientId);
  if (!contact?.active || !contact.email) return false;
  if (!(await mayContactIn(tx, { patientId: input.patientId, channel: 'email', purpose: 'appointments' })))
    return false;
  const replacing = input.replacingMessageId ? { replacing: input.replacingMessageId } : {};
  if (!(await markEmailed(tx, input.reminder.id, replacing))) return false;
  if (await insertReminderEmail(tx, { practiceId: input.practiceId, reminderId: input.reminder.id }))
    await enqueueJob(
      tx,
      EMAIL_JOB,
      { practiceId: input.practiceId, reminderId: input.reminder.id },
      { key: emailKey(input.reminder.id) },
    );
  return true;
}

/**
 * WhatsApp refused a message or reported it failed (on the send, in a later status, or it waited
 * past its send-by time). Of the reminders it carried whose visit is still ahead: with the setting
 * on, a number not on WhatsApp (131026) gets each by email instead; the others reached the patient
 * by no route, and the desk hears of it (`reminders.reminder_undelivered`, once for the message,
 * naming its earliest visit). A reminder that goes by email is not the desk's news: nothing to do.
 * Returns how many went by email; a second run finds them by email already and does nothing.
 */
export async function settleFailedReminderMessage(
  ctx: AppContext,
  event: { practiceId: string; messageId: string; conversationId?: string | null; reason: FailureReason },
  now: Date,
): Promise<number> {
  return inPractice(ctx.db, event.practiceId, async (tx) => {
    const carried = (await lockRemindersOfMessage(tx, { messageId: event.messageId, now })).filter(
      (r) => r.state === 'sent' && r.channel === 'whatsapp',
    );
    if (carried.length === 0) return 0;
    const byEmail = event.reason === 'not_on_whatsapp' && (await emailFallbackOnIn(tx, event.practiceId));
    let emailed = 0;
    const unreached: ReminderRow[] = [];
    for (const reminder of carried) {
      const replacing = { practiceId: event.practiceId, reminder, replacingMessageId: event.messageId };
      if (
        byEmail &&
        reminder.patientId &&
        (await queueReminderEmailIn(tx, { ...replacing, patientId: reminder.patientId }))
      )
        emailed++;
      else unreached.push(reminder);
    }
    const earliest = unreached.sort((a, b) => a.appointmentStart.getTime() - b.appointmentStart.getTime())[0];
    if (earliest)
      await publishEvent(tx, reminderUndelivered, {
        practiceId: event.practiceId,
        reminderId: earliest.id,
        appointmentId: earliest.appointmentId,
        patientId: earliest.patientId,
        messageId: event.messageId,
        conversationId: event.conversationId ?? null,
        reason: event.reason,
        emailFailure: null,
      });
    return emailed;
  });
}

/** An email's failures that leave the patient unreminded (a cancelled or moved visit, or one begun, needs no reminder). */
const UNREACHED_BY_EMAIL = new Set(['mail_refused', 'no_email', 'email_no_consent', 'no_mail_server']);

/**
 * The email that replaced a reminder WhatsApp could not carry failed for good: the patient was
 * reached by no route after all, and the desk hears of it now (with WhatsApp's reason). A reminder
 * never tried on WhatsApp (no WhatsApp number) was skipped, not failed: the desk is not told, as
 * for any skipped reminder.
 */
async function announceEmailFailedIn(tx: Tx, input: { practiceId: string; reminderId: string; reason: string }) {
  if (!UNREACHED_BY_EMAIL.has(input.reason)) return;
  const reminder = await findReminderById(tx, input.reminderId);
  if (!reminder?.messageId) return;
  const whatsapp = (await messageOutcomesIn(tx, [reminder.messageId])).get(reminder.messageId);
  if (whatsapp?.status !== 'failed') return;
  await publishEvent(tx, reminderUndelivered, {
    practiceId: input.practiceId,
    reminderId: reminder.id,
    appointmentId: reminder.appointmentId,
    patientId: reminder.patientId,
    messageId: reminder.messageId,
    conversationId: null,
    reason: whatsapp.failureReason ?? 'unknown',
    emailFailure: input.reason,
  });
}

interface PreparedEmail {
  to: string;
  subject: string;
  text: string;
}

/** The email job: claims the reminder's email, sends it once, records the answer. */
export async function sendReminderEmail(ctx: AppContext, job: EmailJob, now: Date): Promise<void> {
  const prepared = await inPractice(ctx.db, job.practiceId, (tx) => claimIn(ctx, tx, job, now));
  if (!prepared) return;
  try {
    await ctx.mailer.send(prepared);
  } catch (err) {
    const e = err as { responseCode?: number; code?: string; command?: string };
    // The server answered no (4xx: later; 5xx: never), or the connection never opened: nothing went.
    const notSent = typeof e.responseCode === 'number' || e.code === 'ECONNECTION' || e.command === 'CONN';
    const retry = notSent && !(typeof e.responseCode === 'number' && e.responseCode >= 500);
    await inPractice(ctx.db, job.practiceId, async (tx) => {
      const reason = notSent ? 'mail_refused' : 'interrupted';
      const recorded = await setEmailState(tx, {
        reminderId: job.reminderId,
        from: 'sending',
        ...(retry ? { state: 'queued' } : { state: 'failed', reason }),
      });
      if (recorded && !retry)
        await announceEmailFailedIn(tx, { practiceId: job.practiceId, reminderId: job.reminderId, reason });
    });
    ctx.logger.warn(
      { reminderId: job.reminderId, responseCode: e.responseCode, code: e.code, retry },
      'a reminder email was not accepted by the mail server',
    );
    if (retry) throw err;
    return;
  }
  await inPractice(ctx.db, job.practiceId, (tx) =>
    setEmailState(tx, { reminderId: job.reminderId, from: 'sending', state: 'sent' }),
  );
}

/** Re-reads everything; the email is claimed (`sending`) only when it still applies, else it fails with the reason. */
async function claimIn(ctx: AppContext, tx: Tx, job: EmailJob, now: Date): Promise<PreparedEmail | null> {
  const email = await lockReminderEmail(tx, job.reminderId);
  if (email?.state !== 'queued') return null;
  const fail = async (reason: string) => {
    await setEmailState(tx, { reminderId: job.reminderId, state: 'failed', reason });
    await announceEmailFailedIn(tx, { practiceId: job.practiceId, reminderId: job.reminderId, reason });
    return null;
  };
  const reminder = await findReminderById(tx, job.reminderId);
  if (!reminder?.patientId) return fail('patient_unavailable');
  const appointment = (await appointmentFactsIn(tx, [reminder.appointmentId])).get(reminder.appointmentId);
  if (!appointment || !ACTIVE.has(appointment.status))
    return fail(appointment?.status === 'cancelled' ? 'cancelled' : 'not_active');
  if (appointment.start.getTime() !== reminder.appointmentStart.getTime()) return fail('moved');
  if (appointment.start <= now) return fail('too_late');
  const contact = (await emailContactsIn(tx, [reminder.patientId])).get(reminder.patientId);
  if (!contact?.active) return fail('patient_unavailable');
  if (!contact.email) return fail('no_email');
  if (!(await mayContactIn(tx, { patientId: reminder.patientId, channel: 'email', purpose: 'appointments' })))
    return fail('email_no_consent');
  // Without a mail server the mailer would only log it, and a patient's email has no place in the log.
  if (!ctx.config.smtpUrl) return fail('no_mail_server');
  const practice = await practiceFactsIn(tx, job.practiceId);
  const place = await practiceContactIn(tx, job.practiceId);
  if (!practice || !place) return null;
  const summary = (await appointmentSummariesIn(tx, [appointment.id])).get(appointment.id);
  const language: 'en' | 'fr' =
    contact.language === 'fr' || contact.language === 'mfe'
      ? 'fr'
      : contact.language === 'en'
        ? 'en'
        : practice.defaultLanguage;
  await setEmailState(tx, {
    reminderId: job.reminderId,
    state: 'sending',
    language,
    countAttempt: true,
  });
  return {
    to: contact.email,
    ...reminderEmailText(language, {
      practice,
      place,
      firstName: contact.firstName,
      start: appointment.start,
      dentist: summary?.providerName ?? null,
    }),
  };
}

/** The email's subject and text, in the patient's language (English or French). */
export function reminderEmailText(
  language: 'en' | 'fr',
  input: {
    practice: Pick<PracticeFacts, 'timeZone'>;
    place: { name: string; address: string; phone: string; email: string };
    firstName: string;
    start: Date;
    dentist: string | null;
  },
): { subject: string; text: string } {
  const locale = language === 'fr' ? 'fr-FR' : 'en-GB';
  const date = new Intl.DateTimeFormat(locale, {
    timeZone: input.practice.timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(input.start);
  const time = new Intl.DateTimeFormat(locale, {
    timeZone: input.practice.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(input.start);
  const { name, address, phone, email } = input.place;
  const reach = [phone, email].filter(Boolean);
  if (language === 'fr') {
    const contact =
      reach.length > 0
        ? `Pour annuler ou changer ce rendez-vous, appelez-nous ou écrivez-nous : ${reach.join(' · ')}.`
        : 'Pour annuler ou changer ce rendez-vous, contactez le cabinet.';
    return {
      subject: `Rappel : votre rendez-vous chez ${name} le ${date} à ${time}`,
      text: [
        `Bonjour ${input.firstName},`,
        '',
        `Nous vous rappelons votre rendez-vous chez ${name} :`,
        '',
        `Date : ${date}`,
        `Heure : ${time}`,
        ...(input.dentist ? [`Avec : ${input.dentist}`] : []),
        ...(address ? [`Adresse : ${address}`] : []),
        '',
        contact,
        '',
        'À bientôt,',
        name,
        '',
        "Vous recevez ce rappel par e-mail parce qu'il n'a pas pu vous être envoyé sur WhatsApp.",
      ].join('\n'),
    };
  }
  const contact =
    reach.length > 0
      ? `To cancel or change this appointment, call or write to us: ${reach.join(' · ')}.`
      : 'To cancel or change this appointment, please contact the practice.';
  return {
    subject: `Reminder: your appointment at ${name} on ${date} at ${time}`,
    text: [
      `Hello ${input.firstName},`,
      '',
      `This is a reminder of your appointment at ${name}:`,
      '',
      `Date: ${date}`,
      `Time: ${time}`,
      ...(input.dentist ? [`With: ${input.dentist}`] : []),
      ...(address ? [`Address: ${address}`] : []),
      '',
      contact,
      '',
      'See you soon,',
      name,
      '',
      'You are getting this reminder by email because it could not reach you on WhatsApp.',
    ].join('\n'),
  };
}
