import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/** Duplicate warning and merge, the price list, and editing treatment plan items, as the owner. */

const OWNER = { name: 'Anjali Ramdin', email: 'anjali@records.mu', password: 'correct horse battery' };

let browser: Browser;
let app: RunningApp;
let practiceId = '';
let originalId = '';
const consoleErrors: string[] = [];

let api: ReturnType<typeof apiAs>;
const ok = <T>(method: string, pathname: string, body?: unknown) => api.ok<T>(method, pathname, body);
const P = () => `/practices/${practiceId}`;
const appUrl = (pathname: string) => new URL(`/app/${practiceId}${pathname}`, app.baseUrl).toString();

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  api = apiAs(app);
  const me = await ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Records Dental Curepipe', timeZone: 'Indian/Mauritius' },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  const original = await ok<{ id: string }>('POST', `${P()}/patients`, {
    givenName: 'Marie',
    familyName: 'Lebon',
    phone: '+23057123456',
    dateOfBirth: '1980-04-02',
    email: 'marie@example.mu',
  });
  originalId = original.id;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function newPage(): Promise<Page> {
  return watchedPage(await newContext(browser, app, { cookie: api.cookie }), 'records', consoleErrors);
}

/** The browser logs each refused request; a test may expect the refusals it provokes (by status), and nothing else. */
function expectNoConsoleErrorsBut(...expectedStatuses: string[]) {
  const unexpected = consoleErrors.filter((e) => !expectedStatuses.some((status) => e.includes(`status of ${status}`)));
  consoleErrors.length = 0;
  expect(unexpected).toEqual([]);
}

const patientCount = async () =>
  (await ok<{ items: unknown[] }>('GET', `${P()}/patients?limit=50&includeArchived=true`)).items.length;
/** Money as the page shows it, whatever spaces or separators the locale uses. */
const digits = (text: string) => text.replace(/[^\d]/g, '');

describe('a likely duplicate', () => {
  it('is shown before creating, needs an acknowledgement, and is then merged into the original from the merge screen', async () => {
    const page = await newPage();
    await page.goto(appUrl('/patients'));
    await page.getByRole('button', { name: '+ New patient' }).click();
    await page.getByLabel('Given name').fill('Mary');
    await page.getByLabel('Family name').fill('Lebon-Duval');
    const before = await patientCount();
    // The same number, typed the local way; Create pressed before the pause in typing ends.
    await page.getByLabel('Phone').fill('5712 3456');
    await page.getByRole('button', { name: 'Add patient' }).click({ force: true });

    const warning = page.getByRole('region', { name: 'This may be a patient already on file' });
    await warning.waitFor();
    const match = warning.getByRole('listitem').filter({ hasText: 'Marie Lebon' });
    expect(await match.innerText()).toContain('+230 5712 3456');
    expect(await match.innerText()).toContain('2 Apr 1980');
    const link = match.getByRole('link', { name: /Marie Lebon/ });
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('href')).toBe(`/app/${practiceId}/patients/${originalId}`);
    const create = page.getByRole('button', { name: 'Add patient' });
    expect(await create.isDisabled()).toBe(true);
    expect(await patientCount()).toBe(before);
    await page.screenshot({ path: path.join(artifactsDir, 'records-duplicate-warning.png'), fullPage: true });

    await warning.getByRole('checkbox', { name: 'This is a different person: add a new record anyway' }).check();
    await expect.poll(() => create.isEnabled()).toBe(true);
    await create.click();
    await page.getByRole('heading', { name: 'Mary Lebon-Duval', level: 1 }).waitFor();
    const duplicateUrl = page.url();
    expect(await patientCount()).toBe(before + 1);

    // It was the same person after all: merge this record into the original.
    await page.getByRole('link', { name: 'Merge into another record…' }).click();
    await page.getByRole('heading', { name: 'Merge Mary Lebon-Duval into another record', level: 1 }).waitFor();
    expect(await page.getByText('stays, archived, as a pointer').count()).toBe(1);
    const candidates = page.getByRole('list', { name: 'Likely duplicates' });
    await candidates.getByRole('button', { name: 'Keep this record: Marie Lebon' }).click();
    const compare = page.getByRole('table', { name: /Mary Lebon-Duval \(merged\) beside Marie Lebon \(kept\)/ });
    await compare.waitFor();
    // Keyboard users are taken to what appeared.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Compare the two records');
    const emailRow = compare.getByRole('row', { name: /Email/ });
    expect(await emailRow.innerText()).toMatch(/—\s+marie@example\.mu/);
    await page.screenshot({ path: path.join(artifactsDir, 'records-merge-compare.png'), fullPage: true });

    await page.getByRole('button', { name: 'Merge into Marie Lebon…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge Mary Lebon-Duval into Marie Lebon?' });
    expect(await dialog.innerText()).toContain('cannot be undone');
    await dialog.getByRole('button', { name: 'Merge the records' }).click();
    await page.getByRole('heading', { name: 'Marie Lebon', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/app/${practiceId}/patients/${originalId}`);
    await page.getByRole('status').filter({ hasText: 'Mary Lebon-Duval was merged into Marie Lebon.' }).waitFor();

    // The merged record is only a pointer to the one kept, and cannot be merged again.
    await page.goto(duplicateUrl);
    const notice = page.getByRole('status').filter({ hasText: 'This record was merged into another one' });
    await notice.waitFor();
    expect(await page.getByRole('link', { name: 'Merge into another record…' }).count()).toBe(0);
    await notice.getByRole('link', { name: 'Marie Lebon' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/app/${practiceId}/patients/${originalId}`);
    await page.context().close();
    expectNoConsoleErrorsBut();
  });

  it('shows the refusal of a merge into itself', async () => {
    const page = await newPage();
    await page.goto(appUrl(`/patients/${originalId}/merge`));
    await page.getByLabel('Or find any other patient').fill('Marie Lebon');
    await page.getByRole('option', { name: /Marie Lebon/ }).click();
    await page.getByRole('button', { name: 'Merge into Marie Lebon…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Merge the records' }).click();
    await page.getByRole('alert').filter({ hasText: 'A record cannot be merged into itself' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/app/${practiceId}/patients/${originalId}/merge`);
    await page.context().close();
    expectNoConsoleErrorsBut('422');
  });
});

describe('the price list', () => {
  it('lets the owner add a procedure, with errors beside the fields, and change its fee', async () => {
    const page = await newPage();
    await page.goto(appUrl('/settings'));
    await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('link', { name: 'Price list' }).click();
    await page.getByRole('heading', { name: 'Price list', level: 2, exact: true }).waitFor();
    await page.getByText('The price list is empty.').waitFor();

    await page.getByRole('button', { name: '+ Add procedure' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add procedure' });
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('code');
    await dialog.getByLabel('Code').fill('whiten');
    await dialog.getByLabel('Name in English').fill('Tooth whitening');
    await dialog.getByLabel('Name in French').fill('Blanchiment dentaire');
    await dialog.getByLabel('Fee (Rs)').fill('six thousand');
    await dialog.getByRole('button', { name: 'Add procedure' }).click();
    const fee = dialog.getByLabel('Fee (Rs)');
    await expect.poll(() => fee.getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.getByText('Enter the fee in rupees, e.g. 2500 or 2500.50.').count()).toBe(1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('fee');
    await fee.fill('6 500');
    await dialog.getByRole('button', { name: 'Add procedure' }).click();
    const row = page.getByRole('row', { name: /WHITEN/ });
    await row.waitFor();
    expect(await row.innerText()).toContain('Tooth whitening');
    expect(await row.innerText()).toContain('Blanchiment dentaire');
    expect(digits(await row.getByRole('cell').nth(1).innerText())).toBe('650000');

    // The same code again: the server's refusal is shown at the code.
    await page.getByRole('button', { name: '+ Add procedure' }).click();
    await dialog.getByLabel('Code').fill('WHITEN');
    await dialog.getByLabel('Name in English').fill('Again');
    await dialog.getByLabel('Name in French').fill('Encore');
    await dialog.getByLabel('Fee (Rs)').fill('100');
    await dialog.getByRole('button', { name: 'Add procedure' }).click();
    await dialog.getByText('Another procedure already uses this code.').waitFor();
    expect(await dialog.getByLabel('Code').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // A restoration needs a material; then change the fee.
    await row.getByRole('button', { name: 'Edit WHITEN' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit WHITEN' });
    await edit.getByLabel('Completing it charts').selectOption('restoration');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.getByText('Choose the material.').waitFor();
    await edit.getByLabel('Completing it charts').selectOption('');
    await edit.getByLabel('Fee (Rs)').fill('7000,50');
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await edit.waitFor({ state: 'hidden' });
    await expect.poll(async () => digits(await row.getByRole('cell').nth(1).innerText())).toBe('700050');
    expect((await ok<{ items: { code: string; feeMinor: number }[] }>('GET', `${P()}/price-list`)).items).toEqual([
      expect.objectContaining({ code: 'WHITEN', feeMinor: 700_050 }),
    ]);

    // Deactivate and reactivate; then the defaults join it.
    await row.getByRole('button', { name: 'Deactivate WHITEN' }).click();
    await expect.poll(() => row.innerText()).toContain('Inactive');
    await row.getByRole('button', { name: 'Reactivate WHITEN' }).click();
    await expect.poll(() => row.innerText()).not.toContain('Inactive');
    await page.getByRole('button', { name: 'Add the default procedures' }).click();
    await page.getByRole('row', { name: /COMP-1/ }).waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /default procedures were added/ })
      .waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'records-price-list.png'), fullPage: true });
    await page.context().close();
    expectNoConsoleErrorsBut('409');
  });
});

describe('a treatment plan item', () => {
  it('has its tooth, surfaces and notes edited while planned, and only its phase and notes once accepted', async () => {
    const patient = await ok<{ id: string }>('POST', `${P()}/patients`, {
      givenName: 'Louis',
      familyName: 'Perrine',
      dateOfBirth: '1990-01-01',
    });
    const procedures = await ok<{ items: { id: string; code: string }[] }>('GET', `${P()}/price-list`);
    const composite = procedures.items.find((p) => p.code === 'COMP-1')!;
    const plan = await ok<{ id: string }>('POST', `${P()}/patients/${patient.id}/treatment-plans`, {
      title: 'Fillings',
    });
    await ok('POST', `${P()}/patients/${patient.id}/treatment-plans/${plan.id}/items`, {
      procedureId: composite.id,
      tooth: 36,
      surfaces: 'MO',
    });

    const page = await newPage();
    await page.goto(appUrl(`/patients/${patient.id}/plan`));
    const row = page.getByRole('row', { name: /Composite filling, one surface/ });
    expect(await row.innerText()).toMatch(/36\s+MO/);
    await row.getByRole('button', { name: 'Edit: Composite filling, one surface 36' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit Composite filling, one surface' });
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('.field')?.querySelector('label')?.textContent))
      .toBe('Tooth');
    // A number that is not a tooth is pointed out at the field, not saved as "the whole mouth".
    await dialog.getByLabel('Tooth', { exact: true }).fill('9');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.getByText('That is not a tooth number.', { exact: false }).waitFor();
    expect(await dialog.getByLabel('Tooth', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Tooth', { exact: true }).fill('46');
    // Another tooth: its surfaces start again.
    expect(await dialog.getByRole('checkbox', { name: 'M mesial' }).isChecked()).toBe(false);
    await dialog.getByRole('checkbox', { name: 'O occlusal' }).check();
    await dialog.getByRole('checkbox', { name: 'D distal' }).check();
    await dialog.getByLabel('Notes').fill('Deep lesion: line with glass ionomer first.');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => row.innerText()).toMatch(/46\s+OD/);
    expect(await row.innerText()).toContain('Deep lesion: line with glass ionomer first.');

    // Accepted: the tooth stays; phase and notes still change.
    await row.getByRole('button', { name: /^Accept/ }).click();
    await expect.poll(() => row.innerText()).toContain('Accepted');
    await row.getByRole('button', { name: 'Edit: Composite filling, one surface 46' }).click();
    expect(await dialog.getByLabel('Tooth', { exact: true }).count()).toBe(0);
    await dialog.getByText('The tooth and surfaces can change only while the procedure is planned.').waitFor();
    await dialog.getByLabel('Phase').fill('2');
    await dialog.getByLabel('Notes').fill('Liner placed.');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(() => row.innerText()).toContain('Liner placed.');
    expect((await row.getByRole('cell').first().innerText()).trim()).toBe('2');
    await page.screenshot({ path: path.join(artifactsDir, 'records-plan-item-edited.png'), fullPage: true });
    await page.context().close();
    expectNoConsoleErrorsBut();
  });
});
