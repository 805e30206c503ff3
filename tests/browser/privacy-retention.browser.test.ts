import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Issue 14, retention and legal holds on the web: the owner lengthens a retention period and sees
 * a period below its floor refused beside its field (English), reads the 90-day report; sets a
 * legal hold from the list and lifts it, and sets one from the patient's page (French); a
 * receptionist is told these are the owners'.
 */

const OWNER = { name: 'Vidya Owner', email: 'vidya@retention.mu', password: 'correct horse battery' };
const RECEPTIONIST = { name: 'Reza Desk', email: 'reza@retention.mu', password: 'another long passphrase' };
const RECEIPTS_LABEL =
  'Days to keep: Receipts of erasures done for deletion requests (what was erased, what was kept and until when)';

let browser: Browser;
let app: RunningApp;
let practiceId = '';
const cookies = { owner: '', receptionist: '' };
const consoleErrors: string[] = [];
const patients = { marie: '', aisha: '' };

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp({ readyTimeoutMs: 180_000 });
  const owner = apiAs(app);
  const me = await owner.ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Clinique Rétention', timeZone: 'Indian/Mauritius' },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  const P = `/practices/${practiceId}`;
  for (const [key, givenName, familyName] of [
    ['marie', 'Marie', 'Lebon'],
    ['aisha', 'Aisha', 'Joomun'],
  ] as const)
    patients[key] = (await owner.ok<{ id: string }>('POST', `${P}/patients`, { givenName, familyName, phones: [] })).id;
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
  expect(consoleErrors).toEqual([]);
});

async function pageAs(who: keyof typeof cookies, locale = 'en-GB', refusals = false): Promise<Page> {
  const context = await newContext(browser, app, { cookie: cookies[who], locale, width: 1024, height: 768 });
  return watchedPage(context, `retention-${who}-${locale}`, consoleErrors, refusals ? REFUSED : undefined);
}
const REFUSED = /status of 4(22|09) /;
const url = (p: string) => new URL(`/app/${practiceId}${p}`, app.baseUrl).toString();

describe('Privacy → Retention', () => {
  it('refuses a period below its floor beside the field, keeps a longer one, and shows the 90-day report (English)', async () => {
    const page = await pageAs('owner', 'en-GB', true);
    await page.goto(url('/privacy/retention'));
    await page.getByRole('heading', { name: 'Data retention', level: 1 }).waitFor();
    const field = page.getByLabel(RECEIPTS_LABEL);
    await expect(field.inputValue()).resolves.toBe('4018');
    const receipts = page
      .getByRole('listitem')
      .filter({ has: page.getByRole('heading', { name: /^Receipts of erasures/ }) });
    await receipts.getByText('Default 11 years (4018 days); at least 11 years (4018 days).').waitFor();
    // Every kind of data the modules keep with a period is listed: the clinical records among them.
    await page
      .getByRole('heading', { name: /clinical|dental record/i })
      .first()
      .waitFor();

    await field.fill('4000');
    await page.getByRole('button', { name: 'Save periods' }).click();
    const refusal = 'Keep this data at least 4018 days: a shorter period is not allowed.';
    await page.getByText(refusal).waitFor();
    // The keyboard is on the field at fault, which names the refusal.
    const focused = page.locator(':focus');
    await expect(focused.getAttribute('aria-invalid')).resolves.toBe('true');
    const describedBy = (await focused.getAttribute('aria-describedby')) ?? '';
    const description = await page.evaluate(
      (ids) => ids.split(' ').map((id) => document.getElementById(id)?.textContent ?? ''),
      describedBy,
    );
    expect(description).toContain(refusal);
    await page.screenshot({ path: path.join(artifactsDir, 'retention-refused.png'), fullPage: true });

    await field.fill('5000');
    await page.keyboard.press('Enter');
    await page.getByText('Retention periods saved').waitFor();
    await page.getByText("5000 days · the practice's own period").waitFor();

    const report = page.getByRole('table', { name: 'To be deleted in the next 90 days' });
    await report.getByRole('rowheader', { name: /Receipts of erasures/ }).waitFor();
    // The server's hourly retention round has run for the practice once it started (past 03:00 in Mauritius).
    await page
      .getByRole('heading', { name: 'Last run' })
      .or(page.getByText('The retention job has not run yet.'))
      .waitFor();
    await page.context().close();
  });

  it('a receptionist is told retention and legal holds are the owners’', async () => {
    const page = await pageAs('receptionist');
    await page.goto(url('/privacy/retention'));
    await page.getByText("Only the practice's owners see and change how long data is kept.").waitFor();
    await page.goto(url(`/patients/${patients.marie}`));
    await page.getByRole('heading', { name: 'Marie Lebon' }).waitFor();
    await expect(page.getByRole('button', { name: 'Legal hold' }).count()).resolves.toBe(0);
    await page.context().close();
  });
});

describe('Privacy → Legal holds', () => {
  it('sets a hold from the list with a reason, and lifts it with a reason, by keyboard (French)', async () => {
    const page = await pageAs('owner', 'fr-FR');
    await page.goto(url('/privacy/legal-holds'));
    await page.getByRole('heading', { name: 'Conservations légales', level: 1 }).waitFor();
    await page.getByText('Aucune conservation légale n’est en vigueur.').waitFor();
    await page.getByRole('button', { name: 'Poser une conservation légale' }).click();
    const dialog = page.getByRole('dialog', { name: 'Poser une conservation légale' });
    // Sent empty: both fields say what is missing.
    await dialog.getByRole('button', { name: 'Poser la conservation' }).click();
    await dialog.getByText('Choisissez le patient.').waitFor();
    await dialog.getByText('Indiquez le motif.').waitFor();
    await dialog.getByRole('combobox').fill('Joomun');
    await dialog.getByRole('option', { name: /Aisha Joomun/ }).waitFor();
    await page.keyboard.press('Enter');
    await dialog.getByLabel('Motif').fill('Réclamation de l’assureur n° 114');
    await dialog.getByLabel('Motif').press('Tab');
    await dialog.getByRole('button', { name: 'Poser la conservation' }).click();
    await page.getByText('Conservation légale posée').waitFor();
    const row = page.getByRole('row', { name: /Aisha Joomun/ });
    await row.getByText('En vigueur').waitFor();
    await row.getByText('Jusqu’à levée').waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'legal-holds-fr.png'), fullPage: true });

    await row.getByRole('button', { name: 'Lever la conservation de Aisha Joomun' }).click();
    const lift = page.getByRole('dialog', { name: 'Lever la conservation de Aisha Joomun' });
    await lift.getByLabel('Motif de la levée').fill('Dossier clos');
    await lift.getByRole('button', { name: 'Lever la conservation' }).click();
    await page.getByText('Conservation légale levée').waitFor();
    await page.getByText('Aucune conservation légale n’est en vigueur.').waitFor();
    await page.getByLabel('Afficher aussi les conservations levées ou terminées').check();
    await page
      .getByRole('row', { name: /Aisha Joomun/ })
      .getByText('Dossier clos')
      .waitFor();
    await page.context().close();
  });

  it('sets a hold from the patient’s page, which then says the patient is under one', async () => {
    const page = await pageAs('owner');
    await page.goto(url(`/patients/${patients.marie}`));
    await page.getByRole('button', { name: 'Legal hold' }).click();
    const dialog = page.getByRole('dialog', { name: 'Set a legal hold' });
    await dialog.getByText('Patient: Marie Lebon').waitFor();
    // The dialog opens in its first field, the reason.
    await page.keyboard.type('Court order 2026/55');
    await dialog.getByRole('button', { name: 'Set the hold' }).click();
    await page.getByRole('link', { name: 'Under a legal hold' }).click();
    await page
      .getByRole('row', { name: /Marie Lebon/ })
      .getByText('In force')
      .waitFor();
    await page.context().close();
  });
});
