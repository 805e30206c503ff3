import path from 'node:path';
import { generate } from 'otplib';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningApp, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

let browser: Browser;
let app: RunningApp;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  // A fresh server and database per test: each one starts with first-run setup.
  app = await startApp();
});
afterEach(async () => {
  await app?.stop();
});

const OWNER = { name: 'Anjali Ramdin', email: 'anjali@smile.mu', password: 'correct horse battery' };
const RECEPTIONIST = { name: 'Kevin Li', email: 'kevin@smile.mu', password: 'front desk tablet 42' };

async function newPage(locale: string): Promise<Page> {
  return watchedPage(await newContext(browser, app, { locale, height: 820 }), 'foundation');
}

/** Waits until exactly one element matches and is visible (playwright-core has no expect of its own). */
async function visible(locator: Locator) {
  await locator.waitFor({ state: 'visible' });
}

function url(pathname: string) {
  return new URL(pathname, app.baseUrl).toString();
}

describe('foundation UI', () => {
  it('sets up a practice, invites a receptionist who joins, and records it in the audit trail (English)', async () => {
    const page = await newPage('en-GB');
    await page.goto(url('/'));
    await page.getByRole('link', { name: 'Set up your practice' }).click();

    await visible(page.getByRole('heading', { name: 'Set up your practice' }));
    await visible(page.getByText('for trying DentalPro, not for real patient data'));
    await page.getByLabel('Practice name', { exact: true }).fill('Smile Dental Port Louis');
    await page.getByLabel('Address', { exact: true }).fill('12 Royal Street, Port Louis');
    await page.getByLabel('Practice phone', { exact: true }).fill('+230 212 3456');
    await page.getByLabel('Your name', { exact: true }).fill(OWNER.name);
    await page.getByLabel('Your email', { exact: true }).fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByRole('button', { name: 'Create practice' }).click();

    await page.waitForURL(/\/app\/[0-9a-f-]+\/calendar$/);
    const main = page.locator('main#main');
    await visible(main.getByRole('heading', { name: 'Calendar', level: 1 }));
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await expect.poll(() => nav.getByRole('link', { name: 'Calendar' }).getAttribute('aria-current')).toBe('page');
    await visible(nav.getByRole('link', { name: 'Audit trail' }));
    await page.screenshot({ path: path.join(artifactsDir, 'shell-owner.png') });

    await nav.getByRole('link', { name: 'Settings' }).click();
    await expect
      .poll(() => page.getByLabel('Practice name', { exact: true }).inputValue())
      .toBe('Smile Dental Port Louis');
    await page.getByRole('link', { name: 'Staff', exact: true }).click();
    await visible(main.getByRole('cell', { name: OWNER.email }));
    await page.getByLabel("Colleague's email", { exact: true }).fill(RECEPTIONIST.email);
    await page.getByLabel('Role', { exact: true }).selectOption('receptionist');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await visible(page.getByText('Email is not set up on this server'));
    const acceptUrl = await page.getByLabel('Invitation link', { exact: true }).inputValue();
    expect(acceptUrl).toMatch(/\/invitations\/[^/]+$/);
    await visible(main.getByRole('rowheader', { name: RECEPTIONIST.email }));
    await page.screenshot({ path: path.join(artifactsDir, 'staff-invited.png'), fullPage: true });

    await nav.getByRole('link', { name: 'Audit trail' }).click();
    await visible(main.getByRole('heading', { name: 'Audit trail', level: 1 }));
    await visible(main.getByRole('cell', { name: /Staff member invited/ }));
    await visible(main.getByRole('cell', { name: /Practice created/ }));
    await page.screenshot({ path: path.join(artifactsDir, 'audit.png'), fullPage: true });

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.waitForURL(/\/login/);

    await page.goto(acceptUrl);
    await visible(page.getByText('Smile Dental Port Louis').first());
    await visible(page.getByText(RECEPTIONIST.email));
    await page.getByLabel('Your name', { exact: true }).fill(RECEPTIONIST.name);
    await page.getByLabel('Choose a password', { exact: true }).fill(RECEPTIONIST.password);
    await page.getByRole('button', { name: 'Accept invitation' }).click();

    // A receptionist starts on Today (issue 16).
    await page.waitForURL(/\/app\/[0-9a-f-]+\/today$/);
    await visible(page.getByRole('link', { name: new RegExp(RECEPTIONIST.name) }));
    await visible(page.getByText('Receptionist · My account'));
    await visible(nav.getByRole('link', { name: 'Calendar' }));
    await expect.poll(() => nav.getByRole('link', { name: 'Audit trail' }).count()).toBe(0);

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email', { exact: true }).fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/app\/[0-9a-f-]+\/calendar$/);
    await visible(nav.getByRole('link', { name: 'Audit trail' }));
    await page.context().close();
  });

  it('works in French: setup, login, invitation and audit trail with French labels', async () => {
    const page = await newPage('en-GB');
    await page.goto(url('/'));
    await page.getByLabel('Language', { exact: true }).selectOption('fr');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr');
    await page.getByRole('link', { name: 'Configurer votre cabinet' }).click();

    await visible(page.getByRole('heading', { name: 'Configurer votre cabinet' }));
    await page.getByLabel('Nom du cabinet', { exact: true }).fill('Cabinet Dentaire de Curepipe');
    await page.getByLabel('Votre nom', { exact: true }).fill('Marie Lebrun');
    await page.getByLabel('Votre e-mail', { exact: true }).fill('marie@curepipe.mu');
    await page.getByLabel('Mot de passe', { exact: true }).fill('un mot de passe solide');
    await page.getByRole('button', { name: 'Créer le cabinet' }).click();

    await page.waitForURL(/\/app\/[0-9a-f-]+\/calendar$/);
    const main = page.locator('main#main');
    const nav = page.getByRole('navigation', { name: 'Navigation principale' });
    await visible(main.getByRole('heading', { name: 'Agenda', level: 1 }));
    await page.getByRole('link', { name: 'Aller au contenu' }).waitFor({ state: 'attached' });

    // The choice survives a reload (stored on this device).
    await page.reload();
    await visible(main.getByRole('heading', { name: 'Agenda', level: 1 }));
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('fr');

    // On a tablet, in the longer French words, the top bar stays one line (it wrapped to 110 px);
    // the practice name may be cut short, so its title carries it whole.
    for (const width of [1024, 768]) {
      await page.setViewportSize({ width, height: 768 });
      await expect
        .poll(() => page.locator('header.topbar').evaluate((el) => el.getBoundingClientRect().height))
        .toBeLessThan(70);
    }
    expect(await page.locator('.practice-name').getAttribute('title')).toBe('Cabinet Dentaire de Curepipe');
    await page.setViewportSize({ width: 1180, height: 820 });

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.waitForURL(/\/login/);
    await visible(page.getByRole('heading', { name: 'Connexion' }));
    await page.getByLabel('E-mail', { exact: true }).fill('marie@curepipe.mu');
    await page.getByLabel('Mot de passe', { exact: true }).fill('pas le bon mot de passe');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('E-mail ou mot de passe incorrect.');
    await page.getByLabel('Mot de passe', { exact: true }).fill('un mot de passe solide');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/app\/[0-9a-f-]+\/calendar$/);

    await nav.getByRole('link', { name: 'Paramètres' }).click();
    await page.getByRole('link', { name: 'Personnel', exact: true }).click();
    await page.getByLabel('E-mail du collègue', { exact: true }).fill('jean@curepipe.mu');
    await page.getByLabel('Rôle', { exact: true }).selectOption('dentist');
    await page.getByRole('button', { name: "Envoyer l'invitation" }).click();
    await visible(page.getByText("L'envoi d'e-mails n'est pas configuré sur ce serveur"));
    await expect
      .poll(() => page.getByLabel("Lien d'invitation", { exact: true }).inputValue())
      .toMatch(/\/invitations\//);
    await visible(main.getByRole('cell', { name: 'Dentiste' }));

    await nav.getByRole('link', { name: "Journal d'audit" }).click();
    await visible(main.getByRole('heading', { name: "Journal d'audit", level: 1 }));
    await visible(main.getByRole('columnheader', { name: 'Qui' }));
    await visible(main.getByRole('cell', { name: /Membre du personnel invité/ }));
    await visible(main.getByRole('cell', { name: /Échec de connexion/ }));
    await page.screenshot({ path: path.join(artifactsDir, 'audit-fr.png'), fullPage: true });
    await page.context().close();
  });

  it('manages my account: profile, practice details, two-step verification with recovery codes', async () => {
    const page = await newPage('en-GB');
    await page.goto(url('/setup'));
    await page.getByLabel('Practice name', { exact: true }).fill('Smile Dental Rose Hill');
    await page.getByLabel('Your name', { exact: true }).fill(OWNER.name);
    await page.getByLabel('Your email', { exact: true }).fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByRole('button', { name: 'Create practice' }).click();
    await page.waitForURL(/\/calendar$/);
    const main = page.locator('main#main');

    // Settings → Practice: saved, and the new name reaches the top bar.
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
    await page.getByLabel('Practice phone', { exact: true }).fill('+230 454 0000');
    await page.getByLabel('Practice name', { exact: true }).fill('Smile Dental Rose-Hill');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await visible(page.getByText('Practice details saved.'));
    await visible(page.locator('.topbar').getByText('Smile Dental Rose-Hill'));

    await page.getByRole('link', { name: new RegExp(`${OWNER.name}.*My account`) }).click();
    await visible(main.getByRole('heading', { name: 'My account', level: 1 }));
    await page.getByLabel('Phone', { exact: true }).fill('+230 5 123 4567');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await visible(page.getByText('Profile saved.'));

    await page.getByRole('button', { name: 'Set up two-step verification' }).click();
    const secret = (await main.locator('.secret-value').textContent())?.replace(/\s/g, '') ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await page.getByLabel('6-digit code', { exact: true }).fill(await generate({ secret }));
    await page.getByRole('button', { name: 'Turn on two-step verification' }).click();
    await visible(page.getByRole('list', { name: 'Save your recovery codes' }));
    const codes = await main.locator('.recovery-codes li').allTextContents();
    expect(codes.length).toBeGreaterThan(3);
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await visible(page.getByText('Two-step verification is on.').first());

    await page.getByRole('button', { name: 'Log out', exact: true }).click();
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email', { exact: true }).fill(OWNER.email);
    await page.getByLabel('Password', { exact: true }).fill(OWNER.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await visible(page.getByRole('heading', { name: 'Two-step verification' }));
    await page.getByLabel('6-digit code', { exact: true }).fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('That code is not valid');
    await page.getByRole('button', { name: 'Use a recovery code instead' }).click();
    await page.getByLabel('Recovery code', { exact: true }).fill(codes[0] ?? '');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/calendar$/);

    // Turning it off again needs the password.
    await page.getByRole('link', { name: new RegExp(`${OWNER.name}.*My account`) }).click();
    await page.getByLabel('Your password', { exact: true }).fill(OWNER.password);
    await page.getByRole('button', { name: 'Turn off two-step verification' }).click();
    await visible(page.getByRole('button', { name: 'Set up two-step verification' }));
    await page.context().close();
  });
});
