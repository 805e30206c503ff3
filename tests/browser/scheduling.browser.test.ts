import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantAt, todayIn, wallTimeOf } from '../../apps/web/src/features/scheduling/zoned-time.js';
import { type RunningApp, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

const TZ = 'Indian/Mauritius';
const OWNER = { name: 'Anjali Ramdin', email: 'anjali@smile.mu', password: 'correct horse battery' };

interface Appointment {
  id: string;
  start: string;
  end: string;
  chairId: string;
  status: string;
  patientName: string;
}

let browser: Browser;
let app: RunningApp;
let cookie = '';
let practiceId = '';
let ownerId = '';
let chairs: { one: string; two: string };
let typeId = '';
let patients: { marie: string; jean: string };
/** Tomorrow on the practice's clock: always bookable (no in_the_past), whatever the hour the test runs. */
let day = '';
/** Browser console errors; a refused request (409) is logged by Chromium itself and is expected. */
const consoleErrors: string[] = [];

async function call<T>(method: string, pathname: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(new URL(`/api/v1${pathname}`, app.baseUrl), {
    method,
    headers: { origin: app.baseUrl, cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const setCookie = response.headers.get('set-cookie');
  if (setCookie) cookie = setCookie.split(';')[0] ?? '';
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function ok<T>(method: string, pathname: string, body?: unknown): Promise<T> {
  const result = await call<T>(method, pathname, body);
  if (result.status >= 300) throw new Error(`${method} ${pathname} → ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}

const P = () => `/practices/${practiceId}`;
const at = (clock: string) => {
  const [h, m] = clock.split(':').map(Number) as [number, number];
  return instantAt(day, h * 60 + m, TZ).toISOString();
};

async function book(patientId: string, chairId: string, clock: string): Promise<Appointment> {
  return ok<Appointment>('POST', `${P()}/appointments`, {
    patientId,
    appointmentTypeId: typeId,
    providerId: ownerId,
    chairId,
    start: at(clock),
    source: 'phone',
  });
}

async function appointment(id: string): Promise<Appointment> {
  return (await ok<{ appointment: Appointment }>('GET', `${P()}/appointments/${id}`)).appointment;
}

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  // The practice, set up through the API as an owner would in Settings.
  const me = await ok<{ user: { id: string }; memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Port Louis', timeZone: TZ },
    owner: OWNER,
  });
  ownerId = me.user.id;
  practiceId = me.memberships[0]!.practiceId;
  const one = await ok<{ id: string }>('POST', `${P()}/chairs`, { name: 'Chair 1', sortOrder: 0 });
  const two = await ok<{ id: string }>('POST', `${P()}/chairs`, { name: 'Chair 2', sortOrder: 1, colour: '#7c3aed' });
  chairs = { one: one.id, two: two.id };
  const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
  await ok('PUT', `${P()}/opening-hours`, { hours: everyDay });
  await ok('POST', `${P()}/providers`, { userId: ownerId, displayName: 'Dr Ramdin', colour: '#0f766e' });
  await ok('PUT', `${P()}/providers/${ownerId}/hours`, { hours: everyDay });
  const type = await ok<{ id: string }>('POST', `${P()}/appointment-types`, {
    nameEn: 'Check-up',
    nameFr: 'Contrôle',
    durationMinutes: 30,
    allowedRoles: ['owner', 'dentist'],
    colour: '#0ea5e9',
    minNoticeMinutes: 0,
  });
  typeId = type.id;
  const marie = await ok<{ id: string }>('POST', `${P()}/patients`, {
    givenName: 'Marie',
    familyName: 'Lebon',
    phone: '+23057123456',
    dateOfBirth: '1980-04-02',
  });
  const jean = await ok<{ id: string }>('POST', `${P()}/patients`, {
    givenName: 'Jean',
    familyName: 'Perrine',
    phone: '+23057654321',
    dateOfBirth: '1975-09-12',
  });
  patients = { marie: marie.id, jean: jean.id };
  day = addDays(todayIn(TZ), 1);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function newPage(width = 1180): Promise<Page> {
  return watchedPage(await newContext(browser, app, { cookie, width }), 'scheduling', consoleErrors, /status of 409/);
}

async function openDay(page: Page) {
  await page.goto(new URL(`/app/${practiceId}/calendar?date=${day}`, app.baseUrl).toString());
  await page.getByRole('region', { name: 'Appointments grid' }).waitFor();
}

function block(page: Page, id: string): Locator {
  return page.locator(`[data-appointment-id="${id}"]`);
}

/** Drags with real pointer events from the top of an appointment to the top of a target cell. */
async function drag(page: Page, source: Locator, target: Locator) {
  await source.scrollIntoViewIfNeeded();
  const from = (await source.boundingBox())!;
  const to = (await target.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + 6);
  await page.mouse.down();
  const steps = 8;
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(
      from.x + from.width / 2 + ((to.x + to.width / 2 - (from.x + from.width / 2)) * i) / steps,
      from.y + 6 + ((to.y + 6 - (from.y + 6)) * i) / steps,
    );
  }
  await page.mouse.up();
}

/** Which chair column an element sits in, by its horizontal position under the column headers. */
async function columnOf(page: Page, element: Locator): Promise<string> {
  const box = (await element.boundingBox())!;
  const middle = box.x + box.width / 2;
  for (const name of ['Chair 1', 'Chair 2']) {
    const head = (await page.locator('.cal-head', { hasText: name }).boundingBox())!;
    if (middle >= head.x && middle < head.x + head.width) return name;
  }
  return 'none';
}

describe('scheduling UI', () => {
  it('books an appointment from a free cell: search patient, pick type and provider, book', async () => {
    const page = await newPage();
    await openDay(page);
    await page.screenshot({ path: path.join(artifactsDir, 'scheduling-day-empty-1180.png') });
    await page.getByRole('button', { name: 'Book 09:00, Chair 1', exact: true }).click();

    const dialog = page.getByRole('dialog', { name: 'Book an appointment' });
    await dialog.waitFor();
    // Opening puts the focus in the dialog's first field, not on its close button.
    await expect
      .poll(() =>
        page.evaluate(() =>
          Boolean(
            document.activeElement?.matches('input, select, textarea') &&
              document.activeElement.closest('dialog[open]'),
          ),
        ),
      )
      .toBe(true);
    await dialog.getByRole('combobox', { name: 'Patient' }).fill('Lebo');
    await dialog.getByRole('option', { name: /Marie Lebon/ }).click();
    await dialog.getByText('Change patient').waitFor();
    await dialog.getByLabel('Appointment type').selectOption({ label: 'Check-up (30 minutes)' });
    await dialog.getByLabel('Provider').selectOption({ label: 'Dr Ramdin' });
    // Live availability of that day for the type and provider, as buttons.
    await dialog.getByRole('button', { name: '09:00', exact: true }).waitFor();
    expect(await dialog.getByLabel('Chair', { exact: true }).inputValue()).toBe(chairs.one);
    expect(await dialog.getByLabel('Time', { exact: true }).inputValue()).toBe('09:00');
    await dialog.getByLabel('Phone', { exact: true }).check();
    await dialog.getByLabel('Notes').fill('First visit');
    await page.screenshot({ path: path.join(artifactsDir, 'scheduling-booking-dialog.png') });
    await dialog.getByRole('button', { name: 'Book appointment' }).click();

    // A half-hour card is too short to write its type: its name says the type after the status.
    const booked = page.getByRole('button', { name: /^09:00–09:30, Marie Lebon, Booked, Check-up/ });
    await booked.waitFor();
    await dialog.waitFor({ state: 'hidden' });
    expect(await columnOf(page, booked)).toBe('Chair 1');
    const list = await ok<{ items: Appointment[] }>(
      'GET',
      `${P()}/appointments?from=${encodeURIComponent(at('00:00'))}&to=${encodeURIComponent(at('23:59'))}`,
    );
    const created = list.items.find((a) => a.patientName === 'Marie Lebon' && a.start === at('09:00'));
    expect(created?.chairId).toBe(chairs.one);
    await page.screenshot({ path: path.join(artifactsDir, 'scheduling-day-1180.png') });

    // The same day on a portrait tablet.
    await page.setViewportSize({ width: 768, height: 1024 });
    await booked.waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'scheduling-day-768.png') });
    await page.context().close();
  });

  it('moves an appointment by dragging it to another time and chair', async () => {
    const moving = await book(patients.jean, chairs.one, '10:00');
    const page = await newPage();
    await openDay(page);
    const source = block(page, moving.id);
    await source.waitFor();
    await drag(page, source, page.getByRole('button', { name: 'Book 11:00, Chair 2', exact: true }));
    await expect.poll(async () => (await appointment(moving.id)).start).toBe(at('11:00'));
    const moved = await appointment(moving.id);
    expect(moved.chairId).toBe(chairs.two);
    expect(Date.parse(moved.end) - Date.parse(moved.start)).toBe(30 * 60_000);

    await page.reload();
    const after = block(page, moving.id);
    await after.waitFor();
    expect(await after.getAttribute('aria-label')).toMatch(/^11:00–11:30, Jean Perrine/);
    expect(await columnOf(page, after)).toBe('Chair 2');
    await page.context().close();
  });

  it('cancels from the side panel with a reason; the time is bookable again', async () => {
    const cancelling = await book(patients.marie, chairs.one, '15:00');
    const page = await newPage();
    await openDay(page);
    await block(page, cancelling.id).click();
    const panel = page.getByRole('complementary', { name: 'Marie Lebon' });
    await panel.waitFor();
    await panel.getByRole('button', { name: 'Confirm', exact: true }).click();
    await panel.getByText('Confirmed', { exact: true }).first().waitFor();
    await expect.poll(async () => (await appointment(cancelling.id)).status).toBe('confirmed');
    await page.screenshot({ path: path.join(artifactsDir, 'scheduling-side-panel.png') });

    await panel.getByRole('button', { name: 'Cancel appointment' }).click();
    await panel.getByLabel('Reason for cancelling').fill('Patient is travelling');
    await panel.getByRole('button', { name: 'Confirm cancellation' }).click();
    await block(page, cancelling.id).waitFor({ state: 'detached' });
    await panel.waitFor({ state: 'detached' });
    const cancelled = await appointment(cancelling.id);
    expect(cancelled.status).toBe('cancelled');

    const slots = await ok<{ slots: { start: string; chairId: string }[] }>(
      'GET',
      `${P()}/availability?appointmentTypeId=${typeId}&providerId=${ownerId}&from=${encodeURIComponent(at('00:00'))}&to=${encodeURIComponent(at('23:59'))}`,
    );
    expect(slots.slots.some((s) => s.start === at('15:00') && s.chairId === chairs.one)).toBe(true);
    await page.getByRole('button', { name: 'Book 15:00, Chair 1', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Book an appointment' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: '15:00', exact: true }).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.context().close();
  });

  it('refuses a conflicting drag: a toast explains and the appointment snaps back', async () => {
    const a = await book(patients.marie, chairs.one, '13:00');
    const b = await book(patients.jean, chairs.two, '13:30');
    const page = await newPage();
    await openDay(page);
    const source = block(page, a.id);
    await source.waitFor();
    // Position relative to its own cell, so scrolling does not matter.
    const home = page.getByRole('button', { name: 'Book 13:00, Chair 1', exact: true });
    const offset = async () => (await source.boundingBox())!.y - (await home.boundingBox())!.y;
    await source.scrollIntoViewIfNeeded();
    const before = await offset();
    await drag(page, source, page.getByRole('button', { name: 'Book 13:30, Chair 2', exact: true }));

    await page.locator('.toast-error', { hasText: 'That time is no longer free.' }).waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'scheduling-conflict-toast.png') });
    await expect.poll(offset).toBeCloseTo(before, 0);
    expect(await columnOf(page, source)).toBe('Chair 1');
    expect(await source.getAttribute('aria-label')).toMatch(/^13:00–13:30, Marie Lebon/);
    const after = await appointment(a.id);
    expect(after.start).toBe(a.start);
    expect(after.chairId).toBe(chairs.one);
    expect((await appointment(b.id)).start).toBe(b.start);
    await page.context().close();
  });

  it('shows the week by provider, the calendar settings and a patient history without console errors', async () => {
    const page = await newPage();
    await page.goto(new URL(`/app/${practiceId}/calendar?date=${day}&view=week`, app.baseUrl).toString());
    await page.getByRole('button', { name: /^11:00–11:30, Jean Perrine/ }).waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'scheduling-week-1180.png') });

    await page.goto(new URL(`/app/${practiceId}/settings/calendar/providers`, app.baseUrl).toString());
    await page.getByRole('heading', { name: 'Providers', level: 2 }).waitFor();
    await page.getByText(/Weekly hours \(7 intervals\)/).click();
    await page.screenshot({ path: path.join(artifactsDir, 'scheduling-settings-providers.png'), fullPage: true });
    await page.getByRole('link', { name: 'Public holidays' }).click();
    await page.getByRole('button', { name: 'Import Mauritius holidays' }).click();
    await page.getByText(/holidays? added/).waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'scheduling-settings-holidays.png'), fullPage: true });

    await page.goto(new URL(`/app/${practiceId}/patients`, app.baseUrl).toString());
    await page.getByLabel('Find a patient').fill('Perrine');
    await page.getByRole('link', { name: 'Jean Perrine' }).click();
    await page.getByRole('heading', { name: 'Jean Perrine', level: 1 }).waitFor();
    await page.getByRole('tab', { name: 'Appointments' }).click();
    await page.getByText('Booked', { exact: true }).first().waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'scheduling-patient.png'), fullPage: true });
    await page.context().close();
    expect(consoleErrors).toEqual([]);
    // The day shown is the practice's day, not the machine's.
    expect(wallTimeOf(at('09:00'), TZ)).toEqual({ day, minutes: 540 });
  });

  it('edits a closure and a holiday in the settings and a block from the calendar, refusals beside the fields', async () => {
    const closureDay = addDays(day, 7);
    const blockDay = addDays(day, 2);
    const on = (d: string, clock: string) =>
      instantAt(d, Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3)), TZ).toISOString();
    const closure = await ok<{ id: string }>('POST', `${P()}/closures`, {
      start: on(closureDay, '13:00'),
      end: on(closureDay, '17:00'),
      reason: 'Training',
    });
    const lunch = await ok<{ id: string }>('POST', `${P()}/blocks`, {
      providerId: ownerId,
      start: on(blockDay, '12:00'),
      end: on(blockDay, '13:00'),
      kind: 'lunch',
    });
    const page = await newPage();
    const focusedInDialog = () =>
      page.evaluate(() =>
        Boolean(
          document.activeElement?.matches('input, select, textarea') && document.activeElement.closest('dialog[open]'),
        ),
      );

    await page.goto(new URL(`/app/${practiceId}/settings/calendar/closures`, app.baseUrl).toString());
    await page.getByRole('button', { name: /^Edit the closure from/ }).click();
    const closureDialog = page.getByRole('dialog', { name: 'Edit closure' });
    await closureDialog.waitFor();
    expect(await focusedInDialog()).toBe(true);
    expect(await closureDialog.getByLabel('Start time').inputValue()).toBe('13:00');
    // An end before the start is refused beside the end, which takes the focus.
    await closureDialog.getByLabel('End date').fill(addDays(closureDay, -1));
    await closureDialog.getByRole('button', { name: 'Save' }).click();
    const endDate = closureDialog.getByLabel('End date');
    await expect.poll(() => endDate.getAttribute('aria-invalid')).toBe('true');
    expect(await closureDialog.locator('.field-error').textContent()).toBe('The end must be after the start.');
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.name))
      .toBe('endDate');
    await endDate.fill(closureDay);
    await closureDialog.getByLabel('End time').fill('16:00');
    await closureDialog.getByLabel('Reason').fill('Staff first-aid training');
    await closureDialog.getByRole('button', { name: 'Save' }).click();
    await closureDialog.waitFor({ state: 'hidden' });
    await page.getByRole('cell', { name: 'Staff first-aid training' }).waitFor();
    const closures = await ok<{ items: { id: string; end: string; reason: string }[] }>('GET', `${P()}/closures`);
    expect(closures.items.find((c) => c.id === closure.id)).toMatchObject({
      end: on(closureDay, '16:00'),
      reason: 'Staff first-aid training',
    });

    await page.goto(new URL(`/app/${practiceId}/calendar?date=${blockDay}`, app.baseUrl).toString());
    // A provider's block shows in each chair column.
    await page.getByRole('button', { name: 'Lunch · Dr Ramdin, 12:00–13:00' }).first().click();
    const blockDialog = page.getByRole('dialog', { name: 'Edit block' });
    await blockDialog.waitFor();
    expect(await focusedInDialog()).toBe(true);
    expect(await blockDialog.getByLabel('Provider', { exact: true }).inputValue()).toBe(ownerId);
    await blockDialog.getByLabel('Kind').selectOption('meeting');
    await blockDialog.getByLabel('End time').fill('13:30');
    await blockDialog.getByLabel('Note').fill('Supplier visit');
    await blockDialog.getByRole('button', { name: 'Save' }).click();
    await blockDialog.waitFor({ state: 'hidden' });
    const edited = page.getByRole('button', { name: 'Meeting · Dr Ramdin · Supplier visit, 12:00–13:30' }).first();
    await edited.waitFor();
    const blocks = await ok<{ items: { id: string; end: string; kind: string; note: string }[] }>(
      'GET',
      `${P()}/blocks?from=${on(blockDay, '00:00')}&to=${on(addDays(blockDay, 1), '00:00')}`,
    );
    expect(blocks.items.find((b) => b.id === lunch.id)).toMatchObject({
      end: on(blockDay, '13:30'),
      kind: 'meeting',
      note: 'Supplier visit',
    });

    // Removed from the same dialog.
    await edited.click();
    await blockDialog.getByRole('button', { name: 'Remove block' }).click();
    await blockDialog.waitFor({ state: 'hidden' });
    await edited.waitFor({ state: 'detached' });

    // A holiday moved onto another's date is refused beside the date.
    const year = new Date().getFullYear();
    await ok('POST', `${P()}/holidays`, { date: `${year}-12-30`, nameEn: 'Staff day', nameFr: 'Journée du personnel' });
    const eve = await ok<{ id: string }>('POST', `${P()}/holidays`, {
      date: `${year}-12-31`,
      nameEn: 'Year end',
      nameFr: "Fin d'année",
    });
    await page.goto(new URL(`/app/${practiceId}/settings/calendar/holidays`, app.baseUrl).toString());
    await page.getByRole('button', { name: 'Edit Year end' }).click();
    const holidayDialog = page.getByRole('dialog', { name: 'Edit holiday' });
    const date = holidayDialog.getByLabel('Date');
    await date.fill(`${year}-12-30`);
    await holidayDialog.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => date.getAttribute('aria-invalid')).toBe('true');
    expect(await holidayDialog.locator('.field-error').textContent()).toBe('That name (or date) is already used.');
    await date.fill(`${year}-12-29`);
    await holidayDialog.getByRole('button', { name: 'Save' }).click();
    await holidayDialog.waitFor({ state: 'hidden' });
    const holidays = await ok<{ items: { id: string; date: string }[] }>('GET', `${P()}/holidays?year=${year}`);
    expect(holidays.items.find((h) => h.id === eve.id)?.date).toBe(`${year}-12-29`);
    await page.context().close();
    expect(consoleErrors).toEqual([]);
  });
});
