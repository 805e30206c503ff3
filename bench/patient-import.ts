import { randomUUID } from 'node:crypto';
import type { PatientImportProgress, PatientImportReport } from '@dentalpro/contracts';
import { sql } from 'kysely';
import pg from 'pg';
import { FAMILY_NAMES, GIVEN_NAMES } from '../apps/server/src/demo/names.js';
import { seededRandom } from '../apps/server/src/demo/random.js';
import { createUser } from '../apps/server/src/modules/auth/users.js';
import { importPatients } from '../apps/server/src/modules/patients/import.service.js';
import { createPracticeIn } from '../apps/server/src/modules/practices/practices.service.js';
import { systemActor } from '../apps/server/src/platform/access.js';
import { openBenchEnvironment } from './setup-practice.js';

/**
 * Patient import: a CSV export of ROWS (default 100,000) Mauritian-style patients, as another
 * practice system writes it (French headers, semicolons, DD/MM/YYYY, local phone numbers, some
 * families sharing a number, ~1% broken rows), checked (dry run), imported into an empty
 * practice, then checked again against the 100,000 patients now on file. Phases are timed from
 * the service's own progress calls.
 *
 * With DATABASE_URL, the run uses a scratch database created beside it and dropped at the end
 * (BENCH_KEEP_DB=1 keeps it); without, embedded PGlite.
 */
const ROWS = Number(process.env.ROWS ?? 100_000);
const actor = systemActor('bench');

const baseUrl = process.env.DATABASE_URL;
let scratch: { name: string; admin: pg.Client } | undefined;
if (baseUrl) {
  const name = `dentalpro_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  scratch = { name, admin };
}

/** The file: deterministic, so every run imports the same rows. */
function generateCsv(rows: number): Buffer {
  const random = seededRandom(7);
  const syllables = [
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
  const towns = [
    'Port Louis',
    'Curepipe',
    'Quatre Bornes',
    'Vacoas',
    'Rose-Hill',
    'Beau Bassin',
    'Mahébourg',
    'Goodlands',
    'Triolet',
    'Flacq',
    'Souillac',
    'Grand Baie',
  ];
  const streets = [
    'Royal Road',
    'Avenue des Flamboyants',
    'Rue Desforges',
    'Morcellement Raffray',
    'Cité Vallijee',
    'Chemin Grenier',
    'La Route Militaire',
  ];
  const languages = ['Français', 'English', 'Kreol', ''];
  const lines = ['Nom;Prénom;Date de naissance;Sexe;Portable;Tél domicile;Email;Adresse;Ville;Langue;Remarques'];
  let familyPhone = '';
  let familyName = '';
  for (let i = 0; i < rows; i++) {
    // A third of the rows are a child of the previous row's family, on the parent's phone.
    const child = i > 0 && random.chance(0.3);
    const family = child
      ? familyName
      : random.chance(0.3)
        ? [0, 1, 2]
            .map(() => random.pick(syllables))
            .join('')
            .replace(/^./, (c) => c.toUpperCase())
        : random.pick(FAMILY_NAMES);
    const phone = child ? familyPhone : `5${random.int(2_000_000, 9_999_999)}`;
    familyName = family;
    familyPhone = phone;
    const day = random.int(1, 28);
    const month = random.int(1, 12);
    const year = child ? random.int(2005, 2024) : random.int(1940, 2004);
    let dob = `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year}`;
    let mobile = `${phone.slice(0, 4)} ${phone.slice(4)}`;
    // About 1% of rows are broken, as real exports are.
    const broken = random.next();
    if (broken < 0.004) dob = `${month + 12}/${day}/${year}`;
    else if (broken < 0.008) mobile = '123';
    const given = random.pick(GIVEN_NAMES);
    const home = random.chance(0.2) ? `2${random.int(100_000, 999_999)}` : '';
    const email =
      !child && random.chance(0.25)
        ? `${given}.${family}${i}@example.mu`.toLowerCase().replace(/[^a-z0-9.@]/g, '')
        : '';
    const address = random.chance(0.6) ? `"${random.int(1, 200)}, ${random.pick(streets)}"` : '';
    const notes = random.chance(0.05) ? '"Prefers mornings; call before 10"' : '';
    lines.push(
      [
        family,
        given,
        dob,
        random.pick(['F', 'M', 'H', 'F', 'M', '']),
        mobile,
        home,
        email,
        address,
        random.pick(towns),
        random.pick(languages),
        notes,
      ].join(';'),
    );
  }
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** Runs one import, timing each phase from its first progress call to the next phase's. */
async function timed(
  label: string,
  run: (onProgress: (p: PatientImportProgress) => void) => Promise<PatientImportReport>,
) {
  const starts: [string, number][] = [];
  const started = performance.now();
  const report = await run((p) => {
    if (starts.at(-1)?.[0] !== p.phase) starts.push([p.phase, performance.now()]);
    if (p.phase === 'checking' && p.done === p.total) starts.push(['duplicates', performance.now()]);
  });
  const total = (performance.now() - started) / 1000;
  const phases = starts.map(
    ([phase, at], i) => `${phase} ${(((starts[i + 1]?.[1] ?? performance.now()) - at) / 1000).toFixed(1)} s`,
  );
  const rate = Math.round(report.totalRows / total).toLocaleString('en');
  process.stdout.write(
    `${label.padEnd(44)} ${total.toFixed(1).padStart(6)} s  ${rate.padStart(8)} rows/s   ${phases.join(', ')}\n`,
  );
  return report;
}

const env = await openBenchEnvironment();
const { ctx } = env;
try {
  const csv = generateCsv(ROWS);
  process.stdout.write(
    `patient import: ${env.label}\n${ROWS.toLocaleString('en')} rows, ${(csv.length / 1024 / 1024).toFixed(1)} MB of CSV\n\n`,
  );
  const practiceId = await ctx.db.transaction().execute(async (tx) => {
    const user = await createUser(tx, {
      email: `bench-import-${randomUUID().slice(0, 8)}@example.mu`,
      name: 'Bench Owner',
      password: 'correct horse battery',
    });
    return (
      await createPracticeIn(tx, {
        practice: { name: `Patient import ${new Date().toISOString()}` },
        ownerUserId: user.id,
        actor,
      })
    ).id;
  });
  const base = { actor, practiceId, file: csv, fileName: 'export.csv', listLimit: Number.POSITIVE_INFINITY };

  const dry = await timed('dry run (read, check, duplicates)', (onProgress) =>
    importPatients(ctx, { ...base, dryRun: true, onProgress }),
  );
  const done = await timed('import (the same, then insert, one transaction)', (onProgress) =>
    importPatients(ctx, { ...base, dryRun: false, skipRejected: true, onProgress }),
  );
  const again = await timed('dry run again, against the patients now on file', (onProgress) =>
    importPatients(ctx, { ...base, dryRun: true, onProgress }),
  );

  const counts = await sql<{ patients: number; phones: number; words: number }>`
    SELECT (SELECT count(*)::int FROM patients WHERE practice_id = ${practiceId}) AS patients,
           (SELECT count(*)::int FROM patient_phones WHERE practice_id = ${practiceId}) AS phones,
           (SELECT count(*)::int FROM patient_search_words WHERE practice_id = ${practiceId}) AS words
  `.execute(ctx.db);
  const c = counts.rows[0]!;
  process.stdout.write(
    `\nfile: ${dry.validRows.toLocaleString('en')} valid, ${dry.rejectedRows} rejected (${dry.rejected.filter((r) => r.problems.some((p) => p.code === 'duplicate_in_file')).length} repeated in the file), ${dry.duplicateCount} likely duplicates\n` +
      `imported ${done.importedRows.toLocaleString('en')} patients: ${c.patients.toLocaleString('en')} rows in patients, ${c.phones.toLocaleString('en')} phones, ${c.words.toLocaleString('en')} search words\n` +
      `second check: ${again.rejected.filter((r) => r.problems.some((p) => p.code === 'duplicate_on_file')).length.toLocaleString('en')} rows found already on file\n`,
  );
} finally {
  await env.close();
  if (scratch) {
    if (process.env.BENCH_KEEP_DB) process.stdout.write(`kept database ${scratch.name}\n`);
    else await scratch.admin.query(`DROP DATABASE IF EXISTS ${scratch.name} WITH (FORCE)`);
    await scratch.admin.end();
  }
}
