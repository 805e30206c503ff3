import type { ReminderSettingsInput } from '@dentalpro/contracts';
import { sql } from 'kysely';
import { createBackgroundRunner } from '../src/background.js';
import type { SentMessage } from '../src/modules/messaging/fake-graph.js';
import { saveReminderSettings } from '../src/modules/reminders/reminders.service.js';
import { bookAppointment } from '../src/modules/scheduling/appointments.service.js';
import { systemActor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import type { AssistantPractice } from './assistant-fixtures.js';
import type { TestApp } from './harness.js';
import { nextMonday } from './scheduling-fixtures.js';
import { workers } from './whatsapp-fixtures.js';
import { makeEverythingDue } from './whatsapp-helpers.js';

/**
 * Reminders under test: appointments booked through the calendar, the reminders' jobs brought
 * forward by hand (their run-at set to now, as the job tests do) and run, and what Meta received
 * read back from the fake Graph API.
 */

const DAY = 86_400_000;

/** The practice's defaults (day before with 24 h lead time, 2 h before) without quiet hours, unless told. */
export async function useReminderSettings(
  t: TestApp,
  practiceId: string,
  settings: Partial<ReminderSettingsInput> = {},
) {
  return saveReminderSettings(t.ctx, {
    actor: systemActor('test'),
    practiceId,
    settings: {
      enabled: true,
      rules: [
        { offsetMinutes: 1440, appointmentTypeIds: null, minLeadMinutes: 1440 },
        { offsetMinutes: 120, appointmentTypeIds: null, minLeadMinutes: 0 },
      ],
      quietHours: null,
      ...settings,
    },
  });
}

/** Working days (Monday to Friday, public holidays left out) from a Monday 9 to 15 days ahead. */
export async function workdays(t: TestApp, practiceId: string, count: number): Promise<string[]> {
  const holidays = new Set(
    (await t.db.selectFrom('publicHolidays').select('date').where('practiceId', '=', practiceId).execute()).map((h) =>
      String(h.date).slice(0, 10),
    ),
  );
  const found: string[] = [];
  for (let at = new Date(`${nextMonday(new Date(Date.now() + 7 * DAY))}T12:00:00Z`); found.length < count; ) {
    const date = at.toISOString().slice(0, 10);
    if (at.getUTCDay() >= 1 && at.getUTCDay() <= 5 && !holidays.has(date)) found.push(date);
    at = new Date(at.getTime() + DAY);
  }
  return found;
}

/** Reception books a check-up (the dentist on chair 1 unless told), and the background work runs. */
export async function book(
  t: TestApp,
  practice: AssistantPractice,
  patientId: string,
  start: Date,
  opts: { providerId?: string } = {},
) {
  const providerId = opts.providerId ?? practice.dentistId;
  const booked = await bookAppointment(t.ctx, {
    actor: systemActor('reception'),
    practiceId: practice.practiceId,
    booking: {
      appointmentTypeId: practice.checkup,
      providerId,
      chairId: providerId === practice.dentistId ? practice.chair1 : practice.chair2,
      start,
      source: 'phone',
      patientId,
    },
  });
  await runJobs(t);
  return booked;
}

/** Runs the jobs due now (planning, replies) until none are left. */
export function runJobs(t: TestApp) {
  return createBackgroundRunner(t.ctx, { schedules: false }).runDue();
}

/** What the reminders module recorded for an appointment, oldest start first. */
export async function remindersOf(t: TestApp, practiceId: string, appointmentId: string) {
  return inPractice(t.ctx.db, practiceId, (tx) =>
    tx
      .selectFrom('appointmentReminders')
      .selectAll()
      .where('appointmentId', '=', appointmentId)
      .orderBy('appointmentStart')
      .orderBy('offsetMinutes', 'desc')
      .execute(),
  );
}

/** The pending reminder jobs of an appointment. */
export async function sendJobsOf(t: TestApp, appointmentId: string) {
  const rows = await t.db
    .selectFrom('jobs')
    .select(['key', 'runAt', 'payload', 'state'])
    .where('name', '=', 'reminders.send')
    .where('key', 'like', `reminders.send:${appointmentId}:%`)
    .orderBy('runAt')
    .execute();
  return rows.map((r) => ({ ...r, payload: r.payload as { start: string; offsetMinutes: number } }));
}

/** The outbox sends everything queued, Meta's retries made due at once, until nothing waits. */
export async function sendQueued(t: TestApp) {
  const w = workers(t);
  for (let i = 0; i < 20; i++) {
    await makeEverythingDue(t);
    await w.send();
    const waiting = await t.db
      .selectFrom('whatsappOutbox')
      .select('seq')
      .where('state', '=', 'queued')
      .executeTakeFirst();
    if (!waiting) break;
  }
}

/**
 * Every pending reminder falls due now and runs; then the outbox sends (Meta's retries made due
 * at once). Returns the template messages Meta accepted meanwhile.
 */
export async function remindNow(t: TestApp, graph: { fake: { sent: SentMessage[] } }) {
  const before = graph.fake.sent.length;
  await sql`UPDATE jobs SET run_at = now() WHERE name = 'reminders.send' AND state = 'pending'`.execute(t.db);
  await runJobs(t);
  await sendQueued(t);
  return graph.fake.sent.slice(before).filter((m) => m.body.type === 'template');
}

/** The outbox sends what is queued; returns the templates of this name Meta accepted meanwhile. */
export async function deliverTemplates(t: TestApp, graph: { fake: { sent: SentMessage[] } }, name: string) {
  const before = graph.fake.sent.length;
  await sendQueued(t);
  return graph.fake.sent.slice(before).filter((m) => templateNameOf(m) === name);
}

interface TemplateBody {
  template: {
    name: string;
    language: { code: string };
    components: { type: string; parameters: { parameter_name?: string; text?: string; payload?: string }[] }[];
  };
}

export const templateNameOf = (message: SentMessage) =>
  message.body.type === 'template' ? (message.body as unknown as TemplateBody).template.name : null;

/**
 * A template as the patient's phone shows it: its body values in order, the same by parameter name
 * (for named templates) and its buttons' payloads.
 */
export function templateSeen(message: SentMessage) {
  const { template } = message.body as unknown as TemplateBody;
  const parameters = template.components.find((c) => c.type === 'body')?.parameters ?? [];
  return {
    to: message.to,
    wamid: message.wamid,
    language: template.language.code,
    values: parameters.map((p) => p.text ?? ''),
    named: Object.fromEntries(parameters.map((p) => [p.parameter_name ?? '', p.text ?? ''])),
    payloads: template.components.filter((c) => c.type === 'button').map((c) => c.parameters[0]!.payload!),
  };
}

/** A reminder as the patient's phone shows it: its values by name and its buttons' payloads. */
export function reminderSeen(message: SentMessage) {
  const { to, language, named, payloads, wamid } = templateSeen(message);
  return { to, language, values: named, payloads, wamid };
}
