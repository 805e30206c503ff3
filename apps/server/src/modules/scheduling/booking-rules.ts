import { tzOffset } from '@date-fns/tz';
import { fitsOneStretch } from './availability.js';

/**
 * The rules a requested slot must meet, as pure functions: the booking service reads what they need
 * from the database and asks them; the availability engine applies the same rules when it offers
 * slots, and property tests hold the two to each other.
 */

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
 * Whether [start, end) lies inside the weekly intervals, in local time: inside one stretch of the
 * start's local date, where intervals that touch end to start join (as the availability engine
 * joins them). An end at local midnight counts as minute 1440 of the start's day; anything
 * crossing midnight fits nothing.
 */
export function fitsWeeklyHours(start: Date, end: Date, timeZone: string, intervals: MinuteInterval[]): boolean {
  return fitsOneStretch(start, end, timeZone, intervals);
}

export interface ProviderInterval extends MinuteInterval {
  /** Hours tied to a chair are worked on that chair only; null is any chair. */
  chairId: string | null;
  /** Inclusive local dates 'YYYY-MM-DD'; null or absent is open-ended. */
  validFrom?: string | null;
  validTo?: string | null;
}

export type HoursRefusal =
  | { code: 'outside_opening_hours'; detail?: undefined; extra?: undefined }
  | { code: 'outside_provider_hours'; detail: string; extra: { providerOnAnotherChair: boolean } };

/**
 * Whether a visit on a chair fits the practice's opening hours and the provider's working hours
 * of its local day. As in the engine, the provider's any-chair hours and their hours tied to this
 * chair are two separate sets of stretches: a visit lies inside one stretch of either.
 */
export function weeklyHoursRefusal(visit: {
  start: Date;
  end: Date;
  timeZone: string;
  chairId: string;
  opening: MinuteInterval[];
  providerHours: ProviderInterval[];
}): HoursRefusal | null {
  const { start, end, timeZone } = visit;
  if (!fitsWeeklyHours(start, end, timeZone, visit.opening)) return { code: 'outside_opening_hours' };
  const { date } = wallClock(start, timeZone);
  const valid = visit.providerHours.filter(
    (h) => (!h.validFrom || h.validFrom <= date) && (!h.validTo || date <= h.validTo),
  );
  const fits = (chairId: string | null) =>
    fitsWeeklyHours(
      start,
      end,
      timeZone,
      valid.filter((h) => h.chairId === chairId),
    );
  if (fits(null) || fits(visit.chairId)) return null;
  const chairs = new Set(valid.map((h) => h.chairId).filter((c) => c !== null && c !== visit.chairId));
  const onOtherChair = [...chairs].some((c) => fits(c));
  return {
    code: 'outside_provider_hours',
    detail: onOtherChair
      ? 'The provider works on another chair at that time'
      : 'The provider does not work at that time',
    // Said apart so the calendar can tell "on another chair then" from "not working then".
    extra: { providerOnAnotherChair: onOtherChair },
  };
}

/** A little slack so a walk-in booked "now" is not refused for being seconds in the past. */
export const PAST_TOLERANCE_MS = 5 * 60_000;

export type TimingRefusal = 'in_the_past' | 'too_soon' | 'too_far_ahead';

/**
 * When a visit may start. Staff may book up to the present; patients booking themselves (on
 * WhatsApp) must give the type's minimum notice and stay within its horizon: the bounds
 * availability uses for patients, [now + notice, now + maxDaysAhead days).
 */
export function timingRefusal(visit: {
  start: Date;
  now: Date;
  byPatient: boolean;
  type: { minNoticeMinutes: number; maxDaysAhead: number };
}): TimingRefusal | null {
  const start = visit.start.getTime();
  const now = visit.now.getTime();
  if (start < now - PAST_TOLERANCE_MS) return 'in_the_past';
  if (!visit.byPatient) return null;
  if (start < now + visit.type.minNoticeMinutes * 60_000) return 'too_soon';
  if (start >= now + visit.type.maxDaysAhead * 86_400_000) return 'too_far_ahead';
  return null;
}

/** A tstzrange literal, half-open. */
export const rangeLiteral = (start: Date, end: Date) => `[${start.toISOString()},${end.toISOString()})`;
