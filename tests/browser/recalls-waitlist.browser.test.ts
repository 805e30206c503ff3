import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths, monthBounds, monthOf } from '../../apps/web/src/features/scheduling/list-dates.js';
import { addDays, todayIn } from '../../apps/web/src/features/scheduling/zoned-time.js';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Issue 16, recall and waitlist screens: the recall list filters by month and provider and books a
 * recall in one step (it then shows booked); the waitlist takes a patient, books them in one step
 * and the entry leaves the open list. In English and in French, at 1366×768 and 1024×768; a
 * dentist sees the lists without the actions.
 */

const TZ = 'Indian/Mauritius';
const OWNER = { name: 'Anjali Ramdin', email: 'anjali@recalls.mu', password: 'correct horse battery' };
const RECEPTIONIST = { name: 'Priya Desk', email: 'priya@recalls.mu', password: 'another long passphrase' };
const DENTIST = { name: 'Dev Chetty', email: 'dev@recalls.mu', password: 'yet another passphrase' };

const WORDS = {
  en: {
    locale: 'en-GB',
    recalls: 'Recalls',
    waitlist: 'Waitlist',
    due: 'Due',
    provider: 'Provider',
    book: 'Book',
    booked: 'Booked',
    dialog: 'Book an appointment',
    submit: 'Book appointment',
    add: 'Add to waitlist',
    patient: 'Patient',
    notBefore: 'Not before',
    mornings: 'Mornings',
    never: 'No visit on file',
  },
  fr: {
    locale: 'fr-FR',
    recalls: 'Rappels',
    waitlist: "Liste d'attente",
    due: 'Échéance',
    provider: 'Praticien',
    book: 'Réserver',
    booked: 'Réservé',
    dialog: 'Prendre un rendez-vous',
    submit: 'Réserver',
    add: "Ajouter à la liste d'attente",
    patient: 'Patient',
    notBefore: 'Pas avant le',
    mornings: 'Matins',
    never: 'Aucune visite enregistrée',
  },
} as const;
type Lang = keyof typeof WORDS;

let browser: Browser;
let app: RunningApp;
let practiceId = '';
let P = '';
let owner: ReturnType<typeof apiAs>;
const cookies = { receptionist: '', dentist: '' };
const consoleErrors: string[] = [];
const today = () => todayIn(TZ);
const nextMonth = () => addMonths(monthOf(today()), 1);
/** Per language: a recall due this month, two next month (one with Dr Chetty), and a patient for the waitlist. */
const people: Record<Lang, { now: string; later: string; chetty: string; waiting: string }> = {
  en: { now: '', later: '', chetty: '', waiting: '' },
  fr: { now: '', later: '', chetty: '', waiting: '' },
};
const names = {
  en: { now: 'Marie Lebon', later: 'Jean Appadoo', chetty: 'Kavi Ramsamy', waiting: 'Sophie Laval' },
  fr: { now: 'Aline Baptiste', later: 'Luc Moutou', chetty: 'Nadia Persand', waiting: 'Hugo Rivet' },
} as const;
let typeId = '';
let ownerId = '';
let dentistId = '';

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  owner = apiAs(app);
  const me = await owner.ok<{ user: { id: string }; memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Curepipe', timeZone: TZ },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  ownerId = me.user.id;
  P = `/practices/${practiceId}`;
  await owner.ok('POST', `${P}/chairs`, { name: 'Chair 1', sortOrder: 0 });
  await owner.ok('POST', `${P}/chairs`, { name: 'Chair 2', sortOrder: 1 });
  const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
  await owner.ok('PUT', `${P}/opening-hours`, { hours: everyDay });
  const type = await owner.ok<{ id: string }>('POST', `${P}/appointment-types`, {
    nameEn: 'Check-up',
    nameFr: 'Contrôle',
    durationMinutes: 30,
    allowedRoles: ['owner', 'dentist'],
    minNoticeMinutes: 0,
  });
  typeId = type.id;
  for (const [person, role, key] of [
    [RECEPTIONIST, 'receptionist', 'receptionist'],
    [DENTIST, 'dentist', 'dentist'],
  ] as const) {
    const invite = await owner.ok<{ acceptUrl: string }>('POST', `${P}/invitations`, { email: person.email, role });
    const member = apiAs(app);
    const joined = await member.ok<{ user: { id: string } }>(
      'POST',
      `/invitations/${invite.acceptUrl.split('/').pop()}/accept`,
      { name: person.name, password: person.password },
    );
    cookies[key] = member.cookie;
    if (key === 'dentist') dentistId = joined.user.id;
  }
  await owner.ok('POST', `${P}/providers`, { userId: ownerId, displayName: 'Dr Ramdin', colour: '#0f766e' });
  await owner.ok('PUT', `${P}/providers/${ownerId}/hours`, { hours: everyDay });
  await owner.ok('POST', `${P}/providers`, { userId: dentistId, displayName: 'Dr Chetty', colour: '#7c3aed' });
  await owner.ok('PUT', `${P}/providers/${dentistId}/hours`, { hours: everyDay });

  const { first } = monthBounds(nextMonth());
  for (const lang of ['en', 'fr'] as const) {
    const make = async (full: string) => {
      const [givenName, familyName] = full.split(' ') as [string, string];
      return (await owner.ok<{ id: string }>('POST', `${P}/patients`, { givenName, familyName })).id;
    };
    const n = names[lang];
    people[lang] = {
      now: await make(n.now),
      later: await make(n.later),
      chetty: await make(n.chetty),
      waiting: await make(n.waiting),
    };
    // Each language books on its own day of next month, so the two never compete for a time.
    const offset = lang === 'en' ? 9 : 11;
    await owner.ok('POST', `${P}/recalls`, {
      patientId: people[lang].now,
      dueDate: today(),
      appointmentTypeId: typeId,
    });
    await owner.ok('POST', `${P}/recalls`, {
      patientId: people[lang].later,
      dueDate: addDays(first, offset),
      appointmentTypeId: typeId,
      providerId: ownerId,
    });
    await owner.ok('POST', `${P}/recalls`, {
      patientId: people[lang].chetty,
      dueDate: addDays(first, offset + 1),
      providerId: dentistId,
    });
  }
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  expect(consoleErrors).toEqual([]);
});

async function pageAs(who: keyof typeof cookies, lang: Lang, width = 1366, height = 768): Promise<Page> {
  const context = await newContext(browser, app, { cookie: cookies[who], locale: WORDS[lang].locale, width, height });
  return watchedPage(context, `recalls-${who}-${lang}`, consoleErrors);
}

const row = (page: Page, name: string) => page.getByRole('row').filter({ has: page.getByRole('rowheader', { name }) });

/**
 * The row's actions are inside the window and inside the table's box (which would otherwise
 * scroll sideways and clip them): nothing the desk needs is cut off.
 */
async function actionsInView(page: Page, rowLocator: ReturnType<Page['locator']>) {
  const width = page.viewportSize()?.width ?? 0;
  const table = await page.locator('.table-wrap').first().boundingBox();
  const buttons = rowLocator.getByRole('button');
  expect(await buttons.count()).toBeGreaterThan(0);
  for (const button of await buttons.all()) {
    const box = await button.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(Math.min(width, table!.x + table!.width));
  }
}

describe.each(['en', 'fr'] as const)('recalls and waitlist (%s)', (lang) => {
  const w = WORDS[lang];
  const n = names[lang];

  it('filters the recall list by month and provider, and books a recall in one step', async () => {
    // English on a laptop, French (the longer words) on a 1024×768 tablet.
    const width = lang === 'en' ? 1366 : 1024;
    const page = await pageAs('receptionist', lang, width, 768);
    await page.goto(new URL(`/app/${practiceId}`, app.baseUrl).toString());
    await page.getByRole('navigation').getByRole('link', { name: w.recalls }).click();
    await page.getByRole('heading', { level: 1, name: w.recalls }).waitFor();

    // Overdue and this month: the recall due today, not next month's.
    await row(page, n.now).waitFor();
    expect(await row(page, n.later).count()).toBe(0);
    expect(await row(page, n.now).getByText(w.never).count()).toBe(1);

    // Next month: both of next month's recalls, not this month's.
    await page.getByLabel(w.due, { exact: true }).selectOption(nextMonth());
    await row(page, n.later).waitFor();
    await row(page, n.chetty).waitFor();
    expect(await row(page, n.now).count()).toBe(0);

    // Dr Chetty's only.
    await page.getByLabel(w.provider, { exact: true }).selectOption({ label: 'Dr Chetty' });
    await row(page, n.later).waitFor({ state: 'detached' });
    expect(await row(page, n.chetty).count()).toBe(1);
    await page.getByLabel(w.provider, { exact: true }).selectOption({ index: 0 });
    await row(page, n.later).waitFor();

    // Book from the list: the dialog opens with the patient and the recall's visit type.
    const bookButton = row(page, n.later).getByRole('button', { name: `${w.book} ${n.later}` });
    await actionsInView(page, row(page, n.later));
    await page.screenshot({ path: path.join(artifactsDir, `recalls-list-${lang}-${width}.png`) });
    await bookButton.click();
    const dialog = page.getByRole('dialog', { name: w.dialog });
    await dialog.getByText(n.later).first().waitFor();
    expect(await dialog.getByRole('combobox', { name: w.patient }).count()).toBe(0);
    const typeSelect = dialog.locator('select').first();
    expect(await typeSelect.inputValue()).toBe(typeId);
    await dialog.getByRole('button', { name: '10:00', exact: true }).click();
    await dialog.getByRole('button', { name: w.submit }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The recall stays in the list, marked booked, and the appointment exists.
    await row(page, n.later).getByText(w.booked, { exact: true }).waitFor();
    expect(
      await row(page, n.later)
        .getByRole('button', { name: `${w.book} ${n.later}` })
        .count(),
    ).toBe(0);
    const booked = await owner.ok<{ items: { patientId: string; status: string }[] }>(
      'GET',
      `${P}/recalls?status=booked&dueBefore=${monthBounds(nextMonth()).last}`,
    );
    expect(booked.items.some((r) => r.patientId === people[lang].later)).toBe(true);
    const appointments = await owner.ok<{ items: { patientId: string; providerId: string }[] }>(
      'GET',
      `${P}/patients/${people[lang].later}/appointments`,
    );
    expect(appointments.items).toHaveLength(1);
    expect(appointments.items[0]!.providerId).toBe(ownerId);
  });

  it('adds a patient to the waitlist, books them from the list and the entry leaves the open list', async () => {
    const page = await pageAs('receptionist', lang, 1024, 768);
    await page.goto(new URL(`/app/${practiceId}/recalls`, app.baseUrl).toString());
    await page.getByRole('navigation').getByRole('link', { name: w.waitlist }).click();
    await page.getByRole('heading', { level: 1, name: w.waitlist }).waitFor();

    await page.getByRole('button', { name: `+ ${w.add}` }).click();
    // The form opens in the patient search, searched as in booking.
    const search = page.getByRole('combobox', { name: w.patient });
    await expect.poll(() => search.evaluate((el) => el === document.activeElement)).toBe(true);
    await search.fill(n.waiting.split(' ')[1]!.slice(0, 4));
    await page.getByRole('option', { name: new RegExp(n.waiting) }).click();
    await page.getByRole('radio', { name: w.mornings }).check();
    const notBefore = addDays(today(), lang === 'en' ? 20 : 22);
    await page.getByLabel(w.notBefore).fill(notBefore);
    await page.getByRole('button', { name: w.add, exact: true }).click();

    const entry = row(page, n.waiting);
    await entry.waitFor();
    expect((await entry.innerText()).toLowerCase()).toContain(w.mornings.toLowerCase());
    const bookButton = entry.getByRole('button', { name: `${w.book} ${n.waiting}` });
    await actionsInView(page, entry);
    await page.screenshot({ path: path.join(artifactsDir, `waitlist-${lang}-1024.png`) });

    await bookButton.click();
    const dialog = page.getByRole('dialog', { name: w.dialog });
    await dialog.getByText(n.waiting).first().waitFor();
    expect(await dialog.locator('input[type="date"]').inputValue()).toBe(notBefore);
    await dialog.getByRole('button', { name: '09:30', exact: true }).click();
    await dialog.getByRole('button', { name: w.submit }).click();
    await dialog.waitFor({ state: 'hidden' });
    await entry.waitFor({ state: 'detached' });

    const open = await owner.ok<{ items: { patientId: string }[] }>('GET', `${P}/waitlist?status=open`);
    expect(open.items.some((e) => e.patientId === people[lang].waiting)).toBe(false);
    const booked = await owner.ok<{ items: { patientId: string }[] }>('GET', `${P}/waitlist?status=booked`);
    expect(booked.items.some((e) => e.patientId === people[lang].waiting)).toBe(true);
  });
});

describe('a dentist', () => {
  it('sees the recall list and the waitlist without the actions', async () => {
    const page = await pageAs('dentist', 'en');
    await page.goto(new URL(`/app/${practiceId}/recalls`, app.baseUrl).toString());
    await row(page, names.en.now).waitFor();
    expect(await page.getByRole('button', { name: new RegExp(`^Book ${names.en.now}`) }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Done/ }).count()).toBe(0);
    await page.goto(new URL(`/app/${practiceId}/waitlist`, app.baseUrl).toString());
    await page.getByRole('heading', { level: 1, name: 'Waitlist' }).waitFor();
    expect(await page.getByRole('button', { name: '+ Add to waitlist' }).count()).toBe(0);
  });
});
