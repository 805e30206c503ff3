import dns from 'node:dns';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AssistantPractice,
  assistantPractice,
  buttonsIn,
  listIn,
  patientPhone,
  patientsOnNumber,
  textOf,
} from './assistant-fixtures.js';
import { linkIdentityIn } from '../src/modules/auth/auth.service.js';
import { Client, TEST_ORIGIN, type TestApp, createTestApp, loggedIn, makeMember } from './harness.js';
import { type TestProvider, oidcSettings, startTestProvider, throughProvider } from './oidc-fixtures.js';
import { remindNow, useReminderSettings } from './reminders-fixtures.js';
import { type SmtpCatcher, startSmtpCatcher } from './smtp-catcher.js';
import { APP_SECRET, VERIFY_TOKEN, startFakeGraph } from './whatsapp-fixtures.js';

// "The server connects only to the endpoints configured" (issue 14). A whole session runs in this
// process — a patient books over WhatsApp through the fake Graph API, the reminder goes out as a
// template, a dentist signs in through the identity provider, staff read the inbox, an email goes
// out — while every outbound TCP connection (net,
// and so tls, http, undici's fetch, pg and nodemailer, which all open sockets through
// net.Socket.prototype.connect) and every DNS lookup is written down. Anything but the Graph API,
// the SMTP server, the identity provider and the database fails the test. The last test shows the watch catches a
// connection elsewhere.

interface Attempt {
  host: string;
  port: number | null;
  path: string | null;
  stack: string;
}

const attempts: Attempt[] = [];
const lookups: string[] = [];
const originalConnect = net.Socket.prototype.connect;
const originalLookup = dns.lookup;
const originalPromisesLookup = dns.promises.lookup;

/** Where a call to Socket#connect goes, whatever form its arguments take (options, port and host, a path, or net's normalised array). */
function destinationOf(args: unknown[]): Omit<Attempt, 'stack'> {
  let first = args[0];
  if (Array.isArray(first)) first = first[0];
  if (first !== null && typeof first === 'object') {
    const o = first as { host?: string; port?: number | string; path?: string };
    if (o.path) return { host: 'ipc', port: null, path: o.path };
    return { host: o.host ?? 'localhost', port: o.port === undefined ? null : Number(o.port), path: null };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { host: 'ipc', port: null, path: first };
  return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first), path: null };
}

function watchConnections() {
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    attempts.push({ ...destinationOf(args), stack: new Error().stack?.split('\n').slice(2, 8).join('\n') ?? '' });
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  dns.lookup = function (this: unknown, hostname: string, ...rest: unknown[]) {
    lookups.push(hostname);
    return (originalLookup as (...a: unknown[]) => unknown).call(this, hostname, ...rest);
  } as typeof dns.lookup;
  dns.promises.lookup = function (this: unknown, hostname: string, ...rest: unknown[]) {
    lookups.push(hostname);
    return (originalPromisesLookup as (...a: unknown[]) => unknown).call(this, hostname, ...rest);
  } as typeof dns.promises.lookup;
}

function unwatchConnections() {
  net.Socket.prototype.connect = originalConnect;
  dns.lookup = originalLookup;
  dns.promises.lookup = originalPromisesLookup;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);
/** One spelling for this machine's loopback, so 'localhost:5432' and '127.0.0.1:5432' are the same endpoint. */
const hostKey = (host: string) => (LOOPBACK.has(host.toLowerCase()) ? 'loopback' : host.toLowerCase());
const endpointOf = (url: string, defaultPort: number) => {
  const u = new URL(url);
  return { host: hostKey(u.hostname), port: u.port ? Number(u.port) : defaultPort };
};

let graph: Awaited<ReturnType<typeof startFakeGraph>>;
let smtp: SmtpCatcher;
let provider: TestProvider;
let t: TestApp;
const CALLBACK = `${TEST_ORIGIN}/api/v1/auth/oidc/callback`;
let practice: AssistantPractice;
let allowed: { name: string; host: string; port: number }[] = [];

/** The attempts to reach anything but the configured endpoints. */
function unlisted(list: Attempt[]) {
  return list.filter((a) => a.path !== null || !allowed.some((e) => e.host === hostKey(a.host) && e.port === a.port));
}

beforeAll(async () => {
  watchConnections();
  graph = await startFakeGraph();
  smtp = await startSmtpCatcher();
  provider = await startTestProvider({ redirectUris: [CALLBACK] });
  t = await createTestApp({
    config: {
      smtpUrl: smtp.url,
      oidc: oidcSettings(provider.issuer),
      whatsapp: {
        sandbox: false,
        appSecret: APP_SECRET,
        verifyToken: VERIFY_TOKEN,
        graphUrl: graph.url,
        graphVersion: 'v23.0',
        runWorkers: false,
      },
    },
  });
  allowed = [
    { name: 'Graph API', ...endpointOf(t.ctx.config.whatsapp.graphUrl!, 443) },
    { name: 'SMTP', ...endpointOf(t.ctx.config.smtpUrl!, 25) },
    { name: 'identity provider', ...endpointOf(t.ctx.config.oidc!.issuer, 443) },
    { name: 'database', ...endpointOf(t.database.connectionString, 5432) },
  ];
  practice = await assistantPractice(t);
  await useReminderSettings(t, practice.practiceId);
}, 120_000);

afterAll(async () => {
  unwatchConnections();
  await t?.close();
  await graph?.close();
  await smtp?.close();
  await provider?.close();
});

describe('a full session', () => {
  it('connects only to the Graph API, SMTP and the database', async () => {
    // A patient books a check-up over WhatsApp.
    const phone = patientPhone(t, graph, practice);
    const [patient] = await patientsOnNumber(t, practice.practiceId, phone.e164, [
      { givenName: 'Outbound', familyName: 'Watch', preferredLanguage: 'en' },
    ]);
    const times = listIn(await phone.says('Hello, I would like to book a check-up next week please'));
    const confirm = buttonsIn(await phone.taps(times.rows[0]!, 'list'));
    const booked = await phone.taps(confirm.buttons.find((b) => b.id === 'confirm')!);
    expect(textOf(booked)).toContain('12 Royal Road');
    const appointments = await t.db
      .selectFrom('appointments')
      .select(['id', 'source'])
      .where('patientId', '=', patient!)
      .execute();
    expect(appointments).toEqual([expect.objectContaining({ source: 'whatsapp' })]);

    // Its reminder goes out as a template.
    const templates = await remindNow(t, graph);
    expect(templates.filter((m) => m.to === phone.waId).length).toBeGreaterThan(0);

    // A dentist signs in through the identity provider (the server fetches its discovery, keys and tokens).
    const dentist = await makeMember(t.ctx, practice.practiceId, 'dentist');
    const sub = `outbound-${Date.now()}`;
    provider.accounts.set(sub, { sub, email: dentist.email, emailVerified: true, name: 'Dr Outbound' });
    provider.autoLogin = sub;
    await linkIdentityIn(t.db, dentist.id, {
      issuer: provider.issuer,
      subject: sub,
      email: dentist.email,
      emailVerified: true,
      name: 'Dr Outbound',
    });
    const browser = new Client(t.app);
    const start = await browser.post('/api/v1/auth/oidc/start', {});
    expect(start.statusCode, start.body).toBe(200);
    const binding = start.cookies.find((k) => k.name === 'dp_oidc')!;
    const callback = await throughProvider(start.json().url, CALLBACK);
    const signedIn = await browser.request('GET', callback.pathname + callback.search, undefined, {
      cookie: `dp_oidc=${binding.value}`,
    });
    expect(signedIn.cookies.some((k) => k.name === 'dp_session' && k.value !== '')).toBe(true);

    // Staff read the inbox and the policy; an email goes out.
    const owner = await loggedIn(t.app, practice.owner);
    expect((await owner.get(`/api/v1/practices/${practice.practiceId}/inbox/conversations`)).statusCode).toBeLessThan(
      500,
    );
    expect((await new Client(t.app).get('/api/v1/privacy/policy')).statusCode).toBe(200);
    const reset = await new Client(t.app).post('/api/v1/auth/password-reset/request', { email: practice.owner.email });
    expect(reset.statusCode).toBe(202);
    expect(smtp.to(practice.owner.email)).toHaveLength(1);

    // The watch saw the real traffic: each configured endpoint was reached through it.
    for (const endpoint of allowed)
      expect(
        [endpoint.name, attempts.some((a) => hostKey(a.host) === endpoint.host && a.port === endpoint.port)],
        endpoint.name,
      ).toEqual([endpoint.name, true]);
    // And nothing else was.
    expect(unlisted(attempts).map((a) => `${a.host}:${a.port ?? a.path}\n${a.stack}`)).toEqual([]);
    expect(lookups.filter((name) => !LOOPBACK.has(name.toLowerCase()))).toEqual([]);
  }, 120_000);

  it('catches a connection to an address that is not configured (the watch can fail)', async () => {
    const before = attempts.length;
    // TEST-NET-1 (RFC 5737): never routed; the socket is dropped at once.
    const socket = net.connect({ host: '192.0.2.1', port: 443 });
    socket.on('error', () => {});
    socket.destroy();
    const caught = unlisted(attempts.slice(before));
    expect(caught.map((a) => `${a.host}:${a.port}`)).toEqual(['192.0.2.1:443']);

    const lookedUp = lookups.length;
    await dns.promises.lookup('analytics.example.invalid').catch(() => undefined);
    expect(lookups.slice(lookedUp)).toEqual(['analytics.example.invalid']);
  });
});
