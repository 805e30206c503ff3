import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consentDataOwner } from '../src/modules/consent/consent.data-owner.js';
import { recordConsentIn } from '../src/modules/consent/consent.service.js';
import { META_OPT_OUT_WORDING } from '../src/modules/messaging/opt-outs.js';
import { mergePatient } from '../src/modules/patients/merge.service.js';
import { sendReminder } from '../src/modules/reminders/sending.js';
import { systemActor } from '../src/platform/access.js';
import { sealedStoresOf } from '../src/platform/data-owners.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type AssistantPractice, assistantPractice, patientPhone, patientsOnNumber } from './assistant-fixtures.js';
import { type Client, type TestApp, loggedIn, makeMember, makePractice } from './harness.js';
import { book, remindNow, remindersOf, runJobs, useReminderSettings, workdays } from './reminders-fixtures.js';
import { mu } from './scheduling-fixtures.js';
import { createWhatsAppTestApp, startFakeGraph } from './whatsapp-fixtures.js';
import { metaErrorBody, newWaId } from './whatsapp-helpers.js';

/**
 * The consent ledger (issue 14, deliver 4): append-only rows whose latest is the state, reminders
 * asking it, a withdrawal stopping what is planned and what waits in the outbox, a STOP on a
 * family's number written for each of them, and the staff API with its roles and practices.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let practice: AssistantPractice;
let days: string[];
let owner: Client;
let dentist: Client;
let dayIndex = 0;
const freshDay = () => days[dayIndex++]!;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  practice = await assistantPractice(t);
  days = await workdays(t, practice.practiceId, 10);
  owner = await loggedIn(t.app, practice.owner);
  dentist = await loggedIn(t.app, await makeMember(t.ctx, practice.practiceId, 'dentist'));
  await useReminderSettings(t, practice.practiceId);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

async function family(names: string[]) {
  const waId = newWaId();
  const ids = await patientsOnNumber(
    t,
    practice.practiceId,
    `+${waId}`,
    names.map((givenName) => ({ givenName, familyName: 'Consent' })),
  );
  return { ids, waId };
}

const url = (patientId: string, practiceId = practice.practiceId) =>
  `/api/v1/practices/${practiceId}/patients/${patientId}/consent`;

const withdraw = (patientId: string) =>
  owner.post(url(patientId), {
    channel: 'whatsapp',
    purpose: 'appointments',
    granted: false,
    wording: 'You will no longer receive appointment reminders on WhatsApp.',
    language: 'en',
  });

describe('the ledger', () => {
  it('keeps every grant and withdrawal; the state is the latest row; rows cannot be changed', async () => {
    const {
      ids: [id],
    } = await family(['Anil']);
    const before = await owner.get(url(id!));
    expect(before.statusCode).toBe(200);
    const state = (h: { current: { channel: string; purpose: string; granted: boolean; isDefault: boolean }[] }) =>
      h.current.find((c) => c.channel === 'whatsapp' && c.purpose === 'recalls');
    expect(state(before.json())).toMatchObject({ granted: false, isDefault: true });
    const grant = await owner.post(url(id!), {
      channel: 'whatsapp',
      purpose: 'recalls',
      granted: true,
      wording: 'May we remind you on WhatsApp when your check-up is due?',
      language: 'en',
    });
    expect(grant.statusCode).toBe(201);
    expect(state(grant.json())).toMatchObject({ granted: true, isDefault: false });
    const withdrawn = await owner.post(url(id!), {
      channel: 'whatsapp',
      purpose: 'recalls',
      granted: false,
      source: 'patient_request',
      wording: 'Vous ne recevrez plus de rappels de contrôle.',
      language: 'fr',
    });
    const history = withdrawn.json();
    expect(state(history)).toMatchObject({ granted: false, isDefault: false });
    expect(history.entries.map((e: { granted: boolean; source: string }) => [e.granted, e.source])).toEqual([
      [false, 'patient_request'],
      [true, 'staff'],
    ]);
    expect(history.entries[0].actorName).toBeTruthy();
    expect(history.entries[1].wording).toBe('May we remind you on WhatsApp when your check-up is due?');
    await expect(
      inPractice(t.ctx.db, practice.practiceId, (tx) =>
        sql`UPDATE consent_events SET granted = true WHERE patient_id = ${id}`.execute(tx),
      ),
    ).rejects.toThrow(/append-only/);
    const audit = await t.db
      .selectFrom('auditEvents')
      .select(['action', 'changes'])
      .where('practiceId', '=', practice.practiceId)
      .where('action', '=', 'consent.recorded')
      .where('targetId', '=', id!)
      .execute();
    expect(audit).toHaveLength(2);
  });
});

describe('senders ask the ledger', () => {
  it('a withdrawn patient gets no reminder while another of the practice still does', async () => {
    const [a, b] = [await family(['Bina']), await family(['Chetan'])];
    const day = freshDay();
    const appA = await book(t, practice, a.ids[0]!, mu(day, '09:00'));
    await book(t, practice, b.ids[0]!, mu(day, '10:00'));
    // Recorded straight in the ledger, so no listener has run: the send itself asks.
    await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      recordConsentIn(tx, {
        practiceId: practice.practiceId,
        changes: [
          {
            patientId: a.ids[0]!,
            channel: 'whatsapp',
            purpose: 'appointments',
            granted: false,
            source: 'staff',
            actorUserId: null,
            wording: 'No more reminders on WhatsApp.',
            language: 'en',
            at: new Date(),
          },
        ],
      }),
    );
    await sql`DELETE FROM jobs WHERE name = 'event:consent.withdrawn'`.execute(t.db);
    const sent = await remindNow(t, graph);
    expect(sent.filter((m) => m.to === a.waId)).toEqual([]);
    expect(sent.filter((m) => m.to === b.waId)).toHaveLength(2);
    expect((await remindersOf(t, practice.practiceId, appA.id)).map((r) => [r.state, r.reason])).toEqual([
      ['skipped', 'no_consent'],
      ['skipped', 'no_consent'],
    ]);
  });

  it('a withdrawal at the desk stops the planned reminder and the one waiting in the outbox', async () => {
    const p = await family(['Devi']);
    const day = freshDay();
    const app = await book(t, practice, p.ids[0]!, mu(day, '11:00'));
    // The day-before reminder is queued in the outbox (not sent yet); the 2-hour one is planned.
    expect(
      await sendReminder(
        t.ctx,
        {
          practiceId: practice.practiceId,
          appointmentId: app.id,
          offsetMinutes: 1440,
          start: mu(day, '11:00').toISOString(),
        },
        new Date(),
      ),
    ).toBe('sent');
    const [queued] = (await remindersOf(t, practice.practiceId, app.id)).filter((r) => r.state === 'sent');
    expect(
      await t.db.selectFrom('whatsappOutbox').select('seq').where('messageId', '=', queued!.messageId!).execute(),
    ).toHaveLength(1);

    expect((await withdraw(p.ids[0]!)).statusCode).toBe(201);
    await runJobs(t);
    const rows = await remindersOf(t, practice.practiceId, app.id);
    expect(rows.find((r) => r.offsetMinutes === 120)).toMatchObject({ state: 'skipped', reason: 'no_consent' });
    const message = await t.db
      .selectFrom('whatsappMessages')
      .select(['status', 'failureReason'])
      .where('id', '=', queued!.messageId!)
      .executeTakeFirstOrThrow();
    expect(message).toMatchObject({ status: 'failed', failureReason: 'opted_out' });
    expect(
      await t.db.selectFrom('whatsappOutbox').select('seq').where('messageId', '=', queued!.messageId!).execute(),
    ).toEqual([]);
    expect((await remindNow(t, graph)).filter((m) => m.to === p.waId)).toEqual([]);
  });

  it('STOP on a family number is a withdrawal for every patient on it, with their words', async () => {
    const f = await family(['Esha', 'Farid']);
    await patientPhone(t, graph, practice, { waId: f.waId }).says('STOP');
    await runJobs(t);
    for (const id of f.ids) {
      const history = (await owner.get(url(id))).json();
      const whatsapp = history.entries.filter((e: { channel: string }) => e.channel === 'whatsapp');
      expect(
        whatsapp
          .map((e: { purpose: string; granted: boolean; source: string }) => [e.purpose, e.granted, e.source])
          .sort(),
      ).toEqual([
        ['appointments', false, 'whatsapp_keyword'],
        ['recalls', false, 'whatsapp_keyword'],
      ]);
      expect(whatsapp[0].wording).toBe('STOP');
    }
  });
});

describe('the patient’s data', () => {
  it('a merge moves the ledger to the survivor (the one change allowed), and the export lists it with the words', async () => {
    const [dup, survivor] = [(await family(['Hari'])).ids[0]!, (await family(['Harish'])).ids[0]!];
    await withdraw(dup);
    await mergePatient(t.ctx, {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      patientId: dup,
      intoPatientId: survivor,
    });
    const history = (await owner.get(url(survivor))).json();
    expect(history.entries).toHaveLength(1);
    expect(
      history.current.find(
        (c: { purpose: string; channel: string }) => c.channel === 'whatsapp' && c.purpose === 'appointments',
      ),
    ).toMatchObject({ granted: false });
    const exported = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      consentDataOwner.exportPatient(tx, {
        practiceId: practice.practiceId,
        patientId: survivor,
        stores: sealedStoresOf(t.ctx),
      }),
    );
    expect(exported.consent).toEqual([
      expect.objectContaining({
        purpose: 'appointments',
        granted: false,
        wording: 'You will no longer receive appointment reminders on WhatsApp.',
      }),
    ]);
  });
});

describe('the practice boundary', () => {
  it('a transaction that has not named its practice sees no consent rows, even with rows in the table', async () => {
    expect(
      Number(
        (
          await t.db
            .selectFrom('consentEvents')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBeGreaterThan(0);
    const seen = await t.db.transaction().execute(async (tx) => {
      await sql`SELECT set_config('role', 'dentalpro_app', true)`.execute(tx);
      return tx.selectFrom('consentEvents').select('id').execute();
    });
    expect(seen).toEqual([]);
  });
});

describe('Meta reports an opt-out', () => {
  it('131050 on a reminder is a withdrawal in the ledger for the patient, with words saying so', async () => {
    const p = await family(['Ishaan']);
    await book(t, practice, p.ids[0]!, mu(freshDay(), '14:00'));
    graph.fake.answerNext({ status: 400, body: metaErrorBody(131050, 'User has stopped marketing messages') });
    await remindNow(t, graph);
    const history = (await owner.get(url(p.ids[0]!))).json();
    expect(
      history.entries.map((e: { channel: string; purpose: string; granted: boolean; wording: string }) => [
        e.channel,
        e.purpose,
        e.granted,
        e.wording,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['whatsapp', 'appointments', false, META_OPT_OUT_WORDING],
        ['whatsapp', 'recalls', false, META_OPT_OUT_WORDING],
      ]),
    );
  });
});

describe('the staff API', () => {
  it('a dentist reads but cannot write; an unknown purpose is 422; another practice’s patient is 404', async () => {
    const {
      ids: [id],
    } = await family(['Gita']);
    expect((await dentist.get(url(id!))).statusCode).toBe(200);
    const refused = await dentist.post(url(id!), {
      channel: 'email',
      purpose: 'appointments',
      granted: true,
      wording: 'OK',
    });
    expect(refused.statusCode).toBe(403);
    const unknown = await owner.post(url(id!), {
      channel: 'sms',
      purpose: 'appointments',
      granted: true,
      wording: 'OK',
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json()).toMatchObject({ code: 'consent_kind_unknown' });
    const other = await makePractice(t.ctx);
    const otherOwner = await loggedIn(t.app, other.owner);
    expect((await otherOwner.get(url(id!, other.practiceId))).statusCode).toBe(404);
    expect(
      (
        await otherOwner.post(url(id!, other.practiceId), {
          channel: 'email',
          purpose: 'recalls',
          granted: true,
          wording: 'OK',
        })
      ).statusCode,
    ).toBe(404);
  });
});
