import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Issue 16: on a 1366×768 laptop the "Add finding" form opened below the visible area and a tap on
 * a tooth only highlighted it. A tap now brings the form for that tooth into view with the keyboard
 * in its first field; Escape closes it and gives the focus back to the tooth.
 */

let browser: Browser;
let app: RunningApp;
let chartUrl = '';
let cookie = '';
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  const owner = apiAs(app);
  const me = await owner.ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Port Louis', timeZone: 'Indian/Mauritius' },
    owner: { name: 'Anjali Ramdin', email: 'anjali@smile.mu', password: 'correct horse battery' },
  });
  const practiceId = me.memberships[0]!.practiceId;
  const patient = await owner.ok<{ id: string }>('POST', `/practices/${practiceId}/patients`, {
    givenName: 'Marie',
    familyName: 'Lebon',
    phone: '+23057123456',
    dateOfBirth: '1980-04-02',
  });
  cookie = owner.cookie;
  chartUrl = new URL(`/app/${practiceId}/patients/${patient.id}/chart`, app.baseUrl).toString();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('tooth chart on a laptop', () => {
  it('opens the finding form in view for the tapped tooth, and Escape brings the focus back to it', async () => {
    const page = await watchedPage(
      await newContext(browser, app, { cookie, width: 1366, height: 768 }),
      'tooth-chart',
      consoleErrors,
    );
    await page.goto(chartUrl);
    const tooth36 = page.getByRole('button', { name: /^Tooth 36, whole tooth/ });
    await tooth36.click();
    const form = page.getByRole('form', { name: /Add finding — Tooth 36/ });
    await form.waitFor();
    const box = await form.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    // Within the screen (a pixel's slack for sub-pixel layout).
    expect(box!.y + box!.height).toBeLessThanOrEqual(769);
    await page.screenshot({ path: path.join(artifactsDir, 'tooth-chart-1366x768.png') });
    // The keyboard is in the form's first field (the whole tooth: the finding, surfaces being off).
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('form')?.getAttribute('aria-labelledby')))
      .toBe('add-finding-heading');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.tagName)).toBe('SELECT');

    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('[data-tooth]')?.getAttribute('data-tooth')))
      .toBe('36');

    // A surface of another tooth opens that tooth's form in view too, its surface ticked.
    await page.getByRole('checkbox', { name: /^Tooth 14, occlusal surface/ }).click();
    const form14 = page.getByRole('form', { name: /Add finding — Tooth 14/ });
    await form14.waitFor();
    const box14 = await form14.boundingBox();
    expect(box14!.y).toBeGreaterThanOrEqual(0);
    expect(box14!.y + box14!.height).toBeLessThanOrEqual(769);
    expect(await page.evaluate(() => document.activeElement?.closest('form') !== null)).toBe(true);
    expect(consoleErrors).toEqual([]);
  });
});
