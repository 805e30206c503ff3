/**
 * Wall-clock arithmetic in the practice's time zone, with nothing but Intl. A "day" is a
 * local calendar date 'YYYY-MM-DD'; "minutes" count from that day's local midnight.
 */

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

export interface WallTime {
  day: string;
  /** Minutes since local midnight (0–1439). */
  minutes: number;
}

/** Where an instant falls on the practice's wall clock. */
export function wallTimeOf(instant: Date | string | number, timeZone: string): WallTime {
  const date = instant instanceof Date ? instant : new Date(instant);
  const parts = partsFormatter(timeZone).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '00';
  return {
    day: `${get('year')}-${get('month')}-${get('day')}`,
    minutes: Number(get('hour')) * 60 + Number(get('minute')),
  };
}

function offsetMinutesAt(instantMs: number, timeZone: string): number {
  const parts = partsFormatter(timeZone).formatToParts(new Date(instantMs));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instantMs / 1000) * 1000) / 60_000);
}

/**
 * The instant at which the practice's clock shows `minutes` past midnight of `day`.
 * The offset is found by iterating: guess with the offset at the naive UTC instant, then
 * correct with the offset at the guess (enough for every real zone's transitions). A wall
 * time skipped by a spring-forward gap lands just after the gap.
 */
export function instantAt(day: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const naive = Date.UTC(y, m - 1, d, 0, minutes);
  let instant = naive - offsetMinutesAt(naive, timeZone) * 60_000;
  for (let i = 0; i < 3; i++) {
    const next = naive - offsetMinutesAt(instant, timeZone) * 60_000;
    if (next === instant) break;
    instant = next;
  }
  return new Date(instant);
}

export function todayIn(timeZone: string, now: Date = new Date()): string {
  return wallTimeOf(now, timeZone).day;
}

export function addDays(day: string, count: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + count)).toISOString().slice(0, 10);
}

/** ISO weekday of a local date: Monday 1 … Sunday 7. */
export function weekdayOf(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const js = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return js === 0 ? 7 : js;
}

export function mondayOf(day: string): string {
  return addDays(day, 1 - weekdayOf(day));
}

export function isDay(value: string | null | undefined): value is string {
  return (
    typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))
  );
}

/** 'HH:MM' → minutes since midnight ('24:00' → 1440). */
export function parseClock(value: string): number {
  const [h, m] = value.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** minutes since midnight → 'HH:MM'. */
export function clock(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}
