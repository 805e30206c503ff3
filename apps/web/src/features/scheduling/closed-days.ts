import { weekdayOf } from './zoned-time';

/**
 * The days shown on which the practice has no opening hours at all (a Sunday): closed, so the
 * calendar says so and offers no booking there. With no opening hours set up at all nothing is
 * called closed: the calendar's setup hint speaks instead.
 */
export function closedDays(days: readonly string[], openingHours: readonly { weekday: number }[]): Set<string> {
  if (openingHours.length === 0) return new Set();
  const open = new Set(openingHours.map((h) => h.weekday));
  return new Set(days.filter((day) => !open.has(weekdayOf(day))));
}

/** The day's weekday in words, in the interface language ("Sunday", "dimanche"). */
export function weekdayName(day: string, locale: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}
