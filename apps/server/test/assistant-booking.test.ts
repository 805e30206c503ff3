import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inPractice } from '../src/platform/tenancy.js';
import { checkReplyLimits } from '../src/modules/assistant/reply-limits.js';
import {
  type AssistantPractice,
  type SeenReply,
  assistantPractice,
  buttonsIn,
  listIn,
  patientPhone,
  patientsOnNumber,
  textOf,
} from './assistant-fixtures.js';
import type { TestApp } from './harness.js';
import { createWhatsAppTestApp, startFakeGraph } from './whatsapp-fixtures.js';

/**
 * The booking assistant end to end: signed webhooks in, the fake Graph API out, the real calendar
 * and patients in between. Scripted conversations, each a patient on their own phone.
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

/** Every reply within WhatsApp's limits (the fake Graph API refuses some; this checks them all). */
function withinLimits(replies: SeenReply[]) {
  for (const r of replies) {
    const reply =
      r.rows.length > 0
        ? {
            type: 'list' as const,
            body: r.text,
            buttonLabel: r.listButton,
            sections: r.sections,
          }
        : r.buttons.length > 0
          ? { type: 'buttons' as const, body: r.text, buttons: r.buttons }
          : { type: 'text' as const, body: r.text };
    expect(checkReplyLimits(reply)).toEqual([]);
  }
  return replies;
}

async function appointmentsOf(patientId: string) {
  return inPractice(t.ctx.db, practice.practiceId, (tx) =>
    tx
      .selectFrom('appointments')
      .select(['id', 'status', 'source', 'startsAt', 'providerId'])
      .where('patientId', '=', patientId)
      .orderBy('startsAt')
      .execute(),
  );
}

describe('booking in the chat', () => {
  it('a known patient books a check-up: times as a list, said back in full, booked on Confirm, confirmed with the address', async () => {
    const phone = patientPhone(t, graph, practice);
    const [ravi] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Anil', familyName: 'Boodhoo', preferredLanguage: 'en' },
    ]);
    const first = withinLimits(await phone.says('Hi, I would like to book a check-up next week please'));
    const list = listIn(first);
    expect(list.rows.length).toBeGreaterThan(1);
    expect(list.rows.length).toBeLessThanOrEqual(10);
    for (const row of list.rows) expect(row.id).toMatch(/^h:[a-z0-9]+$/);
    const row = list.rows[1]!;
    const heldReplies = withinLimits(await phone.taps(row, 'list'));
    const confirm = buttonsIn(heldReplies);
    expect(confirm.text).toContain('Anil');
    expect(confirm.buttons.map((b) => b.id)).toEqual(['confirm', 'change']);
    const booked = withinLimits(await phone.taps(confirm.buttons[0]!));
    expect(textOf(booked)).toContain('12 Royal Road');
    const appointments = await appointmentsOf(ravi!);
    expect(appointments).toHaveLength(1);
    expect(appointments[0]).toMatchObject({ status: 'booked', source: 'whatsapp' });

    // Confirm pressed again: one booking still, and the patient is told it is booked.
    const again = await phone.taps(confirm.buttons[0]!);
    expect(again.length).toBeGreaterThan(0);
    expect(await appointmentsOf(ravi!)).toHaveLength(1);
  });

  it('a shared number: the assistant asks who it is for with first names only', async () => {
    const phone = patientPhone(t, graph, practice);
    await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Aisha', familyName: 'Joomun', preferredLanguage: 'fr' },
      { givenName: 'Inès', familyName: 'Joomun' },
      { givenName: 'Yanis', familyName: 'Joomun' },
    ]);
    const replies = withinLimits(await phone.says('Bonjour, je voudrais un rendez-vous la semaine prochaine'));
    const who = listIn(replies);
    const titles = who.rows.map((r) => r.title);
    expect(titles).toEqual(expect.arrayContaining(['Aisha', 'Inès', 'Yanis']));
    expect(JSON.stringify(replies)).not.toContain('Joomun');
    const ines = who.rows.find((r) => r.title === 'Inès')!;
    const times = withinLimits(await phone.taps(ines, 'list'));
    expect(listIn(times).rows[0]!.id).toMatch(/^h:/);
  });

  it('two patients racing for one time: exactly one gets it, the other is offered other times', async () => {
    const a = patientPhone(t, graph, practice);
    const b = patientPhone(t, graph, practice);
    await patientsOnNumber(t, practice.practiceId, a.e164, [{ givenName: 'Priya', familyName: 'Ramsurrun' }]);
    await patientsOnNumber(t, practice.practiceId, b.e164, [{ givenName: 'Kevin', familyName: 'Lam' }]);
    const listA = listIn(await a.says('Book a check-up next week'));
    const listB = listIn(await b.says('Book a check-up next week'));
    // Same range, same calendar: both lists start with the same first time.
    const rowA = listA.rows[0]!;
    const rowB = listB.rows.find((r) => r.title === rowA.title && r.description === rowA.description)!;
    expect(rowB).toBeDefined();
    buttonsIn(await a.taps(rowA, 'list'));
    const lost = withinLimits(await b.taps(rowB, 'list'));
    expect(textOf(lost)).toMatch(/taken/i);
    // The time taken is not offered again with that provider (another provider free then may be).
    expect(listIn(lost).rows.map((r) => `${r.title} ${r.description}`)).not.toContain(
      `${rowA.title} ${rowA.description}`,
    );
  });

  it('a restart mid-conversation carries on from the stored state', async () => {
    const phone = patientPhone(t, graph, practice);
    await patientsOnNumber(t, practice.practiceId, phone.e164, [{ givenName: 'Zoe', familyName: 'Maurel' }]);
    const list = listIn(await phone.says('I want an appointment next week'));
    // A new process: nothing of the conversation is kept in memory.
    const state = await inPractice(t.ctx.db, practice.practiceId, (tx) =>
      tx.selectFrom('assistantConversations').select(sql<string>`state->>'name'`.as('name')).execute(),
    );
    expect(state.map((s) => s.name)).toContain('choosing_time');
    const held = buttonsIn(await phone.taps(list.rows[0]!, 'list'));
    expect(held.buttons[0]!.id).toBe('confirm');
  });
});
