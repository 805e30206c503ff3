import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/platform/errors.js';
import { systemActor } from '../src/platform/access.js';
import { createJobRunner } from '../src/platform/jobs.js';
import { inPractice } from '../src/platform/tenancy.js';
import { processWebhookDeliveries } from '../src/modules/messaging/inbound.service.js';
import { bookAppointment } from '../src/modules/scheduling/appointments.service.js';
import { MODULE_JOBS } from '../src/registry.js';
import {
  type AssistantPractice,
  type PatientPhone,
  appointmentsOf as appointmentsOfPatient,
  assistantPractice,
  buttonsIn,
  cleaningOnWhatsApp,
  listIn,
  offersBehind,
  overlapsIn,
  patientPhone,
  patientsOnNumber,
  textOf,
  withinLimits,
} from './assistant-fixtures.js';
import type { TestApp } from './harness.js';
import { createWhatsAppTestApp, startFakeGraph } from './whatsapp-fixtures.js';

/**
 * The booking assistant end to end: signed webhooks in, the fake Graph API out, the real calendar
 * and patients in between. Scripted conversations, each a patient on their own phone.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let practice: AssistantPractice;
/** A second practice whose cleaning (Détartrage, by "Dr Li") is bookable on WhatsApp too. */
let family: AssistantPractice;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  practice = await assistantPractice(t);
  family = await assistantPractice(t);
  await cleaningOnWhatsApp(t, family);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

async function appointmentsOf(patientId: string) {
  return appointmentsOfPatient(t, practice.practiceId, patientId);
}

describe('booking in the chat', () => {
  it('a known patient books a check-up: times as a list, said back in full, booked on Confirm, confirmed with the address', async () => {
    const phone = patientPhone(t, graph, practice);
    const [ravi] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Anil', familyName: 'Boodhoo', preferredLanguage: 'en' },
    ]);
    const first = withinLimits(await phone.says('Hi, I would like to book a check-up next week please'));
    const list = listIn(first);
    expect(list.rows.length).toBeGreaterThan(1);
    expect(list.rows.length).toBeLessThanOrEqual(10);
    for (const row of list.rows) expect(row.id).toMatch(/^h:[a-z0-9]+$/);
    const row = list.rows[1]!;
    const heldReplies = withinLimits(await phone.taps(row, 'list'));
    const confirm = buttonsIn(heldReplies);
    expect(confirm.text).toContain('Anil');
    expect(confirm.buttons.map((b) => b.id)).toEqual(['confirm', 'change']);
    const booked = withinLimits(await phone.taps(confirm.buttons[0]!));
    expect(textOf(booked)).toContain('12 Royal Road');
    const appointments = await appointmentsOf(ravi!);
    expect(appointments).toHaveLength(1);
    expect(appointments[0]).toMatchObject({ status: 'booked', source: 'whatsapp' });

    // Confirm pressed again: one booking still, and the patient is told it is booked.
    const again = await phone.taps(confirm.buttons[0]!);
    expect(again.length).toBeGreaterThan(0);
    expect(await appointmentsOf(ravi!)).toHaveLength(1);
  });

  it('a shared number: the assistant asks who it is for with first names only', async () => {
    const phone = patientPhone(t, graph, practice);
    await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Aisha', familyName: 'Joomun', preferredLanguage: 'fr' },
      { givenName: 'Inès', familyName: 'Joomun' },
      { givenName: 'Yanis', familyName: 'Joomun' },
    ]);
    const replies = withinLimits(await phone.says('Bonjour, je voudrais un rendez-vous la semaine prochaine'));
    const who = listIn(replies);
    const titles = who.rows.map((r) => r.title);
    expect(titles).toEqual(expect.arrayContaining(['Aisha', 'Inès', 'Yanis']));
    expect(JSON.stringify(replies)).not.toContain('Joomun');
    const ines = who.rows.find((r) => r.title === 'Inès')!;
    const times = withinLimits(await phone.taps(ines, 'list'));
    expect(listIn(times).rows[0]!.id).toMatch(/^h:/);
  });

  it('two patients racing for one time: exactly one gets it, the other is offered other times', async () => {
    const solo = await soloDentistPractice();
    const a = patientPhone(t, graph, solo);
    const b = patientPhone(t, graph, solo);
    await patientsOnNumber(t, solo.practiceId, a.e164, [{ givenName: 'Priya', familyName: 'Ramsurrun' }]);
    await patientsOnNumber(t, solo.practiceId, b.e164, [{ givenName: 'Kevin', familyName: 'Lam' }]);
    // An hour of one dentist has fewer free times than a list holds: both are offered all of them
    // (over a wider range each conversation is offered its own spread of times, so two rarely race).
    const listA = listIn(await a.says('Book a check-up next Monday at 10:30'));
    const listB = listIn(await b.says('Book a check-up next Monday at 10:30'));
    const rowA = listA.rows[0]!;
    const rowB = listB.rows.find((r) => r.title === rowA.title)!;
    expect(rowB).toBeDefined();
    buttonsIn(await a.taps(rowA, 'list'));
    const lost = withinLimits(await b.taps(rowB, 'list'));
    expect(textOf(lost)).toMatch(/taken/i);
    expect(listIn(lost).rows.map((r) => r.title)).not.toContain(rowA.title);
  });

  it('a time taken with its dentist since the list was sent is held with another dentist free then, who the say-back names', async () => {
    const phone = patientPhone(t, graph, practice);
    await patientsOnNumber(t, practice.practiceId, phone.e164, [{ givenName: 'Luc', familyName: 'Ng' }]);
    const row = listIn(await phone.says('Book a check-up next week')).rows[2]!;
    const offer = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx
        .selectFrom('assistantOffers')
        .select(['providerId', 'chairId', 'startsAt', 'appointmentTypeId'])
        .where('handle', '=', row.id.slice(2))
        .executeTakeFirstOrThrow(),
    );
    // Reception books that dentist at that time for someone else.
    await bookAppointment(t.ctx, {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      booking: {
        patientId: practice.patients[0]!.id,
        appointmentTypeId: offer.appointmentTypeId,
        providerId: offer.providerId,
        chairId: offer.chairId === practice.chair1 ? practice.chair2 : practice.chair1,
        start: offer.startsAt,
        source: 'staff',
      },
    });
    const sayBack = buttonsIn(withinLimits(await phone.taps(row, 'list')));
    expect(sayBack.buttons[0]!.id).toBe('confirm');
    const other = offer.providerId === practice.dentistId ? 'Dr Second' : 'Dr Owner';
    expect(sayBack.text).toContain(other);
    const [held] = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx
        .selectFrom('appointments')
        .select(['providerId', 'startsAt'])
        .where('status', '=', 'held')
        .where('startsAt', '=', offer.startsAt)
        .execute(),
    );
    expect(held!.providerId).not.toBe(offer.providerId);
  });

  it('a restart mid-conversation carries on from the stored state', async () => {
    const phone = patientPhone(t, graph, practice);
    await patientsOnNumber(t, practice.practiceId, phone.e164, [{ givenName: 'Zoe', familyName: 'Maurel' }]);
    const list = listIn(await phone.says('I want an appointment next week'));
    // A new process: nothing of the conversation is kept in memory.
    const state = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx.selectFrom('assistantConversations').select(sql<string>`state->>'name'`.as('name')).execute(),
    );
    expect(state.map((s) => s.name)).toContain('choosing_time');
    const held = buttonsIn(await phone.taps(list.rows[0]!, 'list'));
    expect(held.buttons[0]!.id).toBe('confirm');
  });
});

const MU = 'Indian/Mauritius';
/** Local reading of an instant in Mauritius: the weekday (1 = Monday), the date and the clock. */
function local(instant: Date) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: MU,
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return {
    weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.weekday!) + 1,
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/** The local dates of next week (Monday to Sunday) in Mauritius. */
function nextWeekDates(): string[] {
  const today = local(new Date());
  const monday = new Date(`${today.date}T12:00:00+04:00`).getTime() + (8 - today.weekday) * 86_400_000;
  return Array.from({ length: 7 }, (_, i) => local(new Date(monday + i * 86_400_000)).date);
}

/** "mardi 8 décembre" and "10 h 30", as a French reader expects them. */
function frenchDay(instant: Date) {
  const day = new Intl.DateTimeFormat('fr-FR', { timeZone: MU, weekday: 'long', day: 'numeric', month: 'long' }).format(
    instant,
  );
  const { hour, minute } = local(instant);
  return { day, clock: minute === 0 ? `${hour} h` : `${hour} h ${String(minute).padStart(2, '0')}` };
}

const timeRows = (replies: ReturnType<typeof listIn>) => replies.rows.filter((r) => r.id.startsWith('h:'));

describe('booking for a child on a shared number, in French (Aisha’s story)', () => {
  it('who it is for (first names only) → next week’s cleaning times with Dr Li → said back in full → booked with the address and how to cancel', async () => {
    const phone = patientPhone(t, graph, family);
    const [, ines] = await patientsOnNumber(t, family.practiceId, phone.e164, [
      { givenName: 'Aisha', familyName: 'Joomun', preferredLanguage: 'fr' },
      { givenName: 'Inès', familyName: 'Joomun' },
      { givenName: 'Yanis', familyName: 'Joomun' },
    ]);
    const first = withinLimits(
      await phone.says('Bonjour, je voudrais un rendez-vous pour un détartrage la semaine prochaine'),
    );
    const who = listIn(first);
    expect(who.text).toMatch(/Pour qui/);
    expect(who.rows.map((r) => r.title)).toEqual(['Aisha', 'Inès', 'Yanis', "Quelqu'un d'autre"]);
    expect(JSON.stringify(first)).not.toContain('Joomun');

    const timesReply = withinLimits(await phone.taps(who.rows[1]!, 'list'));
    const times = listIn(timesReply);
    const rows = timeRows(times);
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.length).toBeLessThanOrEqual(10);
    for (const row of rows) {
      expect(row.title).toMatch(/^(lun|mar|mer|jeu|ven|sam|dim)\. \d{1,2} \S+ \d{2}:\d{2}$/);
      expect(row.description).toBe('Dr Li');
    }
    // Visit type matched from "détartrage" (no question), times spread over next week only.
    const offers = await offersBehind(t, family.practiceId, rows);
    const week = nextWeekDates();
    for (const offer of offers) {
      expect(week).toContain(local(offer.startsAt).date);
      expect(offer.appointmentTypeId).toBe(family.cleaning);
      expect(offer.patientId).toBe(ines);
    }
    expect(new Set(offers.map((o) => local(o.startsAt).date)).size).toBeGreaterThan(1);

    const row = rows[2]!;
    const chosen = offers.find((o) => `h:${o.handle}` === row.id)!;
    const sayBack = buttonsIn(withinLimits(await phone.taps(row, 'list')));
    const { day, clock } = frenchDay(chosen.startsAt);
    const capitalised = day.charAt(0).toUpperCase() + day.slice(1);
    expect(sayBack.text).toContain(`${capitalised} à ${clock} avec le Dr Li, détartrage, pour Inès. Je confirme ?`);
    expect(sayBack.buttons).toEqual([
      { id: 'confirm', title: 'Confirmer' },
      { id: 'change', title: 'Changer' },
    ]);

    const booked = textOf(withinLimits(await phone.taps(sayBack.buttons[0]!)));
    expect(booked).toContain(`${day} à ${clock} avec le Dr Li`);
    expect(booked).toContain('12 Royal Road, Rose-Hill');
    expect(booked).toMatch(/annuler/);
    const appointments = await appointmentsOfPatient(t, family.practiceId, ines!);
    expect(appointments).toHaveLength(1);
    expect(appointments[0]).toMatchObject({
      status: 'booked',
      source: 'whatsapp',
      appointmentTypeId: family.cleaning,
      providerId: family.hygienist.id,
    });
    expect(appointments[0]!.startsAt.getTime()).toBe(chosen.startsAt.getTime());
  });

  it('no type named: the visit type is asked (only WhatsApp types), then when, then the times of that type', async () => {
    const phone = patientPhone(t, graph, family);
    const [sophie] = await patientsOnNumber(t, family.practiceId, phone.e164, [
      { givenName: 'Sophie', familyName: 'Lebrasse' },
    ]);
    const types = listIn(withinLimits(await phone.says('Bonjour, je voudrais prendre rendez-vous svp')));
    expect(types.text).toMatch(/type de visite/);
    expect(types.rows.map((r) => r.title).sort()).toEqual(['Contrôle', 'Détartrage']);
    const cleaning = types.rows.find((r) => r.title === 'Détartrage')!;
    const when = listIn(withinLimits(await phone.taps(cleaning, 'list')));
    expect(when.rows.map((r) => r.id)).toEqual(['earliest', 'week:this', 'week:next']);
    const times = listIn(withinLimits(await phone.taps(when.rows[2]!, 'list')));
    const offers = await offersBehind(t, family.practiceId, timeRows(times));
    expect(offers.length).toBeGreaterThan(0);
    for (const offer of offers) {
      expect(offer).toMatchObject({ appointmentTypeId: family.cleaning, patientId: sophie });
      expect(nextWeekDates()).toContain(local(offer.startsAt).date);
    }
  });

  it('a typed visit type is matched ("un contrôle") and a typed day narrows the times', async () => {
    const phone = patientPhone(t, graph, family);
    await patientsOnNumber(t, family.practiceId, phone.e164, [{ givenName: 'Marc', familyName: 'Ah-Kong' }]);
    listIn(withinLimits(await phone.says('Je voudrais un rendez-vous')));
    const when = listIn(withinLimits(await phone.says('un contrôle')));
    expect(when.rows[0]!.id).toBe('earliest');
    const times = listIn(withinLimits(await phone.says('vendredi après-midi')));
    const offers = await offersBehind(t, family.practiceId, timeRows(times));
    expect(offers.length).toBeGreaterThan(0);
    for (const offer of offers) {
      expect(offer.appointmentTypeId).toBe(family.checkup);
      expect(local(offer.startsAt)).toMatchObject({ weekday: 5 });
      expect(local(offer.startsAt).hour).toBeGreaterThanOrEqual(12);
    }
  });
});

describe('Creole', () => {
  it('"Mo anvi pran randevou zedi gramatin" offers Thursday-morning times only, in Creole', async () => {
    const phone = patientPhone(t, graph, practice);
    await patientsOnNumber(t, practice.practiceId, phone.e164, [{ givenName: 'Jessen', familyName: 'Ramdin' }]);
    const list = listIn(withinLimits(await phone.says('Mo anvi pran randevou zedi gramatin')));
    const rows = timeRows(list);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.title).toMatch(/^zed /);
    const offers = await offersBehind(t, practice.practiceId, rows);
    for (const offer of offers) {
      expect(local(offer.startsAt).weekday).toBe(4);
      expect(local(offer.startsAt).hour).toBeLessThan(12);
    }
    const held = buttonsIn(withinLimits(await phone.taps(rows[0]!, 'list')));
    expect(held.text).toMatch(/Zedi/);
  });
});

describe('taps on older lists, and Confirm twice', () => {
  it('a row of an earlier list in the same flow is checked again and booked while it is free', async () => {
    const phone = patientPhone(t, graph, practice);
    const [anjali] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Anjali', familyName: 'Beeharry' },
    ]);
    const older = listIn(await phone.says('Book a check-up next week'));
    const newer = listIn(withinLimits(await phone.says('this week rather')));
    expect(newer.rows[0]!.id).not.toBe(older.rows[0]!.id);
    const row = timeRows(older)[3]!;
    const [offer] = await offersBehind(t, practice.practiceId, [row]);
    const held = buttonsIn(withinLimits(await phone.taps(row, 'list')));
    expect(held.buttons[0]!.id).toBe('confirm');
    withinLimits(await phone.taps(held.buttons[0]!));
    const [booked] = await appointmentsOf(anjali!);
    expect(booked).toMatchObject({ status: 'booked', source: 'whatsapp' });
    expect(booked!.startsAt.getTime()).toBe(offer!.startsAt.getTime());
  });

  it('a row whose time was taken meanwhile is not booked: the patient is told and offered new times', async () => {
    const phone = patientPhone(t, graph, practice);
    const [kavish] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Kavish', familyName: 'Seetul' },
    ]);
    const list = listIn(await phone.says('I would like a check-up next week'));
    const row = timeRows(list)[0]!;
    const [offer] = await offersBehind(t, practice.practiceId, [row]);
    // Reception books that very time for people on the phone, with both dentists (each on a chair).
    const otherDentist = offer!.providerId === practice.dentistId ? practice.dentist.id : practice.dentistId;
    const otherChair = offer!.chairId === practice.chair1 ? practice.chair2 : practice.chair1;
    for (const [providerId, chairId, patient] of [
      [offer!.providerId, offer!.chairId, practice.patients[0]!],
      [otherDentist, otherChair, practice.patients[1]!],
    ] as const)
      await bookAppointment(t.ctx, {
        actor: systemActor('reception'),
        practiceId: practice.practiceId,
        booking: {
          appointmentTypeId: offer!.appointmentTypeId,
          providerId,
          chairId,
          start: offer!.startsAt,
          source: 'phone',
          patientId: patient.id,
        },
      }).catch((err: unknown) => {
        // The other dentist may not work then: nothing to take.
        if (providerId === offer!.providerId || !(err instanceof AppError)) throw err;
      });
    const replies = withinLimits(await phone.taps(row, 'list'));
    expect(textOf(replies)).toMatch(/taken|no longer available/i);
    const again = timeRows(listIn(replies));
    const offered = await offersBehind(t, practice.practiceId, again);
    expect(
      offered.some((o) => o.providerId === offer!.providerId && o.startsAt.getTime() === offer!.startsAt.getTime()),
    ).toBe(false);
    expect(await appointmentsOf(kavish!)).toHaveLength(0);
  });

  it('a handle from another conversation does not resolve: nothing is held for either patient', async () => {
    const a = patientPhone(t, graph, practice);
    const b = patientPhone(t, graph, practice);
    const [alice] = await patientsOnNumber(t, practice.practiceId, a.e164, [{ givenName: 'Alice', familyName: 'Li' }]);
    const [bruno] = await patientsOnNumber(t, practice.practiceId, b.e164, [{ givenName: 'Bruno', familyName: 'Ng' }]);
    const listA = listIn(await a.says('Book a check-up next week'));
    const stolen = timeRows(listA)[0]!;
    const replies = withinLimits(await b.taps(stolen, 'list'));
    expect(replies.length).toBeGreaterThan(0);
    expect(JSON.stringify(replies)).not.toContain('confirm');
    expect(await appointmentsOf(alice!)).toHaveLength(0);
    expect(await appointmentsOf(bruno!)).toHaveLength(0);
    // Alice's own list still works for her.
    expect(buttonsIn(await a.taps(stolen, 'list')).text).toContain('Alice');
  });

  it('Confirm tapped twice before either is answered books once, and both taps get an answer', async () => {
    const phone = patientPhone(t, graph, practice);
    const [nadia] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Nadia', familyName: 'Peerun' },
    ]);
    const list = listIn(await phone.says('Book a check-up next week'));
    const confirm = buttonsIn(await phone.taps(timeRows(list)[1]!, 'list')).buttons[0]!;
    await phone.posts.taps(confirm);
    await phone.posts.taps(confirm);
    const replies = withinLimits(await phone.settle());
    expect(replies.length).toBeGreaterThanOrEqual(2);
    expect(textOf(replies)).toMatch(/booked/);
    const appointments = await appointmentsOf(nadia!);
    expect(appointments.filter((a) => a.status === 'booked')).toHaveLength(1);
  });
});

/** Two workers, each taking one job at a time, run the answers at the same moment. */
/** A practice where one dentist does check-ups (the second is away): a time is one slot, raced for. */
async function soloDentistPractice() {
  const solo = await assistantPractice(t);
  await inPractice(t.ctx.db, solo.practiceId, (tx) =>
    tx.updateTable('providers').set({ active: false }).where('userId', '=', solo.dentist.id).execute(),
  );
  return solo;
}

async function twoWorkersAtOnce() {
  for (;;) if ((await processWebhookDeliveries(t.ctx)).processed === 0) break;
  const runner = () =>
    createJobRunner({
      db: t.ctx.db,
      ctx: t.ctx,
      logger: t.ctx.logger,
      definitions: MODULE_JOBS.flatMap((m) => m.jobs),
      concurrency: 1,
    });
  await Promise.all([runner().runDue(), runner().runDue()]);
}

describe('two patients tapping the same time at the same moment', () => {
  it('both taps processed by two workers at once: one holds it, the other is offered other times; never an overlap', async () => {
    const solo = await soloDentistPractice();
    for (let round = 0; round < 3; round++) {
      const phones: PatientPhone[] = [patientPhone(t, graph, solo), patientPhone(t, graph, solo)];
      const ids: string[] = [];
      for (const [i, phone] of phones.entries())
        ids.push(
          ...(await patientsOnNumber(t, solo.practiceId, phone.e164, [
            { givenName: `Racer${round}${i}`, familyName: 'Concurrent' },
          ])),
        );
      const lists = [];
      // An hour of one dentist (on another day each round): both are offered the same few times.
      const day = ['Monday', 'Tuesday', 'Wednesday'][round]!;
      for (const phone of phones) lists.push(listIn(await phone.says(`Book a check-up next ${day} at 9:00`)));
      const rowA = timeRows(lists[0]!)[0]!;
      const rowB = lists[1]!.rows.find((r) => r.title === rowA.title)!;
      expect(rowB).toBeDefined();
      await phones[0]!.posts.taps(rowA, 'list');
      await phones[1]!.posts.taps(rowB, 'list');
      await twoWorkersAtOnce();
      const replies = [withinLimits(await phones[0]!.settle()), withinLimits(await phones[1]!.settle())];
      const holders = replies.filter((r) => r.some((reply) => reply.buttons[0]?.id === 'confirm'));
      expect(holders, JSON.stringify(replies.map((r) => r.map((x) => x.text)))).toHaveLength(1);
      const loser = replies.find((r) => !holders.includes(r))!;
      expect(textOf(loser)).toMatch(/taken/i);
      expect(timeRows(listIn(loser)).length).toBeGreaterThan(0);
      // The winner confirms; the calendar never holds two visits at once on one provider or chair.
      const winner = phones[replies.indexOf(holders[0]!)]!;
      await winner.taps(buttonsIn(holders[0]!).buttons[0]!);
      const booked = (await Promise.all(ids.map((id) => appointmentsOfPatient(t, solo.practiceId, id)))).flat();
      expect(booked.filter((a) => a.status === 'booked')).toHaveLength(1);
      expect(await overlapsIn(t, solo.practiceId)).toEqual([]);
    }
  });
});

describe('one patient, two workers', () => {
  it('two messages of one conversation taken by two workers at once are answered in turn, and a double Confirm books once', async () => {
    const phone = patientPhone(t, graph, practice);
    const [farah] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Farah', familyName: 'Jhumka' },
    ]);
    await phone.posts.says('Book a check-up next week');
    await phone.posts.says('What is your address?');
    await twoWorkersAtOnce();
    const first = await phone.settle();
    expect(first.some((r) => r.rows.some((row) => row.id.startsWith('h:')))).toBe(true);
    expect(textOf(first)).toContain('12 Royal Road');

    const confirm = buttonsIn(await phone.taps(timeRows(listIn(first))[0]!, 'list')).buttons[0]!;
    await phone.posts.taps(confirm);
    await phone.posts.taps(confirm);
    await twoWorkersAtOnce();
    const replies = await phone.settle();
    expect(textOf(replies)).toMatch(/booked/);
    expect((await appointmentsOf(farah!)).map((a) => a.status)).toEqual(['booked']);
  });
});
