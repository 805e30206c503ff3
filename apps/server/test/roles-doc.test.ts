import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PERMISSIONS, type Permission, ROLE_PERMISSIONS, ROLES } from '@dentalpro/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './harness.js';

/**
 * docs/roles.md carries the role table and the permission each route needs, generated from
 * the code. This test fails when they drift; `UPDATE_DOCS=1 npx vitest run roles-doc` rewrites them.
 */
const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/roles.md');
const BEGIN = '<!-- generated:begin -->';
const END = '<!-- generated:end -->';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

function render(routes: TestApp['app']['routeCatalog']): string {
  const permissions = Object.keys(PERMISSIONS) as Permission[];
  const header = `| Permission | What it allows | ${ROLES.join(' | ')} |`;
  const rule = `|---|---|${ROLES.map(() => ':-:').join('|')}|`;
  const rows = permissions.map(
    (p) =>
      `| \`${p}\` | ${PERMISSIONS[p]} | ${ROLES.map((r) => (ROLE_PERMISSIONS[r].includes(p) ? '✓' : '')).join(' | ')} |`,
  );
  const routeRows = routes
    .filter((r) => r.url.startsWith('/api/v1/'))
    .sort((a, b) => a.url.localeCompare(b.url) || a.method.localeCompare(b.method))
    .map(
      (r) =>
        `| ${r.method} | \`${r.url}\` | ${r.permission ? `\`${r.permission}\`` : r.auth === 'public' ? 'public' : r.auth === 'mfa' ? 'half-logged-in (2FA step)' : 'any logged-in user'} |`,
    );
  return [header, rule, ...rows, '', '### Routes', '', '| Method | Path | Needs |', '|---|---|---|', ...routeRows].join(
    '\n',
  );
}

describe('docs/roles.md', () => {
  it('matches the role table and the routes in code', () => {
    const doc = readFileSync(file, 'utf8');
    const expected = render(t.app.routeCatalog);
    const start = doc.indexOf(BEGIN) + BEGIN.length;
    const current = doc.slice(start, doc.indexOf(END)).trim();
    if (process.env.UPDATE_DOCS && current !== expected) {
      writeFileSync(file, `${doc.slice(0, start)}\n${expected}\n${doc.slice(doc.indexOf(END))}`);
      return;
    }
    expect(current).toBe(expected);
  });
});
