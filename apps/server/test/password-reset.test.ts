import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp, loggedIn, makePractice, TEST_ORIGIN, TEST_PASSWORD, type TestApp } from './harness.js';
import { linkIn, type SmtpCatcher, startSmtpCatcher } from './smtp-catcher.js';

let t: TestApp;
let smtp: SmtpCatcher;
beforeAll(async () => {
  smtp = await startSmtpCatcher();
  t = await createTestApp({ config: { smtpUrl: smtp.url } });
});
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const NEW_PASSWORD = 'a brand new passphrase';

async function requestReset(email: string) {
  return new Client(t.app).post('/api/v1/auth/password-reset/request', { email });
}

/** Asks for a reset and returns the token from the emailed link. */
async function emailedToken(email: string): Promise<string> {
  const before = smtp.to(email).length;
  const res = await requestReset(email);
  expect(res.statusCode).toBe(202);
  const mails = smtp.to(email);
  expect(mails).toHaveLength(before + 1);
  const link = linkIn(mails.at(-1)!.text, '/reset-password');
  expect(link).toBeDefined();
  return link!.searchParams.get('token')!;
}

const confirm = (token: string, newPassword = NEW_PASSWORD) =>
  new Client(t.app).post('/api/v1/auth/password-reset/confirm', { token, newPassword });

async function loginStatus(email: string, password: string) {
  const res = await new Client(t.app).post('/api/v1/auth/login', { email, password });
  return res.statusCode;
}

describe('password reset', () => {
  it('emails a reset link on our public URL to a known account', async () => {
    const { owner } = await makePractice(t.ctx);
    const res = await requestReset(owner.email);
    expect(res.statusCode).toBe(202);
    const mails = smtp.to(owner.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/reset your password/i);
    const link = linkIn(mails[0]!.text, '/reset-password');
    expect(link?.origin).toBe(TEST_ORIGIN);
    expect(link?.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  });

  it('answers an unknown email the same way and sends nothing', async () => {
    const before = smtp.messages.length;
    const res = await requestReset(`nobody-${Date.now()}@example.mu`);
    expect(res.statusCode).toBe(202);
    expect(res.body).toBe('');
    expect(smtp.messages).toHaveLength(before);
  });

  it('sets the new password, retires the old one and ends every session', async () => {
    const { owner, practiceId } = await makePractice(t.ctx);
    const sessionA = await loggedIn(t.app, owner);
    const sessionB = await loggedIn(t.app, owner);
    const token = await emailedToken(owner.email);

    const res = await confirm(token);
    expect(res.statusCode).toBe(204);

    expect((await sessionA.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect((await sessionB.get('/api/v1/auth/me')).statusCode).toBe(401);
    expect(await loginStatus(owner.email, TEST_PASSWORD)).toBe(401);
    const fresh = new Client(t.app);
    await fresh.login(owner.email, NEW_PASSWORD);
    const audit = (await fresh.get(`/api/v1/practices/${practiceId}/audit-events`)).json();
    expect(audit.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['auth.password_reset_requested', 'auth.password_reset']),
    );
  });

  it('refuses a link that was already used', async () => {
    const { owner } = await makePractice(t.ctx);
    const token = await emailedToken(owner.email);
    expect((await confirm(token)).statusCode).toBe(204);

    const again = await confirm(token, 'yet another passphrase');
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'reset_token_invalid' });
    expect(await loginStatus(owner.email, NEW_PASSWORD)).toBe(200);
  });

  it('refuses an expired link and leaves the password as it was', async () => {
    const { owner } = await makePractice(t.ctx);
    const token = await emailedToken(owner.email);
    await sql`UPDATE password_reset_tokens SET expires_at = now() - interval '1 minute'
              WHERE user_id = (SELECT id FROM users WHERE email = ${owner.email})`.execute(t.ctx.db);

    const res = await confirm(token);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'reset_token_invalid' });
    expect(await loginStatus(owner.email, TEST_PASSWORD)).toBe(200);
  });

  it('refuses a made-up token', async () => {
    const res = await confirm('x'.repeat(43));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'reset_token_invalid' });
  });

  it('keeps the link usable when the new password is too short', async () => {
    const { owner } = await makePractice(t.ctx);
    const token = await emailedToken(owner.email);
    const weak = await confirm(token, 'short');
    expect(weak.statusCode).toBe(400);
    expect(weak.json()).toMatchObject({
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: 'newPassword' })],
    });
    expect((await confirm(token)).statusCode).toBe(204);
  });

  it('sends at most one email a minute to an account', async () => {
    const { owner } = await makePractice(t.ctx);
    for (let i = 0; i < 3; i++) expect((await requestReset(owner.email)).statusCode).toBe(202);
    expect(smtp.to(owner.email)).toHaveLength(1);
  });

  it('using one link kills the other outstanding links of the account', async () => {
    const { owner } = await makePractice(t.ctx);
    const first = await emailedToken(owner.email);
    // Step past the one-email-a-minute limit.
    await sql`UPDATE password_reset_tokens SET created_at = now() - interval '2 minutes'
              WHERE user_id = (SELECT id FROM users WHERE email = ${owner.email})`.execute(t.ctx.db);
    const second = await emailedToken(owner.email);
    expect(second).not.toBe(first);

    expect((await confirm(second)).statusCode).toBe(204);
    const stale = await confirm(first, 'yet another passphrase');
    expect(stale.statusCode).toBe(400);
    expect(stale.json()).toMatchObject({ code: 'reset_token_invalid' });
  });

  it('answers a known email with 202 even when the mail relay refuses the message', async () => {
    // Otherwise the status tells an outsider which emails have accounts whenever mail is down.
    const { owner } = await makePractice(t.ctx);
    smtp.refuseMail = true;
    try {
      const known = await requestReset(owner.email);
      const unknown = await requestReset(`nobody-${Date.now()}@example.mu`);
      expect(unknown.statusCode).toBe(202);
      expect(known.statusCode).toBe(202);
    } finally {
      smtp.refuseMail = false;
    }
  });
});
