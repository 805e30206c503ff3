import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordConsentIn } from '../src/modules/consent/consent.service.js';
import type { SentMessage } from '../src/modules/messaging/fake-graph.js';
import { remindersDataOwner } from '../src/modules/reminders/reminders.data-owner.js';
import { upsertOfferSettings } from '../src/modules/reminders/waitlist-offers.repository.js';
import { offerFreedTime } from '../src/modules/reminders/waitlist-offers.js';
import { bookAppointment, cancelAppointment } from '../src/modules/scheduling/appointments.service.js';
import { type WaitlistRequest, addToWaitlist } from '../src/modules/scheduling/waitlist.service.js';
import { systemActor } from '../src/platform/access.js';
import { sealedStoresOf } from '../src/platform/data-owners.js';
import { inPractice } from '../src/platform/tenancy.js';
import {
  type AssistantPractice,
  appointmentsOf,
  assistantPractice,
  patientPhone,
  patientsOnNumber,
  textOf,
} from './assistant-fixtures.js';
import { type TestApp, loggedIn } from './harness.js';
import { runJobs, templateNameOf, templateSeen, useReminderSettings, workdays } from './reminders-fixtures.js';
import { mu } from './scheduling-fixtures.js';
import { createWhatsAppTestApp, startFakeGraph, workers } from './whatsapp-fixtures.js';
import { makeEverythingDue, newWaId, patientWrites } from './whatsapp-helpers.js';

/**
 * Waitlist offers on WhatsApp, through the calendar, the consent ledger and the fake Graph API: a
 * cancelled visit's time goes to the waiting patients it suits (and no others), a few at a time,
 * oldest first; offers lapse and the next are offered; the first "Take it" books the time and
 * anyone after is told it has gone; "No thanks" passes it on; a forged payload does nothing; and a
 * round run twice sends nothing twice.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let days: string[];
let dayIndex = 0;
const reception = systemActor('reception');

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

/** A practice of its own for each test (its waitlist is the test's alone), with no quiet hours. */
async function freshPractice(settings: { batchSize?: number; offerMinutes?: number } = {}) {
  const practice = await assistantPractice(t);
  await useReminderSettings(t, practice.practiceId);
  if (settings.batchSize || settings.offerMinutes)
    await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      upsertOfferSettings(tx, {
        practiceId: practice.practiceId,
        settings: { enabled: true, batchSize: settings.batchSize ?? 3, offerMinutes: settings.offerMinutes ?? 20 },
        userId: null,
      }),
    );
  days ??= await workdays(t, practice.practiceId, 30);
  return practice;
}

/** A patient on their own number, on the waitlist for a check-up unless told otherwise. */
async function waiting(
  practice: AssistantPractice,
  name: string,
  entry: Partial<WaitlistRequest> = {},
  language: 'en' | 'fr' = 'en',
) {
  const waId = newWaId();
  const [patientId] = await patientsOnNumber(t, practice.practiceId, `+${waId}`, [
    { givenName: name, familyName: 'Waiting', preferredLanguage: language },
  ]);
  const added = await addToWaitlist(t.ctx, {
    actor: reception,
    practiceId: practice.practiceId,
    entry: {
      patientId: patientId!,
      appointmentTypeId: practice.checkup,
      providerId: null,
      preferredWeekdays: [],
      preferredStart: null,
      preferredEnd: null,
      earliest: null,
      latest: null,
      notes: '',
      ...entry,
    },
  });
  return { name, waId, patientId: patientId!, entryId: added.id, phone: patientPhone(t, graph, practice, { waId }) };
}
type Waiting = Awaited<ReturnType<typeof waiting>>;

/** Someone's check-up with the owner on chair 1 at 09:00 on a coming workday, cancelled: its time is freed. */
async function freeTime(practice: AssistantPractice, day = days[dayIndex++]!) {
  const patientId = practice.patients[2]!.id;
  const start = mu(day, '09:00');
  const booked = await bookAppointment(t.ctx, {
    actor: reception,
    practiceId: practice.practiceId,
    booking: {
      appointmentTypeId: practice.checkup,
      providerId: practice.dentistId,
      chairId: practice.chair1,
      start,
      source: 'phone',
      patientId,
    },
  });
  await runJobs(t);
  await cancelAppointment(t.ctx, {
    actor: reception,
    practiceId: practice.practiceId,
    appointmentId: booked.id,
    reason: 'patient called',
  });
  await runJobs(t);
  return { appointmentId: booked.id, day, start };
}

let seenUpTo = 0;
/** Sends what is queued; the waitlist offers Meta received since last asked, as the phones show them. */
async function offersSent() {
  const w = workers(t);
  for (let i = 0; i < 10; i++) {
    await makeEverythingDue(t);
    if ((await w.send()) === 0) break;
  }
  const sent = graph.fake.sent.slice(seenUpTo);
  seenUpTo = graph.fake.sent.length;
  return sent.filter(isOffer).map(offerSeen);
}

const isOffer = (m: SentMessage) => templateNameOf(m) === 'waitlist_offer';
function offerSeen(m: SentMessage) {
  const { to, language, values, payloads } = templateSeen(m);
  const [take, decline] = payloads;
  return { to, language, values, take: take!, decline: decline! };
}
type Offer = ReturnType<typeof offerSeen>;

/** The patient taps one of the offer's buttons (Meta's `button` message) without waiting for the answer. */
const taps = (practice: AssistantPractice, who: Waiting, payload: string, text = 'Take it') =>
  patientWrites(t, {
    phoneNumberId: practice.phoneNumberId,
    from: who.waId,
    message: { type: 'button', button: { payload, text } },
  });

/** Taps, and reads the answer. */
async function tapAndRead(practice: AssistantPractice, who: Waiting, payload: string, text = 'Take it') {
  await taps(practice, who, payload, text);
  return textOf(await who.phone.settle());
}

const offerTo = (offers: Offer[], who: Waiting) => {
  const found = offers.find((o) => o.to === who.waId);
  expect(found, `an offer to ${who.name}`).toBeDefined();
  return found!;
};

async function entryStatuses(practice: AssistantPractice, ...who: Waiting[]) {
  const rows = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
    tx
      .selectFrom('waitlistEntries')
      .select(['id', 'status'])
      .where(
        'id',
        'in',
        who.map((w) => w.entryId),
      )
      .execute(),
  );
  return who.map((w) => rows.find((r) => r.id === w.entryId)?.status);
}

async function offerRows(practice: AssistantPractice, freedAppointmentId: string) {
  return inPractice(t.ctx.db, practice.practiceId, (tx) =>
    tx
      .selectFrom('waitlistOffers')
      .select(['patientId', 'state', 'expiresAt', 'appointmentId'])
      .where('freedAppointmentId', '=', freedAppointmentId)
      .orderBy('createdAt')
      .execute(),
  );
}

/** The open offers of a freed time run out now, and the round its job would run comes due. */
async function lapseNow(practice: AssistantPractice, freedAppointmentId: string) {
  await inPractice(t.ctx.db, practice.practiceId, (tx) =>
    tx
      .updateTable('waitlistOffers')
      .set({ expiresAt: sql<Date>`now() - interval '1 second'` })
      .where('freedAppointmentId', '=', freedAppointmentId)
      .where('state', '=', 'offered')
      .execute(),
  );
  await sql`UPDATE jobs SET run_at = now() WHERE name = 'reminders.waitlist_offers' AND state = 'pending'`.execute(
    t.db,
  );
  await runJobs(t);
}

/** The calendar's appointments at the freed time (cancelled ones left out). */
async function bookedAt(practice: AssistantPractice, start: Date) {
  return inPractice(t.ctx.db, practice.practiceId, (tx) =>
    tx
      .selectFrom('appointments')
      .select(['id', 'patientId', 'status'])
      .where('startsAt', '=', start)
      .where('status', 'not in', ['cancelled', 'held'])
      .execute(),
  );
}

describe('who is offered a freed time', () => {
  it('the waiting patients it suits, oldest entry first, three at a time; nobody else', async () => {
    const practice = await freshPractice();
    await offersSent();
    const first = await waiting(practice, 'Anil');
    const mine = await waiting(practice, 'Bea', { providerId: practice.dentistId }, 'fr');
    const wrongType = await waiting(practice, 'Chen', { appointmentTypeId: practice.cleaning });
    const afternoons = await waiting(practice, 'Dev', { preferredStart: '13:00', preferredEnd: '17:00' });
    const otherDentist = await waiting(practice, 'Emma', { providerId: practice.dentist.id });
    const withdrawn = await waiting(practice, 'Fatima');
    await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      recordConsentIn(tx, {
        practiceId: practice.practiceId,
        changes: [
          {
            patientId: withdrawn.patientId,
            channel: 'whatsapp',
            purpose: 'appointments',
            granted: false,
            source: 'staff',
            actorUserId: null,
            wording: 'No WhatsApp messages, please',
            language: 'en',
            at: new Date(),
          },
        ],
      }),
    );
    const day = days[dayIndex++]!;
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay() || 7;
    const otherDays = await waiting(practice, 'Gopal', { preferredWeekdays: [(weekday % 7) + 1] });
    const dayBefore = new Date(Date.parse(`${day}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const tooLate = await waiting(practice, 'Hugo', { latest: dayBefore });
    const mornings = await waiting(practice, 'Ines', {
      preferredWeekdays: [weekday],
      preferredStart: '08:00',
      preferredEnd: '12:00',
      earliest: day,
    });
    const fourth = await waiting(practice, 'Jay');

    const freed = await freeTime(practice, day);
    const offers = await offersSent();
    expect(offers.map((o) => o.to).sort()).toEqual([first.waId, mine.waId, mornings.waId].sort());
    // In the patient's language, with the visit, the practice, the day and the time.
    expect(offerTo(offers, first).language).toBe('en');
    expect(offerTo(offers, first).values).toEqual([
      'Anil',
      'check-up',
      expect.any(String),
      expect.any(String),
      '09:00',
    ]);
    expect(offerTo(offers, mine).language).toBe('fr');
    expect(offerTo(offers, mine).values[1]).toBe('contrôle');
    expect(await entryStatuses(practice, first, mine, mornings, fourth)).toEqual([
      'offered',
      'offered',
      'offered',
      'waiting',
    ]);
    for (const left of [wrongType, afternoons, otherDentist, withdrawn, otherDays, tooLate])
      expect((await entryStatuses(practice, left))[0], left.name).toBe('waiting');
    expect((await offerRows(practice, freed.appointmentId)).every((o) => o.state === 'offered')).toBe(true);
  });

  it('a time less than an hour away, or never freed, is offered to nobody', async () => {
    const practice = await freshPractice();
    await offersSent();
    await waiting(practice, 'Kiran');
    const freed = await freeTime(practice);
    await offersSent();
    // The same freed time, as if the round ran 30 minutes before it: nothing more goes.
    await lapseNow(practice, freed.appointmentId);
    const sent = await offerFreedTime(t.ctx, {
      practiceId: practice.practiceId,
      freedAppointmentId: freed.appointmentId,
      now: new Date(freed.start.getTime() - 30 * 60_000),
    });
    expect(sent).toBe(0);
    // An appointment still booked frees nothing.
    const booked = await bookAppointment(t.ctx, {
      actor: reception,
      practiceId: practice.practiceId,
      booking: {
        appointmentTypeId: practice.checkup,
        providerId: practice.dentistId,
        chairId: practice.chair1,
        start: mu(days[dayIndex++]!, '10:00'),
        source: 'phone',
        patientId: practice.patients[0]!.id,
      },
    });
    expect(
      await offerFreedTime(t.ctx, { practiceId: practice.practiceId, freedAppointmentId: booked.id, now: new Date() }),
    ).toBe(0);
  });
});

describe('rounds', () => {
  it('offers that lapse make way for the next patients, until the list is exhausted; nothing is sent twice', async () => {
    const practice = await freshPractice({ batchSize: 2 });
    await offersSent();
    const people = [];
    for (const name of ['Lina', 'Manu', 'Nadia']) people.push(await waiting(practice, name));
    const [lina, manu, nadia] = people as [Waiting, Waiting, Waiting];
    const freed = await freeTime(practice);
    expect((await offersSent()).map((o) => o.to).sort()).toEqual([lina.waId, manu.waId].sort());

    // The round run again (a job run twice, the listener retried): nothing more goes.
    for (let i = 0; i < 2; i++)
      expect(
        await offerFreedTime(t.ctx, {
          practiceId: practice.practiceId,
          freedAppointmentId: freed.appointmentId,
          now: new Date(),
        }),
      ).toBe(0);
    await sql`UPDATE jobs SET run_at = now() WHERE name = 'reminders.waitlist_offers' AND state = 'pending'`.execute(
      t.db,
    );
    await runJobs(t);
    expect(await offersSent()).toEqual([]);

    // The first two lapse: the third is offered, once, however often the round runs.
    await lapseNow(practice, freed.appointmentId);
    await offerFreedTime(t.ctx, {
      practiceId: practice.practiceId,
      freedAppointmentId: freed.appointmentId,
      now: new Date(),
    });
    expect((await offersSent()).map((o) => o.to)).toEqual([nadia.waId]);
    expect(await entryStatuses(practice, lina, manu, nadia)).toEqual(['waiting', 'waiting', 'offered']);
    expect((await offerRows(practice, freed.appointmentId)).map((o) => o.state)).toEqual([
      'lapsed',
      'lapsed',
      'offered',
    ]);

    // The last lapses: the list is exhausted, nobody is offered it twice and no round is left.
    await lapseNow(practice, freed.appointmentId);
    expect(await offersSent()).toEqual([]);
    const pending = await t.db
      .selectFrom('jobs')
      .select('id')
      .where('key', '=', `reminders.waitlist_offers:${freed.appointmentId}`)
      .execute();
    expect(pending).toEqual([]);
    expect(await entryStatuses(practice, nadia)).toEqual(['waiting']);
  });

  it('the next round waits for the earliest open offer to lapse, as a keyed job', async () => {
    const practice = await freshPractice({ offerMinutes: 15 });
    await offersSent();
    await waiting(practice, 'Omar');
    const before = Date.now();
    const freed = await freeTime(practice);
    const [job] = await t.db
      .selectFrom('jobs')
      .select(['runAt', 'payload'])
      .where('key', '=', `reminders.waitlist_offers:${freed.appointmentId}`)
      .execute();
    expect(job).toBeDefined();
    expect(job!.runAt.getTime()).toBeGreaterThanOrEqual(before + 15 * 60_000 - 1000);
    expect(job!.runAt.getTime()).toBeLessThan(Date.now() + 15 * 60_000 + 1000);
  });
});

describe('answers', () => {
  it('two patients take it at once: one appointment; the other is told it has gone and stays on the list', async () => {
    const practice = await freshPractice();
    await offersSent();
    const pia = await waiting(practice, 'Pia');
    const quentin = await waiting(practice, 'Quentin', {}, 'fr');
    const freed = await freeTime(practice);
    const offers = await offersSent();
    // Both taps arrive before either is answered.
    await taps(practice, pia, offerTo(offers, pia).take);
    await taps(practice, quentin, offerTo(offers, quentin).take, 'Je la prends');
    const answers = [textOf(await pia.phone.settle()), textOf(await quentin.phone.settle())];
    const all = `${answers[0]}\n${answers[1]}`;

    const booked = await bookedAt(practice, freed.start);
    expect(booked).toHaveLength(1);
    const winner = booked[0]!.patientId === pia.patientId ? pia : quentin;
    const loser = winner === pia ? quentin : pia;
    expect(booked[0]!.patientId).toBe(winner.patientId);
    expect(all).toMatch(winner === pia ? /It is yours! Your appointment is booked for .* at 09:00/ : /C’est à vous/);
    expect(all).toMatch(loser === pia ? /has just been taken\. You stay on our waiting list/ : /vient d’être pris/);
    expect(await entryStatuses(practice, winner, loser)).toEqual(['booked', 'waiting']);
    expect(
      (await offerRows(practice, freed.appointmentId)).map((o) => [o.patientId === winner.patientId, o.state]),
    ).toEqual(
      expect.arrayContaining([
        [true, 'accepted'],
        [false, 'gone'],
      ]),
    );

    // Tapping again after: the winner hears it is theirs, the other that it has gone; nothing more is booked.
    expect(await tapAndRead(practice, winner, offerTo(offers, winner).take)).toMatch(/It is yours|C’est à vous/);
    expect(await tapAndRead(practice, loser, offerTo(offers, loser).take)).toMatch(/just been taken|vient d’être pris/);
    expect(await bookedAt(practice, freed.start)).toHaveLength(1);

    // The desk hears of the waitlist booking.
    const notes = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx.selectFrom('notifications').select(['kind', 'appointmentId']).where('kind', '=', 'waitlist_booked').execute(),
    );
    expect(notes).toEqual([{ kind: 'waitlist_booked', appointmentId: booked[0]!.id }]);
  });

  it('"No thanks" passes the time to the next patient at once; the patient stays on the list', async () => {
    const practice = await freshPractice({ batchSize: 1 });
    await offersSent();
    const rosa = await waiting(practice, 'Rosa');
    const sam = await waiting(practice, 'Sam');
    const freed = await freeTime(practice);
    const [offer] = await offersSent();
    expect(offer?.to).toBe(rosa.waId);
    expect(await tapAndRead(practice, rosa, offer!.decline, 'No thanks')).toMatch(/You stay on our waiting list/);
    expect((await offersSent()).map((o) => o.to)).toEqual([sam.waId]);
    expect(await entryStatuses(practice, rosa, sam)).toEqual(['waiting', 'offered']);
    expect((await offerRows(practice, freed.appointmentId)).map((o) => o.state)).toEqual(['declined', 'offered']);
    expect(await bookedAt(practice, freed.start)).toEqual([]);
  });

  it('the desk booked the time meanwhile: a later tap is told it has gone', async () => {
    const practice = await freshPractice();
    await offersSent();
    const tara = await waiting(practice, 'Tara');
    const freed = await freeTime(practice);
    const [offer] = await offersSent();
    await bookAppointment(t.ctx, {
      actor: reception,
      practiceId: practice.practiceId,
      booking: {
        appointmentTypeId: practice.checkup,
        providerId: practice.dentistId,
        chairId: practice.chair1,
        start: freed.start,
        source: 'phone',
        patientId: practice.patients[0]!.id,
      },
    });
    await runJobs(t);
    expect(await tapAndRead(practice, tara, offer!.take)).toMatch(/has just been taken/);
    expect(await appointmentsOf(t, practice.practiceId, tara.patientId)).toEqual([]);
    expect(await entryStatuses(practice, tara)).toEqual(['waiting']);
    expect((await offerRows(practice, freed.appointmentId)).map((o) => o.state)).toEqual(['gone']);
  });

  it('a forged or altered payload, or another patient’s offer, is never acted on', async () => {
    const practice = await freshPractice();
    await offersSent();
    const uma = await waiting(practice, 'Uma');
    const victor = await waiting(practice, 'Victor');
    const freed = await freeTime(practice);
    const offers = await offersSent();
    const own = offerTo(offers, uma);
    const forged = own.take.replace(/\.[^.]+$/, '.AAAAAAAAAAAAAAAAAAAAAA');
    const altered = own.decline.replace('rm1.wo.n.', 'rm1.wo.t.');
    for (const payload of [forged, altered, 'rm1.wo.t.garbage', offerTo(offers, victor).take])
      expect(await tapAndRead(practice, uma, payload)).toMatch(/could not read that reply.*call us on \+230 4641234/);
    expect(await bookedAt(practice, freed.start)).toEqual([]);
    expect((await offerRows(practice, freed.appointmentId)).map((o) => o.state)).toEqual(['offered', 'offered']);
    // The real button still works.
    expect(await tapAndRead(practice, uma, own.take)).toMatch(/It is yours/);
    expect((await bookedAt(practice, freed.start)).map((a) => a.patientId)).toEqual([uma.patientId]);
  });
});

describe('the patient’s data', () => {
  it('an export lists the offers made to the patient, an erasure deletes them', async () => {
    const practice = await freshPractice();
    await offersSent();
    const wanda = await waiting(practice, 'Wanda');
    const freed = await freeTime(practice);
    const who = { practiceId: practice.practiceId, patientId: wanda.patientId };
    const exported = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      remindersDataOwner.exportPatient(tx, { ...who, stores: sealedStoresOf(t.ctx) }),
    );
    expect(exported.waitlistOffers).toEqual([
      expect.objectContaining({ waitlistEntryId: wanda.entryId, start: freed.start.toISOString(), state: 'offered' }),
    ]);
    const erased = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      remindersDataOwner.erasePatient(tx, { ...who, actor: reception, stores: sealedStoresOf(t.ctx) }),
    );
    expect(erased.erased.waitlistOffers).toBe(1);
    expect(await offerRows(practice, freed.appointmentId)).toEqual([]);
  });
});

describe('Settings → Reminders → Waitlist offers', () => {
  it('the owner sets how many at a time and for how long; the desk reads them; out-of-range values are refused', async () => {
    const practice = await freshPractice();
    await offersSent();
    const url = `/api/v1/practices/${practice.practiceId}/reminders/waitlist-offer-settings`;
    const owner = await loggedIn(t.app, practice.owner);
    const desk = await loggedIn(t.app, practice.receptionist);
    const defaults = await desk.get(url);
    expect(defaults.statusCode).toBe(200);
    expect(defaults.json()).toEqual({ enabled: true, batchSize: 3, offerMinutes: 20, updatedAt: null });
    expect((await desk.request('PUT', url, { enabled: true, batchSize: 1, offerMinutes: 30 })).statusCode).toBe(403);
    for (const bad of [
      { enabled: true, batchSize: 0, offerMinutes: 30 },
      { enabled: true, batchSize: 11, offerMinutes: 30 },
      { enabled: true, batchSize: 1, offerMinutes: 4 },
    ]) {
      const refused = await owner.request('PUT', url, bad);
      expect(refused.statusCode, JSON.stringify(bad)).toBe(400);
      expect(refused.headers['content-type']).toMatch(/problem\+json/);
    }
    const saved = await owner.request('PUT', url, { enabled: true, batchSize: 1, offerMinutes: 30 });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ enabled: true, batchSize: 1, offerMinutes: 30 });

    const xena = await waiting(practice, 'Xena');
    await waiting(practice, 'Yann');
    const before = Date.now();
    const freed = await freeTime(practice);
    expect((await offersSent()).map((o) => o.to)).toEqual([xena.waId]);
    const [offer] = await offerRows(practice, freed.appointmentId);
    expect(offer!.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 30 * 60_000 - 1000);

    // Switched off: a freed time is offered to nobody.
    expect((await owner.request('PUT', url, { enabled: false, batchSize: 1, offerMinutes: 30 })).statusCode).toBe(200);
    await waiting(practice, 'Zoe');
    await freeTime(practice);
    expect(await offersSent()).toEqual([]);
  });
});
