import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { inject, onTestFailed } from 'vitest';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const artifactsDir = path.join(repoRoot, '.test-artifacts');

export async function launchBrowser(): Promise<Browser> {
  const executablePath = '/usr/bin/chromium';
  if (!existsSync(executablePath))
    throw new Error('Chromium is missing: apt-get update && apt-get install -y chromium');
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, timeoutMs: number, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`Process exited (${child.exitCode}) before ${url} answered:\n${output()}`);
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${output()}`);
}

export interface RunningApp {
  /** Where the browser opens the app. */
  baseUrl: string;
  stop: () => Promise<void>;
}

function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => (output = (output + String(chunk)).slice(-20_000)));
  child.stderr?.on('data', (chunk) => (output = (output + String(chunk)).slice(-20_000)));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
    });
  return { child, output: () => output, stop };
}

/**
 * Starts the real server on a fresh embedded database, serving the built web app (apps/web/dist).
 * With DENTALPRO_BROWSER_VIA_PREVIEW=1 the app is served by `vite preview` on :5173 instead,
 * proxying the API to the server — a fallback for when the server cannot serve the build.
 */
export async function startApp(
  opts: {
    port?: number;
    env?: NodeJS.ProcessEnv;
    readyTimeoutMs?: number;
    demo?: boolean;
    /** Operator commands (the words after `npm run cli --`), run on the database before the server opens it. */
    cli?: string[][];
  } = {},
): Promise<RunningApp> {
  const webDist = path.join(repoRoot, 'apps/web/dist/index.html');
  if (!existsSync(webDist)) throw new Error('Build the web app first: npm run build -w apps/web');
  const viaPreview = process.env.DENTALPRO_BROWSER_VIA_PREVIEW === '1';
  // A given port: for a test whose other party (an identity provider) must know the address first.
  const port = opts.port ?? (await freePort());
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dentalpro-browser-'));
  // The schema migrated once for the run (global-setup.ts); a fresh database otherwise.
  const template = inject('browserDataTemplate');
  if (template && existsSync(template)) cpSync(template, dataDir, { recursive: true });
  // The demo practice (its logins: apps/server/src/demo/seed.ts), written before the server opens the database.
  if (opts.demo)
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'apps/server/src/cli.ts', 'demo', 'seed'], {
      cwd: repoRoot,
      env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: '' },
    });
  for (const words of opts.cli ?? [])
    await promisify(execFile)(process.execPath, ['--import', 'tsx', 'apps/server/src/cli.ts', ...words], {
      cwd: repoRoot,
      env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: '', ...opts.env },
    });
  const baseUrl = viaPreview ? 'http://127.0.0.1:5173' : `http://127.0.0.1:${port}`;
  const server = startProcess(
    process.execPath,
    ['--import', 'tsx', 'apps/server/src/main.ts'],
    {
      PORT: String(port),
      PUBLIC_URL: baseUrl,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      ...(viaPreview ? { WEB_DIST_DIR: path.join(dataDir, 'no-web') } : {}),
      ...opts.env,
    },
    repoRoot,
  );
  const stops = [server.stop];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(`http://127.0.0.1:${port}/readyz`, opts.readyTimeoutMs ?? 60_000, server.child, server.output);
    if (viaPreview) {
      const preview = startProcess(
        process.execPath,
        [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'preview', '--host', '127.0.0.1'],
        { DENTALPRO_API_URL: `http://127.0.0.1:${port}` },
        path.join(repoRoot, 'apps/web'),
      );
      stops.push(preview.stop);
      await waitFor(`${baseUrl}/readyz`, 30_000, preview.child, preview.output);
    }
  } catch (error) {
    await stopAll();
    throw error;
  }
  mkdirSync(artifactsDir, { recursive: true });
  return { baseUrl, stop: stopAll };
}

/**
 * The API as one logged-in person, for setting the scene before the browser acts: keeps the
 * session cookie it is given and throws on any error answer.
 */
export function apiAs(app: RunningApp) {
  const session = {
    cookie: '',
    async ok<T>(method: string, pathname: string, body?: unknown): Promise<T> {
      const response = await fetch(new URL(`/api/v1${pathname}`, app.baseUrl), {
        method,
        headers: {
          origin: app.baseUrl,
          cookie: session.cookie,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const setCookie = response.headers.get('set-cookie');
      if (setCookie) session.cookie = setCookie.split(';')[0] ?? '';
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${method} ${pathname} → ${response.status} ${text}`);
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
  return session;
}

/** A browser context, English and 1180×900 unless told, logged in with a session cookie (as apiAs keeps it) when given one. */
export async function newContext(
  browser: Browser,
  app: RunningApp,
  opts: { cookie?: string; locale?: string; width?: number; height?: number } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    locale: opts.locale ?? 'en-GB',
    viewport: { width: opts.width ?? 1180, height: opts.height ?? 900 },
  });
  if (opts.cookie) {
    const [name, value] = opts.cookie.split('=') as [string, string];
    await context.addCookies([{ name, value, url: app.baseUrl }]);
  }
  return context;
}

/**
 * A page of the context whose console errors and page errors are collected in `errors` (each
 * prefixed with `label`; `ignore` leaves out the ones a test provokes on purpose), and which is
 * photographed into .test-artifacts as failed-<label>-<test>.png when the running test fails.
 */
export async function watchedPage(
  context: BrowserContext,
  label: string,
  errors?: string[],
  ignore?: RegExp,
): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  if (errors) {
    const note = (text: string) => {
      if (!ignore?.test(text)) errors.push(`${label}: ${text}`);
    };
    page.on('console', (message) => {
      if (message.type() === 'error') note(message.text());
    });
    page.on('pageerror', (error) => note(String(error)));
  }
  onTestFailed(async ({ task }) => {
    const name = task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await page
      .screenshot({ path: path.join(artifactsDir, `failed-${label}-${name}.png`), fullPage: true })
      .catch(() => undefined);
  });
  return page;
}

interface Person {
  name: string;
  email: string;
  password: string;
}

/**
 * A practice set up through the API by its owner (Indian/Mauritius), with another member invited
 * in `member.role` who accepted: the two sessions, for setting the scene and for the browser's cookies.
 */
export async function practiceWithMember(
  app: RunningApp,
  opts: { practiceName: string; owner: Person; member: Person & { role: string } },
) {
  const owner = apiAs(app);
  const me = await owner.ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: opts.practiceName, timeZone: 'Indian/Mauritius' },
    owner: opts.owner,
  });
  const practiceId = me.memberships[0]!.practiceId;
  const invite = await owner.ok<{ acceptUrl: string }>('POST', `/practices/${practiceId}/invitations`, {
    email: opts.member.email,
    role: opts.member.role,
  });
  const member = apiAs(app);
  await member.ok('POST', `/invitations/${invite.acceptUrl.split('/').pop()}/accept`, {
    name: opts.member.name,
    password: opts.member.password,
  });
  return { practiceId, owner, member };
}
