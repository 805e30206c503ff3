import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AssistantPractice,
  type PatientPhone,
  appointmentsOf,
  assistantPractice,
  assistantStateOf,
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
import { patientWrites } from './whatsapp-helpers.js';

/**
 * Time in the chat: nothing free-form is sent outside WhatsApp's 24-hour window, a flow left idle
 * expires with a polite note and lets its held time go, and a handler that died mid-step is picked
 * up from the stored state.
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

/** The conversation has been quiet for `minutes`, and its idle expiry job is due now. */
async function quietFor(phone: PatientPhone, minutes: number) {
  const { conversationId } = await assistantStateOf(t, practice.practiceId, phone);
  await sql`UPDATE assistant_conversations SET updated_at = updated_at - make_interval(mins => ${minutes})
    WHERE conversation_id = ${conversationId}`.execute(t.db);
  const due = await sql`UPDATE jobs SET run_at = now() WHERE key = ${`assistant.expire:${conversationId}`}
    AND state = 'pending'`.execute(t.db);
  expect(Number(due.numAffectedRows)).toBe(1);
}

const statusesOf = async (patientId: string) =>
  (await appointmentsOf(t, practice.practiceId, patientId)).map((a) => a.status);

describe('the 24-hour window', () => {
  it('a message that reaches us more than 24 hours late gets no free-form reply; the next one does', async () => {
    const phone = patientPhone(t, graph, practice);
    await patientsOnNumber(t, practice.practiceId, phone.e164, [{ givenName: 'Ibrahim', familyName: 'Dawreeawoo' }]);
    await patientWrites(t, {
      phoneNumberId: practice.phoneNumberId,
      from: phone.waId,
      at: new Date(Date.now() - 25 * 3600_000),
      message: { type: 'text', text: { body: 'Hello, what are your opening hours?' } },
    });
    expect(await phone.settle()).toEqual([]);
    const conversation = await conversationOfPhone(t, phone);
    const queued = await t.db
      .selectFrom('whatsappMessages')
      .select('id')
      .where('conversationId', '=', conversation.id)
      .where('origin', '=', 'assistant')
      .execute();
    expect(queued).toEqual([]);
    expect(textOf(withinLimits(await phone.says('What are your opening hours?')))).toMatch(/Monday–Saturday/);
  });

  it('the idle expiry after the window closed: the held time is released, nothing is sent', async () => {
    const phone = patientPhone(t, graph, practice);
    const [mila] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Mila', familyName: 'Ho' },
    ]);
    const list = listIn(await phone.says('Book a check-up next week'));
    buttonsIn(await phone.taps(list.rows[0]!, 'list'));
    expect(await statusesOf(mila!)).toEqual(['held']);
    const conversation = await conversationOfPhone(t, phone);
    await sql`UPDATE whatsapp_conversations SET last_inbound_at = now() - interval '25 hours' WHERE id = ${conversation.id}`.execute(
      t.db,
    );
    await quietFor(phone, 31);
    expect(await phone.settle()).toEqual([]);
    expect(await statusesOf(mila!)).toEqual([]);
    expect((await assistantStateOf(t, practice.practiceId, phone)).state?.name).toBe('idle');
  });
});

describe('idle conversations expire', () => {
  it('English, a time held: a polite restart note, the hold released; a late Confirm books nothing; the old list still books', async () => {
    const phone = patientPhone(t, graph, practice);
    const [omar] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Omar', familyName: 'Jeewa' },
    ]);
    const list = listIn(await phone.says('I would like to book a check-up next week'));
    const confirm = buttonsIn(await phone.taps(list.rows[1]!, 'list')).buttons[0]!;
    expect(await statusesOf(omar!)).toEqual(['held']);

    await quietFor(phone, 31);
    const note = withinLimits(await phone.settle());
    expect(note).toHaveLength(1);
    expect(note[0]!.text).toMatch(/hadn't heard from you.*released the time I was holding/);
    expect(await statusesOf(omar!)).toEqual([]);
    expect((await assistantStateOf(t, practice.practiceId, phone)).state?.name).toBe('idle');

    const late = withinLimits(await phone.taps(confirm));
    expect(textOf(late)).toMatch(/nothing waiting to be confirmed/i);
    expect(await statusesOf(omar!)).toEqual([]);

    // The list of the flow that expired is still read: its time is checked again and held.
    const again = buttonsIn(withinLimits(await phone.taps(list.rows[1]!, 'list')));
    expect(again.text).toMatch(/Omar\. Shall I confirm\?/);
    withinLimits(await phone.taps(again.buttons[0]!));
    expect(await statusesOf(omar!)).toEqual(['booked']);
  });

  it('French, times shown but nothing held: the note in French, without a held time to mention', async () => {
    const phone = patientPhone(t, graph, practice);
    await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Léa', familyName: 'Bastien', preferredLanguage: 'fr' },
    ]);
    listIn(await phone.says('Je voudrais un rendez-vous la semaine prochaine'));
    await quietFor(phone, 45);
    const note = withinLimits(await phone.settle());
    expect(note).toHaveLength(1);
    expect(note[0]!.text).toMatch(/Sans nouvelles de votre part/);
    expect(note[0]!.text).not.toMatch(/libéré/);
  });

  it('a conversation not idle long enough is left alone by its (early) expiry job', async () => {
    const phone = patientPhone(t, graph, practice);
    const [ben] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Ben', familyName: 'Ollivier' },
    ]);
    const list = listIn(await phone.says('Book a check-up next week'));
    buttonsIn(await phone.taps(list.rows[0]!, 'list'));
    await quietFor(phone, 5);
    expect(await phone.settle()).toEqual([]);
    expect(await statusesOf(ben!)).toEqual(['held']);
    expect((await assistantStateOf(t, practice.practiceId, phone)).state?.name).toBe('confirming_booking');
  });
});

describe('a restart in the middle of a step', () => {
  it('a handler that died while holding a time (lease lapsed, state "working"): the next tap carries on from the stored question', async () => {
    const phone = patientPhone(t, graph, practice);
    const [sara] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Sara', familyName: 'Mungur' },
    ]);
    const list = listIn(await phone.says('Book a check-up next week'));
    const { conversationId } = await assistantStateOf(t, practice.practiceId, phone);
    // What a crash between the hold command and storing its result leaves behind.
    await sql`UPDATE assistant_conversations
      SET state = jsonb_set(jsonb_set(state, '{name}', '"working"'), '{draft,awaiting}', '"hold"'),
          busy_until = now() - interval '1 second'
      WHERE conversation_id = ${conversationId}`.execute(t.db);
    const held = buttonsIn(withinLimits(await phone.taps(list.rows[2]!, 'list')));
    expect(held.text).toMatch(/Sara\. Shall I confirm\?/);
    withinLimits(await phone.taps(held.buttons[0]!));
    expect(await statusesOf(sara!)).toEqual(['booked']);
  });
});

describe('a hold that lapsed before Confirm', () => {
  it('is said plainly and other times are offered; nothing is booked from the lapsed hold', async () => {
    const phone = patientPhone(t, graph, practice);
    const [rita] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Rita', familyName: 'Coret' },
    ]);
    const list = listIn(await phone.says('Book a check-up next week'));
    const confirm = buttonsIn(await phone.taps(list.rows[0]!, 'list')).buttons[0]!;
    await sql`UPDATE appointments SET hold_expires_at = now() - interval '1 minute' WHERE patient_id = ${rita!}`.execute(
      t.db,
    );
    const replies = withinLimits(await phone.taps(confirm));
    expect(textOf(replies)).toMatch(/released, as it took a while/);
    expect(listIn(replies).rows.some((r) => r.id.startsWith('h:'))).toBe(true);
    expect((await statusesOf(rita!)).filter((s) => s === 'booked')).toEqual([]);
  });
});
