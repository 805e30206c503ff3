import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveAssistantSettings } from '../src/modules/assistant/settings.service.js';
import { recordConsentIn } from '../src/modules/consent/consent.service.js';
import { closePractice } from '../src/modules/reminders/closure-announcements.service.js';
import { announceClosure } from '../src/modules/reminders/closure-sending.js';
import { bookAppointment, cancelAppointment } from '../src/modules/scheduling/appointments.service.js';
import { createPatient } from '../src/modules/patients/patients.service.js';
import { systemActor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import {
  type AssistantPractice,
  assistantPractice,
  assistantStateOf,
  conversationOfPhone,
  patientPhone,
  patientsOnNumber,
  textOf,
} from './assistant-fixtures.js';
import { type TestApp, loggedIn } from './harness.js';
import { book, deliverTemplates, runJobs, templateSeen, useReminderSettings, workdays } from './reminders-fixtures.js';
import { mu } from './scheduling-fixtures.js';
import { createWhatsAppTestApp, startFakeGraph, workers } from './whatsapp-fixtures.js';
import { metaReports, newWaId, patientWrites } from './whatsapp-helpers.js';

/**
 * Closing the practice for a day or part of one (issue 13's announcements): the owner's one action
 * blocks the calendar, cancels the booked appointments in the range and tells each patient once on
 * WhatsApp (a family on one number in one message), in their language, with "Choose a new time"
 * (the assistant's booking) and "Call me"; the list shows who was reached, replied, rebooked and who
 * the desk must call. Real services and database; Meta is the fake Graph API.
 */

const ACTOR = systemActor('test');
let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

async function closurePractice() {
  const practice = await assistantPractice(t);
  await useReminderSettings(t, practice.practiceId);
  const [day] = await workdays(t, practice.practiceId, 1);
  return { ...practice, day: day! };
}

/** The outbox sends everything queued; returns the closure templates Meta got. */
const deliver = async () => (await deliverTemplates(t, graph, 'practice_closure')).map(templateSeen);

async function patientOnOwnNumber(
  practice: AssistantPractice,
  givenName: string,
  language: 'en' | 'fr' | 'mfe' = 'en',
) {
  const waId = newWaId();
  const [id] = await patientsOnNumber(t, practice.practiceId, `+${waId}`, [
    { givenName, familyName: 'Closure', preferredLanguage: language },
  ]);
  return { waId, patientId: id! };
}

async function withdrawAppointmentMessages(practice: AssistantPractice, patientId: string) {
  await inPractice(t.ctx.db, practice.practiceId, (tx) =>
    recordConsentIn(tx, {
      practiceId: practice.practiceId,
      changes: [
        {
          patientId,
          channel: 'whatsapp',
          purpose: 'appointments',
          granted: false,
          source: 'staff',
          actorUserId: null,
          wording: 'No WhatsApp messages, please.',
          language: 'en',
          at: new Date(),
        },
      ],
    }),
  );
}

const url = (practice: AssistantPractice, path = '') =>
  `/api/v1/practices/${practice.practiceId}/closure-announcements${path}`;

type Item = {
  itemId: string;
  appointmentId: string;
  patientId: string;
  patientName: string;
  status: string;
  callReason: string | null;
  failureReason: string | null;
  reply: string | null;
  rebookedAppointmentId: string | null;
};

async function announcementOf(practice: AssistantPractice, id: string) {
  const owner = await loggedIn(t.app, practice.owner);
  const res = await owner.get(url(practice, `/${id}`));
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: Item[]; counts: Record<string, number>; total: number };
}

describe('closing the practice', () => {
  it('lists, cancels and tells each patient once: a family in one message, in their language; no consent or no WhatsApp: needs a call', async () => {
    const practice = await closurePractice();
    const { day } = practice;
    const aisha = await patientOnOwnNumber(practice, 'Aisha');
    const helene = await patientOnOwnNumber(practice, 'Hélène', 'mfe');
    const familyWaId = newWaId();
    const [mum, son] = await patientsOnNumber(t, practice.practiceId, `+${familyWaId}`, [
      { givenName: 'Priya', familyName: 'Family' },
      { givenName: 'Ravi', familyName: 'Family', dateOfBirth: '2015-03-01' },
    ]);
    const unwilling = await patientOnOwnNumber(practice, 'Marc');
    await withdrawAppointmentMessages(practice, unwilling.patientId);
    const landline = await createPatient(t.ctx, {
      actor: ACTOR,
      practiceId: practice.practiceId,
      patient: {
        givenName: 'Louis',
        familyName: 'Landline',
        phones: [{ number: '+2304641111', label: 'home', isWhatsApp: false }],
      },
    });
    const afternoon = await patientOnOwnNumber(practice, 'Later');
    const gone = await patientOnOwnNumber(practice, 'Gone');

    const visits = {
      aisha: await book(t, practice, aisha.patientId, mu(day, '09:00')),
      helene: await book(t, practice, helene.patientId, mu(day, '09:00'), { providerId: practice.dentist.id }),
      mum: await book(t, practice, mum!, mu(day, '10:00')),
      son: await book(t, practice, son!, mu(day, '10:45')),
      unwilling: await book(t, practice, unwilling.patientId, mu(day, '11:30')),
      landline: await book(t, practice, landline.id, mu(day, '11:00'), { providerId: practice.dentist.id }),
      afternoon: await book(t, practice, afternoon.patientId, mu(day, '15:00')),
      gone: await book(t, practice, gone.patientId, mu(day, '10:00'), { providerId: practice.dentist.id }),
    };
    await cancelAppointment(t.ctx, {
      actor: ACTOR,
      practiceId: practice.practiceId,
      appointmentId: visits.gone.id,
      reason: 'patient asked',
    });

    const owner = await loggedIn(t.app, practice.owner);
    const range = { start: mu(day, '08:00').toISOString(), end: mu(day, '13:00').toISOString(), reason: 'weather' };
    const preview = await owner.post(url(practice, '/preview'), range);
    expect(preview.statusCode, preview.body).toBe(200);
    const previewed = (preview.json() as { appointments: { appointmentId: string; patientName: string }[] })
      .appointments;
    const affectedIds = [visits.aisha, visits.helene, visits.mum, visits.son, visits.unwilling, visits.landline].map(
      (v) => v.id,
    );
    expect(previewed.map((a) => a.appointmentId).sort()).toEqual([...affectedIds].sort());
    expect(previewed.map((a) => a.patientName)).toContain('Aisha Closure');

    const closed = await owner.post(url(practice), range);
    expect(closed.statusCode, closed.body).toBe(201);
    const announcement = closed.json() as { id: string; items: Item[] };
    expect(announcement.items.map((i) => i.appointmentId).sort()).toEqual([...affectedIds].sort());

    // The calendar: the time is closed, the appointments cancelled with the reason; the afternoon untouched.
    const statuses = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx.selectFrom('appointments').select(['id', 'status', 'cancellationReason']).execute(),
    );
    for (const id of affectedIds)
      expect(statuses.find((s) => s.id === id)).toMatchObject({
        status: 'cancelled',
        cancellationReason: 'Practice closed (cyclone or weather warning)',
      });
    expect(statuses.find((s) => s.id === visits.afternoon.id)?.status).toBe('booked');
    const closures = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx.selectFrom('closures').select('reason').execute(),
    );
    expect(closures).toEqual([{ reason: 'Closed: cyclone or weather warning' }]);

    // The job: cancels what is left (nothing) and tells each number once.
    await runJobs(t);
    const seen = await deliver();
    expect(seen.map((s) => s.to).sort()).toEqual([aisha.waId, helene.waId, familyWaId].sort());
    expect(seen.find((s) => s.to === aisha.waId)).toMatchObject({
      language: 'en',
      values: ['Aisha', expect.stringMatching(/^Clinic /), expect.any(String), '09:00', 'cyclone or weather warning'],
    });
    // Creole reads the French template.
    expect(seen.find((s) => s.to === helene.waId)).toMatchObject({
      language: 'fr',
      values: ['Hélène', expect.any(String), expect.any(String), '09:00', 'alerte cyclonique ou météo'],
    });
    const family = seen.find((s) => s.to === familyWaId)!;
    expect(family.values[0]).toBe('Priya and Ravi');
    expect(family.values[3]).toBe('10:00 (Priya) and 10:45 (Ravi)');
    expect(family.payloads.every((p) => p.startsWith('rm1.cl.'))).toBe(true);

    const list = await announcementOf(practice, announcement.id);
    const byAppointment = new Map(list.items.map((i) => [i.appointmentId, i]));
    expect(byAppointment.get(visits.unwilling.id)).toMatchObject({ status: 'needs_call', callReason: 'no_consent' });
    expect(byAppointment.get(visits.landline.id)).toMatchObject({
      status: 'needs_call',
      callReason: 'no_whatsapp_number',
    });
    expect(byAppointment.get(visits.aisha.id)?.status).toMatch(/^(sent|delivered)$/);
    expect(list.counts.needs_call).toBe(2);
    expect(list.total).toBe(6);

    // Run again (a retry, a crash after the sends): nothing more goes.
    expect(await announceClosure(t.ctx, { practiceId: practice.practiceId, announcementId: announcement.id })).toEqual({
      messaged: 0,
      notMessaged: 0,
    });
    expect(await deliver()).toEqual([]);
    const keyed = await t.db
      .selectFrom('whatsappMessages')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('practiceId', '=', practice.practiceId)
      .where('idempotencyKey', 'like', 'closure:%')
      .executeTakeFirstOrThrow();
    expect(keyed.n).toBe(3);
  });

  it('WhatsApp’s statuses show on the list: read, and failed (then the desk must call)', async () => {
    const practice = await closurePractice();
    const a = await patientOnOwnNumber(practice, 'Reader');
    const b = await patientOnOwnNumber(practice, 'Unreachable');
    const va = await book(t, practice, a.patientId, mu(practice.day, '09:00'));
    const vb = await book(t, practice, b.patientId, mu(practice.day, '10:00'));
    const owner = await loggedIn(t.app, practice.owner);
    const closed = await owner.post(url(practice), {
      start: mu(practice.day, '08:00').toISOString(),
      end: mu(practice.day, '12:00').toISOString(),
      reason: 'power_cut',
    });
    expect(closed.statusCode, closed.body).toBe(201);
    await runJobs(t);
    const seen = await deliver();
    expect(seen.find((s) => s.to === a.waId)?.values[4]).toBe('power cut');
    await metaReports(t, {
      phoneNumberId: practice.phoneNumberId,
      wamid: seen.find((s) => s.to === a.waId)!.wamid,
      status: 'read',
    });
    await metaReports(t, {
      phoneNumberId: practice.phoneNumberId,
      wamid: seen.find((s) => s.to === b.waId)!.wamid,
      status: 'failed',
      errors: [{ code: 131026, title: 'Message undeliverable' }],
    });
    await workers(t).processWebhooks();
    const list = await announcementOf(practice, closed.json().id);
    const of = (id: string) => list.items.find((i) => i.appointmentId === id)!;
    expect(of(va.id).status).toBe('read');
    expect(of(vb.id)).toMatchObject({ status: 'needs_call', callReason: 'message_failed' });
    expect(of(vb.id).failureReason).not.toBeNull();
  });

  it('one dentist ill: only their appointments, their time blocked, the practice stays open', async () => {
    const practice = await closurePractice();
    const mine = await patientOnOwnNumber(practice, 'Mine');
    const other = await patientOnOwnNumber(practice, 'Other');
    const ill = await book(t, practice, mine.patientId, mu(practice.day, '09:00'), { providerId: practice.dentist.id });
    const well = await book(t, practice, other.patientId, mu(practice.day, '09:00'));
    const owner = await loggedIn(t.app, practice.owner);
    const closed = await owner.post(url(practice), {
      start: mu(practice.day, '00:00').toISOString(),
      end: mu(practice.day, '23:59').toISOString(),
      reason: 'dentist_ill',
      providerId: practice.dentist.id,
      note: 'Dr Second has the flu',
    });
    expect(closed.statusCode, closed.body).toBe(201);
    const body = closed.json() as { items: Item[]; providerId: string; note: string };
    expect(body.items.map((i) => i.appointmentId)).toEqual([ill.id]);
    expect(body).toMatchObject({ providerId: practice.dentist.id, note: 'Dr Second has the flu' });
    const [blocks, closures, statuses] = await inPractice(t.ctx.db, practice.practiceId, async (tx) => [
      await tx.selectFrom('blocks').select(['providerId', 'kind']).execute(),
      await tx.selectFrom('closures').select('id').execute(),
      await tx.selectFrom('appointments').select(['id', 'status']).execute(),
    ]);
    expect(blocks).toEqual([{ providerId: practice.dentist.id, kind: 'leave' }]);
    expect(closures).toEqual([]);
    expect(statuses.find((s) => s.id === well.id)?.status).toBe('booked');
    await runJobs(t);
    const seen = await deliver();
    expect(seen.map((s) => s.to)).toEqual([mine.waId]);
    expect(seen[0]!.values[4]).toBe('your dentist is unwell');
  });

  it('an appointment already under way is left to the desk: only those still to start are cancelled and told', async () => {
    const practice = await closurePractice();
    const started = await patientOnOwnNumber(practice, 'Started');
    const coming = await patientOnOwnNumber(practice, 'Coming');
    const under = await book(t, practice, started.patientId, mu(practice.day, '09:00'));
    const ahead = await book(t, practice, coming.patientId, mu(practice.day, '10:00'));
    // As if the first had started half an hour ago and the desk had not marked it yet (one range for
    // both columns: two readings of the clock may differ by a millisecond, which their check refuses).
    const underWay = sql<string>`tstzrange(${new Date(Date.now() - 1_800_000).toISOString()}::timestamptz, ${new Date(Date.now() + 600_000).toISOString()}::timestamptz, '[)')`;
    await t.db
      .updateTable('appointments')
      .set({ period: underWay, occupied: underWay })
      .where('id', '=', under.id)
      .execute();
    const owner = await loggedIn(t.app, practice.owner);
    const closed = await owner.post(url(practice), {
      start: new Date(Date.now() - 3_600_000).toISOString(),
      end: mu(practice.day, '23:00').toISOString(),
      reason: 'power_cut',
    });
    expect(closed.statusCode, closed.body).toBe(201);
    expect((closed.json() as { items: Item[] }).items.map((i) => i.appointmentId)).toEqual([ahead.id]);
    const status = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx.selectFrom('appointments').select('status').where('id', '=', under.id).executeTakeFirstOrThrow(),
    );
    expect(status.status).toBe('booked');
  });

  it('only owners close; the desk reads the list and marks a patient called (and back); bad ranges are problem+json', async () => {
    const practice = await closurePractice();
    const p = await patientOnOwnNumber(practice, 'Desk');
    await withdrawAppointmentMessages(practice, p.patientId);
    await book(t, practice, p.patientId, mu(practice.day, '09:00'));
    const range = {
      start: mu(practice.day, '08:00').toISOString(),
      end: mu(practice.day, '12:00').toISOString(),
      reason: 'other',
    };
    const reception = await loggedIn(t.app, practice.receptionist);
    const dentist = await loggedIn(t.app, practice.dentist);
    for (const client of [reception, dentist]) {
      for (const path of ['', '/preview']) {
        const res = await client.post(url(practice, path), range);
        expect(res.statusCode, res.body).toBe(403);
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    }
    const owner = await loggedIn(t.app, practice.owner);
    const backwards = await owner.post(url(practice), { ...range, start: range.end, end: range.start });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json()).toMatchObject({ code: 'invalid_period' });
    const past = await owner.post(url(practice), {
      ...range,
      start: new Date(Date.now() - 7_200_000).toISOString(),
      end: new Date(Date.now() - 3_600_000).toISOString(),
    });
    expect(past.statusCode).toBe(422);
    expect(past.json()).toMatchObject({ code: 'in_the_past' });
    const unknownReason = await owner.post(url(practice), { ...range, reason: 'holiday' });
    expect(unknownReason.statusCode).toBe(400);

    const closed = await owner.post(url(practice), range);
    expect(closed.statusCode, closed.body).toBe(201);
    await runJobs(t);
    const id = closed.json().id as string;
    const listed = await reception.get(url(practice));
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().items.map((a: { id: string }) => a.id)).toContain(id);
    const item = (await reception.get(url(practice, `/${id}`))).json().items[0] as Item;
    expect(item).toMatchObject({ status: 'needs_call', callReason: 'no_consent' });

    const called = `/${id}/items/${item.itemId}/called`;
    expect((await dentist.request('PUT', url(practice, called), { called: true })).statusCode).toBe(403);
    const marked = await reception.request('PUT', url(practice, called), { called: true });
    expect(marked.statusCode, marked.body).toBe(200);
    expect(marked.json()).toMatchObject({ status: 'called' });
    const unmarked = await reception.request('PUT', url(practice, called), { called: false });
    expect(unmarked.json()).toMatchObject({ status: 'needs_call' });
    const audit = await t.db
      .selectFrom('auditEvents')
      .select('action')
      .where('practiceId', '=', practice.practiceId)
      .where('action', 'like', 'closure.%')
      .orderBy('occurredAt')
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      'closure.announced',
      'closure.call_unmarked',
      'closure.created',
      'closure.patient_called',
    ]);
    const missing = await reception.get(url(practice, `/${crypto.randomUUID()}`));
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'closure_announcement_not_found' });
  });
});

describe('the patient’s answer', () => {
  async function told(practice: Awaited<ReturnType<typeof closurePractice>>) {
    const patient = await patientOnOwnNumber(practice, 'Tapper');
    const visit = await book(t, practice, patient.patientId, mu(practice.day, '09:00'));
    const owner = await loggedIn(t.app, practice.owner);
    const closed = await owner.post(url(practice), {
      start: mu(practice.day, '08:00').toISOString(),
      end: mu(practice.day, '13:00').toISOString(),
      reason: 'weather',
    });
    expect(closed.statusCode, closed.body).toBe(201);
    await runJobs(t);
    // This patient's message (an earlier test's practice may still have some going out).
    const mine = (await deliver()).filter((m) => m.to === patient.waId);
    expect(mine).toHaveLength(1);
    const [message] = mine;
    const phone = patientPhone(t, graph, practice, { waId: patient.waId });
    const [newTime, callMe] = message!.payloads as [string, string];
    const tap = async (payload: string, text: string) => {
      await patientWrites(t, {
        phoneNumberId: practice.phoneNumberId,
        from: patient.waId,
        message: { type: 'button', button: { payload, text } },
      });
      return phone.settle();
    };
    return { ...patient, visit, phone, newTime, callMe, tap, announcementId: closed.json().id as string };
  }

  it('Choose a new time enters the assistant’s booking for that patient and visit type; the booking marks the line rebooked', async () => {
    const practice = await closurePractice();
    const r = await told(practice);
    const replies = await r.tap(r.newTime, 'Choose a new time');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.rows.length).toBeGreaterThan(0);
    const state = (await assistantStateOf(t, practice.practiceId, r.phone)).state as {
      name: string;
      draft: { patientId: string; typeId: string };
    };
    expect(state.name).toBe('choosing_time');
    expect(state.draft).toMatchObject({ patientId: r.patientId, typeId: practice.checkup });
    expect((await announcementOf(practice, r.announcementId)).items[0]).toMatchObject({
      status: 'replied',
      reply: 'new_time',
    });
    // None of the times offered falls in the closed range.
    const confirm = await r.phone.taps(replies[0]!.rows[0]!);
    const yes = confirm.flatMap((m) => m.buttons).find((b) => b.id === 'confirm');
    expect(yes, JSON.stringify(confirm)).toBeDefined();
    await r.phone.taps(yes!);
    await runJobs(t);
    const visits = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx.selectFrom('appointments').select(['id', 'status', 'startsAt']).where('patientId', '=', r.patientId).execute(),
    );
    const fresh = visits.find((v) => v.status === 'booked')!;
    expect(fresh).toBeDefined();
    expect(
      fresh.startsAt.getTime() >= mu(practice.day, '13:00').getTime() || fresh.startsAt < mu(practice.day, '08:00'),
    ).toBe(true);
    expect((await announcementOf(practice, r.announcementId)).items[0]).toMatchObject({
      status: 'rebooked',
      rebookedAppointmentId: fresh.id,
    });
  });

  it('Choose a new time with the assistant off hands the chat to a person', async () => {
    const practice = await closurePractice();
    await saveAssistantSettings(t.ctx, { actor: ACTOR, practiceId: practice.practiceId, patch: { enabled: false } });
    const r = await told(practice);
    expect(textOf(await r.tap(r.newTime, 'Choose a new time'))).toMatch(/will write to you here shortly/);
    const conversation = await conversationOfPhone(t, r.phone);
    expect([conversation.owner, conversation.needsHuman, conversation.handoverReason]).toEqual([
      'staff',
      true,
      'closure_rebooking',
    ]);
  });

  it('Call me hands the chat to a person and the line needs a call; a forged payload is never acted on', async () => {
    const practice = await closurePractice();
    const r = await told(practice);
    const forged = r.callMe.replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAA');
    expect(textOf(await r.tap(forged, 'Call me'))).toMatch(/could not read that reply/);
    expect((await announcementOf(practice, r.announcementId)).items[0]!.reply).toBeNull();

    expect(textOf(await r.tap(r.callMe, 'Call me'))).toMatch(/will call you on this number/);
    const conversation = await conversationOfPhone(t, r.phone);
    expect([conversation.owner, conversation.needsHuman, conversation.handoverReason]).toEqual([
      'staff',
      true,
      'closure_call',
    ]);
    expect((await announcementOf(practice, r.announcementId)).items[0]).toMatchObject({
      status: 'needs_call',
      callReason: 'asked_to_be_called',
      reply: 'call_me',
    });
    // The desk books the patient after the call: rebooked.
    await book(t, practice, r.patientId, mu(practice.day, '15:00'));
    expect((await announcementOf(practice, r.announcementId)).items[0]!.status).toBe('rebooked');
  });
});

describe('a closure of 300 appointments', () => {
  it('sends exactly 300 messages, none twice, with two announcement runs at once', { timeout: 300_000 }, async () => {
    const practice = await closurePractice();
    const days = await workdays(t, practice.practiceId, 14);
    const slots: { day: string; time: string; providerId: string; chairId: string }[] = [];
    for (const day of days)
      for (const [from, count] of [
        [8 * 60, 6],
        [13 * 60, 6],
      ] as const)
        for (let i = 0; i < count; i++) {
          const minutes = from + i * 40;
          const time = `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
          slots.push({ day, time, providerId: practice.dentistId, chairId: practice.chair1 });
          slots.push({ day, time, providerId: practice.dentist.id, chairId: practice.chair2 });
        }
    const waIds: string[] = [];
    for (const slot of slots.slice(0, 300)) {
      const patient = await patientOnOwnNumber(practice, 'Many');
      waIds.push(patient.waId);
      await bookAppointment(t.ctx, {
        actor: ACTOR,
        practiceId: practice.practiceId,
        booking: {
          appointmentTypeId: practice.checkup,
          providerId: slot.providerId,
          chairId: slot.chairId,
          start: mu(slot.day, slot.time),
          source: 'phone',
          patientId: patient.patientId,
        },
      });
    }
    expect(waIds).toHaveLength(300);
    const announcement = await closePractice(t.ctx, {
      actor: ACTOR,
      practiceId: practice.practiceId,
      closure: {
        start: mu(days[0]!, '00:00').toISOString(),
        end: mu(days[days.length - 1]!, '23:59').toISOString(),
        reason: 'weather',
      },
    });
    expect(announcement.total).toBe(300);
    const runs = await Promise.all([
      announceClosure(t.ctx, { practiceId: practice.practiceId, announcementId: announcement.id }),
      announceClosure(t.ctx, { practiceId: practice.practiceId, announcementId: announcement.id }),
    ]);
    expect(runs[0].messaged + runs[1].messaged).toBe(300);
    await runJobs(t);
    const seen = await deliver();
    expect(seen).toHaveLength(300);
    expect(new Set(seen.map((s) => s.to)).size).toBe(300);
    expect(seen.map((s) => s.to).sort()).toEqual([...waIds].sort());
    const list = await announcementOf(practice, announcement.id);
    expect(list.counts.needs_call).toBe(0);
    expect(list.items.every((i) => i.status === 'sent' || i.status === 'delivered')).toBe(true);
  });
});
