import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayIn } from '../../apps/web/src/features/scheduling/zoned-time.js';
import { type RunningApp, apiAs, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/** Someone else saving the record while it is being edited; a deceased patient in the booking dialog. */

const TZ = 'Indian/Mauritius';
const OWNER = { name: 'Nadia Jeetun', email: 'nadia@changes.mu', password: 'correct horse battery' };

let browser: Browser;
let app: RunningApp;
let api: ReturnType<typeof apiAs>;
let practiceId = '';
let veraId = '';
const consoleErrors: string[] = [];
const P = () => `/practices/${practiceId}`;
const appUrl = (pathname: string) => new URL(`/app/${practiceId}${pathname}`, app.baseUrl).toString();

interface PatientBody {
  address: string;
  notes: string;
  version: number;
}

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  api = apiAs(app);
  const me = await api.ok<{ user: { id: string }; memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Changes Dental Curepipe', timeZone: TZ },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  await api.ok('POST', `${P()}/chairs`, { name: 'Chair 1', sortOrder: 0 });
  const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
  await api.ok('PUT', `${P()}/opening-hours`, { hours: everyDay });
  await api.ok('POST', `${P()}/providers`, { userId: me.user.id, displayName: 'Dr Jeetun' });
  await api.ok('PUT', `${P()}/providers/${me.user.id}/hours`, { hours: everyDay });
  await api.ok('POST', `${P()}/appointment-types`, {
    nameEn: 'Check-up',
    nameFr: 'Contrôle',
    durationMinutes: 30,
    allowedRoles: ['owner', 'dentist'],
    minNoticeMinutes: 0,
  });
  veraId = (
    await api.ok<{ id: string }>('POST', `${P()}/patients`, {
      givenName: 'Vera',
      familyName: 'Lagesse',
      phone: '+23057120001',
    })
  ).id;
  await api.ok('POST', `${P()}/patients`, {
    givenName: 'Gaston',
    familyName: 'Lagesse',
    phone: '+23057120002',
    status: 'deceased',
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function newPage(): Promise<Page> {
  // Chromium logs the refused save (409) itself: that one is expected.
  return watchedPage(await newContext(browser, app, { cookie: api.cookie }), 'changes', consoleErrors, /status of 409/);
}

describe('a record saved by someone else during an edit', () => {
  it('says so, puts the edit on top of their version and saves it on the second try', async () => {
    const page = await newPage();
    await page.goto(appUrl(`/patients/${veraId}/edit`));
    await page.getByLabel('Administrative notes').fill('Prefers mornings');
    // The other desk saves the address meanwhile.
    await api.ok('PATCH', `${P()}/patients/${veraId}`, { address: 'Rose-Hill', expectedVersion: 1 });

    await page.getByRole('button', { name: 'Save' }).click();
    const notice = page.getByRole('alert').filter({ hasText: 'Someone else changed this record' });
    await notice.waitFor();
    expect(await notice.innerText()).toContain('They changed: Address.');
    expect(await page.getByLabel('Address').inputValue()).toBe('Rose-Hill');
    expect(await page.getByLabel('Administrative notes').inputValue()).toBe('Prefers mornings');
    expect((await api.ok<PatientBody>('GET', `${P()}/patients/${veraId}`)).notes).toBe('');

    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL((url) => url.pathname.endsWith(`/patients/${veraId}`));
    expect(await api.ok<PatientBody>('GET', `${P()}/patients/${veraId}`)).toMatchObject({
      address: 'Rose-Hill',
      notes: 'Prefers mornings',
      version: 3,
    });
    expect(consoleErrors).toEqual([]);
  });
});

describe('booking', () => {
  it('lists a deceased patient greyed out with the reason, and does not let them be picked', async () => {
    const page = await newPage();
    await page.goto(appUrl(`/calendar?date=${addDays(todayIn(TZ), 1)}`));
    await page.getByRole('button', { name: 'Book 09:00, Chair 1', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Book an appointment' });
    await dialog.getByRole('combobox', { name: 'Patient' }).fill('Lagesse');
    const gaston = dialog.getByRole('option', { name: /Gaston Lagesse/ });
    await gaston.waitFor();
    expect(await gaston.getAttribute('aria-disabled')).toBe('true');
    expect(await gaston.innerText()).toContain('recorded as deceased');
    // Playwright will not click what is marked disabled; a person's click does nothing.
    await gaston.click({ force: true });
    expect(await dialog.getByText('Change patient').count()).toBe(0);
    await dialog.getByRole('option', { name: /Vera Lagesse/ }).click();
    await dialog.getByText('Change patient').waitFor();
    expect(consoleErrors).toEqual([]);
  });
});
