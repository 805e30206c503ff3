import { generate } from 'otplib';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, launchBrowser, newContext, type RunningApp, startApp, watchedPage } from './harness.js';

/**
 * A practice requires two-step verification for password sign-in (issue 15): a member without it
 * signs in with their password, is taken to set it up, reaches nothing else meanwhile, and once
 * it is on works normally. The real server and built app in Chromium.
 */
let browser: Browser;
let app: RunningApp;
let practiceId: string;
const errors: string[] = [];

const OWNER = { name: 'Anjali Ramdin', email: 'anjali@smile.mu', password: 'correct horse battery' };
const MEMBER = { name: 'Kevin Li', email: 'kevin@smile.mu', password: 'another fine horse' };
// Signed out, and the held session refused elsewhere than the enrolment page: both expected here.
const EXPECTED = /status of (401|403)/;

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp({ readyTimeoutMs: 180_000 });
  const owner = apiAs(app);
  const me = await owner.ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Curepipe', timeZone: 'Indian/Mauritius' },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  // The member joins with a password, then the owner requires two-step for password sign-in.
  const invite = await owner.ok<{ acceptUrl: string }>('POST', `/practices/${practiceId}/invitations`, {
    email: MEMBER.email,
    role: 'receptionist',
  });
  const token = new URL(invite.acceptUrl).pathname.split('/').pop()!;
  await apiAs(app).ok('POST', `/invitations/${token}/accept`, { name: MEMBER.name, password: MEMBER.password });
  await owner.ok('PATCH', `/practices/${practiceId}`, { twoStepRequiredForPasswords: true });
}, 240_000);
afterAll(async () => {
  await app?.stop();
  await browser?.close();
});

const visible = (locator: Locator) => locator.waitFor({ state: 'visible' });
const url = (pathname: string) => new URL(pathname, app.baseUrl).toString();

describe('two-step verification required by the practice', () => {
  it('takes a member without it to set it up, holds every other page, then lets them work', async () => {
    const context = await newContext(browser, app);
    const page = await watchedPage(context, 'two-step-required', errors, EXPECTED);
    await page.goto(url('/login'));
    await page.getByLabel('Email', { exact: true }).fill(MEMBER.email);
    await page.getByLabel('Password', { exact: true }).fill(MEMBER.password);
    await page.getByRole('button', { name: 'Log in' }).click();

    // Signed in, but held on the enrolment page.
    await page.waitForURL(/\/enrol-two-step$/);
    await visible(page.getByRole('heading', { name: 'Set up two-step verification', level: 1 }));

    // Any other page sends the held session back here; the API refuses it too.
    await page.goto(url(`/app/${practiceId}/patients`));
    await page.waitForURL(/\/enrol-two-step$/);
    const refused = await page.evaluate(async (id) => {
      const res = await fetch(`/api/v1/practices/${id}/patients`);
      return { status: res.status, code: ((await res.json()) as { code: string }).code };
    }, practiceId);
    expect(refused).toEqual({ status: 403, code: 'mfa_enrolment_required' });

    // Setting it up: the key, a code from it, the recovery codes, then on to work.
    await page.getByRole('button', { name: 'Set up two-step verification' }).click();
    const key = (await page.locator('.secret-value').innerText()).replace(/\s/g, '');
    expect(key).toMatch(/^[A-Z2-7]{16,}$/);
    await page.getByLabel('6-digit code').fill(await generate({ secret: key }));
    await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
    await visible(page.getByRole('list', { name: /recovery codes/i }));
    await page.getByRole('button', { name: 'I have saved them' }).click();

    await page.waitForURL(new RegExp(`/app/${practiceId}/`));
    await page.goto(url(`/app/${practiceId}/patients`));
    await visible(page.getByRole('heading', { name: 'Patients', level: 1 }));
    expect(page.url()).toContain(`/app/${practiceId}/patients`);
    const allowed = await page.evaluate(
      async (id) => (await fetch(`/api/v1/practices/${id}/patients`)).status,
      practiceId,
    );
    expect(allowed).toBe(200);

    // Next time: password, then the code, as for anyone with two-step.
    await context.clearCookies();
    await page.goto(url('/login'));
    await page.getByLabel('Email', { exact: true }).fill(MEMBER.email);
    await page.getByLabel('Password', { exact: true }).fill(MEMBER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await visible(page.getByLabel('6-digit code'));
    await context.close();
    expect(errors).toEqual([]);
  });
});
