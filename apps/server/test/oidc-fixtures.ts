import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import type { OidcConfig } from '../src/config.js';

/**
 * OpenID providers on loopback for the tests, speaking the real protocol over real HTTP.
 *
 * `startTestProvider`: oidc-provider (a certified OpenID Provider implementation) with accounts
 * the test controls. Its login screen is ours: a page with one button per account (the browser
 * test clicks it), or, with `autoLogin` set, straight through as that account (server tests).
 *
 * `startMisissuingProvider`: a provider that issues one kind of bad ID token on purpose (for
 * another client, expired, signed with a key its JWKS does not publish, issued in the future),
 * with real keys and a real JWKS; oidc-provider cannot be configured to misbehave like that.
 * The client checks every token exactly as it checks oidc-provider's.
 */

export const CLIENT_ID = 'dentalpro-test';
export const CLIENT_SECRET = 'dentalpro-test-secret-of-some-length';

export interface TestAccount {
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string;
}

export interface TestProvider {
  issuer: string;
  accounts: Map<string, TestAccount>;
  /** The account the next sign-in is, without a page (server tests); undefined: show the page. */
  autoLogin: string | undefined;
  close(): Promise<void>;
}

export async function startTestProvider(opts: {
  redirectUris: string[];
  clients?: { id: string; secret: string }[];
  /** False: the ID token carries only what the protocol requires, email and name come from userinfo. */
  emailInIdToken?: boolean;
}) {
  const server = createServer();
  await listen(server);
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, TestAccount>();
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const configuration: Configuration = {
    clients: [{ id: CLIENT_ID, secret: CLIENT_SECRET }, ...(opts.clients ?? [])].map((c) => ({
      client_id: c.id,
      client_secret: c.secret,
      redirect_uris: opts.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
    })),
    jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' }] as never },
    cookies: { keys: ['test-provider-cookie-key'] },
    // Email and name in the ID token, as Google puts them there; or (conform mode, oidc-provider's
    // default) only at the userinfo endpoint, as Okta and others do.
    conformIdTokenClaims: opts.emailInIdToken === false,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, id) => {
      const account = accounts.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: () => ({
          sub: account.sub,
          email: account.email,
          email_verified: account.emailVerified,
          name: account.name,
        }),
      };
    },
  };
  const provider = new Provider(issuer, configuration);
  // The provider warns about plain http on loopback: expected here.
  provider.on('server_error', () => undefined);
  const handle = provider.callback();
  const state: TestProvider = {
    issuer,
    accounts,
    autoLogin: undefined,
    close: () => close(server),
  };

  const finish = async (req: IncomingMessage, res: ServerResponse, accountId: string) => {
    const details = await provider.interactionDetails(req, res);
    const grant = new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  };

  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    // A browser asks the provider's origin for its icon: none, and no error for it.
    if (url.pathname === '/favicon.ico') {
      res.statusCode = 204;
      return res.end();
    }
    const interaction = /^\/interaction\/([^/]+)(\/login)?$/.exec(url.pathname);
    if (!interaction) return handle(req, res);
    void (async () => {
      try {
        if (interaction[2] && req.method === 'POST') {
          const body = new URLSearchParams(await readBody(req));
          return await finish(req, res, body.get('account') ?? '');
        }
        if (state.autoLogin) return await finish(req, res, state.autoLogin);
        res.setHeader('content-type', 'text/html; charset=utf-8');
        res.end(loginPage(interaction[1]!, [...accounts.entries()]));
      } catch (err) {
        res.statusCode = 500;
        res.end(String(err));
      }
    })();
  });
  return state;
}

function loginPage(uid: string, accounts: [string, TestAccount][]) {
  const html = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const buttons = accounts
    .map(([id, a]) => `<button type="submit" name="account" value="${html(id)}">Continue as ${html(a.email)}</button>`)
    .join('');
  return `<!doctype html><html lang="en"><head><title>Test identity provider</title></head><body><main><h1>Test identity provider</h1><form method="post" action="/interaction/${html(uid)}/login">${buttons}</form></main></body></html>`;
}

export type Defect = 'none' | 'audience' | 'expired' | 'signature' | 'future';

export interface MisissuingProvider {
  issuer: string;
  defect: Defect;
  account: TestAccount;
  close(): Promise<void>;
}

/** A provider whose tokens carry `defect` (see the top of this file); 'none' issues good ones. */
export async function startMisissuingProvider(account: TestAccount): Promise<MisissuingProvider> {
  const server = createServer();
  await listen(server);
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const published = await generateKeyPair('RS256', { extractable: true });
  // Same key id, another key: what a provider that rotated keys wrongly (or an impostor) signs with.
  const unpublished = await generateKeyPair('RS256', { extractable: true });
  const codes = new Map<string, { nonce: string }>();
  const state: MisissuingProvider = { issuer, defect: 'none', account, close: () => close(server) };
  const json = (res: ServerResponse, body: unknown) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    void (async () => {
      if (url.pathname === '/.well-known/openid-configuration')
        return json(res, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['client_secret_post'],
        });
      if (url.pathname === '/jwks')
        return json(res, {
          keys: [{ ...(await exportJWK(published.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }],
        });
      if (url.pathname === '/authorize') {
        const code = crypto.randomUUID();
        codes.set(code, { nonce: url.searchParams.get('nonce') ?? '' });
        const back = new URL(url.searchParams.get('redirect_uri') ?? '');
        back.searchParams.set('code', code);
        back.searchParams.set('state', url.searchParams.get('state') ?? '');
        res.statusCode = 303;
        res.setHeader('location', back.href);
        return res.end();
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        const body = new URLSearchParams(await readBody(req));
        const issued = codes.get(body.get('code') ?? '');
        codes.delete(body.get('code') ?? '');
        if (!issued || body.get('client_id') !== CLIENT_ID) {
          res.statusCode = 400;
          return json(res, { error: 'invalid_grant' });
        }
        const now = Math.floor(Date.now() / 1000);
        const iat = state.defect === 'expired' ? now - 7200 : state.defect === 'future' ? now + 600 : now;
        const idToken = await new SignJWT({
          nonce: issued.nonce,
          email: account.email,
          email_verified: account.emailVerified,
          name: account.name,
        })
          .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
          .setIssuer(issuer)
          .setSubject(account.sub)
          .setAudience(state.defect === 'audience' ? 'another-application' : CLIENT_ID)
          .setIssuedAt(iat)
          .setExpirationTime(iat + 3600)
          .sign(state.defect === 'signature' ? unpublished.privateKey : published.privateKey);
        return json(res, {
          access_token: crypto.randomUUID(),
          token_type: 'Bearer',
          expires_in: 3600,
          id_token: idToken,
        });
      }
      res.statusCode = 404;
      res.end();
    })();
  });
  return state;
}

/** DentalPro's settings for a provider (as OIDC_* would give them). */
export function oidcSettings(issuer: string, overrides: Partial<OidcConfig> = {}): OidcConfig {
  return {
    issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    displayName: 'Test ID',
    clockToleranceSeconds: 60,
    timeoutSeconds: 5,
    ...overrides,
  };
}

/**
 * A browser going to the provider: follows its redirects (keeping its cookies) until it is sent
 * back to `callbackPrefix`; answers that URL.
 */
export async function throughProvider(startUrl: string, callbackPrefix: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = startUrl;
  for (let hop = 0; hop < 10; hop++) {
    if (url.startsWith(callbackPrefix)) return new URL(url);
    const res = await fetch(url, {
      redirect: 'manual',
      headers: jar.size ? { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {},
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const location = res.headers.get('location');
    if (!location) throw new Error(`the provider stopped at ${url}: ${res.status} ${await res.text()}`);
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects at the provider');
}

function listen(server: Server) {
  return new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
}

function close(server: Server) {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      text += chunk;
    });
    req.on('end', () => resolve(text));
    req.on('error', reject);
  });
}
