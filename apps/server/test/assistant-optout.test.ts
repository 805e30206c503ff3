import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AssistantPractice,
  type Graph,
  buttonsIn,
  conversationOfPhone,
  listIn,
  patientPhone,
  patientsOnNumber,
  startAssistantApp,
  textOf,
  withinLimits,
} from './assistant-fixtures.js';
import type { Client, TestApp } from './harness.js';
import { inbox } from './whatsapp-helpers.js';

/**
 * Opting out in the chat (STOP, ARRÊT, "pa anvoy mesaz"): recorded on the conversation, confirmed
 * once, and what the practice queued on its own is not sent; START subscribes again.
 */

let t: TestApp;
let graph: Graph;
let practice: AssistantPractice;
let owner: Client;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ t, graph, practice, client: owner, close } = await startAssistantApp('owner'));
});
afterAll(() => close?.());

const staffInbox = () => inbox(owner, practice.practiceId);
const recallTemplate = {
  type: 'template',
  templateName: 'recall_due',
  language: 'en',
  parameters: { '1': 'Aisha', '2': 'Smile' },
};
const templatesSentTo = (waId: string) =>
  graph.fake.sent.filter((m) => m.to === waId && (m.body as { type?: string }).type === 'template');

describe('opting out and in', () => {
  it('English: STOP arriving while the assistant’s replies wait to go → those are not sent, one confirmation is; STOP again says nothing more; START subscribes again', async () => {
    const phone = patientPhone(t, graph, practice);
    await patientsOnNumber(t, practice.practiceId, phone.e164, [{ givenName: 'Kiran', familyName: 'Ramlall' }]);
    // Both processed before anything is sent: the menu answering "Hello" is still queued at the STOP.
    await phone.posts.says('Hello');
    await phone.posts.says('STOP');
    const confirmed = withinLimits(await phone.settle());
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]!.text).toMatch(/won't get reminders or messages/);
    const conversation = await conversationOfPhone(t, phone);
    expect(conversation.optedOutAt).toBeInstanceOf(Date);
    const assistantMessages = (await staffInbox().messages(conversation.id)).filter((m) => m.origin === 'assistant');
    expect(assistantMessages.map((m) => [m.status, m.failure?.reason ?? null])).toEqual([
      ['failed', 'opted_out'],
      ['sent', null],
    ]);
    expect((await staffInbox().detail(conversation.id)).optedOut).toBe(true);
    expect((await staffInbox().send(conversation.id, recallTemplate)).statusCode).toBe(409);

    expect(await phone.says('stop')).toEqual([]);

    const back = withinLimits(await phone.says('START'));
    expect(textOf(back)).toMatch(/subscribed again/);
    const after = await conversationOfPhone(t, phone);
    expect(after.optedOutAt).toBeNull();
    expect(after.optedInAt).toBeInstanceOf(Date);
    expect((await staffInbox().send(conversation.id, recallTemplate)).statusCode).toBe(201);
  });

  it('French: ARRÊT is confirmed in French and recorded; START in French', async () => {
    const phone = patientPhone(t, graph, practice);
    await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Chloé', familyName: 'Maurel', preferredLanguage: 'fr' },
    ]);
    const confirmed = withinLimits(await phone.says('ARRÊT'));
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]!.text).toMatch(/Vous ne recevrez plus/);
    expect((await conversationOfPhone(t, phone)).optedOutAt).toBeInstanceOf(Date);
    expect(textOf(withinLimits(await phone.says('START')))).toMatch(/de nouveau abonné/);
    expect((await conversationOfPhone(t, phone)).optedOutAt).toBeNull();
  });

  it('Creole mid-booking: "pa anvoy mesaz" lets the held time go and opts out, confirmed in Creole', async () => {
    const phone = patientPhone(t, graph, practice);
    const [dev] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Dev', familyName: 'Ramtohul', preferredLanguage: 'mfe' },
    ]);
    const list = listIn(await phone.says('Mo anvi pran randevou semenn prosenn'));
    buttonsIn(await phone.taps(list.rows[0]!, 'list'));
    expect(
      (await t.db.selectFrom('appointments').select('status').where('patientId', '=', dev!).execute()).map(
        (a) => a.status,
      ),
    ).toEqual(['held']);
    const confirmed = withinLimits(await phone.says('pa anvoy mesaz'));
    expect(confirmed).toHaveLength(1);
    expect(confirmed[0]!.text).not.toMatch(/won't get|Vous ne recevrez/);
    expect((await conversationOfPhone(t, phone)).optedOutAt).toBeInstanceOf(Date);
    expect(await t.db.selectFrom('appointments').select('status').where('patientId', '=', dev!).execute()).toEqual([]);
  });

  it('STOP while a person owns the conversation, a reminder of theirs queued: recorded, the reminder not sent, the assistant silent', async () => {
    const phone = patientPhone(t, graph, practice);
    withinLimits(await phone.says('talk to a human please'));
    const conversation = await conversationOfPhone(t, phone);
    expect(conversation.owner).toBe('staff');
    const reminder = await staffInbox().send(conversation.id, recallTemplate);
    expect(reminder.statusCode, reminder.body).toBe(201);
    await phone.posts.says('STOP');
    expect(await phone.settle()).toEqual([]);
    expect(templatesSentTo(phone.waId)).toEqual([]);
    expect((await staffInbox().messages(conversation.id)).find((m) => m.id === reminder.json().id)).toMatchObject({
      status: 'failed',
      failure: { reason: 'opted_out' },
    });
    expect((await conversationOfPhone(t, phone)).optedOutAt).toBeInstanceOf(Date);
  });
});
