import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Settings → Assistant in the built app: the owner switches the WhatsApp assistant on, sets its
 * rules and published prices, lets a visit type be booked on WhatsApp, and tries a Creole message;
 * a receptionist reads the same page without being able to change it, and tries a message too.
 */

const OWNER = { name: 'Anjali Ramdin', email: 'anjali@assistant.mu', password: 'correct horse battery' };
const RECEPTIONIST = { name: 'Priya Desk', email: 'priya@assistant.mu', password: 'another long passphrase' };

let browser: Browser;
let app: RunningApp;
let practiceId = '';
const owner = { cookie: '' };
const receptionist = { cookie: '' };
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  const api = apiAs(app);
  const me = await api.ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Curepipe', timeZone: 'Indian/Mauritius' },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  const P = `/practices/${practiceId}`;
  await api.ok('POST', `${P}/appointment-types`, {
    nameEn: 'Check-up',
    nameFr: 'Contrôle',
    durationMinutes: 30,
    whatsappBookable: true,
  });
  await api.ok('POST', `${P}/appointment-types`, {
    nameEn: 'Scale and polish',
    nameFr: 'Détartrage',
    durationMinutes: 45,
  });
  await api.ok('POST', `${P}/price-list/import-defaults`);
  owner.cookie = api.cookie;
  const invite = await api.ok<{ acceptUrl: string }>('POST', `${P}/invitations`, {
    email: RECEPTIONIST.email,
    role: 'receptionist',
  });
  const desk = apiAs(app);
  await desk.ok('POST', `/invitations/${invite.acceptUrl.split('/').pop()}/accept`, {
    name: RECEPTIONIST.name,
    password: RECEPTIONIST.password,
  });
  receptionist.cookie = desk.cookie;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  expect(consoleErrors).toEqual([]);
});

describe('Settings → Assistant', () => {
  it('lets the owner switch the assistant on, save its settings, choose a bookable visit type and try a Creole message', async () => {
    const context = await newContext(browser, app, { cookie: owner.cookie });
    const page = await watchedPage(context, 'assistant-owner', consoleErrors);
    await page.goto(new URL(`/app/${practiceId}/settings`, app.baseUrl).toString());
    await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Assistant' }).click();
    await expect.poll(() => page.title()).toBe('Assistant · DentalPro');

    // The switch says what it does to the automatic replies.
    const toggle = page.getByRole('switch', { name: 'Answer patients on WhatsApp' });
    await expect.poll(() => toggle.isChecked()).toBe(false);
    const hint = await toggle.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${hint}"]`).textContent()).toMatch(/greeting and away messages pause/);
    // By keyboard: focus the switch and press Space.
    await toggle.focus();
    await page.keyboard.press('Space');
    await expect.poll(() => toggle.isChecked()).toBe(true);

    await page.getByLabel('Late-cancellation window (hours)').fill('12');
    await page
      .getByRole('group', { name: 'Emergency instructions' })
      .getByLabel('English')
      .fill('Call 5 123 4567 now.');
    const prices = page.getByRole('region', { name: 'Published prices' });
    await prices.getByRole('checkbox', { name: /Scale and polish/ }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').getByText('Assistant settings saved').waitFor();

    // What was saved comes back after a reload.
    await page.reload();
    await expect.poll(() => page.getByRole('switch', { name: 'Answer patients on WhatsApp' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Late-cancellation window (hours)').inputValue()).toBe('12');
    expect(await prices.getByRole('checkbox', { name: /Scale and polish/ }).isChecked()).toBe(true);

    // The visit types bookable on WhatsApp are the appointment types' own switch, saved at once.
    const types = page.getByRole('region', { name: 'Visit types patients can book on WhatsApp' });
    expect(await types.getByRole('checkbox', { name: 'Check-up' }).isChecked()).toBe(true);
    const scaling = types.getByRole('checkbox', { name: 'Scale and polish' });
    expect(await scaling.isChecked()).toBe(false);
    await scaling.check();
    await page.getByRole('status').getByText('Scale and polish can now be booked on WhatsApp').waitFor();
    await page.reload();
    await expect
      .poll(() =>
        page
          .getByRole('region', { name: 'Visit types patients can book on WhatsApp' })
          .getByRole('checkbox', { name: 'Scale and polish' })
          .isChecked(),
      )
      .toBe(true);

    // Try a message: read in words a receptionist can check.
    const tryBox = page.getByRole('region', { name: 'Try a message' });
    await tryBox.getByRole('textbox', { name: 'Message' }).fill('Mo anvi pran randevou zedi gramatin');
    await tryBox.getByRole('button', { name: 'Read it' }).click();
    const reading = tryBox.getByRole('definition');
    await reading.first().waitFor();
    const text = await tryBox.locator('dl').innerText();
    expect(text).toMatch(/Intent\s+book an appointment/);
    expect(text).toMatch(/Language\s+Mauritian Creole/);
    expect(text).toMatch(/When\s+Thursday/);
    await page.screenshot({ path: path.join(artifactsDir, 'assistant-settings.png'), fullPage: true });
    await context.close();
  });

  it('shows a receptionist the settings read-only, in French, and lets them try a message', async () => {
    const context = await newContext(browser, app, { cookie: receptionist.cookie, locale: 'fr-FR' });
    const page = await watchedPage(context, 'assistant-receptionist', consoleErrors);
    await page.goto(new URL(`/app/${practiceId}/settings/assistant`, app.baseUrl).toString());
    await page.getByText('Seul le propriétaire du cabinet peut modifier ces réglages.', { exact: false }).waitFor();
    const toggle = page.getByRole('switch', { name: 'Répondre aux patients sur WhatsApp' });
    expect(await toggle.isChecked()).toBe(true);
    expect(await toggle.isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Enregistrer' }).count()).toBe(0);
    // Without the price list, the count of published items.
    await page.getByText('1 élément de la liste des tarifs est publié.').waitFor();

    const tryBox = page.getByRole('region', { name: 'Essayer un message' });
    await tryBox.getByRole('button', { name: 'Lire' }).click();
    // Empty: nothing sent, the field keeps the focus.
    expect(await tryBox.getByRole('textbox', { name: 'Message' }).evaluate((el) => el === document.activeElement)).toBe(
      true,
    );
    await tryBox
      .getByRole('textbox', { name: 'Message' })
      .fill('Bonjour, je voudrais un rendez-vous pour un contrôle demain matin');
    await tryBox.getByRole('button', { name: 'Lire' }).click();
    await tryBox.getByRole('definition').first().waitFor();
    const text = await tryBox.locator('dl').innerText();
    expect(text).toMatch(/Intention\s+prendre un rendez-vous/);
    expect(text).toMatch(/Langue\s+Français/);
    await context.close();
  });
});
