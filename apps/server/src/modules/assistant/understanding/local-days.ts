import { tzOffset } from '@date-fns/tz';

/**
 * Local calendar days as numbers (days since 1970-01-01 on the wall calendar of the practice's
 * zone) and back to instants. Works for any IANA zone, with or without daylight saving.
 */

export const DAY_MS = 86_400_000;
export const MINUTE_MS = 60_000;

export function offsetMinutes(timeZone: string, instant: Date): number {
  const offset = tzOffset(timeZone, instant);
  return Number.isFinite(offset) ? offset : 0;
}

export function localDayAndMinute(instant: Date, timeZone: string): { day: number; minute: number } {
  const wall = instant.getTime() + offsetMinutes(timeZone, instant) * MINUTE_MS;
  const day = Math.floor(wall / DAY_MS);
  return { day, minute: Math.floor((wall - day * DAY_MS) / MINUTE_MS) };
}

/** The instant of a local wall-clock time; a time skipped by a DST change lands just after it. */
export function localInstant(day: number, minute: number, timeZone: string): Date {
  const wall = day * DAY_MS + minute * MINUTE_MS;
  const guess = wall - offsetMinutes(timeZone, new Date(wall)) * MINUTE_MS;
  return new Date(wall - offsetMinutes(timeZone, new Date(guess)) * MINUTE_MS);
}

/** ISO weekday of a local day number: Monday 1 … Sunday 7 (1970-01-01 was a Thursday). */
export function isoWeekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

export function dayOfDate(year: number, month: number, date: number): number {
  return Date.UTC(year, month - 1, date) / DAY_MS;
}

export function firstOfMonth(day: number, monthsLater: number): number {
  const d = new Date(day * DAY_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + monthsLater, 1) / DAY_MS;
}

/** Year, month (1–12) and day of the month of a local day number. */
export function calendarOf(day: number): { year: number; month: number; date: number } {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, date: d.getUTCDate() };
}
