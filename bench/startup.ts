import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Start-up of `npm start`'s server in embedded mode: time from spawn until /readyz answers 200,
 * for a cold start (empty DATA_DIR: PGlite initialises and migrations run) and warm starts
 * (existing DATA_DIR), and the server's resident memory once ready and after 200 requests.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PORT = 3190;
const WARM_RUNS = 3;

function rssMb(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function startOnce(dataDir: string) {
  const started = performance.now();
  const child = spawn('node', ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(PORT), DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '' },
    stdio: 'ignore',
  });
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${PORT}/readyz`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (child.exitCode !== null) throw new Error('server exited during start-up');
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = performance.now() - started;
  const readyRss = rssMb(child.pid!);
  for (let i = 0; i < 200; i++) await (await fetch(`http://127.0.0.1:${PORT}/api/v1/setup`)).arrayBuffer();
  const busyRss = rssMb(child.pid!);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { readyMs, readyRss, busyRss };
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'dentalpro-bench-'));
try {
  const cold = await startOnce(dataDir);
  const warm = [];
  for (let i = 0; i < WARM_RUNS; i++) warm.push(await startOnce(dataDir));
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log('start-up, embedded PGlite (spawn → /readyz 200)');
  console.log(`  cold (new DATA_DIR, migrations): ${cold.readyMs.toFixed(0)} ms, RSS ${cold.readyRss.toFixed(0)} MB`);
  console.log(
    `  warm (median of ${WARM_RUNS}):            ${median(warm.map((w) => w.readyMs)).toFixed(0)} ms, RSS ${median(warm.map((w) => w.readyRss)).toFixed(0)} MB`,
  );
  console.log(`  RSS after 200 requests:          ${median(warm.map((w) => w.busyRss)).toFixed(0)} MB`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
