import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

// The staff notification bell: a patient books on the sandbox phone through the booking assistant
// and the receptionist's bell shows it live (no reload); the panel opens by keyboard, says what
// happened, and its item leads to the appointment in the calendar; a conversation handed to a
// person shows in French and leads to the inbox.

const TZ = 'Indian/Mauritius';
const OWNER = { name: 'Anjali Ramdin', email: 'anjali@notifications.mu', password: 'correct horse battery' };
const PHONE_NUMBER_ID = '106540352242922';
const MARIE = { number: '23057123456', name: 'Marie Lebon' };

interface Appointment {
  id: string;
  start: string;
  source: string;
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
  await api.ok('POST', `${P}/appointment-types`, {
    nameEn: 'Check-up',
    nameFr: 'Contrôle',
    durationMinutes: 30,
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
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const visible = (locator: Locator) => locator.first().waitFor({ state: 'visible' });

/** What has the focus: its accessible label when it has one, else its text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return (el?.getAttribute('aria-label') || el?.textContent || '').trim();
  });

/** Marie's sandbox phone, in English, at 1024×768. */
async function mariesPhone() {
  const context = await newContext(browser, app, { cookie: api.cookie, width: 1024, height: 768 });
  const page = await watchedPage(context, 'notifications-phone', consoleErrors);
  await page.goto(new URL('/sandbox/whatsapp', app.baseUrl).toString());
  await page.getByLabel("Patient's WhatsApp number").fill(MARIE.number);
  await page.getByLabel("Patient's WhatsApp name").fill(MARIE.name);
  const chat = page.getByRole('region', { name: `Chat of ${MARIE.name}, +230 5712 3456` });
  await visible(chat);
  const says = async (text: string) => {
    await page.getByRole('textbox', { name: 'Message', exact: true }).fill(text);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
  };
  return { page, chat, says };
}

/** The calendar's way of writing an instant (useCalendarFormat's dateTime), on the practice's clock. */
function calendarDateTime(iso: string, locale: string) {
  return new Intl.DateTimeFormat(locale, {
    timeZone: TZ,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));
}

describe('the notification bell', () => {
  it('shows a WhatsApp booking live, opens by keyboard, and leads to the appointment in the calendar', async () => {
    // The receptionist's screen is open on the calendar, at a desk's 1366×768, before anything happens.
    const staff = await watchedPage(
      await newContext(browser, app, { cookie: api.cookie, width: 1366, height: 768 }),
      'notifications-staff',
      consoleErrors,
    );
    await staff.goto(new URL(`/app/${practiceId}/calendar`, app.baseUrl).toString());
    const banner = staff.getByRole('banner');
    await visible(banner.getByRole('button', { name: 'Notifications', exact: true }));

    // Marie books a check-up on WhatsApp through the assistant.
    const { page: phone, chat, says } = await mariesPhone();
    await says("I'd like to book a check-up next week");
    const seeTimes = chat.getByRole('button', { name: 'See times', exact: true }).last();
    await seeTimes.click();
    const sheet = phone.getByRole('dialog', { name: 'See times' });
    await sheet.getByRole('listitem').getByRole('button').first().click();
    await sheet.waitFor({ state: 'hidden' });
    await chat.getByRole('button', { name: 'Confirm', exact: true }).last().click();
    await visible(chat.getByText(/Your appointment is booked/));
    const { items } = await api.ok<{ items: Appointment[] }>(
      'GET',
      `/practices/${practiceId}/patients/${marieId}/appointments`,
    );
    const [appointment] = items as [Appointment];
    expect(appointment.source).toBe('whatsapp');

    // The bell counts it without a reload, in its name as well as its badge.
    const bell = banner.getByRole('button', { name: 'Notifications, 1 unread' });
    await visible(bell);
    expect(await bell.locator('.bell-badge').textContent()).toBe('1');
    await staff.screenshot({ path: path.join(artifactsDir, 'notifications-bell-1366.png') });

    // Opened by keyboard: the focus goes to the newest notification, which says what happened.
    await bell.focus();
    await staff.keyboard.press('Enter');
    const panel = staff.getByRole('dialog', { name: /^Notifications/ });
    await visible(panel);
    const said = `Marie Lebon booked on WhatsApp — ${calendarDateTime(appointment.start, 'en-GB')}, Dr Ramdin`;
    const item = panel.getByRole('link', { name: new RegExp(said.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
    await visible(item);
    await expect.poll(() => focused(staff)).toContain(said);
    // Unread is said in words too, not only shown by colour.
    expect(await item.textContent()).toMatch(/^Unread: /);
    await staff.screenshot({ path: path.join(artifactsDir, 'notifications-panel-1366.png') });

    // Tab stays in the panel; Escape closes it and gives the focus back to the bell.
    for (let i = 0; i < 6; i++) await staff.keyboard.press('Tab');
    expect(await staff.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
    await staff.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    await expect.poll(() => focused(staff)).toBe('Notifications, 1 unread');

    // Again, and Enter on the notification: the calendar on that day with the appointment open.
    await staff.keyboard.press('Enter');
    await visible(panel);
    await expect.poll(() => focused(staff)).toContain(said);
    await staff.keyboard.press('Enter');
    await panel.waitFor({ state: 'hidden' });
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(appointment.start));
    await expect.poll(() => new URL(staff.url()).searchParams.get('date')).toBe(day);
    expect(new URL(staff.url()).pathname).toBe(`/app/${practiceId}/calendar`);
    const details = staff.getByRole('complementary', { name: 'Marie Lebon' });
    await visible(details.getByText('WhatsApp', { exact: true }));
    // Read now: the count is gone from the bell.
    await visible(banner.getByRole('button', { name: 'Notifications', exact: true }));
    expect(await staff.locator('.bell-badge').count()).toBe(0);

    // The unread-only list is empty; the whole list still has it, no longer marked unread.
    await banner.getByRole('button', { name: 'Notifications', exact: true }).click();
    await panel.getByRole('button', { name: 'Unread', exact: true }).click();
    await visible(panel.getByRole('heading', { name: 'Nothing unread' }));
    await panel.getByRole('button', { name: 'All', exact: true }).click();
    const readItem = panel.getByRole('link', { name: /Marie Lebon booked on WhatsApp/ });
    await visible(readItem);
    expect(await readItem.textContent()).not.toMatch(/^Unread/);
    await staff.screenshot({ path: path.join(artifactsDir, 'notifications-read-1366.png') });
    await staff.keyboard.press('Escape');
    await staff.context().close();
    await phone.context().close();
    expect(consoleErrors).toEqual([]);
  });

  it('in French, on a 1024×768 tablet: the open panel shows a conversation handed to a person as it happens, and leads to the inbox', async () => {
    const staff = await watchedPage(
      await newContext(browser, app, { cookie: api.cookie, locale: 'fr-FR', width: 1024, height: 768 }),
      'notifications-staff-fr',
      consoleErrors,
    );
    await staff.goto(new URL(`/app/${practiceId}/patients`, app.baseUrl).toString());
    const banner = staff.getByRole('banner');
    const quietBell = banner.getByRole('button', { name: 'Notifications', exact: true });
    await visible(quietBell);

    // The panel is open, in French, on the booking already read.
    await quietBell.focus();
    await staff.keyboard.press('Enter');
    const panel = staff.getByRole('dialog', { name: /^Notifications/ });
    await visible(panel);
    await visible(panel.getByRole('button', { name: 'Non lues', exact: true }));
    await visible(panel.getByRole('button', { name: 'Toutes', exact: true }));
    await visible(panel.getByRole('button', { name: 'Tout marquer comme lu' }));
    await expect.poll(() => focused(staff)).toMatch(/^Marie Lebon a pris rendez-vous sur WhatsApp — /);

    // Marie asks for a person: the open panel shows it at the top, unread, without a reload.
    const { page: phone, chat, says } = await mariesPhone();
    await says('Can I talk to someone please');
    await visible(chat.getByText(/A member of the team will reply here/));
    const said = "Conversation WhatsApp avec Marie Lebon : besoin d'une personne — A demandé une personne";
    const item = panel.getByRole('link', { name: said });
    await visible(item);
    expect(await item.textContent()).toMatch(/^Non lue : /);
    expect(await panel.getByRole('link').first().textContent()).toContain(said);
    await visible(panel.getByText('1 non lue', { exact: true }));
    await staff.screenshot({ path: path.join(artifactsDir, 'notifications-panel-fr-1024.png') });

    // Escape gives the focus back to the bell, which now counts it, in French.
    await staff.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
    await expect.poll(() => focused(staff)).toBe('Notifications, 1 non lue');

    // Opened again, the newest has the focus; Enter leads to the conversation in the inbox.
    await staff.keyboard.press('Enter');
    await expect.poll(() => focused(staff)).toContain(said);
    await staff.keyboard.press('Enter');
    await expect
      .poll(() => new URL(staff.url()).pathname)
      .toMatch(new RegExp(`^/app/${practiceId}/inbox/[0-9a-f-]{36}$`));
    await visible(staff.getByRole('heading', { name: /Marie Lebon/ }));
    await visible(quietBell);
    await staff.screenshot({ path: path.join(artifactsDir, 'notifications-inbox-fr-1024.png') });
    await phone.context().close();
    expect(consoleErrors).toEqual([]);
  });
});
