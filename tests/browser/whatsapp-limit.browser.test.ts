import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Settings → WhatsApp in the built app: the business portfolio's daily messaging limit, read from
 * Meta's Graph API when the number is connected (the built-in fake answers TIER_1K), then chosen by
 * the owner from Meta's tiers and read back after a reload, in English and French, with nothing
 * serious for axe (WCAG 2.1 AA) on the page.
 */

const OWNER = { name: 'Vikash Limit', email: 'vikash@limit.mu', password: 'correct horse battery' };
const PHONE_NUMBER_ID = '106540352249901';

let browser: Browser;
let app: RunningApp;
let practiceId = '';
let cookie = '';
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  const api = apiAs(app);
  const me = await api.ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Rose Hill', timeZone: 'Indian/Mauritius' },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  await api.ok('PUT', `/practices/${practiceId}/whatsapp/channel`, {
    phoneNumberId: PHONE_NUMBER_ID,
    displayPhoneNumber: '+230 5200 0001',
    wabaId: '102290129349901',
    throughputPerSecond: 80,
  });
  cookie = api.cookie;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  expect(consoleErrors).toEqual([]);
});

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function seriousFindings(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<unknown> } }).axe;
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    })) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe('Settings → WhatsApp: the daily messaging limit', () => {
  it("is Meta's at first, the owner chooses a tier, and it reads back in French", async () => {
    const context = await newContext(browser, app, { cookie });
    const page = await watchedPage(context, 'whatsapp-limit', consoleErrors);
    await page.goto(new URL(`/app/${practiceId}/settings/whatsapp`, app.baseUrl).toString());
    const limit = page.getByLabel('Daily messaging limit');
    await limit.waitFor();
    await expect.poll(() => limit.inputValue()).toBe('1000');
    const hint = await limit.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${hint?.split(' ')[0]}"]`).textContent()).toMatch(
      /Set by Meta\..*0 of 1,000 people reached outside their 24-hour window.*Shared by every number of this WhatsApp Business Account/,
    );
    expect(await seriousFindings(page)).toEqual([]);

    await limit.selectOption({ label: '2,000 people a day' });
    await page.getByRole('button', { name: /^Save/ }).first().click();
    await page.getByRole('status').getByText('WhatsApp settings saved.').waitFor();
    await page.reload();
    await expect.poll(() => page.getByLabel('Daily messaging limit').inputValue()).toBe('2000');
    expect(await page.getByText(/Set by you\. 0 of 2,000 people reached/).count()).toBe(1);
    await context.close();

    const french = await newContext(browser, app, { cookie, locale: 'fr-FR' });
    const fr = await watchedPage(french, 'whatsapp-limit-fr', consoleErrors);
    await fr.goto(new URL(`/app/${practiceId}/settings/whatsapp`, app.baseUrl).toString());
    const limite = fr.getByLabel('Limite quotidienne de messages');
    await expect.poll(() => limite.inputValue()).toBe('2000');
    expect(await fr.getByText(/Définie par vous\. 0 personnes sur 2\s000 contactées/).count()).toBe(1);
    await french.close();
  });
});
