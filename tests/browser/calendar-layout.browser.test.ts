import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantAt, todayIn } from '../../apps/web/src/features/scheduling/zoned-time.js';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

// The calendar on a 1366×768 laptop: six hours or more of the day on screen under a compact
// header, an appointment dragged from 09:30 to 16:00 in one go (the grid scrolls itself near its
// edge), a long meeting note kept inside its block in the week view, and the booking dialog
// starting with who works on the clicked chair then (the hygienist, a hygiene visit) and saying
// when the time clicked is not free for it.

const TZ = 'Indian/Mauritius';
const OWNER = { name: 'Anjali Ramdin', email: 'anjali@calendar-layout.mu', password: 'correct horse battery' };

let browser: Browser;
let app: RunningApp;
let api: ReturnType<typeof apiAs>;
let context: BrowserContext;
let practiceId = '';
let ownerId = '';
let appointmentId = '';
let hygienistId = '';
/** Tomorrow on the practice's clock: always bookable, whatever the hour the test runs. */
let day = '';
const consoleErrors: string[] = [];
const at = (clock: string) => {
  const [h, m] = clock.split(':').map(Number) as [number, number];
  return instantAt(day, h * 60 + m, TZ).toISOString();
};

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  api = apiAs(app);
  const me = await api.ok<{ user: { id: string }; memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Curepipe', timeZone: TZ },
    owner: OWNER,
  });
  ownerId = me.user.id;
  practiceId = me.memberships[0]!.practiceId;
  const P = `/practices/${practiceId}`;
  day = addDays(todayIn(TZ), 1);
  const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
  const chair = await api.ok<{ id: string }>('POST', `${P}/chairs`, { name: 'Chair 1', sortOrder: 0 });
  await api.ok('POST', `${P}/chairs`, { name: 'Chair 2', sortOrder: 1 });
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
  const patient = await api.ok<{ id: string }>('POST', `${P}/patients`, { givenName: 'Marie', familyName: 'Lebon' });
  const appointment = await api.ok<{ id: string }>('POST', `${P}/appointments`, {
    patientId: patient.id,
    appointmentTypeId: type.id,
    providerId: ownerId,
    chairId: chair.id,
    start: at('09:30'),
    source: 'phone',
  });
  appointmentId = appointment.id;
  await api.ok('POST', `${P}/blocks`, {
    providerId: null,
    chairId: null,
    start: at('12:00'),
    end: at('12:30'),
    kind: 'meeting',
    note: 'Team meeting about the new sterilisation protocol and the autoclave log',
  });
  // The hygienist joins (an invitation accepted) and works mornings in the hygiene room.
  const invited = await api.ok<{ acceptUrl: string }>('POST', `${P}/invitations`, {
    email: 'nadia@calendar-layout.mu',
    role: 'hygienist',
  });
  const token = invited.acceptUrl.split('/').pop()!;
  await apiAs(app).ok('POST', `/invitations/${token}/accept`, { name: 'Nadia Hossenbux', password: OWNER.password });
  const staff = await api.ok<{ members: { userId: string; role: string }[] }>('GET', `${P}/staff`);
  hygienistId = staff.members.find((m) => m.role === 'hygienist')!.userId;
  const hygieneRoom = await api.ok<{ id: string }>('POST', `${P}/chairs`, { name: 'Hygiene room', sortOrder: 2 });
  await api.ok('POST', `${P}/providers`, { userId: hygienistId, displayName: 'Nadia Hossenbux', colour: '#7c3aed' });
  await api.ok('PUT', `${P}/providers/${hygienistId}/hours`, {
    hours: everyDay.map((h) => ({ ...h, end: '12:00', chairId: hygieneRoom.id })),
  });
  await api.ok('POST', `${P}/appointment-types`, {
    nameEn: 'Scale and polish',
    nameFr: 'Détartrage',
    durationMinutes: 45,
    allowedRoles: ['hygienist'],
    minNoticeMinutes: 0,
  });
  context = await newContext(browser, app, { cookie: api.cookie, width: 1366, height: 768 });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function openDay(label: string, query = ''): Promise<Page> {
  const page = await watchedPage(context, `calendar-layout-${label}`, consoleErrors);
  await page.goto(new URL(`/app/${practiceId}/calendar?date=${day}${query}`, app.baseUrl).toString());
  await page.locator('.cal-hour', { hasText: '10:00' }).waitFor();
  return page;
}

describe('the calendar at 1366×768', () => {
  it('shows six hours or more under a compact header', async () => {
    const page = await openDay('hours');
    await page.locator(`[data-appointment-id="${appointmentId}"]`).waitFor();
    const scroller = (await page.locator('.cal-scroll').boundingBox())!;
    const head = (await page.locator('.cal-head').first().boundingBox())!;
    const nine = (await page.locator('.cal-hour', { hasText: '09:00' }).boundingBox())!;
    const ten = (await page.locator('.cal-hour', { hasText: '10:00' }).boundingBox())!;
    const hourPx = ten.y - nine.y;
    const visibleHours = (scroller.y + scroller.height - (head.y + head.height)) / hourPx;
    // It was about 3.5 hours, under 260 px of header rows.
    expect(visibleHours).toBeGreaterThanOrEqual(6);
    expect(scroller.y + scroller.height).toBeLessThanOrEqual(768);
    await page.screenshot({ path: path.join(artifactsDir, 'calendar-1366-day.png') });
    expect(consoleErrors).toEqual([]);
  });

  it('moves 09:30 to 16:00 in one drag: the grid scrolls while the appointment is held at its bottom edge', async () => {
    const page = await openDay('drag');
    const card = page.locator(`[data-appointment-id="${appointmentId}"]`);
    const target = page.getByRole('button', { name: 'Book 16:00, Chair 1', exact: true });
    const scroller = (await page.locator('.cal-scroll').boundingBox())!;
    const from = (await card.boundingBox())!;
    // 16:00 is below the visible hours at first.
    expect((await target.boundingBox())!.y).toBeGreaterThan(scroller.y + scroller.height);
    const x = from.x + from.width / 2;
    await page.mouse.move(x, from.y + 4);
    await page.mouse.down();
    await page.mouse.move(x, from.y + 30, { steps: 4 });
    await page.mouse.move(x, scroller.y + scroller.height - 6, { steps: 6 });
    // Held still near the edge: the grid scrolls until 16:00 is well in view.
    await expect
      .poll(async () => (await target.boundingBox())!.y, { timeout: 10_000 })
      .toBeLessThan(scroller.y + scroller.height - 150);
    // Onto 16:00 (measured again once the pointer has left the edge), and drop.
    await page.mouse.move(x, (await target.boundingBox())!.y + 4, { steps: 4 });
    await page.mouse.move(x, (await target.boundingBox())!.y + 4);
    await page.mouse.up();
    await page.getByText('Marie Lebon moved to').first().waitFor();
    const moved = await api.ok<{ appointment: { start: string } }>(
      'GET',
      `/practices/${practiceId}/appointments/${appointmentId}`,
    );
    expect(moved.appointment.start).toBe(at('16:00'));
    expect(consoleErrors).toEqual([]);
  });

  it('keeps a long meeting note inside its block in the week view, the whole of it in the block’s name', async () => {
    const page = await openDay('week', `&view=week&provider=${ownerId}`);
    const block = page.locator('.cal-block', { hasText: 'Meeting' }).first();
    await block.waitFor();
    const outer = (await block.boundingBox())!;
    const label = (await block.locator('.cal-block-label').boundingBox())!;
    expect(label.x).toBeGreaterThanOrEqual(outer.x);
    expect(label.y).toBeGreaterThanOrEqual(outer.y);
    expect(label.x + label.width).toBeLessThanOrEqual(outer.x + outer.width + 0.5);
    expect(label.y + label.height).toBeLessThanOrEqual(outer.y + outer.height + 0.5);
    expect(await block.getAttribute('aria-label')).toContain('sterilisation protocol and the autoclave log');
    await page.screenshot({ path: path.join(artifactsDir, 'calendar-1366-week.png') });
    expect(consoleErrors).toEqual([]);
  });

  it('a free cell in the hygiene room: the hygienist and a hygiene visit; a time that is not free is said so, with the nearest free times', async () => {
    const page = await openDay('booking');
    await page.getByRole('button', { name: 'Book 10:00, Hygiene room', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Book an appointment' });
    await dialog.waitFor();
    await expect.poll(() => dialog.getByLabel('Provider', { exact: true }).inputValue()).toBe(hygienistId);
    const type = dialog.getByLabel('Appointment type', { exact: true });
    expect(await type.locator('option:checked').innerText()).toContain('Scale and polish');
    expect(await dialog.getByLabel('Time', { exact: true }).inputValue()).toBe('10:00');
    // 10:00 is free: nothing to say.
    await dialog.getByRole('button', { name: '10:00', exact: true }).waitFor();
    expect(await dialog.locator('.time-not-free').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // 11:45: inside her hours, but a 45-minute visit would end after them.
    await page.getByRole('button', { name: 'Book 11:45, Hygiene room', exact: true }).click();
    await dialog.waitFor();
    const notice = dialog.locator('.time-not-free');
    await notice.getByText('11:45 is not free for Scale and polish with Nadia Hossenbux in Hygiene room.').waitFor();
    await notice.getByRole('button', { name: '11:15', exact: true }).click();
    expect(await dialog.getByLabel('Time', { exact: true }).inputValue()).toBe('11:15');
    await notice.waitFor({ state: 'detached' });
    await page.screenshot({ path: path.join(artifactsDir, 'calendar-booking-defaults.png') });
    expect(consoleErrors).toEqual([]);
  });
});
