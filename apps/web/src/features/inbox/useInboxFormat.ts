import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

const LOCALES = { en: 'en-GB', fr: 'fr-FR' } as const;

/** Message times on the practice's clock, in the interface language. */
export function useInboxFormat(timeZone: string) {
  const { i18n } = useTranslation();
  const locale = LOCALES[(i18n.resolvedLanguage ?? i18n.language) === 'fr' ? 'fr' : 'en'];
  return useMemo(() => {
    const make = (options: Intl.DateTimeFormatOptions) => {
      try {
        return new Intl.DateTimeFormat(locale, { ...options, timeZone });
      } catch {
        return new Intl.DateTimeFormat(locale, options);
      }
    };
    const dayKey = make({ year: 'numeric', month: '2-digit', day: '2-digit' });
    const time = make({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const weekday = make({ weekday: 'short' });
    const dayMonth = make({ day: 'numeric', month: 'short' });
    const longDay = make({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
    const full = make({ dateStyle: 'full', timeStyle: 'short' });
    const day = (iso: string) => dayKey.format(new Date(iso));
    return {
      /** A key that changes with the calendar day in the practice's zone (day dividers). */
      day,
      time: (iso: string) => time.format(new Date(iso)),
      longDay: (iso: string) => longDay.format(new Date(iso)),
      full: (iso: string) => full.format(new Date(iso)),
      /** The list's time column: the time today, the weekday this week, else the date. */
      short: (iso: string, now: number) => {
        const at = new Date(iso);
        if (day(iso) === dayKey.format(now)) return time.format(at);
        if (now - at.getTime() < 6 * 86_400_000) return weekday.format(at);
        return dayMonth.format(at);
      },
    };
  }, [locale, timeZone]);
}
