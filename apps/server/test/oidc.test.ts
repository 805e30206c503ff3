import { type AddressInfo, createServer, type Socket } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIdentityIn } from '../src/modules/auth/auth.service.js';
import {
  Client,
  createTestApp,
  makeMember,
  makePractice,
  TEST_ORIGIN,
  TEST_PASSWORD,
  type TestApp,
} from './harness.js';
import {
  type MisissuingProvider,
  oidcSettings,
  startMisissuingProvider,
  startTestProvider,
  type TestProvider,
  throughProvider,
} from './oidc-fixtures.js';

const CALLBACK = `${TEST_ORIGIN}/api/v1/auth/oidc/callback`;

let provider: TestProvider;
let t: TestApp;
beforeAll(async () => {
  provider = await startTestProvider({ redirectUris: [CALLBACK] });
  t = await createTestApp({ config: { oidc: oidcSettings(provider.issuer) } });
});
afterAll(async () => {
  await t?.close();
  await provider?.close();
});

let lastIp = 0;
const client = (app = t.app) => new Client(app, `198.51.100.${++lastIp}`);
let lastAccount = 0;

/** A provider account; the next sign-in at the provider is as this account. */
function providerAccount(email: string, emailVerified = true) {
  // oidc-provider gives the account's id as the subject.
  const id = `sub-${++lastAccount}-${Date.now()}`;
  provider.accounts.set(id, { sub: id, email, emailVerified, name: 'Priya Ramsamy' });
  provider.autoLogin = id;
  return provider.accounts.get(id)!;
}

/** Starts at DentalPro, goes through the provider, and answers the callback URL and the browser cookie. */
async function goToProvider(c: Client, path = '/api/v1/auth/oidc/start', body: unknown = {}) {
  const start = await c.post(path, body);
  expect(start.statusCode, start.body).toBe(200);
  const browser = start.cookies.find((k) => k.name === 'dp_oidc');
  expect(browser?.httpOnly).toBe(true);
  const callback = await throughProvider(start.json().url, CALLBACK);
  return { callback, browserCookie: `dp_oidc=${browser!.value}` };
}

/** The callback as the browser makes it (its cookies: the session's, if any, and the binding one). */
function callBack(c: Client, back: { callback: URL; browserCookie?: string }, headers: Record<string, string> = {}) {
  const cookies = [c.cookie, back.browserCookie].filter(Boolean).join('; ');
  return c.request('GET', back.callback.pathname + back.callback.search, undefined, {
    ...(cookies ? { cookie: cookies } : {}),
    ...headers,
  });
}

const sessionSet = (res: LightMyRequestResponse) => res.cookies.some((k) => k.name === 'dp_session' && k.value !== '');

async function invite(owner: { email: string; password: string }, practiceId: string, email: string) {
  const c = client();
  await c.login(owner.email, owner.password);
  const res = await c.post(`/api/v1/practices/${practiceId}/invitations`, { email, role: 'dentist' });
  expect(res.statusCode, res.body).toBe(201);
  return { token: new URL(res.json().acceptUrl).pathname.split('/').pop()!, owner: c };
}

async function auditActions(owner: Client, practiceId: string) {
  const res = await owner.get(`/api/v1/practices/${practiceId}/audit-events?limit=200`);
  expect(res.statusCode).toBe(200);
  return res.json().items as { action: string; targetId: string | null; changes: Record<string, unknown> }[];
}

/** A password account linked to a fresh provider account (through the service, as the profile does). */
async function linkedMember(practiceId: string) {
  const member = await makeMember(t.ctx, practiceId, 'dentist');
  const account = providerAccount(member.email);
  await linkIdentityIn(t.db, member.id, {
    issuer: provider.issuer,
    subject: account.sub,
    email: account.email,
    emailVerified: true,
    name: account.name,
  });
  return { ...member, account };
}

describe('the public configuration', () => {
  it('names the provider for the sign-in button', async () => {
    const res = await client().get('/api/v1/auth/oidc/config');
    expect(res.json()).toEqual({ enabled: true, displayName: 'Test ID', practiceProviders: false });
  });

  it('says there is none when none is configured, and refuses to start', async () => {
    const plain = await createTestApp();
    try {
      expect((await client(plain.app).get('/api/v1/auth/oidc/config')).json()).toEqual({
        enabled: false,
        displayName: null,
        practiceProviders: false,
      });
      const start = await client(plain.app).post('/api/v1/auth/oidc/start', {});
      expect(start.statusCode).toBe(404);
      expect(start.json().code).toBe('oidc_not_configured');
    } finally {
      await plain.close();
    }
  });
});

describe('starting sign-ins from one address', () => {
  it('is limited per minute: the next start is refused with rate_limited and when to retry, the password form still works', async () => {
    const limited = await createTestApp({ config: { oidc: oidcSettings(provider.issuer), oidcStartsPerMinute: 3 } });
    try {
      const { owner } = await makePractice(limited.ctx);
      const browser = client(limited.app);
      for (let i = 0; i < 3; i++) expect((await browser.post('/api/v1/auth/oidc/start', {})).statusCode).toBe(200);
      const refused = await browser.post('/api/v1/auth/oidc/start', {});
      expect(refused.statusCode).toBe(429);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.json().code).toBe('rate_limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
      // Another address is not held back by this one's starts.
      expect((await client(limited.app).post('/api/v1/auth/oidc/start', {})).statusCode).toBe(200);
      const password = await browser.post('/api/v1/auth/login', {
        email: owner.email,
        password: owner.password,
      });
      expect(password.statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('an invited member signing in through the provider', () => {
  it('joins the practice with a new account linked to the provider account, and signs in with it later', async () => {
    const { practiceId, owner } = await makePractice(t.ctx);
    const email = `priya-${Date.now()}@clinic.mu`;
    const { token, owner: ownerClient } = await invite(owner, practiceId, email);
    providerAccount(email);

    const c = client();
    const back = await goToProvider(c, '/api/v1/auth/oidc/start', { invitationToken: token });
    // PKCE and a nonce went to the provider with the state.
    const res = await callBack(c, back);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().memberships).toEqual([expect.objectContaining({ practiceId, role: 'dentist' })]);
    expect(res.json().user.email).toBe(email);
    expect(sessionSet(res)).toBe(true);
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(200);

    // Later, from another browser: the provider alone signs them in.
    const later = client();
    const again = await callBack(later, await goToProvider(later));
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().user.email).toBe(email);

    const actions = await auditActions(ownerClient, practiceId);
    expect(actions.filter((a) => a.action === 'staff.invitation_accepted')).toHaveLength(1);
    const logins = actions.filter((a) => a.action === 'auth.login' && a.targetId === res.json().user.id);
    expect(logins.map((a) => a.changes)).toEqual([
      { mfa: false, method: 'oidc', issuer: provider.issuer },
      { mfa: false, method: 'oidc', issuer: provider.issuer },
    ]);
  });

  it('links nothing through an unverified email: no account, the invitation still open', async () => {
    const { practiceId, owner } = await makePractice(t.ctx);
    const email = `unverified-${Date.now()}@clinic.mu`;
    const { token } = await invite(owner, practiceId, email);
    providerAccount(email, false);
    const c = client();
    const res = await callBack(c, await goToProvider(c, '/api/v1/auth/oidc/start', { invitationToken: token }));
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('oidc_email_unverified');
    expect(sessionSet(res)).toBe(false);
    expect(await t.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()).toBeUndefined();
    expect((await client().get(`/api/v1/invitations/${token}`)).statusCode).toBe(200);
  });

  it('refuses a provider account whose email is not the invitation’s', async () => {
    const { practiceId, owner } = await makePractice(t.ctx);
    const { token } = await invite(owner, practiceId, `invited-${Date.now()}@clinic.mu`);
    providerAccount(`someone-else-${Date.now()}@clinic.mu`);
    const c = client();
    const res = await callBack(c, await goToProvider(c, '/api/v1/auth/oidc/start', { invitationToken: token }));
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('oidc_email_mismatch');
    expect(sessionSet(res)).toBe(false);
  });

  it('does not link an existing account by its email: it accepts with its password', async () => {
    const { practiceId, owner } = await makePractice(t.ctx);
    const other = await makePractice(t.ctx);
    const existing = await makeMember(t.ctx, other.practiceId, 'hygienist');
    const { token } = await invite(owner, practiceId, existing.email);
    providerAccount(existing.email);
    const c = client();
    const res = await callBack(c, await goToProvider(c, '/api/v1/auth/oidc/start', { invitationToken: token }));
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('oidc_account_exists');
    expect(await t.db.selectFrom('userIdentities').selectAll().where('userId', '=', existing.id).execute()).toEqual([]);
  });
});

describe('signing in through the provider', () => {
  it('refuses a provider account linked to no DentalPro account', async () => {
    providerAccount(`stranger-${Date.now()}@gmail.com`);
    const c = client();
    const res = await callBack(c, await goToProvider(c));
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('oidc_account_not_linked');
    expect(sessionSet(res)).toBe(false);
  });

  it('refuses a replayed callback: the state works once', async () => {
    const { practiceId } = await makePractice(t.ctx);
    await linkedMember(practiceId);
    const c = client();
    const back = await goToProvider(c);
    expect((await callBack(c, back)).statusCode).toBe(200);
    const replay = client();
    const res = await callBack(replay, back);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('oidc_state_invalid');
    expect(sessionSet(res)).toBe(false);
  });

  it('refuses a callback in a browser that did not start the sign-in (no binding cookie)', async () => {
    const { practiceId } = await makePractice(t.ctx);
    await linkedMember(practiceId);
    const c = client();
    const back = await goToProvider(c);
    const res = await callBack(client(), { callback: back.callback });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('oidc_state_invalid');
    expect(sessionSet(res)).toBe(false);
  });

  it('refuses tampered callback parameters: another state, another code, an error in place of the code', async () => {
    const { practiceId } = await makePractice(t.ctx);
    await linkedMember(practiceId);

    const c1 = client();
    const back1 = await goToProvider(c1);
    back1.callback.searchParams.set('state', 'x'.repeat(43));
    const wrongState = await callBack(c1, back1);
    expect(wrongState.statusCode).toBe(400);
    expect(wrongState.json().code).toBe('oidc_state_invalid');

    const c2 = client();
    const back2 = await goToProvider(c2);
    back2.callback.searchParams.set('code', 'forged-code');
    const wrongCode = await callBack(c2, back2);
    expect(wrongCode.statusCode).toBe(401);
    expect(wrongCode.json().code).toBe('oidc_token_invalid');

    const c3 = client();
    const back3 = await goToProvider(c3);
    back3.callback.searchParams.delete('code');
    back3.callback.searchParams.set('error', 'access_denied');
    const denied = await callBack(c3, back3);
    expect(denied.statusCode).toBe(401);
    expect(denied.json().code).toBe('oidc_denied');

    for (const res of [wrongState, wrongCode, denied]) {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(sessionSet(res)).toBe(false);
    }
  });

  it('sends a browser back to the sign-in page with the reason, not a session', async () => {
    providerAccount(`stranger-${Date.now()}@gmail.com`);
    const c = client();
    const res = await callBack(c, await goToProvider(c), { accept: 'text/html,application/xhtml+xml' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/login?oidcError=oidc_account_not_linked');
    expect(sessionSet(res)).toBe(false);
  });

  it('asks for the account’s own two-step code before the session', async () => {
    const { practiceId } = await makePractice(t.ctx);
    const member = await linkedMember(practiceId);
    const secret = await enrolTwoStep(member);
    provider.autoLogin = member.account.sub;
    const c = client();
    const res = await callBack(c, await goToProvider(c));
    expect(res.json()).toEqual({ mfaRequired: true });
    expect((await c.get('/api/v1/auth/me')).json().code).toBe('mfa_required');
    const done = await c.post('/api/v1/auth/login/mfa', {
      code: await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }),
    });
    expect(done.statusCode, done.body).toBe(200);
  });
});

async function enrolTwoStep(user: { email: string; password: string }) {
  const c = client();
  const login = await c.post('/api/v1/auth/login', { email: user.email, password: user.password });
  expect(login.statusCode, login.body).toBe(200);
  return finishEnrolment(c);
}

async function finishEnrolment(c: Client) {
  const setup = await c.post('/api/v1/auth/mfa/setup');
  expect(setup.statusCode, setup.body).toBe(200);
  const secret = setup.json().secret as string;
  const enable = await c.post('/api/v1/auth/mfa/enable', { code: await generate({ secret }) });
  expect(enable.statusCode, enable.body).toBe(200);
  return secret;
}

describe('linking from the profile', () => {
  it('takes the password, then links the provider account, which then signs in', async () => {
    const { practiceId, owner } = await makePractice(t.ctx);
    const c = client();
    await c.login(owner.email, owner.password);
    const wrong = await c.post('/api/v1/auth/oidc/link', { password: 'not the password' });
    expect(wrong.statusCode).toBe(401);

    const account = providerAccount(`owner-work-${Date.now()}@clinic.mu`);
    const res = await callBack(c, await goToProvider(c, '/api/v1/auth/oidc/link', { password: TEST_PASSWORD }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ linked: true });
    const identities = (await c.get('/api/v1/auth/oidc/identities')).json().identities;
    expect(identities).toEqual([expect.objectContaining({ issuer: provider.issuer, email: account.email })]);

    const elsewhere = client();
    const signIn = await callBack(elsewhere, await goToProvider(elsewhere));
    expect(signIn.json().user.id).toBe(owner.id);

    const actions = await auditActions(c, practiceId);
    expect(actions.find((a) => a.action === 'auth.identity_linked')?.changes).toEqual({
      issuer: provider.issuer,
      email: account.email,
    });

    // Unlinking takes the password too; the provider account then signs in nobody.
    expect((await c.post('/api/v1/auth/oidc/unlink', { password: 'wrong' })).statusCode).toBe(401);
    expect((await c.post('/api/v1/auth/oidc/unlink', { password: TEST_PASSWORD })).statusCode).toBe(204);
    const after = client();
    expect((await callBack(after, await goToProvider(after))).json().code).toBe('oidc_account_not_linked');
  });

  it('never links through an unverified email, nor a provider account linked to someone else', async () => {
    const { practiceId, owner } = await makePractice(t.ctx);
    const c = client();
    await c.login(owner.email, owner.password);
    providerAccount(`unverified-${Date.now()}@clinic.mu`, false);
    const unverified = await callBack(c, await goToProvider(c, '/api/v1/auth/oidc/link', { password: TEST_PASSWORD }));
    expect(unverified.statusCode).toBe(403);
    expect(unverified.json().code).toBe('oidc_email_unverified');

    const taken = await linkedMember(practiceId);
    provider.autoLogin = taken.account.sub;
    const res = await callBack(c, await goToProvider(c, '/api/v1/auth/oidc/link', { password: TEST_PASSWORD }));
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('oidc_identity_taken');
    expect((await c.get('/api/v1/auth/oidc/identities')).json().identities).toEqual([]);
  });

  it('links only for the account signed in in the browser that started it', async () => {
    const { owner } = await makePractice(t.ctx);
    const c = client();
    await c.login(owner.email, owner.password);
    providerAccount(`owner2-${Date.now()}@clinic.mu`);
    const back = await goToProvider(c, '/api/v1/auth/oidc/link', { password: TEST_PASSWORD });
    await c.post('/api/v1/auth/logout');
    const res = await callBack(c, back);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('oidc_state_invalid');
  });
});

describe('deactivation', () => {
  it('ends every session of the member at once; removed from every practice, they cannot sign in either way', async () => {
    const { practiceId, owner } = await makePractice(t.ctx);
    const member = await linkedMember(practiceId);
    const byPassword = client();
    await byPassword.login(member.email);
    const byProvider = client();
    expect((await callBack(byProvider, await goToProvider(byProvider))).statusCode).toBe(200);
    expect((await byPassword.get('/api/v1/auth/me')).statusCode).toBe(200);

    const ownerClient = client();
    await ownerClient.login(owner.email, owner.password);
    const removed = await ownerClient.delete(`/api/v1/practices/${practiceId}/staff/${member.id}`);
    expect(removed.statusCode, removed.body).toBe(204);

    for (const c of [byPassword, byProvider]) expect((await c.get('/api/v1/auth/me')).statusCode).toBe(401);
    const password = await client().post('/api/v1/auth/login', { email: member.email, password: member.password });
    expect(password.statusCode).toBe(403);
    expect(password.json().code).toBe('account_without_practice');
    const again = client();
    const viaProvider = await callBack(again, await goToProvider(again));
    expect(viaProvider.statusCode).toBe(403);
    expect(viaProvider.json().code).toBe('account_without_practice');
    expect(sessionSet(viaProvider)).toBe(false);

    const event = (await auditActions(ownerClient, practiceId)).find((a) => a.action === 'staff.removed');
    expect(event?.changes).toEqual({ role: 'dentist', sessionsEnded: 2 });
  });
});

describe('the practice sign-in policy', () => {
  it('password sign-in off: the provider only, switched by an owner who has linked their own provider account', async () => {
    const { practiceId, owner } = await makePractice(t.ctx);
    const ownerClient = client();
    await ownerClient.login(owner.email, owner.password);
    const refused = await ownerClient.patch(`/api/v1/practices/${practiceId}`, { passwordSignInAllowed: false });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors[0].path).toBe('passwordSignInAllowed');

    providerAccount(`owner3-${Date.now()}@clinic.mu`);
    await callBack(ownerClient, await goToProvider(ownerClient, '/api/v1/auth/oidc/link', { password: TEST_PASSWORD }));
    const member = await linkedMember(practiceId);
    const off = await ownerClient.patch(`/api/v1/practices/${practiceId}`, { passwordSignInAllowed: false });
    expect(off.statusCode, off.body).toBe(200);
    expect(off.json().passwordSignInAllowed).toBe(false);

    const password = await client().post('/api/v1/auth/login', { email: member.email, password: member.password });
    expect(password.statusCode).toBe(403);
    expect(password.json().code).toBe('password_sign_in_disabled');
    const viaProvider = client();
    expect((await callBack(viaProvider, await goToProvider(viaProvider))).statusCode).toBe(200);

    const event = (await auditActions(ownerClient, practiceId)).find((a) => a.action === 'practice.updated');
    expect(event?.changes).toEqual({
      fields: ['passwordSignInAllowed'],
      passwordSignInAllowed: { from: true, to: false },
    });

    // An invitation of this practice cannot be accepted with a password: no account, no member,
    // no session, and the invitation stays open for the provider.
    const email = `invitee-${Date.now()}@clinic.mu`;
    const inv = await ownerClient.post(`/api/v1/practices/${practiceId}/invitations`, { email, role: 'dentist' });
    expect(inv.statusCode, inv.body).toBe(201);
    const token = new URL(inv.json().acceptUrl).pathname.split('/').pop()!;
    const byPassword = await client().post(`/api/v1/invitations/${token}/accept`, {
      name: 'New Dentist',
      password: 'a good long passphrase',
    });
    expect(byPassword.statusCode).toBe(403);
    expect(byPassword.json().code).toBe('password_sign_in_disabled');
    expect(sessionSet(byPassword)).toBe(false);
    expect(
      await t.ctx.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst(),
    ).toBeUndefined();
    expect((await client().get(`/api/v1/invitations/${token}`)).statusCode).toBe(200);
    // Nor by an existing account's password (it would join a practice it cannot sign in to).
    const other = await makePractice(t.ctx);
    const inv2 = await ownerClient.post(`/api/v1/practices/${practiceId}/invitations`, {
      email: other.owner.email,
      role: 'dentist',
    });
    const token2 = new URL(inv2.json().acceptUrl).pathname.split('/').pop()!;
    const existing = await client().post(`/api/v1/invitations/${token2}/accept`, { password: other.owner.password });
    expect(existing.statusCode).toBe(403);
    expect(existing.json().code).toBe('password_sign_in_disabled');
    const memberships = await t.ctx.db
      .selectFrom('memberships')
      .select('practiceId')
      .where('userId', '=', other.owner.id)
      .execute();
    expect(memberships.map((m) => m.practiceId)).toEqual([other.practiceId]);
  });

  it('two-step required: a password member without it enrols before anything else', async () => {
    const { practiceId, owner } = await makePractice(t.ctx);
    const member = await makeMember(t.ctx, practiceId, 'receptionist');
    const ownerClient = client();
    await ownerClient.login(owner.email, owner.password);
    const on = await ownerClient.patch(`/api/v1/practices/${practiceId}`, { twoStepRequiredForPasswords: true });
    expect(on.statusCode, on.body).toBe(200);

    const c = client();
    const login = await c.post('/api/v1/auth/login', { email: member.email, password: member.password });
    expect(login.json()).toEqual({ mfaEnrolmentRequired: true });
    const blocked = await c.get(`/api/v1/practices/${practiceId}/staff`);
    expect(blocked.statusCode).toBe(403);
    expect(blocked.json().code).toBe('mfa_enrolment_required');
    expect((await c.get('/api/v1/auth/me')).statusCode).toBe(200);

    await finishEnrolment(c);
    expect((await c.get(`/api/v1/practices/${practiceId}/staff`)).statusCode).toBe(200);
    // And it stays on while the practice requires it.
    const off = await c.post('/api/v1/auth/mfa/disable', { password: member.password });
    expect(off.statusCode).toBe(403);

    // A newcomer accepting an invitation with a password enrols first, too.
    const inv = await ownerClient.post(`/api/v1/practices/${practiceId}/invitations`, {
      email: `newcomer-${Date.now()}@clinic.mu`,
      role: 'receptionist',
    });
    const token = new URL(inv.json().acceptUrl).pathname.split('/').pop()!;
    const n = client();
    const accepted = await n.post(`/api/v1/invitations/${token}/accept`, {
      name: 'New Receptionist',
      password: 'a good long passphrase',
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toEqual({ mfaEnrolmentRequired: true });
    expect((await n.get(`/api/v1/practices/${practiceId}/staff`)).json().code).toBe('mfa_enrolment_required');
    await finishEnrolment(n);
    expect((await n.get(`/api/v1/practices/${practiceId}/staff`)).statusCode).toBe(200);
  });
});

describe('bad tokens and an unreachable provider: a clear error and no session', () => {
  let bad: MisissuingProvider;
  let b: TestApp;
  let member: { id: string };
  beforeAll(async () => {
    bad = await startMisissuingProvider({
      sub: 'misissued-sub',
      email: 'dr.naidoo@clinic.mu',
      emailVerified: true,
      name: 'Dr Naidoo',
    });
    b = await createTestApp({ config: { oidc: oidcSettings(bad.issuer) } });
    const { practiceId } = await makePractice(b.ctx);
    member = await makeMember(b.ctx, practiceId, 'dentist');
    await linkIdentityIn(b.db, member.id, {
      issuer: bad.issuer,
      subject: 'misissued-sub',
      email: 'dr.naidoo@clinic.mu',
      emailVerified: true,
      name: '',
    });
  });
  afterAll(async () => {
    await b?.close();
    await bad?.close();
  });

  const attempt = async () => {
    const c = client(b.app);
    return callBack(c, await goToProvider(c));
  };

  it('signs in with a good token from the same provider (the checks below fail for their reason only)', async () => {
    bad.defect = 'none';
    const res = await attempt();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user.id).toBe(member.id);
  });

  it.each([
    ['audience', 'a token for another client'],
    ['expired', 'an expired token'],
    ['signature', 'a token signed with a key the JWKS does not publish'],
    ['future', 'a token from a clock running ahead beyond the tolerance'],
  ] as const)('refuses %s (%s)', async (defect, _case) => {
    bad.defect = defect;
    const res = await attempt();
    expect(res.statusCode, res.body).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().code).toBe('oidc_token_invalid');
    expect(res.json().reason).toBe(
      { audience: 'audience', expired: 'expired', signature: 'signature', future: 'clock_skew' }[defect],
    );
    expect(sessionSet(res)).toBe(false);
  });

  it('a provider that does not answer, or is down: 503 within the timeout, and the password form still works', async () => {
    // One app, its provider first silent (it accepts connections and never answers), then gone.
    const held = new Set<Socket>();
    const silent = createServer((socket) => held.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const alone = await createTestApp({
      config: { oidc: oidcSettings(`http://127.0.0.1:${port}`, { timeoutSeconds: 1 }) },
    });
    try {
      const { owner } = await makePractice(alone.ctx);
      for (const state of ['silent', 'down'] as const) {
        if (state === 'down') {
          for (const socket of held) socket.destroy();
          await new Promise<void>((resolve) => silent.close(() => resolve()));
        }
        const started = Date.now();
        const res = await client(alone.app).post('/api/v1/auth/oidc/start', {});
        expect(res.statusCode, state).toBe(503);
        expect(res.json().code).toBe('oidc_unavailable');
        expect(Date.now() - started).toBeLessThan(4000);
        const password = await client(alone.app).post('/api/v1/auth/login', {
          email: owner.email,
          password: owner.password,
        });
        expect(password.statusCode, state).toBe(200);
      }
    } finally {
      await alone.close();
      if (silent.listening) silent.close();
    }
  }, 180_000);
});
