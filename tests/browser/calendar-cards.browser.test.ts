import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * The calendar's appointment cards: each one's accessible name contains the text shown on it, in
 * the order shown (WCAG 2.5.3 Label in Name; axe's label-content-name-mismatch), in the day view,
 * the week view, and the narrow week view where the status word is hidden.
 */

let browser: Browser;
let app: RunningApp;
let api: ReturnType<typeof apiAs>;
let practiceId = '';
const consoleErrors: string[] = [];
const MONDAY = '2027-03-08';
const calendar = (query: string) => new URL(`/app/${practiceId}/calendar?${query}`, app.baseUrl).toString();

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  api = apiAs(app);
  const me = await api.ok<{ user: { id: string }; memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Cards Dental Rose-Hill', timeZone: 'Indian/Mauritius' },
    owner: { name: 'Mei Li', email: 'mei@cards.mu', password: 'correct horse battery' },
  });
  practiceId = me.memberships[0]!.practiceId;
  const P = `/practices/${practiceId}`;
  const chair = await api.ok<{ id: string }>('POST', `${P}/chairs`, { name: 'Chair 1', sortOrder: 0 });
  const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
  await api.ok('PUT', `${P}/opening-hours`, { hours: everyDay });
  await api.ok('POST', `${P}/providers`, { userId: me.user.id, displayName: 'Dr Li' });
  await api.ok('PUT', `${P}/providers/${me.user.id}/hours`, { hours: everyDay });
  // Reminders off, so the names are exactly what the cards write (a reminder's mark adds its words
  // after the status once planned: reminders.browser.test.ts checks those names).
  await api.ok('PUT', `${P}/reminders/settings`, { enabled: false, rules: [], quietHours: null });
  const type = await api.ok<{ id: string }>('POST', `${P}/appointment-types`, {
    nameEn: 'Check-up',
    nameFr: 'Contrôle',
    durationMinutes: 30,
    allowedRoles: ['owner', 'dentist'],
    minNoticeMinutes: 0,
  });
  for (const [givenName, familyName, time] of [
    ['Marie', 'Appadoo', '09:30'],
    ['Jean-Marc', 'Appadoo', '11:00'],
  ] as const) {
    const patient = await api.ok<{ id: string }>('POST', `${P}/patients`, { givenName, familyName });
    await api.ok('POST', `${P}/appointments`, {
      patientId: patient.id,
      appointmentTypeId: type.id,
      providerId: me.user.id,
      chairId: chair.id,
      start: new Date(`${MONDAY}T${time}:00+04:00`).toISOString(),
      source: 'phone',
    });
  }
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** Words only, as axe compares them: lower case, punctuation and symbols gone. */
const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

async function cardsOf(page: Page) {
  const cards = page.locator('button.cal-appt');
  await cards.nth(1).waitFor();
  return cards.evaluateAll((buttons) =>
    buttons.map((b) => ({ name: b.getAttribute('aria-label') ?? '', visible: (b as HTMLElement).innerText })),
  );
}

describe('appointment cards', () => {
  it.each([
    ['the day view', `date=${MONDAY}`, 1180],
    ['the week view', `date=${MONDAY}&view=week`, 1366],
    ['the narrow week view (status word hidden)', `date=${MONDAY}&view=week`, 900],
  ])('name what they show, in the order shown: %s', async (_, query, width) => {
    const page = await watchedPage(
      await newContext(browser, app, { cookie: api.cookie, width }),
      `cards-${width}`,
      consoleErrors,
    );
    await page.goto(calendar(query));
    const cards = await cardsOf(page);
    await page.screenshot({ path: path.join(artifactsDir, `calendar-cards-${width}.png`) });
    for (const card of cards) {
      expect(words(card.name)).toContain(words(card.visible));
      expect(words(card.name).startsWith(words(card.visible).split(' ').slice(0, 6).join(' '))).toBe(true);
    }
    // A card too short to write its type says the type after everything written.
    const typeWritten = cards.map((c) => words(c.visible).includes('check up'));
    expect(cards.map((c) => c.name)).toEqual(
      [
        ['09:30–10:00, Marie Appadoo, Check-up, Booked', '09:30–10:00, Marie Appadoo, Booked, Check-up'],
        ['11:00–11:30, Jean-Marc Appadoo, Check-up, Booked', '11:00–11:30, Jean-Marc Appadoo, Booked, Check-up'],
      ].map(([written, short], i) => (typeWritten[i] ? written : short)),
    );
    await page.context().close();
  });

  it('logs no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
