import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { FAMILY_NAMES, GIVEN_NAMES } from '../apps/server/src/demo/names.js';
import { seededRandom } from '../apps/server/src/demo/random.js';
import { createUser } from '../apps/server/src/modules/auth/users.js';
import { refreshNameWordCounts } from '../apps/server/src/modules/patients/patients.repository.js';
import { searchPatients } from '../apps/server/src/modules/patients/patients.service.js';
import { foldName } from '../apps/server/src/modules/patients/search.js';
import { createPracticeIn } from '../apps/server/src/modules/practices/practices.service.js';
import { systemActor } from '../apps/server/src/platform/access.js';
import { ms, openBenchEnvironment, percentile } from './setup-practice.js';

/**
 * Patient search over many Mauritian-style patients: names from the demo lists plus made-up
 * family names from syllables (a realistic vocabulary of a few thousand words), +230 5xxx xxxx
 * mobiles, birth dates over 85 years, some emails. Generated in bulk SQL, then a mix of queries
 * timed through the service (practice-bound transaction included), one at a time.
 *
 * PATIENTS=N (default 1,000,000 on PostgreSQL, 200,000 on embedded PGlite). With DATABASE_URL,
 * the run uses a scratch database created beside it and dropped at the end (BENCH_KEEP_DB=1 keeps it;
 * BENCH_REUSE_DB=name times the searches again on a kept one, without generating anything).
 */
const QUERIES = Number(process.env.QUERIES ?? 300);
const WARM_UP = 30;
const actor = systemActor('bench');

const baseUrl = process.env.DATABASE_URL;
let scratch: { name: string; admin: pg.Client } | undefined;
const reuse = process.env.BENCH_REUSE_DB;
if (baseUrl) {
  const name = reuse ?? `dentalpro_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  if (!reuse) await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  scratch = { name, admin };
}
const total = Number(process.env.PATIENTS ?? (baseUrl ? 1_000_000 : 200_000));

const env = await openBenchEnvironment();
const { ctx } = env;
try {
  const practiceId = reuse ? await keptPractice() : await generate();
  async function keptPractice() {
    const { rows } = await sql<{ id: string; n: number }>`
      SELECT practice_id AS id, count(*)::int AS n FROM patients GROUP BY 1 ORDER BY 2 DESC LIMIT 1`.execute(ctx.db);
    process.stdout.write(`patient search: ${env.label}, ${rows[0]!.n.toLocaleString('en')} patients (kept database)\n`);
    await countNameWords(rows[0]!.id);
    return rows[0]!.id;
  }
  async function generate() {
    process.stdout.write(`patient search: ${env.label}, ${total.toLocaleString('en')} patients\n`);
    const practiceId = await ctx.db.transaction().execute(async (tx) => {
      const user = await createUser(tx, {
        email: `bench-search-${randomUUID().slice(0, 8)}@example.mu`,
        name: 'Bench Owner',
        password: 'correct horse battery',
      });
      return (
        await createPracticeIn(tx, {
          practice: { name: `Patient search ${new Date().toISOString()}` },
          ownerUserId: user.id,
          actor,
        })
      ).id;
    });

    const SYLLABLES = [
      'ra',
      'mo',
      'bee',
      'gou',
      'lam',
      'din',
      'su',
      'ka',
      'po',
      'tang',
      'chu',
      'ner',
      'vel',
      'jo',
      'mun',
      'pee',
      'bux',
      'ha',
      'ree',
      'to',
      'sam',
      'li',
      'nau',
      'dor',
    ];
    const generatedStarted = performance.now();
    // Patients as the service writes them: search_name / sort_name folded like foldName does.
    await sql`
    WITH names AS (
      SELECT ${GIVEN_NAMES}::text[] AS given, ${GIVEN_NAMES.map(foldName)}::text[] AS given_folded,
             ${FAMILY_NAMES}::text[] AS family, ${FAMILY_NAMES.map(foldName)}::text[] AS family_folded,
             ${SYLLABLES}::text[] AS syl
    ), drawn AS (
      SELECT i,
        1 + (hashint4(i) & 2147483647) % cardinality(given) AS g,
        CASE WHEN (hashint4(i * 7 + 1) & 2147483647) % 10 < 3
          THEN syl[1 + (hashint4(i * 11) & 2147483647) % cardinality(syl)] || syl[1 + (hashint4(i * 13) & 2147483647) % cardinality(syl)]
               || syl[1 + (hashint4(i * 17) & 2147483647) % cardinality(syl)]
        END AS made_up,
        1 + (hashint4(i * 3 + 2) & 2147483647) % cardinality(family) AS f,
        (hashint8(i::bigint * 31) & 9223372036854775807) % 8000000 AS mobile,
        (hashint4(i * 5 + 3) & 2147483647) % 31000 AS age_days
      FROM generate_series(1, ${total}::int) AS i, names
    )
    INSERT INTO patients (practice_id, given_name, family_name, phone, date_of_birth, email, search_name, sort_name)
    SELECT ${practiceId}::uuid, given[g], coalesce(initcap(made_up), family[f]),
      '+2305' || lpad((2000000 + mobile)::text, 7, '0'),
      date '1940-01-01' + age_days,
      CASE WHEN i % 10 = 0 THEN given_folded[g] || '.' || coalesce(made_up, replace(family_folded[f], ' ', '')) || i || '@example.mu' ELSE '' END,
      given_folded[g] || ' ' || coalesce(made_up, family_folded[f]),
      coalesce(made_up, family_folded[f]) || ' ' || given_folded[g]
    FROM drawn, names
  `.execute(ctx.db);
    await sql`
    INSERT INTO patient_phones (practice_id, patient_id, position, e164, label, is_whatsapp, national_digits, digits_reversed)
    SELECT practice_id, id, 0, phone, 'mobile', true, substr(phone, 5), reverse(substr(phone, 2)) FROM patients WHERE practice_id = ${practiceId}
  `.execute(ctx.db);
    await sql`
    INSERT INTO patient_search_words (practice_id, patient_id, word, sort_name, search_name)
    SELECT DISTINCT practice_id, id, w, sort_name, search_name FROM patients, unnest(string_to_array(search_name, ' ')) AS w WHERE practice_id = ${practiceId}
  `.execute(ctx.db);
    // (The words join the practice's name vocabulary by trigger.)
    await sql`VACUUM ANALYZE patients, patient_phones, patient_search_words, patient_name_vocabulary`.execute(ctx.db);
    const generatedMs = performance.now() - generatedStarted;
    const vocabulary = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM patient_name_vocabulary WHERE practice_id = ${practiceId}`.execute(ctx.db);
    process.stdout.write(
      `generated in ${(generatedMs / 1000).toFixed(1)} s (${vocabulary.rows[0]!.n} distinct name words)\n`,
    );
    await countNameWords(practiceId);
    return practiceId;
  }
  /** The name word counts search chooses its index by, as the background count keeps them. */
  async function countNameWords(practiceId: string) {
    const started = performance.now();
    const changed = await refreshNameWordCounts(ctx.db, practiceId);
    process.stdout.write(
      `name words counted in ${((performance.now() - started) / 1000).toFixed(1)} s (${changed} counts changed)\n\n`,
    );
  }

  // Query material drawn from the data itself.
  const random = seededRandom(42);
  const sample = (
    await sql<{ phone: string; date: string; family: string; given: string }>`
      SELECT phone, to_char(date_of_birth, 'YYYY-MM-DD') AS date, family_name AS family, given_name AS given
      FROM patients WHERE practice_id = ${practiceId} ORDER BY id LIMIT 2000
    `.execute(ctx.db)
  ).rows;
  const typo = (word: string) => {
    const w = foldName(word).replace(/ /g, '');
    const at = random.int(1, w.length - 2);
    return random.int(0, 1)
      ? w.slice(0, at) + w.slice(at + 1)
      : w.slice(0, at) + 'aeiou'[random.int(0, 4)] + w.slice(at + 1);
  };
  const longFamilies = FAMILY_NAMES.filter((f) => f.length >= 6);
  const accented = ['Helene', 'Berenger', 'Noel', 'Francoise', 'Chloe', 'Melanie', 'Stephanie', 'Gael', 'Lea'];
  const kinds: Record<string, () => string> = {
    'name prefix (3-4 letters)': () =>
      foldName(random.pick([...FAMILY_NAMES, ...GIVEN_NAMES])).slice(0, random.int(3, 4)),
    'full name (given family)': () => {
      const s = random.pick(sample);
      return `${s.given} ${s.family}`;
    },
    'accent-insensitive name': () => random.pick(accented),
    'typo in a family name': () => typo(random.pick(longFamilies)),
    'phone: last 4 digits': () => random.pick(sample).phone.slice(-4),
    'phone: first 4-5 digits': () => random.pick(sample).phone.slice(4, 4 + random.int(4, 5)),
    'phone: full number': () => random.pick(sample).phone,
    'birth date': () => random.pick(sample).date,
    'list, no query': () => '',
  };

  const rows: string[][] = [['query kind', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'avg hits', 'slowest query']];
  for (const [kind, make] of Object.entries(kinds)) {
    const timings: number[] = [];
    let hits = 0;
    let slowest = { ms: 0, q: '' };
    for (let i = 0; i < WARM_UP + QUERIES; i++) {
      const q = make();
      const started = performance.now();
      const result = await searchPatients(ctx, { actor, practiceId, q, limit: 20 });
      const elapsed = performance.now() - started;
      if (i >= WARM_UP) {
        timings.push(elapsed);
        if (elapsed > slowest.ms) slowest = { ms: elapsed, q };
        hits += result.items.length;
      }
    }
    rows.push([
      kind,
      ms(percentile(timings, 50)),
      ms(percentile(timings, 95)),
      ms(percentile(timings, 99)),
      ms(Math.max(...timings)),
      (hits / QUERIES).toFixed(1),
      JSON.stringify(slowest.q),
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    process.stdout.write(
      `${r.map((cell, c) => (c === 0 || c === r.length - 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')}\n`,
    );
  process.stdout.write(
    `\n${QUERIES} queries per kind after ${WARM_UP} warm-up, one at a time, page size 20, through searchPatients (transaction + RLS included).\n`,
  );
} finally {
  await env.close();
  if (scratch) {
    if (process.env.BENCH_KEEP_DB || reuse) process.stdout.write(`kept database ${scratch.name}\n`);
    else await scratch.admin.query(`DROP DATABASE IF EXISTS ${scratch.name} WITH (FORCE)`);
    await scratch.admin.end();
  }
}
