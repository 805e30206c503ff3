import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/connection.js';
import { inPractice } from '../src/platform/tenancy.js';
import { openTestDatabase } from './harness.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The CLI as an operator runs it: a separate process. On PostgreSQL it shares a test database
 * with this file; embedded, it opens its own data dir (and this file opens it between runs).
 */
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
let pgDatabase: Database | undefined;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'dentalpro-cli-'));
  if (onPostgres) pgDatabase = await openTestDatabase();
});
afterAll(async () => pgDatabase?.close());

async function cli(...args: string[]) {
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: pgDatabase?.connectionString ?? '',
  };
  if (!onPostgres) delete (env as Record<string, string>).DATABASE_URL;
  try {
    const { stdout, stderr } = await run('node', ['--import', 'tsx', 'apps/server/src/cli.ts', ...args], { cwd: root, env });
    return { code: 0, json: JSON.parse(stdout), stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, json: e.stdout ? JSON.parse(e.stdout) : undefined, stderr: e.stderr };
  }
}

/** What the demo seed wrote into the demo practice's clinical records (counts and kinds). */
async function demoRecord(db: Database['db'], practiceId: string) {
  return inPractice(db, practiceId, async (tx) => {
    const count = async (q: Promise<{ n: string | number | bigint }>) => Number((await q).n);
    const findings = await tx.selectFrom('chartFindings').select(['patientId', 'kind', 'tooth', 'sourceItemId']).execute();
    const notes = await tx.selectFrom('clinicalNotes').select(['signedAt', 'appointmentId']).execute();
    return {
      patientsWithChart: new Set(findings.map((f) => f.patientId)).size,
      findings: findings.length,
      findingKinds: [...new Set(findings.map((f) => f.kind))].sort(),
      primaryTeethCharted: findings.filter((f) => f.tooth >= 51).length,
      findingsFromTreatment: findings.filter((f) => f.sourceItemId !== null).length,
      patientsWithAlerts: await count(tx.selectFrom('patients').select(tx.fn.countAll().as('n')).where('alertsSealed', 'is not', null).executeTakeFirstOrThrow()),
      plans: await count(tx.selectFrom('treatmentPlans').select(tx.fn.countAll().as('n')).executeTakeFirstOrThrow()),
      itemStatuses: [...new Set((await tx.selectFrom('treatmentPlanItems').select('status').execute()).map((i) => i.status))].sort(),
      notes: {
        signed: notes.filter((n) => n.signedAt).length,
        draft: notes.filter((n) => !n.signedAt).length,
        addenda: await count(tx.selectFrom('clinicalNoteAddenda').select(tx.fn.countAll().as('n')).executeTakeFirstOrThrow()),
      },
      notesForAppointments: notes.filter((n) => n.appointmentId).length,
      notesInPlaintext: (await sql<{ n: number }>`SELECT count(*)::int AS n FROM clinical_notes WHERE position(convert_to('calculus', 'UTF8') IN body_sealed) > 0`.execute(tx)).rows[0]!.n,
      auditEvents: await count(tx.selectFrom('auditEvents').select(tx.fn.countAll().as('n')).executeTakeFirstOrThrow()),
      procedures: await count(tx.selectFrom('procedures').select(tx.fn.countAll().as('n')).executeTakeFirstOrThrow()),
    };
  });
}

/** Opens the same database the CLI uses (the embedded one only while no CLI runs). */
async function withDatabase<T>(fn: (db: Database['db']) => Promise<T>): Promise<T> {
  if (pgDatabase) return fn(pgDatabase.db);
  const database = await openDatabase({ dataDir, poolSize: 2 });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

describe('npm run cli', () => {
  let practiceId: string;

  it('creates a practice with its owner and prints their ids as JSON', async () => {
    const res = await cli('practice', 'create', '--name', 'Clinique du Nord', '--owner-email', 'Owner@Nord.mu', '--owner-password', 'a-long-password');
    expect(res.code).toBe(0);
    expect(res.json).toEqual({ practiceId: expect.any(String), ownerUserId: expect.any(String) });
    practiceId = res.json.practiceId;
  });

  it('connects a WhatsApp number when asked, once per number in the whole deployment', async () => {
    const res = await cli('practice', 'create', '--name', 'Clinique du Sud', '--owner-email', 'owner@sud.mu', '--owner-password', 'a-long-password', '--whatsapp-phone-number-id', '106540352242922');
    expect(res).toMatchObject({ code: 0, json: { practiceId: expect.any(String), whatsappPhoneNumberId: '106540352242922', whatsappChannelId: expect.any(String) } });
    const again = await cli('practice', 'create', '--name', 'Clinique Bis', '--owner-email', 'owner@bis.mu', '--owner-password', 'a-long-password', '--whatsapp-phone-number-id', '106540352242922');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stderr.trim().split('\n').pop()!)).toMatchObject({ code: 'duplicate_name' });
    // Nothing half-written: the second practice does not exist.
    const count = await withDatabase((db) => db.selectFrom('practices').select(db.fn.countAll().as('n')).where('name', '=', 'Clinique Bis').executeTakeFirstOrThrow());
    expect(Number(count.n)).toBe(0);
  });

  it('adds a user with a role, and refuses an unknown role with a problem on stderr', async () => {
    const ok = await cli('user', 'add', '--practice', practiceId, '--email', 'rita@nord.mu', '--password', 'another-password', '--role', 'receptionist');
    expect(ok).toMatchObject({ code: 0, json: { userId: expect.any(String), created: true, role: 'receptionist' } });
    const bad = await cli('user', 'add', '--practice', practiceId, '--email', 'x@nord.mu', '--password', 'another-password', '--role', 'admin');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stderr.trim().split('\n').pop()!)).toMatchObject({ code: 'validation_failed' });
    const dup = await cli('user', 'add', '--practice', practiceId, '--email', 'rita@nord.mu', '--password', 'another-password', '--role', 'dentist');
    expect(JSON.parse(dup.stderr.trim().split('\n').pop()!)).toMatchObject({ code: 'already_member' });
  });

  it('seeds the demo practice once, however often it runs', async () => {
    const first = await cli('demo', 'seed');
    expect(first).toMatchObject({
      code: 0,
      json: { practiceName: 'Demo Dental Clinic', created: true, calendar: { seeded: true, chairs: 3, providers: 3, appointmentTypes: 6, patients: 200 }, clinical: { seeded: true, patients: 32 } },
    });
    // A month of appointments: roughly three providers × 26 working days × a dozen a day.
    expect(first.json.calendar.appointments).toBeGreaterThan(300);
    const demoId: string = first.json.practiceId;

    // Clinical records for some patients, written through the clinical services.
    const record = await withDatabase((db) => demoRecord(db, demoId));
    expect(record.patientsWithChart).toBeGreaterThanOrEqual(30);
    expect(record.patientsWithAlerts).toBeGreaterThan(5);
    expect(record.findingKinds).toEqual(expect.arrayContaining(['caries', 'restoration', 'crown', 'missing', 'extracted', 'root_canal_treated', 'implant']));
    expect(record.primaryTeethCharted).toBeGreaterThan(0);
    expect(record.plans).toBeGreaterThanOrEqual(10);
    expect(record.itemStatuses).toEqual(expect.arrayContaining(['planned', 'accepted', 'completed']));
    // Completing an item charted its result.
    expect(record.findingsFromTreatment).toBeGreaterThan(0);
    expect(record.notes).toMatchObject({ draft: 2, addenda: 1 });
    expect(record.notes.signed).toBeGreaterThan(15);
    expect(record.notesForAppointments).toBe(record.notes.signed + record.notes.draft);
    // Sealed at rest, as the services write them.
    expect(record.notesInPlaintext).toBe(0);

    const second = await cli('demo', 'seed');
    expect(second).toMatchObject({ code: 0, json: { practiceId: demoId, created: false, calendar: { seeded: false }, clinical: { seeded: false } } });
    // Nothing added the second time, not even an audit event.
    expect(await withDatabase((db) => demoRecord(db, demoId))).toEqual(record);
    expect(first.json.staff.map((s: { role: string }) => s.role)).toEqual(['owner', 'dentist', 'hygienist', 'receptionist']);
    const count = await withDatabase((db) => db.selectFrom('practices').select(db.fn.countAll().as('n')).where('name', '=', 'Demo Dental Clinic').executeTakeFirstOrThrow());
    expect(Number(count.n)).toBe(1);
  });

  it('verifies an intact audit chain, and names the first broken event after tampering', async () => {
    expect(await cli('audit', 'verify', '--practice', practiceId)).toMatchObject({ code: 0, json: { result: 'ok', events: 2 } });
    const tampered = await withDatabase(async (db) => {
      const event = await db.selectFrom('auditEvents').select(['id', 'seq']).where('practiceId', '=', practiceId).where('seq', '=', 2).executeTakeFirstOrThrow();
      await db.transaction().execute(async (tx) => {
        await sql`ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only`.execute(tx);
        await sql`UPDATE audit_events SET changes = '{"role":"owner"}' WHERE id = ${event.id}`.execute(tx);
        await sql`ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only`.execute(tx);
      });
      return event;
    });
    const res = await cli('audit', 'verify', '--practice', practiceId);
    expect(res.code).toBe(1);
    expect(res.json).toMatchObject({ result: 'broken', brokenAt: { seq: 2, id: tampered.id } });
    expect(res.stderr).toContain(`event 2 (${tampered.id})`);
  });

  it('imports patients from a CSV file: a dry run writes nothing, one rejected row stops the import, --skip-rejected imports the rest', async () => {
    const file = path.join(dataDir, 'export.csv');
    writeFileSync(file, '\uFEFFNom;Prénom;Date de naissance;Portable;Réf\nRamdin;Anjali;14/03/1985;5712 3456;1\nLebon;Marie;31/02/1990;5712 0000;2\nSeetohul;Kevin;;5744 0000;3\n');
    const countImported = () =>
      withDatabase(async (db) => Number((await db.selectFrom('patients').select(db.fn.countAll().as('n')).where('practiceId', '=', practiceId).where('familyName', 'in', ['Ramdin', 'Lebon', 'Seetohul']).executeTakeFirstOrThrow()).n));

    const dry = await cli('patients', 'import', '--practice', practiceId, file, '--dry-run', '--map', 'Réf=ignore');
    // A dry run exits 1 when the import would be refused; the report is on stdout either way.
    expect(dry.code).toBe(1);
    expect(dry.json).toMatchObject({ dryRun: true, status: 'checked', totalRows: 3, validRows: 2, rejectedRows: 1, rejected: [{ row: 3, problems: [{ code: 'date_invalid', column: 'Date de naissance' }] }] });
    expect(dry.json.columns.map((c: { field: string | null }) => c.field)).toEqual(['familyName', 'givenName', 'dateOfBirth', 'phone', null]);
    expect(dry.stderr).toContain('3 rows: 2 valid, 1 rejected');
    expect(await countImported()).toBe(0);

    const refused = await cli('patients', 'import', '--practice', practiceId, file);
    expect(refused).toMatchObject({ code: 1, json: { status: 'refused', importedRows: 0 } });
    expect(refused.stderr).toMatch(/1 of 3 rows are rejected, so nothing was imported/);
    expect(await countImported()).toBe(0);

    const done = await cli('patients', 'import', '--practice', practiceId, file, '--skip-rejected');
    expect(done).toMatchObject({ code: 0, json: { status: 'imported', importedRows: 2 } });
    expect(await countImported()).toBe(2);

    const badMap = await cli('patients', 'import', '--practice', practiceId, file, '--map', 'Réf=shoeSize');
    expect(badMap.code).toBe(1);
    expect(JSON.parse(badMap.stderr.trim().split('\n').pop()!)).toMatchObject({ code: 'validation_failed', detail: expect.stringContaining('dateOfBirth') });
  });

  it('writes the rejected rows to --rejected: the original columns plus row and reasons, ready to correct and import again', async () => {
    const file = path.join(dataDir, 'ancien.csv');
    const rejectedFile = path.join(dataDir, 'ancien-rejected.csv');
    writeFileSync(
      file,
      [
        'Nom,Prénom,Adresse,Portable',
        'Bégué,Hélène,"Rue Royale, Curepipe",5712 7001',
        'Cassam,Yusuf,"Le ""Morne"", Rivière Noire",12',
        'Aumeer,,"Flat 2',
        'Rose-Hill",5712 7003',
        'Fong,Mei,Port-Louis,5712 7004',
      ].join('\n'),
    );
    const first = await cli('patients', 'import', '--practice', practiceId, file, '--skip-rejected', '--rejected', rejectedFile);
    expect(first).toMatchObject({ code: 0, json: { importedRows: 2, rejectedRows: 2 } });
    expect(first.stderr).toContain(`2 rejected rows written to ${rejectedFile}`);
    const written = readFileSync(rejectedFile);
    expect([...written.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(written.subarray(3).toString('utf8').split('\r\n')).toEqual([
      'Nom,Prénom,Adresse,Portable,Import problems (row: reasons)',
      'Cassam,Yusuf,"Le ""Morne"", Rivière Noire",12,"Row 3: phone_invalid (Portable): ""12"" is not a valid phone number (e.g. 5712 3456 or +230 5712 3456)"',
      'Aumeer,,"Flat 2\nRose-Hill",5712 7003,Row 4: required (Prénom): The given name is missing',
      '',
    ]);

    // Corrected in a spreadsheet and imported again: the reasons column is ignored.
    writeFileSync(rejectedFile, written.toString('utf8').replace(',12,', ',5712 7002,').replace('Aumeer,,', 'Aumeer,Farhan,'));
    const again = await cli('patients', 'import', '--practice', practiceId, rejectedFile, '--rejected', rejectedFile);
    expect(again).toMatchObject({ code: 0, json: { importedRows: 2, rejectedRows: 0 } });
    expect(again.json.columns.at(-1)).toMatchObject({ header: 'Import problems (row: reasons)', field: null });
    expect(readFileSync(rejectedFile, 'utf8')).toBe('\uFEFFNom,Prénom,Adresse,Portable,Import problems (row: reasons)\r\n');

    const nowhere = await cli('patients', 'import', '--practice', practiceId, file, '--dry-run', '--rejected', path.join(dataDir, 'no-such-folder', 'x.csv'));
    expect(JSON.parse(nowhere.stderr.trim().split('\n').pop()!)).toMatchObject({ code: 'validation_failed', detail: expect.stringContaining('--rejected') });
  });

  it('prints usage and exits 2 for an unknown command', async () => {
    const res = await cli('frobnicate');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Usage');
  });
});

describe.skipIf(onPostgres)('embedded data dir lock', () => {
  it('refuses to open a data dir that another process holds, with a clear message', async () => {
    const holder = await openDatabase({ dataDir, poolSize: 1 });
    try {
      const res = await cli('audit', 'verify', '--practice', '00000000-0000-4000-8000-000000000000');
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/in use by another DentalPro process/);
    } finally {
      await holder.close();
    }
  });
});
