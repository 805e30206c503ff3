import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordConsentIn } from '../src/modules/consent/consent.service.js';
import { createPatient } from '../src/modules/patients/patients.service.js';
import { EMAIL_JOB } from '../src/modules/reminders/reminder-jobs.js';
import { sendReminder } from '../src/modules/reminders/sending.js';
import { systemActor } from '../src/platform/access.js';
import { enqueueJob } from '../src/platform/jobs.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type AssistantPractice, assistantPractice } from './assistant-fixtures.js';
import { type Client, type TestApp, loggedIn } from './harness.js';
import {
  book,
  remindNow,
  reminderSeen,
  remindersOf,
  runJobs,
  useReminderSettings,
  workdays,
} from './reminders-fixtures.js';
import { mu } from './scheduling-fixtures.js';
import { type SmtpCatcher, startSmtpCatcher } from './smtp-catcher.js';
import { createWhatsAppTestApp, startFakeGraph, workers } from './whatsapp-fixtures.js';
import { metaErrorBody, metaReports, newWaId, patientWrites } from './whatsapp-helpers.js';

/**
 * Meta's 131026 (not on WhatsApp): the number is marked, the practice's later messages to it are
 * not attempted but recorded with that reason, and a message from the number clears the mark. With
 * Settings → Reminders → By email on, such a reminder (or one for a patient without a WhatsApp
 * number) goes by email instead, once, in the patient's language, through a real SMTP server.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let practice: AssistantPractice;
let days: string[];
let smtp: SmtpCatcher;
let owner: Client;

beforeAll(async () => {
  graph = await startFakeGraph();
  smtp = await startSmtpCatcher();
  t = await createWhatsAppTestApp(graph.url, { smtpUrl: smtp.url });
  practice = await assistantPractice(t);
  owner = await loggedIn(t.app, practice.owner);
  days = await workdays(t, practice.practiceId, 20);
  // One rule: the day before, so each booking makes one reminder.
  await useReminderSettings(t, practice.practiceId, {
    rules: [{ offsetMinutes: 1440, appointmentTypeIds: null, minLeadMinutes: 0 }],
  });
  await runJobs(t);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
  await smtp?.close();
});
beforeEach(() => {
  (graph.fake as unknown as { script: unknown[] }).script.length = 0;
});

let dayIndex = 0;
const freshDay = () => days[dayIndex++]!;

async function patient(opts: { email?: string; language?: 'en' | 'fr'; whatsapp?: boolean } = {}) {
  const waId = newWaId();
  const created = await createPatient(t.ctx, {
    actor: systemActor('test'),
    practiceId: practice.practiceId,
    patient: {
      givenName: 'Priya',
      familyName: 'Test',
      preferredLanguage: opts.language ?? 'en',
      email: opts.email ?? '',
      phones: [{ number: `+${waId}`, label: 'mobile', isWhatsApp: opts.whatsapp ?? true }],
    },
  });
  return { id: created.id, waId };
}

const notOnWhatsApp = async (waId: string) =>
  (
    await t.db
      .selectFrom('whatsappConversations')
      .select('notOnWhatsappAt')
      .where('practiceId', '=', practice.practiceId)
      .where('waId', '=', waId)
      .executeTakeFirst()
  )?.notOnWhatsappAt ?? null;

describe('not on WhatsApp (131026)', () => {
  it('a send Meta refuses with 131026 marks the number; the next reminder is not attempted and says why; the patient writing clears it', async () => {
    const p = await patient();
    const first = await book(t, practice, p.id, mu(freshDay(), '09:00'));
    graph.fake.answerNext({ status: 400, body: metaErrorBody(131026, 'Message undeliverable') });
    expect(await remindNow(t, graph)).toEqual([]);
    expect(await notOnWhatsApp(p.waId)).toBeInstanceOf(Date);
    expect((await remindersOf(t, practice.practiceId, first.id)).map((r) => r.state)).toEqual(['sent']);

    const second = await book(t, practice, p.id, mu(freshDay(), '10:00'));
    const calls = graph.fake.sent.length;
    expect(await remindNow(t, graph)).toEqual([]);
    // Not attempted at Meta at all, and the reason is on the reminder.
    expect(graph.fake.sent.length).toBe(calls);
    expect((await remindersOf(t, practice.practiceId, second.id)).map((r) => [r.state, r.reason])).toEqual([
      ['skipped', 'not_on_whatsapp'],
    ]);

    // They write after all: on WhatsApp, and the next reminder goes.
    await patientWrites(t, { phoneNumberId: practice.phoneNumberId, from: p.waId });
    await workers(t).processWebhooks();
    expect(await notOnWhatsApp(p.waId)).toBeNull();
    const third = await book(t, practice, p.id, mu(freshDay(), '11:00'));
    const sent = (await remindNow(t, graph)).filter((m) => m.to === p.waId).map(reminderSeen);
    expect(sent).toHaveLength(1);
    expect((await remindersOf(t, practice.practiceId, third.id)).map((r) => r.state)).toEqual(['sent']);
  });

  it('a failed status webhook with 131026 marks the number too; other failures do not', async () => {
    const p = await patient();
    const q = await patient();
    await book(t, practice, p.id, mu(freshDay(), '09:30'));
    await book(t, practice, q.id, mu(freshDay(), '09:30'));
    const sent = (await remindNow(t, graph)).map(reminderSeen);
    const toP = sent.find((s) => s.to === p.waId)!;
    const toQ = sent.find((s) => s.to === q.waId)!;
    await metaReports(t, {
      phoneNumberId: practice.phoneNumberId,
      wamid: toP.wamid,
      status: 'failed',
      errors: [{ code: 131026, title: 'Message undeliverable' }],
    });
    await metaReports(t, {
      phoneNumberId: practice.phoneNumberId,
      wamid: toQ.wamid,
      status: 'failed',
      errors: [{ code: 131000, title: 'Something went wrong' }],
    });
    await workers(t).processWebhooks();
    expect(await notOnWhatsApp(p.waId)).toBeInstanceOf(Date);
    expect(await notOnWhatsApp(q.waId)).toBeNull();
  });
});

const settingsPath = () => `/api/v1/practices/${practice.practiceId}/reminders/email-settings`;

async function emailFallback(enabled: boolean) {
  const res = await owner.request('PUT', settingsPath(), { enabled });
  expect(res.statusCode, res.body).toBe(200);
}

/** The calendar's reminder marks of an appointment, as staff read them. */
async function marks(appointmentId: string) {
  const res = await owner.get(`/api/v1/practices/${practice.practiceId}/reminders/appointments?ids=${appointmentId}`);
  expect(res.statusCode, res.body).toBe(200);
  return (
    res.json() as { items: { reminders: { state: string; reason: string | null; channel: string }[] }[] }
  ).items[0]!.reminders.map((r) => [r.state, r.channel, r.reason]);
}

/** The bell's "reminder not delivered" notifications about an appointment, as the owner reads them. */
async function undeliveredNotices(appointmentId: string) {
  const res = await owner.get(`/api/v1/practices/${practice.practiceId}/notifications?limit=100`);
  expect(res.statusCode, res.body).toBe(200);
  return (
    res.json() as { items: { kind: string; appointment: { id: string } | null; failureReason: string | null }[] }
  ).items
    .filter((n) => n.kind === 'reminder_failed' && n.appointment?.id === appointmentId)
    .map((n) => [n.kind, n.failureReason]);
}

let mailCounter = 0;
const newEmail = () => `patient-${process.pid}-${mailCounter++}@example.mu`;

describe('reminders by email when WhatsApp cannot carry them', () => {
  it('is off by default; the owner turns it on; a receptionist cannot', async () => {
    const res = await owner.get(settingsPath());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ enabled: false, updatedAt: null });
    const desk = await loggedIn(t.app, practice.receptionist);
    expect((await desk.get(settingsPath())).statusCode).toBe(200);
    expect((await desk.request('PUT', settingsPath(), { enabled: true })).statusCode).toBe(403);
    expect((await owner.request('PUT', settingsPath(), { enabled: 'yes' })).statusCode).toBe(400);
  });

  it('off: a patient without a WhatsApp number gets no email, and the reminder says why', async () => {
    await emailFallback(false);
    const email = newEmail();
    const p = await patient({ email, whatsapp: false });
    const a = await book(t, practice, p.id, mu(freshDay(), '09:00'));
    await remindNow(t, graph);
    await runJobs(t);
    expect(smtp.to(email)).toEqual([]);
    expect(await marks(a.id)).toEqual([['skipped', 'whatsapp', 'no_whatsapp_number']]);
  });

  it('on: a patient without a WhatsApp number gets exactly one email in their language, even when the job runs again', async () => {
    await emailFallback(true);
    const email = newEmail();
    const p = await patient({ email, whatsapp: false, language: 'fr' });
    const a = await book(t, practice, p.id, mu(freshDay(), '14:30'));
    await remindNow(t, graph);
    await runJobs(t);
    const mails = smtp.to(email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/^Rappel : votre rendez-vous chez .+ à 14:30$/);
    expect(mails[0]!.text).toContain('Bonjour Priya,');
    expect(mails[0]!.text).toContain('Heure : 14:30');
    expect(mails[0]!.text).toContain('Adresse : 12 Royal Road, Rose-Hill');
    expect(mails[0]!.text).toContain('+230 4641234');
    expect(await marks(a.id)).toEqual([['sent', 'email', null]]);

    // The send job run again as if its first run's end were lost, and the email job queued again: nothing more goes.
    const [row] = await remindersOf(t, practice.practiceId, a.id);
    await sql`UPDATE appointment_reminders SET state = 'planned', channel = 'whatsapp' WHERE id = ${row!.id}`.execute(
      t.db,
    );
    const job = {
      practiceId: practice.practiceId,
      appointmentId: a.id,
      offsetMinutes: 1440,
      start: row!.appointmentStart.toISOString(),
    };
    expect(await sendReminder(t.ctx, job, new Date())).toBe('emailed');
    await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      enqueueJob(tx, EMAIL_JOB, { practiceId: practice.practiceId, reminderId: row!.id }),
    );
    await runJobs(t);
    expect(smtp.to(email)).toHaveLength(1);
  });

  it('on: the reminder WhatsApp refuses as not on WhatsApp goes by email, and the next one by email without trying WhatsApp', async () => {
    await emailFallback(true);
    const email = newEmail();
    const p = await patient({ email, language: 'en' });
    const first = await book(t, practice, p.id, mu(freshDay(), '09:00'));
    graph.fake.answerNext({ status: 400, body: metaErrorBody(131026, 'Message undeliverable') });
    await remindNow(t, graph);
    expect(await marks(first.id)).toEqual([['failed', 'whatsapp', 'not_on_whatsapp']]);
    // The refusal's listener: the reminder goes by email instead, so the desk has nothing to do and no bell rings.
    await runJobs(t);
    expect(await marks(first.id)).toEqual([['sent', 'email', null]]);
    expect(await undeliveredNotices(first.id)).toEqual([]);
    expect(smtp.to(email).map((m) => m.subject)).toEqual([expect.stringMatching(/ at 09:00$/)]);

    const second = await book(t, practice, p.id, mu(freshDay(), '10:15'));
    const calls = graph.fake.sent.length;
    await remindNow(t, graph);
    await runJobs(t);
    expect(graph.fake.sent.length).toBe(calls);
    const mails = smtp.to(email);
    expect(mails).toHaveLength(2);
    expect(mails[1]!.subject).toMatch(/^Reminder: your appointment at .+ at 10:15$/);
    expect(mails[1]!.text).toContain('Hello Priya,');
    expect(mails[1]!.text).toContain('Time: 10:15');
    expect(mails[1]!.text).toMatch(/With: .+/);
    expect(await marks(second.id)).toEqual([['sent', 'email', null]]);
    // The listener run again (a retried job): no second email.
    const [row] = await remindersOf(t, practice.practiceId, first.id);
    const { settleFailedReminderMessage } = await import('../src/modules/reminders/reminder-emails.js');
    expect(
      await settleFailedReminderMessage(
        t.ctx,
        { practiceId: practice.practiceId, messageId: row!.messageId!, reason: 'not_on_whatsapp' },
        new Date(),
      ),
    ).toBe(0);
    await runJobs(t);
    expect(smtp.to(email)).toHaveLength(2);
    expect(await undeliveredNotices(first.id)).toEqual([]);
  });

  it('on, but the patient has no email address: WhatsApp refused it and nothing else can carry it, so the desk is told', async () => {
    await emailFallback(true);
    const p = await patient({ email: '' });
    const a = await book(t, practice, p.id, mu(freshDay(), '09:45'));
    graph.fake.answerNext({ status: 400, body: metaErrorBody(131026, 'Message undeliverable') });
    await remindNow(t, graph);
    await runJobs(t);
    expect(await marks(a.id)).toEqual([['failed', 'whatsapp', 'not_on_whatsapp']]);
    expect(await undeliveredNotices(a.id)).toEqual([['reminder_failed', 'not_on_whatsapp']]);
  });

  it('on, and the email then fails for good (550): the patient was reached by no route after all, and the desk is told once', async () => {
    await emailFallback(true);
    const email = newEmail();
    const p = await patient({ email });
    const a = await book(t, practice, p.id, mu(freshDay(), '16:00'));
    graph.fake.answerNext({ status: 400, body: metaErrorBody(131026, 'Message undeliverable') });
    smtp.refuseMail = true;
    try {
      await remindNow(t, graph);
      await runJobs(t);
    } finally {
      smtp.refuseMail = false;
    }
    expect(smtp.to(email)).toEqual([]);
    expect(await marks(a.id)).toEqual([['failed', 'email', 'mail_refused']]);
    expect(await undeliveredNotices(a.id)).toEqual([['reminder_failed', 'not_on_whatsapp']]);
    // The email job run again (a retry) changes nothing: still one notification.
    const [row] = await remindersOf(t, practice.practiceId, a.id);
    await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      enqueueJob(tx, EMAIL_JOB, { practiceId: practice.practiceId, reminderId: row!.id }),
    );
    await runJobs(t);
    expect(await undeliveredNotices(a.id)).toEqual([['reminder_failed', 'not_on_whatsapp']]);
  });

  it('off: the reminder WhatsApp refuses as not on WhatsApp is the desk’s to phone, and no email goes', async () => {
    await emailFallback(false);
    const email = newEmail();
    const p = await patient({ email });
    const a = await book(t, practice, p.id, mu(freshDay(), '11:15'));
    graph.fake.answerNext({ status: 400, body: metaErrorBody(131026, 'Message undeliverable') });
    await remindNow(t, graph);
    await runJobs(t);
    expect(smtp.to(email)).toEqual([]);
    expect(await marks(a.id)).toEqual([['failed', 'whatsapp', 'not_on_whatsapp']]);
    expect(await undeliveredNotices(a.id)).toEqual([['reminder_failed', 'not_on_whatsapp']]);
  });

  it('on, but the patient refused appointment emails: nothing is sent', async () => {
    await emailFallback(true);
    const email = newEmail();
    const p = await patient({ email, whatsapp: false });
    await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      recordConsentIn(tx, {
        practiceId: practice.practiceId,
        changes: [
          {
            patientId: p.id,
            channel: 'email',
            purpose: 'appointments',
            granted: false,
            source: 'staff',
            actorUserId: null,
            wording: 'No emails, please.',
            language: 'en',
            at: new Date(),
          },
        ],
      }),
    );
    const a = await book(t, practice, p.id, mu(freshDay(), '11:00'));
    await remindNow(t, graph);
    await runJobs(t);
    expect(smtp.to(email)).toEqual([]);
    expect(await marks(a.id)).toEqual([['skipped', 'whatsapp', 'no_whatsapp_number']]);
  });

  it('consent withdrawn after the email was queued: the email job finds it and sends nothing', async () => {
    await emailFallback(true);
    const email = newEmail();
    const p = await patient({ email, whatsapp: false });
    const a = await book(t, practice, p.id, mu(freshDay(), '13:30'));
    // The reminder's own job, alone: the email is queued, not sent yet.
    const [row] = await remindersOf(t, practice.practiceId, a.id);
    const job = {
      practiceId: practice.practiceId,
      appointmentId: a.id,
      offsetMinutes: 1440,
      start: row!.appointmentStart.toISOString(),
    };
    expect(await sendReminder(t.ctx, job, new Date())).toBe('emailed');
    await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      recordConsentIn(tx, {
        practiceId: practice.practiceId,
        changes: [
          {
            patientId: p.id,
            channel: 'email',
            purpose: 'appointments',
            granted: false,
            source: 'staff',
            actorUserId: null,
            wording: 'No emails, please.',
            language: 'en',
            at: new Date(),
          },
        ],
      }),
    );
    await sql`UPDATE jobs SET run_at = now() WHERE name = 'reminders.send_email' AND state = 'pending'`.execute(t.db);
    await runJobs(t);
    expect(smtp.to(email)).toEqual([]);
    expect(await marks(a.id)).toEqual([['failed', 'email', 'email_no_consent']]);
  });

  it('a mail server that refuses the message (550): failed with the reason, never sent twice', async () => {
    await emailFallback(true);
    const email = newEmail();
    const p = await patient({ email, whatsapp: false });
    const a = await book(t, practice, p.id, mu(freshDay(), '15:00'));
    smtp.refuseMail = true;
    try {
      await remindNow(t, graph);
      await runJobs(t);
    } finally {
      smtp.refuseMail = false;
    }
    const [row] = await remindersOf(t, practice.practiceId, a.id);
    await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      enqueueJob(tx, EMAIL_JOB, { practiceId: practice.practiceId, reminderId: row!.id }),
    );
    await runJobs(t);
    expect(smtp.to(email)).toEqual([]);
    expect(await marks(a.id)).toEqual([['failed', 'email', 'mail_refused']]);
  });
});
