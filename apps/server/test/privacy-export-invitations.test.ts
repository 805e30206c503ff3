import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type TestApp, loggedIn } from './harness.js';
import { makeSchedulingPractice } from './scheduling-fixtures.js';
import { connectChannel, createWhatsAppTestApp, startFakeGraph, workers } from './whatsapp-fixtures.js';
import { makeEverythingDue, patientWrites } from './whatsapp-helpers.js';

/**
 * The link to a copy of one's data outside WhatsApp's 24-hour window (issue 14), through the signed
 * webhook and a fake Graph API that refuses free text outside the window (131047) as Meta does: the
 * owner's "Send the link" sends the template data_copy_ready (its name, language and a button whose
 * payload we signed; no link in it); the patient's tap opens the window and the link follows as
 * text, once however often they tap; the code and the download work from there. A tap after the
 * invitation expired, or on a closed request, gets a plain answer and no link; a forged payload
 * gets nothing; an opted-out patient or one without a WhatsApp number is not sent the template.
 */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
const PHONE = '106540352249888';
let practice: Awaited<ReturnType<typeof makeSchedulingPractice>>;
let owner: Client;
let reception: Client;
let base: string;
const RAVI = '23057123456';
const HELENE = '23057987654';
const twoDaysAgo = () => new Date(Date.now() - 2 * 86_400_000);

beforeAll(async () => {
  graph = await startFakeGraph({ enforceWindow: true });
  t = await createWhatsAppTestApp(graph.url);
  practice = await makeSchedulingPractice(t.ctx);
  await connectChannel(t.ctx, practice.practiceId, PHONE);
  owner = await loggedIn(t.app, practice.owner);
  reception = await loggedIn(t.app, practice.receptionist);
  base = `/api/v1/practices/${practice.practiceId}/privacy/requests`;
  // Ravi and Hélène wrote to the practice two days ago: their conversations are theirs, the window closed.
  for (const from of [RAVI, HELENE]) {
    await patientWrites(t, {
      phoneNumberId: PHONE,
      from,
      at: twoDaysAgo(),
      message: { type: 'text', text: { body: 'Bonjour' } },
    });
  }
  await settle();
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

/** The background work: stored webhooks and their jobs, then what is due to send. */
async function settle() {
  const w = workers(t);
  await w.processWebhooks();
  await makeEverythingDue(t);
  await w.send();
}

/** What Meta accepted for a number since `from` (the fake's record of sends). */
const sentTo = (to: string, from = 0) => graph.fake.sent.slice(from).filter((m) => m.to === to);
const textsOf = (messages: ReturnType<typeof sentTo>) =>
  messages.map((m) => (m.body as { text?: { body: string } }).text?.body).filter((b): b is string => !!b);

/** An approved access request for a patient, through the desk and an owner. */
async function approvedAccessRequest(patientId: string): Promise<string> {
  const created = await reception.post(base, { patientId, type: 'access', source: 'staff', note: '' });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json().id as string;
  expect((await reception.post(`${base}/${id}/verify`, { method: 'id_document', note: '' })).statusCode).toBe(200);
  const approved = await owner.post(`${base}/${id}/approve`, {});
  expect(approved.statusCode, approved.body).toBe(200);
  return id;
}

interface SentTemplate {
  name: string;
  language: { code: string };
  components: { type: string; sub_type?: string; parameters: { type: string; text?: string; payload?: string }[] }[];
}

/** The owner sends the link outside the window: the template goes; returns it as Meta received it. */
async function sendInvitation(requestId: string, to: string): Promise<SentTemplate> {
  const route = await owner.get(`${base}/${requestId}/export-link`);
  expect(route.json()).toEqual({ via: 'template', windowEndsAt: null });
  const seen = graph.fake.sent.length;
  const sent = await owner.post(`${base}/${requestId}/export-link`, {});
  expect(sent.statusCode, sent.body).toBe(200);
  expect(sent.json()).toMatchObject({ via: 'template' });
  await settle();
  const messages = sentTo(to, seen);
  expect(messages).toHaveLength(1);
  expect((messages[0]!.body as { type: string }).type).toBe('template');
  return (messages[0]!.body as { template: SentTemplate }).template;
}

const payloadOf = (template: SentTemplate) =>
  template.components.find((c) => c.type === 'button')!.parameters[0]!.payload!;

/** The patient taps the template's button (Meta's `button` message); Meta now counts their window open. */
async function taps(from: string, payload: string) {
  const seen = graph.fake.sent.length;
  await patientWrites(t, {
    phoneNumberId: PHONE,
    from,
    message: { type: 'button', button: { payload, text: 'Send me the link' } },
  });
  graph.fake.noteInbound(PHONE, from);
  await settle();
  return sentTo(from, seen);
}

const linkIn = (texts: string[]) => /\/copy\/([\w.-]+)/.exec(texts.join('\n'))?.[1];

describe('the link to a copy outside the 24-hour window', () => {
  it('sends the template first; the tap brings the link as text, once; the code and the copy follow', async () => {
    const ravi = practice.patients[0]!;
    const requestId = await approvedAccessRequest(ravi.id);
    const template = await sendInvitation(requestId, RAVI);
    // The approved utility template, in a language Meta has, with the practice's name and no link.
    expect(template.name).toBe('data_copy_ready');
    expect(['en', 'fr']).toContain(template.language.code);
    const body = template.components.find((c) => c.type === 'body')!;
    expect(body.parameters).toEqual([{ type: 'text', parameter_name: 'practice_name', text: expect.any(String) }]);
    expect(body.parameters[0]!.text!.length).toBeGreaterThan(0);
    const button = template.components.find((c) => c.type === 'button')!;
    expect(button).toMatchObject({ sub_type: 'quick_reply', index: '0' });
    expect(payloadOf(template)).toMatch(/^pv1\.dc\./);
    expect(JSON.stringify(template)).not.toContain('/copy/');

    // The tap: the link as text, then a second tap sends no second link.
    const first = await taps(RAVI, payloadOf(template));
    const token = linkIn(textsOf(first));
    expect(token, JSON.stringify(first)).toBeTruthy();
    const second = await taps(RAVI, payloadOf(template));
    expect(linkIn(textsOf(second))).toBeUndefined();
    expect(textsOf(second).join('\n')).toMatch(/sent above|envoyé plus haut/);
    const links = await t.db.selectFrom('privacyExportLinks').select('id').where('requestId', '=', requestId).execute();
    expect(links).toHaveLength(1);

    // The code comes in the window the tap opened; the copy downloads in that browser.
    const copy = `/api/v1/privacy/copy/${token}`;
    const browser = new Client(t.app, '198.51.100.9');
    const seen = graph.fake.sent.length;
    expect((await browser.post(`${copy}/code`, {})).statusCode).toBe(200);
    await settle();
    const code = /(\d{6}) — DentalPro code/.exec(textsOf(sentTo(RAVI, seen)).join('\n'))?.[1];
    expect(code).toBeTruthy();
    const confirmed = await browser.request('POST', `${copy}/confirm`, { code });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const cookie = confirmed.cookies.find((c) => c.name === 'dp_copy')!;
    const download = await browser.request('GET', `${copy}/download`, undefined, { cookie: `dp_copy=${cookie.value}` });
    expect(download.statusCode, download.body.slice(0, 200)).toBe(200);
    expect((await owner.get(`${base}/${requestId}`)).json()).toMatchObject({ state: 'fulfilled' });

    // Audited as the in-window send is: the invitation by the owner, the link by the tap.
    const events = (
      await t.db
        .selectFrom('auditEvents')
        .select(['action', 'actorUserId', 'changes'])
        .where('practiceId', '=', practice.practiceId)
        .where('action', 'like', 'privacy.export_link_%')
        .orderBy('seq')
        .execute()
    ).filter((e) => (e.changes as { requestId?: string }).requestId === requestId);
    expect(events.map((e) => e.action)).toEqual(['privacy.export_link_invited', 'privacy.export_link_sent']);
    expect(events[0]).toMatchObject({ actorUserId: practice.owner.id, changes: { template: 'data_copy_ready' } });
    expect(events[1]).toMatchObject({ actorUserId: null, changes: { by: 'invitation_tap', linkId: links[0]!.id } });

    // Now the request is closed: a later tap gets a plain answer and no link.
    const late = await taps(RAVI, payloadOf(template));
    expect(linkIn(textsOf(late))).toBeUndefined();
    expect(textsOf(late)).toHaveLength(1);
  });

  it('inside the window the link goes at once as text, as before', async () => {
    const ravi = practice.patients[0]!;
    const requestId = await approvedAccessRequest(ravi.id);
    // Ravi's taps above opened his window.
    const route = (await owner.get(`${base}/${requestId}/export-link`)).json();
    expect(route.via).toBe('text');
    const seen = graph.fake.sent.length;
    const sent = await owner.post(`${base}/${requestId}/export-link`, {});
    expect(sent.json()).toMatchObject({ via: 'text' });
    await settle();
    expect(linkIn(textsOf(sentTo(RAVI, seen)))).toBeTruthy();
    expect(sentTo(RAVI, seen).every((m) => (m.body as { type: string }).type === 'text')).toBe(true);
  });

  it('a tap after the invitation expired, or on a closed request, gets a plain answer and no link', async () => {
    const helene = practice.patients[1]!;
    const expiring = await approvedAccessRequest(helene.id);
    const template = await sendInvitation(expiring, HELENE);
    await t.db
      .updateTable('privacyExportInvitations')
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where('requestId', '=', expiring)
      .execute();
    const answer = await taps(HELENE, payloadOf(template));
    expect(linkIn(textsOf(answer))).toBeUndefined();
    expect(textsOf(answer).join('\n')).toMatch(/expired|expiré/);

    // The request refused after the invitation went: its tap sends nothing of the copy.
    const refused = await approvedAccessRequest(helene.id);
    // Hélène's window is open since her tap: close it again (two days, for us and for Meta).
    await t.db
      .updateTable('whatsappConversations')
      .set({ lastInboundAt: twoDaysAgo() })
      .where('waId', '=', HELENE)
      .execute();
    graph.fake.noteInbound(PHONE, HELENE, twoDaysAgo().getTime());
    const second = await sendInvitation(refused, HELENE);
    expect((await owner.post(`${base}/${refused}/refuse`, { reason: 'Asked by mistake' })).statusCode).toBe(200);
    const closed = await taps(HELENE, payloadOf(second));
    expect(linkIn(textsOf(closed))).toBeUndefined();
    expect(textsOf(closed).join('\n')).toMatch(/closed|close/);
    const links = await t.db
      .selectFrom('privacyExportLinks')
      .select('id')
      .where('requestId', 'in', [expiring, refused])
      .execute();
    expect(links).toHaveLength(0);
  });

  it('a forged or altered payload gets nothing', async () => {
    const helene = practice.patients[1]!;
    await t.db
      .updateTable('whatsappConversations')
      .set({ lastInboundAt: twoDaysAgo() })
      .where('waId', '=', HELENE)
      .execute();
    const requestId = await approvedAccessRequest(helene.id);
    const template = await sendInvitation(requestId, HELENE);
    const payload = payloadOf(template);
    const altered = `${payload.slice(0, -2)}${payload.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await taps(HELENE, altered)).toEqual([]);
    // Another invitation's id under the signature of this one.
    const [, , , id, signature] = payload.split('.');
    const swapped = `pv1.dc.s.${'A'.repeat(id!.length - 1)}w.${signature}`;
    expect(await taps(HELENE, swapped)).toEqual([]);
    expect(await taps(HELENE, 'pv1.dc.s.made-up')).toEqual([]);
    const links = await t.db.selectFrom('privacyExportLinks').select('id').where('requestId', '=', requestId).execute();
    expect(links).toHaveLength(0);
    // The real one still works.
    expect(linkIn(textsOf(await taps(HELENE, payload)))).toBeTruthy();
  });

  it('is not sent to a patient who withdrew WhatsApp messages, nor to one with no WhatsApp number', async () => {
    const helene = practice.patients[1]!;
    await t.db
      .updateTable('whatsappConversations')
      .set({ lastInboundAt: twoDaysAgo() })
      .where('waId', '=', HELENE)
      .execute();
    const requestId = await approvedAccessRequest(helene.id);
    const withdrawn = await reception.post(`/api/v1/practices/${practice.practiceId}/patients/${helene.id}/consent`, {
      channel: 'whatsapp',
      purpose: 'appointments',
      granted: false,
      wording: 'No WhatsApp messages, please',
      source: 'staff',
    });
    expect(withdrawn.statusCode, withdrawn.body).toBeLessThan(300);
    const seen = graph.fake.sent.length;
    const refused = await owner.post(`${base}/${requestId}/export-link`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'whatsapp_opted_out' });
    await settle();
    expect(sentTo(HELENE, seen)).toEqual([]);

    const wei = practice.patients[2]!; // no phone on file, never wrote
    const weiRequest = await approvedAccessRequest(wei.id);
    const noPhone = await owner.post(`${base}/${weiRequest}/export-link`, {});
    expect(noPhone.statusCode).toBe(409);
    expect(noPhone.json()).toMatchObject({ code: 'whatsapp_no_phone' });
  });

  it('links and invitations go with their request when the retention run deletes it', async () => {
    const sent = await t.db
      .selectFrom('privacyExportInvitations')
      .select('requestId')
      .where('linkId', 'is not', null)
      .execute();
    const requestIds = [...new Set(sent.map((r) => r.requestId))];
    expect(requestIds.length).toBeGreaterThan(0);
    await t.db.deleteFrom('privacyRequests').where('id', 'in', requestIds).execute();
    const left = async (table: 'privacyExportInvitations' | 'privacyExportLinks') =>
      (await t.db.selectFrom(table).select('id').where('requestId', 'in', requestIds).execute()).length;
    expect(await left('privacyExportInvitations')).toBe(0);
    expect(await left('privacyExportLinks')).toBe(0);
  });
});
