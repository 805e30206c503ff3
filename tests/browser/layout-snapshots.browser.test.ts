import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, instantAt, todayIn } from '../../apps/web/src/features/scheduling/zoned-time.js';
import {
  type RunningApp,
  apiAs,
  artifactsDir,
  launchBrowser,
  newContext,
  repoRoot,
  startApp,
  watchedPage,
} from './harness.js';

/**
 * Issue 16, tablet and keyboard: the main pages (Today, the calendar's day, patients, a patient,
 * the inbox with a conversation open, settings) on a 1024×768 tablet and on one held upright
 * (768×1024), each compared loosely with a committed baseline (tests/browser/baselines/layout),
 * so that a broken layout shows: a pane that collapses, a column pushed off the screen, a page
 * that scrolls sideways.
 *
 * Two comparisons, both loose on purpose (fonts, dates and times may differ by a few pixels):
 * - the boxes of the page's landmarks and main parts (header, navigation, main, heading, the
 *   page's own pane), as seen on the screen, each within 40 px of the baseline's;
 * - a thumbnail of the screen (one grey level per 16 px square): at most 15% of the squares may
 *   differ by more than a fifth of the grey scale. The full screenshots go to .test-artifacts.
 *
 * A missing baseline is written (and said so); UPDATE_SCREENSHOTS=1 writes them all again. The
 * data is the test's own, the calendar's day is fixed and the browser's clock is set to 10:20 on
 * it, so the pages show the same things whatever the day the test runs; the dates' words change,
 * which the tolerances absorb.
 */

const TZ = 'Indian/Mauritius';
const PHONE_NUMBER_ID = '106540352242979';
const OWNER = { name: 'Anjali Ramdin', email: 'anjali@layout.mu', password: 'correct horse battery' };
const BASELINES = path.join(repoRoot, 'tests/browser/baselines/layout');
const UPDATE = process.env.UPDATE_SCREENSHOTS === '1';
const CELL = 16;
const BOX_TOLERANCE = 40;
const GREY_TOLERANCE = 51;
const CELLS_ALLOWED = 0.15;

let browser: Browser;
let app: RunningApp;
let cookie = '';
let practiceId = '';
let patientId = '';
let conversationId = '';
let day = '';

const at = (clock: string) => instantAt(day, Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3)), TZ).toISOString();

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp();
  const api = apiAs(app);
  const me = await api.ok<{ user: { id: string }; memberships: { practiceId: string }[] }>('POST', '/setup', {
    practice: { name: 'Smile Dental Mahébourg', timeZone: TZ },
    owner: OWNER,
  });
  practiceId = me.memberships[0]!.practiceId;
  const ownerId = me.user.id;
  const P = `/practices/${practiceId}`;
  const chairIds: string[] = [];
  for (const [name, sortOrder] of [
    ['Chair 1', 0],
    ['Chair 2', 1],
  ] as const)
    chairIds.push((await api.ok<{ id: string }>('POST', `${P}/chairs`, { name, sortOrder })).id);
  const everyDay = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '08:00', end: '18:00' }));
  await api.ok('PUT', `${P}/opening-hours`, { hours: everyDay });
  await api.ok('POST', `${P}/providers`, { userId: ownerId, displayName: 'Dr Ramdin', colour: '#0f766e' });
  await api.ok('PUT', `${P}/providers/${ownerId}/hours`, { hours: everyDay });
  const checkup = await api.ok<{ id: string }>('POST', `${P}/appointment-types`, {
    nameEn: 'Check-up',
    nameFr: 'Contrôle',
    durationMinutes: 30,
    allowedRoles: ['owner', 'dentist'],
    colour: '#0ea5e9',
    minNoticeMinutes: 0,
  });
  const names = [
    ['Aisha', 'Ramjaun'],
    ['Jean', 'Appadoo'],
    ['Marie', 'Lebon'],
    ['Sophie', 'Li'],
    ['Vikash', 'Doorgakant'],
    ['Nadia', 'Hossenbux'],
    ['Kevin', 'Lagesse'],
    ['Priya', 'Seewoosagur'],
    ['Louis', 'Rivière'],
    ['Chloé', 'Ah-Kine'],
    ['Ravi', 'Bhugun'],
    ['Emma', 'Moutou'],
  ];
  const ids: string[] = [];
  for (const [i, [givenName, familyName]] of names.entries())
    ids.push(
      (
        await api.ok<{ id: string }>('POST', `${P}/patients`, {
          givenName,
          familyName,
          phone: `+2305710${String(1000 + i)}`,
          dateOfBirth: '1980-04-02',
        })
      ).id,
    );
  patientId = ids[2]!;
  await api.ok('PUT', `${P}/patients/${patientId}/alerts`, { allergies: ['Penicillin'] });
  // A treatment plan of four procedures, each with its Accept, Decline and Edit buttons.
  const prices = await api.ok<{ items: { id: string; code: string }[] }>('POST', `${P}/price-list/import-defaults`);
  const plan = await api.ok<{ id: string }>('POST', `${P}/patients/${patientId}/treatment-plans`, {
    title: 'Fillings and sealants',
  });
  const glassIonomer = prices.items.find((p) => p.code === 'GIC')!.id;
  for (const [i, tooth] of [36, 46, 85, 64].entries())
    await api.ok('POST', `${P}/patients/${patientId}/treatment-plans/${plan.id}/items`, {
      procedureId: glassIonomer,
      tooth,
      surfaces: 'MO',
      phase: i < 2 ? 1 : 2,
    });

  const holidays = new Set<string>();
  const year = Number(todayIn(TZ).slice(0, 4));
  for (const y of [year, year + 1])
    for (const h of (await api.ok<{ items: { date: string }[] }>('GET', `${P}/holidays?year=${y}`)).items)
      holidays.add(h.date);
  day = addDays(todayIn(TZ), 1);
  while (holidays.has(day)) day = addDays(day, 1);
  for (const [i, clock] of ['08:30', '09:00', '10:00', '11:00', '14:00', '15:30'].entries())
    await api.ok('POST', `${P}/appointments`, {
      patientId: ids[i],
      appointmentTypeId: checkup.id,
      providerId: ownerId,
      chairId: chairIds[i % 2],
      start: at(clock),
      source: 'phone',
    });

  await api.ok('PUT', `${P}/whatsapp/channel`, {
    phoneNumberId: PHONE_NUMBER_ID,
    displayPhoneNumber: '+230 5200 0003',
    wabaId: '102290129340400',
    throughputPerSecond: 80,
  });
  await api.ok('POST', '/sandbox/whatsapp/messages', {
    phoneNumberId: PHONE_NUMBER_ID,
    from: '23057101002',
    profileName: 'Marie',
    message: { type: 'text', body: 'Bonjour, mon plombage me fait mal depuis hier soir.' },
  });
  for (let tries = 0; tries < 75 && !conversationId; tries++) {
    const open = await api.ok<{ items: { id: string }[] }>('GET', `${P}/inbox/conversations?status=open`);
    conversationId = open.items[0]?.id ?? '';
    if (!conversationId) await new Promise((r) => setTimeout(r, 200));
  }
  if (!conversationId) throw new Error('The sandbox message made no conversation');
  await api.ok('PATCH', `${P}/inbox/conversations/${conversationId}`, { patientId, needsHuman: true });
  cookie = api.cookie;
  mkdirSync(BASELINES, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The main pages, each with its own pane besides the shell's landmarks; `clock`: the browser's clock is set on the day. */
const pages = () => [
  { name: 'today', url: `/app/${practiceId}/today`, parts: ['.day-list'], clock: true },
  { name: 'calendar-day', url: `/app/${practiceId}/calendar?date=${day}`, parts: ['.cal-scroll'], clock: true },
  { name: 'patients', url: `/app/${practiceId}/patients`, parts: ['.table-wrap'], clock: false },
  { name: 'patient', url: `/app/${practiceId}/patients/${patientId}`, parts: ['.record-tabs'], clock: false },
  {
    name: 'treatment-plan',
    url: `/app/${practiceId}/patients/${patientId}/plan`,
    parts: ['.plan-card', '.plan-card .plan-actions'],
    clock: false,
    tablesFit: true,
  },
  // On the real clock: Marie wrote minutes ago, so the reply box is open as it will be each run.
  { name: 'inbox', url: `/app/${practiceId}/inbox/${conversationId}`, parts: ['.inbox-thread'], clock: false },
  { name: 'settings', url: `/app/${practiceId}/settings/practice`, parts: ['nav.tabs', 'form'], clock: false },
];
const SHELL = ['header.topbar', 'nav.sidenav', 'main#main', 'main#main h1'];

/** The on-screen part of each selector's first element (null when absent or off the screen). */
async function boxes(page: Page, selectors: string[]): Promise<Record<string, Box | null>> {
  return page.evaluate((list) => {
    const result: Record<string, { x: number; y: number; width: number; height: number } | null> = {};
    for (const selector of list) {
      const el = document.querySelector(selector);
      const r = el?.getBoundingClientRect();
      if (!r || r.width === 0 || r.height === 0) {
        result[selector] = null;
        continue;
      }
      const left = Math.max(0, r.left);
      const top = Math.max(0, r.top);
      const right = Math.min(window.innerWidth, r.right);
      const bottom = Math.min(window.innerHeight, r.bottom);
      result[selector] =
        right > left && bottom > top
          ? {
              x: Math.round(left),
              y: Math.round(top),
              width: Math.round(right - left),
              height: Math.round(bottom - top),
            }
          : null;
    }
    return result;
  }, selectors);
}

/** A grey level per CELL×CELL square of a PNG screenshot, worked out in a blank page (no policy there to refuse a data: image). */
async function greyCells(scratch: Page, png: Buffer): Promise<{ cols: number; rows: number; grey: number[] }> {
  return scratch.evaluate(
    async ({ data, cell }) => {
      const image = new Image();
      image.src = `data:image/png;base64,${data}`;
      await image.decode();
      const cols = Math.ceil(image.width / cell);
      const rows = Math.ceil(image.height / cell);
      const canvas = document.createElement('canvas');
      canvas.width = cols;
      canvas.height = rows;
      const context = canvas.getContext('2d')!;
      context.imageSmoothingQuality = 'high';
      context.drawImage(image, 0, 0, cols, rows);
      const pixels = context.getImageData(0, 0, cols, rows).data;
      const grey: number[] = [];
      for (let i = 0; i < pixels.length; i += 4)
        grey.push(Math.round(0.299 * pixels[i]! + 0.587 * pixels[i + 1]! + 0.114 * pixels[i + 2]!));
      return { cols, rows, grey };
    },
    { data: png.toString('base64'), cell: CELL },
  );
}

/** The grey cells as a small greyscale PNG (the baseline's thumbnail, readable as an image). */
async function thumbnailPng(scratch: Page, cells: { cols: number; rows: number; grey: number[] }): Promise<Buffer> {
  const url = await scratch.evaluate(({ cols, rows, grey }) => {
    const canvas = document.createElement('canvas');
    canvas.width = cols;
    canvas.height = rows;
    const context = canvas.getContext('2d')!;
    const image = context.createImageData(cols, rows);
    grey.forEach((g, i) => {
      image.data.set([g, g, g, 255], i * 4);
    });
    context.putImageData(image, 0, 0);
    return canvas.toDataURL('image/png');
  }, cells);
  return Buffer.from(url.split(',')[1]!, 'base64');
}

/** Reads a thumbnail PNG back as grey cells. */
async function readThumbnail(scratch: Page, png: Buffer) {
  return scratch.evaluate(
    async ({ data }) => {
      const image = new Image();
      image.src = `data:image/png;base64,${data}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      const pixels = context.getImageData(0, 0, image.width, image.height).data;
      const grey: number[] = [];
      for (let i = 0; i < pixels.length; i += 4) grey.push(pixels[i]!);
      return { cols: image.width, rows: image.height, grey };
    },
    { data: png.toString('base64') },
  );
}

describe('the main pages keep their layout on a tablet', () => {
  for (const [width, height] of [
    [1024, 768],
    [768, 1024],
  ] as const) {
    it(`at ${width}×${height}`, async () => {
      const scratch = await browser.newPage();
      const problems: string[] = [];
      const written: string[] = [];
      for (const spec of pages()) {
        const context = await newContext(browser, app, { cookie, width, height });
        if (spec.clock) await context.clock.setFixedTime(new Date(at('10:20')));
        const page = await watchedPage(context, `layout-${spec.name}-${width}`);
        await page.goto(new URL(spec.url, app.baseUrl).toString());
        await page.locator('main#main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 15_000 });
        for (const part of spec.parts) await page.locator(part).first().waitFor();
        const label = `${spec.name}-${width}x${height}`;

        // What holds without a baseline: nothing wider than the screen, every part on it.
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        if (scrollWidth > width) problems.push(`${label}: the page is ${scrollWidth}px wide`);
        const now = await boxes(page, [...SHELL, ...spec.parts]);
        for (const [selector, box] of Object.entries(now)) {
          if (selector === 'nav.sidenav' && box === null) continue;
          if (!box) problems.push(`${label}: ${selector} is not on the screen`);
          else if (box.x + box.width > width + 1) problems.push(`${label}: ${selector} overflows the screen`);
        }
        // The plan's table cuts nothing off (status, actions): it fits its frame rather than scrolling inside it.
        const cutTables = await page.evaluate(() =>
          [...document.querySelectorAll('main .table-wrap')]
            .map((el) => el.scrollWidth - el.clientWidth)
            .filter((over) => over > 1),
        );
        if ('tablesFit' in spec && cutTables.length > 0)
          problems.push(`${label}: table(s) wider than their frame by ${cutTables.join(', ')}px`);
        // The patient overview's values start on one line, whatever the length of their terms.
        const valueLefts = await page.evaluate(() => [
          ...new Set(
            [...document.querySelectorAll('main .summary > div > dd')].map((dd) =>
              Math.round(dd.getBoundingClientRect().left),
            ),
          ),
        ]);
        if (spec.name === 'patient' && valueLefts.length !== 1)
          problems.push(`${label}: the overview's values start at ${valueLefts.join(', ')}px`);
        const pane = now[spec.parts[0]!];
        if (pane && pane.width < width * 0.45)
          problems.push(`${label}: ${spec.parts[0]} has collapsed to ${pane.width}px of ${width}`);

        // No caret blinking, no transition caught half-way (the page's policy refuses an injected style).
        const shot = await page.screenshot({ animations: 'disabled', caret: 'hide' });
        writeFileSync(path.join(artifactsDir, `layout-${label}.png`), shot);
        const cells = await greyCells(scratch, shot);
        await context.close();

        const boxFile = path.join(BASELINES, `${label}.json`);
        const thumbFile = path.join(BASELINES, `${label}.png`);
        if (UPDATE || !existsSync(boxFile) || !existsSync(thumbFile)) {
          writeFileSync(boxFile, `${JSON.stringify(now, null, 2)}\n`);
          writeFileSync(thumbFile, await thumbnailPng(scratch, cells));
          written.push(label);
          continue;
        }
        const before = JSON.parse(readFileSync(boxFile, 'utf8')) as Record<string, Box | null>;
        for (const [selector, was] of Object.entries(before)) {
          const is = now[selector] ?? null;
          if ((was === null) !== (is === null)) {
            problems.push(`${label}: ${selector} was ${was ? 'on' : 'off'} the screen, now ${is ? 'on' : 'off'}`);
            continue;
          }
          if (!was || !is) continue;
          for (const key of ['x', 'y', 'width', 'height'] as const)
            if (Math.abs(was[key] - is[key]) > BOX_TOLERANCE)
              problems.push(`${label}: ${selector} ${key} ${is[key]}px, was ${was[key]}px`);
        }
        const base = await readThumbnail(scratch, readFileSync(thumbFile));
        if (base.cols !== cells.cols || base.rows !== cells.rows) {
          problems.push(
            `${label}: the baseline thumbnail is ${base.cols}×${base.rows}, the screen ${cells.cols}×${cells.rows}`,
          );
          continue;
        }
        const differing = cells.grey.filter((g, i) => Math.abs(g - base.grey[i]!) > GREY_TOLERANCE).length;
        const share = differing / cells.grey.length;
        if (share > CELLS_ALLOWED)
          problems.push(
            `${label}: ${Math.round(share * 100)}% of the screen differs from the baseline (see .test-artifacts/layout-${label}.png)`,
          );
      }
      await scratch.close();
      if (written.length > 0) console.info(`Layout baselines written: ${written.join(', ')}`);
      expect(problems).toEqual([]);
    });
  }
});
