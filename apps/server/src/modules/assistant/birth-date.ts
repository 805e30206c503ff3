import { fold } from './understanding/normalise.js';

/**
 * A date of birth as patients type it: "12/03/1985", "12-3-85", "12.03.1985", "12 mars 1985",
 * "12 March 1985", "March 12, 1985", "1985-03-12", Creole month names ("12 Mars 1985", "3 Zilye
 * 2001"). Numbers are read day first, as in Mauritius. A date in the future or before 1900 is
 * refused with its own reason, so the patient can be told what is wrong.
 */
export type BirthDateReading = { ok: true; date: string } | { ok: false; problem: 'unreadable' | 'future' | 'too_old' };

export function readBirthDate(text: string, today: string): BirthDateReading {
  const found = findDate(fold(text.trim()), Number(today.slice(0, 4)));
  if (!found) return { ok: false, problem: 'unreadable' };
  const { year, month, day } = found;
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (month < 1 || month > 12 || probe.getUTCDate() !== day || probe.getUTCMonth() !== month - 1) {
    return { ok: false, problem: 'unreadable' };
  }
  const date = `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
  if (year < 1900) return { ok: false, problem: 'too_old' };
  if (date > today) return { ok: false, problem: 'future' };
  return { ok: true, date };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

interface Ymd {
  year: number;
  month: number;
  day: number;
}

function findDate(text: string, thisYear: number): Ymd | null {
  const iso = text.match(/\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b/);
  if (iso) return { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) };

  const numeric = text.match(/\b(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4}|\d{2})\b/);
  if (numeric) {
    return { day: Number(numeric[1]), month: Number(numeric[2]), year: fullYear(numeric[3]!, thisYear) };
  }

  const dayFirst = text.match(/\b(\d{1,2})(?:er|st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})\b/);
  if (dayFirst) {
    const month = monthNamed(dayFirst[2]!);
    if (month) return { day: Number(dayFirst[1]), month, year: Number(dayFirst[3]) };
  }
  const monthFirst = text.match(/\b([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b/);
  if (monthFirst) {
    const month = monthNamed(monthFirst[1]!);
    if (month) return { day: Number(monthFirst[2]), month, year: Number(monthFirst[3]) };
  }
  // Day, month and year as three plain numbers: "12 03 1985".
  const spaced = text.match(/^(\d{1,2})\s+(\d{1,2})\s+(\d{4})$/);
  if (spaced) return { day: Number(spaced[1]), month: Number(spaced[2]), year: Number(spaced[3]) };
  return null;
}

/** A two-digit year is in this century unless that would be in the future. */
function fullYear(digits: string, thisYear: number): number {
  if (digits.length === 4) return Number(digits);
  const yy = Number(digits);
  return 2000 + yy <= thisYear ? 2000 + yy : 1900 + yy;
}

// English, French and Creole (Lortograf) month names, folded.
const MONTHS: [string, number][] = [
  ['january', 1],
  ['janvier', 1],
  ['zanvie', 1],
  ['february', 2],
  ['fevrier', 2],
  ['fevriye', 2],
  ['march', 3],
  ['mars', 3],
  ['april', 4],
  ['avril', 4],
  ['may', 5],
  ['mai', 5],
  ['me', 5],
  ['june', 6],
  ['juin', 6],
  ['zin', 6],
  ['july', 7],
  ['juillet', 7],
  ['zilye', 7],
  ['august', 8],
  ['aout', 8],
  ['out', 8],
  ['september', 9],
  ['septembre', 9],
  ['septam', 9],
  ['october', 10],
  ['octobre', 10],
  ['oktob', 10],
  ['november', 11],
  ['novembre', 11],
  ['novam', 11],
  ['december', 12],
  ['decembre', 12],
  ['desam', 12],
];

/** The month a word names: a whole name, or a clear abbreviation of three letters or more ("sept", "dec"). */
function monthNamed(word: string): number | null {
  const exact = MONTHS.find(([name]) => name === word);
  if (exact) return exact[1];
  if (word.length < 3) return null;
  const months = new Set(MONTHS.filter(([name]) => name.startsWith(word)).map(([, month]) => month));
  return months.size === 1 ? [...months][0]! : null;
}
