/**
 * Date arithmetic for the recall and waitlist screens, on calendar dates ('YYYY-MM-DD') and
 * months ('YYYY-MM') as the practice's clock gives them: no time zone can shift them.
 */

/** The month of a date: '2026-12-06' → '2026-12'. */
export const monthOf = (day: string) => day.slice(0, 7);

/** The month `count` months after `month` (negative: before). */
export function addMonths(month: string, count: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + count;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The first and last day of a month. */
export function monthBounds(month: string): { first: string; last: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { first: `${month}-01`, last: `${month}-${String(days).padStart(2, '0')}` };
}

/** The same day `count` months earlier, kept inside that month (31 March − 1 month → 28/29 February). */
export function monthsBefore(day: string, count: number): string {
  const month = addMonths(monthOf(day), -count);
  const { last } = monthBounds(month);
  const wanted = `${month}-${day.slice(8, 10)}`;
  return wanted > last ? last : wanted;
}

/** Whole days from one date to another (the waitlist's "on the list for"). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** The later of two dates. */
export const laterDay = (a: string, b: string) => (a > b ? a : b);
