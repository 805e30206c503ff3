import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayIn } from '../../apps/web/src/features/scheduling/zoned-time.js';
import { type RunningApp, apiAs, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Issue 16: the recall list and the waitlist read the server a page at a time, as the patients list
 * does: the count of the whole list, "Load more" to reach every row, and the focus on the first
 * row it brought. 57 patients are due for recall and waiting, more than a page (50).
 */

const TZ = 'Indian/Mauritius';
const PEOPLE = 57;

let browser: Browser;
let app: RunningApp;
let practiceId = '';
let cookie = '';
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  const owner = apiAs(app);
  const me = await owner.ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Rose-Hill', timeZone: TZ },
    owner: { name: 'Anjali Ramdin', email: 'anjali@paging.mu', password: 'correct horse battery' },
  });
  practiceId = me.memberships[0]!.practiceId;
  const P = `/practices/${practiceId}`;
  const type = await owner.ok<{ id: string }>('POST', `${P}/appointment-types`, {
    nameEn: 'Check-up',
    nameFr: 'Contrôle',
    durationMinutes: 30,
    allowedRoles: ['owner', 'dentist'],
    minNoticeMinutes: 0,
  });
  const overdue = addDays(todayIn(TZ), -10);
  for (let i = 1; i <= PEOPLE; i++) {
    const patient = await owner.ok<{ id: string }>('POST', `${P}/patients`, {
      givenName: `Patient${String(i).padStart(2, '0')}`,
      familyName: 'Paging',
      phone: `+2305700${String(i).padStart(4, '0')}`,
    });
    await owner.ok('POST', `${P}/recalls`, { patientId: patient.id, dueDate: overdue });
    await owner.ok('POST', `${P}/waitlist`, { patientId: patient.id, appointmentTypeId: type.id });
  }
  cookie = owner.cookie;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function open(path: string, locale = 'en-GB'): Promise<Page> {
  const page = await watchedPage(
    await newContext(browser, app, { cookie, locale, width: 1366, height: 768 }),
    'list-paging',
    consoleErrors,
  );
  await page.goto(new URL(`/app/${practiceId}/${path}`, app.baseUrl).toString());
  return page;
}

const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent ?? '');

describe('paging the recall list and the waitlist', () => {
  it('counts every recall due, shows the first 50 and loads the rest', async () => {
    const page = await open('recalls');
    const rows = page.locator('tr[data-recall-id]');
    await rows.first().waitFor();
    await expect.poll(() => rows.count()).toBe(50);
    await expect.poll(() => page.getByText(`${PEOPLE} recalls · 50 shown`).count()).toBe(1);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(PEOPLE);
    await expect.poll(() => page.getByText(`${PEOPLE} recalls`, { exact: true }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    // The keyboard is on the first recall the page brought (the 51st, soonest due then by name).
    await expect.poll(() => focusedText(page)).toBe('Patient51 Paging');
    await page.close();
  });

  it('counts every patient waiting, loads the rest, and in French too', async () => {
    const page = await open('waitlist');
    const rows = page.locator('tr[data-waitlist-id]');
    await rows.first().waitFor();
    await expect.poll(() => rows.count()).toBe(50);
    await expect.poll(() => page.getByText(`${PEOPLE} patients waiting · 50 shown`).count()).toBe(1);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(PEOPLE);
    await expect.poll(() => focusedText(page)).toBe('Patient51 Paging');
    await page.close();

    const french = await open('waitlist', 'fr-FR');
    await french.locator('tr[data-waitlist-id]').first().waitFor();
    await expect.poll(() => french.locator('tr[data-waitlist-id]').count()).toBe(50);
    await expect.poll(() => french.getByText(`${PEOPLE} patients en attente · 50 affichés`).count()).toBe(1);
    await french.getByRole('button', { name: 'Afficher plus' }).waitFor();
    await french.close();
    expect(consoleErrors).toEqual([]);
  });
});
