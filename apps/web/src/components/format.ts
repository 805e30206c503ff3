import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import { useTranslation } from 'react-i18next';

const LOCALES = { en: 'en-GB', fr: 'fr-FR' } as const;
type Language = keyof typeof LOCALES;

/** A stored number (E.164) as people read it: +230 5536 4760. What does not parse is shown as it is. */
export function formatPhone(value: string): string {
  const parsed = parsePhoneNumberFromString(value, 'MU');
  return parsed?.isValid() ? parsed.formatInternational() : value;
}

const dayFormatters = new Map<Language, Intl.DateTimeFormat>();

/**
 * A calendar date ('YYYY-MM-DD', e.g. a birth date) in the interface language: 27 Aug 1988,
 * 27 août 1988. It names a day, not an instant: placed at UTC midnight and formatted in UTC,
 * so no time zone can move it to the day before. Anything else is shown as it is.
 */
export function formatDay(day: string, language: Language): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return day;
  const at = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  // Date.UTC rolls 1988-02-30 over to March: show such a string untouched instead.
  if (at.toISOString().slice(0, 10) !== day) return day;
  let formatter = dayFormatters.get(language);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'medium', timeZone: 'UTC' });
    dayFormatters.set(language, formatter);
  }
  return formatter.format(at);
}

/** `formatDay` in the interface language. */
export function useDayFormat(): (day: string) => string {
  const language = useLanguage();
  return (day: string) => formatDay(day, language);
}

function useLanguage(): Language {
  const { i18n } = useTranslation();
  return (i18n.resolvedLanguage ?? i18n.language) === 'fr' ? 'fr' : 'en';
}

/** Dates and times in the interface language, in the practice's time zone (not the browser's). */
export function useDateFormat(timeZone: string | undefined) {
  const language = useLanguage();
  const locale = LOCALES[language];
  const make = (options: Intl.DateTimeFormatOptions) => {
    try {
      return new Intl.DateTimeFormat(locale, { ...options, timeZone });
    } catch {
      return new Intl.DateTimeFormat(locale, options);
    }
  };
  const date = make({ dateStyle: 'medium' });
  // Hours and minutes: seconds mean nothing to a reader of the trail or a record's history.
  const dateTime = make({ dateStyle: 'medium', timeStyle: 'short' });
  return {
    date: (iso: string) => date.format(new Date(iso)),
    dateTime: (iso: string) => dateTime.format(new Date(iso)),
    /** A calendar date ('YYYY-MM-DD'), never shifted by the time zone. */
    day: (day: string) => formatDay(day, language),
  };
}

/** The instant a calendar day (YYYY-MM-DD) starts in a time zone, as an ISO string with offset. */
export function startOfDayIn(day: string, timeZone: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  // Two passes settle on the right offset even when it changes around the day's start.
  let instant = guess - offsetMs(guess, timeZone);
  instant = guess - offsetMs(instant, timeZone);
  return new Date(instant).toISOString();
}

function offsetMs(instant: number, timeZone: string): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(instant));
  } catch {
    return 0;
  }
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The next calendar day, for an inclusive "to" date. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}
