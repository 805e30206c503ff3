import { accessSync, constants as fsConstants, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  NewPassword,
  PatientImportEncoding,
  PatientImportMapping,
  type PatientImportProgress,
  type PatientImportReport,
  Role,
  UnderstandInput,
  Uuid,
  rejectedRowsCsv,
} from '@dentalpro/contracts';
import cliProgress from 'cli-progress';
import type { AppContext } from './context.js';
import { ConfigError, loadConfig } from './config.js';
import { openAppContext } from './bootstrap.js';
import { DataDirInUseError } from './db/connection.js';
import { seedDemo } from './demo/seed.js';
import { systemActor } from './platform/access.js';
import { verifyAuditChain } from './platform/audit.js';
import { rotateDataKeys } from './platform/data-keys.js';
import { AppError, fieldErrorsOf } from './platform/errors.js';
import { countJobs, listFailedJobs, retryFailedJob } from './platform/jobs.js';
import { createLogger } from './platform/logger.js';
import { understandMessage, understandText } from './modules/assistant/understand.service.js';
import { resealMfaSecrets } from './modules/auth/mfa.js';
import { createUser } from './modules/auth/users.js';
import { createPracticeIn } from './modules/practices/practices.service.js';
import { createChannelIn } from './modules/messaging/channels.service.js';
import { sealStoredMessageWords } from './modules/messaging/message-words.backfill.js';
import { importPatients } from './modules/patients/import.service.js';
import { runRetentionNow } from './modules/privacy/retention.service.js';
import { currentPolicyFile, parsePolicyFile, publishPolicyVersion } from './modules/privacy/policy.service.js';
import { addStaffMember } from './modules/staff/staff.service.js';

/**
 * Operator commands. Results are JSON on stdout (one object), diagnostics on stderr, and the
 * exit code says whether it worked. With the embedded database the CLI opens DATA_DIR itself,
 * so it runs while the server is stopped.
 */
const USAGE = `Usage: npm run cli -- <command> [options]

  migrate                                      apply pending database migrations
  practice create --name N --owner-email E --owner-password P [--owner-name N] [--whatsapp-phone-number-id ID]
  user add --practice ID --email E --password P --role R [--name N]
  demo seed [--whatsapp-phone-number-id ID]    create (or find) the demo practice
  audit verify --practice ID                   check the practice's audit chain
  privacy retention [--dry-run] [--practice ID] [--at ISO]
                                               run the retention rules now (every practice, or one): what each
                                               category purged, by count; --dry-run counts what would go and
                                               removes nothing; --at: as of that time (default now)
  privacy publish-policy --file POLICY.md --date YYYY-MM-DD [--material]
                                               publish a new version of the privacy policy (the file: lines
                                               summary.en: and summary.fr:, then "=== en" and "=== fr" texts;
                                               {{third_parties}} and {{contact_email}} are filled in from
                                               PRIVACY_THIRD_PARTIES and PRIVACY_CONTACT_EMAIL). A date before
                                               the current version's is refused; --material shows staff a
                                               notice until acknowledged and emails every practice's owners
  privacy show-policy                          the current version as {version, lastUpdated, file}, file in the
                                               form above, to edit: ... show-policy | jq -r .file > POLICY.md
  patients import --practice ID FILE.csv [--map COLUMN=FIELD ...] [--commit] [--skip-rejected] [--encoding windows-1252]
                 [--rejected REJECTED.csv] [--dry-run]
                                               import patients from another system's CSV export. Without
                                               --commit it is a dry run (--dry-run says so explicitly): the
                                               file is checked and nothing is written. --commit imports all
                                               rows or none (--skip-rejected: the valid ones); --rejected
                                               writes the rejected rows (the file's columns plus the row
                                               number and reasons) to correct and import again
  whatsapp seal-words [--practice ID] [--batch N]
                                               seal the words of WhatsApp messages and webhook bodies stored
                                               before they were encrypted at rest (issue 14), N rows per
                                               transaction (500); safe beside a running server, and run
                                               again after an interruption it carries on
  jobs list [--failed] [--limit N]             background jobs: how many wait, run and failed, by name;
                                               --failed lists the failed ones with their last error
  jobs retry ID                                queue a failed job again, due now, its attempts counted afresh
  assistant understand [--practice ID] [--at ISO] "TEXT"
                                               how the WhatsApp assistant reads a patient's message, as JSON:
                                               language, intent, when {from, to}, typeName, confidence. With
                                               --practice: in the practice's time zone, typeName naming its
                                               visit type bookable on WhatsApp. Without: in Indian/Mauritius
                                               time, no typeName, and the database is not opened (so it runs
                                               beside a running server). --at: when the message is sent (now)
  keys rotate                                  re-wrap practice data keys and re-seal two-factor secrets
                                               under ENCRYPTION_KEY (the old master in ENCRYPTION_KEY_PREVIOUS),
                                               and start new data key versions
  --help, -h                                   this text
`;

/** `more`: words after the command (a file), --flags, options given several times (--map), and the command line as typed. */
/** Where the CLI reads its environment and writes its answers: the process's own, or a test's. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

type Command = (
  ctx: AppContext,
  opts: Record<string, string | undefined>,
  more: {
    args: string[];
    flags: Record<string, boolean | undefined>;
    lists: Record<string, string[] | undefined>;
    argv: string[];
    io: CliIo;
  },
) => Promise<{ output: unknown; exitCode?: number }>;

const commands: Record<string, Command> = {
  migrate: async () => ({ output: { migrated: true } }),

  'practice create': async (ctx, o) => {
    const phoneNumberId = o['whatsapp-phone-number-id'];
    const name = required(o, 'name');
    const email = required(o, 'owner-email');
    const password = checkedPassword(required(o, 'owner-password'));
    return {
      output: await ctx.db.transaction().execute(async (tx) => {
        const owner = await createUser(tx, { email, name: o['owner-name'] ?? email.split('@')[0]!, password });
        const practice = await createPracticeIn(tx, {
          practice: { name },
          ownerUserId: owner.id,
          actor: systemActor(),
        });
        if (!phoneNumberId) return { practiceId: practice.id, ownerUserId: owner.id };
        const channel = await createChannelIn(tx, {
          actor: systemActor(),
          practiceId: practice.id,
          phoneNumberId,
          accessToken: ctx.config.whatsappAccessToken,
          masterKey: ctx.config.encryptionKey,
          sandbox: ctx.config.whatsapp.sandbox,
        });
        return {
          practiceId: practice.id,
          ownerUserId: owner.id,
          whatsappChannelId: channel.id,
          whatsappPhoneNumberId: phoneNumberId,
        };
      }),
    };
  },

  'user add': async (ctx, o) => {
    const role = Role.safeParse(required(o, 'role'));
    if (!role.success)
      throw new AppError('validation_failed', { detail: `--role must be one of ${Role.options.join(', ')}` });
    const email = required(o, 'email');
    const result = await addStaffMember(ctx, {
      actor: systemActor(),
      practiceId: required(o, 'practice'),
      email,
      name: o.name ?? email.split('@')[0]!,
      password: checkedPassword(required(o, 'password')),
      role: role.data,
    });
    return { output: { userId: result.userId, created: result.created, role: role.data } };
  },

  'demo seed': async (ctx, o) => ({
    output: await seedDemo(ctx, { whatsappPhoneNumberId: o['whatsapp-phone-number-id'] }),
  }),

  'keys rotate': async (ctx, _o, { io }) => {
    const dataKeys = await rotateDataKeys(ctx.db, ctx.config.encryptionKey, ctx.config.previousEncryptionKey);
    const mfa = await resealMfaSecrets(ctx);
    if (mfa.unreadableUserIds.length > 0) {
      const hint = ctx.config.previousEncryptionKey
        ? 'they open under neither ENCRYPTION_KEY nor ENCRYPTION_KEY_PREVIOUS'
        : 'set ENCRYPTION_KEY_PREVIOUS to the key that sealed them and run again';
      io.stderr.write(
        `${mfa.unreadableUserIds.length} two-factor secret(s) left as they were, ${hint}; meanwhile these users can log in only with a recovery code: ${mfa.unreadableUserIds.join(', ')}\n`,
      );
    }
    return {
      output: { ...dataKeys, mfaSecrets: { resealed: mfa.resealed, unreadable: mfa.unreadableUserIds.length } },
    };
  },

  'whatsapp seal-words': async (ctx, o, { io }) => {
    const practiceId = o.practice === undefined ? undefined : Uuid.safeParse(o.practice);
    if (practiceId && !practiceId.success) throw new AppError('validation_failed', { detail: '--practice is an id' });
    const batchSize = o.batch === undefined ? 500 : Number(o.batch);
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
      throw new AppError('validation_failed', { detail: '--batch is a whole number from 1 to 10000' });
    const result = await sealStoredMessageWords(ctx, {
      practiceId: practiceId?.data,
      batchSize,
      onBatch: (sealed) => io.stderr.write(`${sealed} messages sealed\n`),
    });
    return { output: result };
  },

  'jobs list': async (ctx, o, { flags }) => {
    if (!flags.failed) return { output: { jobs: await countJobs(ctx.db) } };
    const limit = o.limit === undefined ? 100 : Number(o.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      throw new AppError('validation_failed', { detail: '--limit is a whole number from 1 to 10000' });
    return { output: { failed: await listFailedJobs(ctx.db, { limit }) } };
  },

  'jobs retry': async (ctx, _o, { args }) => {
    const id = Number(args[0]);
    if (args.length !== 1 || !Number.isSafeInteger(id) || id < 1)
      throw new AppError('validation_failed', { detail: 'Name one job by its id: jobs retry ID' });
    const result = await retryFailedJob(ctx.db, id);
    if (result === 'not_found') throw new AppError('not_found', { detail: `No failed job has id ${id}` });
    if (result === 'superseded')
      throw new AppError('job_superseded', { detail: `Job ${id} was replaced by a newer job with the same key` });
    return { output: { id, result } };
  },

  'assistant understand': async (ctx, o, { args }) => {
    const { text, at } = understandArgs(o, args);
    const practiceId = Uuid.safeParse(required(o, 'practice'));
    if (!practiceId.success)
      throw new AppError('validation_failed', { detail: '--practice is the practice id (a uuid)' });
    return {
      output: await understandMessage(ctx, {
        actor: systemActor(),
        practiceId: practiceId.data,
        text,
        ...(at ? { at } : {}),
      }),
    };
  },

  'audit verify': async (ctx, o, { io }) => {
    const verdict = await verifyAuditChain(ctx.db, required(o, 'practice'));
    if (verdict.ok)
      return {
        output: {
          result: 'ok',
          events: verdict.events,
          // The retention job removed the events up to here; the chain verifies from its checkpoint.
          ...(verdict.purgedThrough ? { purgedThrough: verdict.purgedThrough } : {}),
        },
      };
    io.stderr.write(
      `audit chain broken at event ${verdict.brokenAt.seq}${verdict.brokenAt.id ? ` (${verdict.brokenAt.id})` : ''}: ${verdict.brokenAt.reason}\n`,
    );
    return { output: { result: 'broken', events: verdict.events, brokenAt: verdict.brokenAt }, exitCode: 1 };
  },

  'privacy retention': async (ctx, o, { flags }) => {
    const practiceId = o.practice === undefined ? undefined : Uuid.safeParse(o.practice);
    if (practiceId && !practiceId.success) throw new AppError('validation_failed', { detail: '--practice is an id' });
    const now = o.at === undefined ? new Date() : new Date(o.at);
    if (Number.isNaN(now.getTime()))
      throw new AppError('validation_failed', { detail: '--at is an ISO date and time' });
    const runs = await runRetentionNow(ctx, {
      ...(practiceId ? { practiceId: practiceId.data } : {}),
      now,
      dryRun: flags['dry-run'] === true,
    });
    return { output: { dryRun: flags['dry-run'] === true, asOf: now.toISOString(), runs } };
  },

  'privacy publish-policy': async (ctx, o, { flags }) => {
    const file = required(o, 'file');
    let content: string;
    try {
      content = readFileSync(file, 'utf8');
    } catch (err) {
      throw new AppError('validation_failed', { detail: `Cannot read ${file}: ${(err as Error).message}` });
    }
    return {
      output: await publishPolicyVersion(ctx, {
        document: parsePolicyFile(content),
        lastUpdated: required(o, 'date'),
        material: flags.material === true,
      }),
    };
  },

  'privacy show-policy': async (ctx) => ({ output: await currentPolicyFile(ctx) }),

  'patients import': async (ctx, o, { args, flags, lists, argv, io }) => {
    const practiceId = required(o, 'practice');
    const file = args[0];
    if (!file || args.length > 1)
      throw new AppError('validation_failed', { detail: 'Name one CSV file: patients import --practice ID FILE.csv' });
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (err) {
      throw new AppError('validation_failed', { detail: `Cannot read ${file}: ${(err as Error).message}` });
    }
    const encoding = o.encoding === undefined ? undefined : PatientImportEncoding.safeParse(o.encoding);
    if (encoding && !encoding.success)
      throw new AppError('validation_failed', {
        detail: `--encoding must be one of ${PatientImportEncoding.options.join(', ')}`,
      });
    // A dry run unless --commit: an import of hundreds of records is checked before it is made.
    if (flags.commit && flags['dry-run'])
      throw new AppError('validation_failed', { detail: 'Give --commit to import or --dry-run to check, not both' });
    const dryRun = flags.commit !== true;
    const skipRejected = flags['skip-rejected'] === true;
    const rejectedFile = o.rejected;
    if (rejectedFile) checkWritable(rejectedFile);
    const bar = progressBar(io.stderr);
    let report: PatientImportReport;
    try {
      report = await importPatients(ctx, {
        actor: systemActor(),
        practiceId,
        file: bytes,
        fileName: path.basename(file),
        encoding: encoding?.data,
        mapping: importMapping(lists.map ?? []),
        dryRun,
        skipRejected,
        onProgress: bar.update,
        listLimit: Number.POSITIVE_INFINITY,
      });
    } catch (err) {
      bar.stop();
      // Refused for its rows or mapping: the report is still the answer, on stdout.
      const refused =
        err instanceof AppError ? (err.options.extra?.report as PatientImportReport | undefined) : undefined;
      if (!refused) throw err;
      io.stderr.write(`${err instanceof Error ? err.message : ''}\n`);
      if (rejectedFile) writeRejectedRows(rejectedFile, refused, io);
      return { output: refused, exitCode: 1 };
    }
    bar.stop();
    if (rejectedFile) writeRejectedRows(rejectedFile, report, io);
    const r = report;
    const wouldRefuse = r.mappingProblems.length > 0 || r.validRows === 0 || (r.rejectedRows > 0 && !skipRejected);
    io.stderr.write(
      `${r.totalRows} rows: ${r.validRows} valid, ${r.rejectedRows} rejected, ${r.duplicateCount} likely duplicates; ` +
        (dryRun
          ? `dry run, nothing imported${wouldRefuse ? ' (the import would be refused)' : ''}`
          : `${r.importedRows} imported`) +
        '\n',
    );
    if (dryRun) io.stderr.write(`${nextStep(r, argv, skipRejected)}\n`);
    return { output: report, exitCode: dryRun && wouldRefuse ? 1 : 0 };
  },
};

/**
 * Commands that can answer without the database, given what they were asked: the answer, or
 * undefined when they need it after all (then the command of the same name above runs).
 */
const withoutDatabase: Record<string, (opts: Record<string, string | undefined>, args: string[]) => unknown> = {
  'assistant understand': (o, args) => {
    if (o.practice) return undefined;
    const { text, at } = understandArgs(o, args);
    return understandText(text, at ? { at } : {});
  },
};

/** The message (the words after the command, so quotes are optional) and --at, checked as the API checks them. */
function understandArgs(o: Record<string, string | undefined>, args: string[]): { text: string; at?: Date } {
  const input = { text: args.join(' '), ...(o.at !== undefined ? { at: o.at } : {}) };
  const parsed = UnderstandInput.safeParse(input);
  if (!parsed.success)
    throw new AppError('validation_failed', {
      detail:
        'assistant understand [--practice ID] [--at ISO] "TEXT": TEXT of 1 to 4096 characters, --at a date-time with offset',
      errors: fieldErrorsOf(parsed.error, input),
    });
  return { text: parsed.data.text, ...(parsed.data.at ? { at: new Date(parsed.data.at) } : {}) };
}

/** After a dry run: the command that imports for real, or what stands in the way. */
function nextStep(r: PatientImportReport, argv: string[], skipRejected: boolean): string {
  const again = (...extra: string[]) =>
    `npm run cli -- ${[...argv.filter((a) => a !== '--dry-run'), ...extra].map(shellWord).join(' ')}`;
  if (r.mappingProblems.length > 0 || r.validRows === 0)
    return 'Nothing can be imported from this file as it is: correct the file or the --map options and check it again.';
  if (r.rejectedRows > 0 && !skipRejected) {
    return `To import the ${r.validRows} valid rows and leave out the ${r.rejectedRows} rejected ones, run:\n  ${again('--skip-rejected', '--commit')}\nor correct the rejected rows (--rejected REJECTED.csv writes them to a file) and check again.`;
  }
  return `To import these ${r.validRows} patients, run the same command with --commit:\n  ${again('--commit')}`;
}

/** Quoted for a POSIX shell when it needs to be, so the suggested command can be pasted. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/** Fails before the import rather than after it, when the rejected rows could not be saved. */
function checkWritable(file: string) {
  try {
    accessSync(path.dirname(path.resolve(file)), fsConstants.W_OK);
  } catch {
    throw new AppError('validation_failed', {
      detail: `--rejected ${file}: its folder does not exist or cannot be written`,
    });
  }
}

/** The rejected rows as CSV with a UTF-8 byte-order mark (Excel), every one of them (the CLI lists all). */
function writeRejectedRows(file: string, report: PatientImportReport, io: CliIo) {
  if (report.mappingProblems.length > 0) {
    io.stderr.write(`Rows are checked once the columns are mapped: ${file} was not written\n`);
    return;
  }
  writeFileSync(file, rejectedRowsCsv(report, { byteOrderMark: true }));
  io.stderr.write(`${report.rejected.length} rejected rows written to ${file}\n`);
}

/** --map "Date de naissance=dateOfBirth" (the last '=' splits: headers may hold one). */
function importMapping(values: string[]): PatientImportMapping {
  const pairs = values.map((pair) => {
    const at = pair.lastIndexOf('=');
    if (at <= 0) throw new AppError('validation_failed', { detail: `--map ${pair}: write COLUMN=FIELD` });
    return [pair.slice(0, at), pair.slice(at + 1).trim()] as const;
  });
  const parsed = PatientImportMapping.safeParse(Object.fromEntries(pairs));
  if (!parsed.success) {
    const fields = PatientImportMapping.valueType.options.flatMap((o) => ('options' in o ? o.options : [o.value]));
    throw new AppError('validation_failed', { detail: `--map: a field is one of ${fields.join(', ')}` });
  }
  return parsed.data;
}

/** A bar on stderr when it is a terminal (cli-progress draws nothing otherwise). */
function progressBar(stream: NodeJS.WritableStream) {
  const labels: Record<PatientImportProgress['phase'], string> = {
    reading: 'Reading ',
    checking: 'Checking',
    importing: 'Importing',
  };
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: '{phase} [{bar}] {percentage}% | {value}/{total}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let phase: PatientImportProgress['phase'] | undefined;
  return {
    update: (p: PatientImportProgress) => {
      if (p.phase !== phase) {
        if (phase) bar.stop();
        phase = p.phase;
        bar.start(p.total, p.done, { phase: labels[p.phase] });
      } else bar.update(p.done);
    },
    stop: () => {
      if (phase) bar.stop();
      phase = undefined;
    },
  };
}

function required(o: Record<string, string | undefined>, key: string): string {
  const v = o[key];
  if (!v) throw new AppError('validation_failed', { detail: `--${key} is required` });
  return v;
}

function checkedPassword(p: string) {
  const r = NewPassword.safeParse(p);
  if (!r.success) throw new AppError('validation_failed', { detail: `password: ${r.error.issues[0]!.message}` });
  return p;
}

function parseCommandLine(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...Object.fromEntries(
        [
          'name',
          'owner-email',
          'owner-password',
          'owner-name',
          'whatsapp-phone-number-id',
          'practice',
          'email',
          'password',
          'role',
          'encoding',
          'rejected',
          'limit',
          'at',
          'file',
          'date',
        ].map((k) => [k, { type: 'string' as const }]),
      ),
      map: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean' },
      commit: { type: 'boolean' },
      'skip-rejected': { type: 'boolean' },
      failed: { type: 'boolean' },
      material: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/**
 * Runs one command line and answers with the exit code: 0 done, 1 refused or failed (a problem
 * on stderr), 2 not understood (usage on stderr). The entry point below runs it for the process;
 * tests run it in their own process, with their own environment and streams.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io);
  } catch (err) {
    if (err instanceof AppError) {
      io.stderr.write(`${JSON.stringify(err.toProblem())}\n`);
    } else if (err instanceof ConfigError || err instanceof DataDirInUseError) {
      io.stderr.write(`${err.message}\n`);
    } else {
      io.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    return 1;
  }
}

async function run(argv: string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    // A mistyped option (--comit) is named, rather than failing with a stack trace.
    io.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const name = positionals.slice(0, 2).join(' ');
  const words = commands[name] ? 2 : 1;
  const command = commands[name] ?? commands[positionals[0] ?? ''];
  if (!command) {
    io.stderr.write(USAGE);
    return 2;
  }
  const strings: Record<string, string | undefined> = {};
  const flags: Record<string, boolean | undefined> = {};
  const lists: Record<string, string[] | undefined> = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') strings[key] = value;
    else if (typeof value === 'boolean') flags[key] = value;
    else if (Array.isArray(value)) lists[key] = value;
  }
  const answered = withoutDatabase[name]?.(strings, positionals.slice(words));
  if (answered !== undefined) {
    io.stdout.write(`${JSON.stringify(answered)}\n`);
    return 0;
  }
  const config = loadConfig(io.env);
  const logger = createLogger(io.env.LOG_LEVEL ?? 'warn').child({}, { level: 'warn' });
  const ctx = await openAppContext(config, logger);
  try {
    const { output, exitCode = 0 } = await command(ctx, strings, {
      args: positionals.slice(words),
      flags,
      lists,
      argv,
      io,
    });
    io.stdout.write(`${JSON.stringify(output)}\n`);
    return exitCode;
  } finally {
    await ctx.database.close();
  }
}

// Run as a program (npm run cli), not when a test imports runCli.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then((code) =>
    process.exit(code),
  );
}
