import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DashboardCounts, RemindersDashboard } from '@dentalpro/contracts';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, apiAs, artifactsDir, launchBrowser, newContext, startApp, watchedPage } from './harness.js';

/**
 * Issue 13, the dashboard (Deliver 8): the demo practice's month of visits, as the owner sees it at
 * 1366×768 and the front desk in French on a 1024×768 tablet. Totals and charts by week or month,
 * each chart's table for screen readers (and for everyone, by its "Table" button, with the
 * keyboard), filters in the address, an empty range, a range backwards; dentists have no dashboard.
 * axe (WCAG 2.1 AA) finds nothing serious with the charts or with a table shown.
 */

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let browser: Browser;
let app: RunningApp;
let practiceId = '';
const cookies = { owner: '', reception: '', dentist: '' };
const consoleErrors: string[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
  app = await startApp({ demo: true, readyTimeoutMs: 180_000 });
  for (const [key, email, password] of [
    ['owner', 'owner@demo.dentalpro.mu', 'demo-owner-2026'],
    ['reception', 'reception@demo.dentalpro.mu', 'demo-reception-2026'],
    ['dentist', 'dentist@demo.dentalpro.mu', 'demo-dentist-2026'],
  ] as const) {
    const api = apiAs(app);
    const me = await api.ok<{ memberships: { practiceId: string }[] }>('POST', '/auth/login', { email, password });
    practiceId = me.memberships[0]!.practiceId;
    cookies[key] = api.cookie;
  }
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  expect(consoleErrors).toEqual([]);
});

async function seriousFindings(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: unknown) => Promise<unknown> } }).axe;
    const result = (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    })) as { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] };
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** The dashboard's answer for the range the page shows (read from the page's own request). */
async function answerOf(page: Page, action: () => Promise<unknown>): Promise<RemindersDashboard> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/reminders/dashboard') && r.status() === 200),
    action(),
  ]);
  return (await response.json()) as RemindersDashboard;
}

const percentEn = (part: number, whole: number) =>
  new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 0 }).format(part / whole);

/** How wide a table shows on screen: its box clipped by a visually hidden wrapper (1 px) or not. */
const shownWidth = (table: Locator) =>
  table.evaluate((element) => {
    const wrapper = element.parentElement!.getBoundingClientRect();
    return Math.min(wrapper.width, element.getBoundingClientRect().width);
  });

const noHorizontalScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

describe('the dashboard', () => {
  it('shows the owner the weeks of the demo: totals, four charts, each with its table', async () => {
    const context = await newContext(browser, app, { cookie: cookies.owner, width: 1366, height: 768 });
    const page = await watchedPage(context, 'dashboard-owner', consoleErrors);
    await page.goto(new URL(`/app/${practiceId}/calendar`, app.baseUrl).toString());
    const answer = await answerOf(page, () =>
      page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Dashboard' }).click(),
    );
    await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' }).isVisible()).resolves.toBe(true);
    expect(await page.title()).toBe('Dashboard · DentalPro');
    expect(answer.granularity).toBe('week');
    expect(answer.periods).toHaveLength(12);

    // The demo's past visits: some missed. The tile says the same share as the numbers.
    const totals: DashboardCounts = answer.totals;
    expect(totals.appointmentsDue).toBeGreaterThan(0);
    const noShowTile = page.locator('.dashboard-tile', { hasText: 'No-show rate' }).locator('dd');
    expect(await noShowTile.textContent()).toBe(percentEn(totals.noShows, totals.appointmentsDue));
    expect(await page.locator('.dashboard-tile', { hasText: 'Reminders sent' }).locator('dd').textContent()).toBe(
      String(totals.remindersSent),
    );

    const charts = page.locator('section.dashboard-chart');
    expect(await charts.count()).toBe(4);
    await page.locator('.dashboard-plot .recharts-surface').first().waitFor();
    // The table behind each chart is there for screen readers: a row per week, the same numbers.
    const attendance = page.getByRole('region', { name: 'Confirmations and no-shows' });
    const table = attendance.getByRole('table', { name: 'Confirmations and no-shows' });
    expect(await table.locator('tbody tr').count()).toBe(12);
    const lastWeek = answer.periods.at(-2)!;
    const row = table.locator('tbody tr').nth(10);
    expect(await row.locator('td').nth(3).textContent()).toBe(String(lastWeek.appointmentsDue));
    expect(await row.locator('td').nth(4).textContent()).toBe(String(lastWeek.noShows));
    expect(await shownWidth(table)).toBeLessThanOrEqual(1);
    expect(await page.locator('.dashboard-plot').first().getAttribute('aria-hidden')).toBe('true');
    expect(await noHorizontalScroll(page)).toBe(true);
    await page.screenshot({ path: path.join(artifactsDir, 'dashboard-1366x768.png'), fullPage: true });
    expect(await seriousFindings(page)).toEqual([]);

    // "Table" with the keyboard: the chart gives way to its table, for everyone.
    const toggle = attendance.getByRole('button', { name: 'Table' });
    await toggle.focus();
    await page.keyboard.press('Enter');
    expect(await toggle.getAttribute('aria-pressed')).toBe('true');
    expect(await shownWidth(table)).toBeGreaterThan(400);
    expect(await attendance.locator('.dashboard-plot').count()).toBe(0);
    expect(await seriousFindings(page)).toEqual([]);
    await page.keyboard.press('Space');
    expect(await toggle.getAttribute('aria-pressed')).toBe('false');
    await context.close();
  });

  it('filters by month and provider in the address, and says when there is nothing to show', async () => {
    const context = await newContext(browser, app, { cookie: cookies.owner, width: 1366, height: 768 });
    const page = await watchedPage(context, 'dashboard-filters', consoleErrors);
    await answerOf(page, () => page.goto(new URL(`/app/${practiceId}/dashboard`, app.baseUrl).toString()));
    const months = await answerOf(page, () => page.getByLabel('Show', { exact: true }).selectOption('month'));
    expect(months.granularity).toBe('month');
    expect(months.periods).toHaveLength(12);
    expect(page.url()).toContain('by=month');
    const table = page.getByRole('table', { name: 'Reminders' });
    const monthName = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
      new Date(`${months.periods.at(-1)!.start}T00:00:00Z`),
    );
    expect(await table.locator('tbody tr').last().locator('th').textContent()).toBe(monthName);

    const provider = page.getByLabel('Provider', { exact: true });
    const firstProvider = await provider.locator('option').nth(1).getAttribute('value');
    const filtered = await answerOf(page, () => provider.selectOption(firstProvider!));
    expect(filtered.totals.appointmentsDue).toBeLessThanOrEqual(months.totals.appointmentsDue);
    expect(page.url()).toContain(`provider=${firstProvider}`);
    // Reloaded, the address keeps the choices.
    await answerOf(page, () => page.reload());
    expect(await page.getByLabel('Provider', { exact: true }).inputValue()).toBe(firstProvider);

    // Two years back, before the demo began: nothing to show.
    await answerOf(page, async () => {
      await page.getByLabel('From', { exact: true }).fill('2024-01-01');
      await page.getByLabel('To', { exact: true }).fill('2024-03-31');
    });
    await page.getByRole('heading', { name: 'Nothing to show for these dates yet' }).waitFor();
    expect(await seriousFindings(page)).toEqual([]);

    // Backwards: said at once, nothing asked of the server.
    await page.getByLabel('From', { exact: true }).fill('2024-06-01');
    expect(await page.getByRole('alert').textContent()).toContain('The end date is before the start date.');
    await context.close();
  });

  it('reads in French on the desk’s 1024×768 tablet, the menu folded', async () => {
    const context = await newContext(browser, app, {
      cookie: cookies.reception,
      locale: 'fr-FR',
      width: 1024,
      height: 768,
    });
    const page = await watchedPage(context, 'dashboard-fr', consoleErrors);
    await page.addInitScript(() => localStorage.setItem('dentalpro.language', 'fr'));
    await page.goto(new URL(`/app/${practiceId}/calendar`, app.baseUrl).toString());
    await answerOf(page, () =>
      page
        .getByRole('navigation', { name: 'Navigation principale' })
        .getByRole('link', { name: 'Tableau de bord' })
        .click(),
    );
    await page.getByRole('heading', { level: 1, name: 'Tableau de bord' }).waitFor();
    await page.getByRole('heading', { name: 'Confirmations et absences' }).waitFor();
    expect(await page.getByRole('table', { name: 'Rappels' }).locator('tbody th').first().textContent()).toMatch(
      /^Semaine du \d{1,2} /,
    );
    expect(await page.locator('.dashboard-tile dt').first().textContent()).toBe('Rappels envoyés');
    expect(await noHorizontalScroll(page)).toBe(true);
    await page.screenshot({ path: path.join(artifactsDir, 'dashboard-fr-1024x768.png'), fullPage: true });
    expect(await seriousFindings(page)).toEqual([]);
    await context.close();
  });

  it('is not offered to dentists', async () => {
    const context = await newContext(browser, app, { cookie: cookies.dentist, width: 1366, height: 768 });
    const page = await watchedPage(context, 'dashboard-dentist', consoleErrors);
    await page.goto(new URL(`/app/${practiceId}/calendar`, app.baseUrl).toString());
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await nav.getByRole('link', { name: 'Calendar' }).waitFor();
    expect(await nav.getByRole('link', { name: 'Dashboard' }).count()).toBe(0);
    await page.goto(new URL(`/app/${practiceId}/dashboard`, app.baseUrl).toString());
    await page.getByRole('alert').waitFor();
    await context.close();
  });
});
