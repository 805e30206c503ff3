import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

const TZ = 'Indian/Mauritius';
const OWNER = { name: 'Anjali Ramdin', email: 'anjali@smile.mu', password: 'correct horse battery' };
const RECEPTIONIST = { name: 'Priya Desk', email: 'priya@smile.mu', password: 'another long passphrase' };

let browser: Browser;
let app: RunningApp;
let practiceId = '';
let patientId = '';
const cookies = { owner: '', receptionist: '' };
const consoleErrors: string[] = [];

type Who = keyof typeof cookies;

async function call<T>(
  who: Who,
  method: string,
  pathname: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(new URL(`/api/v1${pathname}`, app.baseUrl), {
    method,
    headers: {
      origin: app.baseUrl,
      cookie: cookies[who],
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const setCookie = response.headers.get('set-cookie');
  if (setCookie) cookies[who] = setCookie.split(';')[0] ?? '';
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function ok<T>(who: Who, method: string, pathname: string, body?: unknown): Promise<T> {
  const result = await call<T>(who, method, pathname, body);
  if (result.status >= 300) throw new Error(`${method} ${pathname} → ${result.status} ${JSON.stringify(result.body)}`);
  return result.body;
}

const P = () => `/practices/${practiceId}`;
const recordUrl = (tab = '') =>
  new URL(`/app/${practiceId}/patients/${patientId}${tab ? `/${tab}` : ''}`, app.baseUrl).toString();

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  const me = await ok<{ memberships: { practiceId: string }[] }>('owner', 'POST', '/setup', {
    practice: { name: 'Smile Dental Port Louis', timeZone: TZ },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  // A receptionist joins through an invitation, as in Settings → Staff.
  const invite = await ok<{ acceptUrl: string }>('owner', 'POST', `${P()}/invitations`, {
    email: RECEPTIONIST.email,
    role: 'receptionist',
  });
  const token = invite.acceptUrl.split('/').pop()!;
  await ok('receptionist', 'POST', `/invitations/${token}/accept`, {
    name: RECEPTIONIST.name,
    password: RECEPTIONIST.password,
  });
  const patient = await ok<{ id: string }>('owner', 'POST', `${P()}/patients`, {
    givenName: 'Marie',
    familyName: 'Lebon',
    phone: '+23057123456',
    dateOfBirth: '1980-04-02',
  });
  patientId = patient.id;
  await ok('owner', 'PUT', `${P()}/patients/${patientId}/alerts`, {
    allergies: ['Penicillin'],
    conditions: ['Type 2 diabetes'],
    medications: ['Metformin'],
  });
  await ok('owner', 'POST', `${P()}/price-list/import-defaults`);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function newPage(who: Who, width = 1180): Promise<Page> {
  // The receptionist's refused clinical request would be a 403; none is expected, since the tab is not requested.
  return watchedPage(await newContext(browser, app, { cookie: cookies[who], width }), 'clinical', consoleErrors);
}

const surface = (page: Page, tooth: number, name: string) =>
  page.getByRole('checkbox', { name: new RegExp(`^Tooth ${tooth}, ${name} surface`) });

describe('patient clinical record', () => {
  it('charts caries, plans and completes a filling, and the chart shows the restoration', async () => {
    const page = await newPage('owner');
    await page.goto(new URL(`/app/${practiceId}/patients`, app.baseUrl).toString());
    await page.getByLabel('Find a patient').fill('Lebon');
    await page.getByRole('link', { name: 'Marie Lebon' }).click();
    await page.getByRole('heading', { name: 'Marie Lebon', level: 1 }).waitFor();
    // Medical alerts are in view before anything else.
    await expect.poll(() => page.getByRole('region', { name: 'Medical alerts' }).innerText()).toContain('Penicillin');

    await page.getByRole('tab', { name: 'Chart' }).click();
    await expect.poll(() => page.url()).toMatch(/\/chart$/);
    await surface(page, 36, 'mesial').click();
    await surface(page, 36, 'occlusal').click();
    await expect.poll(() => surface(page, 36, 'mesial').getAttribute('aria-checked')).toBe('true');
    await page.getByLabel('Finding', { exact: true }).selectOption('caries');
    await page.getByRole('button', { name: 'Add finding', exact: true }).click();
    await expect
      .poll(() => surface(page, 36, 'mesial').getAttribute('aria-label'))
      .toBe('Tooth 36, mesial surface: Caries');
    await expect
      .poll(() => surface(page, 36, 'occlusal').getAttribute('aria-label'))
      .toBe('Tooth 36, occlusal surface: Caries');
    expect(await surface(page, 36, 'distal').getAttribute('aria-label')).toBe('Tooth 36, distal surface');

    // Incisors have an incisal edge, not an occlusal surface.
    expect(await surface(page, 11, 'incisal').count()).toBe(1);
    expect(await surface(page, 11, 'occlusal').count()).toBe(0);

    for (const width of [1180, 768]) {
      await page.setViewportSize({ width, height: 1000 });
      await page.screenshot({ path: path.join(artifactsDir, `clinical-chart-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1180, height: 900 });

    // Plan a composite filling on 36 MO from the price list, accept it, complete it.
    await page.getByRole('tab', { name: 'Treatment plan' }).click();
    await page.getByRole('button', { name: '+ New plan' }).click();
    await page.getByLabel('Plan title').fill('Fillings');
    await page.getByRole('button', { name: 'Create plan' }).click();
    await page.getByRole('heading', { name: /Fillings/ }).waitFor();
    await page.getByRole('button', { name: '+ Add procedure' }).click();
    const procedure = page.getByLabel('Procedure', { exact: true });
    const compositeValue = await procedure.locator('option', { hasText: 'COMP-2' }).getAttribute('value');
    await procedure.selectOption(compositeValue!);
    await page.getByLabel('Tooth', { exact: true }).fill('36');
    await page.getByRole('checkbox', { name: 'M mesial' }).check();
    await page.getByRole('checkbox', { name: 'O occlusal' }).check();
    await page.getByRole('button', { name: 'Add procedure', exact: true }).click();
    const row = page.getByRole('row', { name: /Composite filling, two or more surfaces/ });
    await row.waitFor();
    expect(await row.innerText()).toMatch(/36\s+MO/);
    expect(await row.innerText()).toMatch(/3[\s,.\u202f\u00a0]?500/);
    await row.getByRole('button', { name: /^Accept/ }).click();
    await expect.poll(() => row.innerText()).toContain('Accepted');
    await row.getByRole('button', { name: /^Complete/ }).click();
    await expect.poll(() => row.innerText()).toContain('Completed');

    await page.getByRole('tab', { name: 'Chart' }).click();
    await expect
      .poll(() => surface(page, 36, 'mesial').getAttribute('aria-label'))
      .toBe('Tooth 36, mesial surface: Restoration');
    await expect
      .poll(() => surface(page, 36, 'occlusal').getAttribute('aria-label'))
      .toBe('Tooth 36, occlusal surface: Restoration');
    const findingRow = page.locator('tr[data-finding-tooth="36"]');
    await expect.poll(() => findingRow.innerText()).toContain('Restoration');
    expect(await findingRow.innerText()).toContain('Composite');

    // Notes: draft, sign (with a warning), addendum under the signed original.
    await page.getByRole('tab', { name: 'Notes' }).click();
    await page.getByRole('button', { name: '+ New note' }).click();
    await page
      .getByLabel('Note', { exact: true })
      .fill('36 MO composite placed under local anaesthesia. No complications.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('36 MO composite placed').waitFor();
    await page.getByRole('button', { name: 'Sign', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Sign this note?' });
    expect(await dialog.innerText()).toContain('A signed note cannot be changed');
    await dialog.getByRole('button', { name: 'Sign the note' }).click();
    await page.getByText(/Signed by Anjali Ramdin/).waitFor();
    expect(await page.getByRole('button', { name: 'Edit draft' }).count()).toBe(0);
    await page.getByRole('button', { name: '+ Add addendum' }).click();
    await page
      .getByLabel('Addendum', { exact: true })
      .fill('Patient advised to avoid chewing on the left for 24 hours.');
    await page.getByRole('button', { name: 'Save addendum' }).click();
    const addenda = page.getByRole('list', { name: 'Addenda' });
    await expect.poll(() => addenda.innerText()).toContain('avoid chewing on the left');

    // The owner sees who opened the record.
    await page.getByRole('tab', { name: 'Overview' }).click();
    const log = page.getByRole('region', { name: 'Access log' });
    await expect.poll(() => log.innerText()).toContain('Anjali Ramdin');

    // Keyboard: arrows move along the tablist.
    await page.getByRole('tab', { name: 'Overview' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.url()).toMatch(/\/appointments$/);
    // The URL changes first; the tablist follows on the next render.
    await expect.poll(() => page.getByRole('tab', { name: 'Appointments' }).getAttribute('aria-selected')).toBe('true');
    await page.context().close();
  });

  it('shows a receptionist the demographics and appointments only', async () => {
    const page = await newPage('receptionist');
    await page.goto(recordUrl());
    await page.getByRole('heading', { name: 'Marie Lebon', level: 1 }).waitFor();
    expect(await page.getByRole('tab').allInnerTexts()).toEqual(['Overview', 'Appointments']);
    expect(await page.getByRole('region', { name: 'Medical alerts' }).count()).toBe(0);
    expect(await page.getByText('Penicillin').count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Access log' }).count()).toBe(0);

    await page.goto(recordUrl('chart'));
    await page.getByText('You are not allowed to see this part of the record').waitFor();
    expect(await page.getByRole('checkbox', { name: /^Tooth 36/ }).count()).toBe(0);
    await page.context().close();
    expect(consoleErrors).toEqual([]);
  });
});
