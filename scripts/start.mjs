// `npm start`: builds the web app when its build is missing or older than its sources, then
// starts the server in this same process (TypeScript runs through tsx).
// `npm run demo` (`--demo`): the same, after creating the demo practice if it is not there yet
// (the CLI's `demo seed`, which changes nothing on a second run), and prints its logins.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const builtIndex = path.join(root, 'apps/web/dist/index.html');
const sources = [
  'apps/web/src',
  'apps/web/index.html',
  'apps/web/vite.config.ts',
  'apps/web/public',
  'packages/contracts/src',
];

function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return readdirSync(p).reduce((max, name) => Math.max(max, newestMtime(path.join(p, name))), st.mtimeMs);
}

const builtAt = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : 0;
const changedAt = Math.max(...sources.map((s) => newestMtime(path.join(root, s))));
if (builtAt < changedAt) {
  process.stderr.write(
    builtAt ? 'Web app sources changed; rebuilding...\n' : 'Building the web app (first start)...\n',
  );
  const build = spawnSync('npm', ['run', '--silent', 'build', '-w', 'apps/web'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

if (process.argv.includes('--demo')) {
  process.stderr.write('Preparing the demo practice (the first time takes a minute)...\n');
  const seed = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/cli.ts', 'demo', 'seed'], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
  });
  if (seed.status !== 0) process.exit(seed.status ?? 1);
  const demo = JSON.parse(seed.stdout);
  const url = (process.env.PUBLIC_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, '');
  const rows = [['Role', 'Email', 'Password'], ...demo.staff.map((s) => [s.role, s.email, s.password])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r) => `  ${r.map((cell, i) => cell.padEnd(widths[i])).join('   ')}`.trimEnd();
  process.stdout.write(
    [
      '',
      `  ${demo.practiceName}: made-up patients and a month of appointments around today.`,
      `  Open ${url} and log in as one of:`,
      '',
      line(rows[0]),
      line(widths.map((w) => '-'.repeat(w))),
      ...rows.slice(1).map(line),
      '',
      `  The WhatsApp sandbox (a patient's phone) is at ${url}/sandbox/whatsapp.`,
      '',
      '',
    ].join('\n'),
  );
}

const { register } = await import('tsx/esm/api');
register();
await import('../apps/server/src/main.ts');
