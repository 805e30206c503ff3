import type { DashboardGranularity } from '@dentalpro/contracts';

/**
 * The periods of the dashboard: a range of practice-local dates widened to whole weeks (Monday to
 * Sunday, as PostgreSQL's date_trunc('week') counts them) or whole months, cut into them.
 */

const DAY_MS = 86_400_000;
const toDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const msOf = (date: string) => Date.parse(`${date}T00:00:00Z`);

export interface DashboardPeriods {
  from: string;
  to: string;
  periods: { start: string; end: string }[];
}

/** Days from `from` to `to`, both included (1 for a single day; 0 or less when `to` is before `from`). */
export function daysSpanned(from: string, to: string): number {
  return Math.round((msOf(to) - msOf(from)) / DAY_MS) + 1;
}

function periodStart(date: string, granularity: DashboardGranularity): string {
  if (granularity === 'month') return `${date.slice(0, 7)}-01`;
  const ms = msOf(date);
  const sinceMonday = (new Date(ms).getUTCDay() + 6) % 7;
  return toDay(ms - sinceMonday * DAY_MS);
}

function nextStart(start: string, granularity: DashboardGranularity): string {
  if (granularity === 'week') return toDay(msOf(start) + 7 * DAY_MS);
  const d = new Date(msOf(start));
  d.setUTCMonth(d.getUTCMonth() + 1);
  return toDay(d.getTime());
}

export function dashboardPeriods(from: string, to: string, granularity: DashboardGranularity): DashboardPeriods {
  const periods: { start: string; end: string }[] = [];
  for (let start = periodStart(from, granularity); start <= to; ) {
    const next = nextStart(start, granularity);
    periods.push({ start, end: toDay(msOf(next) - DAY_MS) });
    start = next;
  }
  return { from: periods[0]?.start ?? from, to: periods.at(-1)?.end ?? to, periods };
}

/** The day after a date (a range's end, excluded, as the instants' upper bound). */
export function dayAfter(date: string): string {
  return toDay(msOf(date) + DAY_MS);
}
