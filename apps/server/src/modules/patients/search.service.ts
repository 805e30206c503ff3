import type { PatientSearchResult, PatientSummary } from '@dentalpro/contracts';
import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { AppContext } from '../../app.js';
import type { DB } from '../../db/schema.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { SUMMARY_COLUMNS, summarySelect, toSummary } from './patients.repository.js';
import { type ParsedQuery, type SearchCursor, decodeCursor, encodeCursor, likeEscape, parseSearchQuery, prefixRange } from './search.js';

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
}

/**
 * One query box: a birth date, phone digits (start of the national number or any ending), an
 * email, or names. Names rank in tiers: words starting with what was typed (an exact word
 * first, then A–Z), then words that look like a typo of it (most similar first).
 */
export async function searchPatients(ctx: AppContext, input: SearchInput): Promise<PatientSearchResult> {
  requirePermission(input.actor, 'patients:read');
  const cursor = decodeCursor(input.cursor);
  if (!cursor) throw new AppError('validation_failed', { errors: [{ path: 'cursor', message: 'This cursor is not valid' }] });
  const parsed = parseSearchQuery(input.q);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    let allCommon = false;
    if (parsed.kind === 'name') ({ tokens: parsed.tokens, allCommon } = await orderBySelectivity(tx, input.practiceId, parsed.tokens));
    return pageThrough(tx, tiersFor(input.practiceId, parsed, input.includeArchived ?? false, allCommon), cursor, input.limit);
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

/** Merged records never show; archived ones only when asked for. */
const visible = (includeArchived: boolean) =>
  includeArchived ? sql<boolean>`patients.merged_into_id IS NULL` : sql<boolean>`patients.merged_into_id IS NULL AND patients.status <> 'archived'`;

/**
 * The listed patient's summary, when it is visible: joined after the list is in order and cut to
 * the page, so only the page's patients are read.
 */
const pageOfPatients = (id: RawBuilder<unknown>, includeArchived: boolean) =>
  sql`CROSS JOIN LATERAL (SELECT ${summarySelect('patients')} FROM patients WHERE patients.id = ${id} AND ${visible(includeArchived)}) p`;

function tiersFor(practiceId: string, parsed: ParsedQuery, includeArchived: boolean, allCommon: boolean): Tier[] {
  const patients = (tx: Tx) => tx.selectFrom('patients').select(SUMMARY_COLUMNS).where('patients.practiceId', '=', practiceId).where(visible(includeArchived));
  const inListOrder = <O>(q: SelectQueryBuilder<DB, 'patients', O>, offset: number, limit: number) =>
    q.orderBy('patients.sortName').orderBy('patients.id').offset(offset).limit(limit);

  switch (parsed.kind) {
    case 'all':
      return [async (tx, offset, limit) => (await inListOrder(patients(tx), offset, limit).execute()).map(toSummary)];
    case 'birthDate':
      return [async (tx, offset, limit) => (await inListOrder(patients(tx).where('patients.dateOfBirth', '=', parsed.date), offset, limit).execute()).map(toSummary)];
    case 'email':
      return [
        async (tx, offset, limit) =>
          (await inListOrder(patients(tx).where(inRange(sql`patients.email COLLATE "C"`, parsed.prefix)), offset, limit).execute()).map(toSummary),
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
      return [prefixTier(practiceId, parsed.tokens, includeArchived, allCommon), similarTier(practiceId, parsed.tokens, includeArchived)];
  }
}

/** The token that drives the index scan (see orderBySelectivity); the others filter. */
function drivingToken(tokens: string[]) {
  const driving = tokens[0]!;
  return { driving, others: tokens.slice(1) };
}

/** Patients counted per word before a word is called common (see orderBySelectivity). */
const COMMON_WORD = 2000;

/**
 * Several words ("zoe ramgoolam"): the rarest first, so the scan walks the fewest rows. Counted
 * on the words index, capped: a rare word is told apart from a common one in a millisecond.
 * allCommon: every word starts the names of COMMON_WORD patients or more.
 */
async function orderBySelectivity(tx: Tx, practiceId: string, tokens: string[]): Promise<{ tokens: string[]; allCommon: boolean }> {
  if (tokens.length < 2) return { tokens, allCommon: false };
  const counted = await Promise.all(
    tokens.map(async (token) => {
      const { from, to } = prefixRange(token);
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM (
          SELECT 1 FROM patient_search_words
          WHERE practice_id = ${practiceId} AND word >= ${from} ${to === undefined ? sql`` : sql`AND word < ${to}`}
          LIMIT ${COMMON_WORD}
        ) sample`.execute(tx);
      return { token, n: rows[0]!.n };
    }),
  );
  counted.sort((a, b) => a.n - b.n || b.token.length - a.token.length);
  return { tokens: counted.map((c) => c.token), allCommon: counted[0]!.n >= COMMON_WORD };
}

/** `column` starts with `prefix`, as a byte-order range the index can use (see prefixRange). */
function inRange(column: RawBuilder<unknown>, prefix: string) {
  const { from, to } = prefixRange(prefix);
  return to === undefined ? sql<boolean>`${column} >= ${from}` : sql<boolean>`(${column} >= ${from} AND ${column} < ${to})`;
}

const wordRange = (column: RawBuilder<unknown>, token: string) => inRange(column, token);

/**
 * Tier 0: every token starts a word of the name. One token: a range scan of the words index,
 * already in display order (the word, then family and given name), so a common prefix is as
 * fast as a rare one. Several tokens: the patients of the rarest word checked for the others on
 * the words index; when every word is common, the GIN index of names intersects them instead.
 */
function prefixTier(practiceId: string, tokens: string[], includeArchived: boolean, allCommon: boolean): Tier {
  const { driving, others } = drivingToken(tokens);
  const { from, to } = prefixRange(driving);
  if (others.length) return (allCommon ? commonWordsTier : severalWordsTier)(practiceId, driving, others, includeArchived);
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
        not(exists(selectFrom('patientSearchWords as w2').select('w2.word').whereRef('w2.patientId', '=', 'w.patientId').where('w2.word', '>=', from).whereRef('w2.word', '<', 'w.word'))),
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

function severalWordsTier(practiceId: string, driving: string, others: string[], includeArchived: boolean): Tier {
  return async (tx, offset, limit) => {
    const alsoHas = others.map(
      (token) => sql`AND w.patient_id IN (SELECT o.patient_id FROM patient_search_words o WHERE o.practice_id = ${practiceId} AND ${wordRange(sql`o.word`, token)})`,
    );
    const { rows } = await sql<Parameters<typeof toSummary>[0]>`
      WITH hits AS MATERIALIZED (
        SELECT w.patient_id, min(w.word) AS word, min(w.sort_name) AS sort_name
        FROM patient_search_words w
        WHERE w.practice_id = ${practiceId} AND ${wordRange(sql`w.word`, driving)} ${sql.join(alsoHas, sql` `)}
        GROUP BY w.patient_id
      )
      -- In list order first, then the patients one by one until the page is full: common words
      -- ("ravi ramgoolam") meet in hundreds of patients, and only a page of them is fetched.
      SELECT p.*
      FROM (SELECT * FROM hits ORDER BY word, sort_name, patient_id) h
      ${pageOfPatients(sql.ref('h.patient_id'), includeArchived)}
      ORDER BY h.word, h.sort_name, h.patient_id
      OFFSET ${offset} LIMIT ${limit}
    `.execute(tx);
    return rows.map(toSummary);
  };
}

function commonWordsTier(practiceId: string, driving: string, others: string[], includeArchived: boolean): Tier {
  // Each token as a prefix lexeme, quoted (a quote inside doubled): 'ravi':* & 'ramgoolam':*
  const words = [driving, ...others].map((t) => `'${t.replace(/'/g, "''")}':*`).join(' & ');
  const { from, to } = prefixRange(driving);
  return async (tx, offset, limit) => {
    // The patients with every word (GIN, see patients_with_words), listed under their first
    // word starting with the driving token, then in list order; only the page is fetched whole.
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
 * carries the whole name: no patient is fetched until it is on the page.
 */
function similarTier(practiceId: string, tokens: string[], includeArchived: boolean): Tier {
  const { driving, others } = drivingToken(tokens);
  return async (tx, offset, limit) => {
    const archived = includeArchived ? sql`` : sql`AND p.status <> 'archived'`;
    const startsAWord = (t: string) => sql`(' ' || w.search_name) LIKE ${`% ${likeEscape(t)}%`}`;
    const notInPrefixTier = sql.join(tokens.map(startsAWord), sql` AND `);
    const othersMatch = others.map(
      (t) => sql`AND (${startsAWord(t)} OR string_to_array(w.search_name, ' ') && ARRAY(SELECT word FROM similar_patient_name_words(${t}, ${SIMILAR_WORD}, ${SIMILAR_WORDS_FOLLOWED})))`,
    );
    // The most similar words first, each followed to its patients in list order: a common typo
    // ("ramgolam") fills the page from its first word. One round trip; each word reads no more
    // of its patients than the page needs.
    const { rows } = await sql<Parameters<typeof toSummary>[0]>`
      SELECT x.id, x."givenName", x."familyName", x.phone, x."dateOfBirth", x."preferredName", x.email, x.status
      FROM similar_patient_name_words(${driving}, ${SIMILAR_WORD}, ${SIMILAR_WORDS_FOLLOWED}) WITH ORDINALITY AS c(word, score, rank)
      CROSS JOIN LATERAL (
        SELECT ${summarySelect('p')},
          w.sort_name, w.patient_id
        FROM patient_search_words w JOIN patients p ON p.id = w.patient_id
        WHERE w.practice_id = ${practiceId} AND w.word = c.word AND NOT (${notInPrefixTier}) ${sql.join(othersMatch, sql` `)}
          AND p.merged_into_id IS NULL ${archived}
        ORDER BY w.sort_name, w.patient_id
        LIMIT ${offset + limit}
      ) x
      WHERE NOT starts_with(c.word, ${driving})
      ORDER BY c.rank, x.sort_name, x.patient_id
      OFFSET ${offset} LIMIT ${limit}
    `.execute(tx);
    return rows.map(toSummary);
  };
}
