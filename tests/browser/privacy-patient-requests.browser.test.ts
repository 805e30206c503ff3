import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, launchBrowser, newContext, practiceWithMember, startApp, watchedPage } from './harness.js';

/**
 * Issue 14 on the patient's page: whoever records privacy requests sees the patient's own
 * requests (kind, state, due date flagged in words, a link to each) and records one with the
 * patient filled in (English); a dentist sees no such block. An owner sets the time to answer in
 * Privacy → Time to answer (French). At 1366×768.
 */

const OWNER = { name: 'Priya Owner', email: 'priya@patient-requests.mu', password: 'correct horse battery' };
const DENTIST = { name: 'Dr Jean Dentist', email: 'jean@patient-requests.mu', password: 'another long passphrase' };

let browser: Browser;
let app: RunningApp;
let practiceId = '';
let aishaId = '';
const cookies = { owner: '', dentist: '' };
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp({ readyTimeoutMs: 180_000 });
  const scene = await practiceWithMember(app, {
    practiceName: 'Clinique Patients',
    owner: OWNER,
    member: { ...DENTIST, role: 'dentist' },
  });
  const { owner } = scene;
  practiceId = scene.practiceId;
  const P = `/practices/${practiceId}`;
  const marie = await owner.ok<{ id: string }>('POST', `${P}/patients`, {
    givenName: 'Marie',
    familyName: 'Lebon',
    phones: [],
  });
  const aisha = await owner.ok<{ id: string }>('POST', `${P}/patients`, {
    givenName: 'Aisha',
    familyName: 'Joomun',
    phones: [],
  });
  aishaId = aisha.id;
  // Aisha's correction, received by email six weeks ago: overdue. Marie's request is hers alone.
  await owner.ok('POST', `${P}/privacy/requests`, {
    patientId: aisha.id,
    type: 'correction',
    source: 'email',
    receivedAt: new Date(Date.now() - 42 * 86_400_000).toISOString(),
    proposedChange: { field: 'Address', proposedValue: '3 Royal Road, Curepipe' },
  });
  await owner.ok('POST', `${P}/privacy/requests`, { patientId: marie.id, type: 'deletion', source: 'staff' });
  cookies.owner = owner.cookie;
  cookies.dentist = scene.member.cookie;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  expect(consoleErrors).toEqual([]);
});

async function pageAs(who: keyof typeof cookies, locale = 'en-GB'): Promise<Page> {
  const context = await newContext(browser, app, { cookie: cookies[who], locale, width: 1366, height: 768 });
  return watchedPage(context, `patient-requests-${who}-${locale}`, consoleErrors);
}
const url = (p: string) => new URL(`/app/${practiceId}${p}`, app.baseUrl).toString();

describe("a patient's privacy requests", () => {
  it("lists the patient's own requests with the overdue one flagged, and records one with the patient filled in (English)", async () => {
    const page = await pageAs('owner');
    await page.goto(url(`/patients/${aishaId}`));
    await page.getByRole('heading', { name: 'Aisha Joomun', level: 1 }).waitFor();
    const block = page.getByRole('region', { name: 'Privacy requests' });
    await block.waitFor();
    const table = block.getByRole('table', { name: 'Privacy requests of Aisha Joomun' });
    await table.waitFor();
    const rows = table.getByRole('row');
    // The header and Aisha's correction; Marie's deletion is not hers.
    await expect(rows.count()).resolves.toBe(2);
    const correction = rows.filter({ has: page.getByRole('link', { name: 'Correction' }) });
    await expect(correction.textContent()).resolves.toMatch(/Received.*overdue/);
    await expect(block.getByText('Deletion').count()).resolves.toBe(0);

    // Record a request: the dialog already names Aisha; the keyboard reaches the type and the button.
    await block.getByRole('button', { name: 'Record a request' }).click();
    const dialog = page.getByRole('dialog', { name: 'Record a privacy request' });
    await dialog.getByText('Aisha Joomun').waitFor();
    await dialog.getByLabel('Request').selectOption('restriction');
    await dialog.getByRole('button', { name: 'Record the request' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Restriction or objection — Aisha Joomun', level: 1 }).waitFor();

    // Back on her page: two requests now, each a link to its page, the overdue one first.
    await page.goto(url(`/patients/${aishaId}`));
    const links = page.getByRole('region', { name: 'Privacy requests' }).getByRole('table').getByRole('link');
    await links.nth(1).waitFor();
    await expect(links.allTextContents()).resolves.toEqual(['Correction', 'Restriction or objection']);
    await links.first().click();
    await page.getByRole('heading', { name: 'Correction — Aisha Joomun', level: 1 }).waitFor();
    await page.close();
  });

  it('a dentist, who does not record privacy requests, sees no such block', async () => {
    const page = await pageAs('dentist');
    await page.goto(url(`/patients/${aishaId}`));
    await page.getByRole('heading', { name: 'Aisha Joomun', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Consent to be contacted' }).waitFor();
    await expect(page.getByRole('region', { name: 'Privacy requests' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Record a request' }).count()).resolves.toBe(0);
    await page.close();
  });

  it('the owner sets two months to answer, with the note that one is what the law asks (French)', async () => {
    const page = await pageAs('owner', 'fr-FR');
    await page.goto(url('/privacy'));
    await page
      .getByRole('navigation', { name: 'Rubriques de la confidentialité' })
      .getByRole('link', { name: 'Délai de réponse' })
      .click();
    await page.getByRole('heading', { name: 'Délai de réponse aux demandes', level: 1 }).waitFor();
    const group = page.getByRole('group', { name: 'Mois pour répondre' });
    await expect(group.getByRole('radio', { name: /^1 mois/ }).isChecked()).resolves.toBe(true);
    await group.getByRole('radio', { name: '2 mois' }).check();
    await page.getByText('La loi de 2017 sur la protection des données demande une réponse dans le mois').waitFor();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Délai de réponse enregistré').waitFor();
    await page.getByText(/^Modifié le /).waitFor();
    await page.reload();
    await expect(
      page.getByRole('group', { name: 'Mois pour répondre' }).getByRole('radio', { name: '2 mois' }).isChecked(),
    ).resolves.toBe(true);
    await page.close();
  });
});
