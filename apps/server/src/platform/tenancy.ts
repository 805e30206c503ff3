import { type Transaction, sql } from 'kysely';
import type { Db } from '../db/connection.js';
import type { DB } from '../db/schema.js';

export type Tx = Transaction<DB>;

/**
 * Runs fn in a transaction bound to one practice: as the dentalpro_app role, which row-level
 * security applies to, with app.practice_id set for this transaction only (a plain SET would
 * leak across the connections PGlite's socket shares).
 */
export function inPractice<T>(db: Db, practiceId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await bindPractice(tx, practiceId);
    return fn(tx);
  });
}

/** Binds an open transaction to a practice (see inPractice); for a transaction that first creates it. */
export async function bindPractice(tx: Tx, practiceId: string) {
  await sql`SELECT set_config('app.practice_id', ${practiceId}, true), set_config('role', 'dentalpro_app', true)`.execute(
    tx,
  );
}

/**
 * What every module may know of the practice it serves, its tenant: the practices module keeps
 * the row (it sits above scheduling and staff, which cannot ask it), and the platform reads it for
 * everyone, the way it reads the practice id every transaction is bound to.
 */
export interface PracticeFacts {
  name: string;
  timeZone: string;
  defaultLanguage: 'en' | 'fr';
  /** The calendar's slot step and how long a held slot is kept, in minutes. */
  slotStepMinutes: number;
  holdMinutes: number;
}

/** The practice's facts (see PracticeFacts), or undefined for a practice that does not exist. */
export async function practiceFactsIn(conn: Db | Tx, practiceId: string): Promise<PracticeFacts | undefined> {
  return conn
    .selectFrom('practices')
    .select(['name', 'timeZone', 'defaultLanguage', 'slotStepMinutes', 'holdMinutes'])
    .where('id', '=', practiceId)
    .executeTakeFirst();
}

/** The practice's time zone, where its dates and opening hours are; an unknown practice is an error. */
export async function practiceTimeZone(tx: Tx, practiceId: string): Promise<string> {
  const row = await tx.selectFrom('practices').select('timeZone').where('id', '=', practiceId).executeTakeFirst();
  if (!row) throw new Error(`practice ${practiceId} does not exist`);
  return row.timeZone;
}

export interface MembershipRow {
  practiceId: string;
  practiceName: string;
  role: 'owner' | 'dentist' | 'hygienist' | 'receptionist';
}

/** All practices a user belongs to, by name. */
export async function listMemberships(db: Db, userId: string): Promise<MembershipRow[]> {
  return db
    .selectFrom('memberships')
    .innerJoin('practices', 'practices.id', 'memberships.practiceId')
    .select(['memberships.practiceId', 'practices.name as practiceName', 'memberships.role'])
    .where('memberships.userId', '=', userId)
    .orderBy('practices.name')
    .execute();
}
