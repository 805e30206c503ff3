import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningApp,
  artifactsDir,
  launchBrowser,
  newContext,
  practiceWithMember,
  startApp,
  watchedPage,
} from './harness.js';

/**
 * Issue 14, the consent ledger on the patient page: the state per channel and purpose, a
 * withdrawal recorded by keyboard with the words read to the patient, the history with those words
 * in a disclosure; a dentist sees the block without the buttons; French; readable at 1024×768.
 */

const OWNER = { name: 'Anjali Ramdin', email: 'anjali@consent.mu', password: 'correct horse battery' };
const DENTIST = { name: 'Dev Chetty', email: 'dev@consent.mu', password: 'yet another passphrase' };

let browser: Browser;
let app: RunningApp;
let practiceId = '';
let patientId = '';
const cookies = { owner: '', dentist: '' };
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  const scene = await practiceWithMember(app, {
    practiceName: 'Smile Dental Rose Hill',
    owner: OWNER,
    member: { ...DENTIST, role: 'dentist' },
  });
  const api = scene.owner;
  practiceId = scene.practiceId;
  const P = `/practices/${practiceId}`;
  patientId = (
    await api.ok<{ id: string }>('POST', `${P}/patients`, {
      givenName: 'Marie',
      familyName: 'Lebon',
      phone: '+23057123456',
      preferredLanguage: 'fr',
    })
  ).id;
  cookies.owner = api.cookie;
  cookies.dentist = scene.member.cookie;
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  expect(consoleErrors).toEqual([]);
});

async function patientPage(who: keyof typeof cookies, locale = 'en-GB'): Promise<Page> {
  const context = await newContext(browser, app, { cookie: cookies[who], locale, width: 1024, height: 768 });
  const page = await watchedPage(context, `consent-${who}`, consoleErrors);
  await page.goto(new URL(`/app/${practiceId}/patients/${patientId}`, app.baseUrl).toString());
  await page
    .getByRole('heading', {
      name: locale.startsWith('fr') ? 'Consentement à être contacté' : 'Consent to be contacted',
    })
    .waitFor();
  return page;
}

describe('consent on the patient page', () => {
  it('the owner records a withdrawal by keyboard with the words read, and the history keeps them', async () => {
    const page = await patientPage('owner');
    const table = page.getByRole('table', { name: 'Consent by channel and purpose' });
    const row = table.getByRole('row', { name: /WhatsApp Appointment reminders and confirmations/ });
    await row.getByText('Allowed', { exact: true }).waitFor();
    const button = page.getByRole('button', {
      name: 'Record withdrawal: WhatsApp — Appointment reminders and confirmations',
    });
    await button.focus();
    await page.keyboard.press('Enter');
    const words = page.getByLabel('Words read to the patient');
    // The patient reads French: the suggested words are French, and take the focus.
    await expect.poll(() => words.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await words.inputValue()).toContain('ne vous enverra plus');
    await words.fill('Vous ne recevrez plus nos rappels de rendez-vous sur WhatsApp.');
    await page.getByRole('button', { name: 'Save the withdrawal' }).click();
    await row.getByText('Not allowed', { exact: true }).waitFor();
    // The focus comes back to the row's button, which now offers the agreement.
    const again = page.getByRole('button', {
      name: 'Record agreement: WhatsApp — Appointment reminders and confirmations',
    });
    await expect.poll(() => again.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByText('History (1 entry)').click();
    await page.getByText('Show the words').click();
    await page.getByText('Vous ne recevrez plus nos rappels de rendez-vous sur WhatsApp.').waitFor();
    await page.getByRole('cell', { name: 'At the desk' }).waitFor();
    await page
      .getByRole('region', { name: 'Consent to be contacted' })
      .getByRole('cell', { name: OWNER.name })
      .waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'consent-owner.png'), fullPage: true });
  });

  it('a dentist sees the state in French, without the buttons', async () => {
    const page = await patientPage('dentist', 'fr-FR');
    await page.getByText('Non permis', { exact: true }).first().waitFor();
    expect(await page.getByRole('button', { name: /Enregistrer le retrait|Enregistrer l'accord/ }).count()).toBe(0);
  });
});
