import { tzOffset } from '@date-fns/tz';

/** Wall-clock position of an instant in a zone: local date, ISO weekday (Monday = 1) and minute of the day. */
export function wallClock(instant: Date, timeZone: string): { date: string; weekday: number; minute: number } {
  const local = instant.getTime() + tzOffset(timeZone, instant) * 60_000;
  const day = Math.floor(local / 86_400_000);
  const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
  // 1970-01-01 was a Thursday (ISO 4).
  const weekday = ((((day + 3) % 7) + 7) % 7) + 1;
  return { date, weekday, minute: Math.round((local - day * 86_400_000) / 60_000) };
}

export interface MinuteInterval {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

/**
 * Whether [start, end) lies inside one of the weekly intervals, in local time. An end at
 * local midnight counts as minute 1440 of the start's day; anything crossing midnight fits nothing.
 */
export function fitsWeeklyHours(start: Date, end: Date, timeZone: string, intervals: MinuteInterval[]): boolean {
  const s = wallClock(start, timeZone);
  const e = wallClock(end, timeZone);
  const endMinute = e.date === s.date ? e.minute : e.minute === 0 && end.getTime() - start.getTime() <= 86_400_000 ? 1440 : -1;
  if (endMinute < 0) return false;
  return intervals.some((i) => i.weekday === s.weekday && i.startMinute <= s.minute && endMinute <= i.endMinute);
}

/** A tstzrange literal, half-open. */
export const rangeLiteral = (start: Date, end: Date) => `[${start.toISOString()},${end.toISOString()})`;
