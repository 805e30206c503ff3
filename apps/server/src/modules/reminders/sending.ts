import { TZDate } from '@date-fns/tz';
import type { PatientLanguage, ReminderReason } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { enqueueJob } from '../../platform/jobs.js';
import { type PracticeFacts, type Tx, inPractice, practiceFactsIn } from '../../platform/tenancy.js';
import { contactableIn, mayContactIn } from '../consent/consent.service.js';
import { wakeOutbox } from '../messaging/assistant-channel.service.js';
import { numberOptedOutIn, queueTemplateToNumberIn } from '../messaging/outreach.service.js';
import { type WhatsAppContact, whatsappContactsIn } from '../patients/contacts.service.js';
import { findPatientsByPhone } from '../patients/patients.service.js';
import {
  type AppointmentFacts,
  appointmentFactsIn,
  comingAppointmentFactsIn,
} from '../scheduling/appointment-facts.service.js';
import { SEND_JOB, type SendJob, sendKey } from './reminder-jobs.js';
import { quietHoursEnd, ruleAppliesTo, sendByOf, tooLate } from './reminder-rules.js';
import {
  type ReminderRow,
  deferReminder,
  findReminder,
  lockReminders,
  markSent,
  plannedRemindersOf,
  skipReminders,
} from './reminders.repository.js';
import { type ReplyAction, replyKeyOf, signReplyPayload } from './reply-payload.js';
import { queueReminderEmailIn } from './reminder-emails.js';
import { reminderSettingsIn } from './settings.service.js';

/**
 * A reminder's job, when it falls due: read everything again and send only what still applies —
 * the same start, still booked or confirmed, the rule still there, the patient still reachable and
 * willing, outside quiet hours (inside them it waits for their end if the visit is still ahead).
 * A family on one number with visits the same day gets one message naming each. The reminder rows
 * are locked, checked and marked sent in the transaction that queues the message (with an
 * idempotency key per appointment, rule and start), so a reminder goes at most once however often
 * the job runs; messaging's outbox then sends it, retrying Meta's failures, within its pacing.
 */

export const TEMPLATE = 'appointment_reminder';
const ACTIVE = new Set(['booked', 'confirmed']);
const ACTIONS: ReplyAction[] = ['confirm', 'reschedule', 'cancel'];

export type SendOutcome = 'sent' | 'emailed' | 'deferred' | 'skipped' | 'nothing';

export async function sendReminder(ctx: AppContext, job: SendJob, now: Date): Promise<SendOutcome> {
  const outcome = await inPractice(ctx.db, job.practiceId, (tx) => sendIn(ctx, tx, job, now));
  if (outcome === 'sent') wakeOutbox(ctx);
  return outcome;
}

async function sendIn(ctx: AppContext, tx: Tx, job: SendJob, now: Date): Promise<SendOutcome> {
  const start = new Date(job.start);
  const row = await findReminder(tx, {
    appointmentId: job.appointmentId,
    offsetMinutes: job.offsetMinutes,
    appointmentStart: start,
  });
  if (row?.state !== 'planned') return 'nothing';
  const skip = async (reason: ReminderReason) => {
    await skipReminders(tx, [row.id], reason);
    return 'skipped' as const;
  };
  const settings = await reminderSettingsIn(tx, job.practiceId);
  if (!settings.enabled) return skip('disabled');
  const rule = settings.rules.find((r) => r.offsetMinutes === job.offsetMinutes);
  const appointment = (await appointmentFactsIn(tx, [job.appointmentId])).get(job.appointmentId);
  if (!appointment || !ACTIVE.has(appointment.status))
    return skip(appointment?.status === 'cancelled' ? 'cancelled' : 'not_active');
  if (appointment.start.getTime() !== start.getTime()) return skip('moved');
  if (!rule || !ruleAppliesTo(rule, appointment.appointmentTypeId)) return skip('rule_removed');
  if (
    appointment.start <= now ||
    tooLate(job.offsetMinutes, row.dueAt, now) ||
    // Deferred by quiet hours until too close to the visit, say.
    sendByOf(appointment.start, job.offsetMinutes) <= now
  )
    return skip('too_late');
  const practice = await practiceFactsIn(tx, job.practiceId);
  if (!practice) return 'nothing';
  const quietEnd = quietHoursEnd(now, settings.quietHours, practice.timeZone);
  if (quietEnd) {
    if (quietEnd >= appointment.start) return skip('quiet_hours');
    // Waits for the end of the quiet hours, with the same key (a move meanwhile replaces it).
    await deferReminder(tx, row.id, quietEnd);
    await enqueueJob(tx, SEND_JOB, job, { key: sendKey(job.appointmentId, job.offsetMinutes), runAt: quietEnd });
    return 'deferred';
  }
  const contacts = await whatsappContactsIn(tx, [appointment.patientId!]);
  const contact = contacts.get(appointment.patientId!);
  if (!contact?.active) return skip('patient_unavailable');
  // WhatsApp cannot carry it: by email instead when the practice does that, else skipped with why.
  const unreachable = async (reason: 'no_whatsapp_number' | 'not_on_whatsapp') =>
    (await queueReminderEmailIn(tx, { practiceId: job.practiceId, reminder: row, patientId: appointment.patientId! }))
      ? ('emailed' as const)
      : skip(reason);
  if (!contact.e164) return unreachable('no_whatsapp_number');
  // The consent ledger (appointment messages on WhatsApp): a withdrawal, at the desk, by a STOP or in the chat.
  if (!(await mayContactIn(tx, { patientId: appointment.patientId!, channel: 'whatsapp', purpose: 'appointments' })))
    return skip('no_consent');
  if (await numberOptedOutIn(tx, { practiceId: job.practiceId, e164: contact.e164 })) return skip('opted_out');

  const family = await familyOf(tx, {
    practiceId: job.practiceId,
    practice,
    e164: contact.e164,
    appointment,
    offsetMinutes: job.offsetMinutes,
    rule,
    now,
  });
  // Locked together, in one order: another job of the family waits here, then finds them sent.
  const locked = await lockReminders(tx, [row.id, ...family.map((f) => f.row.id)]);
  const stillPlanned = new Set(locked.filter((r) => r.state === 'planned').map((r) => r.id));
  if (!stillPlanned.has(row.id)) return 'nothing';
  const visits = [{ appointment, contact, row }, ...family.filter((f) => stillPlanned.has(f.row.id))].sort(
    (a, b) => a.appointment.start.getTime() - b.appointment.start.getTime(),
  );

  const key = replyKeyOf(ctx.config.sessionSecret);
  const reminded = visits.map((v) => ({ appointmentId: v.appointment.id, start: v.appointment.start }));
  // A family's message names who it carries: if one visit changes while the message waits (it is
  // then withdrawn), the others' new message is not mistaken for it.
  const others = visits
    .filter((v) => v.appointment.id !== job.appointmentId)
    .map((v) => v.appointment.id)
    .sort();
  const result = await queueTemplateToNumberIn(tx, {
    masterKey: ctx.config.encryptionKey,
    practiceId: job.practiceId,
    e164: contact.e164,
    patientId: visits.length === 1 ? appointment.patientId : null,
    templateName: TEMPLATE,
    languages: languagesFor(contact.language, practice.defaultLanguage),
    parameters: (language) => templateValues(language, practice, visits),
    payloads: ACTIONS.map((action) => signReplyPayload(key, job.practiceId, { action, appointments: reminded })),
    idempotencyKey: `reminder:${job.appointmentId}:${job.offsetMinutes}:${start.toISOString()}${others.length > 0 ? `:with:${others.join(',')}` : ''}`,
    // Waiting past this (Meta's daily messaging limit), it is not sent: the earliest visit is about to begin.
    sendBy: sendByOf(visits[0]!.appointment.start, job.offsetMinutes),
  });
  if (result.kind === 'not_on_whatsapp') return unreachable('not_on_whatsapp');
  if (result.kind !== 'queued') return skip(result.kind);
  await markSent(
    tx,
    visits.map((v) => ({
      id: v.row.id,
      sharedWith: visits.filter((o) => o !== v).map((o) => o.appointment.id),
    })),
    result.messageId,
  );
  return 'sent';
}

interface Visit {
  appointment: AppointmentFacts;
  contact: WhatsAppContact;
  row: ReminderRow;
}

/**
 * The other visits the same day of the patients on this number (a family sharing a phone) whose
 * reminder under the same rule is still planned and would go: one message names them all.
 */
async function familyOf(
  tx: Tx,
  input: {
    practiceId: string;
    practice: PracticeFacts;
    e164: string;
    appointment: AppointmentFacts;
    offsetMinutes: number;
    rule: { appointmentTypeIds: string[] | null };
    now: Date;
  },
): Promise<Visit[]> {
  const onNumber = await findPatientsByPhone(tx, input.practiceId, input.e164);
  const others = onNumber.map((p) => p.id);
  if (others.length < 1) return [];
  const local = new TZDate(input.appointment.start.getTime(), input.practice.timeZone);
  const dayStart = new TZDate(local.getFullYear(), local.getMonth(), local.getDate(), 0, 0, 0, input.practice.timeZone);
  const dayEnd = new TZDate(
    local.getFullYear(),
    local.getMonth(),
    local.getDate() + 1,
    0,
    0,
    0,
    input.practice.timeZone,
  );
  const sameDay = (
    await comingAppointmentFactsIn(tx, {
      practiceId: input.practiceId,
      from: new Date(dayStart.getTime()),
      to: new Date(dayEnd.getTime()),
      patientIds: others,
    })
  ).filter(
    (a) =>
      a.id !== input.appointment.id &&
      ruleAppliesTo(input.rule, a.appointmentTypeId) &&
      // Too close to begin for a reminder: its own job says so.
      sendByOf(a.start, input.offsetMinutes) > input.now,
  );
  if (sameDay.length === 0) return [];
  const rows = await plannedRemindersOf(tx, {
    appointmentIds: sameDay.map((a) => a.id),
    offsetMinutes: input.offsetMinutes,
  });
  const contacts = await whatsappContactsIn(
    tx,
    sameDay.map((a) => a.patientId!),
  );
  const willing = await contactableIn(tx, {
    patientIds: sameDay.map((a) => a.patientId!),
    channel: 'whatsapp',
    purpose: 'appointments',
  });
  return sameDay.flatMap((appointment) => {
    const row = rows.find(
      (r) => r.appointmentId === appointment.id && r.appointmentStart.getTime() === appointment.start.getTime(),
    );
    const contact = contacts.get(appointment.patientId!);
    if (!row || !contact?.active || contact.e164 !== input.e164 || !willing.has(appointment.patientId!)) return [];
    return [{ appointment, contact, row }];
  });
}

/** The patient's language first; Creole reads the French template; then the practice's, then English. */
export function languagesFor(language: PatientLanguage, practiceLanguage: 'en' | 'fr'): string[] {
  return [language === 'mfe' ? 'fr' : language, practiceLanguage, 'en'];
}

/** The template's values: everyone's first name, the day, and each time (with whose it is, for a family). */
function templateValues(language: string, practice: PracticeFacts, visits: readonly Visit[]): Record<string, string> {
  const locale = language === 'fr' ? 'fr-FR' : 'en-GB';
  const and = language === 'fr' ? 'et' : 'and';
  const names = [...new Set(visits.map((v) => v.contact.firstName))];
  const list = (items: string[]) =>
    items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
  const day = new Intl.DateTimeFormat(locale, {
    timeZone: practice.timeZone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
  }).format(visits[0]!.appointment.start);
  const clock = new Intl.DateTimeFormat(locale, {
    timeZone: practice.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const time =
    visits.length === 1
      ? clock.format(visits[0]!.appointment.start)
      : list(visits.map((v) => `${clock.format(v.appointment.start)} (${v.contact.firstName})`));
  return { patient_name: list(names), practice_name: practice.name, date: day, time };
}
