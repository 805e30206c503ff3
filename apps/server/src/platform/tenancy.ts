import { type Transaction, sql } from 'kysely';
import type { Db } from '../db/connection.js';
import type { DB } from '../db/schema.js';

export type Tx = Transaction<DB>;

/**
 * Runs fn in a transaction bound to one practice: as the dentalpro_app role, which row-level
 * security applies to, with app.practice_id set for this transaction only (a plain SET would
 * leak across the connections PGlite's socket shares).
 *
 * BEGIN and the binding travel as one round trip (the simple protocol carries both statements; the
 * id, checked to be a UUID, is the only value in it), and work registered with `beforeCommit` (the
 * audit trail's appends) runs last, just before COMMIT, so a lock it takes is held the shortest time.
 */
export async function inPractice<T>(db: Db, practiceId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  // Not a UUID (no practice has such an id): bound as a parameter, never written into a statement.
  if (!UUID.test(practiceId))
    return db.transaction().execute(async (tx) => {
      await bindPractice(tx, practiceId);
      return fn(tx);
    });
  return db.connection().execute(async (conn) => {
    await sql
      .raw(
        `BEGIN; SELECT set_config('app.practice_id', '${practiceId}', true), set_config('role', 'dentalpro_app', true)`,
      )
      .execute(conn);
    // Only a transaction's own query builders are used on it, never transaction() or connection().
    const tx = conn as unknown as Tx;
    const hooks = new Map<string, () => Promise<void>>();
    commitHooks.set(tx, hooks);
    try {
      const result = await fn(tx);
      for (const run of hooks.values()) await run();
      await sql.raw('COMMIT').execute(conn);
      return result;
    } catch (err) {
      await sql
        .raw('ROLLBACK')
        .execute(conn)
        .catch(() => {});
      throw err;
    } finally {
      commitHooks.delete(tx);
    }
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const commitHooks = new WeakMap<object, Map<string, () => Promise<void>>>();

/**
 * Runs `run` in tx just before inPractice commits it, once per key whatever the number of calls.
 * False when tx is not an inPractice transaction (the caller then does the work at once).
 */
export function beforeCommit(tx: object, key: string, run: () => Promise<void>): boolean {
  const hooks = commitHooks.get(tx);
  if (!hooks) return false;
  if (!hooks.has(key)) hooks.set(key, run);
  return true;
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
  /** Receptionists may read medical alerts on the calendar and in booking. */
  receptionistsSeeAlertDetails: boolean;
  /** Members may sign in with a password (off: through the identity provider only). */
  passwordSignInAllowed: boolean;
}

/** The practice's facts (see PracticeFacts), or undefined for a practice that does not exist. */
export async function practiceFactsIn(conn: Db | Tx, practiceId: string): Promise<PracticeFacts | undefined> {
  return conn
    .selectFrom('practices')
    .select([
      'name',
      'timeZone',
      'defaultLanguage',
      'slotStepMinutes',
      'holdMinutes',
      'receptionistsSeeAlertDetails',
      'passwordSignInAllowed',
    ])
    .where('id', '=', practiceId)
    .executeTakeFirst();
}

/** The practice's time zone as a query, to read it in the same round trip as something else. */
export function practiceTimeZoneQuery(tx: Tx, practiceId: string) {
  return tx.selectFrom('practices').select('timeZone').where('id', '=', practiceId);
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

export interface SignInPolicy {
  /** How many practices the user works in: none, and they cannot sign in. */
  practices: number;
  /** False when any of their practices has password sign-in off (a session reaches every practice). */
  passwordSignInAllowed: boolean;
  /** True when any of their practices requires two-step for password sign-in. */
  twoStepRequiredForPasswords: boolean;
}

/** The sign-in rules the user's practices set for them, in one query (sign-in reads it before a session). */
export async function signInPolicyOf(db: Db, userId: string): Promise<SignInPolicy> {
  const row = await db
    .selectFrom('memberships')
    .innerJoin('practices', 'practices.id', 'memberships.practiceId')
    .select((eb) => [
      eb.fn.countAll<string>().as('practices'),
      eb.fn
        .coalesce(eb.fn<boolean>('bool_and', ['practices.passwordSignInAllowed']), eb.lit(true))
        .as('passwordSignInAllowed'),
      eb.fn
        .coalesce(eb.fn<boolean>('bool_or', ['practices.twoStepRequiredForPasswords']), eb.lit(false))
        .as('twoStepRequiredForPasswords'),
    ])
    .where('memberships.userId', '=', userId)
    .executeTakeFirstOrThrow();
  return {
    practices: Number(row.practices),
    passwordSignInAllowed: row.passwordSignInAllowed,
    twoStepRequiredForPasswords: row.twoStepRequiredForPasswords,
  };
}
