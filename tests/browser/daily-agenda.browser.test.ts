import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningApp,
  type apiAs,
  launchBrowser,
  newContext,
  practiceWithMember,
  startApp,
  watchedPage,
} from './harness.js';

/**
 * Issue 13, the dentist's daily agenda on the web: the dentist gives their WhatsApp number and opts
 * in under My account (a missing number is refused beside the field, which takes the focus); the
 * owner turns the agenda on or off and sets its time in Settings → Reminders, which the receptionist
 * reads only. English and French; axe finds nothing serious in the account page's section.
 */

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const OWNER = { name: 'Anjali Ramdin', email: 'anjali@agenda.mu', password: 'correct horse battery' };
const DESK = {
  name: 'Priya Desk',
  email: 'priya@agenda.mu',
  password: 'another long passphrase',
  role: 'receptionist',
};

let browser: Browser;
let app: RunningApp;
let owner: ReturnType<typeof apiAs>;
let practiceId = '';
const cookies = { owner: '', desk: '' };
const consoleErrors: string[] = [];
const REFUSED = /status of 400 \(Bad Request\)/;

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp({ readyTimeoutMs: 180_000 });
  const made = await practiceWithMember(app, { practiceName: 'Smile Dental Agenda', owner: OWNER, member: DESK });
  practiceId = made.practiceId;
  owner = made.owner;
  const me = await owner.ok<{ user: { id: string } }>('GET', '/auth/me');
  // The owner is also the practice's dentist: only providers get an agenda.
  await owner.ok('POST', `/practices/${practiceId}/providers`, {
    userId: me.user.id,
    displayName: 'Dr Ramdin',
    colour: '#0f766e',
  });
  cookies.owner = owner.cookie;
  cookies.desk = made.member.cookie;
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function pageAs(who: keyof typeof cookies, locale = 'en-GB', refusals = false): Promise<Page> {
  const context = await newContext(browser, app, { cookie: cookies[who], locale });
  return watchedPage(context, `agenda-${who}-${locale}`, consoleErrors, refusals ? REFUSED : undefined);
}

interface AxeViolation {
  id: string;
  impact: string;
  nodes: { target: string[] }[];
}

describe("the dentist's daily agenda", () => {
  it('the dentist opts in to the agenda on WhatsApp from My account; a missing number is refused beside its field', async () => {
    const page = await pageAs('owner', 'en-GB', true);
    await page.goto(new URL(`/app/${practiceId}/account`, app.baseUrl).toString());
    const section = page.getByRole('region', { name: 'Daily agenda' });
    await section.getByText('Each morning at 07:00 (practice time)').waitFor();

    await section.getByRole('switch', { name: 'Also send my agenda to me on WhatsApp' }).check();
    await section.getByRole('button', { name: 'Save agenda choice' }).click();
    const number = section.getByLabel('Your WhatsApp number');
    await expect.poll(() => number.getAttribute('aria-invalid')).toBe('true');
    await expect(page.locator(':focus').getAttribute('name')).resolves.toBe('whatsappNumber');
    await expect(
      owner.ok<{ whatsappOptIn: boolean }>('GET', `/practices/${practiceId}/agenda/subscription`),
    ).resolves.toMatchObject({ whatsappOptIn: false });

    await number.fill('5712 3456');
    await section.getByLabel('Language of the WhatsApp agenda').selectOption('fr');
    await section.getByRole('button', { name: 'Save agenda choice' }).click();
    await page.getByText('Your agenda will also come on WhatsApp.').waitFor();
    await expect(owner.ok('GET', `/practices/${practiceId}/agenda/subscription`)).resolves.toMatchObject({
      whatsappNumber: '+23057123456',
      whatsappOptIn: true,
      language: 'fr',
    });

    // axe: nothing serious on the account page with the section drawn.
    await page.evaluate(axeSource);
    const violations = (await page.evaluate(async () => {
      const axe = (
        window as unknown as { axe: { run: (c: Document, o: unknown) => Promise<{ violations: unknown[] }> } }
      ).axe;
      return (
        await axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
          resultTypes: ['violations'],
        })
      ).violations;
    })) as AxeViolation[];
    expect(
      violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);
  });

  it('the owner sets the time and turns it off in Settings → Reminders (French); the desk reads it only', async () => {
    const page = await pageAs('owner', 'fr-FR');
    await page.goto(new URL(`/app/${practiceId}/settings/reminders`, app.baseUrl).toString());
    const form = page.getByRole('form', { name: 'Programme du jour des praticiens' });
    const time = form.getByLabel('Envoyé à');
    await expect.poll(() => time.inputValue()).toBe('07:00');
    await time.fill('06:30');
    await form.getByRole('switch', { name: 'Envoyer le programme du jour' }).uncheck();
    await form.getByRole('button', { name: 'Enregistrer le programme du jour' }).click();
    await page.getByText('Réglages du programme du jour enregistrés.').waitFor();
    await expect(owner.ok('GET', `/practices/${practiceId}/agenda/settings`)).resolves.toMatchObject({
      enabled: false,
      sendTime: '06:30',
    });

    const desk = await pageAs('desk');
    await desk.goto(new URL(`/app/${practiceId}/settings/reminders`, app.baseUrl).toString());
    const read = desk.getByRole('form', { name: 'Daily agenda for the dentists' });
    await expect.poll(() => read.getByLabel('Sent at').inputValue()).toBe('06:30');
    await expect(read.getByLabel('Sent at').isDisabled()).resolves.toBe(true);
    await expect(read.getByRole('button', { name: 'Save daily agenda' }).count()).resolves.toBe(0);
    // The receptionist is no provider: no agenda section on their account page.
    await desk.goto(new URL(`/app/${practiceId}/account`, app.baseUrl).toString());
    await desk.getByRole('heading', { name: 'Password' }).waitFor();
    await desk.waitForLoadState('networkidle');
    await expect(desk.getByRole('heading', { name: 'Daily agenda' }).count()).resolves.toBe(0);
  });

  it('wrote nothing to the console but the refusal it provoked', () => {
    expect(consoleErrors).toEqual([]);
  });
});
