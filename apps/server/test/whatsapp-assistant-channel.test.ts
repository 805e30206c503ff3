import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AssistantReply,
  handBackToAssistant,
  handOverToStaff,
  ownerNow,
  queueAssistantReplies,
  readInboundForAssistant,
  recordWhatsAppOptIn,
  recordWhatsAppOptOut,
  setAssistantActive,
} from '../src/modules/messaging/assistant-channel.service.js';
import { getChannel } from '../src/modules/messaging/channels.service.js';
import { inboxTopic } from '../src/modules/messaging/messaging.runtime.js';
import type { Actor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import { type TestApp, loggedIn, makeMember, makePractice } from './harness.js';
import { GRAPH_TOKEN, connectChannel, createWhatsAppTestApp, startFakeGraph, workers } from './whatsapp-fixtures.js';
import { WABA_ID, conversationOf, inbox, messagesOf, newWaId, patientWrites } from './whatsapp-helpers.js';

/**
 * What the WhatsApp channel offers the booking assistant (assistant-channel.service.ts), over the
 * real database and the fake Graph API: reading a patient's message, queuing replies once, the
 * Graph bodies Meta expects, the 24-hour window, handover and hand-back, ownership lapsing,
 * opt-out and opt-in, and the greeting falling silent while the assistant answers.
 */

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
async function practiceWithChannel() {
  const p = await makePractice(t.ctx);
  const phoneNumberId = `1065403533${String(55000 + phoneCounter++)}`;
  const channelId = (await connectChannel(t.ctx, p.practiceId, phoneNumberId)).id;
  const receptionist = await makeMember(t.ctx, p.practiceId, 'receptionist');
  const hygienist = await makeMember(t.ctx, p.practiceId, 'hygienist');
  const owner = await loggedIn(t.app, p.owner);
  return {
    practiceId: p.practiceId,
    phoneNumberId,
    channelId,
    owner,
    receptionistId: receptionist.id,
    receptionist: await loggedIn(t.app, receptionist),
    hygienist: await loggedIn(t.app, hygienist),
    inbox: inbox(owner, p.practiceId),
    url: (rest: string) => `/api/v1/practices/${p.practiceId}${rest}`,
  };
}
type Practice = Awaited<ReturnType<typeof practiceWithChannel>>;

/** A patient writes; the webhook is processed. Returns their conversation. */
async function patientSays(p: Practice, waId: string, message?: Record<string, unknown>) {
  await patientWrites(t, { phoneNumberId: p.phoneNumberId, from: waId, ...(message ? { message } : {}) });
  await workers(t).processWebhooks();
  return (await conversationOf(t, p.channelId, waId))!;
}

const latestInboundId = async (conversationId: string) =>
  (await messagesOf(t, conversationId)).filter((m) => m.direction === 'inbound').at(-1)!.id;

const inTx = <T>(p: Practice, fn: Parameters<typeof inPractice<T>>[2]) => inPractice(t.db, p.practiceId, fn);

const queue = (
  p: Practice,
  c: { id: string; channelId: string; waId: string | null },
  replies: AssistantReply[],
  key: string,
) =>
  inTx(p, (tx) =>
    queueAssistantReplies(tx, {
      masterKey: t.ctx.config.encryptionKey,
      practiceId: p.practiceId,
      conversation: { id: c.id, channelId: c.channelId, waId: c.waId },
      replies,
      idempotencyKey: key,
    }),
  );

const assistantMessages = async (conversationId: string) =>
  (await messagesOf(t, conversationId)).filter((m) => m.origin === 'assistant');

const counts = async (p: Practice) => {
  const res = await p.owner.get(p.url('/inbox/counts'));
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { waiting: number; urgent: number; unread: number };
};

const TIMES: AssistantReply = {
  type: 'list',
  body: 'Here are the free times next week. Which suits you?',
  footer: 'Times in Mauritius',
  buttonLabel: 'See times',
  sections: [
    {
      title: 'Tuesday 8 December',
      rows: [
        { id: 'h:abc123', title: 'Tue 8 Dec 10:30', description: 'Dr Li · Cleaning' },
        { id: 'h:abc124', title: 'Tue 8 Dec 11:00' },
      ],
    },
    { title: 'Wednesday 9 December', rows: [{ id: 'h:abc125', title: 'Wed 9 Dec 09:00', description: 'Dr Li' }] },
  ],
};
const CONFIRM: AssistantReply = {
  type: 'buttons',
  body: 'Tuesday 8 December at 10:30 with Dr Li, cleaning, for Inès. Shall I confirm?',
  buttons: [
    { id: 'confirm', title: 'Confirm' },
    { id: 'change', title: 'Change' },
  ],
};

describe('reading a patient’s message for the assistant', () => {
  it('gives the conversation (number in E.164, owner, window, switch) and the message; null for what is not a patient’s message here', async () => {
    const p = await practiceWithChannel();
    const waId = newWaId();
    const first = await patientSays(p, waId, { type: 'text', text: { body: 'Bonjour' } });
    const second = await patientSays(p, waId, {
      type: 'interactive',
      interactive: { type: 'list_reply', list_reply: { id: 'h:abc123', title: 'Tue 8 Dec 10:30' } },
      context: { from: '23052000000', id: 'wamid.earlier' },
    });
    expect(second.id).toBe(first.id);
    const [hello, tap] = (await messagesOf(t, first.id)).filter((m) => m.direction === 'inbound');

    const read = await inTx(p, (tx) =>
      readInboundForAssistant(tx, {
        masterKey: t.ctx.config.encryptionKey,
        conversationId: first.id,
        messageId: tap!.id,
      }),
    );
    expect(read).toMatchObject({
      conversation: {
        id: first.id,
        channelId: p.channelId,
        waId,
        e164: `+${waId}`,
        patientId: null,
        owner: 'assistant',
        handoverAt: null,
        optedOut: false,
        assistantActive: false,
      },
      message: {
        id: tap!.id,
        content: { type: 'choice', choiceId: 'h:abc123', title: 'Tue 8 Dec 10:30' },
        contextWamid: 'wamid.earlier',
      },
    });
    // The message being answered is not activity of its own: the one before it is.
    expect(read!.conversation.previousMessageAt?.getTime()).toBe(hello!.occurredAt.getTime());
    expect(read!.conversation.lastInboundAt).toBeInstanceOf(Date);

    const withoutMessage = await inTx(p, (tx) =>
      readInboundForAssistant(tx, { masterKey: t.ctx.config.encryptionKey, conversationId: first.id, messageId: null }),
    );
    expect(withoutMessage?.message).toBeNull();

    // Our own outbound message is not a patient's message to answer.
    await queue(p, first, [{ type: 'text', body: 'Hello!' }], 'read-test');
    const [ours] = await assistantMessages(first.id);
    expect(
      await inTx(p, (tx) =>
        readInboundForAssistant(tx, {
          masterKey: t.ctx.config.encryptionKey,
          conversationId: first.id,
          messageId: ours!.id,
        }),
      ),
    ).toBeNull();
    // Another practice sees nothing of it.
    const other = await practiceWithChannel();
    expect(
      await inTx(other, (tx) =>
        readInboundForAssistant(tx, {
          masterKey: t.ctx.config.encryptionKey,
          conversationId: first.id,
          messageId: hello!.id,
        }),
      ),
    ).toBeNull();
  });

  it('holds the conversation row until the transaction ends: a second handler waits for the first', async () => {
    const p = await practiceWithChannel();
    const waId = newWaId();
    const c = await patientSays(p, waId);
    const messageId = await latestInboundId(c.id);
    const order: string[] = [];
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let firstRead!: () => void;
    const firstHasRead = new Promise<void>((resolve) => {
      firstRead = resolve;
    });
    const first = inTx(p, async (tx) => {
      await readInboundForAssistant(tx, { masterKey: t.ctx.config.encryptionKey, conversationId: c.id, messageId });
      order.push('first read');
      firstRead();
      await firstHolds;
      order.push('first done');
    });
    await firstHasRead;
    const second = inTx(p, async (tx) => {
      await readInboundForAssistant(tx, { masterKey: t.ctx.config.encryptionKey, conversationId: c.id, messageId });
      order.push('second read');
    });
    await new Promise((r) => setTimeout(r, 150));
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first read', 'first done', 'second read']);
  });
});

describe('queuing the assistant’s replies', () => {
  let p: Practice;
  beforeAll(async () => {
    p = await practiceWithChannel();
  });

  it('queues each reply once per idempotency key, in order, as origin assistant', async () => {
    const waId = newWaId();
    const c = await patientSays(p, waId);
    const replies: AssistantReply[] = [{ type: 'text', body: 'Hello, I am the practice’s assistant.' }, TIMES];
    expect(await queue(p, c, replies, `turn:${c.id}:1`)).toBe(2);
    // The handler runs again after a crash: nothing new.
    expect(await queue(p, c, replies, `turn:${c.id}:1`)).toBe(0);
    // A longer second run (a reply more) queues only the one it did not have.
    expect(await queue(p, c, [...replies, CONFIRM], `turn:${c.id}:1`)).toBe(1);
    const queued = await assistantMessages(c.id);
    expect(queued.map((m) => [m.idempotencyKey, m.status, (m.content as { type: string }).type])).toEqual([
      [`turn:${c.id}:1:0`, 'queued', 'text'],
      [`turn:${c.id}:1:1`, 'queued', 'list'],
      [`turn:${c.id}:1:2`, 'queued', 'buttons'],
    ]);
    const listed = await p.inbox.messages(c.id);
    expect(listed.filter((m) => m.origin === 'assistant')).toHaveLength(3);
  });

  it('sends lists and buttons in the shapes Meta expects', async () => {
    const waId = newWaId();
    const c = await patientSays(p, waId);
    expect(await queue(p, c, [TIMES, CONFIRM], `shapes:${c.id}`)).toBe(2);
    await workers(t).send();
    const received = graph.fake.sent.filter((m) => m.to === waId).map((m) => m.body);
    expect(received).toEqual([
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: waId,
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: 'Here are the free times next week. Which suits you?' },
          footer: { text: 'Times in Mauritius' },
          action: {
            button: 'See times',
            sections: [
              {
                title: 'Tuesday 8 December',
                rows: [
                  { id: 'h:abc123', title: 'Tue 8 Dec 10:30', description: 'Dr Li · Cleaning' },
                  { id: 'h:abc124', title: 'Tue 8 Dec 11:00' },
                ],
              },
              {
                title: 'Wednesday 9 December',
                rows: [{ id: 'h:abc125', title: 'Wed 9 Dec 09:00', description: 'Dr Li' }],
              },
            ],
          },
        },
      },
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: waId,
        type: 'interactive',
        interactive: {
          type: 'button',
          body: { text: CONFIRM.body },
          action: {
            buttons: [
              { type: 'reply', reply: { id: 'confirm', title: 'Confirm' } },
              { type: 'reply', reply: { id: 'change', title: 'Change' } },
            ],
          },
        },
      },
    ]);
    expect((await assistantMessages(c.id)).map((m) => m.status)).toEqual(['sent', 'sent']);
  });

  it('queues nothing outside the 24-hour window, or for a contact without a number', async () => {
    const waId = newWaId();
    const c = await patientSays(p, waId);
    await sql`UPDATE whatsapp_conversations SET last_inbound_at = now() - interval '25 hours' WHERE id = ${c.id}`.execute(
      t.db,
    );
    expect(await queue(p, c, [{ type: 'text', body: 'Too late' }], `late:${c.id}`)).toBe(0);
    expect(await queue(p, { ...c, waId: null }, [{ type: 'text', body: 'No number' }], `nonumber:${c.id}`)).toBe(0);
    expect(await assistantMessages(c.id)).toEqual([]);
  });

  it('refuses a reply past WhatsApp’s limits, queuing none of the turn', async () => {
    const waId = newWaId();
    const c = await patientSays(p, waId);
    const tooLong: AssistantReply = {
      type: 'buttons',
      body: 'Pick one',
      buttons: [
        { id: 'a', title: 'A title far past twenty characters' },
        { id: 'b', title: 'B' },
      ],
    };
    await expect(queue(p, c, [{ type: 'text', body: 'ok' }, tooLong], `limits:${c.id}`)).rejects.toThrow(
      /button titles/,
    );
    expect(await assistantMessages(c.id)).toEqual([]);
  });
});

describe('handover, a staff answer, hand-back', () => {
  it('flags the conversation for a person with its reason and wait, stops the wait when staff answer, and clears it on hand-back', async () => {
    const p = await practiceWithChannel();
    await setAssistant(p, true);
    const waId = newWaId();
    const c = await patientSays(p, waId, { type: 'text', text: { body: 'Terrible toothache, my face is swollen' } });
    const events: { type: string; conversationId: string }[] = [];
    const unsubscribe = t.ctx.events.subscribe(inboxTopic(p.practiceId), (e) =>
      events.push(e as (typeof events)[number]),
    );
    const urgentAt = new Date(Date.now() - 12 * 60_000);
    try {
      // The assistant's last words first, then the handover, in one transaction.
      await inTx(p, async (tx) => {
        const queued = await queueAssistantReplies(tx, {
          masterKey: t.ctx.config.encryptionKey,
          practiceId: p.practiceId,
          conversation: c,
          replies: [{ type: 'text', body: 'Call us now on 212 0000. A colleague will answer you here.' }],
          idempotencyKey: `urgent:${c.id}`,
        });
        expect(queued).toBe(1);
        expect(
          await handOverToStaff(tx, { practiceId: p.practiceId, conversationId: c.id, reason: 'urgent', at: urgentAt }),
        ).toEqual({
          waitingSince: urgentAt,
          reason: 'urgent',
        });
      });
      // Open inboxes hear of it once the transaction commits (through the database: the tests'
      // bus on PostgreSQL is in memory only and does not hear it).
      if (t.database.embedded) {
        await waitFor(() => events.some((e) => e.type === 'conversation' && e.conversationId === c.id));
      }
    } finally {
      unsubscribe();
    }
    let detail = await p.inbox.detail(c.id);
    expect(detail).toMatchObject({
      owner: 'staff',
      needsHuman: true,
      handover: { reason: 'urgent', since: urgentAt.toISOString() },
      channel: { assistantActive: true },
    });
    expect(await counts(p)).toEqual({ waiting: 1, urgent: 1, unread: 1 });
    expect((await p.inbox.list('needsPerson=true')).items.map((i) => i.id)).toEqual([c.id]);
    expect((await p.inbox.list('needsPerson=false')).items.map((i) => i.id)).toEqual([]);

    // Asking for a person while already waiting: the first time stands, and it stays urgent.
    await inTx(p, (tx) =>
      handOverToStaff(tx, { practiceId: p.practiceId, conversationId: c.id, reason: 'asked', at: new Date() }),
    );
    detail = await p.inbox.detail(c.id);
    expect(detail.handover).toEqual({ reason: 'urgent', since: urgentAt.toISOString() });

    // While a person owns it the assistant queues nothing, even if asked to.
    expect(await queue(p, c, [{ type: 'text', body: 'Shall I book?' }], `silent:${c.id}`)).toBe(0);

    // A receptionist answers: still theirs, the wait stops, the reason stays.
    const sent = await inbox(p.receptionist, p.practiceId).send(c.id, { type: 'text', body: 'Please come at 2 pm.' });
    expect(sent.statusCode, sent.body).toBe(201);
    detail = await p.inbox.detail(c.id);
    expect(detail).toMatchObject({ owner: 'staff', needsHuman: true, handover: { reason: 'urgent', since: null } });
    expect(await counts(p)).toMatchObject({ waiting: 0, urgent: 0 });
    expect(await queue(p, c, [{ type: 'text', body: 'Shall I book?' }], `silent2:${c.id}`)).toBe(0);

    // A hygienist may read but not hand back.
    const refused = await p.hygienist.patch(`${p.inbox.base}/${c.id}`, { owner: 'assistant' });
    expect(refused.statusCode).toBe(403);
    // Handing back and flagging at once makes no sense.
    const both = await p.owner.patch(`${p.inbox.base}/${c.id}`, { owner: 'assistant', needsHuman: true });
    expect(both.statusCode).toBe(400);

    const back = await p.receptionist.patch(`${p.inbox.base}/${c.id}`, { owner: 'assistant' });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({ owner: 'assistant', needsHuman: false, handover: null });
    // Handing back twice changes nothing more.
    const again = await handBackToAssistant(t.ctx, {
      actor: memberActor(p.receptionistId),
      practiceId: p.practiceId,
      conversationId: c.id,
    });
    expect(again).toMatchObject({ owner: 'assistant', handover: null });
    expect(await queue(p, c, [{ type: 'text', body: 'Shall I book?' }], `back:${c.id}`)).toBe(1);

    // Staff take it over on their own.
    const taken = await p.owner.patch(`${p.inbox.base}/${c.id}`, { owner: 'staff' });
    expect(taken.json()).toMatchObject({ owner: 'staff', needsHuman: false, handover: null });
    expect(await queue(p, c, [{ type: 'text', body: 'Anything else?' }], `taken:${c.id}`)).toBe(0);

    const audit = await t.db
      .selectFrom('auditEvents')
      .select(['changes', 'actorUserId'])
      .where('practiceId', '=', p.practiceId)
      .where('action', '=', 'whatsapp.conversation_updated')
      .where('targetId', '=', c.id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.changes)).toEqual([
      { owner: ['staff', 'assistant'], needsHuman: [true, false], handoverReason: ['urgent', null] },
      { owner: ['assistant', 'staff'] },
    ]);
    expect(audit[0]!.actorUserId).toBe(p.receptionistId);
  });

  it('staff flag a conversation themselves: theirs, waiting, reason needs_staff; clearing the flag stops the wait', async () => {
    const p = await practiceWithChannel();
    const c = await patientSays(p, newWaId());
    const flagged = await p.receptionist.patch(`${p.inbox.base}/${c.id}`, { needsHuman: true });
    expect(flagged.json()).toMatchObject({ owner: 'staff', needsHuman: true, handover: { reason: 'needs_staff' } });
    expect(flagged.json().handover.since).not.toBeNull();
    expect(await counts(p)).toMatchObject({ waiting: 1, urgent: 0 });
    const cleared = await p.receptionist.patch(`${p.inbox.base}/${c.id}`, { needsHuman: false });
    expect(cleared.json()).toMatchObject({ owner: 'staff', needsHuman: false, handover: null });
    expect(await counts(p)).toMatchObject({ waiting: 0 });
  });
});

describe('a person’s ownership lapses when the conversation goes idle', () => {
  it('the assistant answers again after idleHours of silence, unless the patient waits for a person or staff just took over', async () => {
    const p = await practiceWithChannel();
    const waId = newWaId();
    const c = await patientSays(p, waId);
    const sent = await p.inbox.send(c.id, { type: 'text', body: 'Done, see you Tuesday.' });
    expect(sent.statusCode).toBe(201);
    // Thirteen hours later the patient writes again.
    await sql`UPDATE whatsapp_messages SET occurred_at = occurred_at - interval '13 hours' WHERE conversation_id = ${c.id}`.execute(
      t.db,
    );
    await sql`UPDATE whatsapp_conversations SET owner_since = owner_since - interval '13 hours', last_message_at = last_message_at - interval '13 hours', last_inbound_at = last_inbound_at - interval '13 hours' WHERE id = ${c.id}`.execute(
      t.db,
    );
    await patientSays(p, waId, { type: 'text', text: { body: 'One more question' } });
    const messageId = await latestInboundId(c.id);
    const read = (await inTx(p, (tx) =>
      readInboundForAssistant(tx, { masterKey: t.ctx.config.encryptionKey, conversationId: c.id, messageId }),
    ))!;
    const now = new Date();
    expect(read.conversation.owner).toBe('staff');
    expect(ownerNow(read.conversation, now, 12)).toBe('assistant');
    expect(ownerNow(read.conversation, now, 24)).toBe('staff');

    // Staff take it over just before the assistant answers: they win, the assistant stays silent.
    await sql`UPDATE whatsapp_conversations SET owner_since = now() WHERE id = ${c.id}`.execute(t.db);
    expect(await queue(p, c, [{ type: 'text', body: 'Hello again!' }], `lapse-race:${c.id}`)).toBe(0);
    await sql`UPDATE whatsapp_conversations SET owner_since = now() - interval '13 hours' WHERE id = ${c.id}`.execute(
      t.db,
    );

    expect(await queue(p, c, [{ type: 'text', body: 'Hello again!' }], `lapse:${c.id}`)).toBe(1);
    expect((await p.inbox.detail(c.id)).owner).toBe('assistant');

    // A patient waiting for a person keeps waiting for one, however long it has been.
    await inTx(p, (tx) =>
      handOverToStaff(tx, {
        practiceId: p.practiceId,
        conversationId: c.id,
        reason: 'asked',
        at: new Date(Date.now() - 30 * 3600_000),
      }),
    );
    const waiting = (await inTx(p, (tx) =>
      readInboundForAssistant(tx, { masterKey: t.ctx.config.encryptionKey, conversationId: c.id, messageId }),
    ))!;
    expect(
      ownerNow({ ...waiting.conversation, previousMessageAt: new Date(Date.now() - 30 * 3600_000) }, now, 12),
    ).toBe('staff');
    expect(await queue(p, c, [{ type: 'text', body: 'Hello?' }], `waiting:${c.id}`)).toBe(0);
  });
});

describe('opt-out and opt-in', () => {
  it('an opt-out cancels the assistant’s queued messages and is recorded once; an opt-in lifts it', async () => {
    const p = await practiceWithChannel();
    const waId = newWaId();
    const c = await patientSays(p, waId);
    expect(
      await queue(p, c, [{ type: 'text', body: 'Reminder: your visit is tomorrow.' }, CONFIRM], `before-stop:${c.id}`),
    ).toBe(2);
    const at = new Date();
    const first = await inTx(p, (tx) =>
      recordWhatsAppOptOut(tx, { practiceId: p.practiceId, conversationId: c.id, at }),
    );
    expect(first).toEqual({ alreadyOptedOut: false, cancelled: 2 });
    expect((await assistantMessages(c.id)).map((m) => [m.status, m.failureReason])).toEqual([
      ['failed', 'opted_out'],
      ['failed', 'opted_out'],
    ]);
    await workers(t).send();
    expect(graph.fake.sent.filter((m) => m.to === waId)).toEqual([]);
    const again = await inTx(p, (tx) =>
      recordWhatsAppOptOut(tx, { practiceId: p.practiceId, conversationId: c.id, at: new Date() }),
    );
    expect(again).toEqual({ alreadyOptedOut: true, cancelled: 0 });
    let row = (await conversationOf(t, p.channelId, waId))!;
    expect(row.optedOutAt?.getTime()).toBe(at.getTime());
    expect((await p.inbox.detail(c.id)).optedOut).toBe(true);

    // The confirmation of the opt-out, queued after it, is sent: the patient asked.
    expect(await queue(p, c, [{ type: 'text', body: 'You will get no more messages from us.' }], `stop:${c.id}`)).toBe(
      1,
    );
    await workers(t).send();
    expect(graph.fake.sent.filter((m) => m.to === waId)).toHaveLength(1);

    const optIn = new Date();
    expect(
      await inTx(p, (tx) => recordWhatsAppOptIn(tx, { practiceId: p.practiceId, conversationId: c.id, at: optIn })),
    ).toEqual({
      wasOptedOut: true,
    });
    row = (await conversationOf(t, p.channelId, waId))!;
    expect(row.optedOutAt).toBeNull();
    expect(row.optedInAt?.getTime()).toBe(optIn.getTime());
    expect((await p.inbox.detail(c.id)).optedOut).toBe(false);
  });
});

describe('the greeting and away message while the assistant answers', () => {
  it('say nothing while the assistant is on, and answer again once it is off', async () => {
    const p = await practiceWithChannel();
    const res = await p.owner.request('PUT', p.url('/whatsapp/channel'), {
      phoneNumberId: p.phoneNumberId,
      displayPhoneNumber: '+230 5200 0000',
      wabaId: WABA_ID,
      accessToken: GRAPH_TOKEN,
      throughputPerSecond: 80,
      autoReplies: {
        greetingEnabled: true,
        greetingEn: 'Welcome to Smile Dental!',
        greetingFr: '',
        awayEnabled: false,
        awayEn: '',
        awayFr: '',
      },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().assistantActive).toBe(false);
    await setAssistant(p, true);
    expect(await getChannel(t.ctx, { actor: memberActor(p.receptionistId), practiceId: p.practiceId })).toMatchObject({
      assistantActive: true,
    });
    const quiet = await patientSays(p, newWaId());
    expect((await messagesOf(t, quiet.id)).filter((m) => m.origin === 'greeting')).toEqual([]);

    await setAssistant(p, false);
    const greeted = await patientSays(p, newWaId());
    expect((await messagesOf(t, greeted.id)).filter((m) => m.origin === 'greeting')).toHaveLength(1);
  });
});

async function setAssistant(p: Practice, active: boolean) {
  await inTx(p, (tx) => setAssistantActive(tx, { practiceId: p.practiceId, active }));
}

/** A receptionist acting through the services directly (as a route would, after the session check). */
function memberActor(userId: string): Actor {
  return { userId, role: 'receptionist', ip: null, requestId: 'test' };
}

async function waitFor(check: () => boolean, ms = 5_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
