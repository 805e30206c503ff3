import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { Tx } from '../../platform/tenancy.js';
import { type BookingDraft, INITIAL_STATE, type Language, type OfferedTime, type State } from './assistant.types.js';

/** SQL of the assistant's own tables (migration 20261206040000_assistant_state.sql); no rules here. */

/** How many handled message ids a conversation remembers (a redelivered event is older than that). */
const HANDLED_KEPT = 50;
/** A handler holds its conversation this long at most; a crashed one's message is handled again after. */
export const LEASE_MS = 30_000;
/** An offered time's handle resolves for a week after the list was sent. */
export const OFFER_KEPT_MS = 7 * 86_400_000;

export interface StoredConversation {
  state: State;
  handled: string[];
  updatedAt: Date;
}

/** Dates inside the stored JSON come back as strings: revive the ones State holds. */
function reviveState(raw: unknown): State {
  const state = raw as State;
  const revive = (t: OfferedTime): OfferedTime => ({ ...t, start: new Date(t.start), end: new Date(t.end) });
  const reviveDraft = (d: BookingDraft | null | undefined) => {
    if (!d) return;
    if (d.when) d.when = { from: new Date(d.when.from), to: new Date(d.when.to) };
    if (d.offered) d.offered = d.offered.map(revive);
    if (d.hold) d.hold = { ...d.hold, time: revive(d.hold.time) };
    if (d.done?.time) d.done = { ...d.done, time: revive(d.done.time) };
  };
  reviveDraft(state.draft);
  reviveDraft(state.recent);
  return state;
}

/**
 * Takes the conversation's lease (creating its row on the first message): the state as it is, or
 * 'busy' while another handler holds it. One statement, so two handlers cannot both get it.
 */
export async function takeLease(
  tx: Tx,
  input: { practiceId: string; conversationId: string; language: Language; now: Date },
): Promise<StoredConversation | 'busy'> {
  const until = new Date(input.now.getTime() + LEASE_MS);
  const initial = { ...INITIAL_STATE, language: input.language };
  const row = await tx
    .insertInto('assistantConversations')
    .values({
      practiceId: input.practiceId,
      conversationId: input.conversationId,
      state: JSON.stringify(initial),
      busyUntil: until,
    })
    .onConflict((oc) =>
      oc
        .columns(['practiceId', 'conversationId'])
        .doUpdateSet({ busyUntil: until })
        .where((eb) =>
          eb.or([
            eb('assistantConversations.busyUntil', 'is', null),
            eb('assistantConversations.busyUntil', '<', input.now),
          ]),
        ),
    )
    .returning(['state', 'handledMessageIds', 'updatedAt'])
    .executeTakeFirst();
  if (!row) return 'busy';
  return { state: reviveState(row.state), handled: row.handledMessageIds, updatedAt: row.updatedAt };
}

/** Stores the new state, remembers the message as handled, and gives the lease back. */
export async function saveAndRelease(
  tx: Tx,
  input: { conversationId: string; state: State; handledMessageId: string | null; now: Date },
): Promise<void> {
  await tx
    .updateTable('assistantConversations')
    .set({
      state: JSON.stringify(input.state),
      busyUntil: null,
      updatedAt: input.now,
      ...(input.handledMessageId
        ? {
            handledMessageIds: sql<
              string[]
            >`(array_append(handled_message_ids, ${input.handledMessageId}::uuid))[greatest(1, cardinality(handled_message_ids) + 2 - ${HANDLED_KEPT}):]`,
          }
        : {}),
    })
    .where('conversationId', '=', input.conversationId)
    .execute();
}

/** Gives the lease back without changing anything (nothing to say, or the handler gave up). */
export async function releaseLease(tx: Tx, conversationId: string): Promise<void> {
  await tx
    .updateTable('assistantConversations')
    .set({ busyUntil: null })
    .where('conversationId', '=', conversationId)
    .execute();
}

export interface OfferRow {
  handle: string;
  conversationId: string;
  patientId: string;
  appointmentTypeId: string;
  providerId: string;
  chairId: string;
  start: Date;
  end: Date;
  appointmentId: string | null;
  createdAt: Date;
}

const newHandle = () => randomBytes(8).toString('hex').slice(0, 10);

/** Stores offered times and gives each its handle (the id its list row carries). */
export async function storeOffers(
  tx: Tx,
  input: {
    practiceId: string;
    conversationId: string;
    patientId: string;
    appointmentTypeId: string;
    appointmentId: string | null;
    slots: { start: Date; end: Date; providerId: string; chairId: string }[];
  },
): Promise<{ handle: string; slot: (typeof input.slots)[number] }[]> {
  if (input.slots.length === 0) return [];
  const offers = input.slots.map((slot) => ({ handle: newHandle(), slot }));
  await tx
    .insertInto('assistantOffers')
    .values(
      offers.map(({ handle, slot }) => ({
        practiceId: input.practiceId,
        handle,
        conversationId: input.conversationId,
        patientId: input.patientId,
        appointmentTypeId: input.appointmentTypeId,
        providerId: slot.providerId,
        chairId: slot.chairId,
        startsAt: slot.start,
        endsAt: slot.end,
        appointmentId: input.appointmentId,
      })),
    )
    .execute();
  return offers;
}

/** An offer of this conversation by its handle, while it is kept. */
export async function findOffer(
  tx: Tx,
  input: { conversationId: string; handle: string; now: Date },
): Promise<OfferRow | undefined> {
  if (!/^[a-z0-9]{6,16}$/.test(input.handle)) return undefined;
  const row = await tx
    .selectFrom('assistantOffers')
    .select([
      'handle',
      'conversationId',
      'patientId',
      'appointmentTypeId',
      'providerId',
      'chairId',
      'startsAt',
      'endsAt',
      'appointmentId',
      'createdAt',
    ])
    .where('handle', '=', input.handle)
    .where('conversationId', '=', input.conversationId)
    .where('createdAt', '>', new Date(input.now.getTime() - OFFER_KEPT_MS))
    .executeTakeFirst();
  return row && { ...row, start: row.startsAt, end: row.endsAt };
}

/** Forgets offers past their week, of every practice (a daily schedule, as the platform). */
export async function forgetOldOffers(db: Db, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('assistantOffers')
    .where('createdAt', '<', new Date(now.getTime() - OFFER_KEPT_MS))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function recordConsent(
  tx: Tx,
  input: {
    practiceId: string;
    conversationId: string;
    patientId: string | null;
    granted: boolean;
    wording: string;
    language: Language;
    at: Date;
  },
): Promise<void> {
  await tx
    .insertInto('assistantConsents')
    .values({
      practiceId: input.practiceId,
      conversationId: input.conversationId,
      patientId: input.patientId,
      granted: input.granted,
      wording: input.wording,
      language: input.language,
      givenAt: input.at,
    })
    .execute();
}
