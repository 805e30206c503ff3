import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayIn } from '../../apps/web/src/features/scheduling/zoned-time.js';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Issue 16, accessibility in CI: axe-core checks every main page of the demo practice (a full
 * calendar, 200 patients, clinical records, recalls, a waitlist, the WhatsApp sandbox) in English
 * and in French, at a laptop's and a tablet's width, against WCAG 2.1 A and AA. A serious or
 * critical finding fails the test, naming the rule and the elements.
 *
 * axe is run through the browser's debugging protocol (Playwright's evaluate), which the page's
 * Content-Security-Policy does not govern: the policy stays 'self' only and nothing is added to
 * the app for the test.
 */

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

let browser: Browser;
let app: RunningApp;
let practiceId = '';
let patientId = '';
const cookies = { owner: '', dentist: '' };

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp({ demo: true, readyTimeoutMs: 120_000 });
  for (const [key, email, password] of [
    ['owner', 'owner@demo.dentalpro.mu', 'demo-owner-2026'],
    ['dentist', 'dentist@demo.dentalpro.mu', 'demo-dentist-2026'],
  ] as const) {
    const api = apiAs(app);
    const me = await api.ok<{ memberships: { practiceId: string }[] }>('POST', '/auth/login', { email, password });
    practiceId = me.memberships[0]!.practiceId;
    cookies[key] = api.cookie;
  }
  // A patient with a clinical record (the demo gives 32 of them one): the chart and notes tabs have content.
  const owner = apiAs(app);
  owner.cookie = cookies.owner;
  const patients = await owner.ok<{ items: { id: string }[] }>('GET', `/practices/${practiceId}/patients?limit=50`);
  for (const { id } of patients.items) {
    const plans = await owner.ok<{ items: unknown[] }>(
      'GET',
      `/practices/${practiceId}/patients/${id}/treatment-plans`,
    );
    if (plans.items.length > 0) {
      patientId = id;
      break;
    }
  }
  expect(patientId, 'a demo patient with a treatment plan').not.toBe('');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

/** Opens the page, waits until it has drawn its data, runs axe and returns the serious and critical findings. */
async function seriousFindings(page: Page, url: string): Promise<string[]> {
  await page.goto(new URL(url, app.baseUrl).toString());
  await page.locator('h1').first().waitFor();
  await page.waitForLoadState('networkidle');
  await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 15_000 });
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<unknown> } }).axe;
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    })) as { violations: unknown[] };
    return result.violations;
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${url}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes
          .slice(0, 4)
          .map((n) => n.target.join(' '))
          .join(', ')}${v.nodes.length > 4 ? ` and ${v.nodes.length - 4} more` : ''}`,
    );
}

/** The working day (Monday to Saturday) `step` days away from today in Mauritius, or the next one past it. */
function workingDay(step: number): string {
  let day = addDays(todayIn('Indian/Mauritius'), step);
  while (new Date(`${day}T12:00:00Z`).getUTCDay() === 0) day = addDays(day, Math.sign(step));
  return day;
}

const ownerPages = () => [
  `/app/${practiceId}/today`,
  `/app/${practiceId}/calendar`,
  // The demo's visits: done ones the day before, coming ones the day after (cards of every kind).
  `/app/${practiceId}/calendar?date=${workingDay(-1)}`,
  `/app/${practiceId}/calendar?date=${workingDay(1)}`,
  `/app/${practiceId}/calendar?view=week`,
  `/app/${practiceId}/calendar?view=week&date=${workingDay(7)}`,
  `/app/${practiceId}/patients`,
  `/app/${practiceId}/patients/${patientId}`,
  `/app/${practiceId}/patients/${patientId}/chart`,
  `/app/${practiceId}/patients/${patientId}/plan`,
  `/app/${practiceId}/patients/${patientId}/notes`,
  `/app/${practiceId}/recalls`,
  `/app/${practiceId}/waitlist`,
  `/app/${practiceId}/inbox`,
  `/app/${practiceId}/settings/practice`,
  `/app/${practiceId}/settings/reminders`,
  `/app/${practiceId}/privacy/retention`,
  `/app/${practiceId}/privacy/legal-holds`,
  `/app/${practiceId}/audit`,
  `/app/${practiceId}/account`,
];

describe('axe finds nothing serious on the main pages', () => {
  for (const [language, locale, width, height] of [
    ['English', 'en-GB', 1366, 768],
    ['French', 'fr-FR', 1024, 768],
  ] as const) {
    it(`for the owner, in ${language} at ${width}×${height}`, async () => {
      const context = await newContext(browser, app, { cookie: cookies.owner, locale, width, height });
      const page = await watchedPage(context, `axe-owner-${locale}`);
      const findings: string[] = [];
      for (const url of ownerPages()) findings.push(...(await seriousFindings(page, url)));
      await context.close();
      expect(findings).toEqual([]);
    });
  }

  it("for the dentist's My day and the public pages, in French and English", async () => {
    const findings: string[] = [];
    for (const locale of ['fr-FR', 'en-GB']) {
      const dentist = await newContext(browser, app, { cookie: cookies.dentist, locale, width: 1024, height: 768 });
      const page = await watchedPage(dentist, `axe-dentist-${locale}`);
      findings.push(...(await seriousFindings(page, `/app/${practiceId}/my-day`)));
      await dentist.close();
      const visitor = await newContext(browser, app, { locale });
      const publicPage = await watchedPage(visitor, `axe-public-${locale}`);
      for (const url of ['/login', '/privacy', '/sandbox/whatsapp'])
        findings.push(...(await seriousFindings(publicPage, url)));
      await visitor.close();
    }
    expect(findings).toEqual([]);
  });

  it('and at 768×1024 (a tablet held upright) no main page is wider than the screen', async () => {
    // The page itself never scrolls sideways; wide content (the calendar's chairs, a table) scrolls
    // inside its own region. Each page is photographed into .test-artifacts for a look.
    const context = await newContext(browser, app, { cookie: cookies.owner, width: 768, height: 1024 });
    const page = await watchedPage(context, 'portrait');
    const tooWide: string[] = [];
    for (const url of ownerPages()) {
      await page.goto(new URL(url, app.baseUrl).toString());
      await page.locator('h1').first().waitFor();
      await page.waitForLoadState('networkidle');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > 768) tooWide.push(`${url}: ${width}px`);
      const name = url.replace(`/app/${practiceId}/`, '').replace(/[^a-z0-9]+/gi, '-');
      await page.screenshot({ path: path.join(artifactsDir, `portrait-${name}.png`) });
    }
    await context.close();
    expect(tooWide).toEqual([]);
  });

  it('and the check itself catches a serious finding', async () => {
    // A control without a name, put in on purpose: the run above would have reported it.
    const context = await newContext(browser, app, { cookie: cookies.owner });
    const page = await watchedPage(context, 'axe-self-check');
    await page.goto(new URL(`/app/${practiceId}/patients`, app.baseUrl).toString());
    await page.locator('h1').first().waitFor();
    await page.evaluate(() => {
      const input = document.createElement('input');
      input.type = 'text';
      document.querySelector('main')?.append(input);
    });
    await page.evaluate(axeSource);
    const ids = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: Document) => Promise<unknown> } }).axe;
      const result = (await axe.run(document)) as { violations: { id: string; impact: string }[] };
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id);
    });
    await context.close();
    expect(ids).toContain('label');
  });
});
