import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantAt, todayIn } from '../../apps/web/src/features/scheduling/zoned-time.js';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Issue 16, the front desk's day and booking from anywhere. A practice's day like the demo's: two
 * dentists, a patient with a medical alert, one visit done, patients late, some unconfirmed, free
 * time, and a WhatsApp conversation waiting for a person. The browser's clock is set to 10:20 that
 * day (the server's stays real: the day is ahead of it, so everything can be booked). The
 * receptionist lands on Today and checks a patient in with one tap (the calendar follows); the
 * dentist lands on My day and books a follow-up; Book works from a patient's record and from a
 * conversation linked to a patient. In English and French.
 */

const TZ = 'Indian/Mauritius';
const PHONE_NUMBER_ID = '106540352242977';
const OWNER = { name: 'Anjali Ramdin', email: 'anjali@today.mu', password: 'correct horse battery' };
const RECEPTIONIST = { name: 'Priya Desk', email: 'priya@today.mu', password: 'another long passphrase' };
const DENTIST = { name: 'Dev Chetty', email: 'dev@today.mu', password: 'yet another passphrase' };

let browser: Browser;
let app: RunningApp;
let practiceId = '';
let day = '';
let conversationId = '';
const ids: Record<string, string> = {};
const cookies = { owner: '', receptionist: '', dentist: '' };
const consoleErrors: string[] = [];

const at = (clock: string, on = day) =>
  instantAt(on, Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3)), TZ).toISOString();

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  const api = apiAs(app);
  const me = await api.ok<{ user: { id: string }; memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Curepipe', timeZone: TZ },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  const ownerId = me.user.id;
  const P = `/practices/${practiceId}`;
  for (const [person, role, key] of [
    [RECEPTIONIST, 'receptionist', 'receptionist'],
    [DENTIST, 'dentist', 'dentist'],
  ] as const) {
    const invite = await api.ok<{ acceptUrl: string }>('POST', `${P}/invitations`, { email: person.email, role });
    const member = apiAs(app);
    const joined = await member.ok<{ user: { id: string } }>(
      'POST',
      `/invitations/${invite.acceptUrl.split('/').pop()}/accept`,
      { name: person.name, password: person.password },
    );
    cookies[key] = member.cookie;
    ids[key] = joined.user.id;
  }
  const chair1 = await api.ok<{ id: string }>('POST', `${P}/chairs`, { name: 'Chair 1', sortOrder: 0 });
  await api.ok<{ id: string }>('POST', `${P}/chairs`, { name: 'Chair 2', sortOrder: 1 });
  const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
  await api.ok('PUT', `${P}/opening-hours`, { hours: everyDay });
  for (const [userId, displayName] of [
    [ownerId, 'Dr Ramdin'],
    [ids.dentist!, 'Dr Chetty'],
  ] as const) {
    await api.ok('POST', `${P}/providers`, { userId, displayName, colour: '#0f766e' });
    await api.ok('PUT', `${P}/providers/${userId}/hours`, { hours: everyDay });
  }
  const checkup = await api.ok<{ id: string }>('POST', `${P}/appointment-types`, {
    nameEn: 'Check-up',
    nameFr: 'Contrôle',
    durationMinutes: 30,
    allowedRoles: ['owner', 'dentist'],
    minNoticeMinutes: 0,
  });
  const filling = await api.ok<{ id: string }>('POST', `${P}/appointment-types`, {
    nameEn: 'Filling',
    nameFr: 'Obturation',
    durationMinutes: 60,
    allowedRoles: ['owner', 'dentist'],
    minNoticeMinutes: 0,
  });
  const patients: Record<string, string> = {};
  for (const [givenName, familyName, phone] of [
    ['Aisha', 'Ramjaun', '+23057100001'],
    ['Jean', 'Appadoo', '+23057100002'],
    ['Marie', 'Lebon', '+23057123456'],
    ['Sophie', 'Li', '+23057100004'],
    ['Vikash', 'Doorgakant', '+23057100005'],
  ]) {
    const p = await api.ok<{ id: string }>('POST', `${P}/patients`, {
      givenName,
      familyName,
      phone,
      dateOfBirth: '1980-04-02',
    });
    patients[givenName!] = p.id;
  }
  ids.sophie = patients.Sophie!;
  await api.ok('PUT', `${P}/patients/${patients.Marie}/alerts`, { allergies: ['Penicillin'] });

  // The first day from tomorrow that is not a public holiday (the practice opens every day otherwise).
  const year = Number(todayIn(TZ).slice(0, 4));
  const holidays = new Set<string>();
  for (const y of [year, year + 1]) {
    const list = await api.ok<{ items: { date: string }[] }>('GET', `${P}/holidays?year=${y}`);
    for (const h of list.items) holidays.add(h.date);
  }
  day = addDays(todayIn(TZ), 1);
  // Its follow-ups (in two weeks, in a month) must not fall on one either.
  while ([0, 14, 30, 31].some((n) => holidays.has(addDays(day, n)))) day = addDays(day, 1);

  const book = async (patient: string, providerId: string, typeId: string, clock: string, steps: string[] = []) => {
    const a = await api.ok<{ id: string }>('POST', `${P}/appointments`, {
      patientId: patients[patient],
      appointmentTypeId: typeId,
      providerId,
      chairId: chair1.id,
      start: at(clock),
      source: 'phone',
    });
    for (const status of steps) await api.ok('POST', `${P}/appointments/${a.id}/status`, { status });
    ids[patient] = a.id;
    return a.id;
  };
  const chair2 = (await api.ok<{ items: { id: string; name: string }[] }>('GET', `${P}/chairs`)).items.find(
    (c) => c.name === 'Chair 2',
  )!.id;
  await book('Aisha', ownerId, checkup.id, '09:00', ['arrived', 'in_chair', 'completed']);
  await book('Jean', ownerId, checkup.id, '10:00');
  await book('Marie', ownerId, filling.id, '11:00', ['confirmed']);
  await book('Sophie', ownerId, checkup.id, '14:00');
  // Dr Chetty works on Chair 2.
  const vikash = await api.ok<{ id: string }>('POST', `${P}/appointments`, {
    patientId: patients.Vikash,
    appointmentTypeId: checkup.id,
    providerId: ids.dentist,
    chairId: chair2,
    start: at('10:15'),
    source: 'phone',
  });
  await api.ok('POST', `${P}/appointments/${vikash.id}/status`, { status: 'confirmed' });
  ids.Vikash = vikash.id;

  // A WhatsApp conversation, linked to Marie and flagged for a person.
  await api.ok('PUT', `${P}/whatsapp/channel`, {
    phoneNumberId: PHONE_NUMBER_ID,
    displayPhoneNumber: '+230 5200 0001',
    wabaId: '102290129340398',
    throughputPerSecond: 80,
  });
  await api.ok('POST', '/sandbox/whatsapp/messages', {
    phoneNumberId: PHONE_NUMBER_ID,
    from: '23057123456',
    profileName: 'Marie',
    message: { type: 'text', body: 'Bonjour, mon plombage me fait mal' },
  });
  // The webhook is processed in the background: wait for the conversation.
  for (let tries = 0; tries < 75 && !conversationId; tries++) {
    const open = await api.ok<{ items: { id: string }[] }>('GET', `${P}/inbox/conversations?status=open`);
    conversationId = open.items[0]?.id ?? '';
    if (!conversationId) await new Promise((r) => setTimeout(r, 200));
  }
  if (!conversationId) throw new Error('The sandbox message made no conversation');
  await api.ok('PATCH', `${P}/inbox/conversations/${conversationId}`, { patientId: patients.Marie, needsHuman: true });
  cookies.owner = api.cookie;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  expect(consoleErrors).toEqual([]);
});

/** A page whose clock says 10:20 on the test's day (the practice's time), logged in unless told. */
async function pageAs(
  who: keyof typeof cookies | null,
  opts: { locale?: string; width?: number; height?: number } = {},
): Promise<Page> {
  const context = await newContext(browser, app, { ...opts, cookie: who ? cookies[who] : undefined });
  await context.clock.setFixedTime(new Date(at('10:20')));
  // Before logging in, the app asks who is there and is told 401: expected, not an error.
  return watchedPage(context, `today-${who ?? 'login'}`, consoleErrors, who ? undefined : /status of 401/);
}

const url = (pathname: string) => new URL(pathname, app.baseUrl).toString();
const row = (page: Page, appointmentId: string) => page.locator(`li.day-row[data-appointment-id="${appointmentId}"]`);
const visible = (locator: Locator) => locator.first().waitFor({ state: 'visible' });

async function logIn(page: Page, person: { email: string; password: string }) {
  await page.goto(url('/login'));
  await page.getByLabel('Email', { exact: true }).fill(person.email);
  await page.getByLabel('Password', { exact: true }).fill(person.password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

describe('the front desk’s Today', () => {
  it('is where a receptionist lands: the day by time, late and unconfirmed marks, alerts, gaps and WhatsApp', async () => {
    const page = await pageAs(null, { width: 1366, height: 768 });
    await logIn(page, RECEPTIONIST);
    await page.waitForURL(/\/app\/[0-9a-f-]+\/today$/);
    const main = page.locator('main#main');
    await visible(main.getByRole('heading', { name: 'Today', level: 1 }));
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    expect(await nav.getByRole('link', { name: 'Today' }).getAttribute('aria-current')).toBe('page');

    const list = main.getByRole('list').first();
    await visible(list.getByText('Vikash Doorgakant'));
    // By time, across chairs and providers.
    const names = await main.locator('li.day-row .day-patient a').allTextContents();
    expect(names).toEqual(['Aisha Ramjaun', 'Jean Appadoo', 'Vikash Doorgakant', 'Marie Lebon', 'Sophie Li']);
    expect(await main.locator('.day-summary').textContent()).toBe('5 appointments · 2 late · 1 unconfirmed');

    // Jean (10:00) and Vikash (10:15) have not arrived at 10:20; Aisha's visit is done.
    await visible(row(page, ids.Jean!).getByText('Late by 20 min'));
    await visible(row(page, ids.Vikash!).getByText('Late by 5 min'));
    expect(
      await row(page, ids.Aisha!)
        .getByText(/Late by/)
        .count(),
    ).toBe(0);
    await visible(row(page, ids.Aisha!).getByText('Completed'));
    // Sophie at 14:00 is booked but not confirmed; Marie confirmed, with her alert badge.
    await visible(row(page, ids.Sophie!).getByText('Not confirmed'));
    expect(await row(page, ids.Marie!).getByText('Not confirmed').count()).toBe(0);
    await visible(row(page, ids.Marie!).getByRole('button', { name: 'Medical alert' }));
    expect(await row(page, ids.Jean!).getByRole('button', { name: 'Medical alert' }).count()).toBe(0);

    const late = main.getByRole('region', { name: /^Late/ });
    expect(await late.getByRole('link').allTextContents()).toEqual(['10:00 Jean Appadoo', '10:15 Vikash Doorgakant']);
    const unconfirmed = main.getByRole('region', { name: /^Not confirmed yet/ });
    expect(await unconfirmed.getByRole('link').allTextContents()).toEqual(['14:00 Sophie Li']);
    // Dr Ramdin is free between Jean and Marie (10:30–11:00), and from Marie's filling to Sophie (12:00–14:00).
    const gaps = main.getByRole('region', { name: /^Gaps worth filling/ });
    await visible(gaps.getByRole('link', { name: '12:00–14:00 Dr Ramdin' }));
    await visible(gaps.getByRole('link', { name: '10:30–11:00 Dr Ramdin' }));
    expect(await gaps.getByRole('link', { name: /10:00/ }).count()).toBe(0);
    const waiting = main.getByRole('region', { name: /^WhatsApp: waiting for a person/ });
    const chat = waiting.getByRole('link', { name: 'Marie Lebon' });
    expect(await chat.getAttribute('href')).toBe(`/app/${practiceId}/inbox/${conversationId}`);
    await page.screenshot({ path: path.join(artifactsDir, 'today-receptionist-1366.png'), fullPage: true });

    // One tap, from the keyboard: Vikash has arrived. The late mark goes, the calendar follows.
    const arrived = row(page, ids.Vikash!).getByRole('button', { name: 'Arrived: Vikash Doorgakant' });
    await arrived.focus();
    await page.keyboard.press('Enter');
    await visible(row(page, ids.Vikash!).locator('.status-pill').getByText('Arrived', { exact: true }));
    await row(page, ids.Vikash!)
      .getByText(/Late by/)
      .waitFor({ state: 'detached' });
    expect(await main.locator('.day-summary').textContent()).toBe('5 appointments · 1 late · 1 unconfirmed');
    // Next step offered: in the chair.
    await visible(row(page, ids.Vikash!).getByRole('button', { name: 'In chair: Vikash Doorgakant' }));

    await main.getByRole('link', { name: 'Open the calendar' }).click();
    // The calendar's card (Today's row carries the same data attribute until the page has changed).
    const card = page.locator(`.cal-appt[data-appointment-id="${ids.Vikash}"]`);
    await card.waitFor();
    expect(await card.getAttribute('aria-label')).toContain('Arrived');
  });

  it('prints the list alone, and fits a 1024×768 tablet', async () => {
    const page = await pageAs('receptionist', { width: 1024, height: 768 });
    await page.goto(url(`/app/${practiceId}/today`));
    await visible(row(page, ids.Sophie!));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(artifactsDir, 'today-receptionist-1024.png'), fullPage: true });
    expect(await row(page, ids.Sophie!).getByRole('button').count()).toBeGreaterThan(0);
    await page.emulateMedia({ media: 'print' });
    expect(await page.getByRole('navigation', { name: 'Main navigation' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Print the day list' }).isVisible()).toBe(false);
    expect(await page.getByRole('region', { name: /^Late/ }).isVisible()).toBe(false);
    expect(await row(page, ids.Sophie!).isVisible()).toBe(true);
    expect(await row(page, ids.Sophie!).locator('.day-actions').isVisible()).toBe(false);
    await page.screenshot({ path: path.join(artifactsDir, 'today-print.png'), fullPage: true });
  });

  it('says it in French, and marks a no-show with one tap', async () => {
    const page = await pageAs('receptionist', { locale: 'fr-FR', width: 1366, height: 768 });
    await page.goto(url(`/app/${practiceId}`));
    await page.waitForURL(/\/today$/);
    const main = page.locator('main#main');
    await visible(main.getByRole('heading', { name: 'Aujourd’hui', level: 1 }));
    await visible(row(page, ids.Jean!).getByText('En retard de 20 min'));
    await visible(row(page, ids.Sophie!).getByText('Non confirmé'));
    await visible(row(page, ids.Marie!).getByRole('button', { name: 'Alerte médicale' }));
    await visible(
      main
        .getByRole('region', { name: /^Créneaux libres à remplir/ })
        .getByRole('link', { name: '12:00–14:00 Dr Ramdin' }),
    );
    await visible(
      main
        .getByRole('region', { name: /^WhatsApp : en attente d’une personne/ })
        .getByRole('link', { name: 'Marie Lebon' }),
    );
    expect(await main.locator('.day-summary').textContent()).toBe('5 rendez-vous · 1 en retard · 1 non confirmé');
    await row(page, ids.Jean!).getByRole('button', { name: 'Absent : Jean Appadoo' }).click();
    await visible(row(page, ids.Jean!).locator('.status-pill').getByText('Absent', { exact: true }));
    await row(page, ids.Jean!)
      .getByText(/En retard/)
      .waitFor({ state: 'detached' });
    await page.screenshot({ path: path.join(artifactsDir, 'today-receptionist-fr.png'), fullPage: true });
  });
});

describe('the dentist’s My day', () => {
  it('is where a dentist lands: their own appointments; a follow-up is booked in two weeks with them', async () => {
    const page = await pageAs(null, { width: 1366, height: 768 });
    await logIn(page, DENTIST);
    await page.waitForURL(/\/app\/[0-9a-f-]+\/my-day$/);
    const main = page.locator('main#main');
    await visible(main.getByRole('heading', { name: 'My day', level: 1 }));
    await visible(row(page, ids.Vikash!));
    expect(await main.locator('li.day-row .day-patient a').allTextContents()).toEqual(['Vikash Doorgakant']);

    // Keyboard: open the follow-up, choose two weeks, keep the same provider, find a time.
    await row(page, ids.Vikash!).getByRole('button', { name: 'Book follow-up: Vikash Doorgakant' }).focus();
    await page.keyboard.press('Enter');
    const followUp = page.getByRole('dialog', { name: 'Follow-up for Vikash Doorgakant' });
    await visible(followUp);
    expect(await followUp.getByRole('combobox', { name: 'Appointment type' }).inputValue()).not.toBe('');
    await followUp.getByRole('radio', { name: 'In 2 weeks' }).check();
    expect(await followUp.getByRole('checkbox', { name: 'Same provider (Dr Chetty)' }).isChecked()).toBe(true);
    await followUp.getByRole('button', { name: 'Find a time' }).click();

    const booking = page.getByRole('dialog', { name: 'Book an appointment' });
    await visible(booking.getByText('Vikash Doorgakant'));
    const target = addDays(day, 14);
    expect(await booking.getByLabel('Date', { exact: true }).inputValue()).toBe(target);
    expect(await booking.getByLabel('Time', { exact: true }).inputValue()).toBe('10:15');
    expect(await booking.getByRole('combobox', { name: 'Provider' }).locator('option:checked').textContent()).toBe(
      'Dr Chetty',
    );
    await page.screenshot({ path: path.join(artifactsDir, 'my-day-follow-up.png') });
    await booking.getByRole('button', { name: 'Book appointment' }).click();

    const notice = main.getByRole('status').filter({ hasText: 'Vikash Doorgakant booked for' });
    await visible(notice);
    await notice.getByRole('link', { name: 'Open in the calendar' }).click();
    await page.waitForURL(new RegExp(`/calendar\\?date=${target}`));
    await visible(page.getByRole('complementary', { name: 'Vikash Doorgakant' }));
  });

  it('books a follow-up in French too', async () => {
    const page = await pageAs('dentist', { locale: 'fr-FR', width: 1024, height: 768 });
    await page.goto(url(`/app/${practiceId}/my-day`));
    await visible(page.getByRole('heading', { name: 'Ma journée', level: 1 }));
    await row(page, ids.Vikash!).getByRole('button', { name: 'Prévoir le suivi : Vikash Doorgakant' }).click();
    const followUp = page.getByRole('dialog', { name: 'Suivi de Vikash Doorgakant' });
    await followUp.getByRole('radio', { name: 'Dans 1 mois' }).check();
    await followUp.getByRole('button', { name: 'Trouver un horaire' }).click();
    const booking = page.getByRole('dialog', { name: 'Prendre un rendez-vous' });
    await visible(booking.getByText('Vikash Doorgakant'));
    expect(await booking.getByLabel('Date', { exact: true }).inputValue()).not.toBe(day);
    await booking.getByRole('button', { name: 'Réserver', exact: true }).click();
    await visible(
      page
        .getByRole('status')
        .filter({ hasText: 'Vikash Doorgakant' })
        .getByRole('link', { name: 'Voir dans l’agenda' }),
    );
  });
});

describe('Book from anywhere', () => {
  it('from a patient’s record: the dialog opens for them, and the booking is linked in the calendar', async () => {
    const page = await pageAs('receptionist', { width: 1366, height: 768 });
    await page.goto(url(`/app/${practiceId}/patients/${ids.sophie}`));
    await visible(page.getByRole('heading', { name: 'Sophie Li', level: 1 }));
    await page.getByRole('button', { name: 'Book', exact: true }).click();
    const booking = page.getByRole('dialog', { name: 'Book an appointment' });
    await visible(booking.getByRole('group', { name: 'Patient' }).getByText('Sophie Li'));
    expect(await booking.getByLabel('Date', { exact: true }).inputValue()).toBe(day);
    await booking.getByRole('button', { name: '16:00', exact: true }).click();
    await booking.getByRole('button', { name: 'Book appointment' }).click();
    const notice = page.getByRole('status').filter({ hasText: 'Sophie Li booked for' });
    await visible(notice);
    await notice.getByRole('link', { name: 'Open in the calendar' }).click();
    await page.waitForURL(new RegExp(`/calendar\\?date=${day}`));
    const panel = page.getByRole('complementary', { name: 'Sophie Li' });
    await visible(panel.getByText(/16:00–16:30/));
  });

  it('from a conversation linked to a patient, in French', async () => {
    const page = await pageAs('receptionist', { locale: 'fr-FR', width: 1366, height: 768 });
    await page.goto(url(`/app/${practiceId}/inbox/${conversationId}`));
    await page.getByRole('button', { name: 'Prendre rendez-vous', exact: true }).click();
    const booking = page.getByRole('dialog', { name: 'Prendre un rendez-vous' });
    await visible(booking.getByRole('group', { name: 'Patient' }).getByText('Marie Lebon'));
    // Her alert shows in the dialog as on the calendar.
    await visible(booking.getByRole('button', { name: 'Alerte médicale' }));
    await booking.getByRole('button', { name: '16:30', exact: true }).click();
    await booking.getByRole('button', { name: 'Réserver', exact: true }).click();
    const notice = page.getByRole('status').filter({ hasText: 'Marie Lebon' });
    await visible(notice.getByRole('link', { name: 'Voir dans l’agenda' }));
    await page.screenshot({ path: path.join(artifactsDir, 'book-from-inbox-fr.png') });
    await notice.getByRole('link', { name: 'Voir dans l’agenda' }).click();
    await visible(page.getByRole('complementary', { name: 'Marie Lebon' }).getByText(/16:30–17:00/));
  });

  it('is not offered on a conversation with no patient linked', async () => {
    const api = apiAs(app);
    api.cookie = cookies.owner;
    await api.ok('PATCH', `/practices/${practiceId}/inbox/conversations/${conversationId}`, { patientId: null });
    const page = await pageAs('receptionist');
    await page.goto(url(`/app/${practiceId}/inbox/${conversationId}`));
    await visible(page.getByText('Not linked to a patient record.'));
    expect(await page.getByRole('button', { name: 'Book', exact: true }).count()).toBe(0);
  });
});
