import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Client,
  createTestApp,
  loggedIn,
  makeMember,
  makePractice,
  TEST_ORIGIN,
  TEST_PASSWORD,
  type TestApp,
} from './harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

// Failed logins are counted per address: each test gets its own so they cannot throttle each other.
let lastIp = 0;
const freshIp = () => `198.51.100.${++lastIp}`;
const client = (ip = freshIp()) => new Client(t.app, ip);

const login = (c: Client, email: string, password: string) => c.post('/api/v1/auth/login', { email, password });

/** The raw Set-Cookie line of the session cookie. */
function sessionSetCookie(res: LightMyRequestResponse): string {
  const lines = [res.headers['set-cookie'] ?? []].flat();
  const line = lines.find((l) => l.startsWith('dp_session='));
  expect(line, 'a dp_session Set-Cookie header').toBeDefined();
  return line!;
}
const attributes = (setCookie: string) =>
  setCookie
    .split(';')
    .slice(1)
    .map((a) => a.trim().toLowerCase());

async function auditActions(owner: { email: string; password: string }, practiceId: string) {
  const c = await loggedIn(t.app, owner);
  const res = await c.get(`/api/v1/practices/${practiceId}/audit-events?limit=200`);
  expect(res.statusCode).toBe(200);
  return res.json().items as {
    action: string;
    actorUserId: string | null;
    targetId: string | null;
    ip: string | null;
    changes: Record<string, unknown>;
  }[];
}

describe('login', () => {
  it('answers the user and their practices and sets an httpOnly, SameSite=Lax session cookie', async () => {
    const { owner, practiceId } = await makePractice(t.ctx, { name: 'Clinique du Port' });
    const res = await login(client(), owner.email, owner.password);

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      user: { id: owner.id, email: owner.email, name: 'Owner Test', phone: '', language: 'en', mfaEnabled: false },
      memberships: [{ practiceId, practiceName: 'Clinique du Port', role: 'owner' }],
    });
    const cookie = sessionSetCookie(res);
    expect(cookie).toMatch(/^dp_session=[^;]{20,}/);
    const attrs = attributes(cookie);
    expect(attrs).toContain('httponly');
    expect(attrs).toContain('samesite=lax');
    expect(attrs).toContain('path=/');
    // PUBLIC_URL is http: a Secure cookie would never come back.
    expect(attrs).not.toContain('secure');
    expect(attrs.find((a) => a.startsWith('max-age='))).toBe(`max-age=${t.ctx.config.sessionMaxMs / 1000}`);
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    const https = await createTestApp({ config: { publicUrl: 'https://clinic.example' } });
    try {
      const { owner } = await makePractice(https.ctx);
      const res = await https.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { origin: 'https://clinic.example', 'content-type': 'application/json' },
        payload: { email: owner.email, password: owner.password },
      });
      expect(res.statusCode).toBe(200);
      expect(attributes(sessionSetCookie(res))).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax']));
    } finally {
      await https.close();
    }
  });

  it('accepts the email in any case and with surrounding spaces', async () => {
    const { owner } = await makePractice(t.ctx);
    const res = await login(client(), `  ${owner.email.toUpperCase()} `, owner.password);
    expect(res.statusCode).toBe(200);
    expect(res.json().user.email).toBe(owner.email);
  });

  it('answers a wrong password and an unknown email identically', async () => {
    const { owner } = await makePractice(t.ctx);
    const wrongPassword = await login(client(), owner.email, 'not the password');
    const unknownEmail = await login(client(), `ghost-${Date.now()}@example.mu`, 'not the password');

    for (const res of [wrongPassword, unknownEmail]) {
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ status: 401, code: 'invalid_credentials' });
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const { instance: _a, ...a } = wrongPassword.json();
    const { instance: _b, ...b } = unknownEmail.json();
    expect(a).toEqual(b);
  });

  it('refuses a request without a session on /auth/me', async () => {
    const res = await client().get('/api/v1/auth/me');
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'unauthenticated' });
  });

  it('refuses a forged session cookie', async () => {
    const c = client();
    c.cookie = 'dp_session=forged-token-that-was-never-issued';
    const res = await c.get('/api/v1/auth/me');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'unauthenticated' });
  });
});

describe('logout', () => {
  it('ends the session: the old cookie no longer works', async () => {
    const { owner } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    const oldCookie = c.cookie!;
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(200);

    const res = await c.post('/api/v1/auth/logout');
    expect(res.statusCode).toBe(204);
    // The browser is told to drop the cookie.
    expect(sessionSetCookie(res)).toMatch(/^dp_session=;|expires=thu, 01 jan 1970|max-age=0/i);

    const replay = client();
    replay.cookie = oldCookie;
    const me = await replay.get('/api/v1/auth/me');
    expect(me.statusCode).toBe(401);
    expect(me.json()).toMatchObject({ code: 'unauthenticated' });
  });

  it('logout-everywhere ends every session of the account and no one else’s', async () => {
    const { owner, practiceId } = await makePractice(t.ctx);
    const colleague = await makeMember(t.ctx, practiceId, 'dentist');
    const laptop = await loggedIn(t.app, owner);
    const phone = await loggedIn(t.app, owner);
    const colleagueSession = await loggedIn(t.app, colleague);

    expect((await laptop.post('/api/v1/auth/logout-everywhere')).statusCode).toBe(204);

    expect((await phone.get('/api/v1/auth/me')).statusCode).toBe(401);
    const laptopAgain = client();
    laptopAgain.cookie = laptop.cookie ?? 'dp_session=x';
    expect((await laptopAgain.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await colleagueSession.get('/api/v1/auth/me')).statusCode).toBe(200);
    const rows = await t.ctx.db.selectFrom('sessions').select('id').where('userId', '=', owner.id).execute();
    expect(rows).toHaveLength(0);
  });
});

describe('session lifetime', () => {
  it('answers session_expired once a session is past its maximum age, and clears the cookie', async () => {
    const { owner } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    await sql`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = ${owner.id}`.execute(
      t.ctx.db,
    );

    const res = await c.get('/api/v1/auth/me');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'session_expired' });
    expect(sessionSetCookie(res)).toMatch(/^dp_session=;/);
    const left = await t.ctx.db.selectFrom('sessions').select('id').where('userId', '=', owner.id).execute();
    expect(left).toHaveLength(0);
  });

  it('answers session_expired after the idle timeout', async () => {
    const { owner } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    const idleHours = t.ctx.config.sessionIdleMs / 3600_000;
    await sql`UPDATE sessions SET last_seen_at = now() - make_interval(hours => ${idleHours + 1}) WHERE user_id = ${owner.id}`.execute(
      t.ctx.db,
    );

    const res = await c.get('/api/v1/auth/me');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'session_expired' });
  });

  it('keeps a session in use alive: a request resets the idle clock', async () => {
    const { owner } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    const idleHours = t.ctx.config.sessionIdleMs / 3600_000;
    await sql`UPDATE sessions SET last_seen_at = now() - make_interval(hours => ${idleHours - 1}) WHERE user_id = ${owner.id}`.execute(
      t.ctx.db,
    );

    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(200);
    const row = await t.ctx.db
      .selectFrom('sessions')
      .select('lastSeenAt')
      .where('userId', '=', owner.id)
      .executeTakeFirstOrThrow();
    expect(Date.now() - row.lastSeenAt.getTime()).toBeLessThan(60_000);
  });

  it('lets an expired cookie log in again on the login route', async () => {
    const { owner } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    await sql`UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = ${owner.id}`.execute(
      t.ctx.db,
    );
    expect((await login(c, owner.email, owner.password)).statusCode).toBe(200);
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(200);
  });
});

describe('login throttling', () => {
  it('locks an account after 5 wrong passwords, even against the right one, and tells when to retry', async () => {
    const { owner, practiceId } = await makePractice(t.ctx);
    const other = await makeMember(t.ctx, practiceId, 'receptionist');
    const c = client();
    for (let i = 0; i < 5; i++) expect((await login(c, owner.email, `wrong ${i}`)).statusCode).toBe(401);

    const locked = await login(c, owner.email, owner.password);
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = locked.json();
    expect(problem.code).toBe('login_throttled');
    expect(problem.retryAfterSeconds).toBeGreaterThan(0);
    expect(problem.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
    expect(locked.headers['retry-after']).toBe(String(problem.retryAfterSeconds));
    expect(locked.headers['set-cookie']).toBeUndefined();

    // The lock is on the account, not on the address.
    expect((await login(c, other.email, other.password)).statusCode).toBe(200);
    // And on the account from anywhere.
    expect((await login(client(), owner.email, owner.password)).statusCode).toBe(429);
  });

  it('forgets failures once the account logs in successfully', async () => {
    const { owner } = await makePractice(t.ctx);
    const c = client();
    for (let i = 0; i < 4; i++) await login(c, owner.email, `wrong ${i}`);
    expect((await login(c, owner.email, owner.password)).statusCode).toBe(200);
    for (let i = 0; i < 4; i++) expect((await login(c, owner.email, `wrong again ${i}`)).statusCode).toBe(401);
    expect((await login(c, owner.email, owner.password)).statusCode).toBe(200);
  });

  it('lifts the lock when the failures leave the 15-minute window', async () => {
    const { owner } = await makePractice(t.ctx);
    const c = client();
    for (let i = 0; i < 5; i++) await login(c, owner.email, `wrong ${i}`);
    expect((await login(c, owner.email, owner.password)).statusCode).toBe(429);
    await sql`UPDATE login_attempts SET attempted_at = now() - interval '16 minutes' WHERE email = ${owner.email}`.execute(
      t.ctx.db,
    );
    expect((await login(c, owner.email, owner.password)).statusCode).toBe(200);
  });

  it('locks an address after 20 failures across accounts; other addresses still get in', async () => {
    const { owner } = await makePractice(t.ctx);
    const sprayer = client();
    for (let i = 0; i < 20; i++) {
      expect((await login(sprayer, `spray-${i}-${Date.now()}@example.mu`, 'password123')).statusCode).toBe(401);
    }
    const fromSprayer = await login(sprayer, owner.email, owner.password);
    expect(fromSprayer.statusCode).toBe(429);
    expect(fromSprayer.json()).toMatchObject({ code: 'login_throttled' });
    expect(Number(fromSprayer.headers['retry-after'])).toBeGreaterThan(0);

    expect((await login(client(), owner.email, owner.password)).statusCode).toBe(200);
  });
});

describe('audit trail of logins', () => {
  it('records failed and successful logins, with the address, in the trail of each practice of the user', async () => {
    const { owner, practiceId } = await makePractice(t.ctx);
    const receptionist = await makeMember(t.ctx, practiceId, 'receptionist');
    const ip = freshIp();
    await login(new Client(t.app, ip), receptionist.email, 'not it');
    await login(new Client(t.app, ip), receptionist.email, receptionist.password);

    const events = await auditActions(owner, practiceId);
    const failed = events.find((e) => e.action === 'auth.login_failed' && e.targetId === receptionist.id);
    expect(failed).toMatchObject({ actorUserId: receptionist.id, ip, changes: { reason: 'wrong_password' } });
    expect(events.find((e) => e.action === 'auth.login' && e.actorUserId === receptionist.id)).toMatchObject({ ip });
    // Nothing about the password itself lands in the trail.
    expect(JSON.stringify(events)).not.toContain('not it');
  });

  it('does not let a receptionist read the trail', async () => {
    const { practiceId } = await makePractice(t.ctx);
    const receptionist = await loggedIn(t.app, await makeMember(t.ctx, practiceId, 'receptionist'));
    const res = await receptionist.get(`/api/v1/practices/${practiceId}/audit-events`);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'forbidden' });
  });
});

describe('password change', () => {
  it('refuses a wrong current password and keeps the old one', async () => {
    const { owner } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    const res = await c.post('/api/v1/auth/password', {
      currentPassword: 'not the password',
      newPassword: 'a new long passphrase',
    });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'invalid_credentials' });
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(200);
    expect((await login(client(), owner.email, owner.password)).statusCode).toBe(200);
  });

  it('refuses a new password under 10 characters', async () => {
    const { owner } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    const res = await c.post('/api/v1/auth/password', { currentPassword: owner.password, newPassword: 'short' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: 'newPassword' })],
    });
  });

  it('sets the new password, ends the other sessions and keeps this one', async () => {
    const { owner, practiceId } = await makePractice(t.ctx);
    const here = await loggedIn(t.app, owner);
    const elsewhere = await loggedIn(t.app, owner);
    const newPassword = 'a new long passphrase';

    const res = await here.post('/api/v1/auth/password', { currentPassword: owner.password, newPassword });
    expect(res.statusCode).toBe(204);

    expect((await here.get('/api/v1/auth/me')).statusCode).toBe(200);
    expect((await elsewhere.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await login(client(), owner.email, TEST_PASSWORD)).statusCode).toBe(401);
    expect((await login(client(), owner.email, newPassword)).statusCode).toBe(200);

    const events = await auditActions({ email: owner.email, password: newPassword }, practiceId);
    expect(events.find((e) => e.action === 'auth.password_changed')).toMatchObject({
      changes: { otherSessionsEnded: 1 },
    });
  });
});

describe('CSRF: unsafe requests with a session must come from our origin', () => {
  async function withSession() {
    const { owner } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    const rename = (name: string, headers: Record<string, string>) =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/v1/auth/me',
        remoteAddress: c.ip,
        headers: { cookie: c.cookie!, 'content-type': 'application/json', ...headers },
        payload: { name },
      });
    const currentName = async () => (await c.get('/api/v1/auth/me')).json().user.name as string;
    return { rename, currentName };
  }

  it('refuses a request with neither Origin nor Referer', async () => {
    const { rename, currentName } = await withSession();
    const res = await rename('Changed', {});
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'csrf_origin_mismatch' });
    expect(await currentName()).toBe('Owner Test');
  });

  it('refuses a foreign Origin and a foreign Referer', async () => {
    const { rename, currentName } = await withSession();
    const attempts: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { referer: 'https://evil.example/page' },
      { origin: 'null' },
    ];
    for (const headers of attempts) {
      const res = await rename('Changed', headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json()).toMatchObject({ code: 'csrf_origin_mismatch' });
    }
    expect(await currentName()).toBe('Owner Test');
  });

  it('accepts a Referer from our origin when Origin is absent', async () => {
    const { rename, currentName } = await withSession();
    const res = await rename('Dr Referer', { referer: `${TEST_ORIGIN}/settings/profile` });
    expect(res.statusCode).toBe(200);
    expect(await currentName()).toBe('Dr Referer');
  });

  it('refuses a login posted from a foreign origin', async () => {
    const { owner } = await makePractice(t.ctx);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: freshIp(),
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      payload: { email: owner.email, password: owner.password },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'csrf_origin_mismatch' });
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('lets a script without cookies log in without an Origin', async () => {
    const { owner } = await makePractice(t.ctx);
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: freshIp(),
      headers: { 'content-type': 'application/json' },
      payload: { email: owner.email, password: owner.password },
    });
    expect(res.statusCode).toBe(200);
  });
});
