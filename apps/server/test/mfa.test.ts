import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, loggedIn, makePractice, type TestApp } from './harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

let lastIp = 0;
const client = () => new Client(t.app, `198.51.100.${++lastIp}`);

/**
 * The code of the current 30-second step (offset 0) or the next one (offset 1): the server
 * accepts both, and each is used at most once per test so replay protection cannot refuse it.
 */
const codeAt = (secret: string, offsetSteps: 0 | 1) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 * offsetSteps });

/** A six-digit code the server accepts at none of the steps around now. */
async function wrongCode(secret: string) {
  const now = Math.floor(Date.now() / 1000);
  const valid = new Set(await Promise.all([-60, -30, 0, 30, 60].map((d) => generate({ secret, epoch: now + d }))));
  for (let n = 0; ; n++) {
    const candidate = String((123456 + n * 7919) % 1_000_000).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

async function startSetup(c: Client) {
  const res = await c.post('/api/v1/auth/mfa/setup');
  expect(res.statusCode).toBe(200);
  return res.json() as { secret: string; otpauthUrl: string };
}

/** An owner with two-factor turned on; `session` is the session that turned it on. */
async function ownerWithMfa() {
  const { owner, practiceId } = await makePractice(t.ctx);
  const session = await loggedIn(t.app, owner);
  const { secret } = await startSetup(session);
  const res = await session.post('/api/v1/auth/mfa/enable', { code: await codeAt(secret, 0) });
  expect(res.statusCode).toBe(200);
  return { owner, practiceId, session, secret, recoveryCodes: res.json().recoveryCodes as string[] };
}

/** Password step of a login for an account with two-factor: the client holds a pending session. */
async function passwordStep(email: string, password: string, c = client()) {
  const res = await c.post('/api/v1/auth/login', { email, password });
  expect(res.statusCode).toBe(200);
  expect(res.json()).toEqual({ mfaRequired: true });
  return c;
}

describe('two-factor setup', () => {
  it('hands out a secret and an otpauth URL, but changes nothing until a code is confirmed', async () => {
    const { owner } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    const { secret, otpauthUrl } = await startSetup(c);

    expect(secret).toMatch(/^[A-Z2-7]{16,}=*$/);
    const url = new URL(otpauthUrl);
    expect(url.protocol).toBe('otpauth:');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('DentalPro');
    expect(decodeURIComponent(otpauthUrl)).toContain(owner.email);

    expect((await c.get('/api/v1/auth/me')).json().user.mfaEnabled).toBe(false);
    const relogin = await client().post('/api/v1/auth/login', { email: owner.email, password: owner.password });
    expect(relogin.json().user).toBeDefined();
  });

  it('refuses to enable with a wrong code', async () => {
    const { owner } = await makePractice(t.ctx);
    const c = await loggedIn(t.app, owner);
    const { secret } = await startSetup(c);

    const res = await c.post('/api/v1/auth/mfa/enable', { code: await wrongCode(secret) });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'mfa_invalid_code' });
    expect((await c.get('/api/v1/auth/me')).json().user.mfaEnabled).toBe(false);
  });

  it('enables with a code from the app and returns 10 distinct recovery codes', async () => {
    const { owner, practiceId, session, recoveryCodes } = await ownerWithMfa();

    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}$/);
    expect((await session.get('/api/v1/auth/me')).json().user.mfaEnabled).toBe(true);
    // The session that turned it on stays logged in.
    expect((await session.get('/api/v1/auth/me')).statusCode).toBe(200);

    const audit = (await session.get(`/api/v1/practices/${practiceId}/audit-events`)).json();
    expect(audit.items).toContainEqual(expect.objectContaining({ action: 'auth.mfa_enabled', targetId: owner.id }));
  });

  it('refuses a second setup while two-factor is on', async () => {
    const { session } = await ownerWithMfa();
    const res = await session.post('/api/v1/auth/mfa/setup');
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'mfa_already_enabled' });
  });

  it('stores the TOTP secret encrypted', async () => {
    const { owner, secret } = await ownerWithMfa();
    const row = await t.ctx.db
      .selectFrom('users')
      .select('mfaSecretEncrypted')
      .where('id', '=', owner.id)
      .executeTakeFirstOrThrow();
    const stored = row.mfaSecretEncrypted!;
    expect(stored.length).toBeGreaterThan(secret.length);
    expect(stored.includes(Buffer.from(secret, 'utf8'))).toBe(false);
    expect(stored.includes(base32Decode(secret))).toBe(false);
    expect(stored.toString('latin1')).not.toContain(secret.slice(0, 8));
  });
});

describe('logging in with two-factor', () => {
  it('asks for the code after the password; the pending session can reach nothing else', async () => {
    const { owner, practiceId } = await ownerWithMfa();
    const c = client();
    const res = await c.post('/api/v1/auth/login', { email: owner.email, password: owner.password });

    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ mfaRequired: true });
    // The half-login cookie lives ten minutes at most.
    expect(String(res.headers['set-cookie'])).toMatch(/Max-Age=600\b/i);

    for (const url of ['/api/v1/auth/me', `/api/v1/practices/${practiceId}`, `/api/v1/practices/${practiceId}/staff`]) {
      const blocked = await c.get(url);
      expect(blocked.statusCode, url).toBe(401);
      expect(blocked.json(), url).toMatchObject({ code: 'mfa_required' });
    }
    const write = await c.post('/api/v1/practices', { name: 'Sneaky Clinic' });
    expect(write.statusCode).toBe(401);
    expect(write.json()).toMatchObject({ code: 'mfa_required' });
  });

  it('finishes the login with the right code', async () => {
    const { owner, practiceId, secret } = await ownerWithMfa();
    const c = await passwordStep(owner.email, owner.password);

    const res = await c.post('/api/v1/auth/login/mfa', { code: await codeAt(secret, 1) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      user: { id: owner.id, mfaEnabled: true },
      memberships: [{ practiceId, role: 'owner' }],
    });
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(200);

    // The half-login session is replaced, not kept alongside.
    const pending = await t.ctx.db
      .selectFrom('sessions')
      .select('id')
      .where('userId', '=', owner.id)
      .where('mfaPending', '=', true)
      .execute();
    expect(pending).toHaveLength(0);
    const audit = (await c.get(`/api/v1/practices/${practiceId}/audit-events`)).json();
    expect(audit.items).toContainEqual(
      expect.objectContaining({ action: 'auth.login', changes: { mfa: true, recoveryCode: false } }),
    );
  });

  it('refuses a wrong code and keeps the session pending', async () => {
    const { owner, secret } = await ownerWithMfa();
    const c = await passwordStep(owner.email, owner.password);

    const res = await c.post('/api/v1/auth/login/mfa', { code: await wrongCode(secret) });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'mfa_invalid_code' });
    expect((await c.get('/api/v1/auth/me')).json()).toMatchObject({ code: 'mfa_required' });
  });

  it('has no code step for a session that is not waiting for one', async () => {
    const { session, secret } = await ownerWithMfa();
    const loggedInAlready = await session.post('/api/v1/auth/login/mfa', { code: await codeAt(secret, 1) });
    expect(loggedInAlready.statusCode).toBe(401);
    expect(loggedInAlready.json()).toMatchObject({ code: 'unauthenticated' });

    const anonymous = await client().post('/api/v1/auth/login/mfa', { code: '123456' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'unauthenticated' });
  });

  it('accepts a recovery code exactly once', async () => {
    const { owner, recoveryCodes } = await ownerWithMfa();
    const [code] = recoveryCodes;

    const first = await passwordStep(owner.email, owner.password);
    const ok = await first.post('/api/v1/auth/login/mfa', { recoveryCode: code });
    expect(ok.statusCode).toBe(200);
    expect((await first.get('/api/v1/auth/me')).statusCode).toBe(200);

    const second = await passwordStep(owner.email, owner.password);
    const reused = await second.post('/api/v1/auth/login/mfa', { recoveryCode: code });
    expect(reused.statusCode).toBe(401);
    expect(reused.json()).toMatchObject({ code: 'mfa_invalid_code' });
    expect((await second.get('/api/v1/auth/me')).statusCode).toBe(401);
  });

  it('reads a recovery code typed in capitals and without the dash', async () => {
    const { owner, recoveryCodes } = await ownerWithMfa();
    const c = await passwordStep(owner.email, owner.password);
    const res = await c.post('/api/v1/auth/login/mfa', {
      recoveryCode: ` ${recoveryCodes[3]!.replace('-', '').toUpperCase()} `,
    });
    expect(res.statusCode).toBe(200);
  });

  it('does not accept one account’s recovery code for another', async () => {
    const alice = await ownerWithMfa();
    const bob = await ownerWithMfa();
    const c = await passwordStep(bob.owner.email, bob.owner.password);
    const res = await c.post('/api/v1/auth/login/mfa', { recoveryCode: alice.recoveryCodes[0] });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'mfa_invalid_code' });
  });

  it('counts wrong codes as failed logins: after 5 the account is throttled', async () => {
    const { owner, secret } = await ownerWithMfa();
    const c = await passwordStep(owner.email, owner.password);
    const bad = await wrongCode(secret);
    for (let i = 0; i < 5; i++) expect((await c.post('/api/v1/auth/login/mfa', { code: bad })).statusCode).toBe(401);

    const rightCode = await c.post('/api/v1/auth/login/mfa', { code: await codeAt(secret, 1) });
    expect(rightCode.statusCode).toBe(429);
    expect(rightCode.json()).toMatchObject({ code: 'login_throttled' });
    expect(Number(rightCode.headers['retry-after'])).toBeGreaterThan(0);
    // Starting over with the password does not reset the count.
    const again = await client().post('/api/v1/auth/login', { email: owner.email, password: owner.password });
    expect(again.statusCode).toBe(429);
  });

  it('does not accept the same TOTP code twice', async () => {
    // RFC 6238 §5.2: a verifier must not accept an OTP a second time once it was accepted.
    const { owner, secret } = await ownerWithMfa();
    const code = await codeAt(secret, 1);
    const first = await passwordStep(owner.email, owner.password);
    expect((await first.post('/api/v1/auth/login/mfa', { code })).statusCode).toBe(200);

    const replay = await passwordStep(owner.email, owner.password);
    const res = await replay.post('/api/v1/auth/login/mfa', { code });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ code: 'mfa_invalid_code' });
  });
});

describe('turning two-factor off', () => {
  it('needs the password; afterwards a login needs no code', async () => {
    const { owner, session } = await ownerWithMfa();

    const wrong = await session.post('/api/v1/auth/mfa/disable', { password: 'not the password' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'invalid_credentials' });
    expect((await session.get('/api/v1/auth/me')).json().user.mfaEnabled).toBe(true);

    expect((await session.post('/api/v1/auth/mfa/disable', { password: owner.password })).statusCode).toBe(204);
    expect((await session.get('/api/v1/auth/me')).json().user.mfaEnabled).toBe(false);

    const res = await client().post('/api/v1/auth/login', { email: owner.email, password: owner.password });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user: { id: owner.id, mfaEnabled: false } });
    const row = await t.ctx.db
      .selectFrom('users')
      .select('mfaSecretEncrypted')
      .where('id', '=', owner.id)
      .executeTakeFirstOrThrow();
    expect(row.mfaSecretEncrypted).toBeNull();
    const codes = await t.ctx.db
      .selectFrom('mfaRecoveryCodes')
      .select('userId')
      .where('userId', '=', owner.id)
      .execute();
    expect(codes).toHaveLength(0);
  });

  it('new recovery codes replace the old ones', async () => {
    const { owner, session, recoveryCodes } = await ownerWithMfa();
    const res = await session.post('/api/v1/auth/mfa/recovery-codes', { password: owner.password });
    expect(res.statusCode).toBe(200);
    const fresh = res.json().recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    expect(fresh.some((c) => recoveryCodes.includes(c))).toBe(false);

    const old = await passwordStep(owner.email, owner.password);
    expect((await old.post('/api/v1/auth/login/mfa', { recoveryCode: recoveryCodes[0] })).statusCode).toBe(401);
    const current = await passwordStep(owner.email, owner.password);
    expect((await current.post('/api/v1/auth/login/mfa', { recoveryCode: fresh[0] })).statusCode).toBe(200);
  });
});

describe('two-factor and invitations', () => {
  it('accepting an invitation with only the password does not log a two-factor account in', async () => {
    // Whoever owns any practice can invite any email and is handed the link (acceptUrl):
    // the password alone must not open a full session for an account that has two-factor.
    const victim = await ownerWithMfa();
    const { owner: otherOwner, practiceId: otherPractice } = await makePractice(t.ctx);
    const inviter = await loggedIn(t.app, otherOwner);
    const invite = await inviter.post(`/api/v1/practices/${otherPractice}/invitations`, {
      email: victim.owner.email,
      role: 'dentist',
    });
    expect(invite.statusCode).toBe(201);
    const token = new URL(invite.json().acceptUrl).pathname.split('/').pop()!;

    const c = client();
    const accept = await c.post(`/api/v1/invitations/${token}/accept`, { password: victim.owner.password });
    expect(accept.json().user, 'no account data before the second factor').toBeUndefined();
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(401);
  });
});

/** RFC 4648 base32, as TOTP secrets are written. */
function base32Decode(input: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of input.replace(/=+$/, '')) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}
