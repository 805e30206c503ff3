import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openForPractice } from '../src/platform/data-keys.js';
import { inPractice } from '../src/platform/tenancy.js';
import { sealStoredMessageWords } from '../src/modules/messaging/message-words.backfill.js';
import { messageAad } from '../src/modules/messaging/message-words.js';
import { type Client, type TestApp, loggedIn, makePractice } from './harness.js';
import { connectChannel, createWhatsAppTestApp, startFakeGraph, workers } from './whatsapp-fixtures.js';
import { conversationOf, inbox, messagesOf, newWaId, patientWrites } from './whatsapp-helpers.js';

/**
 * Issue 14: WhatsApp words are encrypted at rest with the practice's data key. The raw table
 * holds none of the words (read with SQL), everything staff and Meta see still reads them, a
 * sealed value opens for no other practice nor row, and rows from before are sealed by a
 * resumable backfill while readers take both forms.
 */

const PHONE_A = '106540352214001';
const PHONE_B = '106540352214002';

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let practiceA: string;
let practiceB: string;
let channelA: string;
let owner: Client;

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  const a = await makePractice(t.ctx);
  const b = await makePractice(t.ctx);
  practiceA = a.practiceId;
  practiceB = b.practiceId;
  channelA = (await connectChannel(t.ctx, practiceA, PHONE_A)).id;
  await connectChannel(t.ctx, practiceB, PHONE_B);
  owner = await loggedIn(t.app, a.owner);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

/** Every stored byte of the conversation's messages and of the webhook bodies, as text and as hex. */
async function rawTables(conversationId: string) {
  const { rows: messages } = await sql<{ row: string; sealedHex: string | null }>`
    SELECT concat_ws('|', content::text, raw::text, request::text, failure_detail) AS row,
      encode(sealed, 'hex') AS sealed_hex
    FROM whatsapp_messages WHERE conversation_id = ${conversationId}`.execute(t.db);
  const { rows: deliveries } = await sql<{ row: string; sealedHex: string | null }>`
    SELECT concat_ws('|', body, contact_tags::text) AS row, encode(body_sealed, 'hex') AS sealed_hex
    FROM whatsapp_webhook_deliveries`.execute(t.db);
  return { messages, deliveries };
}

const hexOf = (text: string) => Buffer.from(text, 'utf8').toString('hex');

function expectNowhere(stored: { row: string; sealedHex: string | null }[], words: string[]) {
  for (const w of words)
    for (const s of stored) {
      expect(s.row).not.toContain(w);
      expect(s.sealedHex ?? '').not.toContain(hexOf(w));
    }
}

describe('WhatsApp words at rest', () => {
  const waId = newWaId();
  const TEXT = 'My gum bleeds since Tuesday 4711';
  const CAPTION = 'Photo of the swollen side 8812';
  const TAP = 'Yes please 5521';
  const REPLY = 'Rinse with warm salt water 9931';
  let conversationId: string;

  it('stores a text, a caption, a tap and a staff reply sealed, and the inbox, the thread and Meta still read them', async () => {
    await patientWrites(t, { phoneNumberId: PHONE_A, from: waId, message: { type: 'text', text: { body: TEXT } } });
    await patientWrites(t, {
      phoneNumberId: PHONE_A,
      from: waId,
      message: {
        type: 'image',
        image: { id: `media-${randomUUID()}`, mime_type: 'image/jpeg', sha256: 'x', caption: CAPTION },
      },
    });
    await patientWrites(t, {
      phoneNumberId: PHONE_A,
      from: waId,
      message: { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'yes', title: TAP } } },
    });
    await workers(t).processWebhooks();
    conversationId = (await conversationOf(t, channelA, waId))!.id;
    const box = inbox(owner, practiceA);
    const first = (await box.messages(conversationId)).find((m) => m.content.type === 'text')!;
    const sent = await box.send(conversationId, { type: 'text', body: REPLY, replyToMessageId: first.id });
    expect(sent.statusCode, sent.body).toBe(201);
    await workers(t).send();

    // The raw tables: no word, in any column, in the clear or in the sealed bytes.
    const stored = await rawTables(conversationId);
    expect(stored.messages).toHaveLength(4);
    expect(stored.messages.every((m) => m.sealedHex)).toBe(true);
    expectNowhere(stored.messages, [TEXT, CAPTION, TAP, REPLY, waId]);
    expectNowhere(stored.deliveries, [TEXT, CAPTION, TAP, waId]);

    // What staff see.
    const thread = await box.messages(conversationId);
    expect(thread.map((m) => m.content)).toEqual([
      { type: 'text', body: TEXT },
      expect.objectContaining({ type: 'media', mediaType: 'image', mimeType: 'image/jpeg', caption: CAPTION }),
      { type: 'choice', choiceId: 'yes', title: TAP },
      { type: 'text', body: REPLY },
    ]);
    expect(thread[3]!.replyTo).toEqual({ messageId: first.id, preview: TEXT });
    const listed = (await box.list()).items.find((c) => c.id === conversationId)!;
    expect(listed.lastMessage).toMatchObject({ preview: REPLY, direction: 'outbound' });
    expect((await box.detail(conversationId)).lastMessage).toMatchObject({ preview: REPLY });
    // What Meta got: the reply's words, opened by the dispatcher.
    expect(graph.fake.requests.some((r) => JSON.stringify(r.body).includes(REPLY))).toBe(true);
    // The raw Meta message is sealed with the words and opens with them.
    const rows = await messagesOf(t, conversationId);
    expect(rows[0]!.raw).toMatchObject({ type: 'text', text: { body: TEXT } });
    expect(rows[3]!.request).toMatchObject({ to: waId, text: { body: REPLY } });
  });

  it("opens for no other practice's key and on no other row", async () => {
    const [a, b] = await t.db
      .selectFrom('whatsappMessages')
      .select(['id', 'sealed'])
      .where('conversationId', '=', conversationId)
      .orderBy('occurredAt')
      .limit(2)
      .execute();
    const sealed = a!.sealed!;
    const opened = await inPractice(t.db, practiceA, (tx) =>
      openForPractice(tx, t.ctx.config.encryptionKey, practiceA, sealed, messageAad(a!.id)),
    );
    expect(opened.toString('utf8')).toContain(TEXT);
    // Practice B's own data key (made on its first use), and the row bound to another id.
    await expect(
      inPractice(t.db, practiceB, (tx) =>
        openForPractice(tx, t.ctx.config.encryptionKey, practiceB, sealed, messageAad(a!.id)),
      ),
    ).rejects.toThrow();
    await expect(
      inPractice(t.db, practiceA, (tx) =>
        openForPractice(tx, t.ctx.config.encryptionKey, practiceA, sealed, messageAad(b!.id)),
      ),
    ).rejects.toThrow();
  });

  it('reads rows from before sealing, and the backfill seals them in batches, carrying on after an interruption', async () => {
    const LEGACY = ['Old message one 6601', 'Old message two 6602', 'Old message three 6603'];
    const legacyWaId = newWaId();
    await patientWrites(t, { phoneNumberId: PHONE_A, from: legacyWaId });
    await workers(t).processWebhooks();
    const legacyConversation = (await conversationOf(t, channelA, legacyWaId))!.id;
    // Rows as the server wrote them before migration 20261212500000: words in the clear.
    await sql`DELETE FROM whatsapp_messages WHERE conversation_id = ${legacyConversation}`.execute(t.db);
    for (const [i, body] of LEGACY.entries())
      await sql`INSERT INTO whatsapp_messages (practice_id, conversation_id, channel_id, direction, origin, content, raw, status, occurred_at)
        VALUES (${practiceA}, ${legacyConversation}, ${channelA}, 'inbound', 'patient',
          ${JSON.stringify({ type: 'text', body })}::jsonb, ${JSON.stringify({ type: 'text', text: { body } })}::jsonb,
          'received', now() - make_interval(mins => ${10 - i}))`.execute(t.db);
    const legacyBody = `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"1","phone_number_id":"${PHONE_A}"},"messages":[{"from":"${legacyWaId}","id":"wamid.legacy","timestamp":"1","type":"text","text":{"body":"${LEGACY[0]}"}}]}}]}]}`;
    await sql`INSERT INTO whatsapp_webhook_deliveries (body, phone_number_ids, processed_at)
      VALUES (${legacyBody}, ${[PHONE_A]}, now())`.execute(t.db);

    // Readers take the old form.
    const box = inbox(owner, practiceA);
    expect((await box.messages(legacyConversation)).map((m) => m.content)).toEqual(
      LEGACY.map((body) => ({ type: 'text', body })),
    );

    // Interrupted after its first batch of one...
    await expect(
      sealStoredMessageWords(t.ctx, {
        practiceId: practiceA,
        batchSize: 1,
        onBatch: () => {
          throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');
    const half = await rawTables(legacyConversation);
    expect(half.messages.filter((m) => m.sealedHex)).toHaveLength(1);
    // ...and run again: it carries on, and a third run finds nothing left.
    const again = await sealStoredMessageWords(t.ctx, { practiceId: practiceA, batchSize: 2 });
    expect(again.sealed).toBe(2);
    expect(again.webhookBodies).toBeGreaterThanOrEqual(1);
    expect(await sealStoredMessageWords(t.ctx, { practiceId: practiceA })).toMatchObject({
      sealed: 0,
      webhookBodies: 0,
    });

    const stored = await rawTables(legacyConversation);
    expect(stored.messages.every((m) => m.sealedHex)).toBe(true);
    expectNowhere(stored.messages, LEGACY);
    expectNowhere(stored.deliveries, [LEGACY[0]!, legacyWaId]);
    expect((await box.messages(legacyConversation)).map((m) => m.content)).toEqual(
      LEGACY.map((body) => ({ type: 'text', body })),
    );
    expect((await messagesOf(t, legacyConversation))[0]!.raw).toMatchObject({ text: { body: LEGACY[0] } });
  });
});
