import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, type TestApp, createTestApp } from './harness.js';

// "The web app loads nothing from third parties" (issue 14): the app's pages are served with a
// Content-Security-Policy of 'self' only, swagger-ui alone gets its inline styles, and nothing in
// the web app's sources points a stylesheet, font, script or image at another site.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

/** The policy as directive → sources. */
function directives(header: string | string[] | number | undefined): Map<string, string[]> {
  return new Map(
    String(header ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

const ALLOWED_SCHEMES = new Set(["'self'", "'none'", 'data:', 'blob:']);

describe('the Content-Security-Policy', () => {
  it.each(['/', '/privacy', '/app/00000000-0000-4000-8000-000000000000/calendar', '/api/v1/privacy/policy'])(
    'of %s allows this server only',
    async (url) => {
      const res = await new Client(t.app).get(url);
      const csp = directives(res.headers['content-security-policy']);
      expect(csp.get('default-src')).toEqual(["'self'"]);
      for (const name of ['script-src', 'style-src', 'font-src', 'connect-src', 'frame-ancestors', 'form-action'])
        expect([name, csp.get(name)]).toEqual([name, ["'self'"]]);
      expect(csp.get('object-src')).toEqual(["'none'"]);
      for (const [name, sources] of csp)
        for (const source of sources) expect([name, source, ALLOWED_SCHEMES.has(source)]).toEqual([name, source, true]);
    },
  );

  it('serves the pages themselves, when the web app is built, under that policy', async () => {
    if (!existsSync(path.join(t.ctx.config.webDistDir, 'index.html'))) return;
    for (const url of ['/', '/privacy']) {
      const res = await new Client(t.app).get(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });

  it('gives swagger-ui its inline styles under /api/docs only', async () => {
    const res = await new Client(t.app).get('/api/docs');
    expect(res.statusCode).toBe(200);
    const csp = directives(res.headers['content-security-policy']);
    expect(csp.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    const app = directives((await new Client(t.app).get('/privacy')).headers['content-security-policy']);
    expect(app.get('style-src')).toEqual(["'self'"]);
  });
});

describe('the web app sources', () => {
  const root = path.resolve(import.meta.dirname, '../../web');
  function files(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      if (name === 'node_modules' || name === 'dist') return [];
      return statSync(full).isDirectory() ? files(full) : /\.(html|css|tsx?)$/.test(name) ? [full] : [];
    });
  }

  it('load no stylesheet, font, script, image or analytics from another site', () => {
    const loads = [
      /<(script|link|img|iframe|source)\b[^>]*\b(src|href)=["'](https?:)?\/\//i,
      /@import\s+(url\()?["']?(https?:)?\/\//i,
      /url\(\s*["']?(https?:)?\/\//i,
      /@font-face[^}]*https?:/i,
      /(googletagmanager|google-analytics|fonts\.googleapis|fonts\.gstatic|cdn\.jsdelivr|unpkg\.com|cdnjs|plausible\.io|segment\.com|sentry\.io)/i,
    ];
    const found: string[] = [];
    for (const file of [path.join(root, 'index.html'), ...files(path.join(root, 'src'))]) {
      if (/\.test\.tsx?$/.test(file)) continue;
      const text = readFileSync(file, 'utf8');
      for (const pattern of loads) if (pattern.test(text)) found.push(`${path.relative(root, file)}: ${pattern}`);
    }
    expect(found).toEqual([]);
  });
});
