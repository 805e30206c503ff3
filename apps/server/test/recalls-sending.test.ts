import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveAssistantSettings } from '../src/modules/assistant/settings.service.js';
import { recordConsentIn } from '../src/modules/consent/consent.service.js';
import { runRecalls, saveRecallSettings } from '../src/modules/reminders/recall-messages.service.js';
import { queueDueRecallRuns } from '../src/modules/reminders/recalls-sending.js';
import { setRecall } from '../src/modules/scheduling/recalls.service.js';
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
import { createWhatsAppTestApp, startFakeGraph } from './whatsapp-fixtures.js';
import { newWaId, patientWrites } from './whatsapp-helpers.js';

/**
 * The daily recall run on WhatsApp: patients whose recall is due, who have no visit coming and who
 * granted recall messages in the consent ledger get the `recall_due` template once per due date, at
 * most the practice's daily cap (the rest wait, with the reason); "Book now" enters the assistant's
 * booking for that patient and visit type (or goes to a person when the assistant is off), "Not now"
 * thanks them, and a payload we did not sign is never acted on. Everything through the real
 * services and database; Meta is the fake Graph API.
 */

const ACTOR = systemActor('test');
const DAY = 86_400_000;
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

/** A practice of its own (its own day's run and cap), reminders' quiet hours off, recalls at any hour. */
async function recallPractice(settings: { dailyCap?: number; enabled?: boolean } = {}) {
  const practice = await assistantPractice(t);
  await useReminderSettings(t, practice.practiceId);
  await saveRecallSettings(t.ctx, {
    actor: ACTOR,
    practiceId: practice.practiceId,
    settings: { enabled: settings.enabled ?? true, dailyCap: settings.dailyCap ?? 50, sendHour: 0, leadDays: 0 },
  });
  return practice;
}

/** The practice's date today (Mauritius), shifted by some days. */
function today(days = 0) {
  const local = new Date(Date.now() + 4 * 3_600_000 + days * DAY);
  return local.toISOString().slice(0, 10);
}

/** A patient on a number of their own with a check-up recall due on `dueDate`, consenting to recalls unless told. */
async function duePatient(
  practice: AssistantPractice,
  opts: { dueDate?: string; consent?: boolean | null; language?: 'en' | 'fr'; givenName?: string } = {},
) {
  const waId = newWaId();
  const [patientId] = await patientsOnNumber(t, practice.practiceId, `+${waId}`, [
    { givenName: opts.givenName ?? 'Aisha', familyName: 'Recall', preferredLanguage: opts.language ?? 'en' },
  ]);
  const recall = await setRecall(t.ctx, {
    actor: ACTOR,
    practiceId: practice.practiceId,
    recall: {
      patientId: patientId!,
      kind: 'checkup',
      dueDate: opts.dueDate ?? today(-1),
      intervalMonths: 6,
      notes: '',
      appointmentTypeId: practice.checkup,
    },
  });
  if (opts.consent !== null) await consent(practice, patientId!, opts.consent ?? true);
  return { waId, patientId: patientId!, recallId: recall.id };
}

async function consent(practice: AssistantPractice, patientId: string, granted: boolean) {
  await inPractice(t.ctx.db, practice.practiceId, (tx) =>
    recordConsentIn(tx, {
      practiceId: practice.practiceId,
      changes: [
        {
          patientId,
          channel: 'whatsapp',
          purpose: 'recalls',
          granted,
          source: 'staff',
          actorUserId: null,
          wording: granted ? 'May we send you check-up recalls on WhatsApp?' : 'No more recalls, please.',
          language: 'en',
          at: new Date(),
        },
      ],
    }),
  );
}

/** The outbox sends everything queued; returns the recall templates Meta got. */
const deliver = () => deliverTemplates(t, graph, 'recall_due');
const recallSeen = templateSeen;

async function messagesOf(practice: AssistantPractice) {
  return inPractice(t.ctx.db, practice.practiceId, (tx) =>
    tx.selectFrom('recallMessages').selectAll().orderBy('dueDate').orderBy('createdAt').execute(),
  );
}

const run = (practice: AssistantPractice) => runRecalls(t.ctx, { practiceId: practice.practiceId, now: new Date() });

describe('the daily recall run', () => {
  it('messages patients due, in their language, with Book now and Not now; not those not due or with a visit booked', async () => {
    const practice = await recallPractice();
    const due = await duePatient(practice, { dueDate: today(-30) });
    const dueToday = await duePatient(practice, { dueDate: today(), language: 'fr', givenName: 'Hélène' });
    const later = await duePatient(practice, { dueDate: today(20) });
    const booked = await duePatient(practice, { dueDate: today(-3) });
    const [day] = await workdays(t, practice.practiceId, 1);
    await book(t, practice, booked.patientId, mu(day!, '10:00'));

    const outcome = await run(practice);
    expect(outcome).toMatchObject({ sent: 2, waiting: 0, skipped: 1 });
    const seen = (await deliver()).map(recallSeen);
    expect(seen.map((s) => s.to).sort()).toEqual([due.waId, dueToday.waId].sort());
    const english = seen.find((s) => s.to === due.waId)!;
    expect(english).toMatchObject({ language: 'en', values: ['Aisha', expect.stringMatching(/^Clinic /)] });
    expect(english.payloads).toHaveLength(2);
    expect(english.payloads.every((p) => p.startsWith('rm1.rc.'))).toBe(true);
    expect(seen.find((s) => s.to === dueToday.waId)).toMatchObject({
      language: 'fr',
      values: ['Hélène', expect.stringMatching(/^Clinic /)],
    });

    const rows = await messagesOf(practice);
    expect(rows.find((r) => r.recallId === booked.recallId)).toMatchObject({
      state: 'skipped',
      reason: 'appointment_booked',
    });
    expect(rows.find((r) => r.recallId === later.recallId)).toBeUndefined();
    expect(
      rows
        .filter((r) => r.state === 'sent')
        .map((r) => r.recallId)
        .sort(),
    ).toEqual([due.recallId, dueToday.recallId].sort());
  });

  it('sends at most the daily cap, oldest due first; the rest wait with the reason and go first the next day', async () => {
    const practice = await recallPractice({ dailyCap: 2 });
    const patients = [];
    for (const days of [-5, -40, -1, -20]) patients.push(await duePatient(practice, { dueDate: today(days) }));
    const [fiveDays, fortyDays, oneDay, twentyDays] = patients as [
      (typeof patients)[0],
      (typeof patients)[0],
      (typeof patients)[0],
      (typeof patients)[0],
    ];

    expect(await run(practice)).toMatchObject({ sent: 2, waiting: 2 });
    expect((await deliver()).map((m) => m.to).sort()).toEqual([fortyDays.waId, twentyDays.waId].sort());
    const waiting = (await messagesOf(practice)).filter((r) => r.state === 'waiting');
    expect(waiting.map((r) => [r.recallId, r.reason]).sort()).toEqual(
      [
        [fiveDays.recallId, 'daily_cap'],
        [oneDay.recallId, 'daily_cap'],
      ].sort(),
    );
    // The recall list shows it.
    const owner = await loggedIn(t.app, practice.owner);
    const res = await owner.get(
      `/api/v1/practices/${practice.practiceId}/reminders/recalls?ids=${fortyDays.recallId},${oneDay.recallId}`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as { recallId: string; message: { state: string; reason: string | null } }[];
    expect(items.find((i) => i.recallId === fortyDays.recallId)?.message?.state).toMatch(/^(sent|delivered)$/);
    expect(items.find((i) => i.recallId === oneDay.recallId)?.message).toMatchObject({
      state: 'waiting',
      reason: 'daily_cap',
    });

    // The same day again: the cap is spent, nothing more goes.
    expect(await runRecalls(t.ctx, { practiceId: practice.practiceId, now: new Date() })).toMatchObject({
      sent: 0,
      idle: 'finished',
    });
    // The next day: the two that waited go.
    const tomorrow = new Date(Date.now() + DAY);
    expect(await runRecalls(t.ctx, { practiceId: practice.practiceId, now: tomorrow })).toMatchObject({
      sent: 2,
      waiting: 0,
    });
    expect((await deliver()).map((m) => m.to).sort()).toEqual([fiveDays.waId, oneDay.waId].sort());
    expect((await messagesOf(practice)).every((r) => r.state === 'sent')).toBe(true);
  });

  it('a cap of 0 sends nothing; everyone waits', async () => {
    const practice = await recallPractice({ dailyCap: 0 });
    await duePatient(practice);
    expect(await run(practice)).toMatchObject({ sent: 0, waiting: 1 });
    expect(await deliver()).toEqual([]);
  });

  it('without a grant, or after a withdrawal, nothing is sent, with the reason; a grant given later is honoured', async () => {
    const practice = await recallPractice();
    const never = await duePatient(practice, { consent: null });
    const withdrawn = await duePatient(practice);
    await consent(practice, withdrawn.patientId, false);
    expect(await run(practice)).toMatchObject({ sent: 0, skipped: 2 });
    expect(await deliver()).toEqual([]);
    const rows = await messagesOf(practice);
    expect(rows.map((r) => [r.recallId, r.state, r.reason]).sort()).toEqual(
      [
        [never.recallId, 'skipped', 'no_consent'],
        [withdrawn.recallId, 'skipped', 'no_consent'],
      ].sort(),
    );
    await consent(practice, never.patientId, true);
    expect(await runRecalls(t.ctx, { practiceId: practice.practiceId, now: new Date(Date.now() + DAY) })).toMatchObject(
      {
        sent: 1,
      },
    );
    expect((await deliver()).map((m) => m.to)).toEqual([never.waId]);
  });

  it('a withdrawal of recalls before the outbox sent the message stops it; it is recorded as not sent', async () => {
    const practice = await recallPractice();
    const patient = await duePatient(practice);
    expect(await run(practice)).toMatchObject({ sent: 1 });
    await consent(practice, patient.patientId, false);
    await runJobs(t);
    expect(await deliver()).toEqual([]);
    expect((await messagesOf(practice))[0]).toMatchObject({ state: 'skipped', reason: 'no_consent', messageId: null });
  });

  it('run twice, at once or after a crash mid-list, each recall is messaged once; a new due date is a new message', async () => {
    const practice = await recallPractice();
    const patients = [await duePatient(practice), await duePatient(practice), await duePatient(practice)];
    const [a, b] = await Promise.all([run(practice), run(practice)]);
    expect(a.sent + b.sent).toBe(3);
    // As if the worker died before finishing the list: the day's run is not marked finished.
    await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx.updateTable('recallRuns').set({ finishedAt: null }).execute(),
    );
    expect(await run(practice)).toMatchObject({ sent: 0 });
    // The scheduled path: the round queues the practice's run, the job runs it.
    await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx.updateTable('recallRuns').set({ finishedAt: null }).execute(),
    );
    expect(await queueDueRecallRuns(t.ctx, new Date())).toBeGreaterThanOrEqual(1);
    await runJobs(t);
    const sent = await deliver();
    expect(sent.map((m) => m.to).sort()).toEqual(patients.map((p) => p.waId).sort());
    const finished = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx.selectFrom('recallRuns').select(['sent', 'finishedAt']).executeTakeFirstOrThrow(),
    );
    expect(finished.sent).toBe(3);
    expect(finished.finishedAt).not.toBeNull();
    expect(
      await t.db
        .selectFrom('whatsappMessages')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('practiceId', '=', practice.practiceId)
        .where('idempotencyKey', 'like', 'recall:%')
        .executeTakeFirstOrThrow(),
    ).toEqual({ n: 3 });

    // Given a new due date (the recall moved on), the patient is recalled again for it.
    await t.db
      .updateTable('recalls')
      .set({ dueDate: today(0) })
      .where('id', '=', patients[0]!.recallId)
      .execute();
    expect(await runRecalls(t.ctx, { practiceId: practice.practiceId, now: new Date(Date.now() + DAY) })).toMatchObject(
      {
        sent: 1,
      },
    );
    expect((await deliver()).map((m) => m.to)).toEqual([patients[0]!.waId]);
  });

  it('a practice with recalls off sends none', async () => {
    const practice = await recallPractice({ enabled: false });
    await duePatient(practice);
    expect(await run(practice)).toMatchObject({ sent: 0, idle: 'disabled' });
    expect(await messagesOf(practice)).toEqual([]);
  });
});

describe('the patient’s answer', () => {
  /** A patient recalled (by the run of today, or of a later day for a second one in the same practice). */
  async function recalled(practice: AssistantPractice, laterDays = 0) {
    const patient = await duePatient(practice);
    await runRecalls(t.ctx, { practiceId: practice.practiceId, now: new Date(Date.now() + laterDays * DAY) });
    const [message] = (await deliver()).map(recallSeen);
    expect(message?.to).toBe(patient.waId);
    const phone = patientPhone(t, graph, practice, { waId: patient.waId });
    const [bookNow, notNow] = message!.payloads as [string, string];
    const tap = async (payload: string, text: string) => {
      await patientWrites(t, {
        phoneNumberId: practice.phoneNumberId,
        from: patient.waId,
        message: { type: 'button', button: { payload, text } },
      });
      return phone.settle();
    };
    return { ...patient, phone, bookNow, notNow, tap };
  }

  it('Book now enters the assistant’s booking for that patient and visit type: it answers with free times', async () => {
    const practice = await recallPractice();
    const r = await recalled(practice);
    const replies = await r.tap(r.bookNow, 'Book now');
    expect(replies).toHaveLength(1);
    expect(replies[0]!.rows.length).toBeGreaterThan(0);
    expect(replies[0]!.rows.every((row) => row.id.startsWith('h:'))).toBe(true);
    const state = (await assistantStateOf(t, practice.practiceId, r.phone)).state as {
      name: string;
      draft: { patientId: string; typeId: string };
    };
    expect(state.name).toBe('choosing_time');
    expect(state.draft).toMatchObject({ patientId: r.patientId, typeId: practice.checkup });
    const row = (await messagesOf(practice)).find((m) => m.recallId === r.recallId);
    expect(row).toMatchObject({ reply: 'book' });
    // The patient takes the first time and confirms: the visit is booked.
    const confirm = await r.phone.taps(replies[0]!.rows[0]!);
    const yes = confirm.flatMap((m) => m.buttons).find((b) => b.id === 'confirm');
    expect(yes, JSON.stringify(confirm)).toBeDefined();
    await r.phone.taps(yes!);
    const visits = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx
        .selectFrom('appointments')
        .select(['status', 'appointmentTypeId'])
        .where('patientId', '=', r.patientId)
        .execute(),
    );
    expect(visits).toEqual([{ status: 'booked', appointmentTypeId: practice.checkup }]);
    // The recall is booked, as when the desk books from the recall list.
    await runJobs(t);
    const recall = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx.selectFrom('recalls').select('status').where('id', '=', r.recallId).executeTakeFirstOrThrow(),
    );
    expect(recall.status).toBe('booked');
  });

  it('Book now with the assistant off hands the conversation to a person, with the reason', async () => {
    const practice = await recallPractice();
    await saveAssistantSettings(t.ctx, { actor: ACTOR, practiceId: practice.practiceId, patch: { enabled: false } });
    const r = await recalled(practice);
    const replies = await r.tap(r.bookNow, 'Book now');
    expect(textOf(replies)).toMatch(/A member of our team will write to you here shortly/);
    const conversation = await conversationOfPhone(t, r.phone);
    expect([conversation.owner, conversation.needsHuman, conversation.handoverReason]).toEqual([
      'staff',
      true,
      'recall_booking',
    ]);
  });

  it('Not now thanks them and is recorded', async () => {
    const practice = await recallPractice();
    const r = await recalled(practice);
    expect(textOf(await r.tap(r.notNow, 'Not now'))).toMatch(/^Thank you for letting us know/);
    expect((await messagesOf(practice)).find((m) => m.recallId === r.recallId)).toMatchObject({ reply: 'not_now' });
    expect((await assistantStateOf(t, practice.practiceId, r.phone)).state?.name ?? 'idle').toBe('idle');
  });

  it('a forged, altered or other number’s payload is never acted on; the patient is told how to reach a person', async () => {
    const practice = await recallPractice();
    const r = await recalled(practice);
    const other = await recalled(practice, 1);
    const forged = r.bookNow.replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAA');
    const altered = r.notNow.replace('rm1.rc.n.', 'rm1.rc.b.');
    for (const payload of [forged, altered, 'rm1.rc.b.garbage', other.bookNow]) {
      const replies = await r.tap(payload, 'Book now');
      expect(textOf(replies)).toMatch(/could not read that reply.*call us on \+230 4641234/);
    }
    expect((await assistantStateOf(t, practice.practiceId, r.phone)).state?.name ?? 'idle').toBe('idle');
    expect((await messagesOf(practice)).every((m) => m.reply === null)).toBe(true);
  });
});

describe('recall settings', () => {
  it('the defaults, the owner’s change (audited), and numbers out of range refused with 422', async () => {
    const practice = await assistantPractice(t);
    const owner = await loggedIn(t.app, practice.owner);
    const reception = await loggedIn(t.app, practice.receptionist);
    const url = `/api/v1/practices/${practice.practiceId}/reminders/recall-settings`;
    expect((await reception.get(url)).json()).toEqual({
      enabled: true,
      dailyCap: 50,
      sendHour: 9,
      leadDays: 0,
      updatedAt: null,
    });
    const valid = { enabled: true, dailyCap: 120, sendHour: 10, leadDays: 7 };
    expect((await reception.request('PUT', url, valid)).statusCode).toBe(403);
    const saved = await owner.request('PUT', url, valid);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject(valid);
    const audit = await t.db
      .selectFrom('auditEvents')
      .select('changes')
      .where('practiceId', '=', practice.practiceId)
      .where('action', '=', 'practice.updated')
      .execute();
    expect(audit.map((a) => (a.changes as { recalls?: { to: unknown } }).recalls?.to)).toContainEqual(valid);

    const cases: [Record<string, unknown>, { path: string; code: string }[]][] = [
      [{ dailyCap: -1 }, [{ path: 'dailyCap', code: 'too_small' }]],
      [{ dailyCap: 1001 }, [{ path: 'dailyCap', code: 'too_large' }]],
      [{ sendHour: 24 }, [{ path: 'sendHour', code: 'too_large' }]],
      [
        { sendHour: -1, leadDays: 61 },
        [
          { path: 'sendHour', code: 'too_small' },
          { path: 'leadDays', code: 'too_large' },
        ],
      ],
    ];
    for (const [patch, errors] of cases) {
      const res = await owner.request('PUT', url, { ...valid, ...patch });
      expect(res.statusCode, res.body).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'recall_settings_invalid', status: 422 });
      expect(res.json().errors.map((e: { path: string; code: string }) => ({ path: e.path, code: e.code }))).toEqual(
        errors,
      );
    }
    const wrongType = await owner.request('PUT', url, { ...valid, dailyCap: 'many' });
    expect(wrongType.statusCode).toBe(400);
    expect((await reception.get(url)).json()).toMatchObject(valid);
  });
});
