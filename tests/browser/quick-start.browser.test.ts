import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort, repoRoot } from './harness.js';

/**
 * The README's quick start (issue 16): `npm run demo` seeds the demo practice when it is missing,
 * starts the server and prints the address and the demo logins as a table a newcomer can read;
 * the logins it prints work, and nothing on the way is logged as a warning or an error.
 */

let child: ChildProcess | undefined;
let dataDir = '';

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    setTimeout(() => child?.kill('SIGKILL'), 5_000).unref();
    await exited;
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run demo', () => {
  it('prints the address and a table of logins that work, and starts without warnings', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    dataDir = mkdtempSync(path.join(tmpdir(), 'dentalpro-quick-start-'));
    // The migrated empty database of this run (global-setup.ts), as a first start would make it.
    const template = inject('browserDataTemplate');
    if (template && existsSync(template)) cpSync(template, dataDir, { recursive: true });
    // What `npm run demo` runs (npm itself only adds its banner).
    child = spawn(process.execPath, ['scripts/start.mjs', '--demo'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: String(port), PUBLIC_URL: url, DATA_DIR: dataDir, NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr?.on('data', (chunk) => (stderr += String(chunk)));

    const deadline = Date.now() + 150_000;
    let ready = false;
    while (!ready && Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`npm run demo exited (${child.exitCode}):\n${stdout}\n${stderr}`);
      ready = await fetch(`${url}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (!ready) await new Promise((r) => setTimeout(r, 250));
    }
    expect(ready, `${stdout}\n${stderr}`).toBe(true);

    expect(stdout).toContain(`Open ${url} and log in as one of:`);
    expect(stdout).toContain(`${url}/sandbox/whatsapp`);
    // The table: a header, a rule, then one line per login (role, email, password) in columns.
    const lines = stdout.split('\n').map((l) => l.trim());
    const header = lines.findIndex((l) => /^Role\s+Email\s+Password$/.test(l));
    expect(header).toBeGreaterThan(-1);
    expect(lines[header + 1]).toMatch(/^-+\s+-+\s+-+$/);
    const logins = lines
      .slice(header + 2)
      .filter((l) => /^\S+\s+\S+@\S+\s+\S+$/.test(l))
      .map((l) => l.split(/\s+/) as [string, string, string]);
    expect(logins.map(([role]) => role)).toEqual(expect.arrayContaining(['owner', 'receptionist', 'dentist']));

    // Each printed login opens a session (no one is asked for a second factor in the demo).
    for (const [role, email, password] of logins) {
      const res = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: url },
        body: JSON.stringify({ email, password }),
      });
      expect(res.status, `${role} ${email}`).toBe(200);
    }

    // Nothing that looks like a problem on the way: no warning or error logged, no stack trace.
    const output = `${stdout}\n${stderr}`;
    expect(output).not.toMatch(/"level":(40|50|60)\b/);
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  }, 180_000);
});
