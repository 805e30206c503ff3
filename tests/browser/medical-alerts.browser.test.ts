import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantAt, todayIn } from '../../apps/web/src/features/scheduling/zoned-time.js';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Issue 16, medical alerts where work happens: a patient with an alert carries a badge on the
 * calendar card (day and week), in the appointment panel and in the booking dialog; a dentist reads
 * the alerts by keyboard focus, a receptionist is told to ask the dentist (until the owner allows
 * receptionists to see them in Settings), in English and French.
 */

const TZ = 'Indian/Mauritius';
const OWNER = { name: 'Anjali Ramdin', email: 'anjali@alerts.mu', password: 'correct horse battery' };
const RECEPTIONIST = { name: 'Priya Desk', email: 'priya@alerts.mu', password: 'another long passphrase' };
const DENTIST = { name: 'Dev Chetty', email: 'dev@alerts.mu', password: 'yet another passphrase' };

let browser: Browser;
let app: RunningApp;
let practiceId = '';
let appointmentId = '';
let day = '';
const cookies = { owner: '', receptionist: '', dentist: '' };
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  const api = apiAs(app);
  const me = await api.ok<{ user: { id: string }; memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Rose Hill', timeZone: TZ },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  const ownerId = me.user.id;
  const P = `/practices/${practiceId}`;
  const chair = await api.ok<{ id: string }>('POST', `${P}/chairs`, { name: 'Chair 1', sortOrder: 0 });
  const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
  await api.ok('PUT', `${P}/opening-hours`, { hours: everyDay });
  await api.ok('POST', `${P}/providers`, { userId: ownerId, displayName: 'Dr Ramdin', colour: '#0f766e' });
  await api.ok('PUT', `${P}/providers/${ownerId}/hours`, { hours: everyDay });
  const type = await api.ok<{ id: string }>('POST', `${P}/appointment-types`, {
    nameEn: 'Check-up',
    nameFr: 'Contrôle',
    durationMinutes: 30,
    allowedRoles: ['owner', 'dentist'],
    minNoticeMinutes: 0,
  });
  const marie = await api.ok<{ id: string }>('POST', `${P}/patients`, {
    givenName: 'Marie',
    familyName: 'Lebon',
    phone: '+23057123456',
    dateOfBirth: '1980-04-02',
  });
  await api.ok('PUT', `${P}/patients/${marie.id}/alerts`, {
    allergies: ['Penicillin'],
    medications: ['Warfarin 5mg'],
  });
  day = addDays(todayIn(TZ), 1);
  const booked = await api.ok<{ id: string }>('POST', `${P}/appointments`, {
    patientId: marie.id,
    appointmentTypeId: type.id,
    providerId: ownerId,
    chairId: chair.id,
    start: instantAt(day, 9 * 60, TZ).toISOString(),
    source: 'phone',
  });
  appointmentId = booked.id;
  cookies.owner = api.cookie;
  for (const [person, role, key] of [
    [RECEPTIONIST, 'receptionist', 'receptionist'],
    [DENTIST, 'dentist', 'dentist'],
  ] as const) {
    const invite = await api.ok<{ acceptUrl: string }>('POST', `${P}/invitations`, { email: person.email, role });
    const member = apiAs(app);
    await member.ok('POST', `/invitations/${invite.acceptUrl.split('/').pop()}/accept`, {
      name: person.name,
      password: person.password,
    });
    cookies[key] = member.cookie;
  }
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  expect(consoleErrors).toEqual([]);
});

async function pageAs(who: keyof typeof cookies, locale = 'en-GB', width = 1180): Promise<Page> {
  const context = await newContext(browser, app, { cookie: cookies[who], locale, width });
  return watchedPage(context, `alerts-${who}`, consoleErrors);
}

async function openCalendar(page: Page, view: 'day' | 'week' = 'day') {
  await page.goto(new URL(`/app/${practiceId}/calendar?date=${day}&view=${view}`, app.baseUrl).toString());
  const card = page.locator(`[data-appointment-id="${appointmentId}"]`);
  await card.waitFor();
  return card;
}

describe('medical alerts on the calendar and in booking', () => {
  it('shows a receptionist the badge on the card (day and week), in the panel and in booking, and says to ask the dentist', async () => {
    const page = await pageAs('receptionist');
    for (const view of ['week', 'day'] as const) {
      const card = await openCalendar(page, view);
      // The week's narrow columns show the icon (titled); the day shows the words too.
      await card.getByTitle('Medical alert').waitFor();
      const name = (await card.getAttribute('aria-label')) ?? '';
      expect(name).toContain('Medical alert');
      expect(name).toContain('Marie Lebon');
      if (view === 'week') await page.screenshot({ path: path.join(artifactsDir, 'medical-alerts-week.png') });
    }
    await page.locator(`[data-appointment-id="${appointmentId}"]`).getByText('Medical alert').waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'medical-alerts-card-receptionist.png') });

    await page.locator(`[data-appointment-id="${appointmentId}"]`).click();
    const panel = page.getByRole('complementary', { name: 'Marie Lebon' });
    const badge = panel.getByRole('button', { name: 'Medical alert' });
    await badge.focus();
    await panel.getByRole('tooltip').getByText('Ask the dentist before the visit').waitFor();
    expect(await page.content()).not.toContain('Penicillin');
    // Escape closes the popover, not the panel.
    await page.keyboard.press('Escape');
    await panel.getByRole('tooltip').waitFor({ state: 'detached' });
    expect(await panel.isVisible()).toBe(true);

    // Booking: the badge appears once the patient is chosen.
    await page.getByRole('button', { name: 'Book 10:00, Chair 1', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Book an appointment' });
    await dialog.getByRole('combobox', { name: 'Patient' }).fill('Lebo');
    await dialog.getByRole('option', { name: /Marie Lebon/ }).click();
    const inDialog = dialog.getByRole('button', { name: 'Medical alert' });
    await inDialog.waitFor();
    // A tap (click) pins the popover open.
    await inDialog.click();
    await dialog.getByRole('tooltip').getByText('Ask the dentist before the visit').waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'medical-alerts-booking-receptionist.png') });
    expect(await page.content()).not.toContain('Penicillin');
  });

  it('says it in French: "Alerte médicale", "Demandez au dentiste avant la visite"', async () => {
    const page = await pageAs('receptionist', 'fr-FR');
    const card = await openCalendar(page);
    await card.getByText('Alerte médicale').waitFor();
    await card.click();
    const badge = page.getByRole('button', { name: 'Alerte médicale', exact: true });
    await badge.focus();
    await page.getByRole('tooltip').getByText('Demandez au dentiste avant la visite').waitFor();
  });

  it('lets a dentist read the alerts by keyboard focus on the badge in the panel', async () => {
    const page = await pageAs('dentist');
    const card = await openCalendar(page);
    await card.getByText('Medical alert').waitFor();
    await card.focus();
    await page.keyboard.press('Enter');
    const panel = page.getByRole('complementary', { name: 'Marie Lebon' });
    await panel.getByRole('button', { name: 'Close' }).focus();
    await page.keyboard.press('Tab');
    const badge = panel.getByRole('button', { name: 'Medical alert' });
    await expect.poll(() => badge.evaluate((el) => el === document.activeElement)).toBe(true);
    const tooltip = panel.getByRole('tooltip');
    await tooltip.getByText('Penicillin').waitFor();
    expect(await tooltip.innerText()).toMatch(/Allergies: Penicillin[\s\S]*Medications: Warfarin 5mg/);
    await page.screenshot({ path: path.join(artifactsDir, 'medical-alerts-panel-dentist.png') });
  });

  it('lets the owner allow receptionists to see the details in Settings; then the receptionist reads them', async () => {
    const owner = await pageAs('owner');
    await owner.goto(new URL(`/app/${practiceId}/settings/practice`, app.baseUrl).toString());
    const setting = owner.getByLabel('Receptionists may see medical alert details on the calendar and when booking');
    expect(await setting.isChecked()).toBe(false);
    await setting.check();
    // The practice form's button (the practice's own sign-in provider has its 'Save provider' here too).
    await owner.getByRole('button', { name: 'Save changes', exact: true }).click();
    await owner.getByText('Practice details saved.').waitFor();

    const page = await pageAs('receptionist');
    const card = await openCalendar(page);
    await card.click();
    const panel = page.getByRole('complementary', { name: 'Marie Lebon' });
    await panel.getByRole('button', { name: 'Medical alert' }).focus();
    await panel.getByRole('tooltip').getByText('Penicillin').waitFor();
  });
});
