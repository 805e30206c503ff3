import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantAt, todayIn } from '../../apps/web/src/features/scheduling/zoned-time.js';
import { type RunningApp, apiAs, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Issue 16: Today shows other days too. Previous day, next day, a date field and back to today;
 * the day is in the address, so a reload keeps it. A day to come lists its visits without the
 * check-in steps. In English and French, from the keyboard.
 */

const TZ = 'Indian/Mauritius';

let browser: Browser;
let app: RunningApp;
let practiceId = '';
let cookie = '';
let later = '';
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  const api = apiAs(app);
  const me = await api.ok<{ user: { id: string }; memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Mahébourg', timeZone: TZ },
    owner: { name: 'Anjali Ramdin', email: 'anjali@days.mu', password: 'correct horse battery' },
  });
  practiceId = me.memberships[0]!.practiceId;
  const P = `/practices/${practiceId}`;
  const chair = await api.ok<{ id: string }>('POST', `${P}/chairs`, { name: 'Chair 1', sortOrder: 0 });
  const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
  await api.ok('PUT', `${P}/opening-hours`, { hours: everyDay });
  await api.ok('POST', `${P}/providers`, { userId: me.user.id, displayName: 'Dr Ramdin', colour: '#0f766e' });
  await api.ok('PUT', `${P}/providers/${me.user.id}/hours`, { hours: everyDay });
  const checkup = await api.ok<{ id: string }>('POST', `${P}/appointment-types`, {
    nameEn: 'Check-up',
    nameFr: 'Contrôle',
    durationMinutes: 30,
    allowedRoles: ['owner', 'dentist'],
    minNoticeMinutes: 0,
  });
  const patient = await api.ok<{ id: string }>('POST', `${P}/patients`, {
    givenName: 'Marie',
    familyName: 'Lebon',
    phone: '+23057123456',
  });
  // A working day to come, two days on at least (not a public holiday, when the practice is closed).
  const holidays = new Set<string>();
  const year = Number(todayIn(TZ).slice(0, 4));
  for (const y of [year, year + 1]) {
    const list = await api.ok<{ items: { date: string }[] }>('GET', `${P}/holidays?year=${y}`);
    for (const h of list.items) holidays.add(h.date);
  }
  later = addDays(todayIn(TZ), 2);
  while (holidays.has(later)) later = addDays(later, 1);
  await api.ok('POST', `${P}/appointments`, {
    patientId: patient.id,
    appointmentTypeId: checkup.id,
    providerId: me.user.id,
    chairId: chair.id,
    start: instantAt(later, 10 * 60, TZ).toISOString(),
    source: 'phone',
  });
  cookie = api.cookie;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function open(locale: string, query = ''): Promise<Page> {
  const page = await watchedPage(
    await newContext(browser, app, { cookie, locale, width: 1366, height: 768 }),
    'today-days',
    consoleErrors,
  );
  await page.goto(new URL(`/app/${practiceId}/today${query}`, app.baseUrl).toString());
  await page.locator('.day-summary').waitFor();
  return page;
}

const dateInUrl = (page: Page) => new URL(page.url()).searchParams.get('date');

describe('Today for other days', () => {
  it('moves day by day and by date, keeps the day in the address, and comes back to today', async () => {
    const page = await open('en-GB');
    const row = page.locator('li.day-row', { hasText: 'Marie Lebon' });
    expect(await row.count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Back to today' }).count()).toBe(0);

    // Next day twice from the keyboard (the button keeps the focus).
    const next = page.getByRole('button', { name: 'Next day' });
    await next.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => dateInUrl(page)).toBe(addDays(todayIn(TZ), 1));
    await page.keyboard.press('Enter');
    await expect.poll(() => dateInUrl(page)).toBe(addDays(todayIn(TZ), 2));
    if (later === addDays(todayIn(TZ), 2)) await row.waitFor();

    // The date field takes any day; a reload keeps it.
    await page.getByLabel('Day to show').fill(later);
    await expect.poll(() => dateInUrl(page)).toBe(later);
    await row.waitFor();
    expect(await page.locator('.day-date').innerText()).toContain('a day to come');
    // A day to come has no check-in steps.
    expect(await row.getByRole('button', { name: /Arrived/ }).count()).toBe(0);
    await page.reload();
    await row.waitFor();
    expect(dateInUrl(page)).toBe(later);
    expect(await page.getByLabel('Day to show').inputValue()).toBe(later);

    await page.getByRole('button', { name: 'Previous day' }).click();
    await expect.poll(() => dateInUrl(page)).toBe(addDays(later, -1));
    await expect.poll(() => row.count()).toBe(0);

    await page.getByRole('button', { name: 'Back to today' }).click();
    await expect.poll(() => dateInUrl(page)).toBeNull();
    expect(await page.getByLabel('Day to show').inputValue()).toBe(todayIn(TZ));
    await page.close();
  });

  it('speaks French, and opens on the day in the address', async () => {
    const page = await open('fr-FR', `?date=${later}`);
    await page.locator('li.day-row', { hasText: 'Marie Lebon' }).waitFor();
    await page.getByRole('button', { name: 'Jour précédent' }).waitFor();
    await page.getByRole('button', { name: 'Jour suivant' }).waitFor();
    await page.getByRole('button', { name: "Revenir à aujourd'hui" }).waitFor();
    expect(await page.getByLabel('Jour affiché').inputValue()).toBe(later);
    expect(await page.locator('.day-date').innerText()).toContain('jour à venir');
    await page.close();
    expect(consoleErrors).toEqual([]);
  });
});
