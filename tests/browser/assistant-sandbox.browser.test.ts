import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

// The booking assistant played on the sandbox phone: a patient books a check-up by tapping the
// assistant's list and buttons, by keyboard, on a 1024×768 screen, and staff find the appointment
// in the calendar; a French patient gets the same lists in French.

const TZ = 'Indian/Mauritius';
const OWNER = { name: 'Anjali Ramdin', email: 'anjali@assistant-sandbox.mu', password: 'correct horse battery' };
const PHONE_NUMBER_ID = '106540352242922';
const MARIE = { number: '23057123456', name: 'Marie Lebon' };
const AISHA = { number: '23057000111', name: 'Aisha Joomun' };

interface Appointment {
  id: string;
  start: string;
  source: string;
  status: string;
}

let browser: Browser;
let app: RunningApp;
let api: ReturnType<typeof apiAs>;
let practiceId = '';
let marieId = '';
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  api = apiAs(app);
  const me = await api.ok<{ user: { id: string }; memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Rose-Hill', timeZone: TZ },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  const P = `/practices/${practiceId}`;
  // Open every day, so that "next week" has free times whatever day the test runs.
  const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
  await api.ok('POST', `${P}/chairs`, { name: 'Chair 1', sortOrder: 0 });
  await api.ok('PUT', `${P}/opening-hours`, { hours: everyDay });
  await api.ok('POST', `${P}/providers`, { userId: me.user.id, displayName: 'Dr Ramdin', colour: '#0f766e' });
  await api.ok('PUT', `${P}/providers/${me.user.id}/hours`, { hours: everyDay });
  for (const type of [
    { nameEn: 'Check-up', nameFr: 'Contrôle', durationMinutes: 30 },
    { nameEn: 'Scale and polish', nameFr: 'Détartrage', durationMinutes: 45 },
  ])
    await api.ok('POST', `${P}/appointment-types`, {
      ...type,
      allowedRoles: ['owner', 'dentist'],
      whatsappBookable: true,
      minNoticeMinutes: 0,
    });
  await api.ok('PUT', `${P}/whatsapp/channel`, {
    phoneNumberId: PHONE_NUMBER_ID,
    displayPhoneNumber: '+230 5200 0000',
    wabaId: '102290129340398',
    throughputPerSecond: 80,
  });
  await api.ok('PATCH', `${P}/assistant/settings`, { enabled: true });
  const marie = await api.ok<{ id: string }>('POST', `${P}/patients`, {
    givenName: 'Marie',
    familyName: 'Lebon',
    dateOfBirth: '1980-04-02',
    phones: [{ number: `+${MARIE.number}`, isWhatsApp: true }],
  });
  marieId = marie.id;
  await api.ok('POST', `${P}/patients`, {
    givenName: 'Aisha',
    familyName: 'Joomun',
    dateOfBirth: '1986-11-20',
    preferredLanguage: 'fr',
    phones: [{ number: `+${AISHA.number}`, isWhatsApp: true }],
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const visible = (locator: Locator) => locator.first().waitFor({ state: 'visible' });

/** The sandbox phone of one patient, in a 1024×768 window. */
async function phoneOf(patient: { number: string; name: string }, locale: string, labels: PhoneLabels) {
  const context = await newContext(browser, app, { cookie: api.cookie, locale, width: 1024, height: 768 });
  const page = await watchedPage(context, `assistant-phone-${locale}`, consoleErrors);
  await page.goto(new URL('/sandbox/whatsapp', app.baseUrl).toString());
  await page.getByLabel(labels.number).fill(patient.number);
  await page.getByLabel(labels.name).fill(patient.name);
  // The chat follows the number once typing pauses: wait for this number's chat.
  const chat = page.getByRole('region', { name: labels.chat(patient.name, formatted(patient.number)) });
  await visible(chat);
  const says = async (text: string) => {
    await page.getByRole('textbox', { name: labels.message, exact: true }).fill(text);
    await page.getByRole('button', { name: labels.send, exact: true }).click();
  };
  return { page, chat, says };
}

interface PhoneLabels {
  number: string;
  name: string;
  message: string;
  send: string;
  chat: (name: string, number: string) => string;
}

/** 23057123456 as the phone shows it: +230 5712 3456. */
const formatted = (number: string) => `+230 ${number.slice(3, 7)} ${number.slice(7)}`;
const EN: PhoneLabels = {
  number: "Patient's WhatsApp number",
  name: "Patient's WhatsApp name",
  message: 'Message',
  send: 'Send',
  chat: (name, number) => `Chat of ${name}, ${number}`,
};
const FR: PhoneLabels = {
  number: 'Numéro WhatsApp du patient',
  name: 'Nom WhatsApp du patient',
  message: 'Message',
  send: 'Envoyer',
  chat: (name, number) => `Discussion de ${name}, ${number}`,
};

/** The newest of the chat's buttons with this name (an older message may carry the same one). */
const newestButton = (chat: Locator, name: string) => chat.getByRole('button', { name, exact: true }).last();

const focusedText = (page: Page) => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

describe('the booking assistant on the sandbox phone', () => {
  it('books a check-up from the list of times and the Confirm button; staff see it in the calendar', async () => {
    const { page, chat, says } = await phoneOf(MARIE, 'en-GB', EN);
    await says("I'd like to book a check-up next week");

    // The times come as a WhatsApp list: a message with a button that opens the rows.
    await visible(chat.getByText(/Free times between/));
    const seeTimes = newestButton(chat, 'See times');
    await visible(seeTimes);
    expect(await seeTimes.getAttribute('aria-haspopup')).toBe('dialog');
    await seeTimes.focus();
    await page.keyboard.press('Enter');
    const sheet = page.getByRole('dialog', { name: 'See times' });
    await visible(sheet);
    const rows = sheet.getByRole('listitem').getByRole('button');
    const count = await rows.count();
    expect(count).toBeGreaterThan(1);
    expect(count).toBeLessThanOrEqual(10);
    // The keyboard starts on the first time; each row says the time and, below, the dentist.
    const first = rows.first();
    const title = (await first.locator('.phone-list-row-title').textContent())!;
    expect(await first.locator('.phone-list-row-description').textContent()).toContain('Dr Ramdin');
    await expect.poll(() => focusedText(page)).toContain(title);
    await page.screenshot({ path: path.join(artifactsDir, 'assistant-sandbox-times-1024.png') });
    await page.keyboard.press('Enter');
    await sheet.waitFor({ state: 'hidden' });
    // The focus is back on the button that opened the list.
    await expect.poll(() => focusedText(page)).toContain('See times');

    // The tap shows on the phone as the patient's answer, then the assistant says the visit back.
    const mine = chat.getByRole('listitem').filter({ hasText: /^You:/ });
    await visible(mine.filter({ hasText: title }).filter({ hasText: 'Dr Ramdin' }));
    await visible(chat.getByText(/Shall I confirm\?/));
    await newestButton(chat, 'Confirm').click();
    await visible(chat.getByText(/Your appointment is booked/));
    await page.screenshot({ path: path.join(artifactsDir, 'assistant-sandbox-booked-1024.png') });

    // Booked from WhatsApp, for the patient on that number.
    const { items } = await api.ok<{ items: Appointment[] }>(
      'GET',
      `/practices/${practiceId}/patients/${marieId}/appointments`,
    );
    expect(items).toHaveLength(1);
    const [appointment] = items as [Appointment];
    expect(appointment).toMatchObject({ source: 'whatsapp', status: 'booked' });

    // Staff open the calendar on that day and find it, marked as booked on WhatsApp.
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(appointment.start));
    const staff = await watchedPage(
      await newContext(browser, app, { cookie: api.cookie, width: 1024, height: 768 }),
      'assistant-calendar',
      consoleErrors,
    );
    await staff.goto(new URL(`/app/${practiceId}/calendar?date=${day}`, app.baseUrl).toString());
    const block = staff.locator(`[data-appointment-id="${appointment.id}"]`);
    await visible(block);
    expect(await block.textContent()).toContain('Lebon');
    await block.click();
    const panel = staff.getByRole('complementary', { name: 'Marie Lebon' });
    await visible(panel.getByText('WhatsApp', { exact: true }));
    await staff.screenshot({ path: path.join(artifactsDir, 'assistant-sandbox-calendar-1024.png') });
    expect(consoleErrors).toEqual([]);
  });

  it('answers a French patient in French, up to the list of times', async () => {
    const { page, chat, says } = await phoneOf(AISHA, 'fr-FR', FR);
    await says('Bonjour, je voudrais un rendez-vous');

    // Two visit types can be booked: the assistant asks which, as a list.
    await visible(chat.getByText('Quel type de visite ?'));
    await newestButton(chat, 'Types de visite').click();
    const types = page.getByRole('dialog', { name: 'Types de visite' });
    await types.getByRole('button', { name: /Contrôle/ }).click();
    await types.waitFor({ state: 'hidden' });

    // When: the assistant's choices, then the times in French.
    await visible(chat.getByText(/Quand souhaitez-vous venir/));
    const when = newestButton(chat, 'Choisir');
    await when.click();
    const whenSheet = page.getByRole('dialog', { name: 'Choisir' });
    await whenSheet.getByRole('button', { name: 'La semaine prochaine' }).click();
    await whenSheet.waitFor({ state: 'hidden' });

    const seeTimes = newestButton(chat, 'Voir les horaires');
    await seeTimes.click();
    const sheet = page.getByRole('dialog', { name: 'Voir les horaires' });
    await visible(sheet);
    // Each time as "mar. 8 déc. 10:30", then "Autres jours" when the list has room.
    const titles = (await sheet.locator('.phone-list-row-title').allTextContents()).filter((t) => t !== 'Autres jours');
    expect(titles.length).toBeGreaterThan(1);
    for (const title of titles) expect(title).toMatch(/^(lun|mar|mer|jeu|ven|sam|dim)\. \d{1,2} \S+ \d{2}:\d{2}$/);
    await page.screenshot({ path: path.join(artifactsDir, 'assistant-sandbox-times-fr-1024.png') });
    // Escape closes the list without choosing; the focus goes back to its button.
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'hidden' });
    await expect.poll(() => focusedText(page)).toContain('Voir les horaires');
    expect(consoleErrors).toEqual([]);
  });
});
