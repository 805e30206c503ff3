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
 * Sign-in through an identity provider, the whole redirect flow in Chromium: DentalPro → a real
 * OpenID provider (oidc-provider) on loopback, its own page → back to DentalPro, signed in.
 */
let browser: Browser;
let app: RunningApp;
let provider: TestProvider;
let practiceId: string;
let ownerCookie: string;
const errors: string[] = [];

const OWNER = { name: 'Anjali Ramdin', email: 'anjali@smile.mu', password: 'correct horse battery' };
const DENTIST = 'dr.priya@smile.mu';
/** The sign-in page asks who is signed in: nobody yet is a 401, not an error. */
const SIGNED_OUT = /status of 401/;

beforeAll(async () => {
  browser = await launchBrowser();
  const port = await freePort();
  provider = await startTestProvider({ redirectUris: [`http://127.0.0.1:${port}/api/v1/auth/oidc/callback`] });
  app = await startApp({
    port,
    env: {
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_DISPLAY_NAME: 'Test ID',
    },
    // A fresh embedded database migrates first: slow on a loaded machine.
    readyTimeoutMs: 180_000,
  });
  const api = apiAs(app);
  const me = await api.ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Curepipe', timeZone: 'Indian/Mauritius' },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  ownerCookie = api.cookie;
  provider.accounts.set('priya', { sub: 'priya', email: DENTIST, emailVerified: true, name: 'Priya Ramsamy' });
  provider.accounts.set('anjali-work', {
    sub: 'anjali-work',
    email: 'anjali.work@smile.mu',
    emailVerified: true,
    name: 'Anjali Ramdin',
  });
  provider.accounts.set('stranger', { sub: 'stranger', email: 'someone@gmail.com', emailVerified: true, name: 'X' });
}, 240_000);
afterAll(async () => {
  await app?.stop();
  await provider?.close();
  await browser?.close();
});

const visible = (locator: Locator) => locator.waitFor({ state: 'visible' });
const url = (pathname: string) => new URL(pathname, app.baseUrl).toString();

describe('signing in through the identity provider', () => {
  it('accepts an invitation with the provider, then signs in with it from the login page (English)', async () => {
    const api = apiAs(app);
    api.cookie = ownerCookie;
    const invite = await api.ok<{ acceptUrl: string }>('POST', `/practices/${practiceId}/invitations`, {
      email: DENTIST,
      role: 'dentist',
    });
    const context = await newContext(browser, app, { locale: 'en-GB' });
    const page = await watchedPage(context, 'oidc-en', errors, SIGNED_OUT);
    await page.goto(invite.acceptUrl);
    await page.getByRole('button', { name: 'Accept with Test ID' }).click();

    // The provider's own page, on its own origin.
    await page.waitForURL(`${provider.issuer}/**`);
    await page.getByRole('button', { name: `Continue as ${DENTIST}` }).click();

    await page.waitForURL(/\/app\/[0-9a-f-]+\//);
    expect(page.url()).toContain(`/app/${practiceId}/`);
    await visible(page.getByRole('navigation', { name: 'Main navigation' }));

    // Out, and back in through the provider from the sign-in page.
    await context.clearCookies();
    await page.goto(url('/login'));
    await page.getByRole('button', { name: 'Sign in with Test ID' }).click();
    await page.waitForURL(`${provider.issuer}/**`);
    await page.getByRole('button', { name: `Continue as ${DENTIST}` }).click();
    await page.waitForURL(/\/app\/[0-9a-f-]+\//);
    await visible(page.getByRole('navigation', { name: 'Main navigation' }));
    await context.close();
  });

  it('links the owner’s provider account from the account page after the password (English)', async () => {
    const context = await newContext(browser, app, { locale: 'en-GB', cookie: ownerCookie });
    const page = await watchedPage(context, 'oidc-link', errors);
    await page.goto(url(`/app/${practiceId}/account`));
    const section = page.getByRole('region', { name: 'Sign in with Test ID' });
    await visible(section);
    await section.getByLabel('Your password').fill(OWNER.password);
    await section.getByRole('button', { name: 'Link Test ID account' }).click();
    await page.waitForURL(`${provider.issuer}/**`);
    await page.getByRole('button', { name: 'Continue as anjali.work@smile.mu' }).click();
    await page.waitForURL(/\/account\?linked=1$/);
    await visible(page.getByText('Your Test ID account is linked.'));
    await visible(page.getByText('Linked to anjali.work@smile.mu'));
    await context.close();
  });

  it('says why in French when the provider account is linked to nobody, the password form still there', async () => {
    const context = await newContext(browser, app, { locale: 'fr-FR' });
    const page = await watchedPage(context, 'oidc-fr', errors, SIGNED_OUT);
    await page.goto(url('/login'));
    await page.getByRole('button', { name: 'Se connecter avec Test ID' }).click();
    await page.waitForURL(`${provider.issuer}/**`);
    await page.getByRole('button', { name: 'Continue as someone@gmail.com' }).click();
    await page.waitForURL(/\/login\?oidcError=oidc_account_not_linked$/);
    await visible(
      page
        .getByText('Aucun compte DentalPro n’est encore lié', { exact: false })
        .or(page.getByText("Aucun compte DentalPro n'est encore lié", { exact: false })),
    );
    await visible(page.getByLabel('Mot de passe', { exact: true }));
    await context.close();
  });

  it('logged no errors in the browser console', () => {
    expect(errors).toEqual([]);
  });
});
