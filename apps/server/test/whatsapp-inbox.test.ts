import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackgroundWork } from '../src/background.js';
import { answerWithAutoReplies } from '../src/modules/messaging/auto-replies.js';
import { processWebhookDeliveries } from '../src/modules/messaging/inbound.service.js';
import type { InboundMessageStored } from '../src/modules/messaging/messaging.events.js';
import { inboxTopic } from '../src/modules/messaging/messaging.runtime.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type TestApp, loggedIn, makeMember, makePractice } from './harness.js';
import {
  GRAPH_TOKEN,
  connectChannel,
  createWhatsAppTestApp,
  postWebhook,
  startFakeGraph,
  workers,
} from './whatsapp-fixtures.js';
import { WABA_ID, conversationOf, inbox, messagesOf, newWaId, newWamid, patientWrites } from './whatsapp-helpers.js';

/** The staff inbox: greeting and away messages, lists, paging, patient matches, assignment, read receipts, media, access. */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

let phoneCounter = 0;
/** A practice with its own WhatsApp number and logged-in staff. */
async function practiceWithChannel() {
  const p = await makePractice(t.ctx);
  const phoneNumberId = `1065403522${String(44000 + phoneCounter++)}`;
  const channelId = (await connectChannel(t.ctx, p.practiceId, phoneNumberId)).id;
  const receptionist = await makeMember(t.ctx, p.practiceId, 'receptionist');
  const hygienist = await makeMember(t.ctx, p.practiceId, 'hygienist');
  const owner = await loggedIn(t.app, p.owner);
  return {
    practiceId: p.practiceId,
    ownerId: p.owner.id,
    receptionistId: receptionist.id,
    phoneNumberId,
    channelId,
    owner,
    receptionist: await loggedIn(t.app, receptionist),
    hygienist: await loggedIn(t.app, hygienist),
    url: (rest: string) => `/api/v1/practices/${p.practiceId}${rest}`,
    inbox: inbox(owner, p.practiceId),
  };
}
type Practice = Awaited<ReturnType<typeof practiceWithChannel>>;

async function setAutoReplies(p: Practice, autoReplies: Record<string, unknown>) {
  const res = await p.owner.request('PUT', p.url('/whatsapp/channel'), {
    phoneNumberId: p.phoneNumberId,
    displayPhoneNumber: '+230 5200 0000',
    wabaId: WABA_ID,
    accessToken: GRAPH_TOKEN,
    throughputPerSecond: 80,
    autoReplies: {
      greetingEnabled: false,
      greetingEn: '',
      greetingFr: '',
      awayEnabled: false,
      awayEn: '',
      awayFr: '',
      ...autoReplies,
    },
  });
  expect(res.statusCode, res.body).toBe(200);
}

async function writes(p: Practice, from: string, message?: Record<string, unknown>, at?: Date) {
  const wamid = await patientWrites(t, {
    phoneNumberId: p.phoneNumberId,
    from,
    ...(message ? { message } : {}),
    ...(at ? { at } : {}),
  });
  await workers(t).processWebhooks();
  return wamid;
}

async function waitFor(check: () => Promise<boolean>, ms = 15_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const autoRepliesOf = async (conversationId: string) =>
  (await messagesOf(t, conversationId))
    .filter((m) => m.origin === 'greeting' || m.origin === 'away')
    .map((m) => ({ origin: m.origin, body: (m.content as { body: string }).body }));

describe('greeting message', () => {
  let p: Practice;
  beforeAll(async () => {
    p = await practiceWithChannel();
    await setAutoReplies(p, {
      greetingEnabled: true,
      greetingEn: 'Welcome to Smile Dental!',
      greetingFr: 'Bienvenue chez Smile Dental !',
    });
  });

  it('greets once on the first message, not on a redelivery, not a minute later; again after 14 days of silence', async () => {
    const waId = newWaId();
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
                metadata: { display_phone_number: '23052000000', phone_number_id: p.phoneNumberId },
                contacts: [{ profile: { name: 'New Patient' }, wa_id: waId }],
                messages: [
                  {
                    from: waId,
                    id: newWamid(),
                    timestamp: String(Math.floor(Date.now() / 1000) - 60),
                    type: 'text',
                    text: { body: 'Hello, do you have time this week?' },
                  },
                ],
              },
            },
          ],
        },
      ],
    });
    await postWebhook(t, null, { raw });
    await workers(t).processWebhooks();
    const conversation = (await conversationOf(t, p.channelId, waId))!;
    expect(await autoRepliesOf(conversation.id)).toEqual([{ origin: 'greeting', body: 'Welcome to Smile Dental!' }]);

    // Meta delivers the same webhook again.
    await postWebhook(t, null, { raw });
    await workers(t).processWebhooks();
    expect(await autoRepliesOf(conversation.id)).toHaveLength(1);

    await writes(p, waId, { type: 'text', text: { body: 'Anyone there?' } });
    expect(await autoRepliesOf(conversation.id)).toHaveLength(1);

    await workers(t).send();
    expect(graph.fake.sent.filter((m) => m.to === waId).map((m) => (m.body.text as { body: string }).body)).toEqual([
      'Welcome to Smile Dental!',
    ]);
    const listed = await p.inbox.messages(conversation.id);
    expect(listed.find((m) => m.origin === 'greeting')).toMatchObject({ direction: 'outbound', status: 'sent' });

    await sql`UPDATE whatsapp_conversations SET last_inbound_at = now() - interval '15 days', greeted_at = now() - interval '15 days' WHERE id = ${conversation.id}`.execute(
      t.db,
    );
    await writes(p, waId, { type: 'text', text: { body: 'Bonjour, je voudrais un rendez-vous' } });
    expect(await autoRepliesOf(conversation.id)).toEqual([
      { origin: 'greeting', body: 'Welcome to Smile Dental!' },
      { origin: 'greeting', body: 'Bienvenue chez Smile Dental !' },
    ]);
  });

  /** The stored-message announcement waiting for the conversation (the jobs not run yet). */
  const announcedFor = async (conversationId: string) => {
    const [job] = await t.db
      .selectFrom('jobs')
      .select('payload')
      .where('name', '=', 'event:messaging.inbound_message_stored')
      .where(sql<boolean>`payload->>'conversationId' = ${conversationId}`)
      .execute();
    return job!.payload as InboundMessageStored;
  };

  it('is sent by the listener of "inbound message stored" after the message commits, once even when it runs again', async () => {
    const waId = newWaId();
    await patientWrites(t, { phoneNumberId: p.phoneNumberId, from: waId, profileName: 'Twice' });
    // The webhook processed, the jobs not yet: the message is stored and announced, nothing answered.
    while ((await processWebhookDeliveries(t.ctx)).processed > 0);
    const conversation = (await conversationOf(t, p.channelId, waId))!;
    expect(await autoRepliesOf(conversation.id)).toEqual([]);
    const event = await announcedFor(conversation.id);
    expect(event).toMatchObject({ practiceId: p.practiceId, conversationId: conversation.id, previousInboundAt: null });
    // A worker that dies after the reply commits runs the listener again: still one greeting.
    await answerWithAutoReplies(t.ctx, event);
    await answerWithAutoReplies(t.ctx, event);
    expect(await autoRepliesOf(conversation.id)).toEqual([{ origin: 'greeting', body: 'Welcome to Smile Dental!' }]);
    await workers(t).processWebhooks();
    expect(await autoRepliesOf(conversation.id)).toHaveLength(1);

    // After 14 days of silence the greeting is due again: run twice, it still goes once.
    await sql`UPDATE whatsapp_conversations SET last_inbound_at = now() - interval '15 days', greeted_at = now() - interval '15 days' WHERE id = ${conversation.id}`.execute(
      t.db,
    );
    await patientWrites(t, { phoneNumberId: p.phoneNumberId, from: waId });
    while ((await processWebhookDeliveries(t.ctx)).processed > 0);
    const again = await announcedFor(conversation.id);
    expect(again.previousInboundAt).not.toBeNull();
    await answerWithAutoReplies(t.ctx, again);
    await answerWithAutoReplies(t.ctx, again);
    expect(await autoRepliesOf(conversation.id)).toHaveLength(2);
    await workers(t).processWebhooks();
  });

  it('one greeting for a batch of first messages', async () => {
    const waId = newWaId();
    const now = String(Math.floor(Date.now() / 1000));
    await postWebhook(t, {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '23052000000', phone_number_id: p.phoneNumberId },
                contacts: [{ profile: { name: 'Quick Typist' }, wa_id: waId }],
                messages: ['Hi', 'I need', 'an appointment'].map((body) => ({
                  from: waId,
                  id: newWamid(),
                  timestamp: now,
                  type: 'text',
                  text: { body },
                })),
              },
            },
          ],
        },
      ],
    });
    await workers(t).processWebhooks();
    const conversation = (await conversationOf(t, p.channelId, waId))!;
    expect(await autoRepliesOf(conversation.id)).toHaveLength(1);
    // Same second, shown in the order they came.
    expect(
      (await p.inbox.messages(conversation.id)).filter((m) => m.direction === 'inbound').map((m) => m.content.body),
    ).toEqual(['Hi', 'I need', 'an appointment']);
  });
});

describe('away message', () => {
  let p: Practice;
  // Monday 23 November 2026 in Mauritius (UTC+4); open Monday to Friday 08:00-17:00.
  const local = (day: string, time: string) => new Date(`${day}T${time}:00+04:00`);
  beforeAll(async () => {
    p = await practiceWithChannel();
    const hours = [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '17:00' }));
    const res = await p.owner.request('PUT', p.url('/opening-hours'), { hours });
    expect(res.statusCode, res.body).toBe(200);
    await setAutoReplies(p, {
      awayEnabled: true,
      awayEn: 'We are closed; we will answer when we open.',
      awayFr: 'Nous sommes fermés.',
    });
  });

  it('is queued once per closed spell', async () => {
    const waId = newWaId();
    await writes(p, waId, { type: 'text', text: { body: 'Saturday morning question' } }, local('2026-11-21', '10:00'));
    const conversation = (await conversationOf(t, p.channelId, waId))!;
    expect(await autoRepliesOf(conversation.id)).toEqual([
      { origin: 'away', body: 'We are closed; we will answer when we open.' },
    ]);
    await writes(p, waId, { type: 'text', text: { body: 'Saturday, later' } }, local('2026-11-21', '11:00'));
    await writes(p, waId, { type: 'text', text: { body: 'Sunday' } }, local('2026-11-22', '15:00'));
    expect(await autoRepliesOf(conversation.id)).toHaveLength(1);
    // Open on Monday morning: nothing.
    await writes(p, waId, { type: 'text', text: { body: 'Monday 9am' } }, local('2026-11-23', '09:00'));
    expect(await autoRepliesOf(conversation.id)).toHaveLength(1);
    // Closed again on Monday evening: a new spell, a new away message.
    await writes(p, waId, { type: 'text', text: { body: 'Monday 6pm' } }, local('2026-11-23', '18:00'));
    await writes(p, waId, { type: 'text', text: { body: 'Monday 7pm' } }, local('2026-11-23', '19:00'));
    expect(await autoRepliesOf(conversation.id)).toHaveLength(2);
  });

  it('a public holiday on a weekday counts as closed', async () => {
    const res = await p.owner.post(p.url('/holidays'), {
      date: '2026-11-25',
      nameEn: 'Test holiday',
      nameFr: 'Jour férié de test',
    });
    expect([200, 201]).toContain(res.statusCode);
    const waId = newWaId();
    await writes(p, waId, { type: 'text', text: { body: 'Holiday question' } }, local('2026-11-25', '10:00'));
    const conversation = (await conversationOf(t, p.channelId, waId))!;
    expect(await autoRepliesOf(conversation.id)).toHaveLength(1);
  });

  it('a closure in the middle of the day starts a new closed spell', async () => {
    const closure = await p.owner.post(p.url('/closures'), {
      start: local('2026-11-24', '10:00').toISOString(),
      end: local('2026-11-24', '12:00').toISOString(),
      reason: 'Staff training',
    });
    expect(closure.statusCode, closure.body).toBe(201);
    const waId = newWaId();
    await writes(p, waId, { type: 'text', text: { body: 'Monday evening' } }, local('2026-11-23', '18:30'));
    const conversation = (await conversationOf(t, p.channelId, waId))!;
    expect(await autoRepliesOf(conversation.id)).toHaveLength(1);
    // Open Tuesday 08:00-10:00, then closed for the training: the patient is told again.
    await writes(
      p,
      waId,
      { type: 'text', text: { body: 'Tuesday during the training' } },
      local('2026-11-24', '10:30'),
    );
    expect(await autoRepliesOf(conversation.id)).toHaveLength(2);
    await writes(p, waId, { type: 'text', text: { body: 'Tuesday, still training' } }, local('2026-11-24', '11:30'));
    expect(await autoRepliesOf(conversation.id)).toHaveLength(2);
    // Open again after it.
    await writes(p, waId, { type: 'text', text: { body: 'Tuesday afternoon' } }, local('2026-11-24', '14:00'));
    expect(await autoRepliesOf(conversation.id)).toHaveLength(2);
  });

  it('nothing when the practice has no opening hours at all', async () => {
    const other = await practiceWithChannel();
    await setAutoReplies(other, { awayEnabled: true, awayEn: 'Closed' });
    const waId = newWaId();
    await writes(other, waId, { type: 'text', text: { body: 'Hello' } }, local('2026-11-21', '23:00'));
    expect(await autoRepliesOf((await conversationOf(t, other.channelId, waId))!.id)).toEqual([]);
  });
});

describe('the thread order', () => {
  it('the greeting and the away message come after the message they answer, greeting first, even when Meta’s clock is ahead of ours', async () => {
    const p = await practiceWithChannel();
    // Open only on a weekday three days away (Mauritius time): closed now and in a few seconds.
    const todayInMauritius = new Date(Date.now() + 4 * 3_600_000).getUTCDay();
    const weekday = (todayInMauritius + 3) % 7 || 7;
    const res = await p.owner.request('PUT', p.url('/opening-hours'), {
      hours: [{ weekday, start: '08:00', end: '17:00' }],
    });
    expect(res.statusCode, res.body).toBe(200);
    await setAutoReplies(p, {
      greetingEnabled: true,
      greetingEn: 'Welcome to Smile Dental!',
      awayEnabled: true,
      awayEn: 'We are closed; we will answer when we open.',
    });
    const thread = async (conversationId: string) =>
      (await p.inbox.messages(conversationId)).map((m) => `${m.origin}: ${m.content.body}`);

    const waId = newWaId();
    await writes(p, waId, { type: 'text', text: { body: 'Hello, is anyone there?' } });
    const conversation = (await conversationOf(t, p.channelId, waId))!;
    expect(await thread(conversation.id)).toEqual([
      'patient: Hello, is anyone there?',
      'greeting: Welcome to Smile Dental!',
      'away: We are closed; we will answer when we open.',
    ]);

    // Meta stamps a message a few seconds later than our clock says it is: the answers still follow it.
    const ahead = newWaId();
    await writes(p, ahead, { type: 'text', text: { body: 'Written a moment ago' } }, new Date(Date.now() + 5_000));
    const later = (await conversationOf(t, p.channelId, ahead))!;
    expect(await thread(later.id)).toEqual([
      'patient: Written a moment ago',
      'greeting: Welcome to Smile Dental!',
      'away: We are closed; we will answer when we open.',
    ]);
    // The practice's own reply, typed now, comes last too.
    const sent = await p.inbox.send(later.id, { type: 'text', body: 'How can we help?' });
    expect(sent.statusCode, sent.body).toBe(201);
    expect((await thread(later.id)).at(-1)).toBe('staff: How can we help?');
  });
});

describe('the conversation list', () => {
  let p: Practice;
  const names = ['Anjali Seetohul', 'Bernard Li', 'Chloé Dupont'];
  const numbers: string[] = [];
  beforeAll(async () => {
    p = await practiceWithChannel();
    for (const name of names) {
      const waId = newWaId();
      numbers.push(waId);
      await patientWrites(t, { phoneNumberId: p.phoneNumberId, from: waId, profileName: name });
      await workers(t).processWebhooks();
    }
  });

  it('filters by status, assignment, name and digits', async () => {
    const all = await p.inbox.list();
    expect(all.items.map((c) => c.profileName)).toEqual([...names].reverse());
    const chloe = all.items[0]!;
    const bernard = all.items[1]!;
    expect((await p.owner.patch(`${p.inbox.base}/${chloe.id}`, { status: 'closed' })).statusCode).toBe(200);
    expect(
      (await p.owner.patch(`${p.inbox.base}/${bernard.id}`, { assignedUserId: p.receptionistId })).statusCode,
    ).toBe(200);

    expect((await p.inbox.list()).items.map((c) => c.profileName)).toEqual(['Bernard Li', 'Anjali Seetohul']);
    expect((await p.inbox.list('status=closed')).items.map((c) => c.profileName)).toEqual(['Chloé Dupont']);
    expect((await p.inbox.list('status=all')).items).toHaveLength(3);
    expect((await p.inbox.list('status=all&assigned=unassigned')).items.map((c) => c.profileName)).toEqual([
      'Chloé Dupont',
      'Anjali Seetohul',
    ]);
    expect((await inbox(p.receptionist, p.practiceId).list('assigned=me')).items.map((c) => c.profileName)).toEqual([
      'Bernard Li',
    ]);
    expect((await p.inbox.list('assigned=me')).items).toEqual([]);
    expect((await p.inbox.list(`status=all&q=${encodeURIComponent('chlo')}`)).items.map((c) => c.profileName)).toEqual([
      'Chloé Dupont',
    ]);
    expect((await p.inbox.list('status=all&q=BERN')).items.map((c) => c.profileName)).toEqual(['Bernard Li']);
    // Digits, typed as staff type them.
    const local = numbers[0]!.slice(3);
    expect(
      (
        await p.inbox.list(
          `status=all&q=${encodeURIComponent(`${local.slice(0, 1)} ${local.slice(1, 4)} ${local.slice(4)}`)}`,
        )
      ).items.map((c) => c.profileName),
    ).toEqual(['Anjali Seetohul']);
    expect((await p.inbox.list('status=all&q=%25')).items).toEqual([]);
    // Reopened by a new message from the patient.
    await patientWrites(t, { phoneNumberId: p.phoneNumberId, from: numbers[2]!, profileName: 'Chloé Dupont' });
    await workers(t).processWebhooks();
    expect((await p.inbox.list()).items.map((c) => c.profileName)[0]).toBe('Chloé Dupont');
  });

  it('pages with a cursor through conversations that share a timestamp, missing none', async () => {
    const q = await practiceWithChannel();
    const froms = [newWaId(), newWaId(), newWaId(), newWaId()];
    const now = String(Math.floor(Date.now() / 1000));
    // One change, four patients: processed in one transaction, so their conversations share a time.
    await postWebhook(t, {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '23052000000', phone_number_id: q.phoneNumberId },
                contacts: froms.map((wa_id, i) => ({ profile: { name: `Batch ${i}` }, wa_id })),
                messages: froms.map((from) => ({
                  from,
                  id: newWamid(),
                  timestamp: now,
                  type: 'text',
                  text: { body: 'hi' },
                })),
              },
            },
          ],
        },
      ],
    });
    await workers(t).processWebhooks();
    await writes(q, newWaId());
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res = await q.inbox.list(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.items.map((c) => c.id));
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    const bad = await q.owner.get(`${q.inbox.base}?cursor=not-a-cursor`);
    expect([bad.statusCode, bad.json().code]).toEqual([400, 'validation_failed']);
  });

  it('pages back through messages with `before`, in order, missing none', async () => {
    const waId = newWaId();
    const now = String(Math.floor(Date.now() / 1000));
    await postWebhook(t, {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          changes: [
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '23052000000', phone_number_id: p.phoneNumberId },
                contacts: [{ profile: { name: 'Chatty' }, wa_id: waId }],
                messages: [1, 2, 3, 4, 5, 6, 7].map((n) => ({
                  from: waId,
                  id: newWamid(),
                  timestamp: now,
                  type: 'text',
                  text: { body: `m${n}` },
                })),
              },
            },
          ],
        },
      ],
    });
    await workers(t).processWebhooks();
    const conversation = (await conversationOf(t, p.channelId, waId))!;
    const pages: string[][] = [];
    let before: string | undefined;
    for (let i = 0; i < 10; i++) {
      const res = await p.owner.get(
        `${p.inbox.base}/${conversation.id}/messages?limit=3${before ? `&before=${before}` : ''}`,
      );
      expect(res.statusCode).toBe(200);
      const { items, hasMore } = res.json() as { items: { id: string; content: { body: string } }[]; hasMore: boolean };
      pages.unshift(items.map((m) => m.content.body));
      before = items[0]?.id;
      if (!hasMore) break;
    }
    expect(pages.flat()).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
  });
});

describe('conversation detail, patient matches and changes', () => {
  let p: Practice;
  beforeAll(async () => {
    p = await practiceWithChannel();
  });

  const addPatient = async (givenName: string, familyName: string, waId: string) => {
    const res = await p.owner.post(p.url('/patients'), {
      givenName,
      familyName,
      dateOfBirth: '1990-01-01',
      phones: [{ number: waId.slice(3), label: 'mobile', isWhatsApp: true }],
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string };
  };

  it('exactly one patient with the number: linked automatically', async () => {
    const waId = newWaId();
    const patient = await addPatient('Aisha', 'Ramjaun', waId);
    await writes(p, waId);
    const conversation = (await conversationOf(t, p.channelId, waId))!;
    const detail = await p.inbox.detail(conversation.id);
    expect(detail.patient).toEqual({ id: patient.id, name: 'Aisha Ramjaun', dateOfBirth: '1990-01-01' });
    expect(detail.patientMatches).toEqual([{ id: patient.id, name: 'Aisha Ramjaun', dateOfBirth: '1990-01-01' }]);
    // Found by the patient's name too.
    expect((await p.inbox.list('q=ramjaun')).items.map((c) => c.id)).toEqual([conversation.id]);
  });

  it('several patients sharing a number (a family phone): none linked, all offered; staff link one, audited', async () => {
    const waId = newWaId();
    const mother = await addPatient('Marie', 'Lagesse', waId);
    const son = await addPatient('Paul', 'Lagesse', waId);
    await writes(p, waId);
    const conversation = (await conversationOf(t, p.channelId, waId))!;
    let detail = await p.inbox.detail(conversation.id);
    expect(detail.patient).toBeNull();
    expect(detail.patientMatches.map((m: { id: string }) => m.id).sort()).toEqual([mother.id, son.id].sort());

    const res = await p.receptionist.patch(`${p.inbox.base}/${conversation.id}`, {
      patientId: son.id,
      assignedUserId: p.receptionistId,
      needsHuman: true,
    });
    expect(res.statusCode, res.body).toBe(200);
    detail = res.json();
    expect(detail).toMatchObject({
      patient: { id: son.id, name: 'Paul Lagesse' },
      assignedTo: { userId: p.receptionistId },
      needsHuman: true,
    });
    const closed = await p.receptionist.patch(`${p.inbox.base}/${conversation.id}`, {
      status: 'closed',
      needsHuman: false,
    });
    expect(closed.json()).toMatchObject({ status: 'closed', needsHuman: false });

    const audit = await t.db
      .selectFrom('auditEvents')
      .select(['action', 'changes', 'actorUserId'])
      .where('practiceId', '=', p.practiceId)
      .where('action', '=', 'whatsapp.conversation_updated')
      .where('targetId', '=', conversation.id)
      .orderBy('seq')
      .execute();
    // Flagged for a person, the conversation is a person's (the assistant falls silent), and stays so once unflagged.
    expect(audit.map((a) => a.changes)).toEqual([
      {
        patientId: [null, son.id],
        assignedUserId: [null, p.receptionistId],
        needsHuman: [false, true],
        owner: ['assistant', 'staff'],
        handoverReason: [null, 'needs_staff'],
      },
      { status: ['open', 'closed'], needsHuman: [true, false], handoverReason: ['needs_staff', null] },
    ]);
    expect(audit.every((a) => a.actorUserId === p.receptionistId)).toBe(true);
  });

  it('refuses a patient or a member of another practice', async () => {
    const waId = newWaId();
    await writes(p, waId);
    const conversation = (await conversationOf(t, p.channelId, waId))!;
    const other = await practiceWithChannel();
    const stranger = await other.owner.post(other.url('/patients'), {
      givenName: 'Other',
      familyName: 'Practice',
      dateOfBirth: '1980-01-01',
    });
    expect(stranger.statusCode, stranger.body).toBe(201);
    const wrongPatient = await p.owner.patch(`${p.inbox.base}/${conversation.id}`, { patientId: stranger.json().id });
    expect([wrongPatient.statusCode, wrongPatient.json().code]).toEqual([404, 'patient_not_found']);
    const wrongMember = await p.owner.patch(`${p.inbox.base}/${conversation.id}`, { assignedUserId: other.ownerId });
    expect(wrongMember.statusCode).toBe(404);
    // Nothing to change: the conversation as it is, as every PATCH answers.
    expect((await p.owner.patch(`${p.inbox.base}/${conversation.id}`, {})).statusCode).toBe(200);
  });

  it('marking read zeroes the unread count and tells Meta (the patient’s blue ticks)', async () => {
    const waId = newWaId();
    await writes(p, waId, { type: 'text', text: { body: 'first' } });
    const last = await writes(p, waId, { type: 'text', text: { body: 'second' } });
    const conversation = (await conversationOf(t, p.channelId, waId))!;
    expect((await p.inbox.detail(conversation.id)).unreadCount).toBe(2);
    const res = await p.owner.post(`${p.inbox.base}/${conversation.id}/read`);
    expect(res.statusCode).toBe(204);
    expect((await p.inbox.detail(conversation.id)).unreadCount).toBe(0);
    await workers(t).send();
    expect(graph.fake.readReceipts).toContainEqual({ phoneNumberId: p.phoneNumberId, wamid: last });
    // Nothing new to read: no second receipt.
    const receipts = graph.fake.readReceipts.length;
    expect((await p.owner.post(`${p.inbox.base}/${conversation.id}/read`)).statusCode).toBe(204);
    await workers(t).send();
    expect(graph.fake.readReceipts.length).toBe(receipts);
  });
});

describe('media from patients', () => {
  it('is downloaded through the Graph API, stored sealed, and served back byte for byte', async () => {
    const p = await practiceWithChannel();
    const photo = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.from('a photo of a sore tooth, not really a JPEG'),
    ]);
    const mediaId = graph.fake.addMedia(photo, 'image/jpeg');
    const waId = newWaId();
    await writes(p, waId, {
      type: 'image',
      image: { id: mediaId, mime_type: 'image/jpeg', sha256: 'x', caption: 'here it hurts' },
    });
    const conversation = (await conversationOf(t, p.channelId, waId))!;
    let [message] = await p.inbox.messages(conversation.id);
    expect(message!.content).toMatchObject({ type: 'media', download: 'pending', caption: 'here it hurts' });
    const early = await p.owner.get(`${p.inbox.base}/${conversation.id}/messages/${message!.id}/media`);
    expect(early.statusCode).toBe(404);

    await workers(t).send();
    [message] = await p.inbox.messages(conversation.id);
    expect(message!.content).toMatchObject({ type: 'media', download: 'stored' });
    const res = await p.hygienist.get(`${p.inbox.base}/${conversation.id}/messages/${message!.id}/media`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['cache-control']).toContain('no-store');
    expect(res.rawPayload.equals(photo)).toBe(true);

    const dir = path.join(t.ctx.config.dataDir, 'files', p.practiceId);
    const files = readdirSync(dir);
    expect(files).toContain(message!.id);
    const onDisk = readFileSync(path.join(dir, message!.id));
    expect(onDisk.includes(Buffer.from('sore tooth'))).toBe(false);
    expect(onDisk.equals(photo)).toBe(false);

    // Another practice cannot read it, even knowing the ids.
    const other = await practiceWithChannel();
    expect((await other.owner.get(`${p.inbox.base}/${conversation.id}/messages/${message!.id}/media`)).statusCode).toBe(
      404,
    );
    expect(
      (await other.owner.get(`${other.inbox.base}/${conversation.id}/messages/${message!.id}/media`)).statusCode,
    ).toBe(404);
  });

  it('media Meta no longer has is marked failed, not retried forever', async () => {
    const p = await practiceWithChannel();
    const waId = newWaId();
    await writes(p, waId, {
      type: 'document',
      document: { id: '424242424242', mime_type: 'application/pdf', filename: 'lost.pdf' },
    });
    await workers(t).send();
    const conversation = (await conversationOf(t, p.channelId, waId))!;
    const [message] = await p.inbox.messages(conversation.id);
    expect(message!.content).toMatchObject({ download: 'failed' });
    expect(
      await t.db.selectFrom('whatsappOutbox').select('seq').where('conversationId', '=', conversation.id).execute(),
    ).toEqual([]);
  });
});

describe('who may do what', () => {
  let p: Practice;
  let conversationId: string;
  beforeAll(async () => {
    p = await practiceWithChannel();
    const waId = newWaId();
    await writes(p, waId);
    conversationId = (await conversationOf(t, p.channelId, waId))!.id;
  });

  it('a hygienist reads the inbox but cannot reply or change a conversation', async () => {
    const h = inbox(p.hygienist, p.practiceId);
    expect((await h.list()).items.map((c) => c.id)).toContain(conversationId);
    expect((await h.messages(conversationId)).length).toBe(1);
    const reply = await h.send(conversationId, { type: 'text', body: 'Hello' });
    expect([reply.statusCode, reply.json().code]).toEqual([403, 'forbidden']);
    expect((await p.hygienist.patch(`${p.inbox.base}/${conversationId}`, { status: 'closed' })).statusCode).toBe(403);
    // The receptionist may.
    expect(
      (await inbox(p.receptionist, p.practiceId).send(conversationId, { type: 'text', body: 'Hello from reception' }))
        .statusCode,
    ).toBe(201);
  });

  it('another practice gets 404 for this practice’s inbox and conversations', async () => {
    const other = await practiceWithChannel();
    for (const url of [
      p.inbox.base,
      `${p.inbox.base}/${conversationId}`,
      `${p.inbox.base}/${conversationId}/messages`,
    ]) {
      const res = await other.owner.get(url);
      expect(res.statusCode, url).toBe(404);
    }
    const viaOwnPractice = await other.owner.get(`${other.inbox.base}/${conversationId}`);
    expect([viaOwnPractice.statusCode, viaOwnPractice.json().code]).toEqual([404, 'conversation_not_found']);
    expect((await other.owner.get(`${other.inbox.base}/${conversationId}/messages`)).statusCode).toBe(404);
    expect(
      (await inbox(other.owner, other.practiceId).send(conversationId, { type: 'text', body: 'x' })).statusCode,
    ).toBe(404);
    expect((await other.owner.patch(`${other.inbox.base}/${conversationId}`, { status: 'closed' })).statusCode).toBe(
      404,
    );
    expect((await other.owner.post(`${other.inbox.base}/${conversationId}/read`)).statusCode).toBe(404);
  });

  it('row-level security: WhatsApp rows are invisible without the practice, and only the practice’s own with it', async () => {
    const tables = [
      'whatsappConversations',
      'whatsappMessages',
      'whatsappOutbox',
      'whatsappTemplates',
      'whatsappStatusEvents',
    ] as const;
    const counts = (tx: Parameters<Parameters<typeof inPractice>[2]>[0]) =>
      Promise.all(
        tables.map(async (table) =>
          (await tx.selectFrom(table).select('practiceId').execute()).map((r) => r.practiceId),
        ),
      );
    const unbound = await t.db.transaction().execute(async (tx) => {
      await sql`SELECT set_config('role', 'dentalpro_app', true)`.execute(tx);
      return counts(tx);
    });
    expect(unbound).toEqual(tables.map(() => []));
    const bound = await inPractice(t.db, p.practiceId, counts);
    expect(bound[0]!.length).toBeGreaterThan(0);
    expect(bound[3]!.length).toBeGreaterThan(0);
    expect(new Set(bound.flat())).toEqual(new Set([p.practiceId]));
  });

  it('without a session: 401', async () => {
    const res = await t.app.inject({ method: 'GET', url: p.inbox.base });
    expect(res.statusCode).toBe(401);
  });
});

describe('running workers and live updates', () => {
  it('the background workers pick up a webhook at once, and the open inbox hears of each change', async () => {
    const p = await practiceWithChannel();
    const events: { type: string; conversationId: string; messageId?: string }[] = [];
    const unsubscribe = t.ctx.events.subscribe(inboxTopic(p.practiceId), (e) =>
      events.push(e as (typeof events)[number]),
    );
    // Pumps that would sleep a minute between polls: whatever happens within the test was set going by a signal.
    const running = startBackgroundWork(t.ctx, { idleMs: 60_000 });
    try {
      const waId = newWaId();
      await patientWrites(t, { phoneNumberId: p.phoneNumberId, from: waId, profileName: 'Live' });
      await waitFor(async () => (await conversationOf(t, p.channelId, waId)) !== undefined);
      const conversation = (await conversationOf(t, p.channelId, waId))!;
      await waitFor(async () => events.some((e) => e.type === 'message' && e.conversationId === conversation.id));
      const sent = await p.inbox.send(conversation.id, { type: 'text', body: 'Live reply' });
      expect(sent.statusCode).toBe(201);
      await waitFor(async () =>
        (await messagesOf(t, conversation.id)).some((m) => m.id === sent.json().id && m.status === 'sent'),
      );
      expect(events.filter((e) => e.messageId === sent.json().id).length).toBeGreaterThanOrEqual(2);
      expect(graph.fake.sent.filter((m) => m.to === waId)).toHaveLength(1);
    } finally {
      unsubscribe();
      await running.stop();
    }
  });
});

describe('the sandbox when it is off (Meta credentials configured)', () => {
  it('says so, and refuses to write', async () => {
    const p = await practiceWithChannel();
    const state = await p.owner.get('/api/v1/sandbox/whatsapp');
    expect(state.statusCode).toBe(200);
    expect(state.json()).toEqual({ enabled: false, channels: [] });
    const res = await p.owner.post('/api/v1/sandbox/whatsapp/messages', {
      phoneNumberId: p.phoneNumberId,
      from: '23057123456',
      profileName: 'Aisha',
      message: { type: 'text', body: 'hi' },
    });
    expect([res.statusCode, res.json().code]).toEqual([404, 'sandbox_disabled']);
  });
});
