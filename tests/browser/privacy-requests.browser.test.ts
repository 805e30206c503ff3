import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, launchBrowser, newContext, practiceWithMember, startApp, watchedPage } from './harness.js';

/**
 * Issue 14, patients' rights requests on the web: the receptionist records a request from the
 * desk and verifies the identity by keyboard (English), is told an owner approves a copy; the
 * owner finds the request in the list (an overdue one marked), approves it and gets the download
 * link (French), at 1024×768.
 */

const OWNER = { name: 'Nadia Owner', email: 'nadia@requests.mu', password: 'correct horse battery' };
const RECEPTIONIST = { name: 'Kevin Desk', email: 'kevin@requests.mu', password: 'another long passphrase' };

let browser: Browser;
let app: RunningApp;
let practiceId = '';
const cookies = { owner: '', receptionist: '' };
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp({ readyTimeoutMs: 180_000 });
  const scene = await practiceWithMember(app, {
    practiceName: 'Clinique Demandes',
    owner: OWNER,
    member: { ...RECEPTIONIST, role: 'receptionist' },
  });
  const { owner } = scene;
  practiceId = scene.practiceId;
  const P = `/practices/${practiceId}`;
  await owner.ok('POST', `${P}/patients`, { givenName: 'Marie', familyName: 'Lebon', phones: [] });
  const aisha = await owner.ok<{ id: string }>('POST', `${P}/patients`, {
    givenName: 'Aisha',
    familyName: 'Joomun',
    phones: [],
  });
  // A correction received by email six weeks ago: overdue.
  await owner.ok('POST', `${P}/privacy/requests`, {
    patientId: aisha.id,
    type: 'correction',
    source: 'email',
    receivedAt: new Date(Date.now() - 42 * 86_400_000).toISOString(),
    proposedChange: { field: 'Address', proposedValue: '3 Royal Road, Curepipe' },
  });
  cookies.owner = owner.cookie;
  cookies.receptionist = scene.member.cookie;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  expect(consoleErrors).toEqual([]);
});

async function pageAs(who: keyof typeof cookies, locale = 'en-GB'): Promise<Page> {
  const context = await newContext(browser, app, { cookie: cookies[who], locale, width: 1024, height: 768 });
  return watchedPage(context, `requests-${who}-${locale}`, consoleErrors);
}
const url = (p: string) => new URL(`/app/${practiceId}${p}`, app.baseUrl).toString();

describe('Privacy → Requests', () => {
  it('the desk records a request for a copy, verifies the identity by keyboard and is told an owner approves (English)', async () => {
    const page = await pageAs('receptionist');
    await page.goto(url('/today'));
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Privacy' }).click();
    await page.getByRole('heading', { name: 'Privacy requests', level: 1 }).waitFor();
    // Only the Requests tab for the desk; the overdue correction is marked.
    const tabs = page.getByRole('navigation', { name: 'Privacy sections' }).getByRole('link');
    await expect(tabs.allTextContents()).resolves.toEqual(['Requests']);
    const overdueRow = page.getByRole('row').filter({ hasText: 'Aisha Joomun' });
    await expect(overdueRow.textContent()).resolves.toContain('overdue');

    await page.getByRole('button', { name: 'New request' }).click();
    const dialog = page.getByRole('dialog', { name: 'Record a privacy request' });
    await dialog.getByRole('combobox', { name: 'Patient', exact: true }).fill('Lebon');
    await dialog.getByRole('option', { name: /Marie Lebon/ }).waitFor();
    await page.keyboard.press('Enter');
    await dialog.getByLabel('Request').selectOption('access');
    await dialog.getByRole('button', { name: 'Record the request' }).click();
    await page.getByRole('heading', { name: 'Copy of their data — Marie Lebon', level: 1 }).waitFor();

    const how = page.getByLabel('How');
    await how.focus();
    await how.selectOption('id_document');
    await page.keyboard.press('Tab');
    await page.keyboard.type('ID card seen at the desk');
    await page.getByRole('button', { name: 'Identity verified' }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('An owner approves a copy of the data or a deletion.').waitFor();
    await page.getByText('ID card or passport seen — ID card seen at the desk').waitFor();
    await page.close();
  });

  it('the owner sees the verified request, approves it and gets the copy to download (French)', async () => {
    const page = await pageAs('owner', 'fr-FR');
    await page.goto(url('/privacy'));
    await page.getByRole('heading', { name: 'Demandes sur les données', level: 1 }).waitFor();
    const tabs = page.getByRole('navigation', { name: 'Rubriques de la confidentialité' }).getByRole('link');
    await expect(tabs.allTextContents()).resolves.toContain('Conservation');
    await page
      .getByRole('row')
      .filter({ hasText: 'Marie Lebon' })
      .getByRole('link', { name: 'Copie de ses données' })
      .click();
    await page.getByText("Carte d'identité ou passeport vu").waitFor();
    await page.getByRole('button', { name: 'Approuver' }).click();
    const download = page.getByRole('link', { name: 'Télécharger la copie (ZIP)' });
    await download.waitFor();
    const href = await download.getAttribute('href');
    expect(href).toMatch(new RegExp(`/api/v1/practices/${practiceId}/privacy/requests/[0-9a-f-]+/export$`));
    const res = await page.request.get(new URL(href!, app.baseUrl).toString());
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/zip');
    expect((await res.body()).subarray(0, 2).toString()).toBe('PK');
    await page.close();
  });
});
