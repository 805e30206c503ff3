import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inPractice } from '../src/platform/tenancy.js';
import {
  type AssistantPractice,
  appointmentsOf,
  assistantPractice,
  buttonsIn,
  conversationOfPhone,
  listIn,
  patientPhone,
  patientsOnNumber,
  textOf,
  withinLimits,
} from './assistant-fixtures.js';
import type { TestApp } from './harness.js';
import { createWhatsAppTestApp, startFakeGraph } from './whatsapp-fixtures.js';

/**
 * New patients in the chat: an unknown number is asked for a full name, a date of birth and consent
 * before anything is booked; the record is created from WhatsApp, or handed to staff when it looks
 * like someone the practice knows already.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let practice: AssistantPractice;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  practice = await assistantPractice(t);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

/** Patients of the practice reachable on this number. */
async function patientsWithNumber(e164: string) {
  return inPractice(t.ctx.db, practice.practiceId, (tx) =>
    tx
      .selectFrom('patients')
      .innerJoin('patientPhones', 'patientPhones.patientId', 'patients.id')
      .select([
        'patients.id',
        'patients.givenName',
        'patients.familyName',
        'patients.dateOfBirth',
        'patients.registeredVia',
        'patients.preferredLanguage',
        'patientPhones.isWhatsapp',
      ])
      .where('patientPhones.e164', '=', e164)
      .orderBy('patients.createdAt')
      .execute(),
  );
}

async function consentsOf(conversationId: string) {
  return inPractice(t.ctx.db, practice.practiceId, (tx) =>
    tx
      .selectFrom('assistantConsents')
      .select(['patientId', 'granted', 'wording', 'language', 'givenAt'])
      .where('conversationId', '=', conversationId)
      .execute(),
  );
}

const dateOf = (value: unknown) =>
  value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);

describe('a new patient registers in the chat', () => {
  it('English: full name (one word asked again), bad dates asked again, consent yes → a record from WhatsApp, consent kept with its wording, then the booking', async () => {
    const phone = patientPhone(t, graph, practice);
    const greeting = withinLimits(await phone.says("Hi, I'd like to book a check-up next week"));
    expect(textOf(greeting)).toMatch(/automated assistant/i);
    expect(textOf(greeting)).toMatch(/full name/i);

    expect(textOf(withinLimits(await phone.says('Mary')))).toMatch(/first name and the surname/i);
    expect(textOf(withinLimits(await phone.says('Mary-Jane Perrine')))).toMatch(/Mary-Jane's date of birth/);

    expect(textOf(withinLimits(await phone.says('the thirty-second of Smarch')))).toMatch(/couldn't read/i);
    expect(textOf(withinLimits(await phone.says('31/02/1990')))).toMatch(/couldn't read|check/i);
    expect(textOf(withinLimits(await phone.says('12/03/2090')))).toMatch(/future/i);
    expect(await patientsWithNumber(phone.e164)).toHaveLength(0);

    const consent = buttonsIn(withinLimits(await phone.says('12/03/1985')));
    expect(consent.text).toMatch(/contact you on this WhatsApp number/);
    expect(consent.buttons.map((b) => b.id)).toEqual(['consent_yes', 'consent_no']);

    const registered = withinLimits(await phone.taps(consent.buttons[0]!));
    const [created, ...others] = await patientsWithNumber(phone.e164);
    expect(others).toHaveLength(0);
    expect(created).toMatchObject({
      givenName: 'Mary-Jane',
      familyName: 'Perrine',
      registeredVia: 'whatsapp',
      isWhatsapp: true,
    });
    expect(dateOf(created!.dateOfBirth)).toBe('1985-03-12');
    const conversation = await conversationOfPhone(t, phone);
    const consents = await consentsOf(conversation.id);
    expect(consents).toHaveLength(1);
    expect(consents[0]).toMatchObject({ patientId: created!.id, granted: true, language: 'en' });
    expect(consents[0]!.wording).toBe(consent.text);

    // The booking carries on: check-up next week, then booked for the new patient.
    const times = listIn(registered);
    const held = buttonsIn(withinLimits(await phone.taps(times.rows[0]!, 'list')));
    expect(held.text).toContain('Mary-Jane');
    const booked = withinLimits(await phone.taps(held.buttons[0]!));
    expect(textOf(booked)).toMatch(/booked/i);
    const appointments = await appointmentsOf(t, practice.practiceId, created!.id);
    expect(appointments).toMatchObject([{ status: 'booked', source: 'whatsapp' }]);
  });

  it('French: consent refused → nothing is created, and the practice’s phone is given', async () => {
    const phone = patientPhone(t, graph, practice);
    const first = withinLimits(await phone.says('Bonjour, je voudrais prendre un rendez-vous'));
    expect(textOf(first)).toMatch(/prénom et le nom/);
    expect(textOf(withinLimits(await phone.says('Jean-Claude Moutou')))).toMatch(/date de naissance de Jean-Claude/);
    const consent = buttonsIn(withinLimits(await phone.says('05/05/1978')));
    expect(consent.text).toMatch(/Acceptez-vous/);
    const refused = withinLimits(await phone.taps(consent.buttons[1]!));
    expect(textOf(refused)).toContain('+230 4641234');
    expect(await patientsWithNumber(phone.e164)).toHaveLength(0);
    const conversation = await conversationOfPhone(t, phone);
    expect((await consentsOf(conversation.id)).filter((c) => c.granted)).toHaveLength(0);
    // Writing again starts afresh: still an unknown number.
    expect(textOf(withinLimits(await phone.says('Je voudrais un rendez-vous')))).toMatch(/prénom et le nom/);
  });

  it('Creole: a typed "wi" gives consent, and the record keeps Creole as its language', async () => {
    const phone = patientPhone(t, graph, practice);
    const first = withinLimits(await phone.says('Bonzour, mo anvi pran enn randevou semenn prosenn'));
    expect(textOf(first).length).toBeGreaterThan(0);
    withinLimits(await phone.says('Vikash Doorgakant'));
    buttonsIn(withinLimits(await phone.says('21/07/1992')));
    const registered = withinLimits(await phone.says('wi'));
    const [created] = await patientsWithNumber(phone.e164);
    expect(created).toMatchObject({ givenName: 'Vikash', registeredVia: 'whatsapp', preferredLanguage: 'mfe' });
    expect(listIn(registered).rows.length).toBeGreaterThan(0);
  });

  it('a likely duplicate (same name and birth date as a patient on another number) goes to staff, and no second record is made', async () => {
    const known = patientPhone(t, graph, practice);
    const [existing] = await patientsOnNumber(t, practice.practiceId, known.e164, [
      { givenName: 'Priya', familyName: 'Ramsurrun', dateOfBirth: '1990-04-14' },
    ]);
    const phone = patientPhone(t, graph, practice);
    withinLimits(await phone.says('I want to book an appointment'));
    withinLimits(await phone.says('Priya Ramsurrun'));
    const consent = buttonsIn(withinLimits(await phone.says('14/04/1990')));
    const handed = withinLimits(await phone.taps(consent.buttons[0]!));
    expect(textOf(handed)).toMatch(/member of the team/i);
    expect(await patientsWithNumber(phone.e164)).toHaveLength(0);
    const samePerson = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx
        .selectFrom('patients')
        .select('id')
        .where('givenName', '=', 'Priya')
        .where('familyName', '=', 'Ramsurrun')
        .execute(),
    );
    expect(samePerson.map((p) => p.id)).toEqual([existing]);
    const conversation = await conversationOfPhone(t, phone);
    expect(conversation).toMatchObject({ owner: 'staff', needsHuman: true, handoverReason: 'possible_duplicate' });
    // While staff own it, the assistant says nothing.
    expect(await phone.says('Hello?')).toEqual([]);
  });

  it('"someone else" on a shared number registers the child on that number (the shared phone is no duplicate)', async () => {
    const phone = patientPhone(t, graph, practice);
    await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Aisha', familyName: 'Joomun', dateOfBirth: '1986-02-01', preferredLanguage: 'fr' },
      { givenName: 'Inès', familyName: 'Joomun', dateOfBirth: '2015-06-30' },
    ]);
    const who = listIn(withinLimits(await phone.says('Bonjour, je voudrais un rendez-vous pour un contrôle')));
    const other = who.rows.find((r) => r.id === 'who:other')!;
    expect(textOf(withinLimits(await phone.taps(other, 'list')))).toMatch(/prénom et le nom/);
    withinLimits(await phone.says('Noah Joomun'));
    const consent = buttonsIn(withinLimits(await phone.says('03/09/2018')));
    const after = withinLimits(await phone.taps(consent.buttons[0]!));
    const onNumber = await patientsWithNumber(phone.e164);
    expect(onNumber.map((p) => p.givenName)).toEqual(['Aisha', 'Inès', 'Noah']);
    expect(onNumber[2]).toMatchObject({ registeredVia: 'whatsapp' });
    expect((await conversationOfPhone(t, phone)).owner).toBe('assistant');
    // The booking goes on for Noah: when is asked next.
    expect(textOf(after)).toMatch(/Quand/);
  });
});
