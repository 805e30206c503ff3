import type { PatientSearchTotal } from '@dentalpro/contracts';
import { type RawBuilder, sql } from 'kysely';
import { sqlStateOf } from '../../platform/db-errors.js';
import type { Tx } from '../../platform/tenancy.js';
import type { ParsedQuery } from './search.js';
import { inRange, startsAWord, visible } from './search-sql.js';

/** Patients counted, at most, for "N patients" over a list; past it the list says "N+". */
export const TOTAL_CAP = 10_000;

export interface TotalOptions {
  practiceId: string;
  parsed: ParsedQuery;
  /** The name tokens, rarest first (as the tiers use them). */
  tokens: string[];
  includeArchived: boolean;
  similarWord: number;
  similarWordsFollowed: number;
  phoneMatches: number;
}

/**
 * How many visible patients the search lists, in one statement: the same conditions as its tiers
 * (names: words starting with each token, then likely typos of the rarest), counted once each.
 */
export async function countSearchMatches(tx: Tx, o: TotalOptions): Promise<PatientSearchTotal | null> {
  const ids = matchingIds(o);
  // A count that cannot finish quickly (a short, common prefix among a very large practice's
  // names) is given up rather than hold the search: null, and the list says "more than" it shows.
  // The time limit is the savepoint's (undone with it) and put back once the count is in.
  await sql.raw(`SAVEPOINT search_total; SET LOCAL statement_timeout = ${COUNT_BUDGET_MS}`).execute(tx);
  let n: number;
  try {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM (
        SELECT 1 FROM (${ids}) m JOIN patients ON patients.id = m.patient_id
        WHERE ${visible(o.includeArchived)}
        LIMIT ${TOTAL_CAP + 1}
      ) counted
    `.execute(tx);
    n = rows[0]?.n ?? 0;
  } catch (err) {
    if (sqlStateOf(err) !== QUERY_CANCELED) throw err;
    await sql.raw('ROLLBACK TO SAVEPOINT search_total; RELEASE SAVEPOINT search_total').execute(tx);
    return null;
  }
  await sql.raw('RELEASE SAVEPOINT search_total; SET LOCAL statement_timeout TO DEFAULT').execute(tx);
  return n > TOTAL_CAP ? { count: TOTAL_CAP, capped: true } : { count: n, capped: false };
}

/** How long the count may take. */
const COUNT_BUDGET_MS = 1_000;
/** SQLSTATE of a statement stopped by statement_timeout. */
const QUERY_CANCELED = '57014';

/** The ids of the patients the query matches (before visibility), each once. */
function matchingIds(o: TotalOptions): RawBuilder<unknown> {
  const { practiceId, parsed } = o;
  const own = sql`SELECT id AS patient_id FROM patients WHERE practice_id = ${practiceId}`;
  switch (parsed.kind) {
    case 'all':
      return own;
    case 'birthDate':
      return sql`${own} AND date_of_birth = ${parsed.date}`;
    case 'email':
      return sql`${own} AND ${inRange(sql`email COLLATE "C"`, parsed.prefix)}`;
    case 'phone': {
      const reversed = [...parsed.digits].reverse().join('');
      return sql`SELECT DISTINCT patient_id FROM (
        SELECT patient_id FROM (
          SELECT patient_id FROM patient_phones WHERE practice_id = ${practiceId} AND ${inRange(sql`digits_reversed`, reversed)}
          UNION ALL
          SELECT patient_id FROM patient_phones WHERE practice_id = ${practiceId} AND ${inRange(sql`national_digits`, parsed.digits)}
        ) numbers LIMIT ${o.phoneMatches}
      ) matching`;
    }
    case 'name': {
      const [driving, ...others] = o.tokens as [string, ...string[]];
      const name = sql`w.search_name`;
      const allStart = sql.join(
        o.tokens.map((t) => startsAWord(name, t)),
        sql` AND `,
      );
      const othersStart = others.map((t) => sql`AND ${startsAWord(name, t)}`);
      const othersMatch = others.map(
        (t) =>
          sql`AND (${startsAWord(name, t)} OR string_to_array(w.search_name, ' ') && ARRAY(SELECT word FROM similar_patient_name_words(${t}, ${o.similarWord}, ${o.similarWordsFollowed})))`,
      );
      return sql`
        SELECT w.patient_id FROM patient_search_words w
        WHERE w.practice_id = ${practiceId} AND ${inRange(sql`w.word`, driving)} ${sql.join(othersStart, sql` `)}
        UNION
        SELECT w.patient_id
        FROM similar_patient_name_words(${driving}, ${o.similarWord}, ${o.similarWordsFollowed}) AS c(word, score)
        JOIN patient_search_words w ON w.practice_id = ${practiceId} AND w.word = c.word
        WHERE NOT starts_with(c.word, ${driving}) AND NOT (${allStart}) ${sql.join(othersMatch, sql` `)}`;
    }
  }
}
