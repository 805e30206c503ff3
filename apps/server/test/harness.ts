import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Role } from '@dentalpro/contracts';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { inject } from 'vitest';
import { buildApp } from '../src/app.js';
import type { AppContext } from '../src/context.js';
import { type Config, loadConfig } from '../src/config.js';
import { type Database, openDatabase } from '../src/db/connection.js';
import { systemActor } from '../src/platform/access.js';
import { createEventBus } from '../src/platform/events.js';
import { createMailer, type Mailer } from '../src/platform/mail.js';
import { DATA_OWNERS } from '../src/registry.js';
import { createUser } from '../src/modules/auth/users.js';
import { createPracticeIn } from '../src/modules/practices/practices.service.js';
import { addStaffMember } from '../src/modules/staff/staff.service.js';

export const TEST_ORIGIN = 'http://dentalpro.test';

/** A fresh database for one test file: a clone of the migrated template. */
export async function openTestDatabase(): Promise<Database> {
  const pgTemplate = inject('pgTemplateDatabase');
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (pgTemplate && baseUrl) {
    const name = `dentalpro_t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${pgTemplate}`);
    const url = new URL(baseUrl);
    url.pathname = `/${name}`;
    const database = await openDatabase({ databaseUrl: url.toString(), dataDir: '', poolSize: 5 });
    return {
      ...database,
      async close() {
        await database.close();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  const template = readFileSync(inject('pgliteTemplate'));
  return openDatabase({ dataDir: '', poolSize: 5, inMemory: true, loadDataDir: new Blob([template]) });
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  const base = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: path.join(tmpdir(), `dentalpro-test-${randomUUID()}`),
    PUBLIC_URL: TEST_ORIGIN,
    SESSION_SECRET: 'test-session-secret-of-at-least-32-chars',
    ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    LOG_LEVEL: 'silent',
  });
  return { ...base, ...overrides };
}

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  db: AppContext['db'];
  database: Database;
  close(): Promise<void>;
}

/** What services need, over an open database (close `events` when done). */
export function testContext(database: Database, config: Config, mailer?: Mailer): AppContext {
  const logger = pino({ level: 'silent' });
  return {
    config,
    database,
    db: database.db,
    logger,
    mailer: mailer ?? createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, logger }),
    // In memory even on PostgreSQL: a test file is one process. Embedded, the pool's session also
    // hears the database's notifications (jobs queued), as the server's does.
    events: createEventBus({ logger, embeddedPool: database.embedded ? database.pool : undefined }),
    graph: { url: null },
    dataOwners: DATA_OWNERS,
  };
}

export async function createTestApp(opts: { config?: Partial<Config>; mailer?: Mailer } = {}): Promise<TestApp> {
  const database = await openTestDatabase();
  const ctx = testContext(database, testConfig(opts.config), opts.mailer);
  const logger = ctx.logger;
  const app = await buildApp(ctx, { logger });
  await app.ready();
  return {
    app,
    ctx,
    db: database.db,
    database,
    async close() {
      await app.close();
      await ctx.events.close();
      await database.close();
    },
  };
}

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;
export const TEST_PASSWORD = 'correct horse battery';

/** A practice with an owner account (factories write through the real services). */
export async function makePractice(ctx: AppContext, opts: { name?: string } = {}) {
  const email = `owner-${unique()}@example.mu`;
  return ctx.db.transaction().execute(async (tx) => {
    const owner = await createUser(tx, { email, name: 'Owner Test', password: TEST_PASSWORD });
    const practice = await createPracticeIn(tx, {
      practice: { name: opts.name ?? `Clinic ${unique()}` },
      ownerUserId: owner.id,
      actor: systemActor('test'),
    });
    return { practiceId: practice.id, owner: { id: owner.id, email, password: TEST_PASSWORD } };
  });
}

export async function makeMember(ctx: AppContext, practiceId: string, role: Role) {
  const email = `${role}-${unique()}@example.mu`;
  const { userId } = await addStaffMember(ctx, {
    actor: systemActor('test'),
    practiceId,
    email,
    name: `${role} Test`,
    password: TEST_PASSWORD,
    role,
  });
  return { id: userId, email, password: TEST_PASSWORD };
}

/** A logged-in browser-like client: keeps the session cookie and sends our Origin. */
export class Client {
  cookie: string | undefined;
  constructor(
    readonly app: FastifyInstance,
    readonly ip = '203.0.113.10',
  ) {}

  async request(
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
    signal?: AbortSignal,
  ): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method: method as 'GET',
      url,
      ...(signal ? { signal } : {}),
      remoteAddress: this.ip,
      headers: {
        origin: TEST_ORIGIN,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const setCookie = res.cookies.find((c) => c.name === 'dp_session');
    if (setCookie) this.cookie = setCookie.value ? `dp_session=${setCookie.value}` : undefined;
    return res;
  }

  get = (url: string) => this.request('GET', url);
  post = (url: string, body?: unknown) => this.request('POST', url, body ?? {});
  patch = (url: string, body: unknown) => this.request('PATCH', url, body);
  delete = (url: string) => this.request('DELETE', url);

  async login(email: string, password = TEST_PASSWORD) {
    const res = await this.post('/api/v1/auth/login', { email, password });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`);
    return res.json();
  }
}

export async function loggedIn(app: FastifyInstance, user: { email: string; password: string }) {
  const client = new Client(app);
  await client.login(user.email, user.password);
  return client;
}
