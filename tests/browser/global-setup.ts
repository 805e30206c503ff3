import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { repoRoot } from './harness.js';

/**
 * One embedded database migrated once for the whole browser run: each test file's server starts
 * on a copy of it (harness.ts startApp) instead of creating and migrating its own, which costs
 * a few seconds per file. The copy holds no practice, user or patient: only the schema and the
 * deployment's secrets file, as a freshly started server would have.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), 'dentalpro-browser-template-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, NODE_ENV: 'test', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  await promisify(execFile)(process.execPath, ['--import', 'tsx', 'apps/server/src/cli.ts', 'migrate'], {
    cwd: repoRoot,
    env,
  });
  project.provide('browserDataTemplate', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    browserDataTemplate: string;
  }
}
