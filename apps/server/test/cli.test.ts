import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { runCli } from '../src/cli.js';
import type { AppContext } from '../src/context.js';
import { type Database, openDatabase } from '../src/db/connection.js';
import { systemActor } from '../src/platform/access.js';
import { masterKeyId } from '../src/platform/data-keys.js';
import { inPractice } from '../src/platform/tenancy.js';
import { enableMfa, startMfaSetup } from '../src/modules/auth/mfa.js';
import { addStaffMember } from '../src/modules/staff/staff.service.js';
import { getChart } from '../src/modules/clinical/chart.service.js';
import { listNotes } from '../src/modules/clinical/notes.service.js';
import { listTreatmentPlans } from '../src/modules/clinical/treatment-plans.service.js';
import { getMedicalAlerts } from '../src/modules/patients/alerts.service.js';
import { Client, openTestDatabase, testConfig, testContext } from './harness.js';
import { openContent, openerIn } from '../src/modules/messaging/message-words.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * The CLI as an operator runs it. On PostgreSQL it shares a test database with this file;
 * embedded, it opens its own data dir (and this file opens it between runs).
 */
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);
let pgDatabase: Database | undefined;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'dentalpro-cli-'));
  if (onPostgres) pgDatabase = await openTestDatabase();
});
afterAll(async () => pgDatabase?.close());

const cli = (...args: string[]) => cliWith({}, ...args);

/** The environment an operator's shell gives the CLI: this file's data dir or test database. */
function cliEnv(moreEnv: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: pgDatabase?.connectionString ?? '',
    ...moreEnv,
  };
  if (!onPostgres) delete env.DATABASE_URL;
  return env;
}

const parsedJson = (stdout: string) => (stdout.trimStart().startsWith('{') ? JSON.parse(stdout) : undefined);

/**
 * The CLI's own entry (runCli) in this process, with another master key when asked: the
 * command line, environment, streams and exit code as `npm run cli` has them, without a node
 * start per command. `json` is stdout parsed when it is JSON.
 */
async function cliWith(moreEnv: Record<string, string>, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const sink = (into: string[]) =>
    new Writable({
      write(chunk, _encoding, done) {
        into.push(String(chunk));
        done();
      },
    });
  const code = await runCli(args, { env: cliEnv(moreEnv), stdout: sink(out), stderr: sink(err) });
  const stdout = out.join('');
  return { code, json: parsedJson(stdout), stdout, stderr: err.join('') };
}

/** The CLI as its own node process, as `npm run cli` starts it. */
async function cliProcess(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'apps/server/src/cli.ts', ...args], {
      cwd: root,
      env: cliEnv({}),
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failed = e as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** What the demo seed wrote into the demo practice's clinical records (counts and kinds). */
async function demoRecord(db: Database['db'], practiceId: string) {
  return inPractice(db, practiceId, async (tx) => {
    const count = async (q: Promise<{ n: string | number | bigint }>) => Number((await q).n);
    const findings = await tx
      .selectFrom('chartFindings')
      .select(['patientId', 'kind', 'tooth', 'sourceItemId'])
      .execute();
    const notes = await tx.selectFrom('clinicalNotes').select(['signedAt', 'appointmentId']).execute();
    return {
      patientsWithChart: new Set(findings.map((f) => f.patientId)).size,
      findings: findings.length,
      findingKinds: [...new Set(findings.map((f) => f.kind))].sort(),
      primaryTeethCharted: findings.filter((f) => f.tooth >= 51).length,
      findingsFromTreatment: findings.filter((f) => f.sourceItemId !== null).length,
      patientsWithAlerts: await count(
        tx
          .selectFrom('patients')
          .select(tx.fn.countAll().as('n'))
          .where('alertsSealed', 'is not', null)
          .executeTakeFirstOrThrow(),
      ),
      plans: await count(tx.selectFrom('treatmentPlans').select(tx.fn.countAll().as('n')).executeTakeFirstOrThrow()),
      itemStatuses: [
        ...new Set((await tx.selectFrom('treatmentPlanItems').select('status').execute()).map((i) => i.status)),
      ].sort(),
      notes: {
        signed: notes.filter((n) => n.signedAt).length,
        draft: notes.filter((n) => !n.signedAt).length,
        addenda: await count(
          tx.selectFrom('clinicalNoteAddenda').select(tx.fn.countAll().as('n')).executeTakeFirstOrThrow(),
        ),
      },
      notesForAppointments: notes.filter((n) => n.appointmentId).length,
      // Bitewing x-rays (PNG) for six patients, and two referral letters (PDF).
      documents: (await tx.selectFrom('attachments').select(['kind', 'mimeType']).execute())
        .map((a) => `${a.kind} ${a.mimeType}`)
        .sort(),
      // Written and signed on the day of their visit (the practice's day), not at seed time.
      notesDatedAtTheirVisit: (
        await sql<{ n: number }>`SELECT count(*)::int AS n FROM clinical_notes
          WHERE (created_at AT TIME ZONE 'Indian/Mauritius')::date = visit_date
            AND (signed_at IS NULL OR (signed_at AT TIME ZONE 'Indian/Mauritius')::date = visit_date)`.execute(tx)
      ).rows[0]!.n,
      notesInPlaintext: (
        await sql<{
          n: number;
        }>`SELECT count(*)::int AS n FROM clinical_notes WHERE position(convert_to('calculus', 'UTF8') IN body_sealed) > 0`.execute(
          tx,
        )
      ).rows[0]!.n,
      auditEvents: await count(tx.selectFrom('auditEvents').select(tx.fn.countAll().as('n')).executeTakeFirstOrThrow()),
      procedures: await count(tx.selectFrom('procedures').select(tx.fn.countAll().as('n')).executeTakeFirstOrThrow()),
    };
  });
}

/** The demo inbox: each conversation's messages in order (who wrote, the words), and whether it waits for a person. */
async function demoInbox(db: Database['db'], practiceId: string) {
  return inPractice(db, practiceId, async (tx) => {
    const conversations = await tx
      .selectFrom('whatsappConversations')
      .select(['id', 'needsHuman', 'owner', 'handoverReason'])
      .orderBy('createdAt')
      .execute();
    const messages = await tx
      .selectFrom('whatsappMessages')
      .select(['id', 'conversationId', 'direction', 'origin', 'content', 'sealed'])
      .orderBy('createdAt')
      .orderBy('id')
      .execute();
    // The words are sealed at rest with the practice's key (message-words.ts), under the CLI's master key.
    const open = openerIn(tx, Buffer.from(generatedMasterKey(), 'base64'), practiceId);
    for (const m of messages) m.content = await openContent(open, m);
    return conversations.map((c) => ({
      needsHuman: c.needsHuman,
      owner: c.owner,
      handoverReason: c.handoverReason,
      messages: messages
        .filter((m) => m.conversationId === c.id)
        .map((m) => ({ origin: m.origin, body: String((m.content as { body?: string }).body ?? '') })),
    }));
  });
}

/** Of the demo inbox, the scripts' conversations and their words, without the reminders' messages. */
function scripted(inbox: Awaited<ReturnType<typeof demoInbox>>) {
  return inbox
    .filter((c) => c.messages.some((m) => m.origin === 'patient'))
    .map((c) => ({ ...c, messages: c.messages.filter((m) => m.origin !== 'system') }));
}

/** The demo practice's patients: age today, guardian, phones (E.164), the WhatsApp number, email, language. */
async function demoPatients(db: Database['db'], practiceId: string) {
  return inPractice(db, practiceId, async (tx) => {
    const patients = await tx
      .selectFrom('patients')
      .select([
        'id',
        'givenName',
        'familyName',
        'dateOfBirth',
        'guardianPatientId',
        'guardianName',
        'email',
        'preferredLanguage',
      ])
      .orderBy('id')
      .execute();
    const phones = await tx
      .selectFrom('patientPhones')
      .select(['patientId', 'e164', 'isWhatsapp'])
      .orderBy('patientId')
      .orderBy('position')
      .execute();
    // Today in Mauritius (UTC+4), as the seed counts ages.
    const today = new Date(Date.now() + 4 * 3_600_000).toISOString().slice(0, 10);
    const ageOf = (dob: string) =>
      Number(today.slice(0, 4)) - Number(dob.slice(0, 4)) - (today.slice(5) < dob.slice(5) ? 1 : 0);
    return patients.map((p) => ({
      ...p,
      age: ageOf(p.dateOfBirth!),
      phones: phones.filter((n) => n.patientId === p.id).map((n) => n.e164),
      whatsApp: phones.find((n) => n.patientId === p.id && n.isWhatsapp)?.e164 ?? null,
    }));
  });
}

/** Opens the same database the CLI uses (the embedded one only while no CLI runs). */
async function withDatabase<T>(fn: (db: Database['db']) => Promise<T>): Promise<T> {
  return withOpenDatabase((database) => fn(database.db));
}

async function withOpenDatabase<T>(fn: (database: Database) => Promise<T>): Promise<T> {
  if (pgDatabase) return fn(pgDatabase);
  const database = await openDatabase({ dataDir, poolSize: 2 });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

/** The services over the CLI's database, with this master key (base64), as the server would run them. */
async function withServices<T>(encryptionKey: string, fn: (ctx: AppContext) => Promise<T>): Promise<T> {
  return withOpenDatabase(async (database) => {
    const ctx = testContext(database, testConfig({ encryptionKey: Buffer.from(encryptionKey, 'base64') }));
    try {
      return await fn(ctx);
    } finally {
      await ctx.events.close();
    }
  });
}

/** The master key the CLI generated into DATA_DIR on its first run (ENCRYPTION_KEY is not set). */
const generatedMasterKey = (): string =>
  JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).encryptionKey;

/** Every patient's clinical record in a practice, read and opened through the services. */
async function clinicalRecords(ctx: AppContext, practiceId: string) {
  const actor = systemActor('test');
  const patientIds = await inPractice(ctx.db, practiceId, async (tx) =>
    (
      await tx
        .selectFrom('chartFindings')
        .select('patientId')
        .union(tx.selectFrom('clinicalNotes').select('patientId'))
        .union(tx.selectFrom('treatmentPlans').select('patientId'))
        .union(tx.selectFrom('patients').select('id as patientId').where('alertsSealed', 'is not', null))
        .orderBy('patientId')
        .execute()
    ).map((r) => r.patientId),
  );
  const records = [];
  for (const patientId of patientIds) {
    const call = { actor, practiceId, patientId };
    records.push({
      patientId,
      alerts: await getMedicalAlerts(ctx, call),
      findings: (await getChart(ctx, call)).findings,
      plans: await listTreatmentPlans(ctx, call),
      notes: await listNotes(ctx, call),
    });
  }
  return records;
}

/** The practices' data keys as stored: wrapped, and by which master. */
async function storedDataKeys(db: Database['db']) {
  return db
    .selectFrom('practiceDataKeys')
    .select(['practiceId', 'version', 'wrappedKey', 'masterKeyId'])
    .orderBy('practiceId')
    .orderBy('version')
    .execute();
}

const totpNow = (secret: string, offsetSteps: 0 | 1) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * offsetSteps });

/** A new account that turns two-factor on with the server's master key. */
async function accountWithMfa(ctx: AppContext, email: string, practiceId: string) {
  const password = 'a-long-password';
  // A member of a practice: an account in none cannot sign in.
  const { userId: id } = await addStaffMember(ctx, {
    actor: systemActor('test'),
    practiceId,
    email,
    name: email.split('@')[0]!,
    password,
    role: 'dentist',
  });
  const { secret } = await startMfaSetup(ctx, id);
  await enableMfa(ctx, {
    userId: id,
    code: await totpNow(secret, 0),
    origin: { ip: '127.0.0.1', userAgent: 'test', requestId: 'test' },
  });
  return { id, email, password, secret };
}

/** The HTTP status of a login with password and a fresh TOTP code, on the server over `ctx`. */
async function logInWithCode(ctx: AppContext, account: { email: string; password: string; secret: string }) {
  const app = await buildApp(ctx, { logger: ctx.logger });
  try {
    const c = new Client(app);
    expect((await c.post('/api/v1/auth/login', { email: account.email, password: account.password })).json()).toEqual({
      mfaRequired: true,
    });
    return (await c.post('/api/v1/auth/login/mfa', { code: await totpNow(account.secret, 1) })).statusCode;
  } finally {
    await app.close();
  }
}

/** Every stored two-factor secret, as bytes. */
async function storedMfaSecrets(db: Database['db']) {
  return db
    .selectFrom('users')
    .select(['id', 'mfaSecretEncrypted'])
    .where('mfaSecretEncrypted', 'is not', null)
    .orderBy('id')
    .execute();
}

// Each test runs the CLI several times, each run opening the database (the embedded one takes
// seconds): beyond the default per-test limit on a busy machine.
describe('npm run cli', { timeout: 300_000 }, () => {
  let practiceId: string;
  let demoPracticeId: string;

  it('creates a practice with its owner and prints their ids as JSON', async () => {
    const res = await cli(
      'practice',
      'create',
      '--name',
      'Clinique du Nord',
      '--owner-email',
      'Owner@Nord.mu',
      '--owner-password',
      'a-long-password',
    );
    expect(res.code).toBe(0);
    expect(res.json).toEqual({ practiceId: expect.any(String), ownerUserId: expect.any(String) });
    practiceId = res.json.practiceId;
  });

  it('connects a WhatsApp number when asked, once per number in the whole deployment', async () => {
    const res = await cli(
      'practice',
      'create',
      '--name',
      'Clinique du Sud',
      '--owner-email',
      'owner@sud.mu',
      '--owner-password',
      'a-long-password',
      '--whatsapp-phone-number-id',
      '106540352242922',
    );
    expect(res).toMatchObject({
      code: 0,
      json: {
        practiceId: expect.any(String),
        whatsappPhoneNumberId: '106540352242922',
        whatsappChannelId: expect.any(String),
      },
    });
    const again = await cli(
      'practice',
      'create',
      '--name',
      'Clinique Bis',
      '--owner-email',
      'owner@bis.mu',
      '--owner-password',
      'a-long-password',
      '--whatsapp-phone-number-id',
      '106540352242922',
    );
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stderr.trim().split('\n').pop()!)).toMatchObject({ code: 'duplicate_name' });
    // Nothing half-written: the second practice does not exist.
    const count = await withDatabase((db) =>
      db
        .selectFrom('practices')
        .select(db.fn.countAll().as('n'))
        .where('name', '=', 'Clinique Bis')
        .executeTakeFirstOrThrow(),
    );
    expect(Number(count.n)).toBe(0);
  });

  it('adds a user with a role, and refuses an unknown role with a problem on stderr', async () => {
    const ok = await cli(
      'user',
      'add',
      '--practice',
      practiceId,
      '--email',
      'rita@nord.mu',
      '--password',
      'another-password',
      '--role',
      'receptionist',
    );
    expect(ok).toMatchObject({ code: 0, json: { userId: expect.any(String), created: true, role: 'receptionist' } });
    const bad = await cli(
      'user',
      'add',
      '--practice',
      practiceId,
      '--email',
      'x@nord.mu',
      '--password',
      'another-password',
      '--role',
      'admin',
    );
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.stderr.trim().split('\n').pop()!)).toMatchObject({ code: 'validation_failed' });
    const dup = await cli(
      'user',
      'add',
      '--practice',
      practiceId,
      '--email',
      'rita@nord.mu',
      '--password',
      'another-password',
      '--role',
      'dentist',
    );
    expect(JSON.parse(dup.stderr.trim().split('\n').pop()!)).toMatchObject({ code: 'already_member' });
  });

  it('seeds the demo practice once, however often it runs', async () => {
    const first = await cli('demo', 'seed');
    expect(first).toMatchObject({
      code: 0,
      json: {
        practiceName: 'Demo Dental Clinic',
        created: true,
        calendar: { seeded: true, chairs: 3, providers: 3, appointmentTypes: 6, patients: 200 },
        clinical: { seeded: true, patients: 32, documents: 8 },
        assistant: { seeded: true, enabled: true },
      },
    });
    // A month of appointments: roughly three providers × 26 working days × a dozen a day.
    expect(first.json.calendar.appointments).toBeGreaterThan(300);
    const demoId: string = first.json.practiceId;
    demoPracticeId = demoId;

    // The booking assistant answers the sandbox phone at once: check-ups and cleanings bookable in the chat.
    expect(first.json.assistant.bookableTypes).toEqual(expect.arrayContaining(['Check-up', 'Scale and polish']));
    const assistant = await withDatabase((db) =>
      inPractice(db, demoId, async (tx) => ({
        settings: await tx
          .selectFrom('assistantSettings')
          .select([
            'enabled',
            'openingHoursEn',
            'openingHoursFr',
            'emergencyEn',
            'emergencyFr',
            'publishedPriceItemIds',
          ])
          .executeTakeFirstOrThrow(),
        numbers: await tx.selectFrom('whatsappChannels').select('assistantActive').execute(),
      })),
    );
    expect(assistant.settings).toMatchObject({
      enabled: true,
      openingHoursEn: expect.stringMatching(/Monday to Friday/),
      openingHoursFr: expect.stringMatching(/lundi au vendredi/),
      emergencyEn: expect.stringMatching(/\+230 212 3456/),
      emergencyFr: expect.stringMatching(/\+230 212 3456/),
    });
    expect(assistant.settings.publishedPriceItemIds).toHaveLength(3);
    // The number answers with the assistant (greeting and away messages pause), when there is one.
    expect(assistant.numbers).toEqual(first.json.whatsappPhoneNumberId ? [{ assistantActive: true }] : []);

    // A demo inbox: an English, a French and a Creole conversation, each patient's words answered by
    // the assistant; the French patient asked for a person and waits for one; a receptionist
    // answered the Creole one.
    expect(first.json.whatsappPhoneNumberId).toBeDefined();
    expect(first.json.inbox).toEqual({ seeded: true, conversations: 3 });
    // The seed also runs the reminder jobs that are due: seeded in the daytime, tomorrow's visits at
    // this hour get their day-before reminder, each in a conversation of its own (or beside a script's
    // words). Those are the reminders' to test; here, the scripts' conversations and words.
    const inbox = scripted(await withDatabase((db) => demoInbox(db, demoId)));
    expect(inbox.map((c) => c.messages.map((m) => m.origin))).toEqual([
      ['patient', 'assistant'],
      ['patient', 'assistant'],
      ['patient', 'assistant', 'staff'],
    ]);
    const [english, french, creole] = inbox as [(typeof inbox)[0], (typeof inbox)[0], (typeof inbox)[0]];
    expect(english.messages[0]!.body).toMatch(/book a check-up/);
    expect(english.messages[1]!.body).toMatch(/assistant of Demo Dental Clinic/);
    expect(english).toMatchObject({ needsHuman: false, owner: 'assistant' });
    expect(french.messages[0]!.body).toMatch(/parler à quelqu'un/);
    expect(french.messages[1]!.body).toMatch(/Un membre de l'équipe/);
    expect(french).toMatchObject({ needsHuman: true, owner: 'staff', handoverReason: 'asked' });
    expect(creole.messages[1]!.body).toMatch(/Samdi nou ouver/);
    expect(creole.messages[2]!.body).toMatch(/^Bonzour! Nou ouver samdi/);
    expect(inbox.filter((c) => c.needsHuman)).toHaveLength(1);

    // Clinical records for some patients, written through the clinical services.
    const record = await withDatabase((db) => demoRecord(db, demoId));
    expect(record.patientsWithChart).toBeGreaterThanOrEqual(30);
    expect(record.patientsWithAlerts).toBeGreaterThan(5);
    expect(record.findingKinds).toEqual(
      expect.arrayContaining([
        'caries',
        'restoration',
        'crown',
        'missing',
        'extracted',
        'root_canal_treated',
        'implant',
      ]),
    );
    expect(record.primaryTeethCharted).toBeGreaterThan(0);
    expect(record.plans).toBeGreaterThanOrEqual(10);
    expect(record.itemStatuses).toEqual(expect.arrayContaining(['planned', 'accepted', 'completed']));
    // Completing an item charted its result.
    expect(record.findingsFromTreatment).toBeGreaterThan(0);
    expect(record.notes).toMatchObject({ draft: 2, addenda: 1 });
    expect(record.notes.signed).toBeGreaterThan(15);
    expect(record.notesForAppointments).toBe(record.notes.signed + record.notes.draft);
    expect(record.notesDatedAtTheirVisit).toBe(record.notes.signed + record.notes.draft);
    expect(record.documents).toEqual([
      'document application/pdf',
      'document application/pdf',
      ...Array(6).fill('xray image/png'),
    ]);
    // Sealed at rest, as the services write them.
    expect(record.notesInPlaintext).toBe(0);

    // Families: each child (under 18) has a parent of the same family name as guardian, and may share the parent's phone.
    const people = await withDatabase((db) => demoPatients(db, demoId));
    const byId = new Map(people.map((p) => [p.id, p]));
    const children = people.filter((p) => p.age < 18);
    const adults = people.filter((p) => p.age >= 18);
    expect(children.length).toBeGreaterThan(30);
    for (const child of children) {
      const guardian = byId.get(child.guardianPatientId!);
      expect(guardian, `${child.givenName} ${child.familyName}, ${child.age}`).toBeDefined();
      expect(guardian).toMatchObject({ familyName: child.familyName, guardianPatientId: null });
      expect(guardian!.age).toBeGreaterThanOrEqual(18);
      expect(child.preferredLanguage).toBe(guardian!.preferredLanguage);
    }
    expect(adults.every((a) => a.guardianPatientId === null)).toBe(true);
    const childrenPerGuardian = new Map<string, number>();
    for (const c of children)
      childrenPerGuardian.set(c.guardianPatientId!, (childrenPerGuardian.get(c.guardianPatientId!) ?? 0) + 1);
    // Brothers and sisters share theirs.
    expect([...childrenPerGuardian.values()].filter((n) => n >= 2).length).toBeGreaterThan(3);
    const sharingParentsPhone = children.filter((c) =>
      c.phones.some((n) => byId.get(c.guardianPatientId!)!.phones.includes(n)),
    );
    expect(sharingParentsPhone.length).toBeGreaterThan(5);
    expect(sharingParentsPhone.length).toBeLessThan(children.length);
    // Contact details as a practice has them: most on WhatsApp, some with an email, three languages.
    const share = (test: (p: (typeof people)[number]) => boolean) => people.filter(test).length / people.length;
    expect(share((p) => p.whatsApp !== null)).toBeGreaterThan(0.5);
    expect(share((p) => p.whatsApp !== null)).toBeLessThan(0.95);
    expect(share((p) => p.email !== '')).toBeGreaterThan(0.2);
    expect(share((p) => p.email !== '')).toBeLessThan(0.7);
    for (const language of ['en', 'fr', 'mfe'])
      expect(share((p) => p.preferredLanguage === language)).toBeGreaterThan(0.1);

    const second = await cli('demo', 'seed');
    expect(second).toMatchObject({
      code: 0,
      json: {
        practiceId: demoId,
        created: false,
        calendar: { seeded: false },
        clinical: { seeded: false },
        assistant: { seeded: false },
        inbox: { seeded: false, conversations: 0 },
      },
    });
    // Nothing added the second time, not even an audit event.
    expect(scripted(await withDatabase((db) => demoInbox(db, demoId)))).toEqual(inbox);
    expect(await withDatabase((db) => demoRecord(db, demoId))).toEqual(record);
    expect(await withDatabase((db) => demoPatients(db, demoId))).toEqual(people);
    expect(first.json.staff.map((s: { role: string }) => s.role)).toEqual([
      'owner',
      'dentist',
      'hygienist',
      'receptionist',
    ]);
    const count = await withDatabase((db) =>
      db
        .selectFrom('practices')
        .select(db.fn.countAll().as('n'))
        .where('name', '=', 'Demo Dental Clinic')
        .executeTakeFirstOrThrow(),
    );
    expect(Number(count.n)).toBe(1);
  });

  it('rotates the master key: every data key is wrapped anew, two-factor secrets are sealed again, and what was written before still opens', async () => {
    const oldKey = generatedMasterKey();
    const newKey = randomBytes(32).toString('base64');
    const keysBefore = await withDatabase(storedDataKeys);
    expect(keysBefore.every((k) => k.masterKeyId === masterKeyId(Buffer.from(oldKey, 'base64')))).toBe(true);
    // The demo practice's notes, alerts, chart and plan notes, sealed by the seed under the old master key.
    const recordsBefore = await withServices(oldKey, (ctx) => clinicalRecords(ctx, demoPracticeId));
    expect(recordsBefore.length).toBeGreaterThanOrEqual(30);
    expect(recordsBefore.flatMap((r) => r.notes).filter((n) => n.status === 'signed').length).toBeGreaterThan(15);
    expect(
      recordsBefore.filter(
        (r) => r.alerts.allergies.length + r.alerts.conditions.length + r.alerts.medications.length > 0,
      ).length,
    ).toBeGreaterThan(5);
    // Two-factor turned on under the old key; and one account whose secret was sealed under a key since lost.
    const dentist = await withServices(oldKey, (ctx) => accountWithMfa(ctx, 'dentist-mfa@nord.mu', demoPracticeId));
    const lost = await withServices(randomBytes(32).toString('base64'), (ctx) =>
      accountWithMfa(ctx, 'lost-mfa@nord.mu', demoPracticeId),
    );

    const practices = Number(
      (
        await withDatabase((db) =>
          db.selectFrom('practices').select(db.fn.countAll().as('n')).executeTakeFirstOrThrow(),
        )
      ).n,
    );
    const rotated = await cliWith({ ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_PREVIOUS: oldKey }, 'keys', 'rotate');
    expect(rotated).toMatchObject({
      code: 0,
      json: {
        practices,
        rewrapped: keysBefore.length,
        newVersions: practices,
        mfaSecrets: { resealed: 1, unreadable: 1 },
      },
    });
    // The secret no key opens is kept, and named for the operator.
    expect(rotated.stderr).toContain(
      `1 two-factor secret(s) left as they were, they open under neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS`,
    );
    expect(rotated.stderr).toContain(lost.id);

    // Each key is stored wrapped by the new master (other bytes), and each practice has a new version for new data.
    const keysAfter = await withDatabase(storedDataKeys);
    expect(keysAfter).toHaveLength(keysBefore.length + practices);
    expect(new Set(keysAfter.map((k) => k.masterKeyId))).toEqual(new Set([masterKeyId(Buffer.from(newKey, 'base64'))]));
    for (const before of keysBefore) {
      const after = keysAfter.find((k) => k.practiceId === before.practiceId && k.version === before.version)!;
      expect(after.wrappedKey.equals(before.wrappedKey)).toBe(false);
    }
    // The server with the new key alone reads everything written before, and the dentist logs in with a code from the same app.
    expect(await withServices(newKey, (ctx) => clinicalRecords(ctx, demoPracticeId))).toEqual(recordsBefore);
    expect(await withServices(newKey, (ctx) => logInWithCode(ctx, dentist))).toBe(200);

    // Run again: no secret is sealed again (data keys only gain a version).
    const secretsRotated = await withDatabase(storedMfaSecrets);
    const again = await cliWith({ ENCRYPTION_KEY: newKey, ENCRYPTION_KEY_PREVIOUS: oldKey }, 'keys', 'rotate');
    expect(again).toMatchObject({ code: 0, json: { rewrapped: 0, mfaSecrets: { resealed: 0, unreadable: 1 } } });
    expect(await withDatabase(storedMfaSecrets)).toEqual(secretsRotated);

    // And back, so that the rest of this file runs with the key in DATA_DIR.
    const keysBeforeBack = await withDatabase(storedDataKeys);
    const back = await cliWith({ ENCRYPTION_KEY: oldKey, ENCRYPTION_KEY_PREVIOUS: newKey }, 'keys', 'rotate');
    expect(back).toMatchObject({
      code: 0,
      json: { practices, rewrapped: keysBeforeBack.length, mfaSecrets: { resealed: 1, unreadable: 1 } },
    });
    expect(new Set((await withDatabase(storedDataKeys)).map((k) => k.masterKeyId))).toEqual(
      new Set([masterKeyId(Buffer.from(oldKey, 'base64'))]),
    );
  });

  it('verifies an intact audit chain, and names the first broken event after tampering', async () => {
    expect(await cli('audit', 'verify', '--practice', practiceId)).toMatchObject({
      code: 0,
      json: { result: 'ok', events: 2 },
    });
    const tampered = await withDatabase(async (db) => {
      const event = await db
        .selectFrom('auditEvents')
        .select(['id', 'seq'])
        .where('practiceId', '=', practiceId)
        .where('seq', '=', 2)
        .executeTakeFirstOrThrow();
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

  it('imports patients from a CSV file: a dry run unless --commit, writing nothing and naming the command that imports; one rejected row stops the import, --skip-rejected imports the rest', async () => {
    const file = path.join(dataDir, 'export.csv');
    writeFileSync(
      file,
      '\uFEFFNom;Prénom;Date de naissance;Portable;Réf\nRamdin;Anjali;14/03/1985;5712 3456;1\nLebon;Marie;31/02/1990;5712 0000;2\nSeetohul;Kevin;;5744 0000;3\n',
    );
    const countImported = () =>
      withDatabase(async (db) =>
        Number(
          (
            await db
              .selectFrom('patients')
              .select(db.fn.countAll().as('n'))
              .where('practiceId', '=', practiceId)
              .where('familyName', 'in', ['Ramdin', 'Lebon', 'Seetohul'])
              .executeTakeFirstOrThrow()
          ).n,
        ),
      );

    // No flag: a dry run. It exits 1 when the import would be refused; the report is on stdout either way.
    const dry = await cli('patients', 'import', '--practice', practiceId, file, '--map', 'Réf=ignore');
    expect(dry.code).toBe(1);
    expect(dry.json).toMatchObject({
      dryRun: true,
      status: 'checked',
      totalRows: 3,
      validRows: 2,
      rejectedRows: 1,
      rejected: [{ row: 3, problems: [{ code: 'date_invalid', column: 'Date de naissance' }] }],
    });
    expect(dry.json.columns.map((c: { field: string | null }) => c.field)).toEqual([
      'familyName',
      'givenName',
      'dateOfBirth',
      'phone',
      null,
    ]);
    expect(dry.stderr).toContain(
      '3 rows: 2 valid, 1 rejected, 0 likely duplicates; dry run, nothing imported (the import would be refused)',
    );
    // What to run next, ready to paste.
    expect(dry.stderr).toContain(
      `npm run cli -- patients import --practice ${practiceId} ${file} --map 'Réf=ignore' --skip-rejected --commit`,
    );
    expect(await countImported()).toBe(0);

    // --dry-run says so explicitly; with --skip-rejected the import would go ahead, and it still writes nothing.
    const checked = await cli('patients', 'import', '--practice', practiceId, file, '--dry-run', '--skip-rejected');
    expect(checked).toMatchObject({
      code: 0,
      json: { dryRun: true, status: 'checked', validRows: 2, importedRows: 0 },
    });
    expect(checked.stderr).toContain(
      `To import these 2 patients, run the same command with --commit:\n  npm run cli -- patients import --practice ${practiceId} ${file} --skip-rejected --commit`,
    );
    expect(await countImported()).toBe(0);

    const both = await cli(
      'patients',
      'import',
      '--practice',
      practiceId,
      file,
      '--dry-run',
      '--commit',
      '--skip-rejected',
    );
    expect(both.code).toBe(1);
    expect(JSON.parse(both.stderr.trim().split('\n').pop()!)).toMatchObject({
      code: 'validation_failed',
      detail: expect.stringContaining('--commit'),
    });
    expect(await countImported()).toBe(0);

    const refused = await cli('patients', 'import', '--practice', practiceId, file, '--commit');
    expect(refused).toMatchObject({ code: 1, json: { dryRun: false, status: 'refused', importedRows: 0 } });
    expect(refused.stderr).toMatch(/1 of 3 rows are rejected, so nothing was imported/);
    expect(await countImported()).toBe(0);

    const done = await cli('patients', 'import', '--practice', practiceId, file, '--skip-rejected', '--commit');
    expect(done).toMatchObject({ code: 0, json: { dryRun: false, status: 'imported', importedRows: 2 } });
    expect(done.stderr).not.toContain('--commit');
    expect(await countImported()).toBe(2);

    const badMap = await cli('patients', 'import', '--practice', practiceId, file, '--map', 'Réf=shoeSize');
    expect(badMap.code).toBe(1);
    expect(JSON.parse(badMap.stderr.trim().split('\n').pop()!)).toMatchObject({
      code: 'validation_failed',
      detail: expect.stringContaining('dateOfBirth'),
    });
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
    const first = await cli(
      'patients',
      'import',
      '--practice',
      practiceId,
      file,
      '--skip-rejected',
      '--rejected',
      rejectedFile,
      '--commit',
    );
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
    writeFileSync(
      rejectedFile,
      written.toString('utf8').replace(',12,', ',5712 7002,').replace('Aumeer,,', 'Aumeer,Farhan,'),
    );
    const again = await cli(
      'patients',
      'import',
      '--practice',
      practiceId,
      rejectedFile,
      '--rejected',
      rejectedFile,
      '--commit',
    );
    expect(again).toMatchObject({ code: 0, json: { importedRows: 2, rejectedRows: 0 } });
    expect(again.json.columns.at(-1)).toMatchObject({ header: 'Import problems (row: reasons)', field: null });
    expect(readFileSync(rejectedFile, 'utf8')).toBe(
      '\uFEFFNom,Prénom,Adresse,Portable,Import problems (row: reasons)\r\n',
    );

    const nowhere = await cli(
      'patients',
      'import',
      '--practice',
      practiceId,
      file,
      '--dry-run',
      '--rejected',
      path.join(dataDir, 'no-such-folder', 'x.csv'),
    );
    expect(JSON.parse(nowhere.stderr.trim().split('\n').pop()!)).toMatchObject({
      code: 'validation_failed',
      detail: expect.stringContaining('--rejected'),
    });
  });

  it('lists the background jobs and the failed ones with their error, and retries a failed one', async () => {
    expect((await cli('migrate')).code).toBe(0);
    const ids = await withDatabase(async (db) => {
      await sql`DELETE FROM jobs`.execute(db);
      const rows = await sql<{ id: number }>`
        INSERT INTO jobs (name, payload, state, attempts, max_attempts, last_error, failed_at) VALUES
          ('messaging.auto_replies', '{}', 'failed', 10, 10, 'Error: the Graph API timed out', now() - interval '1 hour'),
          ('patients.count_name_words', '{}', 'failed', 10, 10, 'Error: something else', now()),
          ('messaging.upkeep', '{}', 'pending', 0, 10, NULL, NULL)
        RETURNING id`.execute(db);
      return rows.rows.map((r) => Number(r.id));
    });
    const counts = await cli('jobs', 'list');
    expect(counts.json.jobs).toEqual(
      expect.arrayContaining([
        { name: 'messaging.auto_replies', state: 'failed', count: 1 },
        { name: 'messaging.upkeep', state: 'pending', count: 1 },
      ]),
    );
    const failed = await cli('jobs', 'list', '--failed');
    expect(failed.code).toBe(0);
    expect(failed.json.failed.map((j: { id: number; name: string }) => [j.id, j.name])).toEqual([
      [ids[1], 'patients.count_name_words'],
      [ids[0], 'messaging.auto_replies'],
    ]);
    expect(failed.json.failed[1]).toMatchObject({ attempts: 10, lastError: 'Error: the Graph API timed out' });
    expect((await cli('jobs', 'list', '--failed', '--limit', '1')).json.failed).toHaveLength(1);

    expect(await cli('jobs', 'retry', String(ids[0]))).toMatchObject({
      code: 0,
      json: { id: ids[0], result: 'queued' },
    });
    const requeued = await withDatabase((db) =>
      db.selectFrom('jobs').select(['state', 'attempts']).where('id', '=', ids[0]!).executeTakeFirstOrThrow(),
    );
    expect(requeued).toEqual({ state: 'pending', attempts: 0 });
    const again = await cli('jobs', 'retry', String(ids[0]));
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stderr.trim().split('\n').pop()!)).toMatchObject({ code: 'not_found' });
    const bad = await cli('jobs', 'retry', 'abc');
    expect(JSON.parse(bad.stderr.trim().split('\n').pop()!)).toMatchObject({ code: 'validation_failed' });
  });

  it("reads a message as a practice's assistant does, in the practice's time zone", async () => {
    const res = await cli(
      'assistant',
      'understand',
      '--practice',
      practiceId,
      '--at',
      '2026-12-07T10:00:00+04:00',
      'Mo anvi pran randevou zedi gramatin',
    );
    expect(res).toMatchObject({ code: 0, json: { language: 'mfe', intent: 'book' } });
    // Thursday 10 December in Mauritius; the practice has no visit type to name.
    expect(res.json.when.from).toMatch(/^2026-12-10T/);
    expect(res.json.typeName).toBeUndefined();
    for (const [practice, code] of [
      [randomUUID(), 'practice_not_found'],
      ['clinique-du-nord', 'validation_failed'],
    ]) {
      const refused = await cli('assistant', 'understand', '--practice', practice!, 'hello');
      expect(refused.code).toBe(1);
      expect(JSON.parse(refused.stderr.trim().split('\n').pop()!)).toMatchObject({ code });
    }
  });

  it('prints usage and exits 2 for an unknown command or option; --help prints it on stdout', async () => {
    const res = await cliProcess('frobnicate');
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Usage');
    const typo = await cli('patients', 'import', '--practice', practiceId, 'x.csv', '--comit');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("Unknown option '--comit'");
    expect(typo.stderr).toContain('Usage');
    const help = await cliProcess('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/patients import --practice ID FILE\.csv .*\[--commit\]/);
    expect(help.stdout).toMatch(/Without\s+--commit it is a dry run/);
  });
});

describe.skipIf(onPostgres)('embedded data dir lock', () => {
  it('refuses to open a data dir that another process holds, with a clear message', async () => {
    const holder = await openDatabase({ dataDir, poolSize: 1 });
    try {
      const res = await cliProcess('audit', 'verify', '--practice', '00000000-0000-4000-8000-000000000000');
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/in use by another DentalPro process/);
    } finally {
      await holder.close();
    }
  });
});
