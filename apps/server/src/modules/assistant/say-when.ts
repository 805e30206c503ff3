import { tzOffset } from '@date-fns/tz';
import type { Language } from './assistant.types.js';

/**
 * Dates and times as the assistant writes them, in the practice's zone and the patient's language:
 * the full form to say a time back before anything is booked ("Tuesday 8 December at 10:30"), the
 * short form for list titles ("Tue 8 Dec 10:30", at most 24 characters), and local-day arithmetic
 * for the ranges a patient asks for ("next week").
 */

const DAY_MS = 86_400_000;

interface Names {
  weekdays: string[];
  weekdaysShort: string[];
  months: string[];
  monthsShort: string[];
}

// ISO order: index 0 is Monday.
const NAMES: Record<Language, Names> = {
  en: {
    weekdays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'],
    weekdaysShort: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
    months: [
      'January',
      'February',
      'March',
      'April',
      'May',
      'June',
      'July',
      'August',
      'September',
      'October',
      'November',
      'December',
    ],
    monthsShort: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  },
  fr: {
    weekdays: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'],
    weekdaysShort: ['lun.', 'mar.', 'mer.', 'jeu.', 'ven.', 'sam.', 'dim.'],
    months: [
      'janvier',
      'février',
      'mars',
      'avril',
      'mai',
      'juin',
      'juillet',
      'août',
      'septembre',
      'octobre',
      'novembre',
      'décembre',
    ],
    monthsShort: ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'],
  },
  // Lortograf Kreol Morisien; days and months written with a capital, as patients are used to seeing them.
  mfe: {
    weekdays: ['Lindi', 'Mardi', 'Merkredi', 'Zedi', 'Vandredi', 'Samdi', 'Dimans'],
    weekdaysShort: ['lin', 'mar', 'mer', 'zed', 'van', 'sam', 'dim'],
    months: ['Zanvie', 'Fevriye', 'Mars', 'Avril', 'Me', 'Zin', 'Zilye', 'Out', 'Septam', 'Oktob', 'Novam', 'Desam'],
    monthsShort: ['zan', 'fev', 'mar', 'avr', 'me', 'zin', 'zil', 'out', 'sep', 'okt', 'nov', 'des'],
  },
};

export interface LocalParts {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
  hour: number;
  minute: number;
}

const partFormats = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock reading of an instant in a zone. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  let format = partFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    partFormats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(instant))) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: NAMES.en.weekdaysShort.indexOf(parts.weekday ?? '') + 1,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/** Local midnight of the instant's day, `addDays` days later, as an instant. */
export function localMidnight(instant: Date, timeZone: string, addDays = 0): Date {
  const at = new Date(instant).getTime();
  const offset = tzOffset(timeZone, new Date(at)) * 60_000;
  const midnightLocal = (Math.floor((at + offset) / DAY_MS) + addDays) * DAY_MS;
  // Measure the offset again at the result: a daylight-saving change may lie in between.
  const guess = midnightLocal - offset;
  return new Date(midnightLocal - tzOffset(timeZone, new Date(guess)) * 60_000);
}

/** The local date of an instant as 'YYYY-MM-DD'. */
export function localDate(instant: Date, timeZone: string): string {
  const { year, month, day } = localParts(instant, timeZone);
  return `${year}-${pad(month)}-${pad(day)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** The weekday's name ("Saturday", "samedi", "Samdi"); ISO weekday 1 = Monday. */
export function weekdayName(weekday: number, language: Language): string {
  return NAMES[language].weekdays[weekday - 1] ?? '';
}

/** A clock time written the local way: en "10:30", fr "10 h 30" / "10 h", mfe "10h30" / "10h". */
export function sayClock(hour: number, minute: number, language: Language): string {
  if (language === 'en') return `${pad(hour)}:${pad(minute)}`;
  const separator = language === 'fr' ? ' h' : 'h';
  const minutes = minute === 0 ? '' : language === 'fr' ? ` ${pad(minute)}` : pad(minute);
  return `${hour}${separator}${minutes}`;
}

/** A clock time 'HH:MM' (as in opening hours) written the local way. */
export function sayHhmm(hhmm: string, language: Language): string {
  const [hour, minute] = hhmm.split(':').map(Number);
  return sayClock(hour ?? 0, minute ?? 0, language);
}

/** The day alone: "Tuesday 8 December", "mardi 8 décembre", "Mardi 8 Desam". */
export function sayDay(instant: Date, language: Language, timeZone: string): string {
  const local = localParts(instant, timeZone);
  const names = NAMES[language];
  return `${names.weekdays[local.weekday - 1]} ${local.day} ${names.months[local.month - 1]}`;
}

/** The full form for saying a time back: "Tuesday 8 December at 10:30", "mardi 8 décembre à 10 h 30", "Mardi 8 Desam a 10h30". */
export function sayWhen(instant: Date, language: Language, timeZone: string): string {
  const local = localParts(instant, timeZone);
  const at = { en: 'at', fr: 'à', mfe: 'a' }[language];
  return `${sayDay(instant, language, timeZone)} ${at} ${sayClock(local.hour, local.minute, language)}`;
}

/** The short form for list titles: "Tue 8 Dec 10:30", "mar. 8 déc. 10:30", "mar 8 des 10:30" (at most 19 characters). */
export function sayWhenShort(instant: Date, language: Language, timeZone: string): string {
  const local = localParts(instant, timeZone);
  const names = NAMES[language];
  const day = `${names.weekdaysShort[local.weekday - 1]} ${local.day} ${names.monthsShort[local.month - 1]}`;
  return `${day} ${pad(local.hour)}:${pad(local.minute)}`;
}

/**
 * A range of days as a sentence fragment: one local day → "on Tuesday 8 December" / "le mardi 8 décembre"
 * / "Mardi 8 Desam"; several → "between Monday 7 December and Sunday 13 December" / "entre le … et le …" /
 * "ant … ek …". `to` is exclusive.
 */
export function sayRange(range: { from: Date; to: Date }, language: Language, timeZone: string): string {
  const first = sayDay(range.from, language, timeZone);
  const lastInstant = new Date(Math.max(new Date(range.from).getTime(), new Date(range.to).getTime() - 1));
  const last = sayDay(lastInstant, language, timeZone);
  if (first === last) return { en: `on ${first}`, fr: `le ${first}`, mfe: first }[language];
  return {
    en: `between ${first} and ${last}`,
    fr: `entre le ${first} et le ${last}`,
    mfe: `ant ${first} ek ${last}`,
  }[language];
}

/** Upper-case the first letter (a French date opening a sentence). */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The ranges offered when asking "when": the soonest (30 days), the rest of this week, next week. */
export function rangeFor(choice: 'earliest' | 'this_week' | 'next_week', now: Date, timeZone: string) {
  if (choice === 'earliest') return { from: now, to: new Date(now.getTime() + EARLIEST_DAYS * DAY_MS) };
  const { weekday } = localParts(now, timeZone);
  const nextMonday = localMidnight(now, timeZone, 8 - weekday);
  if (choice === 'this_week') return { from: now, to: nextMonday };
  return { from: nextMonday, to: localMidnight(nextMonday, timeZone, 7) };
}

/** How far "the earliest available" looks. */
export const EARLIEST_DAYS = 30;
