import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantAt, todayIn } from '../../apps/web/src/features/scheduling/zoned-time.js';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Issue 13, reminders on the web: the owner sets the rules and quiet hours in Settings → Reminders
 * and sees the server's refusal beside the field at fault; a receptionist reads them only; in the
 * calendar a booked appointment shows its planned reminders (card and panel, read for the whole
 * view in one request), and once a reminder has gone through the sandbox's WhatsApp the card says
 * it was reminded. English and French.
 */

const TZ = 'Indian/Mauritius';
const OWNER = { name: 'Anjali Ramdin', email: 'anjali@reminders.mu', password: 'correct horse battery' };
const RECEPTIONIST = { name: 'Priya Desk', email: 'priya@reminders.mu', password: 'another long passphrase' };
const MARIE = '+23057123456';
const AISHA = '+23057000111';
const DEFAULTS = {
  enabled: true,
  rules: [
    { offsetMinutes: 1440, appointmentTypeIds: null, minLeadMinutes: 1440 },
    { offsetMinutes: 120, appointmentTypeIds: null, minLeadMinutes: 0 },
  ],
  quietHours: null,
};

let browser: Browser;
let app: RunningApp;
let owner: ReturnType<typeof apiAs>;
let practiceId = '';
let P = '';
const cookies = { owner: '', receptionist: '' };
const consoleErrors: string[] = [];
const ids = { owner: '', chair: '', checkup: '', scale: '', marie: '', aisha: '' };

beforeAll(async () => {
  browser = await launchBrowser();
  // A fresh database on a busy machine can take more than the usual minute.
  app = await startApp({ readyTimeoutMs: 180_000 });
  owner = apiAs(app);
  const me = await owner.ok<{ user: { id: string }; memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Curepipe', timeZone: TZ },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  ids.owner = me.user.id;
  P = `/practices/${practiceId}`;
  ids.chair = (await owner.ok<{ id: string }>('POST', `${P}/chairs`, { name: 'Chair 1', sortOrder: 0 })).id;
  const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
  await owner.ok('PUT', `${P}/opening-hours`, { hours: everyDay });
  await owner.ok('POST', `${P}/providers`, { userId: ids.owner, displayName: 'Dr Ramdin', colour: '#0f766e' });
  await owner.ok('PUT', `${P}/providers/${ids.owner}/hours`, { hours: everyDay });
  for (const [key, type] of [
    ['checkup', { nameEn: 'Check-up', nameFr: 'Contrôle', durationMinutes: 30 }],
    ['scale', { nameEn: 'Scale and polish', nameFr: 'Détartrage', durationMinutes: 45 }],
  ] as const)
    ids[key] = (
      await owner.ok<{ id: string }>('POST', `${P}/appointment-types`, {
        ...type,
        allowedRoles: ['owner', 'dentist'],
        minNoticeMinutes: 0,
      })
    ).id;
  // The sandbox's WhatsApp number: its fake Graph API has the reminder template approved.
  await owner.ok('PUT', `${P}/whatsapp/channel`, {
    phoneNumberId: '106540352242933',
    displayPhoneNumber: '+230 5200 0001',
    wabaId: '102290129340399',
    throughputPerSecond: 80,
  });
  for (const [key, givenName, familyName, phone, language] of [
    ['marie', 'Marie', 'Lebon', MARIE, 'en'],
    ['aisha', 'Aisha', 'Joomun', AISHA, 'fr'],
  ] as const)
    ids[key] = (
      await owner.ok<{ id: string }>('POST', `${P}/patients`, {
        givenName,
        familyName,
        dateOfBirth: '1980-04-02',
        preferredLanguage: language,
        phones: [{ number: phone, isWhatsApp: true }],
      })
    ).id;
  cookies.owner = owner.cookie;
  const invite = await owner.ok<{ acceptUrl: string }>('POST', `${P}/invitations`, {
    email: RECEPTIONIST.email,
    role: 'receptionist',
  });
  const member = apiAs(app);
  await member.ok('POST', `/invitations/${invite.acceptUrl.split('/').pop()}/accept`, {
    name: RECEPTIONIST.name,
    password: RECEPTIONIST.password,
  });
  cookies.receptionist = member.cookie;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** `refusals`: the page provokes the server's 422 on purpose, which the browser logs as an error. */
async function pageAs(who: keyof typeof cookies, locale = 'en-GB', refusals = false): Promise<Page> {
  const context = await newContext(browser, app, { cookie: cookies[who], locale });
  return watchedPage(context, `reminders-${who}-${locale}`, consoleErrors, refusals ? REFUSED : undefined);
}
const REFUSED = /status of 422 \(Unprocessable Entity\)/;

const settingsUrl = () => new URL(`/app/${practiceId}/settings/reminders`, app.baseUrl).toString();

interface Reminder {
  offsetMinutes: number;
  state: string;
  dueAt: string;
}
async function remindersOf(appointmentId: string): Promise<Reminder[]> {
  const body = await owner.ok<{ items: { appointmentId: string; reminders: Reminder[] }[] }>(
    'GET',
    `${P}/reminders/appointments?ids=${appointmentId}`,
  );
  return body.items[0]?.reminders ?? [];
}
/** Waits until the server's background work has brought the appointment's reminders to what `done` wants. */
async function waitForReminders(appointmentId: string, done: (r: Reminder[]) => boolean): Promise<Reminder[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const reminders = await remindersOf(appointmentId);
    if (done(reminders)) return reminders;
    if (Date.now() > deadline) throw new Error(`Reminders never got there: ${JSON.stringify(reminders)}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Words only, as axe compares them: lower case, punctuation and symbols gone. */
const words = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** An instant as the calendar writes it (useCalendarFormat's dateTime), on the practice's clock. */
const dateTime = (iso: string, locale: string) =>
  new Intl.DateTimeFormat(locale, {
    timeZone: TZ,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));

describe('Settings → Reminders', () => {
  it('lets the owner change the rules and quiet hours, and shows a refusal beside the rule at fault (English)', async () => {
    const page = await pageAs('owner', 'en-GB', true);
    await page.goto(settingsUrl());
    await page.getByRole('heading', { name: 'When reminders are sent' }).waitFor();
    await expect(page.getByRole('link', { name: 'Reminders' }).getAttribute('aria-current')).resolves.toBe('page');
    const rule = (n: number) => page.getByRole('group', { name: `Reminder ${n}`, exact: true });
    // The defaults: the day before (not for visits booked less than 24 h ahead), 2 hours before, quiet 20:00–08:00.
    await expect(rule(1).getByLabel('Days before').inputValue()).resolves.toBe('1');
    await expect(rule(1).getByLabel('Minimum notice (hours)').inputValue()).resolves.toBe('24');
    await expect(rule(2).getByLabel('Hours before').inputValue()).resolves.toBe('2');
    await expect(page.getByLabel('Quiet from').inputValue()).resolves.toBe('20:00');
    await expect(page.getByLabel('Quiet until').inputValue()).resolves.toBe('08:00');

    // The second reminder moved onto the first one's time: refused, beside the second one's offset.
    await rule(2).getByLabel('Days before').fill('1');
    await rule(2).getByLabel('Hours before').fill('0');
    await page.getByRole('button', { name: 'Save changes', exact: true }).click();
    const overlap = 'Another rule already sends a reminder at about this time for the same visits.';
    await rule(2).getByText(overlap).waitFor();
    await expect(rule(1).getByText(overlap).count()).resolves.toBe(0);
    // The keyboard is taken to the field at fault, which names the refusal.
    const focused = page.locator(':focus');
    await expect(focused.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(focused.evaluate((el) => el.closest('fieldset')?.querySelector('legend')?.textContent)).resolves.toBe(
      'Reminder 2',
    );
    const describedBy = (await focused.getAttribute('aria-describedby')) ?? '';
    const description = await page.evaluate(
      (list) => list.split(' ').map((id) => document.getElementById(id)?.textContent ?? ''),
      describedBy,
    );
    expect(description).toContain(overlap);
    await page.screenshot({ path: path.join(artifactsDir, 'reminders-settings-refused.png'), fullPage: true });

    // Put right: 3 hours before; a third reminder for scale and polish only; quiet 21:00–07:30.
    await rule(2).getByLabel('Days before').fill('0');
    await rule(2).getByLabel('Hours before').fill('3');
    await page.getByRole('button', { name: 'Add a reminder' }).click();
    // The keyboard goes to the new reminder's first field.
    await expect(page.locator(':focus').getAttribute('id')).resolves.toMatch(/-days$/);
    await rule(3).getByLabel('Days before').fill('3');
    await rule(3).getByLabel('Hours before').fill('0');
    await rule(3).getByLabel('Only the visit types chosen').check();
    await rule(3).getByLabel('Scale and polish').check();
    await page.getByLabel('Quiet from').fill('21:00');
    await page.getByLabel('Quiet until').fill('07:30');
    await page.getByRole('button', { name: 'Save changes', exact: true }).click();
    await page.getByText('Reminder settings saved.').waitFor();

    const saved = await owner.ok<typeof DEFAULTS>('GET', `${P}/reminders/settings`);
    expect(saved.rules).toEqual([
      { offsetMinutes: 3 * 1440, appointmentTypeIds: [ids.scale], minLeadMinutes: 0 },
      { offsetMinutes: 1440, appointmentTypeIds: null, minLeadMinutes: 1440 },
      { offsetMinutes: 180, appointmentTypeIds: null, minLeadMinutes: 0 },
    ]);
    expect(saved.quietHours).toEqual({ start: '21:00', end: '07:30' });

    // Read back after a reload, in the server's order (longest first); a rule removed by keyboard.
    await page.reload();
    await rule(1).getByLabel('Days before').waitFor();
    await expect(rule(1).getByLabel('Scale and polish').isChecked()).resolves.toBe(true);
    await expect(rule(3).getByLabel('Hours before').inputValue()).resolves.toBe('3');
    await rule(1).getByRole('button', { name: 'Remove reminder 1' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.locator(':focus').textContent()).resolves.toBe('Add a reminder');
    await expect(page.getByRole('group', { name: /^Reminder \d$/ }).count()).resolves.toBe(2);
    await page.getByRole('button', { name: 'Save changes', exact: true }).click();
    await page.getByText('Reminder settings saved.').waitFor();
    expect((await owner.ok<typeof DEFAULTS>('GET', `${P}/reminders/settings`)).rules).toHaveLength(2);
    await page.context().close();
  });

  it('shows quiet hours that cover the whole day refused beside them (French)', async () => {
    const page = await pageAs('owner', 'fr-FR', true);
    await page.goto(settingsUrl());
    await page.getByRole('heading', { name: 'Heures de silence' }).waitFor();
    await page.getByLabel('Silence à partir de').fill('09:00');
    await page.getByLabel("Silence jusqu'à").fill('09:00');
    await page.getByRole('button', { name: 'Enregistrer les modifications', exact: true }).click();
    const refusal = 'Les heures de silence doivent laisser une partie de la journée pour les rappels.';
    const quiet = page.getByRole('region', { name: 'Heures de silence' });
    await quiet.getByText(refusal).waitFor();
    await expect(page.locator(':focus').getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.getByRole('group', { name: 'Rappel 1', exact: true }).getByText(refusal).count()).resolves.toBe(
      0,
    );
    // Nothing was saved.
    expect((await owner.ok<typeof DEFAULTS>('GET', `${P}/reminders/settings`)).quietHours).toEqual({
      start: '21:00',
      end: '07:30',
    });
    await page.screenshot({ path: path.join(artifactsDir, 'reminders-settings-fr.png'), fullPage: true });
    await page.context().close();
  });

  it('lets the owner set the waitlist offers, and refuses an offer open too long beside its field', async () => {
    // Out of the allowed range is refused by the request's schema (400), beside the field.
    const page = await watchedPage(
      await newContext(browser, app, { cookie: cookies.owner }),
      'reminders-owner-offers',
      consoleErrors,
      /status of 400 \(Bad Request\)/,
    );
    await page.goto(settingsUrl());
    const offers = page.getByRole('form', { name: 'Waitlist offers on WhatsApp' });
    await offers.getByLabel('Patients offered at a time').waitFor();
    // The defaults until an owner saves: on, 3 at a time, 20 minutes.
    await expect(offers.getByRole('switch', { name: 'Offer freed times to the waitlist' }).isChecked()).resolves.toBe(
      true,
    );
    await expect(offers.getByLabel('Patients offered at a time').inputValue()).resolves.toBe('3');
    await offers.getByLabel('Patients offered at a time').fill('2');
    await offers.getByLabel('Minutes each offer stays open').fill('30');
    await offers.getByRole('button', { name: 'Save waitlist offers' }).click();
    await page.getByText('Waitlist offer settings saved.').waitFor();
    const saved = await owner.ok<{ enabled: boolean; batchSize: number; offerMinutes: number }>(
      'GET',
      `${P}/reminders/waitlist-offer-settings`,
    );
    expect(saved).toMatchObject({ enabled: true, batchSize: 2, offerMinutes: 30 });

    // Four hours at most: a longer offer is refused beside its field, which takes the focus; nothing is saved.
    await offers.getByLabel('Minutes each offer stays open').fill('300');
    await offers.getByRole('button', { name: 'Save waitlist offers' }).click();
    await expect
      .poll(() => offers.getByLabel('Minutes each offer stays open').getAttribute('aria-invalid'))
      .toBe('true');
    await expect(page.locator(':focus').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(
      (await owner.ok<{ offerMinutes: number }>('GET', `${P}/reminders/waitlist-offer-settings`)).offerMinutes,
    ).toBe(30);
    await page.context().close();
  });

  it.each([
    [
      'en-GB',
      'Only the practice owner can change the reminder settings.',
      'Days before',
      'Save changes',
      'Add a reminder',
    ],
    [
      'fr-FR',
      'Seul le titulaire du cabinet peut modifier les rappels.',
      'Jours avant',
      'Enregistrer les modifications',
      'Ajouter un rappel',
    ],
  ])('shows a receptionist the settings read-only (%s)', async (locale, notice, daysLabel, save, add) => {
    const page = await pageAs('receptionist', locale);
    await page.goto(settingsUrl());
    await page.getByText(notice).waitFor();
    const days = page.getByLabel(daysLabel, { exact: true });
    await expect(days.count()).resolves.toBe(2);
    for (const field of await days.all()) await expect(field.isDisabled()).resolves.toBe(true);
    // The switches of the reminders, the recall messages, the waitlist offers, the reminders by email and
    // the daily agenda (each section after the first loads on its own: wait for the last).
    await page.getByRole('switch').nth(4).waitFor();
    const switches = await page.getByRole('switch').all();
    expect(switches).toHaveLength(5);
    for (const toggle of switches) await expect(toggle.isDisabled()).resolves.toBe(true);
    await expect(page.getByRole('button', { name: save, exact: true }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: add }).count()).resolves.toBe(0);
    await page.context().close();
  });
});

describe('reminders in the calendar', () => {
  let marieVisit = '';
  let aishaVisit = '';
  let day = '';

  it('shows a booked appointment its planned reminders, read for the whole view in one request', async () => {
    await owner.ok('PUT', `${P}/reminders/settings`, DEFAULTS);
    day = addDays(todayIn(TZ), 2);
    const book = async (patientId: string, minutes: number) =>
      (
        await owner.ok<{ id: string }>('POST', `${P}/appointments`, {
          patientId,
          appointmentTypeId: ids.checkup,
          providerId: ids.owner,
          chairId: ids.chair,
          start: instantAt(day, minutes, TZ).toISOString(),
          source: 'phone',
        })
      ).id;
    marieVisit = await book(ids.marie, 10 * 60);
    aishaVisit = await book(ids.aisha, 11 * 60);
    for (const id of [marieVisit, aishaVisit])
      await waitForReminders(id, (r) => r.filter((x) => x.state === 'planned').length === 2);
    const [dayBefore, twoHours] = await remindersOf(marieVisit).then((r) =>
      [...r].sort((a, b) => b.offsetMinutes - a.offsetMinutes),
    );

    const page = await pageAs('owner');
    const lookups: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/reminders/appointments')) lookups.push(request.url());
    });
    await page.goto(new URL(`/app/${practiceId}/calendar?date=${day}`, app.baseUrl).toString());
    const card = page.locator(`[data-appointment-id="${marieVisit}"]`);
    const planned = `Reminder planned for ${dateTime(dayBefore!.dueAt, 'en-GB')}`;
    await expect
      .poll(() => card.getAttribute('aria-label'), { timeout: 20_000, interval: 250 })
      // A half-hour card is too short to write its type: the type is said after the written status.
      .toBe(`10:00–10:30, Marie Lebon, Booked, Check-up, ${planned}`);
    await expect(card.locator('.reminder-mark').getAttribute('title')).resolves.toBe(planned);
    // Both cards' reminders in one request.
    expect(lookups).toHaveLength(1);
    expect(new URL(lookups[0]!).searchParams.get('ids')?.split(',').sort()).toEqual([marieVisit, aishaVisit].sort());

    await card.click();
    const panel = page.getByRole('complementary', { name: 'Marie Lebon' });
    const list = panel.getByRole('region', { name: 'Reminders' });
    await list.getByText(`1 day before: planned for ${dateTime(dayBefore!.dueAt, 'en-GB')}`).waitFor();
    await list.getByText(`2 h before: planned for ${dateTime(twoHours!.dueAt, 'en-GB')}`).waitFor();
    await panel.getByText(planned, { exact: true }).waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'reminders-panel-planned.png') });
    await page.context().close();
  });

  it('says "reminded" on the card once the reminder has gone through WhatsApp (English and French)', async () => {
    // A rule whose time has just come for Marie's visit: the whole hours until it, rounded up.
    const hoursAhead = Math.ceil((instantAt(day, 10 * 60, TZ).getTime() - Date.now()) / 3_600_000);
    await owner.ok('PUT', `${P}/reminders/settings`, {
      ...DEFAULTS,
      rules: [...DEFAULTS.rules, { offsetMinutes: hoursAhead * 60, appointmentTypeIds: null, minLeadMinutes: 0 }],
    });
    const reminders = await waitForReminders(marieVisit, (r) =>
      r.some((x) => x.offsetMinutes === hoursAhead * 60 && ['sent', 'delivered', 'read'].includes(x.state)),
    );
    expect(reminders.find((x) => x.offsetMinutes === hoursAhead * 60)).toBeTruthy();

    for (const [locale, reminded, lineWord, written] of [
      ['en-GB', /, Reminded(, delivered)? \S/, /before: (sent|delivered) /, ['Booked', 'Check-up']],
      ['fr-FR', /, Rappel envoyé(, distribué)? le \S/, /avant : (envoyé|distribué) le /, ['Réservé', 'Contrôle']],
    ] as const) {
      const page = await pageAs('owner', locale);
      await page.goto(new URL(`/app/${practiceId}/calendar?date=${day}`, app.baseUrl).toString());
      const card = page.locator(`[data-appointment-id="${marieVisit}"]`);
      await expect.poll(() => card.getAttribute('aria-label'), { timeout: 20_000, interval: 250 }).toMatch(reminded);
      // The name still holds what the card shows, in its order, with the reminder after it.
      const name = (await card.getAttribute('aria-label')) ?? '';
      const shown = await card.evaluate((el) => (el as HTMLElement).innerText);
      // The words shown are one run of the name (axe's label-content-name-mismatch), though a short card hides its type.
      expect(words(name), `${name} | ${shown}`).toContain(words(shown));
      expect(name.split(', ').slice(0, 4)).toEqual(['10:00–10:30', 'Marie Lebon', ...written]);
      await card.click();
      await page.locator('.appointment-reminders').getByText(lineWord).waitFor();
      await page.screenshot({ path: path.join(artifactsDir, `reminders-card-sent-${locale}.png`) });
      await page.context().close();
    }
  });

  it('logs no console errors', () => {
    expect(consoleErrors).toEqual([]);
  });
});
