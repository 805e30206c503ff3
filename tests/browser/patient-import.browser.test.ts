import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

const OWNER = { name: 'Anjali Ramdin', email: 'anjali@import.mu', password: 'correct horse battery' };

let browser: Browser;
let app: RunningApp;
let practiceId = '';
const consoleErrors: string[] = [];

let api: ReturnType<typeof apiAs>;
const ok = <T>(method: string, pathname: string, body?: unknown) => api.ok<T>(method, pathname, body);

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  api = apiAs(app);
  const me = await ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Import Dental Rose-Hill', timeZone: 'Indian/Mauritius' },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  // Already a patient: the file's copy of her is rejected as a duplicate.
  await ok('POST', `/practices/${practiceId}/patients`, {
    givenName: 'Marie',
    familyName: 'Lebon',
    phone: '+23057123456',
    dateOfBirth: '1980-04-02',
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function newPage(): Promise<Page> {
  return watchedPage(await newContext(browser, app, { cookie: api.cookie }), 'import', consoleErrors);
}

/** An export from another system: French headers, semicolons, day-first dates, one broken row, one known patient. */
const CSV = [
  'Nom;Prénom;Date de naissance;Sexe;Portable;Code',
  'Ramgoolam;Ravi;02/01/1970;M;5712 0001;A1',
  'Seetohul;Priya;14/03/1985;F;5712 0002;A2',
  'Joomun;Aisha;05/05/1995;F;12;A3',
  'Lebon;Marie;02/04/1980;F;5712 3456;A4',
  'Perrine;Louis;;H;5712 0005;A5',
].join('\r\n');

describe('importing patients from Settings → Import', () => {
  it('checks the file, shows the mapping and the rejected rows, imports the rest with a progress bar, and the patients are in the list', async () => {
    const page = await newPage();
    await page.goto(new URL(`/app/${practiceId}/patients`, app.baseUrl).toString());
    await page.getByRole('link', { name: 'Import patients' }).click();
    await page.getByRole('heading', { name: '1. Choose the file' }).waitFor();
    expect(
      await page
        .getByRole('navigation', { name: 'Settings sections' })
        .getByRole('link', { name: 'Import' })
        .getAttribute('aria-current'),
    ).toBe('page');

    await page.getByLabel('CSV file').setInputFiles({
      name: 'export-ancien-logiciel.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`\uFEFF${CSV}`, 'utf8'),
    });
    await page.getByRole('button', { name: 'Check the file' }).click();

    // Columns matched by their French names; the code column is left out.
    await page.getByRole('heading', { name: '2. Match the columns' }).waitFor();
    expect(await page.getByLabel('Field for the column Nom').inputValue()).toBe('familyName');
    expect(await page.getByLabel('Field for the column Prénom').inputValue()).toBe('givenName');
    expect(await page.getByLabel('Field for the column Date de naissance').inputValue()).toBe('dateOfBirth');
    expect(await page.getByLabel('Field for the column Portable').inputValue()).toBe('phone');
    expect(await page.getByLabel('Field for the column Code').inputValue()).toBe('ignore');
    expect(await page.getByRole('row', { name: /Prénom/ }).innerText()).toContain('Ravi · Priya · Aisha');

    // The report: 3 ready, 2 rejected (a bad phone; Marie Lebon already on file).
    const summary = page.locator('.import-summary');
    await expect.poll(() => summary.innerText()).toMatch(/Rows in the file\s+5\s+Ready to import\s+3\s+Rejected\s+2/);
    const rejected = page.locator('table.import-problems');
    expect(await rejected.getByRole('row', { name: /^4 / }).innerText()).toMatch(
      /Portable\s+12\s+Not a valid phone number/,
    );
    expect(await rejected.getByRole('row', { name: /^5 / }).innerText()).toContain('Already a patient: Marie Lebon');

    // The rejected rows as a file to correct: the original columns, then the row number and reasons.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download rejected rows (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('export-ancien-logiciel-rejected.csv');
    const bytes = await readFile((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('Nom;Prénom;Date de naissance;Sexe;Portable;Code;Import problems (row: reasons)');
    expect(lines[1]).toBe(
      'Joomun;Aisha;05/05/1995;F;12;A3;"Row 4: phone_invalid (Portable): ""12"" is not a valid phone number (e.g. 5712 3456 or +230 5712 3456)"',
    );
    expect(lines[2]).toMatch(
      /^Lebon;Marie;02\/04\/1980;F;5712 3456;A4;Row 5: duplicate_on_file: Marie Lebon is already a patient/,
    );
    expect(lines.slice(3)).toEqual(['']);

    // All or nothing: the import waits until the rejected rows are left out.
    const importButton = page.getByRole('button', { name: 'Import 3 patients' });
    expect(await importButton.isDisabled()).toBe(true);
    await page.getByLabel('Leave out the 2 rejected rows and import the others').check();
    await page.screenshot({ path: path.join(artifactsDir, 'patient-import-report.png'), fullPage: true });
    await importButton.click();

    const bar = page.getByRole('progressbar');
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('100');
    await page.getByText('3 patients imported.').waitFor();
    expect(await page.getByText('2 rejected rows were left out.').count()).toBe(1);
    // Still offered once the others are in, for the rows left out.
    await page.getByRole('button', { name: 'Download rejected rows (CSV)' }).waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'patient-import-done.png'), fullPage: true });

    await page.getByRole('link', { name: 'Open the patient list' }).click();
    await page.getByLabel('Find a patient').waitFor();
    const names = page.locator('tbody th');
    await expect
      .poll(async () => (await names.allInnerTexts()).sort())
      .toEqual(['Louis Perrine', 'Marie Lebon', 'Priya Seetohul', 'Ravi Ramgoolam']);
    await page.getByLabel('Find a patient').fill('0002');
    await expect.poll(() => names.allInnerTexts()).toEqual(['Priya Seetohul']);
    expect(consoleErrors).toEqual([]);
  });

  it('moves the progress bar through a large file', async () => {
    const rows = Array.from(
      { length: 15_000 },
      (_, i) => `Famille${i % 500};Patient${i};01/01/${1940 + (i % 80)};5${String(8_000_000 + i)}`,
    );
    const page = await newPage();
    await page.goto(new URL(`/app/${practiceId}/settings/import`, app.baseUrl).toString());
    await page.getByLabel('CSV file').setInputFiles({
      name: 'large.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(['Nom;Prénom;Né le;Tél', ...rows].join('\n')),
    });
    await page.getByRole('button', { name: 'Check the file' }).click();
    const importButton = page.getByRole('button', { name: 'Import 15,000 patients' });
    await importButton.waitFor();
    // Every value the bar shows while the import runs.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenProgress: string[] }).seenProgress = seen;
      new MutationObserver(() => {
        const value = document.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow');
        if (value && seen.at(-1) !== value) seen.push(value);
      }).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['aria-valuenow'],
      });
    });
    await importButton.click();
    await page.getByText('15,000 patients imported.').waitFor({ timeout: 60_000 });
    const seen = (await page.evaluate(() => (window as unknown as { seenProgress: string[] }).seenProgress)).map(
      Number,
    );
    expect(seen.some((v) => v > 0 && v < 100)).toBe(true);
    expect(seen.at(-1)).toBe(100);
  });

  it('speaks French, and refuses a file in another encoding with a clear message', async () => {
    const page = await newPage();
    await page.addInitScript(() => localStorage.setItem('dentalpro.language', 'fr'));
    await page.goto(new URL(`/app/${practiceId}/settings/import`, app.baseUrl).toString());
    await page.getByRole('heading', { name: '1. Choisir le fichier' }).waitFor();
    await page.getByLabel('Fichier CSV').setInputFiles({
      name: 'latin1.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Nom;Prénom\nBégué;Hélène\n', 'latin1'),
    });
    await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
    await page.getByText('Le fichier n’est pas dans l’encodage choisi.').waitFor();
    await page.getByLabel('Encodage du texte').selectOption('windows-1252');
    await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
    await page.getByText('La ligne est prête à être importée.').waitFor();
    expect(await page.getByRole('row', { name: /Prénom/ }).innerText()).toContain('Hélène');
  });
});
