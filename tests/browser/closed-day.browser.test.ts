import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/** A day the practice never opens (Sunday) reads as closed, in the day view and the week view. */

let browser: Browser;
let app: RunningApp;
let api: ReturnType<typeof apiAs>;
let practiceId = '';
const consoleErrors: string[] = [];
const SUNDAY = '2027-03-07';
const MONDAY = '2027-03-08';
const calendar = (query: string) => new URL(`/app/${practiceId}/calendar?${query}`, app.baseUrl).toString();

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  api = apiAs(app);
  const me = await api.ok<{ user: { id: string }; memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Closed Sunday Dental', timeZone: 'Indian/Mauritius' },
    owner: { name: 'Anil Doorgakant', email: 'anil@closed.mu', password: 'correct horse battery' },
  });
  practiceId = me.memberships[0]!.practiceId;
  const P = `/practices/${practiceId}`;
  await api.ok('POST', `${P}/chairs`, { name: 'Chair 1', sortOrder: 0 });
  const monToSat = [1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, start: '08:00', end: '17:00' }));
  await api.ok('PUT', `${P}/opening-hours`, { hours: monToSat });
  await api.ok('POST', `${P}/providers`, { userId: me.user.id, displayName: 'Dr Doorgakant' });
  await api.ok('PUT', `${P}/providers/${me.user.id}/hours`, { hours: monToSat });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('a day with no opening hours', () => {
  it('says "Closed on Sundays" and offers no booking there; Monday is bookable and says nothing', async () => {
    const page = await watchedPage(await newContext(browser, app, { cookie: api.cookie }), 'closed', consoleErrors);
    const bookButtons = page.getByRole('button', { name: /^Book \d\d:\d\d/ });
    await page.goto(calendar(`date=${SUNDAY}`));
    await page.getByText('Closed on Sundays', { exact: false }).waitFor();
    expect(await bookButtons.count()).toBe(0);

    await page.goto(calendar(`date=${MONDAY}`));
    await expect.poll(() => bookButtons.count()).toBeGreaterThan(0);
    expect(await page.getByText('Closed on Sundays', { exact: false }).count()).toBe(0);

    // The week: one banner, Sunday's column closed, the other days bookable.
    await page.goto(calendar(`date=${MONDAY}&view=week`));
    await expect.poll(() => page.getByText('Closed on Sundays', { exact: false }).count()).toBe(1);
    // The columns draw once the week's hours have come (the banner may come first).
    await expect.poll(() => page.locator('.cal-col.is-closed').count()).toBe(1);
    await expect.poll(() => page.locator('.cal-col:not(.is-closed) button.cal-cell').count()).toBeGreaterThan(0);
    expect(await page.locator('.cal-col.is-closed button.cal-cell').count()).toBe(0);
  });

  it('says it in French', async () => {
    const page = await watchedPage(
      await newContext(browser, app, { cookie: api.cookie, locale: 'fr-FR' }),
      'closed-fr',
      consoleErrors,
    );
    await page.goto(calendar(`date=${SUNDAY}`));
    await page.getByText('Fermé le dimanche', { exact: false }).waitFor();
  });

  it('logs no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
