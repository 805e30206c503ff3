import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Issue 14, the privacy policy on the web: /privacy shows the current version with its Last
 * updated date and every version listed, an earlier one readable (English, then French); a
 * material version published by the operator (CLI) shows staff a notice in the app until each
 * acknowledges it, by keyboard.
 */

const OWNER = { name: 'Priya Owner', email: 'priya@policy.mu', password: 'correct horse battery' };
const RECEPTIONIST = { name: 'Ravi Desk', email: 'ravi@policy.mu', password: 'another long passphrase' };
const today = new Date().toISOString().slice(0, 10);
const todayInEnglish = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(
  new Date(`${today}T00:00:00Z`),
);

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe's serious and critical WCAG 2.1 A/AA findings on the page as it is drawn now. */
async function accessibilityFindings(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (d: Document, o: unknown) => Promise<{ violations: unknown }> } })
      .axe;
    return (
      await axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        resultTypes: ['violations'],
      })
    ).violations;
  })) as { id: string; impact: string; nodes: { target: string[] }[] }[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

let browser: Browser;
let app: RunningApp;
let practiceId = '';
const cookies = { owner: '', receptionist: '' };
const consoleErrors: string[] = [];
// The breach form's refusal on purpose (422).
const REFUSED = /status of 422 /;

function policyFile(dir: string, name: string, summary: string, words: string) {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    `summary.en: ${summary}\nsummary.fr: ${summary} (version française)\n=== en\n## What changed\n\n${words}\n\n## Who else handles the data\n\n{{third_parties}}\n=== fr\n## Ce qui change\n\n${words} (en français)\n\nContact : {{contact_email}}\n`,
  );
  return file;
}

beforeAll(async () => {
  browser = await launchBrowser();
  const dir = mkdtempSync(path.join(tmpdir(), 'dentalpro-policy-'));
  app = await startApp({
    readyTimeoutMs: 180_000,
    env: { PRIVACY_CONTACT_EMAIL: 'privacy@policy.mu' },
    cli: [
      [
        'privacy',
        'publish-policy',
        '--file',
        policyFile(dir, 'v2.md', 'Clearer words about reminders', 'Reminders are sent on WhatsApp.'),
        '--date',
        today,
      ],
      [
        'privacy',
        'publish-policy',
        '--file',
        policyFile(dir, 'v3.md', 'Sign-in through an identity provider', 'Staff may sign in through a provider.'),
        '--date',
        today,
        '--material',
      ],
    ],
  });
  const owner = apiAs(app);
  const me = await owner.ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Clinique Politique', timeZone: 'Indian/Mauritius' },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  cookies.owner = owner.cookie;
  const invite = await owner.ok<{ acceptUrl: string }>('POST', `/practices/${practiceId}/invitations`, {
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

async function pageAs(who: keyof typeof cookies | null, locale = 'en-GB'): Promise<Page> {
  const context = await newContext(browser, app, {
    ...(who ? { cookie: cookies[who] } : {}),
    locale,
    width: 1024,
    height: 768,
  });
  return watchedPage(context, `policy-${who ?? 'public'}-${locale}`, consoleErrors, REFUSED);
}

describe('/privacy', () => {
  it('shows the current version with its Last updated date, lists every version and opens an earlier one (English)', async () => {
    const page = await pageAs(null);
    await page.goto(new URL('/privacy', app.baseUrl).toString());
    await page.getByRole('heading', { name: 'Privacy policy', level: 1 }).waitFor();
    await page.getByText(`Last updated: ${todayInEnglish}`).waitFor();
    await page.getByRole('heading', { name: 'What changed', level: 2 }).waitFor();
    await page.getByText('Staff may sign in through a provider.').waitFor();
    // The register of third parties, filled in from this deployment's configuration.
    await page.getByText('Hosting: The operator of this DentalPro server (Mauritius).').waitFor();

    const history = page.getByRole('region', { name: 'All versions' });
    const items = history.getByRole('listitem');
    await expect(items.count()).resolves.toBe(3);
    await expect(items.nth(0).textContent()).resolves.toContain('current');
    await expect(items.nth(0).textContent()).resolves.toContain('material change');
    await expect(items.nth(2).textContent()).resolves.toContain('First published version');
    await page.screenshot({ path: path.join(artifactsDir, 'privacy-policy-en.png'), fullPage: true });
    expect(await accessibilityFindings(page)).toEqual([]);

    // Version 1 by keyboard: the first link of the history.
    await history.getByRole('link', { name: /Version 1 of/ }).focus();
    await page.keyboard.press('Enter');
    await page.getByText('You are reading version 1, an earlier version of this policy.').waitFor();
    await page.getByRole('heading', { name: 'Who is responsible', level: 2 }).waitFor();
    await page.getByText('privacy@policy.mu').first().waitFor();
    expect(page.url()).toContain('version=1');
    await page.getByRole('link', { name: 'Read the current version' }).click();
    await page.getByText('Staff may sign in through a provider.').waitFor();
    await page.context().close();
  });

  it('is in French in French, with the same history', async () => {
    const page = await pageAs(null, 'fr-FR');
    await page.goto(new URL('/privacy', app.baseUrl).toString());
    await page.getByRole('heading', { name: 'Politique de confidentialité', level: 1 }).waitFor();
    await page.getByText(/^Dernière mise à jour : /).waitFor();
    await page.getByText('Staff may sign in through a provider. (en français)').waitFor();
    await page.getByText('Contact : privacy@policy.mu').waitFor();
    const history = page.getByRole('region', { name: 'Toutes les versions' });
    await expect(history.getByRole('listitem').count()).resolves.toBe(3);
    await history.getByRole('link', { name: /Version 2 du/ }).click();
    await page.getByText('Vous lisez la version 2, une version antérieure de cette politique.').waitFor();
    await page.getByText('Reminders are sent on WhatsApp. (en français)').waitFor();
    await page.context().close();
  });
});

describe('the notice of a material change', () => {
  it('shows staff the notice in the app until each acknowledges it, by keyboard', async () => {
    const page = await pageAs('owner');
    await page.goto(new URL(`/app/${practiceId}/calendar`, app.baseUrl).toString());
    const notice = page.getByRole('region', { name: /The privacy policy changed in a way that matters/ });
    await notice.waitFor();
    await notice.getByText('Sign-in through an identity provider').waitFor();
    await expect(notice.getByRole('link', { name: /Read the policy/ }).getAttribute('href')).resolves.toBe('/privacy');
    await page.screenshot({ path: path.join(artifactsDir, 'privacy-policy-notice.png') });
    expect(await accessibilityFindings(page)).toEqual([]);

    const acknowledge = notice.getByRole('button', { name: 'I have read it' });
    await acknowledge.focus();
    await page.keyboard.press('Enter');
    await notice.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await expect(page.getByRole('region', { name: /The privacy policy changed/ }).count()).resolves.toBe(0);
    await page.context().close();

    // Acknowledged by the owner only: the receptionist still sees it, in French.
    const desk = await pageAs('receptionist', 'fr-FR');
    await desk.goto(new URL(`/app/${practiceId}/calendar`, app.baseUrl).toString());
    const avis = desk.getByRole('region', { name: /La politique de confidentialité a changé/ });
    await avis.waitFor();
    await avis.getByRole('button', { name: 'J’en ai pris connaissance' }).click();
    await avis.waitFor({ state: 'detached' });
    await desk.context().close();

    // The owner's Privacy → Policy: the versions, and who acknowledged the material one.
    const versions = await pageAs('owner');
    await versions.goto(new URL(`/app/${practiceId}/privacy/policy`, app.baseUrl).toString());
    await versions.getByRole('heading', { name: 'Privacy policy', level: 1 }).waitFor();
    const table = versions.getByRole('table', { name: 'Every version of the privacy policy, newest first' });
    await table.getByRole('link', { name: /Read version 1/ }).waitFor();
    await expect(table.getByRole('row').count()).resolves.toBe(4);
    const team = versions.getByRole('region', { name: 'Acknowledged by the team' });
    await team.getByText(/^The newest material change is version 3 of /).waitFor();
    await expect(team.getByText(/acknowledged /).count()).resolves.toBe(2);
    expect(await accessibilityFindings(versions)).toEqual([]);
    await versions.context().close();
  });
});

describe('the controller’s records', () => {
  it('shows the record of processing with its PDF, and the breach register counting down the 72 hours', async () => {
    const owner = apiAs(app);
    owner.cookie = cookies.owner;
    // A breach discovered 80 hours ago, the Commissioner not told: overdue.
    await owner.ok('POST', `/practices/${practiceId}/privacy/breaches`, {
      discoveredAt: new Date(Date.now() - 80 * 3600_000).toISOString(),
      description: 'The day list was emailed to a wrong address',
      dataCategories: ['patient_identity', 'appointments'],
      peopleAffected: 12,
      likelyConsequences: 'A stranger may know who visits the practice',
      measuresTaken: 'The recipient deleted it and confirmed in writing',
    });
    const page = await pageAs('owner');
    await page.goto(new URL(`/app/${practiceId}/privacy/records`, app.baseUrl).toString());
    await page.getByRole('heading', { name: 'Record of processing activities', level: 1 }).waitFor();
    const table = page.getByRole('table', { name: 'Each kind of data the practice processes' });
    await table.getByRole('rowheader', { name: /Staff notifications/ }).waitFor();
    await table.getByRole('rowheader', { name: /The audit trail/ }).waitFor();
    const pdf = page.getByRole('link', { name: 'Download PDF' });
    await expect(pdf.getAttribute('href')).resolves.toBe(`/api/v1/practices/${practiceId}/privacy/records/pdf?lang=en`);
    const download = await Promise.all([page.waitForEvent('download'), pdf.click()]).then(([d]) => d);
    expect(download.suggestedFilename()).toBe('record-of-processing.pdf');
    await page.screenshot({ path: path.join(artifactsDir, 'privacy-records.png'), fullPage: true });
    expect(await accessibilityFindings(page)).toEqual([]);

    // The Privacy section's tabs lead from one to the other.
    const tabs = page.getByRole('navigation', { name: 'Privacy sections' });
    await tabs.getByRole('link', { name: 'Records of processing' }).waitFor();
    await tabs.getByRole('link', { name: 'Policy' }).waitFor();
    await tabs.getByRole('link', { name: 'Breaches' }).click();
    await page.getByRole('heading', { name: 'Breach register', level: 1 }).waitFor();
    await page.getByText(/^Overdue by 8 h \d+ min: the Commissioner has not been notified$/).waitFor();

    // A new one, told to the Commissioner before it was discovered: refused beside the field.
    await page.getByRole('button', { name: 'Record a breach' }).click();
    const dialog = page.getByRole('dialog', { name: 'Record a breach' });
    const local = (hoursAgo: number) => {
      const at = new Date(Date.now() - hoursAgo * 3600_000);
      const pad = (n: number) => String(n).padStart(2, '0');
      return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
    };
    await dialog.getByLabel('Discovered at').fill(local(2));
    await dialog.getByLabel('What happened').fill('A receptionist’s password was seen by a visitor');
    await dialog.getByRole('checkbox', { name: 'Staff accounts' }).check();
    await dialog.getByLabel('Approximate number of people affected').fill('1');
    await dialog.getByLabel('Likely consequences').fill('Someone could sign in as the receptionist');
    await dialog.getByLabel('Measures taken or proposed').fill('Password changed at once; two-step turned on');
    await dialog.getByLabel('Data Protection Commissioner notified at').fill(local(3));
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.getByText('This cannot be before the breach was discovered.').waitFor();
    await expect(page.locator(':focus').getAttribute('id')).resolves.toBe('breach-commissionerNotifiedAt');
    await dialog.getByLabel('Data Protection Commissioner notified at').fill('');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Breach recorded').waitFor();
    await page.getByText(/^(69|70) h \d+ min left to notify the Commissioner$/).waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'privacy-breaches.png'), fullPage: true });
    expect(await accessibilityFindings(page)).toEqual([]);
    await page.context().close();

    const desk = await pageAs('receptionist');
    await desk.goto(new URL(`/app/${practiceId}/privacy/breaches`, app.baseUrl).toString());
    await desk.getByText("Only the practice's owners see and keep the breach register.").waitFor();
    await desk.context().close();
  });
});
