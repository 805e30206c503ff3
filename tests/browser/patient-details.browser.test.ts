import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/** The full patient details form: creating with every detail, editing (phones, address, status), errors beside the fields, in English and French. */

const OWNER = { name: 'Kavita Doorgah', email: 'kavita@details.mu', password: 'correct horse battery' };

let browser: Browser;
let app: RunningApp;
let practiceId = '';
let guardianId = '';
let priyaId = '';
const consoleErrors: string[] = [];

let api: ReturnType<typeof apiAs>;
const ok = <T>(method: string, pathname: string, body?: unknown) => api.ok<T>(method, pathname, body);
const P = () => `/practices/${practiceId}`;
const appUrl = (pathname: string) => new URL(`/app/${practiceId}${pathname}`, app.baseUrl).toString();

interface PatientBody {
  id: string;
  givenName: string;
  preferredName: string;
  dateOfBirth: string | null;
  sex: string;
  phones: { e164: string; label: string; isWhatsApp: boolean }[];
  email: string;
  address: string;
  preferredLanguage: string;
  guardianPatientId: string | null;
  guardianContact: { name: string; phone: string; relationship: string } | null;
  status: string;
}

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  api = apiAs(app);
  const me = await ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Details Dental Rose-Hill', timeZone: 'Indian/Mauritius' },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  const guardian = await ok<{ id: string }>('POST', `${P()}/patients`, {
    givenName: 'Asha',
    familyName: 'Ramsamy',
    phone: '+23057000001',
    dateOfBirth: '1984-06-12',
  });
  guardianId = guardian.id;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function newPage(locale?: string): Promise<Page> {
  return watchedPage(
    await newContext(browser, app, { cookie: api.cookie, ...(locale ? { locale } : {}) }),
    'details',
    consoleErrors,
  );
}

/** The browser logs each refused request; a test may expect the refusals it provokes (by status), and nothing else. */
function expectNoConsoleErrorsBut(...expectedStatuses: string[]) {
  const unexpected = consoleErrors.filter((e) => !expectedStatuses.some((status) => e.includes(`status of ${status}`)));
  consoleErrors.length = 0;
  expect(unexpected).toEqual([]);
}

const focusedName = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('name') ?? null);
const details = (page: Page) => page.getByRole('region', { name: 'Patient details' }).innerText();

describe('a new patient with every detail', () => {
  it('is created from the Patients page with two numbers, email, language and a guardian found by search', async () => {
    const page = await newPage();
    await page.goto(appUrl('/patients'));
    await page.getByRole('button', { name: '+ New patient' }).click();
    // Typing starts at once, in the given name.
    await expect.poll(() => focusedName(page)).toBe('givenName');
    await page.getByLabel('Given name').fill('Priya');
    await page.getByLabel('Family name').fill('Ramsamy');
    await page.getByLabel('Preferred name').fill('Pri');
    await page.getByLabel('Date of birth').fill('2015-03-09');
    await page.getByLabel('Sex').selectOption({ label: 'Female' });

    await page.getByLabel('Phone', { exact: true }).fill('5712 3456');
    await page.getByRole('checkbox', { name: 'WhatsApp', exact: true }).check();
    await page.getByRole('button', { name: '+ Add another number' }).click();
    // The new row's number has the focus; rows are numbered once there are several.
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('.field')?.querySelector('label')?.textContent))
      .toBe('Phone 2');
    await page.keyboard.type('210 1234');
    await page.getByLabel('Type of number 2').selectOption('home');
    expect(await page.getByLabel('Phone 1', { exact: true }).inputValue()).toBe('5712 3456');
    // One WhatsApp number at most: ticking the second unticks the first, and back.
    await page.getByRole('checkbox', { name: 'WhatsApp (number 2)' }).check();
    expect(await page.getByRole('checkbox', { name: 'WhatsApp (number 1)' }).isChecked()).toBe(false);
    await page.getByRole('checkbox', { name: 'WhatsApp (number 1)' }).check();
    expect(await page.getByRole('checkbox', { name: 'WhatsApp (number 2)' }).isChecked()).toBe(false);

    // A third number added by mistake is removed; the focus stays in the list, on the row before.
    await page.getByRole('button', { name: '+ Add another number' }).click();
    await page.getByLabel('Phone 3', { exact: true }).fill('5000 0000');
    await page.getByRole('button', { name: 'Remove number 3' }).click();
    await expect.poll(() => page.getByLabel(/^Phone \d$/).count()).toBe(2);
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value))
      .toBe('210 1234');

    await page.getByLabel('Email').fill('Priya@Example.mu');
    await page.getByLabel('Preferred language').selectOption({ label: 'French' });
    await page.getByRole('radio', { name: 'A patient of the practice' }).check();
    await page.getByLabel('Guardian (find the patient)').fill('Asha');
    await page.getByRole('option', { name: /Asha Ramsamy/ }).click();
    await page.getByRole('group', { name: 'Guardian (find the patient)' }).getByText('Asha Ramsamy').waitFor();
    await page.getByLabel('Administrative notes').fill('Comes after school, from 3 pm.');
    await page.screenshot({ path: path.join(artifactsDir, 'details-new-patient-form.png'), fullPage: true });

    await page.getByRole('button', { name: 'Add patient' }).click();
    await page.getByRole('heading', { name: 'Priya Ramsamy', level: 1, exact: true }).waitFor();
    priyaId = new URL(page.url()).pathname.split('/').at(-1)!;
    await page.getByRole('status').filter({ hasText: 'Priya Ramsamy was added.' }).waitFor();

    const saved = await ok<PatientBody>('GET', `${P()}/patients/${priyaId}`);
    expect(saved).toMatchObject({
      preferredName: 'Pri',
      dateOfBirth: '2015-03-09',
      sex: 'female',
      phones: [
        { e164: '+23057123456', label: 'mobile', isWhatsApp: true },
        { e164: '+2302101234', label: 'home', isWhatsApp: false },
      ],
      email: 'priya@example.mu',
      preferredLanguage: 'fr',
      guardianPatientId: guardianId,
      guardianContact: null,
      status: 'active',
    });

    // The overview shows it all, the guardian by name.
    const text = await details(page);
    expect(text).toContain('known as: Pri');
    // Dates and numbers as people read them, not as stored.
    expect(text).toMatch(/9 Mar 2015 · \d+ years old/);
    expect(text).toContain('Female');
    expect(text).toMatch(/\+230 5712 3456\s+mobile · WhatsApp/);
    expect(text).toMatch(/\+230 210 1234\s+home/);
    expect(text).toContain('priya@example.mu');
    expect(text).toContain('French');
    expect(text).toContain('Comes after school, from 3 pm.');
    const guardianLink = page
      .getByRole('region', { name: 'Patient details' })
      .getByRole('link', { name: 'Asha Ramsamy' });
    expect(await guardianLink.getAttribute('href')).toBe(`/app/${practiceId}/patients/${guardianId}`);
    await page.screenshot({ path: path.join(artifactsDir, 'details-overview-created.png'), fullPage: true });
    await page.context().close();
    expectNoConsoleErrorsBut();
  });
});

describe('editing a patient', () => {
  it('changes a phone, adds an address and archives the record; the overview, the search and the audit trail follow', async () => {
    const page = await newPage();
    await page.goto(appUrl(`/patients/${priyaId}`));
    await page.getByRole('link', { name: 'Edit details' }).click();
    await page.getByRole('heading', { name: 'Edit details: Priya Ramsamy', level: 1 }).waitFor();
    // Loaded as on file.
    expect(await page.getByLabel('Phone 1', { exact: true }).inputValue()).toBe('+23057123456');
    expect(await page.getByLabel('Phone 2', { exact: true }).inputValue()).toBe('+2302101234');
    expect(await page.getByLabel('Type of number 2').inputValue()).toBe('home');
    expect(await page.getByRole('checkbox', { name: 'WhatsApp (number 1)' }).isChecked()).toBe(true);
    expect(await page.getByLabel('Preferred language').inputValue()).toBe('fr');
    expect(await page.getByRole('group', { name: 'Guardian (find the patient)' }).innerText()).toContain(
      'Asha Ramsamy',
    );
    expect(await page.getByRole('radio', { name: 'Active' }).isChecked()).toBe(true);

    await page.getByLabel('Phone 2', { exact: true }).fill('5999 1234');
    await page.getByLabel('Type of number 2').selectOption('work');
    await page.getByLabel('Address').fill('12 Royal Road\nRose-Hill');
    await page.getByRole('radio', { name: /Archived/ }).check();
    await page.screenshot({ path: path.join(artifactsDir, 'details-edit-form.png'), fullPage: true });
    await page.getByRole('button', { name: 'Save changes' }).click();

    await page.getByRole('heading', { name: 'Priya Ramsamy', level: 1, exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/app/${practiceId}/patients/${priyaId}`);
    await page.getByRole('status').filter({ hasText: "Priya Ramsamy's details were saved." }).waitFor();
    // Archived is said at the top of every tab, not only in the details.
    await page.locator('.record-head').getByText('Archived', { exact: true }).waitFor();
    await page.getByRole('status').filter({ hasText: 'This record is archived' }).waitFor();
    await expect.poll(() => details(page)).toMatch(/\+230 5999 1234\s+work/);
    const text = await details(page);
    expect(text).toMatch(/\+230 5712 3456\s+mobile · WhatsApp/);
    expect(text).toContain('12 Royal Road\nRose-Hill');
    expect(text).toContain('Archived');
    await page.screenshot({ path: path.join(artifactsDir, 'details-overview-archived.png'), fullPage: true });

    // Only what changed was sent: the audit trail names those fields.
    const audit = await ok<{ items: { targetId: string; changes: { fields?: string[] } }[] }>(
      'GET',
      `${P()}/audit-events?action=patient.updated&targetId=${priyaId}`,
    );
    expect(audit.items[0]!.changes.fields?.sort()).toEqual(['address', 'phones', 'status']);

    // Archived patients are left out of searches unless asked for.
    await page.getByRole('link', { name: '← Patients' }).click();
    await page.getByLabel('Find a patient').fill('Priya');
    await page.getByText('No patient matches.').waitFor();
    await page.getByRole('checkbox', { name: 'Include archived patients' }).check();
    const row = page.getByRole('row', { name: /Priya Ramsamy/ });
    await row.waitFor();
    expect(await row.innerText()).toContain('Archived');

    // And made active again.
    await row.getByRole('link', { name: 'Priya Ramsamy' }).click();
    await page.getByRole('link', { name: 'Edit details' }).click();
    await page.getByRole('radio', { name: /Active/ }).check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Priya Ramsamy', level: 1, exact: true }).waitFor();
    await expect.poll(() => page.locator('.patient-status-notice').count()).toBe(0);
    expect((await ok<PatientBody>('GET', `${P()}/patients/${priyaId}`)).status).toBe('active');
    await page.context().close();
    expectNoConsoleErrorsBut();
  });

  it("shows the server's refusals beside the fields: an invalid number and a guardian contact's number", async () => {
    const page = await newPage();
    await page.goto(appUrl(`/patients/${priyaId}/edit`));
    await page.getByRole('heading', { name: 'Edit details: Priya Ramsamy', level: 1 }).waitFor();
    // Looks like a number, so only the server can tell it is not one.
    await page.getByLabel('Phone 2', { exact: true }).fill('123');
    await page.getByRole('radio', { name: 'Someone else' }).check();
    await page.getByLabel("Guardian's name").fill('Asha Ramsamy');
    await page.getByLabel("Guardian's phone").fill('999');
    await page.getByLabel('Relationship').fill('mother');
    await page.getByRole('button', { name: 'Save changes' }).click();

    const phone = page.getByLabel('Phone 2', { exact: true });
    await expect.poll(() => phone.getAttribute('aria-invalid')).toBe('true');
    const phoneField = page.locator('.field').filter({ has: phone });
    expect(await phoneField.locator('.field-error').innerText()).toBe(
      'Enter a valid phone number, e.g. +230 5712 3456 or 5712 3456.',
    );
    // The message is the field's description, and the focus is taken to the first field in error.
    expect(
      await phone.evaluate((el) =>
        (el.getAttribute('aria-describedby') ?? '')
          .split(' ')
          .map((id) => document.getElementById(id)?.textContent)
          .join(' | '),
      ),
    ).toContain('Enter a valid phone number');
    await expect.poll(() => focusedName(page)).toMatch(/^phone-\d+$/);
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value))
      .toBe('123');
    const guardianPhone = page.getByLabel("Guardian's phone");
    expect(await guardianPhone.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('.field').filter({ has: guardianPhone }).locator('.field-error').innerText()).toContain(
      'Enter a valid phone number',
    );
    // The other numbers are not accused.
    expect(await page.getByLabel('Phone 1', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    await page.getByRole('alert').filter({ hasText: 'Some details are not valid' }).waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'details-field-errors.png'), fullPage: true });
    expect((await ok<PatientBody>('GET', `${P()}/patients/${priyaId}`)).phones[1]!.e164).toBe('+23059991234');

    // Corrected: saved, and the contact replaces the guardian patient.
    await phone.fill('5999 1234');
    await guardianPhone.fill('5700 0001');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('heading', { name: 'Priya Ramsamy', level: 1, exact: true }).waitFor();
    await expect.poll(() => details(page)).toMatch(/Asha Ramsamy \(mother\) · \+230 5700 0001/);
    expect(await ok<PatientBody>('GET', `${P()}/patients/${priyaId}`)).toMatchObject({
      guardianPatientId: null,
      guardianContact: { name: 'Asha Ramsamy', phone: '+23057000001', relationship: 'mother' },
    });
    await page.context().close();
    expectNoConsoleErrorsBut('400');
  });

  it('checks in French, before sending, what it can: names required, a birth date not in the future', async () => {
    const page = await newPage('fr-FR');
    await page.goto(appUrl(`/patients/${priyaId}/edit`));
    await page.getByRole('heading', { name: 'Modifier les informations : Priya Ramsamy', level: 1 }).waitFor();
    await page.getByLabel('Prénom', { exact: true }).fill('');
    await page.getByLabel('Date de naissance').fill('2099-01-01');
    await page.getByLabel('Téléphone 2', { exact: true }).fill('abc');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.getByText('Corrigez les 3 champs signalés.').waitFor();
    expect(
      await page
        .locator('.field')
        .filter({ has: page.getByLabel('Prénom', { exact: true }) })
        .locator('.field-error')
        .innerText(),
    ).toBe('Ce champ est obligatoire.');
    expect(await page.getByText('La date de naissance ne peut pas être dans le futur.').count()).toBe(1);
    expect(await page.getByText('Saisissez un numéro valide, p. ex. +230 5712 3456 ou 5712 3456.').count()).toBe(1);
    expect(await focusedName(page)).toBe('givenName');
    // Server refusal in French too: an invalid number beside its field.
    await page.getByLabel('Prénom', { exact: true }).fill('Priya');
    await page.getByLabel('Date de naissance').fill('2015-03-09');
    await page.getByLabel('Téléphone 2', { exact: true }).fill('+230 12');
    await page.getByRole('button', { name: 'Enregistrer les modifications' }).click();
    await page.getByText('Saisissez un numéro valide, p. ex. +230 5712 3456 ou 5712 3456.').waitFor();
    expect(await page.getByLabel('Téléphone 2', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Annuler' }).click();
    await page.getByRole('heading', { name: 'Priya Ramsamy', level: 1, exact: true }).waitFor();
    // The record in French: the birth date in French words, the number spaced.
    expect(await page.getByRole('region', { name: 'Informations du patient' }).innerText()).toMatch(
      /9 mars 2015 · \d+ ans[\s\S]*\+230 5712 3456/,
    );
    expect((await ok<PatientBody>('GET', `${P()}/patients/${priyaId}`)).givenName).toBe('Priya');
    await page.context().close();
    expectNoConsoleErrorsBut('400');
  });
});

describe("the owner's access log", () => {
  it('names every clinical action in words, not as a code', async () => {
    const plan = await ok<{ id: string }>('POST', `${P()}/patients/${priyaId}/treatment-plans`, { title: 'Check-up' });
    await ok('PATCH', `${P()}/patients/${priyaId}/treatment-plans/${plan.id}`, { title: 'Check-up and cleaning' });
    await ok('PUT', `${P()}/patients/${priyaId}/alerts`, { allergies: ['Penicillin'] });
    const page = await newPage();
    await page.goto(appUrl(`/patients/${priyaId}`));
    const log = page.getByRole('region', { name: 'Access log' });
    await log.getByRole('cell', { name: 'Created a treatment plan' }).waitFor();
    await log.getByRole('cell', { name: 'Changed a treatment plan' }).waitFor();
    await log.getByRole('cell', { name: 'Changed the medical alerts' }).waitFor();
    expect(await log.getByRole('cell', { name: /^clinical\./ }).count()).toBe(0);
    await page.context().close();
    expectNoConsoleErrorsBut();
  });

  it('and the audit trail names patient and clinical actions, the patient and the changes in words, in English and French', async () => {
    const page = await newPage();
    await page.goto(appUrl('/audit'));
    await page.getByRole('heading', { name: 'Audit trail', level: 1 }).waitFor();
    const table = page.locator('table.audit-table');
    const patientEdits = table
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: /^Patient details changed/ }) });
    await patientEdits.first().waitFor();
    // The patient by name, a link to their record; what changed as field names, not JSON.
    const priyaLink = patientEdits.first().getByRole('link', { name: 'Priya Ramsamy', exact: true });
    expect(await priyaLink.getAttribute('href')).toBe(`/app/${practiceId}/patients/${priyaId}`);
    expect(await patientEdits.first().innerText()).toMatch(/Changed:.*(Phone numbers|Address|Status|Guardian)/);
    expect(await patientEdits.allInnerTexts()).toContainEqual(expect.stringMatching(/Changed: .*Address/));
    expect(
      await table
        .locator('td')
        .filter({ hasText: /[{}]|"fields"/ })
        .count(),
    ).toBe(0);
    expect(await table.getByText(/^[0-9a-f]{8}…$/).count()).toBe(0);
    await page.screenshot({ path: path.join(artifactsDir, 'details-audit-trail.png'), fullPage: true });

    // Filtered to one action (grouped by area), then to the patient: only Priya's edits remain.
    await page.getByLabel('Action', { exact: true }).selectOption({ label: 'Patient details changed' });
    await page.getByLabel('About the patient').fill('Priya');
    await page.getByRole('option', { name: /Priya Ramsamy/ }).click();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => table.getByRole('cell', { name: /^Patient created/ }).count()).toBe(0);
    await patientEdits.first().waitFor();
    const targets = await table.locator('tbody tr td:nth-child(3)').allInnerTexts();
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.every((text) => text.includes('Priya Ramsamy'))).toBe(true);
    await page.context().close();

    const fr = await newPage('fr-FR');
    await fr.goto(appUrl('/audit'));
    await fr.getByRole('heading', { name: "Journal d'audit", level: 1 }).waitFor();
    await fr
      .getByRole('cell', { name: /^Coordonnées du patient modifiées/ })
      .first()
      .waitFor();
    await fr
      .getByRole('cell', { name: /^Plan de traitement créé/ })
      .first()
      .waitFor();
    await fr
      .getByRole('cell', { name: /^Alertes médicales modifiées/ })
      .first()
      .waitFor();
    expect(await fr.getByRole('cell', { name: /^(patient|clinical)\./ }).count()).toBe(0);
    const frEdit = fr
      .getByRole('row')
      .filter({ has: fr.getByRole('cell', { name: /^Coordonnées du patient modifiées/ }) })
      .first();
    expect(await frEdit.getByRole('link', { name: 'Priya Ramsamy', exact: true }).getAttribute('href')).toBe(
      `/app/${practiceId}/patients/${priyaId}`,
    );
    expect(await frEdit.innerText()).toMatch(/Patient\s+Priya Ramsamy/);
    expect(await frEdit.innerText()).toMatch(/Modifié :/);
    // A clinical event names the part of the record opened, never its content.
    const opened = fr
      .getByRole('row')
      .filter({ has: fr.getByRole('cell', { name: /^Plan de traitement créé/ }) })
      .first();
    expect(await opened.getByRole('link', { name: 'Priya Ramsamy', exact: true }).count()).toBe(1);
    // A whole area at once: every patient action, no clinical one.
    await fr.getByLabel('Action', { exact: true }).selectOption({ label: 'Tout : Patients' });
    await fr.getByRole('button', { name: 'Appliquer les filtres' }).click();
    await expect.poll(() => fr.getByRole('cell', { name: /^Plan de traitement créé/ }).count()).toBe(0);
    await fr
      .getByRole('cell', { name: /^Patient créé/ })
      .first()
      .waitFor();
    await fr
      .getByRole('cell', { name: /^Coordonnées du patient modifiées/ })
      .first()
      .waitFor();
    await fr.context().close();
    expectNoConsoleErrorsBut();
  });
});
