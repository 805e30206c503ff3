import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/platform/access.js';
import { saveAssistantSettings } from '../src/modules/assistant/settings.service.js';
import { bookAppointment } from '../src/modules/scheduling/appointments.service.js';
import {
  type AssistantPractice,
  assistantPractice,
  buttonsIn,
  listIn,
  patientPhone,
  patientsOnNumber,
  textOf,
  withinLimits,
} from './assistant-fixtures.js';
import { type TestApp, loggedIn } from './harness.js';
import { mu, nextMonday } from './scheduling-fixtures.js';
import { createWhatsAppTestApp, startFakeGraph } from './whatsapp-fixtures.js';

/**
 * Questions the assistant answers in one message (opening hours, address, prices, my
 * appointments), in the patient's language, without losing a booking under way.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let practice: AssistantPractice;
let published: { nameEn: string; nameFr: string }[] = [];

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  practice = await assistantPractice(t);
  // Saturday mornings only (the fixture opens Monday to Saturday all day).
  await t.db
    .updateTable('openingHours')
    .set({ endMinute: 12 * 60 })
    .where('practiceId', '=', practice.practiceId)
    .where('weekday', '=', 6)
    .execute();
  const owner = await loggedIn(t.app, practice.owner);
  const res = await owner.post(`/api/v1/practices/${practice.practiceId}/price-list/import-defaults`);
  expect(res.statusCode, res.body).toBe(200);
  const items = (res.json() as { items: { id: string; nameEn: string; nameFr: string }[] }).items.slice(0, 2);
  published = items;
  await saveAssistantSettings(t.ctx, {
    actor: systemActor('test'),
    practiceId: practice.practiceId,
    patch: { publishedPriceItemIds: items.map((i) => i.id) },
  });
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

describe('answers in one message', () => {
  it('Creole: "Ki ler zot ouver samdi?" gets Saturday’s hours, in Creole', async () => {
    const phone = patientPhone(t, graph, practice);
    const replies = withinLimits(await phone.says('Ki ler zot ouver samdi?'));
    const text = textOf(replies);
    expect(text).toMatch(/Samdi/);
    expect(text).toMatch(/8h–12h/);
    expect(text).not.toMatch(/17/);
    // The whole week when no day is named, closed on Sunday.
    const week = textOf(withinLimits(await phone.says('Ki ler zot ouver?')));
    expect(week).toMatch(/Dimans/);
  });

  it('French: the address with the phone number; English: the week’s opening hours from the menu', async () => {
    const french = patientPhone(t, graph, practice);
    const address = textOf(withinLimits(await french.says('Bonjour, quelle est votre adresse ?')));
    expect(address).toContain('Notre adresse : 12 Royal Road, Rose-Hill');
    expect(address).toContain('+230 4641234');

    const english = patientPhone(t, graph, practice);
    const menu = listIn(withinLimits(await english.says('Hello')));
    expect(menu.text).toMatch(/automated assistant/);
    const hours = textOf(
      withinLimits(await english.taps(menu.rows.find((r) => r.id === 'menu:opening_hours')!, 'list')),
    );
    expect(hours).toMatch(/Monday–Friday: 08:00–17:00/);
    expect(hours).toMatch(/Saturday: 08:00–12:00/);
    expect(hours).toMatch(/Sunday: closed/);
  });

  it('prices: only the items the practice published, in rupees, named in the patient’s language', async () => {
    const english = patientPhone(t, graph, practice);
    const en = textOf(withinLimits(await english.says('How much does it cost?')));
    for (const item of published) expect(en).toContain(item.nameEn);
    expect(en).toMatch(/Rs/);
    const french = patientPhone(t, graph, practice);
    const fr = textOf(withinLimits(await french.says('Quels sont vos tarifs ?')));
    for (const item of published) expect(fr).toContain(item.nameFr);
    expect(fr).toMatch(/Nos tarifs/);
  });

  it('my appointments on a shared number: this number’s patients only, first names and times, no visit details', async () => {
    const phone = patientPhone(t, graph, practice);
    const [mum, girl] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Reshma', familyName: 'Sookun' },
      { givenName: 'Tara', familyName: 'Sookun' },
    ]);
    const neighbour = patientPhone(t, graph, practice);
    const [other] = await patientsOnNumber(t, practice.practiceId, neighbour.e164, [
      { givenName: 'Zainab', familyName: 'Atchia' },
    ]);
    const day = nextMonday(new Date(Date.now() + 7 * 86_400_000));
    const book = (patientId: string, time: string) =>
      bookAppointment(t.ctx, {
        actor: systemActor('reception'),
        practiceId: practice.practiceId,
        booking: {
          appointmentTypeId: practice.checkup,
          providerId: practice.dentistId,
          chairId: practice.chair1,
          start: mu(day, time),
          source: 'phone',
          patientId,
          notes: 'Sensitive upper left molar',
        },
      });
    await book(mum!, '09:00');
    await book(girl!, '10:00');
    await book(other!, '11:00');
    const text = textOf(withinLimits(await phone.says('When is my next appointment?')));
    expect(text).toMatch(/Your upcoming appointments/);
    expect(text).toMatch(/09:00 – Reshma, Dr Owner/);
    expect(text).toMatch(/10:00 – Tara, Dr Owner/);
    expect(text).not.toMatch(/Zainab|11:00|Sookun|molar/);
  });

  it('a question in the middle of a booking is answered, and the booking carries on where it was', async () => {
    const phone = patientPhone(t, graph, practice);
    await patientsOnNumber(t, practice.practiceId, phone.e164, [{ givenName: 'Ashwin', familyName: 'Jugoo' }]);
    const list = listIn(withinLimits(await phone.says('Can I book a check-up next week?')));
    const answer = textOf(withinLimits(await phone.says("What's your address?")));
    expect(answer).toContain('12 Royal Road');
    expect(answer).toMatch(/answer my last question/);
    const held = buttonsIn(withinLimits(await phone.taps(list.rows[0]!, 'list')));
    expect(held.text).toMatch(/Ashwin\. Shall I confirm\?/);
    expect(textOf(withinLimits(await phone.says('thanks')))).toMatch(/welcome/i);
  });

  it('switching to French mid-booking: the rest of the booking, visit type included, is said in French', async () => {
    const phone = patientPhone(t, graph, practice);
    await patientsOnNumber(t, practice.practiceId, phone.e164, [{ givenName: 'Nicolas', familyName: 'Adam' }]);
    const list = listIn(await phone.says('I would like to book a check-up next week'));
    const switched = await phone.says('en français svp');
    expect(textOf(switched)).toMatch(/je vous écris en français/);
    const rows = listIn(switched).rows.filter((r) => r.id.startsWith('h:'));
    expect(rows[0]!.title).toMatch(/^(lun|mar|mer|jeu|ven|sam|dim)\. /);
    const sayBack = buttonsIn(await phone.taps(list.rows[0]!, 'list'));
    expect(sayBack.text).toMatch(/contrôle, pour Nicolas\. Je confirme \?/);
    expect(sayBack.buttons[0]!.title).toBe('Confirmer');
  });
});
