import { TZDate } from '@date-fns/tz';
import type { PatientLanguage, RecallMessageReason } from '@dentalpro/contracts';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { enqueueJob } from '../../platform/jobs.js';
import { type PracticeFacts, type Tx, inPractice, practiceFactsIn } from '../../platform/tenancy.js';
import { contactableIn } from '../consent/consent.service.js';
import { wakeOutbox } from '../messaging/assistant-channel.service.js';
import { numberOptedOutIn, practicesWithWhatsApp, queueTemplateToNumberIn } from '../messaging/outreach.service.js';
import { whatsappContactsIn } from '../patients/contacts.service.js';
import { comingAppointmentFactsIn } from '../scheduling/appointment-facts.service.js';
import { type DueRecall, dueRecallsIn, recallsByIdIn } from '../scheduling/recalls.service.js';
import {
  countRecallSent,
  finishRecallRun,
  lockRecallMessage,
  lockRecallRun,
  recallRunFinished,
  recordNotSent,
  recordSent,
  sentRecallKeys,
} from './recall-messages.repository.js';
import { signRecallPayload, recallKeyOf } from './recall-payload.js';
import { recallSettingsIn } from './recall-settings.service.js';
import { quietHoursEnd } from './reminder-rules.js';
import { reminderSettingsIn } from './settings.service.js';

/**
 * The daily recall run of a practice: at its hour (practice-local, outside the reminders' quiet
 * hours), every patient whose recall is due (by the lead days) and who is active, has no visit
 * coming, was not sent this recall's message for its due date yet, and has granted recall messages
 * on WhatsApp in the consent ledger, gets the `recall_due` template in their language with "Book
 * now" and "Not now" — oldest due first, at most the practice's daily cap. The others get a row
 * saying why not (waiting for the cap, no consent, ...), looked at again at the next run.
 *
 * Exactly once per recall and due date: each message is queued in a transaction that first locks
 * the day's run row (the cap is counted there, so two runs at once take turns), then the recall's
 * message row, and queues with an idempotency key of recall and due date; a run that crashes
 * mid-list is run again and finds what it sent.
 */

export const TEMPLATE = 'recall_due';
/** A patient with a visit booked this far ahead is not recalled. */
const COMING_DAYS = 730;
const DAY_MS = 86_400_000;
/** How many due recalls one run looks at (the cap is at most 1,000). */
const MAX_LISTED = 5000;

export const RECALL_RUN_JOB = {
  name: 'reminders.recall_run',
  schema: z.object({ practiceId: z.uuid() }),
};
export const recallRunKey = (practiceId: string) => `reminders.recall_run:${practiceId}`;

export interface RecallRunOutcome {
  /** The practice-local day of the run. */
  day: string;
  sent: number;
  waiting: number;
  skipped: number;
  /** Why nothing was done: off, not yet its hour, quiet hours, or the day's run already finished. */
  idle?: 'disabled' | 'not_yet' | 'quiet_hours' | 'finished' | 'no_practice';
}

/** The practice's wall clock: its date and hour. */
export function localDayAndHour(now: Date, timeZone: string): { day: string; hour: number } {
  const local = new TZDate(now.getTime(), timeZone);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    day: `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`,
    hour: local.getHours(),
  };
}

const addDays = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The patient's language first; Creole reads the French template; then the practice's, then English. */
const languagesFor = (language: PatientLanguage, practiceLanguage: 'en' | 'fr') => [
  language === 'mfe' ? 'fr' : language,
  practiceLanguage,
  'en',
];

/**
 * Every ten minutes (reminders.jobs.ts): each practice with a WhatsApp number whose recall hour has
 * come today and whose run of today has not finished gets its run queued (one per practice, keyed).
 */
export async function queueDueRecallRuns(ctx: AppContext, now: Date): Promise<number> {
  let queued = 0;
  for (const practiceId of await practicesWithWhatsApp(ctx.db)) {
    const due = await inPractice(ctx.db, practiceId, async (tx) => {
      const settings = await recallSettingsIn(tx, practiceId);
      const practice = await practiceFactsIn(tx, practiceId);
      if (!settings.enabled || !practice) return false;
      const { day, hour } = localDayAndHour(now, practice.timeZone);
      if (hour < settings.sendHour || (await recallRunFinished(tx, { practiceId, runDate: day }))) return false;
      await enqueueJob(tx, RECALL_RUN_JOB, { practiceId }, { key: recallRunKey(practiceId) });
      return true;
    });
    if (due) queued++;
  }
  return queued;
}

interface Candidate {
  recall: DueRecall;
  e164: string;
  firstName: string;
  language: PatientLanguage;
}

/** The run itself (the job's handler, and tests): safe to run again, the same day or after a crash. */
export async function runRecalls(ctx: AppContext, input: { practiceId: string; now: Date }): Promise<RecallRunOutcome> {
  const { practiceId, now } = input;
  const plan = await inPractice(ctx.db, practiceId, (tx) => planRun(tx, practiceId, now));
  if ('idle' in plan) return plan.idle;
  let sent = 0;
  let waiting = 0;
  const left: Candidate[] = [];
  for (const candidate of plan.candidates) {
    if (left.length > 0) {
      left.push(candidate);
      continue;
    }
    const outcome = await inPractice(ctx.db, practiceId, (tx) => sendOne(ctx, tx, { ...plan, candidate }));
    if (outcome === 'sent') sent++;
    if (outcome === 'cap') left.push(candidate);
  }
  await inPractice(ctx.db, practiceId, async (tx) => {
    await recordNotSent(
      tx,
      left.map((c) => ({
        practiceId,
        recallId: c.recall.id,
        patientId: c.recall.patientId,
        dueDate: c.recall.dueDate,
        state: 'waiting' as const,
        reason: 'daily_cap',
      })),
    );
    waiting = left.length;
    await finishRecallRun(tx, { practiceId, runDate: plan.day, waiting, at: new Date() });
  });
  if (sent > 0) wakeOutbox(ctx);
  return { day: plan.day, sent, waiting, skipped: plan.skipped };
}

type Plan =
  | { idle: RecallRunOutcome }
  | { day: string; practiceId: string; practice: PracticeFacts; cap: number; candidates: Candidate[]; skipped: number };

/** Reads who is due and why each is (not) to be messaged; records the reasons of those who are not. */
async function planRun(tx: Tx, practiceId: string, now: Date): Promise<Plan> {
  const practice = await practiceFactsIn(tx, practiceId);
  const idle = (day: string, why: RecallRunOutcome['idle']): Plan => ({
    idle: { day, sent: 0, waiting: 0, skipped: 0, idle: why },
  });
  if (!practice) return idle('', 'no_practice');
  const { day, hour } = localDayAndHour(now, practice.timeZone);
  const settings = await recallSettingsIn(tx, practiceId);
  if (!settings.enabled) return idle(day, 'disabled');
  if (hour < settings.sendHour) return idle(day, 'not_yet');
  const reminders = await reminderSettingsIn(tx, practiceId);
  if (quietHoursEnd(now, reminders.quietHours, practice.timeZone)) return idle(day, 'quiet_hours');
  if (await recallRunFinished(tx, { practiceId, runDate: day })) return idle(day, 'finished');

  const due = await dueRecallsIn(tx, { dueBy: addDays(day, settings.leadDays), limit: MAX_LISTED });
  const done = await sentRecallKeys(
    tx,
    due.map((r) => r.id),
  );
  const open = due.filter((r) => !done.has(`${r.id}|${r.dueDate}`));
  const patientIds = open.map((r) => r.patientId);
  const contacts = await whatsappContactsIn(tx, patientIds);
  const booked = new Set(
    (
      await comingAppointmentFactsIn(tx, {
        practiceId,
        from: now,
        to: new Date(now.getTime() + COMING_DAYS * DAY_MS),
        patientIds,
      })
    ).map((a) => a.patientId),
  );
  const willing = await contactableIn(tx, { patientIds, channel: 'whatsapp', purpose: 'recalls' });
  const candidates: Candidate[] = [];
  const notSent: Parameters<typeof recordNotSent>[1][number][] = [];
  const optedOut = new Map<string, boolean>();
  for (const recall of open) {
    const contact = contacts.get(recall.patientId);
    let reason: RecallMessageReason | null = null;
    if (!contact?.active) reason = 'patient_unavailable';
    else if (booked.has(recall.patientId)) reason = 'appointment_booked';
    else if (!contact.e164) reason = 'no_whatsapp_number';
    else if (!willing.has(recall.patientId)) reason = 'no_consent';
    else {
      if (!optedOut.has(contact.e164))
        optedOut.set(contact.e164, await numberOptedOutIn(tx, { practiceId, e164: contact.e164 }));
      if (optedOut.get(contact.e164)) reason = 'opted_out';
    }
    if (reason) {
      notSent.push({
        practiceId,
        recallId: recall.id,
        patientId: recall.patientId,
        dueDate: recall.dueDate,
        state: 'skipped',
        reason,
      });
    } else {
      candidates.push({ recall, e164: contact!.e164!, firstName: contact!.firstName, language: contact!.language });
    }
  }
  await recordNotSent(tx, notSent);
  return { day, practiceId, practice, cap: settings.dailyCap, candidates, skipped: notSent.length };
}

/**
 * One recall's message, in its own transaction: the day's run row locked first (the cap), then the
 * recall read again (still due, same date) and its message row; queued once, counted, recorded.
 */
async function sendOne(
  ctx: AppContext,
  tx: Tx,
  input: { day: string; practiceId: string; practice: PracticeFacts; cap: number; candidate: Candidate },
): Promise<'sent' | 'cap' | 'skipped' | 'nothing'> {
  const { practiceId, practice, candidate } = input;
  const { recall } = candidate;
  const run = await lockRecallRun(tx, { practiceId, runDate: input.day });
  if (run.sent >= input.cap) return 'cap';
  const now = (await recallsByIdIn(tx, [recall.id])).get(recall.id);
  if (now?.status !== 'due' || now.dueDate !== recall.dueDate) return 'nothing';
  const existing = await lockRecallMessage(tx, { recallId: recall.id, dueDate: recall.dueDate });
  if (existing?.state === 'sent') return 'nothing';
  const key = recallKeyOf(ctx.config.sessionSecret);
  const payload = (answer: 'book' | 'not_now') =>
    signRecallPayload(key, practiceId, { answer, recallId: recall.id, dueDate: recall.dueDate });
  const result = await queueTemplateToNumberIn(tx, {
    masterKey: ctx.config.encryptionKey,
    practiceId,
    e164: candidate.e164,
    patientId: recall.patientId,
    templateName: TEMPLATE,
    languages: languagesFor(candidate.language, practice.defaultLanguage),
    parameters: () => ({ '1': candidate.firstName, '2': practice.name }),
    payloads: [payload('book'), payload('not_now')],
    idempotencyKey: `recall:${recall.id}:${recall.dueDate}`,
  });
  if (result.kind !== 'queued') {
    await recordNotSent(tx, [
      {
        practiceId,
        recallId: recall.id,
        patientId: recall.patientId,
        dueDate: recall.dueDate,
        state: 'skipped',
        reason: result.kind,
      },
    ]);
    return 'skipped';
  }
  await recordSent(tx, {
    practiceId,
    recallId: recall.id,
    patientId: recall.patientId,
    dueDate: recall.dueDate,
    messageId: result.messageId,
    sentOn: input.day,
  });
  await countRecallSent(tx, { practiceId, runDate: input.day });
  return 'sent';
}
