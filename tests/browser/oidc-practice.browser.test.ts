import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  startTestProvider,
  type TestProvider,
} from '../../apps/server/test/oidc-fixtures.js';
import { apiAs, freePort, launchBrowser, newContext, type RunningApp, startApp, watchedPage } from './harness.js';

/**
 * A practice's own identity provider beside the deployment's (issue 15), in Chromium: the owner
 * sets it up in Settings → Practice, links their account at it and switches password sign-in off;
 * an invited colleague accepts and later signs in with "Sign in with your practice's account".
 * Two real OpenID providers (oidc-provider) on loopback at once.
 */
let browser: Browser;
let app: RunningApp;
let deployment: TestProvider;
let practiceIdp: TestProvider;
let practiceId: string;
let ownerCookie: string;
const errors: string[] = [];

const PRACTICE_CLIENT = { id: 'smile-portal', secret: 'smile-portal-secret-of-some-length' };
const OWNER = { name: 'Anjali Ramdin', email: 'anjali@smile.mu', password: 'correct horse battery' };
const DENTIST = 'dr.lee@smile.mu';
/** Signed out, the sign-in page asks who is signed in (401); an unknown domain is a 404 problem. */
const EXPECTED = /status of (401|404)/;

beforeAll(async () => {
  browser = await launchBrowser();
  const port = await freePort();
  const redirectUris = [`http://127.0.0.1:${port}/api/v1/auth/oidc/callback`];
  deployment = await startTestProvider({ redirectUris });
  practiceIdp = await startTestProvider({ redirectUris, clients: [PRACTICE_CLIENT] });
  app = await startApp({
    port,
    env: {
      OIDC_ISSUER: deployment.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_DISPLAY_NAME: 'Test ID',
    },
    readyTimeoutMs: 180_000,
  });
  const api = apiAs(app);
  const me = await api.ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Curepipe', timeZone: 'Indian/Mauritius' },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  ownerCookie = api.cookie;
  practiceIdp.accounts.set('anjali', { sub: 'anjali', email: OWNER.email, emailVerified: true, name: OWNER.name });
  practiceIdp.accounts.set('lee', { sub: 'lee', email: DENTIST, emailVerified: true, name: 'Dr Lee' });
}, 240_000);
afterAll(async () => {
  await app?.stop();
  await Promise.all([deployment?.close(), practiceIdp?.close()]);
  await browser?.close();
});

const visible = (locator: Locator) => locator.waitFor({ state: 'visible' });
const url = (pathname: string) => new URL(pathname, app.baseUrl).toString();

describe("the practice's own identity provider", () => {
  it('is set up by the owner, who links it and switches password sign-in off', async () => {
    const context = await newContext(browser, app, { cookie: ownerCookie });
    const page = await watchedPage(context, 'practice-idp-owner', errors);
    await page.goto(url(`/app/${practiceId}/settings/practice`));
    const section = page.getByRole('region', { name: "Your practice's own sign-in provider" });
    await visible(section);
    await visible(section.getByText(url('/api/v1/auth/oidc/callback')));
    await section.getByLabel('Issuer URL').fill(practiceIdp.issuer);
    await section.getByLabel('Client ID').fill(PRACTICE_CLIENT.id);
    await section.getByLabel('Client secret').fill(PRACTICE_CLIENT.secret);
    await section.getByLabel('Name on the sign-in button').fill('Smile 365');
    await section.getByLabel('Email domains').fill('smile.mu');
    await section.getByRole('button', { name: 'Save provider' }).click();
    await visible(section.getByText('Members can sign in with Smile 365.'));
    // The secret is not shown again; left empty, it stays.
    expect(await section.getByLabel('Client secret').inputValue()).toBe('');

    // The owner links their account at the practice's provider from the account page.
    await page.goto(url(`/app/${practiceId}/account`));
    const linkSection = page.getByRole('region', { name: 'Sign in with Smile 365' });
    await visible(linkSection);
    await visible(page.getByRole('region', { name: 'Sign in with Test ID' }));
    await linkSection.getByLabel('Your password').fill(OWNER.password);
    await linkSection.getByRole('button', { name: 'Link Smile 365 account' }).click();
    await page.waitForURL(`${practiceIdp.issuer}/**`);
    await page.getByRole('button', { name: `Continue as ${OWNER.email}` }).click();
    await page.waitForURL(/\/account\?linked=1$/);
    await visible(page.getByText(`Linked to ${OWNER.email}`));

    // Provider only, with the practice's provider.
    await page.goto(url(`/app/${practiceId}/settings/practice`));
    await page.getByLabel('Members sign in with Smile 365 only (password sign-in off)').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await visible(page.getByText('Practice details saved.'));
    await context.close();
  });

  it("lets an invited colleague accept and sign in with the practice's account", async () => {
    const api = apiAs(app);
    api.cookie = ownerCookie;
    const invite = await api.ok<{ acceptUrl: string }>('POST', `/practices/${practiceId}/invitations`, {
      email: DENTIST,
      role: 'dentist',
    });
    const context = await newContext(browser, app);
    const page = await watchedPage(context, 'practice-idp-member', errors, EXPECTED);
    await page.goto(invite.acceptUrl);
    await page.getByRole('button', { name: "Accept with your practice's account" }).click();
    await page.waitForURL(`${practiceIdp.issuer}/**`);
    await page.getByRole('button', { name: `Continue as ${DENTIST}` }).click();
    await page.waitForURL(new RegExp(`/app/${practiceId}/`));
    await visible(page.getByRole('navigation', { name: 'Main navigation' }));

    // Later, from the sign-in page: the work email finds the practice's provider.
    await context.clearCookies();
    await page.goto(url('/login'));
    await page.getByRole('button', { name: "Sign in with your practice's account" }).click();
    await page.getByLabel('Your work email').fill('someone@elsewhere.mu');
    await page.getByRole('button', { name: 'Continue' }).click();
    await visible(page.getByText("No practice signs in with accounts of this email's domain here.", { exact: false }));
    await page.getByLabel('Your work email').fill(DENTIST);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${practiceIdp.issuer}/**`);
    await page.getByRole('button', { name: `Continue as ${DENTIST}` }).click();
    await page.waitForURL(new RegExp(`/app/${practiceId}/`));
    await visible(page.getByRole('navigation', { name: 'Main navigation' }));
    await context.close();
  });

  it('logged no errors in the browser console', () => {
    expect(errors).toEqual([]);
  });
});
