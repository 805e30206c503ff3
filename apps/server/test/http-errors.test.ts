import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, loggedIn, makePractice, TEST_ORIGIN, type TestApp } from './harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const raw = (opts: {
  method?: string;
  url: string;
  payload?: string | Buffer;
  headers?: Record<string, string>;
  app?: TestApp;
}) =>
  (opts.app ?? t).app.inject({
    method: (opts.method ?? 'POST') as 'POST',
    url: opts.url,
    headers: { origin: TEST_ORIGIN, ...opts.headers },
    ...(opts.payload !== undefined ? { payload: opts.payload } : {}),
  });

function expectProblem(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, code, type: expect.stringMatching(/^https:\/\//), title: expect.any(String) });
  return body;
}

describe('request bodies', () => {
  it('answers malformed JSON with malformed_json', async () => {
    const res = await raw({
      url: '/api/v1/auth/login',
      payload: '{"email": "a@b.mu", "password": ',
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(res, 400, 'malformed_json');
  });

  it('answers an empty JSON body with malformed_json', async () => {
    const res = await raw({ url: '/api/v1/auth/login', payload: '', headers: { 'content-type': 'application/json' } });
    expectProblem(res, 400, 'malformed_json');
  });

  it('answers a body that is not JSON with unsupported_media_type', async () => {
    for (const contentType of [
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await raw({
        url: '/api/v1/auth/login',
        payload: 'email=a@b.mu&password=x',
        headers: { 'content-type': contentType },
      });
      expect(res.statusCode, contentType).toBe(415);
      expectProblem(res, 415, 'unsupported_media_type');
    }
  });

  it('answers a text/plain body on a JSON route with unsupported_media_type', async () => {
    // text/plain is what a cross-site form can send without a CORS preflight; JSON routes take JSON only.
    const res = await raw({
      url: '/api/v1/auth/login',
      payload: '{"email":"a@b.mu","password":"x"}',
      headers: { 'content-type': 'text/plain' },
    });
    expectProblem(res, 415, 'unsupported_media_type');
  });

  it('lists every invalid field by its path', async () => {
    const res = await new Client(t.app).post('/api/v1/auth/login', { email: 'not-an-email', password: '' });
    const problem = expectProblem(res, 400, 'validation_failed');
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual(['email', 'password']);
    for (const e of problem.errors) expect(e.message).toEqual(expect.any(String));
  });

  it('gives each invalid field a stable code: missing, wrong kind, too short, bad format', async () => {
    const missing = expectProblem(
      await new Client(t.app).post('/api/v1/auth/login', { password: 7 }),
      400,
      'validation_failed',
    );
    expect(missing.errors).toEqual([
      { path: 'email', code: 'required', message: expect.any(String) },
      { path: 'password', code: 'invalid_type', message: expect.any(String) },
    ]);
    const wrong = expectProblem(
      await new Client(t.app).post('/api/v1/auth/login', { email: 'not-an-email', password: '' }),
      400,
      'validation_failed',
    );
    expect(wrong.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'email', code: 'email_invalid' }),
        expect.objectContaining({ path: 'password', code: 'required' }),
      ]),
    );
    const { owner, practiceId } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    const patch = expectProblem(
      await c.patch(`/api/v1/practices/${practiceId}`, { name: 'X', currency: 'rupees' }),
      400,
      'validation_failed',
    );
    expect(patch.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'name', code: 'too_short', params: { minimum: 2 } }),
        expect.objectContaining({ path: 'currency', code: 'invalid_format' }),
      ]),
    );
  });

  it('names nested fields with dots', async () => {
    const { owner, practiceId } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    const res = await c.patch(`/api/v1/practices/${practiceId}`, { name: 'X', currency: 'rupees' });
    const problem = expectProblem(res, 400, 'validation_failed');
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual(['currency', 'name']);

    const setup = await new Client(t.app).post('/api/v1/setup', {
      practice: { name: 'Fine Name', timeZone: 'Mars/Olympus' },
      owner: { name: 'A', email: 'a@b.mu', password: 'long enough password' },
    });
    expect(expectProblem(setup, 400, 'validation_failed').errors).toEqual([
      expect.objectContaining({ path: 'practice.timeZone' }),
    ]);
  });
});

describe('body size limit', () => {
  let small: TestApp;
  beforeAll(async () => {
    small = await createTestApp({ config: { bodyLimitBytes: 2048, publicUrl: 'https://clinic.example' } });
  });
  afterAll(() => small?.close());

  const headers = { 'content-type': 'application/json', origin: 'https://clinic.example' };

  it('refuses a body over the configured limit with payload_too_large', async () => {
    const payload = JSON.stringify({ email: 'big@example.mu', password: 'x'.repeat(3000) });
    const res = await raw({ app: small, url: '/api/v1/auth/login', payload, headers });
    expectProblem(res, 413, 'payload_too_large');
    expect(res.headers['x-request-id']).toBeTruthy();
  });

  it('takes a body under the limit', async () => {
    const payload = JSON.stringify({ email: 'small@example.mu', password: 'x'.repeat(100) });
    const res = await raw({ app: small, url: '/api/v1/auth/login', payload, headers });
    expectProblem(res, 401, 'invalid_credentials');
  });

  it('sends HSTS when served over https', async () => {
    const res = await raw({ app: small, method: 'GET', url: '/healthz' });
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });
});

describe('routes', () => {
  it('answers an unknown API route with route_not_found', async () => {
    const get = await raw({ method: 'GET', url: '/api/v1/no-such-thing?x=1' });
    const problem = expectProblem(get, 404, 'route_not_found');
    expect(problem.detail).toContain('/api/v1/no-such-thing');
    expect(problem.detail).not.toContain('x=1');
    expectProblem(await raw({ method: 'DELETE', url: '/api/v1/auth/login' }), 404, 'route_not_found');
  });

  it('answers a practice id that is not a uuid with practice_not_found, not a validation error', async () => {
    const { owner } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    for (const url of [
      '/api/v1/practices/not-a-uuid',
      '/api/v1/practices/1%27%20OR%201=1/staff',
      '/api/v1/practices/not-a-uuid/audit-events',
    ]) {
      expectProblem(await c.get(url), 404, 'practice_not_found');
    }
  });

  it('serves health and readiness', async () => {
    const health = await raw({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await raw({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });

  it('publishes an OpenAPI 3.1 document of the API', async () => {
    const res = await raw({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/v1/auth/login']?.post).toBeDefined();
    expect(doc.paths['/api/v1/practices/{practiceId}/staff']?.get).toBeDefined();
    expect(
      doc.paths['/api/v1/auth/login'].post.requestBody.content['application/json'].schema.properties,
    ).toHaveProperty('email');
    // Operational endpoints are not part of the API contract.
    expect(doc.paths['/healthz']).toBeUndefined();
  });
});

describe('headers on every response', () => {
  it('carries a distinct x-request-id, also on errors', async () => {
    const { owner } = await makePractice(t.ctx);
    const responses = [
      await raw({ method: 'GET', url: '/healthz' }),
      await raw({ method: 'GET', url: '/api/v1/auth/me' }),
      await raw({ method: 'GET', url: '/api/v1/nowhere' }),
      await raw({ url: '/api/v1/auth/login', payload: '{', headers: { 'content-type': 'application/json' } }),
      await raw({
        url: '/api/v1/auth/login',
        payload: '{}',
        headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      }),
      await new Client(t.app).post('/api/v1/auth/login', { email: owner.email, password: owner.password }),
    ];
    const ids = responses.map((r) => r.headers['x-request-id']);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('ties the audit trail to the request id', async () => {
    const { owner, practiceId } = await makePractice(t.ctx);
    const c = new Client(t.app);
    const login = await c.post('/api/v1/auth/login', { email: owner.email, password: owner.password });
    const events = (await c.get(`/api/v1/practices/${practiceId}/audit-events?action=auth.login`)).json().items;
    expect(events).toContainEqual(
      expect.objectContaining({ action: 'auth.login', requestId: login.headers['x-request-id'] }),
    );
  });

  it('sends the security headers', async () => {
    for (const url of ['/healthz', '/api/v1/auth/me', '/api/v1/nowhere']) {
      const res = await raw({ method: 'GET', url });
      expect(res.headers['content-security-policy'], url).toContain("default-src 'self'");
      expect(res.headers['content-security-policy'], url).toContain("frame-ancestors 'self'");
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['x-frame-options'], url).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy'], url).toBe('same-origin');
      expect(res.headers['x-powered-by'], url).toBeUndefined();
      // PUBLIC_URL is http here: HSTS would be wrong.
      expect(res.headers['strict-transport-security'], url).toBeUndefined();
    }
  });
});
