import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantAt, todayIn } from '../../apps/web/src/features/scheduling/zoned-time.js';
import { type RunningApp, apiAs, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Issue 16, tablet and keyboard: a receptionist runs the desk's four main flows from the keyboard
 * alone (no mouse and no tap: focus moves with Tab and the arrow keys, Enter acts, Escape closes),
 * on a 1024×768 tablet and on one held upright (768×1024): book from a free cell of the calendar,
 * move an appointment from its panel (date, time and chair fields), check a patient in from
 * Today, and answer a WhatsApp conversation in the inbox. Each control the keyboard lands on
 * shows that it has the focus (an outline or a ring).
 *
 * The browser's clock is set to 09:40 on the test's day (a day ahead of the server's, so every
 * time is still bookable); the server's stays real.
 */

const TZ = 'Indian/Mauritius';
const PHONE_NUMBER_ID = '106540352242978';
const OWNER = { name: 'Anjali Ramdin', email: 'anjali@keys.mu', password: 'correct horse battery' };
const RECEPTIONIST = { name: 'Priya Desk', email: 'priya@keys.mu', password: 'another long passphrase' };

let browser: Browser;
let app: RunningApp;
let practiceId = '';
let day = '';
let conversationId = '';
let receptionistCookie = '';
let ownerApi: ReturnType<typeof apiAs>;
const chairs: Record<string, string> = {};
const patients: Record<string, string> = {};
let checkupId = '';
let ownerId = '';
const consoleErrors: string[] = [];

const at = (clock: string, on = day) =>
  instantAt(on, Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3)), TZ).toISOString();
const P = () => `/practices/${practiceId}`;

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  ownerApi = apiAs(app);
  const me = await ownerApi.ok<{ user: { id: string }; memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Rose-Hill', timeZone: TZ },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  ownerId = me.user.id;
  const invite = await ownerApi.ok<{ acceptUrl: string }>('POST', `${P()}/invitations`, {
    email: RECEPTIONIST.email,
    role: 'receptionist',
  });
  const desk = apiAs(app);
  await desk.ok('POST', `/invitations/${invite.acceptUrl.split('/').pop()}/accept`, {
    name: RECEPTIONIST.name,
    password: RECEPTIONIST.password,
  });
  receptionistCookie = desk.cookie;
  for (const [name, sortOrder] of [
    ['Chair 1', 0],
    ['Chair 2', 1],
  ] as const) {
    chairs[name] = (await ownerApi.ok<{ id: string }>('POST', `${P()}/chairs`, { name, sortOrder })).id;
  }
  const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
  await ownerApi.ok('PUT', `${P()}/opening-hours`, { hours: everyDay });
  await ownerApi.ok('POST', `${P()}/providers`, { userId: ownerId, displayName: 'Dr Ramdin', colour: '#0f766e' });
  await ownerApi.ok('PUT', `${P()}/providers/${ownerId}/hours`, { hours: everyDay });
  checkupId = (
    await ownerApi.ok<{ id: string }>('POST', `${P()}/appointment-types`, {
      nameEn: 'Check-up',
      nameFr: 'Contrôle',
      durationMinutes: 30,
      allowedRoles: ['owner', 'dentist'],
      minNoticeMinutes: 0,
    })
  ).id;
  for (const [givenName, familyName, phone] of [
    ['Jean', 'Appadoo', '+23057100002'],
    ['Marie', 'Lebon', '+23057123456'],
    ['Sophie', 'Li', '+23057100004'],
  ] as const) {
    patients[givenName] = (
      await ownerApi.ok<{ id: string }>('POST', `${P()}/patients`, {
        givenName,
        familyName,
        phone,
        dateOfBirth: '1980-04-02',
      })
    ).id;
  }
  // The first day from tomorrow that is not a public holiday (the practice opens every day otherwise).
  const holidays = new Set<string>();
  const year = Number(todayIn(TZ).slice(0, 4));
  for (const y of [year, year + 1]) {
    const list = await ownerApi.ok<{ items: { date: string }[] }>('GET', `${P()}/holidays?year=${y}`);
    for (const h of list.items) holidays.add(h.date);
  }
  day = addDays(todayIn(TZ), 1);
  while (holidays.has(day)) day = addDays(day, 1);

  // A WhatsApp conversation from Marie, waiting for an answer.
  await ownerApi.ok('PUT', `${P()}/whatsapp/channel`, {
    phoneNumberId: PHONE_NUMBER_ID,
    displayPhoneNumber: '+230 5200 0002',
    wabaId: '102290129340399',
    throughputPerSecond: 80,
  });
  await ownerApi.ok('POST', '/sandbox/whatsapp/messages', {
    phoneNumberId: PHONE_NUMBER_ID,
    from: '23057123456',
    profileName: 'Marie',
    message: { type: 'text', body: 'Bonjour, puis-je venir plus tard ?' },
  });
  for (let tries = 0; tries < 75 && !conversationId; tries++) {
    const open = await ownerApi.ok<{ items: { id: string }[] }>('GET', `${P()}/inbox/conversations?status=open`);
    conversationId = open.items[0]?.id ?? '';
    if (!conversationId) await new Promise((r) => setTimeout(r, 200));
  }
  if (!conversationId) throw new Error('The sandbox message made no conversation');
  await ownerApi.ok('PATCH', `${P()}/inbox/conversations/${conversationId}`, {
    patientId: patients.Marie,
    needsHuman: true,
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  expect(consoleErrors).toEqual([]);
});

async function book(patient: string, clock: string, chair = 'Chair 1') {
  return ownerApi.ok<{ id: string }>('POST', `${P()}/appointments`, {
    patientId: patients[patient],
    appointmentTypeId: checkupId,
    providerId: ownerId,
    chairId: chairs[chair],
    start: at(clock),
    source: 'phone',
  });
}

async function appointmentsOfDay() {
  const list = await ownerApi.ok<{
    items: { id: string; patientId: string; start: string; chairId: string; status: string }[];
  }>('GET', `${P()}/appointments?from=${encodeURIComponent(at('00:00'))}&to=${encodeURIComponent(at('23:59'))}`);
  return list.items;
}

async function deskPage(width: number, height: number): Promise<Page> {
  const context = await newContext(browser, app, { cookie: receptionistCookie, width, height });
  await context.clock.setFixedTime(new Date(at('09:40')));
  return watchedPage(context, `keyboard-${width}`, consoleErrors);
}

interface Focused {
  tag: string;
  name: string;
  className: string;
  /** Whether the browser draws a focus indicator on it (an outline or a box shadow). */
  ringed: boolean;
}

async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return { tag: '', name: '', className: '', ringed: false };
    const style = getComputedStyle(el);
    const ringed =
      (style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
    const labelledBy = el.getAttribute('aria-labelledby');
    const name =
      el.getAttribute('aria-label') ??
      (labelledBy ? document.getElementById(labelledBy)?.textContent : null) ??
      (el as HTMLInputElement).labels?.[0]?.textContent ??
      el.textContent ??
      '';
    return { tag: el.tagName.toLowerCase(), name: name.trim(), className: String(el.className), ringed };
  });
}

/** Presses Tab (or Shift+Tab) until the focused element passes `wanted`; fails after `max` presses. */
async function tabTo(page: Page, wanted: (f: Focused) => boolean, what: string, max = 80): Promise<Focused> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (wanted(f)) {
      expect(f.ringed, `${what} shows its focus`).toBe(true);
      return f;
    }
    seen.push(`${f.tag}:${f.name.slice(0, 30)}`);
  }
  throw new Error(`Tab never reached ${what}; went through ${seen.join(' → ')}`);
}

/** Presses `key` until the focused element passes `wanted`. */
async function pressTo(page: Page, key: string, wanted: (f: Focused) => boolean, what: string, max = 60) {
  for (let i = 0; i < max; i++) {
    const f = await focused(page);
    if (wanted(f)) {
      expect(f.ringed, `${what} shows its focus`).toBe(true);
      return f;
    }
    await page.keyboard.press(key);
  }
  throw new Error(`${key} never reached ${what}`);
}

const url = (pathname: string) => new URL(pathname, app.baseUrl).toString();

describe('the desk from the keyboard alone', () => {
  for (const [width, height, times] of [
    [1024, 768, { checkIn: '10:00', move: '11:00', moveTo: '15:30', bookAt: '13:00' }],
    [768, 1024, { checkIn: '12:00', move: '11:30', moveTo: '16:30', bookAt: '14:00' }],
  ] as const) {
    it(`books, moves, checks in and replies at ${width}×${height}`, async () => {
      // Each size its own appointments: Jean's to check in, Marie's to move.
      const jean = await book('Jean', times.checkIn);
      const marie = await book('Marie', times.move);
      let page = await deskPage(width, height);

      // 1. Book: into the calendar's grid with Tab, down to 13:00 in Chair 1 with the arrow keys, Enter.
      await page.goto(url(`/app/${practiceId}/calendar?date=${day}`));
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      await page.locator(`.cal-appt[data-appointment-id="${marie.id}"]`).waitFor();
      await tabTo(page, (f) => f.className.includes('cal-cell'), 'a free cell of the grid');
      await page.keyboard.press('Home');
      await pressTo(page, 'ArrowLeft', (f) => f.name.includes('Chair 1'), 'a cell of Chair 1');
      await pressTo(page, 'ArrowDown', (f) => f.name.startsWith(`Book ${times.bookAt}`), 'the free cell');
      await page.keyboard.press('Enter');
      const dialog = page.getByRole('dialog', { name: 'Book an appointment' });
      await dialog.waitFor();
      // The focus is in the patient search: typing finds Sophie, Enter picks her.
      expect((await focused(page)).tag).toBe('input');
      await page.keyboard.type('Sophie');
      await dialog.getByRole('option', { name: /Sophie Li/ }).waitFor();
      await page.keyboard.press('Enter');
      await dialog.getByText('Sophie Li').first().waitFor();
      // Tab stays inside the dialog (the page behind is inert) and reaches Book appointment.
      await tabTo(page, (f) => f.tag === 'button' && f.name === 'Book appointment', 'Book appointment');
      expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true);
      await page.keyboard.press('Enter');
      await dialog.waitFor({ state: 'hidden' });
      const booked = (await appointmentsOfDay()).find(
        (a) => a.patientId === patients.Sophie && new Date(a.start).toISOString() === at(times.bookAt),
      );
      expect(booked?.chairId).toBe(chairs['Chair 1']);

      // Escape closes a dialog and gives the focus back to the cell that opened it.
      await page.locator('.cal-cell[tabindex="0"]').focus();
      await page.keyboard.press('Enter');
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'hidden' });
      expect((await focused(page)).className).toContain('cal-cell');

      // 2. Move: Tab to Marie's card, Enter opens its panel; Move; the time and chair from their fields.
      await tabTo(
        page,
        (f) => f.className.includes('cal-appt') && f.name.includes('Marie Lebon') && f.name.includes(times.move),
        "Marie's card",
      );
      await page.keyboard.press('Enter');
      const panel = page.locator('aside.cal-panel');
      await panel.getByRole('heading', { name: 'Marie Lebon' }).waitFor();
      await tabTo(page, (f) => f.tag === 'button' && f.name === 'Move', 'Move');
      await page.keyboard.press('Enter');
      // The date field has the focus; its day stays. Tab on (through the date's parts) to the time, type it.
      expect((await focused(page)).name).toBe('Date');
      await tabTo(page, (f) => f.name === 'Time', 'the time field', 6);
      await page.keyboard.type(times.moveTo.replace(':', ''));
      await tabTo(page, (f) => f.name === 'Chair', 'the chair', 4);
      await page.keyboard.press('ArrowDown');
      await tabTo(page, (f) => f.tag === 'button' && f.name === 'Move appointment', 'Move appointment');
      await page.keyboard.press('Enter');
      await page.getByText(/Marie Lebon moved to/).waitFor();
      const moved = (await appointmentsOfDay()).find((a) => a.id === marie.id)!;
      expect(new Date(moved.start).toISOString()).toBe(at(times.moveTo));
      expect(moved.chairId).toBe(chairs['Chair 2']);
      // Escape closes the panel.
      await panel.getByRole('heading', { name: 'Marie Lebon' }).focus();
      await page.keyboard.press('Escape');
      await panel.waitFor({ state: 'detached' });

      // 3. Check in from Today: Tab to Jean's Arrived, Enter.
      await page.goto(url(`/app/${practiceId}/today`));
      const row = page.locator(`li.day-row[data-appointment-id="${jean.id}"]`);
      await row.waitFor();
      await tabTo(page, (f) => f.name === 'Arrived: Jean Appadoo', "Jean's Arrived");
      await page.keyboard.press('Enter');
      await row.locator('.status-pill').getByText('Arrived', { exact: true }).waitFor();
      expect((await appointmentsOfDay()).find((a) => a.id === jean.id)?.status).toBe('arrived');

      // 4. Reply in the inbox: Tab to Marie's conversation, Enter, Tab to the message box, type, Enter sends.
      // On the real clock: Marie wrote minutes ago, and a day ahead WhatsApp's 24-hour window would be shut.
      await page.context().close();
      page = await watchedPage(
        await newContext(browser, app, { cookie: receptionistCookie, width, height }),
        `keyboard-inbox-${width}`,
        consoleErrors,
      );
      await page.goto(url(`/app/${practiceId}/inbox`));
      await tabTo(page, (f) => f.className.includes('conversation-row'), "Marie's conversation");
      await page.keyboard.press('Enter');
      await page.waitForURL(new RegExp(`/inbox/${conversationId}$`));
      await tabTo(page, (f) => f.tag === 'textarea' && f.name === 'Message', 'the message box');
      const words = `Yes of course, see you at ${times.moveTo} (${width}).`;
      await page.keyboard.type(words);
      await page.keyboard.press('Enter');
      await page.locator('.thread-messages').getByText(words).waitFor();
      expect(await page.getByRole('textbox', { name: 'Message', exact: true }).inputValue()).toBe('');
      // Nothing of the page is wider than the screen on the way.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      await page.context().close();
    });
  }
});
