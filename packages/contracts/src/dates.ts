import { z } from 'zod';

/**
 * The dates the API takes, each within a window that makes sense for what it is. Outside it the
 * answer is the field error `date_out_of_range` with the window as `minimum` / `maximum`.
 * Without a window, `9999-12-31T23:59:59Z` plus an appointment's length falls in year 10000,
 * which neither JavaScript's ISO format nor PostgreSQL read back, and a typo such as 0202 for
 * 2022 would be kept. Windows that follow today are computed when the request is read.
 * Responses use plain strings: a row kept from before a window moved must still be shown.
 */

/** The oldest date anything may carry: the birth of the oldest living patients, a history charted long ago. */
export const EARLIEST_DATE = '1900-01-01';
/** The latest date anything may carry, whatever it is. */
export const LATEST_DATE = '2100-12-31';
/** The calendar (appointments, closures, blocks, holidays, recalls): nothing from before this software era. */
export const CALENDAR_EARLIEST_DATE = '2000-01-01';
/**
 * How far ahead the calendar takes anything: appointment types book at most two years ahead
 * (maxDaysAhead 730) and recalls come at most 60 months apart; five years covers both.
 */
export const CALENDAR_YEARS_AHEAD = 5;

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Window {
  minimum: string;
  maximum: string;
}
/** Fixed windows, and those that follow today (UTC; a day's slack where the time zone matters). */
const fixed = (minimum: string, maximum: string) => () => ({ minimum, maximum });
const calendarWindow = (): Window => {
  const ahead = new Date();
  ahead.setUTCFullYear(ahead.getUTCFullYear() + CALENDAR_YEARS_AHEAD);
  return { minimum: CALENDAR_EARLIEST_DATE, maximum: isoDay(ahead.getTime()) };
};
/** Today anywhere on Earth is at most tomorrow in UTC; the service checks the practice's own today. */
const untilTomorrow = (): Window => ({ minimum: EARLIEST_DATE, maximum: isoDay(Date.now() + DAY_MS) });

type Refinable = z.ZodString | z.ZodISODate | z.ZodISODateTime;

/** A day-precision check: `dayOf` gives the value's date (an instant's UTC date), null when the format is wrong. */
function within<T extends Refinable>(
  schema: T,
  window: () => Window,
  dayOf: (value: string) => string | null,
  above: 'date_out_of_range' | 'birth_date_in_future' = 'date_out_of_range',
) {
  return schema.superRefine((value, ctx) => {
    const date = dayOf(value);
    // A value not in the format is refused by the format check alone.
    if (date === null) return;
    const { minimum, maximum } = window();
    if (date >= minimum && date <= maximum) return;
    const code = date > maximum ? above : 'date_out_of_range';
    ctx.addIssue({
      code: 'custom',
      input: value,
      message:
        code === 'birth_date_in_future'
          ? 'The date of birth is in the future'
          : `Use a date from ${minimum} to ${maximum}`,
      params: { code, minimum, maximum },
    });
  });
}

/** The UTC date of an ISO instant with offset. */
function utcDay(value: string) {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : isoDay(ms);
}
const day = (value: string) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? value : null);

const IsoDate = z.iso.date();
const IsoInstant = z.iso.datetime({ offset: true });

/** A date, YYYY-MM-DD, from 1900 to 2100. */
export const LocalDate = within(IsoDate, fixed(EARLIEST_DATE, LATEST_DATE), day).describe(
  `A date (YYYY-MM-DD) from ${EARLIEST_DATE} to ${LATEST_DATE}`,
);
/** An instant with its offset, from 1900 to 2100. */
export const Instant = within(IsoInstant, fixed(EARLIEST_DATE, LATEST_DATE), utcDay).describe(
  `A date-time with offset from ${EARLIEST_DATE} to ${LATEST_DATE}`,
);
/** A day of the calendar: from 2000 to five years from today. */
export const CalendarDate = within(IsoDate, calendarWindow, day).describe(
  `A date (YYYY-MM-DD) from ${CALENDAR_EARLIEST_DATE} to ${CALENDAR_YEARS_AHEAD} years from today`,
);
/** An instant of the calendar (appointments, holds, closures, blocks, availability): from 2000 to five years from now. */
export const CalendarInstant = within(IsoInstant, calendarWindow, utcDay).describe(
  `A date-time with offset from ${CALENDAR_EARLIEST_DATE} to ${CALENDAR_YEARS_AHEAD} years from now`,
);
/** A date of birth: from 1900 to today (birth_date_in_future after it). */
export const BirthDate = within(IsoDate, untilTomorrow, day, 'birth_date_in_future').describe(
  `A date of birth (YYYY-MM-DD) from ${EARLIEST_DATE} to today`,
);
