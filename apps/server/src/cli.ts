import { parseArgs } from 'node:util';
import { NewPassword, Role } from '@dentalpro/contracts';
import type { AppContext } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openAppContext } from './context.js';
import { DataDirInUseError } from './db/connection.js';
import { seedDemo } from './demo/seed.js';
import { systemActor } from './platform/access.js';
import { verifyAuditChain } from './platform/audit.js';
import { rotateDataKeys } from './platform/data-keys.js';
import { AppError } from './platform/errors.js';
import { createLogger } from './platform/logger.js';
import { createUser } from './modules/auth/users.js';
import { createPracticeIn } from './modules/practices/practices.service.js';
import { createChannelIn } from './modules/messaging/channels.service.js';
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
  keys rotate                                  re-wrap practice data keys under ENCRYPTION_KEY (the old
                                               master in ENCRYPTION_KEY_PREVIOUS) and start new key versions
`;

type Command = (ctx: AppContext, opts: Record<string, string | undefined>) => Promise<{ output: unknown; exitCode?: number }>;

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
        const practice = await createPracticeIn(tx, { practice: { name }, ownerUserId: owner.id, actor: systemActor() });
        if (!phoneNumberId) return { practiceId: practice.id, ownerUserId: owner.id };
        const channel = await createChannelIn(tx, {
          actor: systemActor(),
          practiceId: practice.id,
          phoneNumberId,
          accessToken: ctx.config.whatsappAccessToken,
          masterKey: ctx.config.encryptionKey,
          sandbox: ctx.config.whatsapp.sandbox,
        });
        return { practiceId: practice.id, ownerUserId: owner.id, whatsappChannelId: channel.id, whatsappPhoneNumberId: phoneNumberId };
      }),
    };
  },

  'user add': async (ctx, o) => {
    const role = Role.safeParse(required(o, 'role'));
    if (!role.success) throw new AppError('validation_failed', { detail: `--role must be one of ${Role.options.join(', ')}` });
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

  'demo seed': async (ctx, o) => ({ output: await seedDemo(ctx, { whatsappPhoneNumberId: o['whatsapp-phone-number-id'] }) }),

  'keys rotate': async (ctx) => ({ output: await rotateDataKeys(ctx.db, ctx.config.encryptionKey, ctx.config.previousEncryptionKey) }),

  'audit verify': async (ctx, o) => {
    const verdict = await verifyAuditChain(ctx.db, required(o, 'practice'));
    if (verdict.ok) return { output: { result: 'ok', events: verdict.events } };
    process.stderr.write(`audit chain broken at event ${verdict.brokenAt.seq}${verdict.brokenAt.id ? ` (${verdict.brokenAt.id})` : ''}: ${verdict.brokenAt.reason}\n`);
    return { output: { result: 'broken', events: verdict.events, brokenAt: verdict.brokenAt }, exitCode: 1 };
  },
};

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

async function main(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: Object.fromEntries(
      ['name', 'owner-email', 'owner-password', 'owner-name', 'whatsapp-phone-number-id', 'practice', 'email', 'password', 'role'].map((k) => [k, { type: 'string' as const }]),
    ),
  });
  const name = positionals.slice(0, 2).join(' ');
  const command = commands[name] ?? commands[positionals[0] ?? ''];
  if (!command) {
    process.stderr.write(USAGE);
    return 2;
  }
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ?? 'warn').child({}, { level: 'warn' });
  const ctx = await openAppContext(config, logger);
  try {
    const { output, exitCode = 0 } = await command(ctx, values as Record<string, string | undefined>);
    process.stdout.write(`${JSON.stringify(output)}\n`);
    return exitCode;
  } finally {
    await ctx.database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof AppError) {
      process.stderr.write(`${JSON.stringify(err.toProblem())}\n`);
    } else if (err instanceof ConfigError || err instanceof DataDirInUseError) {
      process.stderr.write(`${err.message}\n`);
    } else {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    }
    process.exit(1);
  },
);
