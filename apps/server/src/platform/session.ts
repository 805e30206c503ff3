import type { Role } from '@dentalpro/contracts';
import type { Db } from '../db/connection.js';
import { hmacSha256, randomToken } from './crypto.js';

export const SESSION_COOKIE = 'dp_session';

export interface SessionPolicy {
  secret: string;
  idleMs: number;
  maxMs: number;
}

export interface CurrentSession {
  id: string;
  userId: string;
  mfaPending: boolean;
  /** Signed in, but a practice's policy wants two-step first: only enrolling is allowed. */
  mfaEnrolmentRequired: boolean;
  createdAt: Date;
}

export type SessionLookup =
  /**
   * role: the user's role in the practice asked about; null when not a member, undefined when none
   * was asked about. calendarRevision: that practice's calendar revision (see below).
   */
  | { status: 'valid'; session: CurrentSession; role?: Role | null; calendarRevision?: string }
  | { status: 'expired' | 'unknown' };

const tokenHash = (policy: SessionPolicy, token: string) => hmacSha256(policy.secret, token);

/** Creates a session and returns the cookie token (only its HMAC is stored). */
export async function createSession(
  db: Db,
  policy: SessionPolicy,
  input: { userId: string; mfaPending: boolean; mfaEnrolmentRequired?: boolean; ip: string; userAgent: string },
): Promise<{ token: string; id: string }> {
  const token = randomToken();
  const row = await db
    .insertInto('sessions')
    .values({
      tokenHash: tokenHash(policy, token),
      userId: input.userId,
      mfaPending: input.mfaPending,
      mfaEnrolmentRequired: input.mfaEnrolmentRequired ?? false,
      // A half-finished login (password, no code yet) lasts ten minutes at most.
      expiresAt: new Date(Date.now() + (input.mfaPending ? 10 * 60_000 : policy.maxMs)),
      ip: input.ip,
      userAgent: input.userAgent.slice(0, 300),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { token, id: row.id };
}

/**
 * Finds the session of a cookie token; an idle or past-its-age session is deleted and reported
 * expired. With a practice id (from the URL), the same query reads the user's role there (null
 * when they are not a member) and the practice's calendar revision: availability searches, the
 * busiest reads of all, answer from memory while it is unchanged, and reading it here saves them
 * a second round trip (see availability.service.ts).
 */
export async function lookupSession(
  db: Db,
  policy: SessionPolicy,
  token: string,
  practiceId?: string,
): Promise<SessionLookup> {
  const row = await db
    .selectFrom('sessions')
    .select([
      'sessions.id',
      'sessions.userId',
      'sessions.mfaPending',
      'sessions.mfaEnrolmentRequired',
      'sessions.createdAt',
      'sessions.lastSeenAt',
      'sessions.expiresAt',
    ])
    .$if(practiceId !== undefined, (q) =>
      q.select((eb) => [
        eb
          .selectFrom('memberships')
          .select('memberships.role')
          .whereRef('memberships.userId', '=', 'sessions.userId')
          .where('memberships.practiceId', '=', practiceId!)
          .as('role'),
        eb
          .selectFrom('calendarRevisions')
          .select('calendarRevisions.revision')
          .where('calendarRevisions.practiceId', '=', practiceId!)
          .as('calendarRevision'),
      ]),
    )
    .where('sessions.tokenHash', '=', tokenHash(policy, token))
    .executeTakeFirst();
  if (!row) return { status: 'unknown' };
  const now = Date.now();
  if (row.expiresAt.getTime() <= now || row.lastSeenAt.getTime() + policy.idleMs <= now) {
    await db.deleteFrom('sessions').where('id', '=', row.id).execute();
    return { status: 'expired' };
  }
  // Touch at most once a minute: one write per minute per user, not per request.
  if (now - row.lastSeenAt.getTime() > 60_000) {
    await db
      .updateTable('sessions')
      .set({ lastSeenAt: new Date(now) })
      .where('id', '=', row.id)
      .execute();
  }
  const session = {
    id: row.id,
    userId: row.userId,
    mfaPending: row.mfaPending,
    mfaEnrolmentRequired: row.mfaEnrolmentRequired,
    createdAt: row.createdAt,
  };
  if (practiceId === undefined) return { status: 'valid', session };
  const practice = row as { role?: Role | null; calendarRevision?: number | string | null };
  // A practice whose calendar never changed has no revision row yet: revision 0.
  return {
    status: 'valid',
    session,
    role: practice.role ?? null,
    calendarRevision: String(practice.calendarRevision ?? 0),
  };
}

export async function revokeSession(db: Db, sessionId: string) {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Ends every session of a user, or every one but `except` (the one making the request). */
export async function revokeUserSessions(db: Db, userId: string, except?: string): Promise<number> {
  let q = db.deleteFrom('sessions').where('userId', '=', userId);
  if (except) q = q.where('id', '!=', except);
  const res = await q.executeTakeFirst();
  return Number(res.numDeletedRows);
}
