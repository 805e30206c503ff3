import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { clock, wallTimeOf } from './zoned-time';

const LOCALES = { en: 'en-GB', fr: 'fr-FR' } as const;

/** Dates for the calendar in the interface language; instants shown on the practice's clock. */
export function useCalendarFormat(timeZone: string) {
  const { i18n } = useTranslation();
  const locale = LOCALES[(i18n.resolvedLanguage ?? i18n.language) === 'fr' ? 'fr' : 'en'];
  return useMemo(() => {
    // A local date is formatted as noon UTC in UTC, so no zone can shift it to another day.
    const ofDay = (options: Intl.DateTimeFormatOptions) => {
      const f = new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' });
      return (day: string) => f.format(new Date(`${day}T12:00:00Z`));
    };
    const dateTime = new Intl.DateTimeFormat(locale, {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    const date = new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium' });
    return {
      clock,
      weekdayShort: ofDay({ weekday: 'short' }),
      dayMonth: ofDay({ day: 'numeric', month: 'short' }),
      longDay: ofDay({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
      dateTime: (iso: string) => dateTime.format(new Date(iso)),
      date: (iso: string) => date.format(new Date(iso)),
      time: (iso: string) => clock(wallTimeOf(iso, timeZone).minutes),
    };
  }, [locale, timeZone]);
}
