import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inPractice } from '../src/platform/tenancy.js';
import { type TestApp, makePractice } from './harness.js';
import { connectChannel, createWhatsAppTestApp, startFakeGraph, workers } from './whatsapp-fixtures.js';
import { makeEverythingDue, newWaId, patientWrites } from './whatsapp-helpers.js';

/** STOP and START typed to a number whose assistant is off: the channel records them itself. */

let t: TestApp;
let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let practiceId: string;
const PHONE = '106540352249001';

beforeAll(async () => {
  graph = await startFakeGraph();
  t = await createWhatsAppTestApp(graph.url);
  practiceId = (await makePractice(t.ctx)).practiceId;
  await connectChannel(t.ctx, practiceId, PHONE);
});
afterAll(async () => {
  await t?.close();
  await graph?.close();
});

async function writes(from: string, body: string) {
  const seen = graph.fake.sent.length;
  await patientWrites(t, { phoneNumberId: PHONE, from, message: { type: 'text', text: { body } } });
  const w = workers(t);
  await w.processWebhooks();
  await makeEverythingDue(t);
  await w.send();
  return graph.fake.sent
    .slice(seen)
    .filter((m) => m.to === from)
    .map((m) => (m.body as { text?: { body: string } }).text?.body ?? '');
}

async function optedOut(waId: string) {
  const row = await inPractice(t.ctx.db, practiceId, (tx) =>
    tx
      .selectFrom('whatsappConversations')
      .select(['optedOutAt', 'optedInAt'])
      .where('waId', '=', waId)
      .executeTakeFirstOrThrow(),
  );
  return row.optedOutAt !== null;
}

describe('STOP and START while the assistant is off', () => {
  it('STOP is recorded and confirmed once; START lifts it and is confirmed', async () => {
    const waId = newWaId();
    const stopped = await writes(waId, 'STOP');
    expect(await optedOut(waId)).toBe(true);
    expect(stopped).toHaveLength(1);
    expect(stopped[0]).toMatch(/START/);
    expect(await writes(waId, 'stop')).toEqual([]);
    const started = await writes(waId, 'START');
    expect(await optedOut(waId)).toBe(false);
    expect(started).toHaveLength(1);
  });

  it('ARRÊT is answered in French', async () => {
    const waId = newWaId();
    const [reply] = await writes(waId, 'ARRÊT');
    expect(await optedOut(waId)).toBe(true);
    expect(reply).toMatch(/C'est noté/);
  });

  it('"stop" inside a sentence is not an opt-out', async () => {
    const waId = newWaId();
    expect(await writes(waId, "The bleeding won't stop")).toEqual([]);
    expect(await optedOut(waId)).toBe(false);
  });
});
