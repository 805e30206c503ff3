import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/platform/access.js';
import { saveAssistantSettings } from '../src/modules/assistant/settings.service.js';
import {
  type AssistantPractice,
  type PatientPhone,
  assistantPractice,
  buttonsIn,
  conversationOfPhone,
  listIn,
  patientPhone,
  patientsOnNumber,
  textOf,
  withinLimits,
} from './assistant-fixtures.js';
import { type Client, type TestApp, loggedIn } from './harness.js';
import { createWhatsAppTestApp, startFakeGraph, workers } from './whatsapp-fixtures.js';
import { inbox } from './whatsapp-helpers.js';

/**
 * A person or the assistant, never both: urgent messages and "talk to someone" go to the staff
 * inbox at once, the assistant stays silent while a person owns the conversation, and answers
 * again once staff hand it back or the conversation has gone quiet.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let practice: AssistantPractice;
let reception: Client;

const OWN_EMERGENCY =
  'For severe pain after hours call Dr Owner on +230 5999 0000. Swelling with fever: go to the hospital.';
const OWN_EMERGENCY_FR =
  'Douleur forte en dehors des heures : appelez le Dr Owner au +230 5999 0000. Joue gonflée avec fièvre : allez aux urgences.';

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  practice = await assistantPractice(t, { emergencyEn: OWN_EMERGENCY, emergencyFr: OWN_EMERGENCY_FR });
  reception = await loggedIn(t.app, practice.receptionist);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

const staffInbox = () => inbox(reception, practice.practiceId);

/** Staff give the conversation back to the assistant, as the inbox's button does. */
async function handBack(phone: PatientPhone) {
  const conversation = await conversationOfPhone(t, phone);
  const res = await reception.patch(`${staffInbox().base}/${conversation.id}`, { owner: 'assistant' });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.json()).toMatchObject({ owner: 'assistant', needsHuman: false, handover: null });
}

describe('urgent symptoms', () => {
  it('gets the practice’s emergency instructions at once, staff own it (urgent), silence until they hand it back', async () => {
    const phone = patientPhone(t, graph, practice);
    await patientsOnNumber(t, practice.practiceId, phone.e164, [{ givenName: 'Noor', familyName: 'Bhugaloo' }]);
    const replies = withinLimits(await phone.says('I have a terrible toothache and my face is swollen'));
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text.startsWith(OWN_EMERGENCY)).toBe(true);
    expect(replies[0]!.text).toMatch(/member of the team has been told/);
    const conversation = await conversationOfPhone(t, phone);
    expect(conversation).toMatchObject({ owner: 'staff', needsHuman: true, handoverReason: 'urgent' });
    const detail = await staffInbox().detail(conversation.id);
    expect(detail).toMatchObject({ owner: 'staff', needsHuman: true, handover: { reason: 'urgent' } });

    expect(await phone.says('Hello? Is anyone there?')).toEqual([]);
    expect(await phone.says('I want to book a check-up')).toEqual([]);

    await handBack(phone);
    const again = withinLimits(await phone.says('Hello'));
    expect(listIn(again).rows.map((r) => r.id)).toContain('menu:book');
  });

  it('French: the practice’s French instructions, and that a person has been told, in French', async () => {
    const phone = patientPhone(t, graph, practice);
    const replies = withinLimits(await phone.says("J'ai une rage de dents terrible et la joue gonflée"));
    const text = textOf(replies);
    expect(text.startsWith(OWN_EMERGENCY_FR)).toBe(true);
    expect(text).toMatch(/membre de l'équipe est prévenu/);
    expect(await conversationOfPhone(t, phone)).toMatchObject({ owner: 'staff', handoverReason: 'urgent' });
  });
});

describe('asking for a person', () => {
  it('"talk to someone" → handed over (asked); staff answer from the inbox and the assistant stays out of it', async () => {
    const phone = patientPhone(t, graph, practice);
    const handed = withinLimits(await phone.says('Can I talk to someone please'));
    expect(textOf(handed)).toMatch(/member of the team will reply/);
    const conversation = await conversationOfPhone(t, phone);
    expect(conversation).toMatchObject({ owner: 'staff', needsHuman: true, handoverReason: 'asked' });

    const sent = await staffInbox().send(conversation.id, { type: 'text', body: 'Hello, this is Marie at reception.' });
    expect(sent.statusCode, sent.body).toBeLessThan(300);
    const fromStaff = await phone.settle();
    expect(textOf(fromStaff)).toBe('Hello, this is Marie at reception.');
    expect(await phone.says('Thanks Marie, can I come Tuesday?')).toEqual([]);
    const origins = (await staffInbox().messages(conversation.id)).map((m) => m.origin);
    expect(origins.filter((o) => o === 'assistant')).toHaveLength(1);
  });

  it('after a person answered, a conversation quiet for longer than the settings’ hours is the assistant’s again', async () => {
    const phone = patientPhone(t, graph, practice);
    withinLimits(await phone.says('I want to speak to a person'));
    const conversation = await conversationOfPhone(t, phone);
    await staffInbox().send(conversation.id, { type: 'text', body: 'Hi, how can we help?' });
    await phone.settle();
    expect(await phone.says('ok')).toEqual([]);
    await sql`UPDATE whatsapp_conversations
      SET owner_since = owner_since - interval '13 hours', last_message_at = last_message_at - interval '13 hours'
      WHERE id = ${conversation.id}`.execute(t.db);
    await sql`UPDATE whatsapp_messages SET occurred_at = occurred_at - interval '13 hours'
      WHERE conversation_id = ${conversation.id}`.execute(t.db);
    const back = withinLimits(await phone.says('Hello, what are your opening hours?'));
    expect(textOf(back)).toMatch(/Monday–Saturday: 08:00–17:00/);
    expect((await conversationOfPhone(t, phone)).owner).toBe('assistant');
  });

  it('two messages not understood → a person is offered; tapping it hands over (not understood)', async () => {
    const phone = patientPhone(t, graph, practice);
    const first = withinLimits(await phone.says('blorp flimflam'));
    expect(listIn(first).text).toMatch(/didn't understand/);
    const second = buttonsIn(withinLimits(await phone.says('zzzz qwerty')));
    expect(second.text).toMatch(/still don't understand/);
    expect(second.buttons.map((b) => b.id)).toEqual(['menu:human', 'menu:greeting']);
    const handed = withinLimits(await phone.taps(second.buttons[0]!));
    expect(textOf(handed)).toMatch(/member of the team/);
    expect(await conversationOfPhone(t, phone)).toMatchObject({ owner: 'staff', handoverReason: 'not_understood' });
  });

  it('a French patient mid-booking asks for someone: the held time is released and the inbox has it', async () => {
    const phone = patientPhone(t, graph, practice);
    const [eva] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Eva', familyName: 'Lan', preferredLanguage: 'fr' },
    ]);
    const list = listIn(await phone.says('Je voudrais un rendez-vous la semaine prochaine'));
    buttonsIn(await phone.taps(list.rows[0]!, 'list'));
    const held = await t.db.selectFrom('appointments').select('status').where('patientId', '=', eva!).execute();
    expect(held.map((a) => a.status)).toEqual(['held']);
    const handed = textOf(withinLimits(await phone.says("Je préfère parler à quelqu'un")));
    expect(handed).toMatch(/membre de l'équipe/);
    expect(await t.db.selectFrom('appointments').select('status').where('patientId', '=', eva!).execute()).toEqual([]);
    expect(await conversationOfPhone(t, phone)).toMatchObject({ owner: 'staff', handoverReason: 'asked' });
  });
});

describe('the assistant switched off', () => {
  it('no assistant reply; the greeting comes back as before', async () => {
    const off = await assistantPractice(t);
    await saveAssistantSettings(t.ctx, {
      actor: systemActor('test'),
      practiceId: off.practiceId,
      patch: { enabled: false },
    });
    await t.db
      .updateTable('whatsappChannels')
      .set({ greetingEnabled: true, greetingEn: 'Welcome to the clinic! We will reply soon.' })
      .where('phoneNumberId', '=', off.phoneNumberId)
      .execute();
    const phone = patientPhone(t, graph, off);
    const replies = await phone.says('Hi, I want to book a check-up next week');
    expect(textOf(replies)).toBe('Welcome to the clinic! We will reply soon.');
    const conversation = await conversationOfPhone(t, phone);
    const origins = (await inbox(await loggedIn(t.app, off.owner), off.practiceId).messages(conversation.id)).map(
      (m) => m.origin,
    );
    expect(origins).not.toContain('assistant');
    expect(await workers(t).processWebhooks()).toBe(0);
  });
});
