import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The environment, parsed once. This file is the only place that reads process.env. */
const Env = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default('DentalPro <no-reply@dentalpro.local>'),
  PUBLIC_URL: z.string().url().optional(),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'ENCRYPTION_KEY must be 32 bytes, base64-encoded')
    .optional(),
  ENCRYPTION_KEY_PREVIOUS: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, 'ENCRYPTION_KEY_PREVIOUS must be 32 bytes, base64-encoded')
    .optional(),
  WHATSAPP_ACCESS_TOKEN: z.string().min(10).optional(),
  WHATSAPP_APP_SECRET: z.string().min(16).optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(8).optional(),
  WHATSAPP_GRAPH_URL: z.string().url().optional(),
  WHATSAPP_GRAPH_VERSION: z
    .string()
    .regex(/^v[0-9]+\.[0-9]+$/, 'like v23.0')
    .default('v23.0'),
  /** Run the webhook processor and the outbound sender in this process (off for a web-only process beside worker.ts). */
  WHATSAPP_WORKERS: z.stringbool().default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.stringbool().default(false),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  SESSION_IDLE_HOURS: z.coerce.number().positive().default(12),
  SESSION_MAX_DAYS: z.coerce.number().positive().default(30),
  WEB_DIST_DIR: z.string().optional(),
  /** Sign-in through an OpenID Connect provider (Google, Microsoft Entra ID, ...): all three or none. */
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_DISPLAY_NAME: z.string().trim().min(1).max(60).optional(),
  /** How far the provider's clock may be from ours when its tokens are checked. */
  OIDC_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
  /** How long a call to the provider may take before sign-in says it is unavailable. */
  OIDC_TIMEOUT_SECONDS: z.coerce.number().min(1).max(60).default(8),
  /** Sign-ins started through a provider per minute from one address; each start stores a state row. */
  OIDC_STARTS_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(30),
  /** The privacy policy's contact address (privacy questions and rights requests to the deployment). */
  PRIVACY_CONTACT_EMAIL: z.string().email().optional(),
  /** The third parties the policy names: a JSON array, or the path of a JSON file (see privacyThirdPartiesOf). */
  PRIVACY_THIRD_PARTIES: z.string().optional(),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  /** Unset: the embedded PGlite database under dataDir. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  publicUrl: string;
  /** False when PUBLIC_URL was not given (publicUrl is then http://localhost:PORT). */
  publicUrlSet: boolean;
  sessionSecret: string;
  /** 32-byte master key (AES-256-GCM) that wraps everything encrypted at rest. */
  encryptionKey: Buffer;
  /** The master key before the last change, for `keys rotate` only. */
  previousEncryptionKey: Buffer | undefined;
  /** Graph API token given to channels created from the command line. */
  whatsappAccessToken: string | undefined;
  whatsapp: WhatsAppConfig;
  logLevel: string;
  trustProxy: boolean;
  bodyLimitBytes: number;
  sessionIdleMs: number;
  sessionMaxMs: number;
  webDistDir: string;
  /** Null: no provider configured, password sign-in only. */
  oidc: OidcConfig | null;
  /** Sign-ins started through any provider (the deployment's or a practice's) per minute from one address. */
  oidcStartsPerMinute: number;
  privacy: PrivacyConfig;
}

/** What the privacy policy and the record of processing say about this deployment. */
export interface PrivacyConfig {
  contactEmail: string | null;
  /** The register of third parties (hosting, authentication, messaging, email): configured, or what this deployment uses. */
  thirdParties: PrivacyThirdParty[];
}

export interface PrivacyThirdParty {
  kind: 'hosting' | 'authentication' | 'messaging' | 'email';
  name: string;
  location: string;
  outsideMauritius: boolean;
  safeguards?: string | undefined;
}

const PrivacyThirdParties = z
  .array(
    z.strictObject({
      kind: z.enum(['hosting', 'authentication', 'messaging', 'email']),
      name: z.string().trim().min(1).max(200),
      location: z.string().trim().min(1).max(200),
      outsideMauritius: z.boolean(),
      safeguards: z.string().trim().max(500).optional(),
    }),
  )
  .max(50);

export interface OidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Shown on the sign-in button: "Sign in with <displayName>". */
  displayName: string;
  clockToleranceSeconds: number;
  timeoutSeconds: number;
}

export interface WhatsAppConfig {
  /**
   * Sandbox: no Meta credentials are configured, so the server plays the Graph API itself
   * (under /sandbox/graph) and signs the sandbox phone's webhooks with a generated secret.
   */
  sandbox: boolean;
  appSecret: string;
  verifyToken: string;
  /** Null in sandbox mode: the built-in fake on this server's own address. */
  graphUrl: string | null;
  graphVersion: string;
  runWorkers: boolean;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`DATABASE_URL=`) means unset, as in most tools.
  const parsed = Env.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`DentalPro cannot start, the environment is not valid:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const secrets = resolveSecrets(e, dataDir);
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    publicUrl,
    publicUrlSet: e.PUBLIC_URL !== undefined,
    sessionSecret: secrets.sessionSecret,
    encryptionKey: Buffer.from(secrets.encryptionKey, 'base64'),
    previousEncryptionKey: e.ENCRYPTION_KEY_PREVIOUS ? Buffer.from(e.ENCRYPTION_KEY_PREVIOUS, 'base64') : undefined,
    whatsappAccessToken: e.WHATSAPP_ACCESS_TOKEN,
    whatsapp: {
      sandbox: !e.WHATSAPP_APP_SECRET,
      appSecret: e.WHATSAPP_APP_SECRET ?? secrets.sandboxAppSecret,
      verifyToken: e.WHATSAPP_VERIFY_TOKEN ?? secrets.webhookVerifyToken,
      graphUrl: e.WHATSAPP_APP_SECRET
        ? (e.WHATSAPP_GRAPH_URL ?? 'https://graph.facebook.com').replace(/\/$/, '')
        : (e.WHATSAPP_GRAPH_URL?.replace(/\/$/, '') ?? null),
      graphVersion: e.WHATSAPP_GRAPH_VERSION,
      runWorkers: e.WHATSAPP_WORKERS,
    },
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    sessionIdleMs: e.SESSION_IDLE_HOURS * 3600_000,
    sessionMaxMs: e.SESSION_MAX_DAYS * 86400_000,
    webDistDir: path.resolve(e.WEB_DIST_DIR ?? new URL('../../web/dist', import.meta.url).pathname),
    oidc: oidcConfigOf(e),
    oidcStartsPerMinute: e.OIDC_STARTS_PER_MINUTE,
    privacy: { contactEmail: e.PRIVACY_CONTACT_EMAIL ?? null, thirdParties: privacyThirdPartiesOf(e) },
  };
}

/**
 * PRIVACY_THIRD_PARTIES as given (inline JSON, or a file holding it), else what this deployment
 * uses: its own server for hosting, the OpenID Connect provider when one is set, Meta's WhatsApp
 * platform unless in sandbox mode, and the SMTP server when mail is sent.
 */
function privacyThirdPartiesOf(e: z.infer<typeof Env>): PrivacyThirdParty[] {
  const given = e.PRIVACY_THIRD_PARTIES?.trim();
  if (given) {
    let json: unknown;
    try {
      json = JSON.parse(given.startsWith('[') ? given : readFileSync(path.resolve(given), 'utf8'));
    } catch (err) {
      throw new ConfigError(
        `DentalPro cannot start: PRIVACY_THIRD_PARTIES is neither a JSON array nor a readable JSON file (${err instanceof Error ? err.message : String(err)})`,
      );
    }
    const parsed = PrivacyThirdParties.safeParse(json);
    if (!parsed.success)
      throw new ConfigError(
        `DentalPro cannot start, PRIVACY_THIRD_PARTIES is not valid:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`,
      );
    return parsed.data;
  }
  const parties: PrivacyThirdParty[] = [
    { kind: 'hosting', name: 'The operator of this DentalPro server', location: 'Mauritius', outsideMauritius: false },
  ];
  if (e.OIDC_ISSUER)
    parties.push({
      kind: 'authentication',
      name: e.OIDC_DISPLAY_NAME ?? new URL(e.OIDC_ISSUER).hostname,
      location: 'Outside Mauritius',
      outsideMauritius: true,
    });
  if (e.WHATSAPP_APP_SECRET)
    parties.push({
      kind: 'messaging',
      name: 'Meta Platforms (WhatsApp Business Platform)',
      location: 'Ireland and the United States',
      outsideMauritius: true,
      safeguards: "Meta's WhatsApp Business terms and data processing terms",
    });
  if (e.SMTP_URL)
    parties.push({
      kind: 'email',
      name: new URL(e.SMTP_URL).hostname,
      location: 'Not stated',
      outsideMauritius: false,
    });
  return parties;
}

function oidcConfigOf(e: z.infer<typeof Env>): OidcConfig | null {
  const given = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET].filter((v) => v !== undefined).length;
  if (given === 0) return null;
  if (given < 3)
    throw new ConfigError(
      'DentalPro cannot start: OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together (set all three, or none)',
    );
  const issuer = new URL(e.OIDC_ISSUER!);
  // Tokens and secrets travel to the provider: plain http only to a provider on this machine (tests, trials).
  if (issuer.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname))
    throw new ConfigError('DentalPro cannot start: OIDC_ISSUER must be an https:// address');
  return {
    issuer: e.OIDC_ISSUER!,
    clientId: e.OIDC_CLIENT_ID!,
    clientSecret: e.OIDC_CLIENT_SECRET!,
    displayName: e.OIDC_DISPLAY_NAME ?? issuer.hostname,
    clockToleranceSeconds: e.OIDC_CLOCK_TOLERANCE_SECONDS,
    timeoutSeconds: e.OIDC_TIMEOUT_SECONDS,
  };
}

/**
 * In production both secrets must come from the environment: a generated key that lives
 * beside the data would be lost or leaked with it. Elsewhere they are generated once into
 * DATA_DIR/secrets.json so that `npm start` just works and sessions survive restarts.
 */
function resolveSecrets(e: z.infer<typeof Env>, dataDir: string) {
  if (e.NODE_ENV === 'production') {
    const missing = [
      !e.SESSION_SECRET && 'SESSION_SECRET (at least 32 random characters)',
      !e.ENCRYPTION_KEY && 'ENCRYPTION_KEY (32 random bytes, base64: `openssl rand -base64 32`)',
    ].filter(Boolean);
    if (missing.length > 0) {
      throw new ConfigError(`DentalPro cannot start in production without:\n  ${missing.join('\n  ')}`);
    }
    if (e.WHATSAPP_APP_SECRET && !e.WHATSAPP_VERIFY_TOKEN) {
      throw new ConfigError(
        'DentalPro cannot start in production without WHATSAPP_VERIFY_TOKEN (the token Meta sends to verify the webhook)',
      );
    }
    // Without Meta credentials production runs the sandbox; its secrets only need to live as long as the process.
    const ephemeral = randomBytes(32).toString('base64url');
    return {
      sessionSecret: e.SESSION_SECRET!,
      encryptionKey: e.ENCRYPTION_KEY!,
      sandboxAppSecret: ephemeral,
      webhookVerifyToken: ephemeral,
    };
  }
  const file = path.join(dataDir, 'secrets.json');
  let stored: Partial<GeneratedSecrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8'));
  const generated: GeneratedSecrets = {
    sessionSecret: stored.sessionSecret ?? randomBytes(32).toString('base64url'),
    encryptionKey: stored.encryptionKey ?? randomBytes(32).toString('base64'),
    sandboxAppSecret: stored.sandboxAppSecret ?? randomBytes(32).toString('base64url'),
    webhookVerifyToken: stored.webhookVerifyToken ?? randomBytes(24).toString('base64url'),
  };
  const needed = !(e.SESSION_SECRET && e.ENCRYPTION_KEY && e.WHATSAPP_APP_SECRET && e.WHATSAPP_VERIFY_TOKEN);
  if (needed && Object.keys(generated).some((k) => stored[k as keyof GeneratedSecrets] === undefined)) {
    mkdirSync(dataDir, { recursive: true });
    // Secrets added by a newer version join the existing ones; existing ones never change.
    writeFileSync(file, JSON.stringify({ ...stored, ...generated }, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return {
    sessionSecret: e.SESSION_SECRET ?? generated.sessionSecret,
    encryptionKey: e.ENCRYPTION_KEY ?? generated.encryptionKey,
    sandboxAppSecret: generated.sandboxAppSecret,
    webhookVerifyToken: generated.webhookVerifyToken,
  };
}

interface GeneratedSecrets {
  sessionSecret: string;
  encryptionKey: string;
  sandboxAppSecret: string;
  webhookVerifyToken: string;
}
