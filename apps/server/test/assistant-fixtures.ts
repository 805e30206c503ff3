import { sql } from 'kysely';
import { expect } from 'vitest';
import type { SentMessage } from '../src/modules/messaging/fake-graph.js';
import { systemActor } from '../src/platform/access.js';
import { inPractice } from '../src/platform/tenancy.js';
import { checkReplyLimits } from '../src/modules/assistant/reply-limits.js';
import { saveAssistantSettings } from '../src/modules/assistant/settings.service.js';
import { createPatient } from '../src/modules/patients/patients.service.js';
import { updateAppointmentType } from '../src/modules/scheduling/appointment-types.service.js';
import { updateProvider } from '../src/modules/scheduling/providers.service.js';
import { type Client, type TestApp, loggedIn } from './harness.js';
import { makeSchedulingPractice } from './scheduling-fixtures.js';
import { connectChannel, createWhatsAppTestApp, startFakeGraph, workers } from './whatsapp-fixtures.js';
import { makeEverythingDue, newWaId, patientWrites } from './whatsapp-helpers.js';

/**
 * Scripted WhatsApp conversations with the booking assistant: the patient's messages go through
 * the signed webhook, the background work runs by hand, and the replies are read back from the
 * fake Graph API as Meta received them.
 */

export type Graph = Awaited<ReturnType<typeof startFakeGraph>>;

let numberCounter = 0;

/** The scheduling test practice (check-up bookable on WhatsApp) with a WhatsApp number and the assistant on. */
export async function assistantPractice(t: TestApp, settings: Record<string, unknown> = {}) {
  const practice = await makeSchedulingPractice(t.ctx);
  const phoneNumberId = `1077${String(process.pid).padStart(6, '0')}${String(numberCounter++).padStart(4, '0')}`;
  await connectChannel(t.ctx, practice.practiceId, phoneNumberId);
  await inPractice(t.ctx.db, practice.practiceId, (tx) =>
    tx
      .updateTable('practices')
      .set({ address: '12 Royal Road, Rose-Hill', phone: '+230 4641234' })
      .where('id', '=', practice.practiceId)
      .execute(),
  );
  await saveAssistantSettings(t.ctx, {
    actor: systemActor('test'),
    practiceId: practice.practiceId,
    patch: { enabled: true, ...settings },
  });
  return { ...practice, phoneNumberId };
}
export type AssistantPractice = Awaited<ReturnType<typeof assistantPractice>>;

/**
 * A test file's world: the fake Graph API, the test app that talks to it, an assistant practice
 * and one of its staff logged in. `close` stops the app and then the fake.
 */
export async function startAssistantApp(staff: 'owner' | 'receptionist') {
  const graph = await startFakeGraph();
  let t: TestApp | undefined;
  try {
    t = await createWhatsAppTestApp(graph.url);
    const practice = await assistantPractice(t);
    const client: Client = await loggedIn(t.app, practice[staff]);
    const app = t;
    const close = async () => {
      await app.close();
      await graph.close();
    };
    return { graph, t, practice, client, close };
  } catch (err) {
    await t?.close();
    await graph.close();
    throw err;
  }
}

/** A reply as the patient's phone shows it. */
export interface SeenReply {
  text: string;
  buttons: { id: string; title: string }[];
  rows: { id: string; title: string; description?: string }[];
  /** A list's button label and sections, as sent. */
  listButton: string;
  sections: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
  raw: Record<string, unknown>;
}

/** The Graph API bodies the assistant sends (text and interactive messages), as far as the tests read them. */
interface GraphBody {
  type: string;
  text?: { body: string };
  interactive?: {
    type: 'button' | 'list';
    body: { text: string };
    action: {
      button?: string;
      buttons?: { reply: { id: string; title: string } }[];
      sections?: { title?: string; rows: { id: string; title: string; description?: string }[] }[];
    };
  };
}

function seen(message: SentMessage): SeenReply {
  const body = message.body as unknown as GraphBody;
  const raw = message.body;
  if (body.type === 'text' && body.text)
    return { text: body.text.body, buttons: [], rows: [], listButton: '', sections: [], raw };
  if (body.type === 'interactive' && body.interactive) {
    const { action } = body.interactive;
    const buttons = (action.buttons ?? []).map((b) => b.reply);
    const rows = (action.sections ?? []).flatMap((s) => s.rows);
    return {
      text: body.interactive.body.text,
      buttons,
      rows,
      listButton: action.button ?? '',
      sections: action.sections ?? [],
      raw,
    };
  }
  return { text: JSON.stringify(body), buttons: [], rows: [], listButton: '', sections: [], raw };
}

/** A patient on a phone: what they send, and what the practice's number answers. */
export function patientPhone(
  t: TestApp,
  graph: Graph,
  practice: { phoneNumberId: string },
  opts: { waId?: string; profileName?: string } = {},
) {
  const waId = opts.waId ?? newWaId();
  const w = workers(t);
  let seenUpTo = graph.fake.sent.length;
  async function send(message: Record<string, unknown>): Promise<SeenReply[]> {
    await patientWrites(t, {
      phoneNumberId: practice.phoneNumberId,
      from: waId,
      profileName: opts.profileName ?? 'Patient',
      message,
    });
    return settle();
  }
  /** Runs the background work until nothing is left, and returns the replies this number got since last asked (each checked against WhatsApp's limits). */
  async function settle(): Promise<SeenReply[]> {
    for (let i = 0; i < 5; i++) {
      await w.processWebhooks();
      await makeEverythingDue(t);
      if ((await w.send()) === 0) break;
    }
    const replies = graph.fake.sent
      .slice(seenUpTo)
      .filter((m) => m.to === waId && m.phoneNumberId === practice.phoneNumberId)
      .map(seen);
    seenUpTo = graph.fake.sent.length;
    // Every reply of every scripted conversation within WhatsApp's limits.
    return withinLimits(replies);
  }
  const tapMessage = (choice: { id: string; title: string; description?: string }, kind: 'button' | 'list') => ({
    type: 'interactive',
    interactive:
      kind === 'button'
        ? { type: 'button_reply', button_reply: { id: choice.id, title: choice.title } }
        : { type: 'list_reply', list_reply: { id: choice.id, title: choice.title, description: choice.description } },
  });
  const post = (message: Record<string, unknown>) =>
    patientWrites(t, {
      phoneNumberId: practice.phoneNumberId,
      from: waId,
      profileName: opts.profileName ?? 'Patient',
      message,
    });
  return {
    waId,
    e164: `+${waId}`,
    settle,
    /** The webhook only, nothing processed yet (for races): settle() later reads the replies. */
    posts: {
      says: (text: string) => post({ type: 'text', text: { body: text } }),
      taps: (choice: { id: string; title: string; description?: string }, kind: 'button' | 'list' = 'button') =>
        post(tapMessage(choice, kind)),
    },
    says: (text: string) => send({ type: 'text', text: { body: text } }),
    /** Taps a reply button or a list row the assistant sent. */
    taps: (choice: { id: string; title: string; description?: string }, kind: 'button' | 'list' = 'button') =>
      send(tapMessage(choice, kind)),
    sendsMedia: (type: 'image' | 'audio' | 'sticker') =>
      send({
        type,
        [type]: { id: String(Date.now()), mime_type: type === 'audio' ? 'audio/ogg' : 'image/jpeg', sha256: 'x' },
      }),
  };
}
export type PatientPhone = ReturnType<typeof patientPhone>;

/** The one reply with a list; fails the test with what was received otherwise. */
export function listIn(replies: SeenReply[]) {
  const list = replies.find((r) => r.rows.length > 0);
  expect(list, JSON.stringify(replies, null, 1)).toBeDefined();
  return list!;
}

export function buttonsIn(replies: SeenReply[]) {
  const withButtons = replies.find((r) => r.buttons.length > 0);
  expect(withButtons, JSON.stringify(replies, null, 1)).toBeDefined();
  return withButtons!;
}

export const textOf = (replies: SeenReply[]) => replies.map((r) => r.text).join('\n');

/** A patient of the practice with this WhatsApp number (and children who share it, when named). */
export async function patientsOnNumber(
  t: TestApp,
  practiceId: string,
  e164: string,
  people: { givenName: string; familyName: string; dateOfBirth?: string; preferredLanguage?: 'en' | 'fr' | 'mfe' }[],
) {
  const ids: string[] = [];
  for (const p of people)
    ids.push(
      (
        await createPatient(t.ctx, {
          actor: systemActor('test'),
          practiceId,
          patient: { ...p, phones: [{ number: e164, label: 'mobile', isWhatsApp: true }] },
        })
      ).id,
    );
  return ids;
}

/** Every reply within WhatsApp's limits (the fake Graph API refuses some; this checks them all). */
export function withinLimits(replies: SeenReply[]): SeenReply[] {
  for (const r of replies) {
    const reply =
      r.rows.length > 0
        ? { type: 'list' as const, body: r.text, buttonLabel: r.listButton, sections: r.sections }
        : r.buttons.length > 0
          ? { type: 'buttons' as const, body: r.text, buttons: r.buttons }
          : { type: 'text' as const, body: r.text };
    expect(checkReplyLimits(reply), JSON.stringify(r.raw)).toEqual([]);
  }
  return replies;
}

/** A patient's appointments as the calendar holds them (cancelled and held ones included). */
export async function appointmentsOf(t: TestApp, practiceId: string, patientId: string) {
  return inPractice(t.ctx.db, practiceId, (tx) =>
    tx
      .selectFrom('appointments')
      .select(['id', 'status', 'source', 'startsAt', 'endsAt', 'providerId', 'appointmentTypeId', 'cancellationReason'])
      .where('patientId', '=', patientId)
      .orderBy('startsAt')
      .execute(),
  );
}

/** The WhatsApp conversation of this number with the practice, as the inbox stores it. */
export async function conversationOfPhone(t: TestApp, phone: { waId: string }) {
  return t.db.selectFrom('whatsappConversations').selectAll().where('waId', '=', phone.waId).executeTakeFirstOrThrow();
}

/** Where the assistant stands in this number's conversation (its stored state). */
export async function assistantStateOf(t: TestApp, practiceId: string, phone: { waId: string }) {
  const conversation = await conversationOfPhone(t, phone);
  const row = await inPractice(t.ctx.db, practiceId, (tx) =>
    tx
      .selectFrom('assistantConversations')
      .select(['state', 'updatedAt'])
      .where('conversationId', '=', conversation.id)
      .executeTakeFirst(),
  );
  return { conversationId: conversation.id, state: row?.state as { name: string } | undefined };
}

/**
 * The practice's cleaning made bookable on WhatsApp (Détartrage in French), done by a hygienist
 * called "Dr Li": the practice then has two types a patient may book, so the type is asked.
 */
export async function cleaningOnWhatsApp(t: TestApp, practice: AssistantPractice) {
  const caller = { actor: systemActor('test'), practiceId: practice.practiceId };
  await updateAppointmentType(t.ctx, {
    ...caller,
    typeId: practice.cleaning,
    patch: { whatsappBookable: true, minNoticeMinutes: 120, maxDaysAhead: 60 },
  });
  await updateProvider(t.ctx, { ...caller, userId: practice.hygienist.id, patch: { displayName: 'Dr Li' } });
}

/** The offered times behind list rows (`h:<handle>`), as the server stored them. */
export async function offersBehind(t: TestApp, practiceId: string, rows: { id: string }[]) {
  const handles = rows.filter((r) => r.id.startsWith('h:')).map((r) => r.id.slice(2));
  if (handles.length === 0) return [];
  return inPractice(t.ctx.db, practiceId, (tx) =>
    tx
      .selectFrom('assistantOffers')
      .select([
        'handle',
        'startsAt',
        'endsAt',
        'providerId',
        'chairId',
        'appointmentTypeId',
        'patientId',
        'conversationId',
      ])
      .where('handle', 'in', handles)
      .orderBy('startsAt')
      .execute(),
  );
}

/** Pairs of live appointments (booked, confirmed or held in time) that overlap on one provider or one chair. */
export async function overlapsIn(t: TestApp, practiceId: string) {
  const { rows } = await sql<{ a: string; b: string }>`
    SELECT x.id AS a, y.id AS b FROM appointments x JOIN appointments y
      ON x.practice_id = y.practice_id AND x.id < y.id
     AND (x.provider_id = y.provider_id OR x.chair_id = y.chair_id)
     AND x.occupied && y.occupied
    WHERE x.practice_id = ${practiceId}
      AND x.status NOT IN ('cancelled', 'no_show') AND y.status NOT IN ('cancelled', 'no_show')
      AND (x.status <> 'held' OR x.hold_expires_at > now()) AND (y.status <> 'held' OR y.hold_expires_at > now())`.execute(
    t.ctx.db,
  );
  return rows;
}
