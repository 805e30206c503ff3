import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkIdentityIn } from '../src/modules/auth/auth.service.js';
import { inPractice } from '../src/platform/tenancy.js';
import { Client, createTestApp, makeMember, makePractice, TEST_ORIGIN, type TestApp } from './harness.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  type MisissuingProvider,
  oidcSettings,
  startMisissuingProvider,
  startTestProvider,
  type TestProvider,
  throughProvider,
} from './oidc-fixtures.js';

// A practice's own identity provider beside the deployment's (issue 15): two real oidc-provider
// instances on loopback at once, one the deployment's (OIDC_*), one a practice's (its settings),
// plus a practice provider that keeps emails to its userinfo endpoint and one that mis-issues tokens.

const CALLBACK = `${TEST_ORIGIN}/api/v1/auth/oidc/callback`;
const PRACTICE_CLIENT = { id: 'clinic-portal', secret: 'clinic-portal-secret-of-some-length' };

let deployment: TestProvider;
let practiceIdp: TestProvider;
let userinfoIdp: TestProvider;
let t: TestApp;
beforeAll(async () => {
  deployment = await startTestProvider({ redirectUris: [CALLBACK] });
  practiceIdp = await startTestProvider({ redirectUris: [CALLBACK], clients: [PRACTICE_CLIENT] });
  userinfoIdp = await startTestProvider({
    redirectUris: [CALLBACK],
    clients: [PRACTICE_CLIENT],
    emailInIdToken: false,
  });
  t = await createTestApp({ config: { oidc: oidcSettings(deployment.issuer) } });
});
afterAll(async () => {
  await t?.close();
  await Promise.all([deployment?.close(), practiceIdp?.close(), userinfoIdp?.close()]);
});

let lastIp = 0;
const client = () => new Client(t.app, `198.51.100.${++lastIp}`);
let lastAccount = 0;
let lastDomain = 0;
const newDomain = () => `clinic-${++lastDomain}-${Date.now().toString(36)}.mu`;

/** A provider account at `idp`; the next sign-in there is as this account. */
function accountAt(idp: TestProvider, email: string, emailVerified = true) {
  const id = `sub-${++lastAccount}-${Date.now()}`;
  idp.accounts.set(id, { sub: id, email, emailVerified, name: 'Anjali Doorgah' });
  idp.autoLogin = id;
  return idp.accounts.get(id)!;
}

async function link(userId: string, issuer: string, account: { sub: string; email: string }) {
  await linkIdentityIn(t.db, userId, {
    issuer,
    subject: account.sub,
    email: account.email,
    emailVerified: true,
    name: '',
  });
}

async function goToProvider(c: Client, body: unknown, path = '/api/v1/auth/oidc/start') {
  const start = await c.post(path, body);
  expect(start.statusCode, start.body).toBe(200);
  const browser = start.cookies.find((k) => k.name === 'dp_oidc');
  const url: string = start.json().url;
  return { url, callback: await throughProvider(url, CALLBACK), browserCookie: `dp_oidc=${browser!.value}` };
}

function callBack(c: Client, back: { callback: URL; browserCookie: string }) {
  const cookie = [c.cookie, back.browserCookie].filter(Boolean).join('; ');
  return c.request('GET', back.callback.pathname + back.callback.search, undefined, { cookie });
}

const sessionSet = (res: LightMyRequestResponse) => res.cookies.some((k) => k.name === 'dp_session' && k.value !== '');

/** A practice whose owner saved `idp` as its own provider for a fresh domain. */
async function practiceWithProvider(idp: { issuer: string }, client_ = PRACTICE_CLIENT) {
  const { practiceId, owner } = await makePractice(t.ctx);
  const o = client();
  await o.login(owner.email, owner.password);
  const domain = newDomain();
  const res = await o.request('PUT', `/api/v1/practices/${practiceId}/identity-provider`, {
    issuer: idp.issuer,
    clientId: client_.id,
    clientSecret: client_.secret,
    displayName: 'Clinic Portal',
    emailDomains: [domain],
  });
  expect(res.statusCode, res.body).toBe(200);
  return { practiceId, owner, ownerClient: o, domain };
}

describe("the practice's provider settings", () => {
  it('are the owner’s: saved after discovery, the secret sealed, audited; the redirect URL to register', async () => {
    const { practiceId, owner } = await makePractice(t.ctx);
    const o = client();
    await o.login(owner.email, owner.password);
    const path = `/api/v1/practices/${practiceId}/identity-provider`;
    expect((await o.get(path)).json()).toEqual({ provider: null, redirectUrl: CALLBACK });

    const dentist = await makeMember(t.ctx, practiceId, 'dentist');
    const d = client();
    await d.login(dentist.email, dentist.password);
    expect((await d.get(path)).statusCode).toBe(403);
    const body = {
      issuer: practiceIdp.issuer,
      clientId: PRACTICE_CLIENT.id,
      clientSecret: PRACTICE_CLIENT.secret,
      displayName: 'Clinic Portal',
      emailDomains: ['Smile-Clinic.MU', 'smile-clinic.mu', 'smile.mu'],
    };
    expect((await d.request('PUT', path, body)).statusCode).toBe(403);

    const saved = await o.request('PUT', path, body);
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().provider).toMatchObject({
      issuer: practiceIdp.issuer,
      clientId: PRACTICE_CLIENT.id,
      displayName: 'Clinic Portal',
      emailDomains: ['smile-clinic.mu', 'smile.mu'],
    });
    expect(saved.body).not.toContain(PRACTICE_CLIENT.secret);
    const row = await t.db
      .selectFrom('practiceIdentityProviders')
      .selectAll()
      .where('practiceId', '=', practiceId)
      .executeTakeFirstOrThrow();
    expect(row.clientSecretEncrypted.includes(Buffer.from(PRACTICE_CLIENT.secret))).toBe(false);

    // Saved again without the secret: the sealed one stays (and still works: discovery passed with it).
    const renamed = await o.request('PUT', path, { ...body, clientSecret: undefined, displayName: 'Smile SSO' });
    expect(renamed.statusCode, renamed.body).toBe(200);
    expect(renamed.json().provider.displayName).toBe('Smile SSO');

    const events = (await o.get(`/api/v1/practices/${practiceId}/audit-events?limit=50`)).json().items as {
      action: string;
      changes: Record<string, unknown>;
    }[];
    const savedEvents = events.filter((e) => e.action === 'practice.identity_provider_saved');
    expect(savedEvents).toHaveLength(2);
    expect(JSON.stringify(savedEvents)).not.toContain(PRACTICE_CLIENT.secret);
    expect(savedEvents.map((e) => e.changes.clientSecretChanged).sort()).toEqual([false, true]);

    // Another practice cannot take its domains.
    const other = await makePractice(t.ctx);
    const oo = client();
    await oo.login(other.owner.email, other.owner.password);
    const taken = await oo.request('PUT', `/api/v1/practices/${other.practiceId}/identity-provider`, {
      ...body,
      emailDomains: ['smile.mu'],
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().code).toBe('oidc_domain_taken');
    // Row-level security: bound to the other practice, neither its provider nor its domains show.
    const seen = await inPractice(t.db, other.practiceId, async (tx) => [
      ...(await tx.selectFrom('practiceIdentityProviders').select('practiceId').execute()),
      ...(await tx.selectFrom('practiceSignInDomains').select('practiceId').execute()),
    ]);
    expect(seen).toEqual([]);

    expect((await client().get('/api/v1/auth/oidc/config')).json()).toEqual({
      enabled: true,
      displayName: 'Test ID',
      practiceProviders: true,
    });

    expect((await o.delete(path)).statusCode).toBe(204);
    expect((await o.get(path)).json().provider).toBeNull();
    const after = (await o.get(`/api/v1/practices/${practiceId}/audit-events?limit=50`)).json().items as {
      action: string;
    }[];
    expect(after.some((e) => e.action === 'practice.identity_provider_removed')).toBe(true);
  });

  it('are refused with a clear problem when the issuer does not answer or is not an OpenID provider', async () => {
    const { practiceId, owner } = await makePractice(t.ctx);
    const o = client();
    await o.login(owner.email, owner.password);
    const path = `/api/v1/practices/${practiceId}/identity-provider`;
    const body = (issuer: string) => ({
      issuer,
      clientId: 'x',
      clientSecret: 'y',
      displayName: 'Broken',
      emailDomains: [newDomain()],
    });

    // Nothing listens there.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = await o.request('PUT', path, body(`http://127.0.0.1:${deadPort}`));
    expect(down.statusCode).toBe(422);
    expect(down.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(down.json()).toMatchObject({ code: 'oidc_provider_invalid', reason: 'unreachable' });

    // A web server that is not an OpenID provider.
    const web: Server = createServer((_req, res) => {
      res.statusCode = 404;
      res.setHeader('content-type', 'text/html');
      res.end('<h1>Not here</h1>');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    try {
      const notOidc = await o.request('PUT', path, body(`http://127.0.0.1:${(web.address() as AddressInfo).port}`));
      expect(notOidc.statusCode).toBe(422);
      expect(notOidc.json()).toMatchObject({ code: 'oidc_provider_invalid', reason: 'not_oidc' });
    } finally {
      web.closeAllConnections();
      await new Promise<void>((resolve) => web.close(() => resolve()));
    }

    // Plain http elsewhere than this machine, and no secret the first time.
    const insecure = await o.request('PUT', path, body('http://login.example.com'));
    expect(insecure.json().code).toBe('validation_failed');
    const noSecret = await o.request('PUT', path, { ...body(practiceIdp.issuer), clientSecret: undefined });
    expect(noSecret.statusCode).toBe(400);
    expect(noSecret.json().errors[0].path).toBe('clientSecret');
    expect((await o.get(path)).json().provider).toBeNull();
  });
});

describe("signing in with the practice's account, the deployment's provider beside it", () => {
  it('finds the provider by the email domain, signs a linked member in, and leaves the deployment provider working', async () => {
    const { practiceId, domain } = await practiceWithProvider(practiceIdp);
    const member = await makeMember(t.ctx, practiceId, 'dentist');
    const atPractice = accountAt(practiceIdp, `dr.lam@${domain}`);
    await link(member.id, practiceIdp.issuer, atPractice);

    const c = client();
    const back = await goToProvider(c, { email: `Dr.Lam@${domain.toUpperCase()}` });
    expect(back.url.startsWith(`${practiceIdp.issuer}/`)).toBe(true);
    expect(new URL(back.url).searchParams.get('client_id')).toBe(PRACTICE_CLIENT.id);
    const res = await callBack(c, back);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user.id).toBe(member.id);
    expect(sessionSet(res)).toBe(true);

    // Another member, linked at the deployment's provider, signs in there at the same time.
    const colleague = await makeMember(t.ctx, practiceId, 'hygienist');
    await link(colleague.id, deployment.issuer, accountAt(deployment, colleague.email));
    const d = client();
    const viaDeployment = await goToProvider(d, {});
    expect(viaDeployment.url.startsWith(`${deployment.issuer}/`)).toBe(true);
    const ok = await callBack(d, viaDeployment);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().user.id).toBe(colleague.id);

    // A practice account at the deployment's provider is another identity (issuer, subject): not linked.
    accountAt(deployment, `dr.lam@${domain}`);
    const stranger = client();
    const notLinked = await callBack(stranger, await goToProvider(stranger, {}));
    expect(notLinked.json().code).toBe('oidc_account_not_linked');
  });

  it('says only that no practice signs in with an unknown domain', async () => {
    const res = await client().post('/api/v1/auth/oidc/start', { email: `someone@${newDomain()}` });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('oidc_domain_unknown');
    expect(res.cookies.some((k) => k.name === 'dp_oidc')).toBe(false);
  });

  it('accepts an invitation through the practice provider, and links from the profile after the password', async () => {
    const { practiceId, ownerClient, domain } = await practiceWithProvider(practiceIdp);
    const email = `nurse@${domain}`;
    const invited = await ownerClient.post(`/api/v1/practices/${practiceId}/invitations`, { email, role: 'hygienist' });
    expect(invited.statusCode, invited.body).toBe(201);
    const token = new URL(invited.json().acceptUrl).pathname.split('/').pop()!;
    const account = accountAt(practiceIdp, email);
    const c = client();
    const res = await callBack(c, await goToProvider(c, { invitationToken: token, email }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user.email).toBe(email);
    const identities = (await c.get('/api/v1/auth/oidc/identities')).json();
    expect(identities.identities).toEqual([expect.objectContaining({ issuer: practiceIdp.issuer, email })]);
    expect(identities.providers).toEqual([
      { issuer: deployment.issuer, displayName: 'Test ID', practiceId: null },
      { issuer: practiceIdp.issuer, displayName: 'Clinic Portal', practiceId },
    ]);
    expect(account.sub).toBeTruthy();

    // A password member links the practice's provider from the profile.
    const member = await makeMember(t.ctx, practiceId, 'receptionist');
    const m = client();
    await m.login(member.email, member.password);
    accountAt(practiceIdp, `desk@${domain}`);
    const linked = await callBack(
      m,
      await goToProvider(m, { password: member.password, practiceId }, '/api/v1/auth/oidc/link'),
    );
    expect(linked.statusCode, linked.body).toBe(200);
    expect((await m.get('/api/v1/auth/oidc/identities')).json().identities).toEqual([
      expect.objectContaining({ issuer: practiceIdp.issuer, email: `desk@${domain}` }),
    ]);
    // Not a member: no link to another practice's provider.
    const elsewhere = await practiceWithProvider(practiceIdp);
    const refused = await m.post('/api/v1/auth/oidc/link', {
      password: member.password,
      practiceId: elsewhere.practiceId,
    });
    expect(refused.statusCode).toBe(404);
  });

  it("provider only means the practice's provider: password and the deployment's provider refused", async () => {
    const { practiceId, owner, ownerClient, domain } = await practiceWithProvider(practiceIdp);
    const member = await makeMember(t.ctx, practiceId, 'dentist');
    await link(member.id, practiceIdp.issuer, accountAt(practiceIdp, `m@${domain}`));
    await link(member.id, deployment.issuer, accountAt(deployment, member.email));

    // The owner must be able to sign in through the practice's provider first.
    await link(owner.id, deployment.issuer, accountAt(deployment, owner.email));
    const early = await ownerClient.patch(`/api/v1/practices/${practiceId}`, { passwordSignInAllowed: false });
    expect(early.json().code).toBe('validation_failed');
    await link(owner.id, practiceIdp.issuer, accountAt(practiceIdp, `owner@${domain}`));
    const off = await ownerClient.patch(`/api/v1/practices/${practiceId}`, { passwordSignInAllowed: false });
    expect(off.statusCode, off.body).toBe(200);

    // Changing the issuer now would strand the members; removing it too.
    const swap = await ownerClient.request('PUT', `/api/v1/practices/${practiceId}/identity-provider`, {
      issuer: userinfoIdp.issuer,
      clientId: PRACTICE_CLIENT.id,
      clientSecret: PRACTICE_CLIENT.secret,
      displayName: 'Other',
      emailDomains: [domain],
    });
    expect(swap.json().code).toBe('validation_failed');
    expect((await ownerClient.delete(`/api/v1/practices/${practiceId}/identity-provider`)).statusCode).toBe(400);

    const password = await client().post('/api/v1/auth/login', { email: member.email, password: member.password });
    expect(password.json().code).toBe('password_sign_in_disabled');

    deployment.autoLogin = [...deployment.accounts.values()].find((a) => a.email === member.email)!.sub;
    const d = client();
    const viaDeployment = await callBack(d, await goToProvider(d, {}));
    expect(viaDeployment.statusCode).toBe(403);
    expect(viaDeployment.json().code).toBe('oidc_provider_required');
    expect(sessionSet(viaDeployment)).toBe(false);

    // An invitation to the practice is not accepted through the deployment's provider either.
    const newcomer = `newcomer@${domain}`;
    const invited = await ownerClient.post(`/api/v1/practices/${practiceId}/invitations`, {
      email: newcomer,
      role: 'dentist',
    });
    const token = new URL(invited.json().acceptUrl).pathname.split('/').pop()!;
    accountAt(deployment, newcomer);
    const n = client();
    const wrongDoor = await callBack(n, await goToProvider(n, { invitationToken: token }));
    expect(wrongDoor.json().code).toBe('oidc_provider_required');
    expect(
      await t.db.selectFrom('users').select('id').where('email', '=', newcomer).executeTakeFirst(),
    ).toBeUndefined();

    practiceIdp.autoLogin = [...practiceIdp.accounts.values()].find((a) => a.email === `m@${domain}`)!.sub;
    const p = client();
    const viaPractice = await callBack(p, await goToProvider(p, { email: `m@${domain}` }));
    expect(viaPractice.statusCode, viaPractice.body).toBe(200);
    expect(viaPractice.json().user.id).toBe(member.id);
  });
});

describe('emails from the userinfo endpoint', () => {
  it('links through a verified email the provider gives only at userinfo', async () => {
    const { practiceId, ownerClient, domain } = await practiceWithProvider(userinfoIdp);
    const email = `dr.ip@${domain}`;
    const invited = await ownerClient.post(`/api/v1/practices/${practiceId}/invitations`, { email, role: 'dentist' });
    const token = new URL(invited.json().acceptUrl).pathname.split('/').pop()!;
    accountAt(userinfoIdp, email);
    const c = client();
    const res = await callBack(c, await goToProvider(c, { invitationToken: token, email }));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user).toMatchObject({ email, name: 'Anjali Doorgah' });
  });

  it('never links through an unverified one, at the invitation or from the profile', async () => {
    const { practiceId, ownerClient, domain } = await practiceWithProvider(userinfoIdp);
    const email = `locum@${domain}`;
    const invited = await ownerClient.post(`/api/v1/practices/${practiceId}/invitations`, { email, role: 'dentist' });
    const token = new URL(invited.json().acceptUrl).pathname.split('/').pop()!;
    accountAt(userinfoIdp, email, false);
    const c = client();
    const res = await callBack(c, await goToProvider(c, { invitationToken: token, email }));
    expect(res.statusCode).toBe(403);
    expect(res.json().code).toBe('oidc_email_unverified');
    expect(sessionSet(res)).toBe(false);

    const member = await makeMember(t.ctx, practiceId, 'dentist');
    const m = client();
    await m.login(member.email, member.password);
    accountAt(userinfoIdp, `other@${domain}`, false);
    const linked = await callBack(
      m,
      await goToProvider(m, { password: member.password, practiceId }, '/api/v1/auth/oidc/link'),
    );
    expect(linked.json().code).toBe('oidc_email_unverified');
    expect((await m.get('/api/v1/auth/oidc/identities')).json().identities).toEqual([]);
  });
});

describe("a practice provider's bad tokens are refused like the deployment's", () => {
  let bad: MisissuingProvider;
  let domain: string;
  let memberId: string;
  beforeAll(async () => {
    bad = await startMisissuingProvider({ sub: 'practice-misissued', email: 'x@y.mu', emailVerified: true, name: '' });
    const saved = await practiceWithProvider(bad, { id: CLIENT_ID, secret: CLIENT_SECRET });
    domain = saved.domain;
    const member = await makeMember(t.ctx, saved.practiceId, 'dentist');
    memberId = member.id;
    await link(member.id, bad.issuer, { sub: 'practice-misissued', email: 'x@y.mu' });
  });
  afterAll(async () => {
    await bad?.close();
  });

  const attempt = async () => {
    const c = client();
    return callBack(c, await goToProvider(c, { email: `x@${domain}` }));
  };

  it('signs in with a good token', async () => {
    bad.defect = 'none';
    const res = await attempt();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().user.id).toBe(memberId);
  });

  it.each([['audience'], ['signature']] as const)('refuses a token with a bad %s', async (defect) => {
    bad.defect = defect;
    const res = await attempt();
    expect(res.statusCode, res.body).toBe(401);
    expect(res.json()).toMatchObject({ code: 'oidc_token_invalid', reason: defect });
    expect(sessionSet(res)).toBe(false);
  });
});
