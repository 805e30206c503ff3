import type { PatientSearchResult, PatientSummary } from '@dentalpro/contracts';
import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { DB } from '../../db/schema.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { SUMMARY_COLUMNS, summarySelect, toSummary } from './patients.repository.js';
import { inRange, startsAWord, visible } from './search-sql.js';
import { countSearchMatches } from './search-total.js';
import {
  type ParsedQuery,
  type SearchCursor,
  decodeCursor,
  encodeCursor,
  parseSearchQuery,
  prefixRange,
} from './search.js';

/** Below this trigram similarity a word is not offered as a likely typo of the query. */
const SIMILAR_WORD = 0.4;
/** How many similar words of the vocabulary are followed to their patients. */
const SIMILAR_WORDS_FOLLOWED = 20;
/** Phone digits this vague ("571") match thousands of numbers: the first ones are listed, people type more. */
const PHONE_MATCHES = 1000;

type Tier = (tx: Tx, offset: number, limit: number) => Promise<PatientSummary[]>;

export interface SearchInput {
  actor: Actor;
  practiceId: string;
  q: string;
  limit: number;
  cursor?: string;
  includeArchived?: boolean;
  /** Count the matches too (first page only). */
  withTotal?: boolean;
  /** Entries of the words index read before the GIN index is asked (SCAN_LIMIT); tests set it low. */
  scanLimit?: number;
}

/**
 * One query box: a birth date, phone digits (start of the national number or any ending), an
 * email, or names. Names rank in tiers: words starting with what was typed (an exact word
 * first, then A–Z), then words that look like a typo of it (most similar first).
 */
export async function searchPatients(ctx: AppContext, input: SearchInput): Promise<PatientSearchResult> {
  requirePermission(input.actor, 'patients:read');
  const cursor = decodeCursor(input.cursor);
  if (!cursor)
    throw new AppError('validation_failed', {
      errors: [{ path: 'cursor', code: 'cursor_invalid', message: 'This cursor is not valid' }],
    });
  const parsed = parseSearchQuery(input.q);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const tokens = parsed.kind === 'name' ? await examineTokens(tx, input.practiceId, parsed.tokens) : [];
    const includeArchived = input.includeArchived ?? false;
    const page = await pageThrough(
      tx,
      tiersFor(input.practiceId, parsed, includeArchived, tokens, input.scanLimit ?? SCAN_LIMIT),
      cursor,
      input.limit,
    );
    if (!input.withTotal || input.cursor) return page;
    // A single page is its own count.
    if (page.nextCursor === null) return { ...page, total: { count: page.items.length, capped: false } };
    const total = await countSearchMatches(tx, {
      practiceId: input.practiceId,
      parsed,
      tokens: tokens.map((t) => t.token),
      includeArchived,
      similarWord: SIMILAR_WORD,
      similarWordsFollowed: SIMILAR_WORDS_FOLLOWED,
      phoneMatches: PHONE_MATCHES,
    });
    // Not counted in time: at least this page and one more.
    return { ...page, total: total ?? { count: page.items.length + 1, capped: true } };
  });
}

/** Fills a page from the tiers in order, and says where the next page starts. */
async function pageThrough(tx: Tx, tiers: Tier[], start: SearchCursor, limit: number): Promise<PatientSearchResult> {
  const items: PatientSummary[] = [];
  const seen = new Set<string>();
  let { tier, offset } = start;
  while (tier < tiers.length) {
    const need = limit - items.length;
    // One more than needed tells whether anything follows.
    const rows = await tiers[tier]!(tx, offset, need + 1);
    const taken = rows.slice(0, need);
    for (const row of taken) {
      if (!seen.has(row.id)) items.push(row);
      seen.add(row.id);
    }
    if (rows.length > need) return { items, nextCursor: encodeCursor({ tier, offset: offset + need }) };
    tier += 1;
    offset = 0;
  }
  return { items, nextCursor: null };
}

/**
 * The listed patient's summary, when it is visible: joined after the list is in order and cut to
 * the page, so only the page's patients are read.
 */
const pageOfPatients = (id: RawBuilder<unknown>, includeArchived: boolean) =>
  sql`CROSS JOIN LATERAL (SELECT ${summarySelect('patients')} FROM patients WHERE patients.id = ${id} AND ${visible(includeArchived)}) p`;

function tiersFor(
  practiceId: string,
  parsed: ParsedQuery,
  includeArchived: boolean,
  tokens: Token[],
  scanLimit: number,
): Tier[] {
  const patients = (tx: Tx) =>
    tx
      .selectFrom('patients')
      .select(SUMMARY_COLUMNS)
      .where('patients.practiceId', '=', practiceId)
      .where(visible(includeArchived));
  const inListOrder = <O>(q: SelectQueryBuilder<DB, 'patients', O>, offset: number, limit: number) =>
    q.orderBy('patients.sortName').orderBy('patients.id').offset(offset).limit(limit);

  switch (parsed.kind) {
    case 'all':
      return [async (tx, offset, limit) => (await inListOrder(patients(tx), offset, limit).execute()).map(toSummary)];
    case 'birthDate':
      return [
        async (tx, offset, limit) =>
          (
            await inListOrder(patients(tx).where('patients.dateOfBirth', '=', parsed.date), offset, limit).execute()
          ).map(toSummary),
      ];
    case 'email':
      return [
        async (tx, offset, limit) =>
          (
            await inListOrder(
              patients(tx).where(inRange(sql`patients.email COLLATE "C"`, parsed.prefix)),
              offset,
              limit,
            ).execute()
          ).map(toSummary),
      ];
    case 'phone': {
      const reversed = [...parsed.digits].reverse().join('');
      return [
        async (tx, offset, limit) => {
          // The matching numbers (capped) with their patients' sort names, read from the two
          // digit indexes alone; then, in list order, patients one by one until the page is
          // full. Materialized, so the planner cannot choose to walk the whole list in name
          // order looking for the few that match.
          const { rows } = await sql<Parameters<typeof toSummary>[0]>`
            WITH matching AS MATERIALIZED (
              SELECT patient_id, sort_name FROM (
                SELECT patient_id, sort_name FROM patient_phones WHERE practice_id = ${practiceId} AND ${inRange(sql`digits_reversed`, reversed)}
                UNION ALL
                SELECT patient_id, sort_name FROM patient_phones WHERE practice_id = ${practiceId} AND ${inRange(sql`national_digits`, parsed.digits)}
              ) numbers
              LIMIT ${PHONE_MATCHES}
            )
            SELECT p.*
            FROM (SELECT DISTINCT patient_id, sort_name FROM matching) m
            ${pageOfPatients(sql.ref('m.patient_id'), includeArchived)}
            ORDER BY m.sort_name, m.patient_id
            OFFSET ${offset} LIMIT ${limit}
          `.execute(tx);
          return rows.map(toSummary);
        },
      ];
    }
    case 'name':
      return [
        prefixTier(practiceId, tokens, includeArchived, scanLimit),
        similarTier(
          practiceId,
          tokens.map((t) => t.token),
          includeArchived,
        ),
      ];
  }
}

/** Patients counted per word before a word is called common (see examineTokens). */
const COMMON_WORD = 2000;
/**
 * Entries of the driving token's range read, at most, on the words index (a few milliseconds)
 * before the GIN index of names is asked instead (see severalWordsTier).
 */
const SCAN_LIMIT = 25_000;

/** A typed word, and how many patients bear a word it starts: counted up to COMMON_WORD, and as the word counts estimate it. */
interface Token {
  token: string;
  patients: number;
  estimate: number;
}

/**
 * Several words ("zoe ramgoolam"): the rarest first, so the scan walks the fewest rows. Counted on
 * the words index, capped, which tells a rare word from a common one in a millisecond; common
 * ones are told apart by the counts of the words they start (see refreshNameWordCounts), then
 * the longer first. One round trip for all of them.
 */
async function examineTokens(tx: Tx, practiceId: string, tokens: string[]): Promise<Token[]> {
  if (tokens.length < 2) return tokens.map((token) => ({ token, patients: 0, estimate: 0 }));
  // One SELECT per token, its range written out: a bound given as a parameter that may be null
  // would not bound the index scan.
  const perToken = tokens.map(
    (token, i) => sql`
      SELECT ${i}::int AS i,
        (SELECT count(*)::int FROM (
           SELECT 1 FROM patient_search_words w WHERE w.practice_id = ${practiceId} AND ${inRange(sql`w.word`, token)} LIMIT ${COMMON_WORD}
         ) sample) AS patients,
        (SELECT coalesce(sum(c.patients), 0)::int FROM patient_name_word_counts c WHERE c.practice_id = ${practiceId} AND ${inRange(sql`c.word`, token)}) AS estimate`,
  );
  const { rows } = await sql<{
    i: number;
    patients: number;
    estimate: number;
  }>`${sql.join(perToken, sql` UNION ALL `)}`.execute(tx);
  const examined = rows.map((r) => ({ token: tokens[r.i]!, patients: r.patients, estimate: r.estimate }));
  return examined.sort((a, b) => a.patients - b.patients || a.estimate - b.estimate || b.token.length - a.token.length);
}

/**
 * Tier 0: every token starts a word of the name. One token: a range scan of the words index,
 * already in display order (the word, then family and given name), so a common prefix is as
 * fast as a rare one. Several tokens: see severalWordsTier.
 */
function prefixTier(practiceId: string, tokens: Token[], includeArchived: boolean, scanLimit: number): Tier {
  if (tokens.length > 1) return severalWordsTier(practiceId, tokens, includeArchived, scanLimit);
  const { from, to } = prefixRange(tokens[0]!.token);
  return async (tx, offset, limit) => {
    const rows = await tx
      .selectFrom('patientSearchWords as w')
      .innerJoin('patients', 'patients.id', 'w.patientId')
      .select(SUMMARY_COLUMNS)
      .where('w.practiceId', '=', practiceId)
      .where('w.word', '>=', from)
      .$if(to !== undefined, (q) => q.where('w.word', '<', to!))
      // A patient with two such words ("Ram Ramdin") is listed once, under the first.
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('patientSearchWords as w2')
              .select('w2.word')
              .whereRef('w2.patientId', '=', 'w.patientId')
              .where('w2.word', '>=', from)
              .whereRef('w2.word', '<', 'w.word'),
          ),
        ),
      )
      .where(visible(includeArchived))
      .orderBy('w.word')
      .orderBy('w.sortName')
      .orderBy('w.patientId')
      .offset(offset)
      .limit(limit)
      .execute();
    return rows.map(toSummary);
  };
}

/**
 * Several tokens, listed under the first word starting with the rarest (the driving token), then
 * in list order. The words index is read in that order from the driving token on: each entry
 * carries the whole folded name, so the other tokens are checked there, and only the patients on
 * the page are read. The read stops when the page is full, at the end of the driving token's
 * range, or after scanLimit entries: then (only short tokens, each starting the names of tens of
 * thousands, and few patients bearing them all) the GIN index of names intersects them instead.
 */
function severalWordsTier(practiceId: string, tokens: Token[], includeArchived: boolean, scanLimit: number): Tier {
  const [driving, ...others] = tokens;
  const { from } = prefixRange(driving!.token);
  const intersect = ginIntersection(tokens, includeArchived);
  return async (tx, offset, limit) => {
    // Entry scanLimit + 1, if the range has it, comes through unchecked: it says the read stopped short.
    const { rows } = await sql<Parameters<typeof toSummary>[0] & { n: number; id: string | null }>`
      SELECT h.n, p.*
      FROM (
        SELECT r.* FROM (
          SELECT w.patient_id, w.word, w.sort_name, w.search_name, row_number() OVER (ORDER BY w.word, w.sort_name, w.patient_id) AS n
          FROM patient_search_words w
          WHERE w.practice_id = ${practiceId} AND ${inRange(sql`w.word`, driving!.token)}
          ORDER BY w.word, w.sort_name, w.patient_id
          LIMIT ${scanLimit + 1}
        ) r
        WHERE r.n > ${scanLimit} OR (${sql.join(
          others.map((t) => startsAWord(sql`r.search_name`, t.token)),
          sql` AND `,
        )}
          -- A patient with two words starting with the driving token is listed once, under the first.
          AND NOT EXISTS (SELECT 1 FROM unnest(string_to_array(r.search_name, ' ')) x WHERE x COLLATE "C" >= ${from} AND x COLLATE "C" < r.word))
      ) h
      LEFT JOIN LATERAL (SELECT ${summarySelect('patients')} FROM patients WHERE patients.id = h.patient_id AND ${visible(includeArchived)}) p ON true
      WHERE h.n > ${scanLimit} OR p.id IS NOT NULL
      ORDER BY h.word, h.sort_name, h.patient_id
      LIMIT ${offset + limit + 1}
    `.execute(tx);
    const hits = rows.filter((r) => r.n <= scanLimit);
    if (hits.length >= offset + limit || hits.length === rows.length)
      return hits.slice(offset, offset + limit).map(toSummary);
    return intersect(tx, offset, limit);
  };
}

/**
 * The tokens intersected by the GIN index of names (see patients_with_words), each as a prefix.
 * For short tokens far into a long list: the patients with them all are gathered and sorted.
 */
function ginIntersection(tokens: Token[], includeArchived: boolean): Tier {
  // Each token as a prefix lexeme, quoted (a quote inside doubled): 'ravi':* & 'ramgoolam':*
  const words = tokens.map((t) => `'${t.token.replace(/'/g, "''")}':*`).join(' & ');
  const { from, to } = prefixRange(tokens[0]!.token);
  return async (tx, offset, limit) => {
    // The patients with every word, listed under their first word starting with the driving
    // token, then in list order; only the page is fetched whole.
    const { rows } = await sql<Parameters<typeof toSummary>[0]>`
      WITH hits AS MATERIALIZED (
        SELECT h.id, h.sort_name COLLATE "C" AS sort_name,
          (SELECT min(w COLLATE "C") FROM unnest(string_to_array(h.search_name, ' ')) w
           WHERE w COLLATE "C" >= ${from} ${to === undefined ? sql`` : sql`AND w COLLATE "C" < ${to}`}) AS word
        FROM patients_with_words(${words}::tsquery, ${includeArchived}) h
      )
      SELECT p.*
      FROM (SELECT * FROM hits ORDER BY word, sort_name, id OFFSET ${offset} LIMIT ${limit}) h
      ${pageOfPatients(sql.ref('h.id'), includeArchived)}
      ORDER BY h.word, h.sort_name, h.id
    `.execute(tx);
    return rows.map(toSummary);
  };
}

/**
 * Tier 1: typos. The driving token is matched by trigram similarity against the practice's
 * vocabulary of name words (small, trigram-indexed), then the most similar words are followed
 * to their patients through the words index. Each other token must start a word of the name or
 * be one of that word's likely typos too. Everything is checked on the words index, which
 * carries the whole name: no patient is fetched until it is on the page. With several tokens,
 * other tokens typed right rank first, so "apadoo mari" lists Marie Appadoo before Jean-Marc
 * Appadoo ("mari" only looks like "marc").
 */
function similarTier(practiceId: string, tokens: string[], includeArchived: boolean): Tier {
  // The rarest token drives (see examineTokens); the others filter.
  const [driving, ...others] = tokens as [string, ...string[]];
  return async (tx, offset, limit) => {
    const archived = includeArchived ? sql`` : sql`AND p.status <> 'archived'`;
    const nameOf = sql`w.search_name`;
    const notInPrefixTier = sql.join(
      tokens.map((t) => startsAWord(nameOf, t)),
      sql` AND `,
    );
    const othersMatch = others.map(
      (t) =>
        sql`AND (${startsAWord(nameOf, t)} OR string_to_array(w.search_name, ' ') && ARRAY(SELECT word FROM similar_patient_name_words(${t}, ${SIMILAR_WORD}, ${SIMILAR_WORDS_FOLLOWED})))`,
    );
    // The most similar words first, each followed to its patients in list order: a common typo
    // ("ramgolam") fills the page from its first word. With several tokens, a word's patients
    // whose other tokens each start a word of the name come before those where one only looks
    // like one ("apadoo mari": Marie Appadoo, then Jean-Marc). One round trip; the words are read
    // in rank order until the page is full, and each word reads no more of its patients than the
    // page needs (its second part is not read at all once the first fills the page).
    const patientsOf = (grade: number, condition: RawBuilder<unknown>) => sql`(
        SELECT ${summarySelect('p')},
          w.sort_name, w.patient_id, ${sql.lit(grade)} AS grade
        FROM patient_search_words w JOIN patients p ON p.id = w.patient_id
        WHERE w.practice_id = ${practiceId} AND w.word = c.word AND NOT (${notInPrefixTier}) ${sql.join(othersMatch, sql` `)}
          ${condition}
          AND p.merged_into_id IS NULL ${archived}
        ORDER BY w.sort_name, w.patient_id
        LIMIT ${offset + limit}
      )`;
    const othersStart = sql.join(
      others.map((t) => startsAWord(nameOf, t)),
      sql` AND `,
    );
    const graded = others.length
      ? sql`${patientsOf(0, sql`AND (${othersStart})`)} UNION ALL ${patientsOf(1, sql`AND NOT (${othersStart})`)} LIMIT ${offset + limit}`
      : sql`SELECT * FROM ${patientsOf(0, sql``)} only_grade`;
    const { rows } = await sql<Parameters<typeof toSummary>[0]>`
      SELECT x.id, x."givenName", x."familyName", x.phone, x."dateOfBirth", x."preferredName", x.email, x.status
      FROM similar_patient_name_words(${driving}, ${SIMILAR_WORD}, ${SIMILAR_WORDS_FOLLOWED}) WITH ORDINALITY AS c(word, score, rank)
      CROSS JOIN LATERAL (${graded}) x
      WHERE NOT starts_with(c.word, ${driving})
      ORDER BY c.rank, x.grade, x.sort_name, x.patient_id
      OFFSET ${offset} LIMIT ${limit}
    `.execute(tx);
    return rows.map(toSummary);
  };
}
