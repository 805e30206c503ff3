import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mergePatient } from '../src/modules/patients/merge.service.js';
import { getPatient, updatePatient } from '../src/modules/patients/patients.service.js';
import { replanPractice } from '../src/modules/reminders/planning.js';
import { remindersDataOwner } from '../src/modules/reminders/reminders.data-owner.js';
import { sendReminder } from '../src/modules/reminders/sending.js';
import { cancelAppointment, moveAppointment } from '../src/modules/scheduling/appointments.service.js';
import { systemActor } from '../src/platform/access.js';
import { sealedStoresOf } from '../src/platform/data-owners.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type AssistantPractice, assistantPractice, patientPhone, patientsOnNumber } from './assistant-fixtures.js';
import { type Client, type TestApp, loggedIn } from './harness.js';
import {
  book,
  remindNow,
  reminderSeen,
  remindersOf,
  runJobs,
  sendJobsOf,
  useReminderSettings,
  workdays,
} from './reminders-fixtures.js';
import { mu } from './scheduling-fixtures.js';
import { createWhatsAppTestApp, startFakeGraph } from './whatsapp-fixtures.js';
import { metaErrorBody, metaReports, newWaId } from './whatsapp-helpers.js';

/**
 * Reminders planned from the calendar's announcements and sent through the WhatsApp outbox: one
 * per appointment and rule, moved with the appointment, none for a cancelled one or one booked too
 * late, held back by quiet hours, one message for a family's day, nothing after an opt-out, each
 * sent exactly once through Meta's failures and the sweep's repairs.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let practice: AssistantPractice;
let days: string[];
let owner: Client;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  practice = await assistantPractice(t);
  days = await workdays(t, practice.practiceId, 25);
  owner = await loggedIn(t.app, practice.owner);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});
beforeEach(async () => {
  await useReminderSettings(t, practice.practiceId);
  await runJobs(t);
  (graph.fake as unknown as { script: unknown[] }).script.length = 0;
});

let dayIndex = 0;
/** A working day no other test of this file books on (family merging looks at the whole day). */
const freshDay = () => days[dayIndex++]!;

async function patient(name = 'Aisha', language: 'en' | 'fr' | 'mfe' = 'en') {
  const waId = newWaId();
  const [id] = await patientsOnNumber(t, practice.practiceId, `+${waId}`, [
    { givenName: name, familyName: 'Test', preferredLanguage: language },
  ]);
  return { id: id!, waId };
}

describe('planning', () => {
  it('a booking plans the day-before and the 2-hour reminder, as jobs keyed by appointment and rule due at start − offset', async () => {
    const p = await patient();
    const day = freshDay();
    const a = await book(t, practice, p.id, mu(day, '09:00'));
    const rows = await remindersOf(t, practice.practiceId, a.id);
    expect(rows.map((r) => [r.offsetMinutes, r.state, r.dueAt.toISOString()])).toEqual([
      [1440, 'planned', new Date(mu(day, '09:00').getTime() - 86_400_000).toISOString()],
      [120, 'planned', mu(day, '07:00').toISOString()],
    ]);
    const jobs = await sendJobsOf(t, a.id);
    expect(jobs.map((j) => [j.key, j.runAt.toISOString()])).toEqual([
      [`reminders.send:${a.id}:1440`, rows[0]!.dueAt.toISOString()],
      [`reminders.send:${a.id}:120`, rows[1]!.dueAt.toISOString()],
    ]);

    const sent = (await remindNow(t, graph)).filter((m) => m.to === p.waId).map(reminderSeen);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.values).toMatchObject({ patient_name: 'Aisha', time: '09:00' });
    expect(sent[0]!.payloads).toHaveLength(3);
    expect(sent[0]!.payloads.every((payload) => payload.startsWith('rm1.'))).toBe(true);
    expect((await remindersOf(t, practice.practiceId, a.id)).map((r) => r.state)).toEqual(['sent', 'sent']);
    // Run again (a job retried after a crash, the sweep): nothing more goes.
    await replanPractice(t.ctx, { practiceId: practice.practiceId, now: new Date() });
    expect(await remindNow(t, graph)).toEqual([]);
  });

  it('a move plans again: the old start never fires, the new one does, once', async () => {
    const p = await patient();
    const [day1, day2] = [freshDay(), freshDay()];
    const a = await book(t, practice, p.id, mu(day1, '10:00'));
    await moveAppointment(t.ctx, {
      actor: systemActor('reception'),
      practiceId: practice.practiceId,
      appointmentId: a.id,
      move: { start: mu(day2, '11:00') },
    });
    await runJobs(t);
    const rows = await remindersOf(t, practice.practiceId, a.id);
    expect(rows.map((r) => [r.appointmentStart.toISOString(), r.offsetMinutes, r.state, r.reason])).toEqual([
      [mu(day1, '10:00').toISOString(), 1440, 'skipped', 'moved'],
      [mu(day1, '10:00').toISOString(), 120, 'skipped', 'moved'],
      [mu(day2, '11:00').toISOString(), 1440, 'planned', null],
      [mu(day2, '11:00').toISOString(), 120, 'planned', null],
    ]);
    const jobs = await sendJobsOf(t, a.id);
    expect(jobs).toHaveLength(2);
    expect(jobs.every((j) => j.payload.start === mu(day2, '11:00').toISOString())).toBe(true);
    const sent = (await remindNow(t, graph)).filter((m) => m.to === p.waId).map(reminderSeen);
    expect(sent.map((s) => s.values.time)).toEqual(['11:00', '11:00']);
  });

  it('a job for the old start that runs anyway (it was running during the move) sends nothing', async () => {
    const p = await patient();
    const [day1, day2] = [freshDay(), freshDay()];
    const a = await book(t, practice, p.id, mu(day1, '10:00'));
    await moveAppointment(t.ctx, {
      actor: systemActor('reception'),
      practiceId: practice.practiceId,
      appointmentId: a.id,
      move: { start: mu(day2, '10:00') },
    });
    await runJobs(t);
    const outcome = await sendReminder(
      t.ctx,
      {
        practiceId: practice.practiceId,
        appointmentId: a.id,
        offsetMinutes: 120,
        start: mu(day1, '10:00').toISOString(),
      },
      new Date(),
    );
    expect(outcome).toBe('nothing');
    expect(graph.fake.sent.filter((m) => m.to === p.waId)).toEqual([]);
  });

  it('a cancelled appointment gets none; its jobs are gone and its reminders say why', async () => {
    const p = await patient();
    const a = await book(t, practice, p.id, mu(freshDay(), '09:30'));
    await cancelAppointment(t.ctx, {
      actor: systemActor('reception'),
      practiceId: practice.practiceId,
      appointmentId: a.id,
      reason: 'patient called',
    });
    await runJobs(t);
    expect(await sendJobsOf(t, a.id)).toEqual([]);
    expect((await remindersOf(t, practice.practiceId, a.id)).map((r) => [r.state, r.reason])).toEqual([
      ['skipped', 'cancelled'],
      ['skipped', 'cancelled'],
    ]);
    expect((await remindNow(t, graph)).filter((m) => m.to === p.waId)).toEqual([]);
  });

  it('a visit booked less than the rule’s lead time ahead gets no such reminder', async () => {
    await useReminderSettings(t, practice.practiceId, {
      rules: [
        { offsetMinutes: 1440, appointmentTypeIds: null, minLeadMinutes: 40 * 1440 },
        { offsetMinutes: 120, appointmentTypeIds: null, minLeadMinutes: 0 },
      ],
    });
    const p = await patient();
    const a = await book(t, practice, p.id, mu(freshDay(), '14:00'));
    expect((await remindersOf(t, practice.practiceId, a.id)).map((r) => [r.offsetMinutes, r.state, r.reason])).toEqual([
      [1440, 'skipped', 'lead_time'],
      [120, 'planned', null],
    ]);
    expect((await sendJobsOf(t, a.id)).map((j) => j.payload.offsetMinutes)).toEqual([120]);
  });
});

describe('sending', () => {
  it('inside quiet hours a reminder waits for their end while the visit is still ahead, else it is skipped with the reason', async () => {
    await useReminderSettings(t, practice.practiceId, { quietHours: { start: '20:00', end: '08:00' } });
    const p = await patient();
    const day = freshDay();
    const later = await book(t, practice, p.id, mu(day, '09:00'));
    const early = await book(t, practice, p.id, mu(day, '08:00'), { providerId: practice.dentist.id });
    const job = (id: string, at: string) => ({
      practiceId: practice.practiceId,
      appointmentId: id,
      offsetMinutes: 120,
      start: mu(day, at).toISOString(),
    });
    // 07:00, the 2-hour reminder of a 09:00 visit: it waits until 08:00.
    expect(await sendReminder(t.ctx, job(later.id, '09:00'), mu(day, '07:00'))).toBe('deferred');
    const deferred = (await remindersOf(t, practice.practiceId, later.id)).find((r) => r.offsetMinutes === 120)!;
    expect([deferred.state, deferred.dueAt.toISOString()]).toEqual(['planned', mu(day, '08:00').toISOString()]);
    const [, job120] = await sendJobsOf(t, later.id);
    expect(job120!.runAt.toISOString()).toBe(mu(day, '08:00').toISOString());
    // 06:00, the 2-hour reminder of an 08:00 visit: the quiet hours last until the visit.
    expect(await sendReminder(t.ctx, job(early.id, '08:00'), mu(day, '06:00'))).toBe('skipped');
    const skipped = (await remindersOf(t, practice.practiceId, early.id)).find((r) => r.offsetMinutes === 120)!;
    expect([skipped.state, skipped.reason]).toEqual(['skipped', 'quiet_hours']);
    // At 08:00 the deferred one goes.
    expect(await sendReminder(t.ctx, job(later.id, '09:00'), mu(day, '08:00'))).toBe('sent');
  });

  it('a family on one number, the same day: one message names each, for each rule', async () => {
    const waId = newWaId();
    const [mum, son, girl] = await patientsOnNumber(t, practice.practiceId, `+${waId}`, [
      { givenName: 'Priya', familyName: 'Doorgah' },
      { givenName: 'Arjun', familyName: 'Doorgah' },
      { givenName: 'Maya', familyName: 'Doorgah' },
    ]);
    const day = freshDay();
    const a = await book(t, practice, mum!, mu(day, '09:00'));
    const b = await book(t, practice, son!, mu(day, '09:00'), { providerId: practice.dentist.id });
    const c = await book(t, practice, girl!, mu(day, '10:00'));
    const sent = (await remindNow(t, graph)).filter((m) => m.to === waId).map(reminderSeen);
    expect(sent).toHaveLength(2);
    for (const s of sent) {
      expect(s.values.patient_name).toBe('Priya, Arjun and Maya');
      expect(s.values.time).toBe('09:00 (Priya), 09:00 (Arjun) and 10:00 (Maya)');
    }
    const rows = [
      ...(await remindersOf(t, practice.practiceId, a.id)),
      ...(await remindersOf(t, practice.practiceId, b.id)),
      ...(await remindersOf(t, practice.practiceId, c.id)),
    ];
    expect(rows.every((r) => r.state === 'sent')).toBe(true);
    expect(new Set(rows.map((r) => r.messageId)).size).toBe(2);
    expect(rows.find((r) => r.appointmentId === c.id)!.sharedWith.sort()).toEqual([a.id, b.id].sort());
  });

  it('two workers running a family’s reminders at once: the database lets one message through, naming both', async () => {
    const waId = newWaId();
    const [dad, girl] = await patientsOnNumber(t, practice.practiceId, `+${waId}`, [
      { givenName: 'Kevin', familyName: 'Ah-Kee' },
      { givenName: 'Zoe', familyName: 'Ah-Kee' },
    ]);
    const day = freshDay();
    const a = await book(t, practice, dad!, mu(day, '13:00'));
    const b = await book(t, practice, girl!, mu(day, '13:00'), { providerId: practice.dentist.id });
    const job = (id: string) => ({
      practiceId: practice.practiceId,
      appointmentId: id,
      offsetMinutes: 120,
      start: mu(day, '13:00').toISOString(),
    });
    const outcomes = await Promise.all([
      sendReminder(t.ctx, job(a.id), new Date()),
      sendReminder(t.ctx, job(b.id), new Date()),
    ]);
    expect(outcomes.sort()).toEqual(['nothing', 'sent']);
    const queued = await t.db
      .selectFrom('whatsappMessages')
      .innerJoin('whatsappConversations', 'whatsappConversations.id', 'whatsappMessages.conversationId')
      .select('whatsappMessages.id')
      .where('whatsappConversations.waId', '=', waId)
      .execute();
    expect(queued).toHaveLength(1);
    const rows = [
      ...(await remindersOf(t, practice.practiceId, a.id)),
      ...(await remindersOf(t, practice.practiceId, b.id)),
    ].filter((r) => r.offsetMinutes === 120);
    expect(rows.map((r) => [r.state, r.messageId])).toEqual([
      ['sent', queued[0]!.id],
      ['sent', queued[0]!.id],
    ]);
  });

  it('consent withdrawn after planning (STOP): nothing is sent, and the reminder says why', async () => {
    const p = await patient();
    const a = await book(t, practice, p.id, mu(freshDay(), '15:00'));
    const phone = patientPhone(t, graph, practice, { waId: p.waId });
    await phone.says('STOP');
    const sent = (await remindNow(t, graph)).filter((m) => m.to === p.waId);
    expect(sent).toEqual([]);
    expect((await remindersOf(t, practice.practiceId, a.id)).map((r) => [r.state, r.reason])).toEqual([
      ['skipped', 'opted_out'],
      ['skipped', 'opted_out'],
    ]);
  });

  it('Meta failing with 500 and 429 for a while: every reminder reaches it exactly once when it recovers', async () => {
    const people = [await patient('Ravi'), await patient('Hélène', 'fr'), await patient('Leela', 'mfe')];
    const day = freshDay();
    const times = ['09:00', '10:00', '11:00'];
    for (const [i, p] of people.entries()) await book(t, practice, p.id, mu(day, times[i]!));
    graph.fake.answerNext(
      { status: 500, body: { error: { message: 'Service temporarily unavailable', code: 131000 } } },
      { status: 500, body: { error: { message: 'Service temporarily unavailable', code: 131000 } } },
      { status: 429, body: metaErrorBody(130429, 'Rate limit hit') },
      { status: 429, body: metaErrorBody(130429, 'Rate limit hit') },
      { status: 500, body: { error: { message: 'Service temporarily unavailable', code: 131000 } } },
      { status: 429, body: metaErrorBody(130429, 'Rate limit hit') },
    );
    const sent = (await remindNow(t, graph)).map(reminderSeen);
    for (const p of people) expect(sent.filter((s) => s.to === p.waId)).toHaveLength(2);
    // French for Hélène; Creole reads the French template.
    expect(sent.filter((s) => s.to === people[1]!.waId).map((s) => s.language)).toEqual(['fr', 'fr']);
    expect(sent.filter((s) => s.to === people[2]!.waId)[0]!.values.date).toMatch(/^[a-z]+ \d+ [a-zé]+$/);
    expect(await t.db.selectFrom('jobs').select('id').where('name', '=', 'reminders.send').execute()).toEqual([]);
    // Every job runs again (a worker that died after its commit): nothing more reaches Meta.
    for (const p of people) {
      for (const r of await t.db
        .selectFrom('appointments')
        .select(['id', 'startsAt'])
        .where('patientId', '=', p.id)
        .execute())
        for (const offsetMinutes of [1440, 120])
          expect(
            await sendReminder(
              t.ctx,
              { practiceId: practice.practiceId, appointmentId: r.id, offsetMinutes, start: r.startsAt.toISOString() },
              new Date(),
            ),
          ).toBe('nothing');
    }
    expect(await remindNow(t, graph)).toEqual([]);
  });

  it('the sweep repairs a reminder whose job and row were lost, without ever sending one twice', async () => {
    const p = await patient();
    const start = mu(freshDay(), '16:00');
    const a = await book(t, practice, p.id, start);
    // An outage: the 2-hour reminder's row and both jobs are gone.
    await sql`DELETE FROM jobs WHERE name = 'reminders.send' AND key LIKE ${`%${a.id}%`}`.execute(t.db);
    await sql`DELETE FROM appointment_reminders WHERE appointment_id = ${a.id} AND offset_minutes = 120`.execute(t.db);
    expect(await sendJobsOf(t, a.id)).toEqual([]);
    // The sweep 23 hours before the visit (the day-before reminder is overdue by an hour).
    const sweptAt = new Date(start.getTime() - 23 * 3600_000);
    await replanPractice(t.ctx, { practiceId: practice.practiceId, now: sweptAt });
    expect((await sendJobsOf(t, a.id)).map((j) => j.payload.offsetMinutes).sort()).toEqual([120, 1440]);
    expect((await remindersOf(t, practice.practiceId, a.id)).map((r) => [r.offsetMinutes, r.state])).toEqual([
      [1440, 'planned'],
      [120, 'planned'],
    ]);
    expect((await remindNow(t, graph)).filter((m) => m.to === p.waId)).toHaveLength(2);
    // Swept again: both are sent, nothing is planned or sent again.
    await replanPractice(t.ctx, { practiceId: practice.practiceId, now: sweptAt });
    await replanPractice(t.ctx, { practiceId: practice.practiceId, now: new Date(start.getTime() - 3600_000) });
    expect(await sendJobsOf(t, a.id)).toEqual([]);
    expect(await remindNow(t, graph)).toEqual([]);
  });
});

describe('the patient’s data', () => {
  it('a merge moves the reminders to the survivor; a death leaves nothing planned; export and erasure cover them', async () => {
    const caller = { actor: systemActor('test'), practiceId: practice.practiceId };
    const dup = await patient('Sam');
    const survivor = await patient('Samuel');
    const a = await book(t, practice, dup.id, mu(freshDay(), '09:00'));
    await mergePatient(t.ctx, { ...caller, patientId: dup.id, intoPatientId: survivor.id });
    expect((await remindersOf(t, practice.practiceId, a.id)).map((r) => r.patientId)).toEqual([
      survivor.id,
      survivor.id,
    ]);
    const exported = (await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      remindersDataOwner.exportPatient(tx, {
        practiceId: practice.practiceId,
        patientId: survivor.id,
        stores: sealedStoresOf(t.ctx),
      }),
    )) as { appointmentReminders: { appointmentId: string; state: string }[] };
    expect(exported.appointmentReminders.map((r) => [r.appointmentId, r.state])).toEqual([
      [a.id, 'planned'],
      [a.id, 'planned'],
    ]);

    const current = await getPatient(t.ctx, { ...caller, patientId: survivor.id });
    await updatePatient(t.ctx, {
      ...caller,
      patientId: survivor.id,
      patch: { status: 'deceased' },
      expectedVersion: current.version,
    });
    await runJobs(t);
    const rows = await remindersOf(t, practice.practiceId, a.id);
    expect(rows.every((r) => r.state === 'skipped')).toBe(true);
    expect(await sendJobsOf(t, a.id)).toEqual([]);
    expect((await remindNow(t, graph)).filter((m) => m.to === survivor.waId || m.to === dup.waId)).toEqual([]);

    await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      remindersDataOwner.erasePatient(tx, { ...caller, patientId: survivor.id, stores: sealedStoresOf(t.ctx) }),
    );
    expect(await remindersOf(t, practice.practiceId, a.id)).toEqual([]);
  });
});

describe('the calendar’s reminder marks', () => {
  it('each appointment’s reminders: planned, sent, delivered, read, failed (not on WhatsApp) or skipped with the reason', async () => {
    const p = await patient();
    const q = await patient('Noor');
    const day = freshDay();
    const a = await book(t, practice, p.id, mu(day, '09:00'));
    const b = await book(t, practice, q.id, mu(day, '10:00'));
    const base = `/api/v1/practices/${practice.practiceId}/reminders/appointments`;
    const marks = async () => {
      const res = await owner.get(`${base}?ids=${a.id},${b.id}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as {
        items: { appointmentId: string; reminders: { state: string; reason: string | null }[] }[];
      };
    };
    expect((await marks()).items.map((i) => i.reminders.map((r) => r.state))).toEqual([
      ['planned', 'planned'],
      ['planned', 'planned'],
    ]);
    const sent = (await remindNow(t, graph)).map(reminderSeen);
    const toP = sent.filter((s) => s.to === p.waId);
    const toQ = sent.filter((s) => s.to === q.waId);
    await metaReports(t, { phoneNumberId: practice.phoneNumberId, wamid: toP[0]!.wamid, status: 'delivered' });
    await metaReports(t, { phoneNumberId: practice.phoneNumberId, wamid: toP[1]!.wamid, status: 'read' });
    for (const s of toQ)
      await metaReports(t, {
        phoneNumberId: practice.phoneNumberId,
        wamid: s.wamid,
        status: 'failed',
        errors: [{ code: 131026, title: 'Message undeliverable' }],
      });
    const w = (await import('./whatsapp-fixtures.js')).workers(t);
    await w.processWebhooks();
    const after = await marks();
    expect(after.items[0]!.reminders.map((r) => r.state)).toEqual(['delivered', 'read']);
    expect(after.items[1]!.reminders.map((r) => [r.state, r.reason])).toEqual([
      ['failed', 'not_on_whatsapp'],
      ['failed', 'not_on_whatsapp'],
    ]);

    // The desk hears of each reminder that failed (to phone the patient), and of nothing else.
    await runJobs(t);
    const notes = await owner.get(`/api/v1/practices/${practice.practiceId}/notifications`);
    expect(notes.statusCode, notes.body).toBe(200);
    const failedOnes = (
      notes.json() as {
        items: { kind: string; appointment: { id: string } | null; failureReason: string | null; reason: unknown }[];
      }
    ).items.filter((n) => n.kind === 'reminder_failed');
    expect(failedOnes.map((n) => [n.appointment?.id, n.failureReason, n.reason])).toEqual([
      [b.id, 'not_on_whatsapp', null],
      [b.id, 'not_on_whatsapp', null],
    ]);
  });

  it('a reminder Meta refuses outright is a notification for the desk too', async () => {
    const p = await patient('Vikash');
    const a = await book(t, practice, p.id, mu(freshDay(), '11:30'));
    graph.fake.answerNext(
      { status: 400, body: metaErrorBody(131026, 'Message undeliverable') },
      { status: 400, body: metaErrorBody(131026, 'Message undeliverable') },
    );
    expect(await remindNow(t, graph)).toEqual([]);
    await runJobs(t);
    const res = await owner.get(`/api/v1/practices/${practice.practiceId}/notifications?limit=100`);
    const mine = (
      res.json() as { items: { kind: string; appointment: { id: string } | null; failureReason: string | null }[] }
    ).items.filter((n) => n.appointment?.id === a.id);
    expect(mine.map((n) => [n.kind, n.failureReason])).toEqual([
      ['reminder_failed', 'not_on_whatsapp'],
      ['reminder_failed', 'not_on_whatsapp'],
    ]);
  });

  it('ids are checked: not a list of uuids is refused', async () => {
    const res = await owner.get(`/api/v1/practices/${practice.practiceId}/reminders/appointments?ids=nope`);
    expect(res.statusCode).toBe(400);
  });
});
