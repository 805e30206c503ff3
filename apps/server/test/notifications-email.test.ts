import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTIFICATION_EMAIL_JOB } from '../src/modules/notifications/notification-emails.js';
import { createPatient } from '../src/modules/patients/patients.service.js';
import { systemActor } from '../src/platform/access.js';
import { enqueueJob } from '../src/platform/jobs.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type AssistantPractice, assistantPractice } from './assistant-fixtures.js';
import { type Client, type TestApp, loggedIn } from './harness.js';
import { book, remindNow, runJobs, useReminderSettings, workdays } from './reminders-fixtures.js';
import { mu } from './scheduling-fixtures.js';
import { type SmtpCatcher, startSmtpCatcher } from './smtp-catcher.js';
import { createWhatsAppTestApp, startFakeGraph } from './whatsapp-fixtures.js';
import { metaErrorBody, newWaId } from './whatsapp-helpers.js';

/**
 * Staff notifications by email: each member's own "Also email me" (per practice), one email per
 * notification and member, through a real SMTP server, in the member's language and without the
 * patient's name; none for the members who left it off, none after it is turned off.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let smtp: SmtpCatcher;
let practice: AssistantPractice;
let days: string[];
let owner: Client;
let desk: Client;

beforeAll(async () => {
  graph = await startFakeGraph();
  smtp = await startSmtpCatcher();
  t = await createWhatsAppTestApp(graph.url, { smtpUrl: smtp.url });
  practice = await assistantPractice(t);
  days = await workdays(t, practice.practiceId, 6);
  owner = await loggedIn(t.app, practice.owner);
  desk = await loggedIn(t.app, practice.receptionist);
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

let dayIndex = 0;
const choicePath = () => `/api/v1/practices/${practice.practiceId}/notifications/email-choice`;

/** A reminder WhatsApp refuses (the desk's reminder_failed notification, for owners and receptionists). */
async function failedReminder(time: string) {
  const waId = newWaId();
  const created = await createPatient(t.ctx, {
    actor: systemActor('test'),
    practiceId: practice.practiceId,
    patient: {
      givenName: 'Zarina',
      familyName: 'Secretname',
      phones: [{ number: `+${waId}`, label: 'mobile', isWhatsApp: true }],
    },
  });
  await book(t, practice, created.id, mu(days[dayIndex++]!, time));
  graph.fake.answerNext({ status: 400, body: metaErrorBody(131026, 'Message undeliverable') });
  await remindNow(t, graph);
  await runJobs(t);
}

describe('notifications by email', () => {
  it('each member chooses for themselves: off by default, on for the owner only', async () => {
    expect((await owner.get(choicePath())).json()).toEqual({ enabled: false, updatedAt: null });
    const on = await owner.request('PUT', choicePath(), { enabled: true });
    expect(on.statusCode, on.body).toBe(200);
    expect(on.json()).toMatchObject({ enabled: true });
    // The desk's own choice is still off.
    expect((await desk.get(choicePath())).json()).toMatchObject({ enabled: false });
    expect((await owner.request('PUT', choicePath(), { enabled: 1 })).statusCode).toBe(400);
  });

  it('a notification is emailed once to the member who asked, in their language, without the patient’s name', async () => {
    await sql`UPDATE users SET language = 'fr' WHERE id = ${practice.owner.id}`.execute(t.db);
    await failedReminder('09:00');
    const toOwner = smtp.to(practice.owner.email);
    expect(toOwner).toHaveLength(1);
    expect(toOwner[0]!.subject).toMatch(/Un rappel n'a pas pu être remis$/);
    expect(toOwner[0]!.text).toContain("n'a pas pu être remis : appelez le patient.");
    expect(toOwner[0]!.text).not.toMatch(/Zarina|Secretname/);
    expect(smtp.to(practice.receptionist.email)).toEqual([]);

    // The job run again (a retry, a second worker): nothing more goes.
    const [n] = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx.selectFrom('notificationEmails').select('notificationId').execute(),
    );
    await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      enqueueJob(tx, NOTIFICATION_EMAIL_JOB, { practiceId: practice.practiceId, notificationId: n!.notificationId }),
    );
    await runJobs(t);
    expect(smtp.to(practice.owner.email)).toHaveLength(1);
  });

  it('the desk turns it on and gets the next one in English; the owner turned it off and gets none', async () => {
    expect((await desk.request('PUT', choicePath(), { enabled: true })).statusCode).toBe(200);
    expect((await owner.request('PUT', choicePath(), { enabled: false })).statusCode).toBe(200);
    await failedReminder('10:30');
    const toDesk = smtp.to(practice.receptionist.email);
    expect(toDesk).toHaveLength(1);
    expect(toDesk[0]!.subject).toMatch(/A reminder could not be delivered$/);
    expect(toDesk[0]!.text).toMatch(/Open DentalPro to see it: http/);
    expect(smtp.to(practice.owner.email)).toHaveLength(1);
  });
});
