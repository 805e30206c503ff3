import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/platform/access.js';
import { updateAppointmentType } from '../src/modules/scheduling/appointment-types.service.js';
import { updateProvider } from '../src/modules/scheduling/providers.service.js';
import { createClosure } from '../src/modules/scheduling/unavailability.service.js';
import {
  type AssistantPractice,
  appointmentsOf,
  assistantPractice,
  assistantStateOf,
  buttonsIn,
  conversationOfPhone,
  listIn,
  offersBehind,
  overlapsIn,
  patientPhone,
  patientsOnNumber,
  textOf,
  withinLimits,
} from './assistant-fixtures.js';
import type { TestApp } from './harness.js';
import { createWhatsAppTestApp, postWebhook, startFakeGraph, workers } from './whatsapp-fixtures.js';
import { WABA_ID, newWamid } from './whatsapp-helpers.js';

/**
 * What patients really send: emoji, voice notes and pictures where a choice is expected, very long
 * texts, foreign numbers, usernames without a phone, taps on lists days old; and the practice
 * changing things under a held time. Each gets a sensible answer or none; nothing crashes, nothing
 * is booked twice.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let practice: AssistantPractice;
const caller = () => ({ actor: systemActor('test'), practiceId: practice.practiceId });

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  practice = await assistantPractice(t);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});
afterEach(async () => {
  // No handler failed along the way (a failure would be retried, or kept as failed).
  const troubled = await t.db
    .selectFrom('jobs')
    .select(['name', 'lastError'])
    .where((eb) => eb.or([eb('state', '=', 'failed'), eb('attempts', '>', 1)]))
    .execute();
  expect(troubled).toEqual([]);
  expect(await overlapsIn(t, practice.practiceId)).toEqual([]);
});

const statusesOf = async (patientId: string) =>
  (await appointmentsOf(t, practice.practiceId, patientId)).map((a) => a.status);

/** A patient of the practice on their own number, with a time held for a check-up next week. */
async function holdingATime(givenName: string) {
  const phone = patientPhone(t, graph, practice);
  const [patientId] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
    { givenName, familyName: 'Testing' },
  ]);
  const list = listIn(await phone.says('Book a check-up next week'));
  const row = list.rows[0]!;
  const [offer] = await offersBehind(t, practice.practiceId, [row]);
  const confirm = buttonsIn(await phone.taps(row, 'list')).buttons[0]!;
  expect(await statusesOf(patientId!)).toEqual(['held']);
  return { phone, patientId: patientId!, confirm, offer: offer! };
}

describe('what patients send', () => {
  it('emoji only: the menu, then a person is offered; nothing breaks', async () => {
    const phone = patientPhone(t, graph, practice);
    const first = withinLimits(await phone.says('👍🙂'));
    expect(listIn(first).rows.map((r) => r.id)).toContain('menu:book');
    const second = withinLimits(await phone.says('🦷🦷🦷'));
    expect(buttonsIn(second).buttons.map((b) => b.id)).toContain('menu:human');
  });

  it('a voice note where a time is to be chosen, then a picture: asked to tap, then offered a person; the list still works', async () => {
    const phone = patientPhone(t, graph, practice);
    const [gina] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Gina', familyName: 'Ah-Kee' },
    ]);
    const list = listIn(await phone.says('Book a check-up next week'));
    const voice = withinLimits(await phone.sendsMedia('audio'));
    expect(textOf(voice)).toMatch(/tap one of the options/);
    expect(listIn(voice).rows.map((r) => r.id)).toEqual(list.rows.map((r) => r.id));
    const picture = withinLimits(await phone.sendsMedia('image'));
    expect(buttonsIn(picture).buttons.map((b) => b.id)).toContain('menu:human');
    buttonsIn(withinLimits(await phone.taps(list.rows[0]!, 'list')));
    expect(await statusesOf(gina!)).toEqual(['held']);
  });

  it('a picture when a name is asked: asked to type it', async () => {
    const phone = patientPhone(t, graph, practice);
    withinLimits(await phone.says('I want to book an appointment'));
    expect(textOf(withinLimits(await phone.sendsMedia('sticker')))).toMatch(/type your answer/);
    expect(textOf(withinLimits(await phone.says('Paul Bérenger')))).toMatch(/Paul's date of birth/);
  });

  it('4,000 characters: a short answer within WhatsApp’s limits that does not repeat the text, as a name too', async () => {
    const phone = patientPhone(t, graph, practice);
    const long = 'Lorem ipsum dolor sit amet '.repeat(149).slice(0, 4000);
    expect(long.length).toBe(4000);
    const replies = withinLimits(await phone.says(long));
    expect(replies.length).toBeGreaterThan(0);
    expect(JSON.stringify(replies)).not.toContain('Lorem ipsum dolor sit amet Lorem');
    withinLimits(await phone.says('I need an appointment'));
    const asName = withinLimits(await phone.says(long));
    expect(textOf(asName)).toMatch(/just the name/);
  });

  it('a number from another country registers with that number', async () => {
    const phone = patientPhone(t, graph, practice, { waId: '33612345678' });
    withinLimits(await phone.says('Bonjour, je voudrais un rendez-vous pour un contrôle'));
    withinLimits(await phone.says('Camille Durand'));
    const consent = buttonsIn(withinLimits(await phone.says('02/11/1990')));
    withinLimits(await phone.taps(consent.buttons[0]!));
    const phones = await t.db
      .selectFrom('patientPhones')
      .innerJoin('patients', 'patients.id', 'patientPhones.patientId')
      .select(['patients.givenName', 'patientPhones.e164'])
      .where('patientPhones.e164', '=', '+33612345678')
      .execute();
    expect(phones).toEqual([{ givenName: 'Camille', e164: '+33612345678' }]);
  });

  it('a username without a phone: stored for the inbox, no reply attempted, nothing fails', async () => {
    const userId = 'MU.4455667788';
    const raw = JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '23052000000', phone_number_id: practice.phoneNumberId },
                contacts: [{ profile: { name: 'dentfan' }, user_id: userId }],
                messages: [
                  {
                    from_user_id: userId,
                    id: newWamid(),
                    timestamp: String(Math.floor(Date.now() / 1000)),
                    type: 'text',
                    text: { body: 'Hi, I want to book a check-up next week' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    const before = graph.fake.sent.length;
    expect((await postWebhook(t, null, { raw })).statusCode).toBe(200);
    const w = workers(t);
    await w.processWebhooks();
    await w.send();
    expect(graph.fake.sent.length).toBe(before);
    const conversation = await t.db
      .selectFrom('whatsappConversations')
      .select(['id', 'waId'])
      .where('userId', '=', userId)
      .executeTakeFirstOrThrow();
    expect(conversation.waId).toBeNull();
    const origins = await t.db
      .selectFrom('whatsappMessages')
      .select('origin')
      .where('conversationId', '=', conversation.id)
      .execute();
    expect(origins.map((m) => m.origin)).toEqual(['patient']);
  });

  it('ids nobody issued (an edited handle, an unknown button) are answered without acting', async () => {
    const phone = patientPhone(t, graph, practice);
    const [yves] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Yves', familyName: 'Rose' },
    ]);
    listIn(await phone.says('Book a check-up next week'));
    for (const id of ['h:../../etc', 'h:ffffffffff', 'appt:not-a-uuid', 'who:other-patient', 'x'.repeat(300)])
      expect((await phone.taps({ id, title: 'Tue 8 Dec 10:30' }, 'list')).length).toBeGreaterThan(0);
    expect(await statusesOf(yves!)).toEqual([]);
  });

  it('a tap on a list three days old: the time is checked again and held', async () => {
    const phone = patientPhone(t, graph, practice);
    const [tina] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Tina', familyName: 'Lam' },
    ]);
    const list = listIn(await phone.says('Book a check-up next week'));
    const { conversationId } = await assistantStateOf(t, practice.practiceId, phone);
    await sql`UPDATE assistant_offers SET created_at = created_at - interval '3 days' WHERE conversation_id = ${conversationId}`.execute(
      t.db,
    );
    await sql`UPDATE assistant_conversations SET updated_at = updated_at - interval '3 days' WHERE conversation_id = ${conversationId}`.execute(
      t.db,
    );
    const held = buttonsIn(withinLimits(await phone.taps(list.rows[2]!, 'list')));
    expect(held.text).toMatch(/Tina\. Shall I confirm\?/);
    withinLimits(await phone.taps(held.buttons[0]!));
    expect(await statusesOf(tina!)).toEqual(['booked']);
  });
});

describe('the practice changes things while a time is held', () => {
  it('the visit type taken off WhatsApp: told plainly at Confirm, the hold released, nothing booked', async () => {
    const { phone, patientId, confirm } = await holdingATime('Hugo');
    await updateAppointmentType(t.ctx, { ...caller(), typeId: practice.checkup, patch: { whatsappBookable: false } });
    try {
      const replies = withinLimits(await phone.taps(confirm));
      expect(textOf(replies)).toMatch(/can no longer be booked here/);
      expect(await statusesOf(patientId)).toEqual([]);
      expect((await assistantStateOf(t, practice.practiceId, phone)).state?.name).toBe('idle');
    } finally {
      await updateAppointmentType(t.ctx, { ...caller(), typeId: practice.checkup, patch: { whatsappBookable: true } });
    }
  });

  it('the provider deactivated: told plainly at Confirm, the hold released, nothing booked with them', async () => {
    const { phone, patientId, confirm, offer } = await holdingATime('Iris');
    await updateProvider(t.ctx, { ...caller(), userId: offer.providerId, patch: { active: false } });
    try {
      const replies = withinLimits(await phone.taps(confirm));
      expect(textOf(replies)).toMatch(/no longer available/);
      const appointments = await appointmentsOf(t, practice.practiceId, patientId);
      expect(appointments.filter((a) => a.providerId === offer.providerId)).toEqual([]);
      expect(appointments.filter((a) => a.status === 'booked')).toEqual([]);
    } finally {
      await updateProvider(t.ctx, { ...caller(), userId: offer.providerId, patch: { active: true } });
    }
  });

  it('a closure added over the held time: told plainly at Confirm, the hold released, nothing booked then', async () => {
    const { phone, patientId, confirm, offer } = await holdingATime('Jade');
    const dayStart = new Date(offer.startsAt.getTime() - 2 * 3600_000);
    const closure = await createClosure(t.ctx, {
      ...caller(),
      closure: {
        start: dayStart.toISOString(),
        end: new Date(offer.startsAt.getTime() + 4 * 3600_000).toISOString(),
        reason: 'Power cut',
      },
    });
    expect(closure.id).toBeDefined();
    const replies = withinLimits(await phone.taps(confirm));
    expect(textOf(replies)).toMatch(/closed at that time/);
    const appointments = await appointmentsOf(t, practice.practiceId, patientId);
    expect(appointments.filter((a) => a.startsAt.getTime() === offer.startsAt.getTime())).toEqual([]);
    expect(appointments.filter((a) => a.status === 'booked')).toEqual([]);
    const state = await conversationOfPhone(t, phone);
    expect(state.owner).toBe('assistant');
  });
});
