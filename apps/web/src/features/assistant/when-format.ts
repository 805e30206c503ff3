const LOCALES = { en: 'en-GB', fr: 'fr-FR' } as const;

const DAY_MS = 86_400_000;

/** Whether an instant falls on local midnight in the zone (a span of whole days starts and ends there). */
function atMidnight(at: Date, timeZone: string): boolean {
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return time.format(at) === '00:00';
}

/**
 * The span of time a message names, as a receptionist reads it, in the practice's time zone:
 * "Thursday 10 December 2026" for a whole day, "Monday 7 – Sunday 13 December 2026" for whole days,
 * "Thursday 10 December 2026, 08:00 – 12:00" otherwise. The span's end is exclusive.
 */
export function formatWhen(when: { from: string; to: string }, timeZone: string, language: 'en' | 'fr'): string {
  const from = new Date(when.from);
  const to = new Date(when.to);
  const locale = LOCALES[language];
  if (atMidnight(from, timeZone) && atMidnight(to, timeZone) && to.getTime() > from.getTime()) {
    const days = new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeZone });
    const lastDay = new Date(to.getTime() - 1);
    return to.getTime() - from.getTime() <= DAY_MS ? days.format(from) : days.formatRange(from, lastDay);
  }
  return new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeStyle: 'short', timeZone }).formatRange(from, to);
}
