import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Issue 16: the WhatsApp sandbox on a tablet, upright (768×1024) and on its side (1024×768): the
 * page does not scroll sideways, the number menu shows the practice's name and number whole, and
 * once a patient's chat is open its message box is on the screen without scrolling.
 */

let browser: Browser;
let app: RunningApp;
let cookie = '';
let practiceId = '';
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  const api = apiAs(app);
  const me = await api.ok<{ memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Grand Baie', timeZone: 'Indian/Mauritius' },
    owner: { name: 'Anjali Ramdin', email: 'anjali@sandbox.mu', password: 'correct horse battery' },
  });
  practiceId = me.memberships[0]!.practiceId;
  await api.ok('PUT', `/practices/${practiceId}/whatsapp/channel`, {
    phoneNumberId: '106540352242977',
    displayPhoneNumber: '+230 5200 0000',
    wabaId: '102290129340398',
    throughputPerSecond: 80,
  });
  cookie = api.cookie;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

async function openPhone(width: number, height: number): Promise<Page> {
  const context = await newContext(browser, app, { cookie, width, height });
  const page = await watchedPage(context, 'sandbox-tablet', consoleErrors);
  await page.goto(new URL('/sandbox/whatsapp', app.baseUrl).toString());
  await page.getByLabel("Patient's WhatsApp number").fill('23057123456');
  await page.getByLabel("Patient's WhatsApp name").fill('Marie Lebon');
  await page.getByRole('region', { name: /^Chat of Marie Lebon/ }).waitFor();
  return page;
}

describe('the WhatsApp sandbox on a tablet', () => {
  for (const [width, height] of [
    [768, 1024],
    [1024, 768],
  ] as const) {
    it(`at ${width}×${height}: nothing wider than the screen, the number whole, the message box in view`, async () => {
      const page = await openPhone(width, height);
      await page.screenshot({ path: path.join(artifactsDir, `sandbox-${width}x${height}.png`) });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      // The menu's chosen text (practice and number) fits inside it, beside its arrow.
      const menu = await page.getByLabel('Practice number').evaluate((select: HTMLSelectElement) => {
        const style = getComputedStyle(select);
        const pen = document.createElement('canvas').getContext('2d')!;
        pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const text = select.selectedOptions[0]?.textContent ?? '';
        const room = select.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
        return { text, needed: Math.ceil(pen.measureText(text).width), room };
      });
      expect(menu.text).toBe('+230 5200 0000 — Smile Dental Grand Baie');
      expect(menu.needed).toBeLessThanOrEqual(menu.room);
      const box = await page.getByRole('textbox', { name: 'Message', exact: true }).boundingBox();
      expect(box).not.toBeNull();
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height).toBeLessThanOrEqual(height);
      await page.close();
    });
  }

  it('with a long practice name, the menu still shows the whole number (the name is what it cuts)', async () => {
    const api = apiAs(app);
    api.cookie = cookie;
    await api.ok('PATCH', `/practices/${practiceId}`, {
      name: 'Centre Dentaire Familial de Quatre-Bornes, Rose-Hill et Beau-Bassin',
    });
    for (const [width, height] of [
      [768, 1024],
      [1024, 768],
    ] as const) {
      const page = await openPhone(width, height);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      const menu = await page.getByLabel('Practice number').evaluate((select: HTMLSelectElement) => {
        const style = getComputedStyle(select);
        const pen = document.createElement('canvas').getContext('2d')!;
        pen.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
        const text = select.selectedOptions[0]?.textContent ?? '';
        const room = select.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
        return { text, number: Math.ceil(pen.measureText(text.split(' — ')[0] ?? '').width), room };
      });
      expect(menu.text).toBe('+230 5200 0000 — Centre Dentaire Familial de Quatre-Bornes, Rose-Hill et Beau-Bassin');
      expect(menu.number).toBeLessThanOrEqual(menu.room);
      await page.close();
    }
  });

  it('wrote no errors to the console', () => {
    expect(consoleErrors).toEqual([]);
  });
});
