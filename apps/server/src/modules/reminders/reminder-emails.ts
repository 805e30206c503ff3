import type { AppContext } from '../../context.js';
import { enqueueJob } from '../../platform/jobs.js';
import { type PracticeFacts, type Tx, inPractice, practiceFactsIn } from '../../platform/tenancy.js';
import { mayContactIn } from '../consent/consent.service.js';
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
 * WhatsApp refused a reminder's message as not on WhatsApp (131026, on the send or in a later
 * status): with the setting on, each reminder it carried whose visit is still ahead goes by email.
 */
export async function emailRemindersWhatsAppRefused(
  ctx: AppContext,
  event: { practiceId: string; messageId: string; reason: string },
  now: Date,
): Promise<number> {
  if (event.reason !== 'not_on_whatsapp') return 0;
  return inPractice(ctx.db, event.practiceId, async (tx) => {
    if (!(await emailFallbackOnIn(tx, event.practiceId))) return 0;
    let queued = 0;
    for (const reminder of await lockRemindersOfMessage(tx, { messageId: event.messageId, now })) {
      if (reminder.state !== 'sent' || reminder.channel !== 'whatsapp' || !reminder.patientId) continue;
      const input = { practiceId: event.practiceId, reminder, patientId: reminder.patientId };
      if (await queueReminderEmailIn(tx, { ...input, replacingMessageId: event.messageId })) queued++;
    }
    return queued;
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
    await inPractice(ctx.db, job.practiceId, (tx) =>
      setEmailState(tx, {
        reminderId: job.reminderId,
        from: 'sending',
        ...(retry ? { state: 'queued' } : { state: 'failed', reason: notSent ? 'mail_refused' : 'interrupted' }),
      }),
    );
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
