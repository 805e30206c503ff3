import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantAt, todayIn } from '../../apps/web/src/features/scheduling/zoned-time.js';
import { type RunningApp, apiAs, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Issue 13, practice announcements on the web: from the calendar day's "Block time" the owner opens
 * "Close the practice…" with the keyboard, chooses the whole day and a power cut, sees the two appointments
 * it would cancel, confirms, and lands on the announcement's list: the patient on WhatsApp is being
 * told, the one with a landline needs a call; the desk's "Mark as called" changes that line. The
 * calendar's day then shows the closure's banner with a link to the list. English and French.
 */

const TZ = 'Indian/Mauritius';
const OWNER = { name: 'Vikash Closer', email: 'vikash@closures.mu', password: 'correct horse battery' };

let browser: Browser;
let app: RunningApp;
let owner: ReturnType<typeof apiAs>;
let practiceId = '';
let P = '';
let day = '';
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp({ readyTimeoutMs: 180_000 });
  owner = apiAs(app);
  const me = await owner.ok<{ user: { id: string }; memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Cyclone Dental Mahebourg', timeZone: TZ },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  P = `/practices/${practiceId}`;
  const chair = (await owner.ok<{ id: string }>('POST', `${P}/chairs`, { name: 'Chair 1', sortOrder: 0 })).id;
  const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
  await owner.ok('PUT', `${P}/opening-hours`, { hours: everyDay });
  await owner.ok('POST', `${P}/providers`, { userId: me.user.id, displayName: 'Dr Closer', colour: '#0f766e' });
  await owner.ok('PUT', `${P}/providers/${me.user.id}/hours`, { hours: everyDay });
  const checkup = (
    await owner.ok<{ id: string }>('POST', `${P}/appointment-types`, {
      nameEn: 'Check-up',
      nameFr: 'Contrôle',
      durationMinutes: 30,
      allowedRoles: ['owner', 'dentist'],
      minNoticeMinutes: 0,
    })
  ).id;
  await owner.ok('PUT', `${P}/whatsapp/channel`, {
    phoneNumberId: '106540352242944',
    displayPhoneNumber: '+230 5200 0002',
    wabaId: '102290129340344',
    throughputPerSecond: 80,
  });
  const patient = async (givenName: string, familyName: string, phone: string, isWhatsApp: boolean) =>
    (
      await owner.ok<{ id: string }>('POST', `${P}/patients`, {
        givenName,
        familyName,
        dateOfBirth: '1979-05-03',
        preferredLanguage: 'en',
        phones: [{ number: phone, isWhatsApp }],
      })
    ).id;
  const marie = await patient('Marie', 'Whatsapp', '+23057123999', true);
  const louis = await patient('Louis', 'Landline', '+2304641111', false);
  day = addDays(todayIn(TZ), 3);
  for (const [patientId, minutes] of [
    [marie, 9 * 60],
    [louis, 10 * 60],
  ] as const)
    await owner.ok('POST', `${P}/appointments`, {
      patientId,
      appointmentTypeId: checkup,
      providerId: me.user.id,
      chairId: chair,
      start: instantAt(day, minutes, TZ).toISOString(),
      source: 'phone',
    });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function pageAs(locale = 'en-GB'): Promise<Page> {
  const context = await newContext(browser, app, { cookie: owner.cookie, locale });
  return watchedPage(context, `closures-${locale}`, consoleErrors);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe's serious and critical findings (WCAG 2.1 A and AA) on the page as it is now. */
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

const calendarUrl = () => new URL(`/app/${practiceId}/calendar?date=${day}`, app.baseUrl).toString();

describe('closing the practice from the calendar', () => {
  let listUrl = '';

  it('opens with the keyboard, previews the appointments, closes, and lists each patient with their status', async () => {
    const page = await pageAs();
    await page.goto(calendarUrl());
    // From the day's Block time: owners are offered to close the practice and tell the patients instead.
    await page.getByRole('button', { name: 'Block time' }).click();
    const block = page.getByRole('dialog', { name: 'Block time' });
    const open = block.getByRole('button', { name: 'Close the practice…' });
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Close the practice' });
    await dialog.waitFor();
    // The focus is in the first field; every field has its label.
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name)).toBe('date');
    expect(await dialog.getByLabel('Day', { exact: true }).inputValue()).toBe(day);
    expect(await dialog.getByLabel('The whole day').isChecked()).toBe(true);
    await dialog.getByLabel('Why').selectOption('power_cut');
    await dialog.getByRole('button', { name: 'Show the appointments affected' }).click();
    await dialog.getByRole('heading', { name: '2 appointments affected' }).waitFor();
    const rows = dialog.locator('tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.allInnerTexts()).toEqual([
      expect.stringContaining('Marie Whatsapp'),
      expect.stringContaining('Louis Landline'),
    ]);
    expect(await seriousFindings(page)).toEqual([]);
    // Changing the draft asks for the preview again before anything can be confirmed.
    await dialog.getByLabel('The whole day').uncheck();
    await dialog.getByRole('button', { name: 'Show the appointments affected' }).waitFor();
    // Back to the range previewed: its list stands.
    await dialog.getByLabel('The whole day').check();
    await dialog.getByRole('button', { name: 'Close and tell 2 patients' }).click();

    await page.waitForURL(/\/closures\/[0-9a-f-]{36}$/);
    listUrl = page.url();
    await page.getByRole('heading', { name: 'Practice closure: Power cut' }).waitFor();
    const marie = page.getByRole('row', { name: /Marie Whatsapp/ });
    const louis = page.getByRole('row', { name: /Louis Landline/ });
    await expect.poll(() => louis.innerText()).toContain('No WhatsApp number');
    expect(await louis.innerText()).toContain('Needs a call');
    await expect.poll(() => marie.innerText()).toMatch(/Waiting to send|Sent|Delivered/);
    expect(await seriousFindings(page)).toEqual([]);

    await louis.getByRole('button', { name: 'Mark as called: Louis Landline' }).click();
    await expect.poll(() => louis.innerText()).toContain('Called');
    await louis.getByRole('button', { name: 'Undo the call mark: Louis Landline' }).waitFor();

    // The calendar's day: closed, with the announcement's banner and its link.
    await page.goto(calendarUrl());
    const banner = page.getByText(/Practice closure \(Power cut\): 2 appointments/);
    await banner.waitFor();
    await page.getByRole('link', { name: 'Open the list' }).click();
    await page.waitForURL(listUrl);

    // Settings → Calendar → Closures lists it too.
    await page.goto(new URL(`/app/${practiceId}/settings/calendar/closures`, app.baseUrl).toString());
    await page.getByRole('heading', { name: 'Closures patients were told about' }).waitFor();
    await page.getByText('2 appointments, 0 to call').waitFor();
    await page.getByRole('link', { name: /Power cut/ }).click();
    await page.waitForURL(listUrl);
  });

  it('reads in French', async () => {
    const page = await pageAs('fr-FR');
    await page.goto(listUrl);
    await page.getByRole('heading', { name: 'Fermeture du cabinet : Coupure de courant' }).waitFor();
    await page
      .getByRole('row', { name: /Louis Landline/ })
      .getByText('Appelé')
      .waitFor();
    await page.goto(calendarUrl());
    await page.getByRole('button', { name: 'Bloquer un créneau' }).click();
    await page
      .getByRole('dialog', { name: 'Bloquer un créneau' })
      .getByRole('button', { name: 'Fermer le cabinet…' })
      .click();
    await page.getByRole('dialog', { name: 'Fermer le cabinet' }).getByLabel('Toute la journée').waitFor();
  });

  it('logs no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
