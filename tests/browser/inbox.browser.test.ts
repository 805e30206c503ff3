import path from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

// The WhatsApp inbox through the built-in sandbox: the patient writes on the sandbox phone, the
// message arrives in the inbox live, the receptionist answers, the phone shows the answer and
// its buttons, the ticks turn to read, and the patient's tap comes back.

const OWNER = { name: 'Anjali Ramdin', email: 'anjali@smile.mu', password: 'correct horse battery' };
const PHONE_NUMBER_ID = '106540352242922';
const PATIENT = { number: '23057123456', name: 'Aisha Ramjaun' };

let browser: Browser;
let app: RunningApp;
let context: BrowserContext;
let practiceId = '';
const consoleErrors: string[] = [];

let api: ReturnType<typeof apiAs>;
const ok = <T>(method: string, pathname: string, body?: unknown) => api.ok<T>(method, pathname, body);

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  api = apiAs(app);
  const me = await ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Port Louis', timeZone: 'Indian/Mauritius' },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  // In sandbox mode any numeric id connects a pretend number, with the templates DentalPro ships.
  await ok('PUT', `/practices/${practiceId}/whatsapp/channel`, {
    phoneNumberId: PHONE_NUMBER_ID,
    displayPhoneNumber: '+230 5200 0000',
    wabaId: '102290129340398',
    throughputPerSecond: 80,
  });
  context = await newContext(browser, app, { cookie: api.cookie, width: 1280 });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function newPage(label: string): Promise<Page> {
  return watchedPage(context, `inbox-${label}`, consoleErrors);
}

const visible = (locator: Locator) => locator.first().waitFor({ state: 'visible' });

describe('WhatsApp inbox through the sandbox', () => {
  it('a patient writes, the receptionist answers with buttons, ticks turn read, the tap comes back', async () => {
    const inbox = await newPage('inbox');
    await inbox.goto(new URL(`/app/${practiceId}/inbox`, app.baseUrl).toString());
    await visible(inbox.getByRole('heading', { name: 'No conversation open' }));

    const phone = await newPage('phone');
    await phone.goto(new URL('/sandbox/whatsapp', app.baseUrl).toString());
    await phone.getByLabel("Patient's WhatsApp number").fill(PATIENT.number);
    await phone.getByLabel("Patient's WhatsApp name").fill(PATIENT.name);
    await phone.getByRole('textbox', { name: 'Message', exact: true }).fill('Bonjour, je voudrais un rendez-vous');
    await phone.getByRole('button', { name: 'Send', exact: true }).click();

    // Live: the conversation appears in the open inbox without a reload.
    const conversations = inbox.getByRole('list', { name: 'Conversations' });
    await visible(conversations.getByRole('link', { name: new RegExp(PATIENT.name) }));
    await conversations.getByRole('link', { name: new RegExp(PATIENT.name) }).click();
    const thread = inbox.getByRole('list', { name: 'Messages' });
    await visible(thread.getByRole('listitem').filter({ hasText: 'je voudrais un rendez-vous' }));

    await inbox.getByRole('button', { name: /reply buttons/i }).click();
    await inbox.getByRole('textbox', { name: 'Button 1', exact: true }).fill('Monday 9:00');
    await inbox.getByRole('button', { name: /add a button/i }).click();
    await inbox.getByRole('textbox', { name: 'Button 2', exact: true }).fill('Tuesday 14:30');
    await inbox.getByRole('textbox', { name: 'Message', exact: true }).fill('Hello Aisha! Which time suits you?');
    await inbox.getByRole('button', { name: 'Send', exact: true }).click();

    const reply = thread.getByRole('listitem').filter({ hasText: 'Which time suits you?' });
    await visible(reply);
    // The phone shows the answer with its buttons, as WhatsApp draws them, and has the chat open.
    await visible(phone.getByText('Hello Aisha! Which time suits you?'));
    await visible(phone.getByRole('button', { name: 'Monday 9:00' }));
    // The phone has the chat open, so the practice's message ends read (blue ticks).
    await visible(reply.getByRole('img', { name: 'Read' }));
    await inbox.screenshot({ path: path.join(artifactsDir, 'inbox-read.png'), fullPage: true });
    await phone.screenshot({ path: path.join(artifactsDir, 'sandbox-phone.png'), fullPage: true });

    await phone.getByRole('button', { name: 'Monday 9:00' }).click();
    const tapped = thread.getByRole('listitem').filter({ hasText: 'Monday 9:00' }).last();
    await visible(tapped);
    // The tap quotes the message it answers and comes after it.
    const texts = await thread.getByRole('listitem').allInnerTexts();
    expect(texts.findIndex((x) => x.includes('Which time suits you?'))).toBeLessThan(
      texts.findLastIndex((x) => x.includes('Monday 9:00')),
    );
    expect(consoleErrors).toEqual([]);
  });

  it('a conversation flagged for a person: the row says why and how long, the navigation counts it first', async () => {
    const inbox = await newPage('needs-person');
    await inbox.goto(new URL(`/app/${practiceId}/inbox`, app.baseUrl).toString());
    const conversations = inbox.getByRole('list', { name: 'Conversations' });
    await conversations.getByRole('link', { name: new RegExp(PATIENT.name) }).click();
    // The box shows what the server says: it turns checked once the change is saved.
    const flag = inbox.getByRole('checkbox', { name: 'Needs a person' });
    await flag.click();
    await expect.poll(() => flag.isChecked()).toBe(true);

    await visible(conversations.getByText(/Needs a person: Flagged by staff · waiting \d+ min/));
    const nav = inbox.getByRole('navigation', { name: 'Main navigation' });
    await visible(nav.getByRole('link', { name: /Inbox.*1 conversation waiting for a person/ }));

    await inbox.getByRole('button', { name: 'Needs a person only' }).click();
    await expect
      .poll(() => inbox.getByRole('button', { name: 'Needs a person only' }).getAttribute('aria-pressed'))
      .toBe('true');
    await visible(conversations.getByRole('link', { name: new RegExp(PATIENT.name) }));
    await inbox.screenshot({ path: path.join(artifactsDir, 'inbox-needs-person.png'), fullPage: true });

    await flag.click();
    await expect.poll(() => flag.isChecked()).toBe(false);
    await nav.getByRole('link', { name: /waiting for a person/ }).waitFor({ state: 'detached' });
    expect(consoleErrors).toEqual([]);
  });
});
