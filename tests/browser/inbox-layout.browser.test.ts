import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

// The inbox on a laptop (1366×768) and a tablet (1024×768), in English and French: the thread
// in its true order (the patient's message, then the greeting, then the away message), the
// messages given the height, the header's countdown and "Assigned to" on screen, the side
// navigation folded on the tablet (a remembered toggle), the conversation first there with a
// way back to the list.

const OWNER = { name: 'Anjali Ramdin', email: 'anjali@inbox-layout.mu', password: 'correct horse battery' };
const PHONE_NUMBER_ID = '106540352242931';
const PATIENT = { number: '23057123490', name: 'Aisha Ramjaun' };
const GREETING = 'Welcome to Smile Dental!';
const AWAY = 'We are closed; we will answer when we open.';

let browser: Browser;
let app: RunningApp;
let api: ReturnType<typeof apiAs>;
let practiceId = '';
let conversationId = '';
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  api = apiAs(app);
  const me = await api.ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Port Louis', timeZone: 'Indian/Mauritius' },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  const P = `/practices/${practiceId}`;
  // Open only on a weekday three days away (Mauritius time): closed now, so the away message goes.
  const todayInMauritius = new Date(Date.now() + 4 * 3_600_000).getUTCDay();
  await api.ok('PUT', `${P}/opening-hours`, {
    hours: [{ weekday: (todayInMauritius + 3) % 7 || 7, start: '08:00', end: '17:00' }],
  });
  await api.ok('PUT', `${P}/whatsapp/channel`, {
    phoneNumberId: PHONE_NUMBER_ID,
    displayPhoneNumber: '+230 5200 0000',
    wabaId: '102290129340398',
    throughputPerSecond: 80,
    autoReplies: {
      greetingEnabled: true,
      greetingEn: GREETING,
      greetingFr: '',
      awayEnabled: true,
      awayEn: AWAY,
      awayFr: '',
    },
  });
  const write = (body: string) =>
    api.ok('POST', '/sandbox/whatsapp/messages', {
      phoneNumberId: PHONE_NUMBER_ID,
      from: PATIENT.number,
      profileName: PATIENT.name,
      message: { type: 'text', body },
    });
  await write('Hello, I have a toothache');
  // The greeting and the away message are queued by a job: wait for both before writing on.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const [conversation] = (await api.ok<{ items: { id: string }[] }>('GET', `${P}/inbox/conversations`)).items;
    if (conversation) {
      conversationId = conversation.id;
      const messages = await api.ok<{ items: unknown[] }>('GET', `${P}/inbox/conversations/${conversationId}/messages`);
      if (messages.items.length >= 3) break;
    }
    if (Date.now() > deadline) throw new Error('the greeting and the away message did not arrive');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // Enough messages to fill more than the thread's height.
  for (let i = 1; i <= 12; i++) await write(`Follow-up number ${i}`);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

const inViewport = async (page: Page, locator: Locator) => {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize()!;
  expect(box, 'on screen').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(viewport.width);
  expect(box!.y + box!.height).toBeLessThanOrEqual(viewport.height);
  return box!;
};

/** Whether the box lies inside the other (a control not cut off by its pane). */
const within = (inner: { x: number; y: number; width: number; height: number }, outer: typeof inner) =>
  inner.x >= outer.x - 0.5 &&
  inner.y >= outer.y - 0.5 &&
  inner.x + inner.width <= outer.x + outer.width + 0.5 &&
  inner.y + inner.height <= outer.y + outer.height + 0.5;

const LANGUAGES = [
  {
    locale: 'en-GB',
    nav: 'Main navigation',
    expand: 'Expand the menu',
    collapse: 'Collapse the menu',
    history: 'Conversation history',
    assigned: 'Assigned to',
    window: /24-hour window/,
  },
  {
    locale: 'fr-FR',
    nav: 'Navigation principale',
    expand: 'Déplier le menu',
    collapse: 'Réduire le menu',
    history: 'Historique de la conversation',
    assigned: 'Attribuée à',
    window: /Fenêtre de 24 h/,
  },
] as const;

describe('the inbox thread', () => {
  it('shows the patient’s message, then the greeting, then the away message, as the sandbox phone does', async () => {
    const context = await newContext(browser, app, { cookie: api.cookie, width: 1366, height: 768 });
    const page = await watchedPage(context, 'inbox-order', consoleErrors);
    await page.goto(new URL(`/app/${practiceId}/inbox/${conversationId}`, app.baseUrl).toString());
    const items = page.getByRole('list', { name: 'Messages' }).getByRole('listitem');
    await items.filter({ hasText: /Follow-up number 12\b/ }).waitFor();
    const texts = await items.allInnerTexts();
    const at = (text: string) => texts.findIndex((x) => x.includes(text));
    expect(at('Hello, I have a toothache')).toBe(0);
    expect(at(GREETING)).toBe(1);
    expect(at(AWAY)).toBe(2);
    expect(at('Follow-up number 1')).toBe(3);
    expect(at('Follow-up number 12')).toBe(texts.length - 1);

    const phone = await watchedPage(context, 'inbox-order-phone', consoleErrors);
    await phone.goto(new URL('/sandbox/whatsapp', app.baseUrl).toString());
    await phone.getByLabel("Patient's WhatsApp number").fill(PATIENT.number);
    await phone.getByText('Follow-up number 12', { exact: true }).waitFor();
    const onPhone = await phone.locator('body').innerText();
    expect(onPhone.indexOf('Hello, I have a toothache')).toBeLessThan(onPhone.indexOf(GREETING));
    expect(onPhone.indexOf(GREETING)).toBeLessThan(onPhone.indexOf(AWAY));
    await context.close();
    expect(consoleErrors).toEqual([]);
  });
});

describe.each(LANGUAGES)('the inbox layout in $locale', (words) => {
  it('at 1366×768: the navigation open, both panes, the messages given the height, the header whole', async () => {
    const context = await newContext(browser, app, {
      cookie: api.cookie,
      locale: words.locale,
      width: 1366,
      height: 768,
    });
    const page = await watchedPage(context, `inbox-1366-${words.locale}`, consoleErrors);
    await page.goto(new URL(`/app/${practiceId}/inbox/${conversationId}`, app.baseUrl).toString());
    const history = page.getByRole('region', { name: words.history });
    await history.getByText('Follow-up number 12', { exact: true }).waitFor();

    const nav = page.getByRole('navigation', { name: words.nav });
    expect((await nav.boundingBox())!.width).toBeGreaterThan(200);
    await nav.getByRole('button', { name: words.collapse }).waitFor();
    await page.locator('.inbox-list').waitFor({ state: 'visible' });

    const thread = await inViewport(page, page.locator('.inbox-thread'));
    const scroller = await inViewport(page, history);
    // It was about 220 px; a dozen short messages now fit.
    expect(scroller.height).toBeGreaterThanOrEqual(380);
    const countdown = await inViewport(page, page.locator('.inbox-thread').getByText(words.window));
    const assigned = await inViewport(page, page.locator('.inbox-thread').getByLabel(words.assigned, { exact: true }));
    expect(within(countdown, thread)).toBe(true);
    expect(within(assigned, thread)).toBe(true);
    await page.screenshot({ path: path.join(artifactsDir, `inbox-1366-${words.locale}.png`) });
    await context.close();
    expect(consoleErrors).toEqual([]);
  });

  it('at 1024×768: the navigation folded (a remembered toggle), the conversation first, the list a step back', async () => {
    const context = await newContext(browser, app, {
      cookie: api.cookie,
      locale: words.locale,
      width: 1024,
      height: 768,
    });
    const page = await watchedPage(context, `inbox-1024-${words.locale}`, consoleErrors);
    await page.goto(new URL(`/app/${practiceId}/inbox`, app.baseUrl).toString());
    const nav = page.getByRole('navigation', { name: words.nav });
    const expand = nav.getByRole('button', { name: words.expand });
    await expand.waitFor();
    expect((await nav.boundingBox())!.width).toBeLessThan(90);
    // The links keep their names when folded to icons.
    await nav.getByRole('link', { name: /Inbox|Messagerie/ }).waitFor();

    // No conversation open: the list alone.
    const list = page.locator('.inbox-list');
    await list.waitFor({ state: 'visible' });
    expect(await page.locator('.inbox-thread').isVisible()).toBe(false);
    await list.getByRole('link', { name: new RegExp(PATIENT.name) }).click();

    // The conversation replaces the list and has the page's width.
    const history = page.getByRole('region', { name: words.history });
    await history.getByText('Follow-up number 12', { exact: true }).waitFor();
    expect(await list.isVisible()).toBe(false);
    const thread = await inViewport(page, page.locator('.inbox-thread'));
    expect(thread.width).toBeGreaterThanOrEqual(850);
    const scroller = await inViewport(page, history);
    expect(scroller.height).toBeGreaterThanOrEqual(380);
    const countdown = await inViewport(page, page.locator('.inbox-thread').getByText(words.window));
    const assigned = await inViewport(page, page.locator('.inbox-thread').getByLabel(words.assigned, { exact: true }));
    expect(within(countdown, thread)).toBe(true);
    expect(within(assigned, thread)).toBe(true);
    await page.screenshot({ path: path.join(artifactsDir, `inbox-1024-${words.locale}.png`) });

    // Back to the list.
    await page
      .locator('.inbox-thread')
      .getByRole('link', { name: /Conversations/ })
      .click();
    await list.waitFor({ state: 'visible' });
    expect(await page.locator('.inbox-thread').isVisible()).toBe(false);

    // Unfolded, the choice is kept over a reload; folded again for the next test.
    await expand.click();
    const collapse = nav.getByRole('button', { name: words.collapse });
    await collapse.waitFor();
    expect((await nav.boundingBox())!.width).toBeGreaterThan(200);
    await page.reload();
    await collapse.waitFor();
    expect((await nav.boundingBox())!.width).toBeGreaterThan(200);
    await collapse.focus();
    await page.keyboard.press('Enter');
    await expand.waitFor();
    expect((await nav.boundingBox())!.width).toBeLessThan(90);
    await context.close();
    expect(consoleErrors).toEqual([]);
  });
});
