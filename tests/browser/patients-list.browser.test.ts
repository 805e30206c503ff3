import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/** The Patients list of a practice with more patients than one page: counted, and every one reachable. */

const OWNER = { name: 'Kavita Ramsamy', email: 'kavita@list.mu', password: 'correct horse battery' };
const PATIENTS = 120;

let browser: Browser;
let app: RunningApp;
let api: ReturnType<typeof apiAs>;
let practiceId = '';
const consoleErrors: string[] = [];
const appUrl = (pathname: string) => new URL(`/app/${practiceId}${pathname}`, app.baseUrl).toString();
/** Family names that sort in the order they are made: Family000, Family001, … */
const familyName = (i: number) => `Family${String(i).padStart(3, '0')}`;

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  api = apiAs(app);
  const me = await api.ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'List Dental Quatre Bornes', timeZone: 'Indian/Mauritius' },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  for (let start = 0; start < PATIENTS; start += 20)
    await Promise.all(
      Array.from({ length: Math.min(20, PATIENTS - start) }, (_, k) =>
        api.ok('POST', `/practices/${practiceId}/patients`, {
          givenName: (start + k) % 24 === 0 ? 'Zoé' : 'Marie',
          familyName: familyName(start + k),
        }),
      ),
    );
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('the Patients list', () => {
  it('says how many patients there are and reaches every one by keyboard, the focus on the first one loaded', async () => {
    const page = await watchedPage(await newContext(browser, app, { cookie: api.cookie }), 'list', consoleErrors);
    await page.goto(appUrl('/patients'));
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(50);
    await expect.poll(() => page.getByText(`${PATIENTS} patients · 50 shown`).count()).toBe(1);

    const loadMore = page.getByRole('button', { name: 'Load more' });
    await loadMore.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => rows.count()).toBe(100);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(`Marie ${familyName(50)}`);

    await page.getByRole('button', { name: 'Load more' }).press('Space');
    await expect.poll(() => rows.count()).toBe(PATIENTS);
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe(`Marie ${familyName(100)}`);
    // The end of the list: no button, the count alone.
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    expect(await page.getByText(`${PATIENTS} patients`, { exact: true }).count()).toBe(1);
    expect(await rows.last().textContent()).toContain(familyName(PATIENTS - 1));

    // A search counts its own matches.
    await page.getByLabel('Find a patient').fill('zoe');
    await expect.poll(() => page.getByText('5 patients', { exact: true }).count()).toBe(1);
    await expect.poll(() => rows.count()).toBe(5);
  });

  it('says it in French', async () => {
    const page = await watchedPage(
      await newContext(browser, app, { cookie: api.cookie, locale: 'fr-FR' }),
      'list-fr',
      consoleErrors,
    );
    await page.goto(appUrl('/patients'));
    await expect.poll(() => page.getByText(`${PATIENTS} patients · 50 affichés`).count()).toBe(1);
    await expect.poll(() => page.getByRole('button', { name: 'Afficher plus' }).count()).toBe(1);
  });

  it('logs no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
