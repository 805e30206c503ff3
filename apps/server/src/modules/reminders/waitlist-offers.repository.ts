import { sql } from 'kysely';
import type { WaitlistOfferState } from '../../db/schema.js';
import type { Tx } from '../../platform/tenancy.js';

/** SQL on the waitlist offers' own tables, no rules. */

export interface OfferSettingsRow {
  enabled: boolean;
  batchSize: number;
  offerMinutes: number;
  /** When an owner last saved them; null: the defaults. */
  updatedAt: Date | null;
}

export const DEFAULT_OFFER_SETTINGS: OfferSettingsRow = {
  enabled: true,
  batchSize: 3,
  offerMinutes: 20,
  updatedAt: null,
};

/** The practice's waitlist offer settings, or the defaults; `lock` keeps the row for this transaction. */
export async function selectOfferSettings(
  tx: Tx,
  practiceId: string,
  opts: { lock?: boolean } = {},
): Promise<OfferSettingsRow> {
  let query = tx
    .selectFrom('waitlistOfferSettings')
    .select(['enabled', 'batchSize', 'offerMinutes', 'updatedAt'])
    .where('practiceId', '=', practiceId);
  if (opts.lock) query = query.forUpdate();
  return (await query.executeTakeFirst()) ?? DEFAULT_OFFER_SETTINGS;
}

export async function upsertOfferSettings(
  tx: Tx,
  input: { practiceId: string; settings: Omit<OfferSettingsRow, 'updatedAt'>; userId: string | null },
): Promise<OfferSettingsRow> {
  const { enabled, batchSize, offerMinutes } = input.settings;
  const values = { enabled, batchSize, offerMinutes, updatedAt: new Date(), updatedBy: input.userId };
  return tx
    .insertInto('waitlistOfferSettings')
    .values({ practiceId: input.practiceId, ...values })
    .onConflict((oc) => oc.column('practiceId').doUpdateSet(values))
    .returning(['enabled', 'batchSize', 'offerMinutes', 'updatedAt'])
    .executeTakeFirstOrThrow();
}

export interface OfferRow {
  id: string;
  freedAppointmentId: string;
  waitlistEntryId: string;
  patientId: string;
  appointmentTypeId: string;
  providerId: string;
  chairId: string;
  slotStart: Date;
  slotEnd: Date;
  state: WaitlistOfferState;
  expiresAt: Date;
  messageId: string;
  appointmentId: string | null;
  stateAt: Date;
}

const COLUMNS = [
  'id',
  'freedAppointmentId',
  'waitlistEntryId',
  'patientId',
  'appointmentTypeId',
  'providerId',
  'chairId',
  'slotStart',
  'slotEnd',
  'state',
  'expiresAt',
  'messageId',
  'appointmentId',
  'stateAt',
] as const;

/**
 * The offers of one freed time are worked on one transaction at a time (a round, a decline and an
 * acceptance wait for each other here), for the rest of the caller's transaction.
 */
export async function lockFreedTime(tx: Tx, freedAppointmentId: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`waitlist-offers:${freedAppointmentId}`}, 0))`.execute(tx);
}

export async function offersOfFreedTime(tx: Tx, freedAppointmentId: string): Promise<OfferRow[]> {
  return tx
    .selectFrom('waitlistOffers')
    .select(COLUMNS)
    .where('freedAppointmentId', '=', freedAppointmentId)
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
}

export async function findOffer(tx: Tx, offerId: string): Promise<OfferRow | undefined> {
  return tx.selectFrom('waitlistOffers').select(COLUMNS).where('id', '=', offerId).executeTakeFirst();
}

export async function insertOffer(
  tx: Tx,
  offer: Omit<OfferRow, 'state' | 'appointmentId' | 'stateAt'> & { practiceId: string },
): Promise<void> {
  await tx.insertInto('waitlistOffers').values(offer).execute();
}

/** Moves offers to a state, each only from the states named; returns those moved. */
export async function setOfferStates(
  tx: Tx,
  input: {
    offerIds: readonly string[];
    from: readonly WaitlistOfferState[];
    to: WaitlistOfferState;
    at: Date;
    appointmentId?: string;
  },
): Promise<OfferRow[]> {
  if (input.offerIds.length === 0) return [];
  return tx
    .updateTable('waitlistOffers')
    .set({
      state: input.to,
      stateAt: input.at,
      ...(input.appointmentId ? { appointmentId: input.appointmentId } : {}),
    })
    .where('id', 'in', [...new Set(input.offerIds)])
    .where('state', 'in', [...input.from])
    .returning(COLUMNS)
    .execute();
}

/** The hold an acceptance made, kept before it is confirmed (a retried tap finds its own booking). */
export async function recordOfferHold(tx: Tx, offerId: string, appointmentId: string): Promise<void> {
  await tx.updateTable('waitlistOffers').set({ appointmentId }).where('id', '=', offerId).execute();
}

/** Of these waitlist entries, those with an offer still open (of any freed time). */
export async function entriesWithOpenOffers(tx: Tx, entryIds: readonly string[]): Promise<Set<string>> {
  if (entryIds.length === 0) return new Set();
  const rows = await tx
    .selectFrom('waitlistOffers')
    .select('waitlistEntryId')
    .where('waitlistEntryId', 'in', [...new Set(entryIds)])
    .where('state', '=', 'offered')
    .execute();
  return new Set(rows.map((r) => r.waitlistEntryId));
}
