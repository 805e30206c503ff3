import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordWhatsAppRightsRequest } from '../src/modules/privacy/whatsapp-requests.service.js';
import { bookAppointment } from '../src/modules/scheduling/appointments.service.js';
import { systemActor } from '../src/platform/access.js';
import {
  type AssistantPractice,
  type Graph,
  assistantStateOf,
  buttonsIn,
  conversationOfPhone,
  listIn,
  patientPhone,
  patientsOnNumber,
  startAssistantApp,
  textOf,
} from './assistant-fixtures.js';
import type { Client, TestApp } from './harness.js';
import { mu, nextMonday } from './scheduling-fixtures.js';

/**
 * A patient's rights over their data, asked in the chat while the booking assistant answers the
 * number (issues 12 and 14): the assistant says the request back, asks whom it is for on a shared
 * number, records it through privacy's service once the patient says yes (once, however the
 * message is read), and says by when the practice answers. Privacy's own listener, which answers
 * the same words while the assistant is off (privacy-requests.test.ts), stays silent here.
 */

let t: TestApp;
let graph: Graph;
let practice: AssistantPractice;
let reception: Client;
let close: (() => Promise<void>) | undefined;

beforeAll(async () => {
  ({ t, graph, practice, client: reception, close } = await startAssistantApp('receptionist'));
});
afterAll(() => close?.());

interface Listed {
  id: string;
  type: string;
  source: string;
  state: string;
  receivedAt: string;
  dueAt: string;
  note: string;
  proposedChange: { field: string; proposedValue: string } | null;
}

/** The patient's rights requests from WhatsApp, as the desk's list shows them. */
async function whatsappRequestsOf(patientId: string): Promise<Listed[]> {
  const response = await reception.get(
    `/api/v1/practices/${practice.practiceId}/privacy/requests?patientId=${patientId}`,
  );
  expect(response.statusCode).toBe(200);
  return (response.json().requests as Listed[]).filter((r) => r.source === 'whatsapp');
}

/** The due date as the patient reads it: "6 January 2027", "6 janvier 2027". */
function dueAsSaid(dueAt: string, locale: 'en-GB' | 'fr-FR'): string {
  return new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'Indian/Mauritius',
  }).format(new Date(dueAt));
}

const button = (replies: Awaited<ReturnType<ReturnType<typeof patientPhone>['says']>>, id: string) => {
  const found = buttonsIn(replies).buttons.find((b) => b.id === id);
  expect(found, JSON.stringify(replies)).toBeDefined();
  return found!;
};

describe('rights requests while the assistant is on', () => {
  it('English: said back first (nothing recorded, the listener silent), then recorded once on Send request, with the due date and the identity check', async () => {
    const phone = patientPhone(t, graph, practice);
    const [kiran] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Kiran', familyName: 'Ramlall' },
    ]);
    const asked = await phone.says('I want a copy of my data');
    expect(textOf(asked)).toContain("You'd like a copy of the data we hold about you");
    expect(buttonsIn(asked).buttons.map((b) => b.id)).toEqual(['privacy_send', 'privacy_cancel']);
    // Privacy's listener read the same message and left it to the assistant.
    expect(await whatsappRequestsOf(kiran!)).toEqual([]);

    const sent = await phone.taps(button(asked, 'privacy_send'));
    const [request, ...more] = await whatsappRequestsOf(kiran!);
    expect(more).toEqual([]);
    expect(request).toMatchObject({ type: 'access', source: 'whatsapp', state: 'received' });
    expect(request!.note).toContain('I want a copy of my data');
    // Received when the patient wrote it, not when they confirmed.
    const conversation = await conversationOfPhone(t, phone);
    const firstMessage = await t.db
      .selectFrom('whatsappMessages')
      .select('occurredAt')
      .where('conversationId', '=', conversation.id)
      .where('direction', '=', 'inbound')
      .orderBy('occurredAt')
      .executeTakeFirstOrThrow();
    expect(new Date(request!.receivedAt).getTime()).toBe(firstMessage.occurredAt.getTime());
    expect(textOf(sent)).toContain(dueAsSaid(request!.dueAt, 'en-GB'));
    expect(textOf(sent)).toContain('check that it is really you');
    // The conversation is the assistant's again, idle: nothing handed over.
    expect((await assistantStateOf(t, practice.practiceId, phone)).state?.name).toBe('idle');
    expect((await conversationOfPhone(t, phone)).owner).toBe('assistant');

    // The same button again records nothing more.
    await phone.taps(button(asked, 'privacy_send'));
    expect(await whatsappRequestsOf(kiran!)).toHaveLength(1);
  });

  it('French: "supprimez mes données", then "oui" → a deletion request, answered in French', async () => {
    const phone = patientPhone(t, graph, practice);
    const [odile] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Odile', familyName: 'Lagesse', preferredLanguage: 'fr' },
    ]);
    const asked = await phone.says('Bonjour, supprimez mes données svp');
    expect(textOf(asked)).toContain('Vous souhaitez que nous supprimions vos données');
    const sent = await phone.says('oui');
    const requests = await whatsappRequestsOf(odile!);
    expect(requests.map((r) => r.type)).toEqual(['deletion']);
    expect(textOf(sent)).toContain(`au plus tard le ${dueAsSaid(requests[0]!.dueAt, 'fr-FR')}`);
  });

  it('Creole: "mo le enn kopi mo bann done", then "wi" → an access request, answered in Creole', async () => {
    const phone = patientPhone(t, graph, practice);
    const [vikash] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Vikash', familyName: 'Dookun', preferredLanguage: 'mfe' },
    ]);
    const asked = await phone.says('mo le enn kopi mo bann done');
    expect(textOf(asked)).toContain('Ou anvi gagn enn kopi bann done');
    const sent = await phone.says('wi');
    const requests = await whatsappRequestsOf(vikash!);
    expect(requests.map((r) => r.type)).toEqual(['access']);
    expect(textOf(sent)).toContain('Nou finn gagn ou demann pou enn kopi ou bann done');
    const due = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        day: 'numeric',
        month: 'numeric',
        year: 'numeric',
        timeZone: 'Indian/Mauritius',
      })
        .formatToParts(new Date(requests[0]!.dueAt))
        .map((p) => [p.type, p.value]),
    );
    const months = [
      'Zanvie',
      'Fevriye',
      'Mars',
      'Avril',
      'Me',
      'Zin',
      'Zilye',
      'Out',
      'Septam',
      'Oktob',
      'Novam',
      'Desam',
    ];
    expect(textOf(sent)).toContain(`pa pli tar ki ${Number(due.day)} ${months[Number(due.month) - 1]} ${due.year}`);
  });

  it('a correction keeps the patient’s words as the change to make', async () => {
    const phone = patientPhone(t, graph, practice);
    const [leela] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Leela', familyName: 'Jugnauth' },
    ]);
    const asked = await phone.says('My address is wrong, it is now 4 Rue Royale, Curepipe');
    await phone.taps(button(asked, 'privacy_send'));
    const [request] = await whatsappRequestsOf(leela!);
    expect(request).toMatchObject({ type: 'correction' });
    expect(request!.proposedChange?.proposedValue).toContain('4 Rue Royale, Curepipe');
  });

  it('a shared number: asks whom it is for by first names only, and records it for that patient alone', async () => {
    const phone = patientPhone(t, graph, practice);
    const [aisha, ines] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Aisha', familyName: 'Peerbux' },
      { givenName: 'Inès', familyName: 'Peerbux', dateOfBirth: '2016-04-02' },
    ]);
    const asked = await phone.says('Please delete my data');
    const who = listIn(asked);
    expect(who.rows.map((r) => r.title)).toEqual(['Aisha', 'Inès']);
    expect(textOf(asked)).not.toContain('Peerbux');
    const chosen = await phone.taps(who.rows.find((r) => r.title === 'Inès')!, 'list');
    expect(textOf(chosen)).toContain("delete Inès's data");
    await phone.taps(button(chosen, 'privacy_send'));
    expect((await whatsappRequestsOf(ines!)).map((r) => r.type)).toEqual(['deletion']);
    expect(await whatsappRequestsOf(aisha!)).toEqual([]);
  });

  it('"delete my appointment" is a cancellation, not a deletion request', async () => {
    const phone = patientPhone(t, graph, practice);
    const [ravi] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Ravi', familyName: 'Seegoolam' },
    ]);
    await bookAppointment(t.ctx, {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      booking: {
        appointmentTypeId: practice.checkup,
        providerId: practice.dentistId,
        chairId: practice.chair1,
        start: mu(nextMonday(), '15:00'),
        source: 'phone',
        patientId: ravi!,
      },
    });
    const replies = await phone.says('delete my appointment');
    expect(buttonsIn(replies).buttons.map((b) => b.id)).toEqual(['cancel_yes', 'cancel_no']);
    expect((await assistantStateOf(t, practice.practiceId, phone)).state?.name).toBe('confirming_cancel');
    expect(await whatsappRequestsOf(ravi!)).toEqual([]);
  });

  it('Cancel at the confirmation records nothing', async () => {
    const phone = patientPhone(t, graph, practice);
    const [meera] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Meera', familyName: 'Bhugun' },
    ]);
    const asked = await phone.says('stop using my data');
    expect(textOf(asked)).toContain('stop using your data');
    const dropped = await phone.taps(button(asked, 'privacy_cancel'));
    expect(textOf(dropped)).toContain("haven't sent anything");
    expect(await whatsappRequestsOf(meera!)).toEqual([]);
  });

  it('"talk to someone" at the confirmation hands over and records nothing', async () => {
    const phone = patientPhone(t, graph, practice);
    const [nadia] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Nadia', familyName: 'Hosany' },
    ]);
    await phone.says('I want a copy of my data');
    await phone.says('talk to someone');
    expect((await conversationOfPhone(t, phone)).owner).toBe('staff');
    expect(await whatsappRequestsOf(nadia!)).toEqual([]);
  });

  it('while a person owns the chat, "I want a copy of my data" is still recorded; the assistant stays silent and the person is called', async () => {
    const phone = patientPhone(t, graph, practice);
    const [leela] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Leela', familyName: 'Doorgah' },
    ]);
    await phone.says('talk to someone');
    const conversation = await conversationOfPhone(t, phone);
    expect(conversation.owner).toBe('staff');
    // The person answers: nobody is waited for now, and the chat is theirs.
    const answered = await reception.post(
      `/api/v1/practices/${practice.practiceId}/inbox/conversations/${conversation.id}/messages`,
      { type: 'text', body: 'Hello Leela, how can I help?' },
    );
    expect(answered.statusCode, answered.body).toBe(201);
    await phone.settle();
    expect((await conversationOfPhone(t, phone)).handoverAt).toBeNull();

    const replies = await phone.says('I want a copy of my data');
    const [request, ...more] = await whatsappRequestsOf(leela!);
    expect(more).toEqual([]);
    expect(request).toMatchObject({ type: 'access', source: 'whatsapp', state: 'received' });
    expect(request!.note).toContain('I want a copy of my data');
    // Nothing automatic is said into the person's chat (no question of the assistant's, no receipt):
    // the person answers, and the inbox shows the patient waiting for them again.
    expect(replies).toEqual([]);
    expect(await conversationOfPhone(t, phone)).toMatchObject({ owner: 'staff', handoverReason: 'asked' });
    expect((await conversationOfPhone(t, phone)).handoverAt).not.toBeNull();
    expect((await assistantStateOf(t, practice.practiceId, phone)).state?.name).not.toBe('confirming_privacy');
  });

  it('a number with no patient: nothing to record against, a person takes it', async () => {
    const phone = patientPhone(t, graph, practice);
    const replies = await phone.says('delete my data');
    expect(textOf(replies)).toContain("couldn't find your record");
    expect((await conversationOfPhone(t, phone)).owner).toBe('staff');
  });

  it('one message read by both the listener and the assistant is one request', async () => {
    const [patient] = practice.patients;
    const once = {
      actor: systemActor('test'),
      practiceId: practice.practiceId,
      patientIds: [patient!.id],
      type: 'restriction' as const,
      words: 'stop using my data',
      receivedAt: new Date(Date.now() - 60_000),
      sharedNumber: false,
    };
    const [first, second] = await Promise.all([
      recordWhatsAppRightsRequest(t.ctx, once),
      recordWhatsAppRightsRequest(t.ctx, once),
    ]);
    expect(first.requestIds).toEqual(second.requestIds);
    expect((await whatsappRequestsOf(patient!.id)).filter((r) => r.type === 'restriction')).toHaveLength(1);
  });
});
