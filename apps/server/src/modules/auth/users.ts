import type { Me, User } from '@dentalpro/contracts';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/connection.js';
import type { DB } from '../../db/schema.js';
import { SQLSTATE, mapDbErrors } from '../../platform/db-errors.js';
import { AppError } from '../../platform/errors.js';
import { hashPassword } from '../../platform/passwords.js';
import { listMemberships } from '../../platform/tenancy.js';

type Conn = Kysely<DB>;

export interface NewUser {
  email: string;
  name: string;
  password: string;
  phone?: string;
  language?: 'en' | 'fr';
}

/** Creates a staff account; a taken email is `email_taken`, also when two requests race. */
export async function createUser(conn: Conn, input: NewUser): Promise<{ id: string }> {
  const email = input.email.trim().toLowerCase();
  const existing = await conn.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
  if (existing) throw new AppError('email_taken', { detail: 'An account with this email already exists' });
  const passwordHash = await hashPassword(input.password);
  return mapDbErrors(
    () =>
      conn
        .insertInto('users')
        .values({
          email,
          name: input.name.trim(),
          passwordHash,
          phone: input.phone ?? '',
          language: input.language ?? 'en',
        })
        .returning('id')
        .executeTakeFirstOrThrow(),
    // Two requests racing for the same email: the unique key settles it.
    { [SQLSTATE.uniqueViolation]: () => new AppError('email_taken') },
  );
}

/**
 * Accounts as a table to join (id, name, email, language; never a secret), for a list of another
 * module's rows that shows or sorts by people's names in one query: the staff list, the inbox's
 * assignees, a notification's email in the member's language.
 */
export function userDirectory(conn: Conn) {
  return conn.selectFrom('users').select(['users.id', 'users.name', 'users.email', 'users.language']);
}

/** Names by user id (authors, assignees, who changed what), for display; unknown ids are left out. */
export async function userNamesIn(conn: Conn, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await conn.selectFrom('users').select(['id', 'name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** Changes the user's own profile; an empty patch changes nothing. */
export async function updateProfileIn(
  conn: Conn,
  userId: string,
  patch: { name?: string | undefined; phone?: string | undefined; language?: 'en' | 'fr' | undefined },
) {
  const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  if (Object.keys(set).length === 0) return;
  await conn
    .updateTable('users')
    .set({ ...set, updatedAt: new Date() })
    .where('id', '=', userId)
    .execute();
}

export async function findUserByEmail(conn: Conn, email: string) {
  return conn.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
}

export async function findUserById(conn: Conn, id: string) {
  return conn.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function toUser(row: {
  id: string;
  email: string;
  name: string;
  phone: string;
  language: 'en' | 'fr';
  mfaEnabledAt: Date | null;
}): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    phone: row.phone,
    language: row.language,
    mfaEnabled: row.mfaEnabledAt !== null,
  };
}

/** The logged-in user and the practices they belong to: the body of login and /auth/me. */
export async function loadMe(db: Db, userId: string): Promise<Me> {
  const row = await findUserById(db, userId);
  if (!row) throw new AppError('unauthenticated');
  return { user: toUser(row), memberships: await listMemberships(db, userId) };
}
