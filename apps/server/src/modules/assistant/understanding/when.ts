import * as chrono from 'chrono-node';
import {
  calendarOf,
  dayOfDate,
  firstOfMonth,
  isoWeekday,
  localDayAndMinute,
  localInstant,
  offsetMinutes,
} from './local-days.js';
import { fold, type Word, wordsOf } from './normalise.js';
import { findPhrases, longestMatches } from './phrase-index.js';
import {
  AFTER_WORDS,
  AROUND_WORDS,
  BEFORE_WORDS,
  DAY_OF_MONTH_LEADS,
  h,
  LEAD_FILLERS,
  LOOKS_LIKE_TIME,
  MONTH_WORDS,
  MONTHS,
  NEXT_WORDS,
  ORDINAL,
  RANGE_JOINERS,
  TIME_LEADS,
  TIME_WORD_INDEX,
  type TimeWord,
  UNIT_WORDS,
} from './time-words.js';

export { localInstant } from './local-days.js';

/**
 * Reads the date or time span a patient names ("zedi gramatin", "mardi 10h30", "next week",
 * "le 8 décembre") as a range of instants, in the practice's time zone.
 *
 * Two readers share the text. Our own word lists come first: weekdays, today/tomorrow/the day
 * after, parts of the day and weeks, in English, French and Creole (chrono knows no Creole and
 * misses "après-demain"). The words they take are blanked out, and chrono-node (its day-first
 * English and its French parsers) reads what is left: calendar dates ("8/12", "December 8",
 * "le 8 décembre"), "in 3 days" / "dans 3 jours", and clock times ("10:30", "3pm", "15h").
 *
 * Choices (the conversation offers times inside the range, so a range says what to offer):
 * - a day alone is that local day, 00:00 to 24:00 (the availability engine keeps to opening hours);
 * - an exact time starts the range and it lasts an hour ("mardi 10h30" → 10:30–11:30); "around
 *   10" / "vers 10h" is 09:00–11:00; "before 10" runs from the day's start, "after 3pm" to its end;
 * - parts of the day: morning 08:00–12:00 (early 08:00–10:00, late 10:30–12:00), noon/midi
 *   12:00–13:00, afternoon 12:00–17:00 (early 12:00–15:00, late 15:00–17:00), evening 17:00–20:00;
 * - a clock hour from 1 to 6 with no am/pm is afternoon ("at 3" is 15:00): nobody books 3 a.m.;
 * - a weekday alone is its next occurrence, today included ("dimanche" on a Sunday is the rest of
 *   today); "next Tuesday" / "mardi prochain" is the next one after today;
 * - weeks start on Monday: "next week" is next Monday 00:00 to the Monday after (said on a
 *   Sunday, that is the next day); "this week" is now to next Monday; a weekday with "next week"
 *   is that day of next week. A week or a month keeps its whole span even when a part of the day
 *   is named with it ("next week in the morning"): one range cannot say "mornings only";
 * - several days ("lundi ou mardi") span from the first to the end of the last; when moving an
 *   appointment (`lastDayOnly`) the last day named is the new one ("from Tuesday to Thursday");
 * - a month alone ("en janvier") is that whole month, or the rest of it when it is this month;
 * - never wholly in the past: a weekday whose time has passed today moves on a week, a time of
 *   day alone moves to tomorrow, a range already begun starts now, and a date before today
 *   ("hier", "yesterday", "3/12/2025") gives null.
 */

export interface ReadTimeOptions {
  at: Date;
  /** IANA zone of the practice, e.g. 'Indian/Mauritius'. */
  timeZone: string;
  /**
   * Only the last day named counts: when moving an appointment, "from Tuesday to Thursday" and
   * "lundi, est-ce que je peux venir mercredi" ask for the day named last.
   */
  lastDayOnly?: boolean;
}

export interface TimeRange {
  from: Date;
  to: Date;
}

/** Longer texts are read up to here: a booking request names its date early, and chrono's cost grows with length. */
const MAX_TEXT_FOR_DATES = 600;
const MAX_NUMBERS_FOR_DATES = 24;

// ---------------------------------------------------------------------------------------------
// Reading the text

/** French and Creole ways of writing a time ("10h30", "15h", "3er") in the form every parser reads ("10:30"). */
function writeTimesWithColons(text: string): string {
  return text
    .replace(/(?<![\d:./])(\d{1,2})\s?h\s?(\d{2})(?!\d)/g, (all, hour: string, minute: string) =>
      Number(hour) <= 23 && Number(minute) <= 59 ? `${hour}:${minute}` : all,
    )
    .replace(/(?<![\d:./])(\d{1,2})\s?(h|hr|hrs|heures?|er)(?![\p{L}\d])/gu, (all, hour: string, unit: string) =>
      Number(hour) <= 23 && (unit !== 'er' || Number(hour) >= 2) ? `${hour}:00` : all,
    );
}

interface ClockTime {
  minute: number;
  meridiemKnown: boolean;
  end?: number;
  /** The word just before it ("avant", "after", "vers"), which makes it a bound or an estimate. */
  lead: string | undefined;
  index: number;
  length: number;
}

/** A day named, where it was named (the text's character index). */
interface NamedDay {
  day: number;
  fromWeekday: boolean;
  position: number;
}

interface Facts {
  days: NamedDay[];
  weekdays: { weekday: number; next: boolean; position: number }[];
  parts: { from: number; to: number }[];
  spans: TimeWord[];
  months: { month: number }[];
  times: ClockTime[];
}

const parsers = [chrono.fr, chrono.en.GB];

function readWithChrono(text: string, at: Date, timeZone: string): chrono.ParsedResult[] {
  const reference = { instant: at, timezone: offsetMinutes(timeZone, at) };
  const all = parsers.flatMap((parser) => parser.parse(text, reference, { forwardDate: true }));
  all.sort((a, b) => b.text.length - a.text.length || a.index - b.index);
  const kept: chrono.ParsedResult[] = [];
  for (const result of all) {
    const end = result.index + result.text.length;
    if (kept.some((k) => result.index < k.index + k.text.length && k.index < end)) continue;
    kept.push(result);
  }
  return kept.sort((a, b) => a.index - b.index);
}

/** The word before a place in the text, passing over small words ("à", "de"); binary search, then a short walk back. */
function wordBefore(words: Word[], index: number, skip: Set<string>): string | undefined {
  let low = 0;
  let high = words.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (words[middle]!.end <= index) low = middle + 1;
    else high = middle;
  }
  for (let i = low - 1; i >= 0; i--) {
    if (!skip.has(words[i]!.text)) return words[i]!.text;
  }
  return undefined;
}

/** Which words lie inside a chrono result (both lists are in text order). */
function wordsInside(words: Word[], results: chrono.ParsedResult[]): Set<Word> {
  const inside = new Set<Word>();
  let r = 0;
  for (const word of words) {
    while (r < results.length && results[r]!.index + results[r]!.text.length <= word.start) r++;
    const result = results[r];
    if (result && result.index < word.end) inside.add(word);
  }
  return inside;
}

function collectFacts(text: string, at: Date, timeZone: string, today: number): Facts {
  const prepared = writeTimesWithColons(fold(text.slice(0, MAX_TEXT_FOR_DATES)));
  const words = wordsOf(prepared);
  const plain = words.map((w) => w.text);
  const facts: Facts = { days: [], weekdays: [], parts: [], spans: [], months: [], times: [] };

  const blanked = prepared.split('');
  for (const match of longestMatches(findPhrases(TIME_WORD_INDEX, plain))) {
    const first = words[match.at]!;
    const last = words[match.at + match.length - 1]!;
    for (let i = first.start; i < last.end; i++) blanked[i] = ' ';
    const meaning = match.phrase.value;
    if (meaning.kind === 'day')
      facts.days.push({ day: today + meaning.offset, fromWeekday: false, position: first.start });
    else if (meaning.kind === 'weekday') {
      const next = NEXT_WORDS.has(plain[match.at - 1] ?? '') || NEXT_WORDS.has(plain[match.at + 1] ?? '');
      facts.weekdays.push({ weekday: meaning.weekday, next, position: first.start });
    } else if (meaning.kind === 'part') facts.parts.push({ from: meaning.from, to: meaning.to });
    else if (meaning.kind === 'span') facts.spans.push(meaning);
  }

  // Runs of five digits or more (phone numbers, references) are no dates, and cost chrono dearly.
  const rest = blanked.join('').replace(/\d{5,}/g, (digits) => ' '.repeat(digits.length));
  if (!/\d/.test(rest) && !MONTH_WORDS.test(rest) && !/\b(?:days?|weeks?|jours?|semaines?)\b/.test(rest)) {
    return facts;
  }
  // A text full of numbers (a list, a pasted table) names no appointment time, and chrono's cost
  // grows fast with the numbers it has to try (600 characters of "1 1 1" take it some 30 ms).
  if ((rest.match(/\d+/g)?.length ?? 0) > MAX_NUMBERS_FOR_DATES) return facts;
  const results = readWithChrono(rest, at, timeZone);
  for (const result of results) addChronoResult(facts, result, words, today);
  const inside = wordsInside(words, results);
  const covered = (word: Word) => inside.has(word);
  addDaysOfMonth(facts, words, today, covered);
  addMonths(facts, words, covered);
  addBareHours(facts, words, covered);
  joinTimes(facts, rest);
  return facts;
}

/** What a chrono result says: a day, a month, a weekday, a clock time (or a span of them). */
function addChronoResult(facts: Facts, result: chrono.ParsedResult, words: Word[], today: number): void {
  const start = result.start;
  if (start.isCertain('day')) {
    const day = dayOfDate(start.get('year')!, start.get('month')!, start.get('day')!);
    facts.days.push({ day, fromWeekday: false, position: result.index });
  } else if (start.isCertain('month')) {
    // chrono reads "dec 15" as December 2015: a number that small is the day of the month.
    const date = /\b(\d{1,2})(?:st|nd|rd|th|er)?\b/.exec(result.text);
    const month = start.get('month')!;
    if (date && Number(date[1]) >= 1 && Number(date[1]) <= 31) {
      const day = nextDateInMonth(today, month, Number(date[1]));
      if (day !== null) facts.days.push({ day, fromWeekday: false, position: result.index });
    } else {
      facts.months.push({ month });
    }
  } else if (start.isCertain('weekday') && !start.isCertain('hour')) {
    facts.weekdays.push({ weekday: ((start.get('weekday')! + 6) % 7) + 1, next: false, position: result.index });
  }
  if (!start.isCertain('hour')) return;
  const lead = wordBefore(words, result.index, LEAD_FILLERS);
  // A bare number is a time only when it looks like one ("10:30", "3pm", "at 3") or follows a
  // time word ("vers 10"): "4 a filling" is not 4 a.m., "il a 2 caries" is not 2 o'clock.
  if (!LOOKS_LIKE_TIME.test(result.text) && !TIME_LEADS.has(lead ?? '')) return;
  const end = result.end?.isCertain('hour') ? h(result.end.get('hour')!, result.end.get('minute') ?? 0) : undefined;
  facts.times.push({
    minute: h(start.get('hour')!, start.get('minute') ?? 0),
    meridiemKnown: start.isCertain('meridiem'),
    end,
    lead,
    index: result.index,
    length: result.text.length,
  });
}

/** "le 15", "the 15th": a day of the month with no month named. */
function addDaysOfMonth(facts: Facts, words: Word[], today: number, covered: (word: Word) => boolean): void {
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const ordinal = ORDINAL.exec(word.text);
    if (!ordinal || covered(word)) continue;
    const isOrdinal = word.text !== ordinal[1];
    if (!isOrdinal && !DAY_OF_MONTH_LEADS.has(words[i - 1]?.text ?? '')) continue;
    // "lor 5 789 1234" is a phone number.
    if (/^\d+$/.test(words[i + 1]?.text ?? '')) continue;
    const date = Number(ordinal[1]);
    if (date < 1 || date > 31) continue;
    const day = nextDayOfMonth(today, date);
    if (day !== null) facts.days.push({ day, fromWeekday: false, position: word.start });
  }
}

/** A month named alone ("en janvier", "in zanvie"), which chrono reads only in English. */
function addMonths(facts: Facts, words: Word[], covered: (word: Word) => boolean): void {
  for (const word of words) {
    const month = MONTHS.get(word.text);
    if (month && !covered(word) && !facts.months.some((m) => m.month === month)) facts.months.push({ month });
  }
}

/** "after 4", "around 11", "apre 3": a bare hour after a time word, which chrono leaves alone. */
function addBareHours(facts: Facts, words: Word[], covered: (word: Word) => boolean): void {
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (!/^\d{1,2}$/.test(word.text) || covered(word)) continue;
    const hour = Number(word.text);
    if (hour < 1 || hour > 23 || UNIT_WORDS.has(words[i + 1]?.text ?? '')) continue;
    const lead = wordBefore(words, word.start, LEAD_FILLERS);
    if (!TIME_LEADS.has(lead ?? '')) continue;
    facts.times.push({ minute: h(hour), meridiemKnown: false, lead, index: word.start, length: word.end - word.start });
  }
  facts.times.sort((a, b) => a.index - b.index);
}

/** "entre 10h et 12h", "10h ou 11h": two times joined make one span. */
function joinTimes(facts: Facts, text: string): void {
  if (facts.times.length < 2) return;
  const [first, second] = facts.times as [ClockTime, ClockTime];
  const between = text.slice(first.index + first.length, second.index);
  if (first.end === undefined && RANGE_JOINERS.test(between)) facts.times = [{ ...first, end: second.minute }];
}

function nextDateInMonth(today: number, month: number, date: number): number | null {
  const { year } = calendarOf(today);
  for (const candidateYear of [year, year + 1]) {
    const day = dayOfDate(candidateYear, month, date);
    if (calendarOf(day).date === date && day >= today) return day;
  }
  return null;
}

function nextDayOfMonth(today: number, date: number): number | null {
  for (let monthsLater = 0; monthsLater < 3; monthsLater++) {
    const first = firstOfMonth(today, monthsLater);
    const candidate = first + date - 1;
    // Past the month's end (31 in a 30-day month) spills into the next month: try the next one.
    if (firstOfMonth(candidate, 0) !== first) continue;
    if (candidate >= today) return candidate;
  }
  return null;
}

/** The minutes of the day asked for: a clock time, a part of the day, or the whole day. */
function minutesOfDay(facts: Facts): { from: number; to: number } {
  const part =
    facts.parts.length > 0
      ? {
          from: Math.min(...facts.parts.map((p) => p.from)),
          to: Math.max(...facts.parts.map((p) => p.to)),
        }
      : null;
  const time = facts.times[0];
  if (time) {
    const inAfternoon = part !== null && part.from >= h(12);
    const toAfternoon = (minute: number) =>
      (!time.meridiemKnown && minute >= h(1) && minute < h(7)) || (inAfternoon && minute < h(12))
        ? minute + h(12)
        : minute;
    const start = toAfternoon(time.minute);
    if (time.end !== undefined) {
      const end = toAfternoon(time.end);
      if (end > start) return { from: start, to: end };
    }
    const lead = time.lead ?? '';
    // A part of the day bounds "after 3" only when the time falls inside it ("Morning! ... after 2pm" does not).
    if (BEFORE_WORDS.has(lead) && start > 0) return { from: part && part.from < start ? part.from : 0, to: start };
    if (AFTER_WORDS.has(lead)) return { from: start, to: part && part.to > start ? part.to : h(24) };
    if (AROUND_WORDS.has(lead)) return { from: Math.max(0, start - 60), to: Math.min(h(24), start + 60) };
    return { from: start, to: Math.min(h(24), start + 60) };
  }
  return part ?? { from: 0, to: h(24) };
}

function range(fromDay: number, fromMinute: number, toDay: number, toMinute: number, timeZone: string): TimeRange {
  return { from: localInstant(fromDay, fromMinute, timeZone), to: localInstant(toDay, toMinute, timeZone) };
}

/** The span of a week or month word, from `today`. */
function spanRange(span: TimeWord & { kind: 'span' }, today: number, timeZone: string): TimeRange {
  const nextMonday = today + 8 - isoWeekday(today);
  switch (span.span) {
    case 'next_week':
      return range(nextMonday, 0, nextMonday + 7, 0, timeZone);
    case 'this_week':
      return range(today, 0, nextMonday, 0, timeZone);
    case 'weekend': {
      const saturday = isoWeekday(today) >= 6 ? today - (isoWeekday(today) - 6) : today + 6 - isoWeekday(today);
      return range(saturday, 0, saturday + 2, 0, timeZone);
    }
    case 'this_month':
      return range(today, 0, firstOfMonth(today, 1), 0, timeZone);
    case 'next_month':
      return range(firstOfMonth(today, 1), 0, firstOfMonth(today, 2), 0, timeZone);
  }
}

/** Starts a range that has begun at `at`; null when it is over. */
function notPast(found: TimeRange, at: Date): TimeRange | null {
  if (found.to.getTime() <= at.getTime() || found.to.getTime() <= found.from.getTime()) return null;
  if (found.from.getTime() < at.getTime()) return { from: at, to: found.to };
  return found;
}

/** The date or time span the text names, as instants; null when it names none (or only the past). */
export function readTime(text: string, options: ReadTimeOptions): TimeRange | null {
  const { at, timeZone } = options;
  const today = localDayAndMinute(at, timeZone).day;
  const facts = collectFacts(text, at, timeZone, today);
  const minutes = minutesOfDay(facts);
  const nextWeek = facts.spans.find((s) => s.kind === 'span' && s.span === 'next_week');

  const days = [...facts.days];
  for (const { weekday, next, position } of facts.weekdays) {
    if (nextWeek) {
      days.push({ day: today + 8 - isoWeekday(today) + weekday - 1, fromWeekday: false, position });
      continue;
    }
    let ahead = (weekday - isoWeekday(today) + 7) % 7;
    if (ahead === 0 && next) ahead = 7;
    days.push({ day: today + ahead, fromWeekday: true, position });
  }
  if (options.lastDayOnly && days.length > 1) {
    const last = days.reduce((a, b) => (b.position > a.position ? b : a));
    days.splice(0, days.length, last);
  }

  const futureDays = days.filter((d) => d.day >= today);
  if (futureDays.length > 0) {
    const first = Math.min(...futureDays.map((d) => d.day));
    const last = Math.max(...futureDays.map((d) => d.day));
    const found = range(first, minutes.from, last, minutes.to, timeZone);
    const current = notPast(found, at);
    if (current) return current;
    // Only today was named and its hours have gone: a weekday means next week's; "today" means the rest of today.
    if (futureDays.every((d) => d.fromWeekday)) {
      return notPast(range(first + 7, minutes.from, last + 7, minutes.to, timeZone), at);
    }
    return notPast(range(today, 0, today + 1, 0, timeZone), at);
  }
  if (days.length > 0) return null;

  const span = facts.spans.find((s) => s.kind === 'span') as (TimeWord & { kind: 'span' }) | undefined;
  if (span) return notPast(spanRange(span, today, timeZone), at);
  const month = facts.months[0];
  if (month) {
    // This month's rest when it is the current month, else its next occurrence.
    const now = calendarOf(today);
    const first = dayOfDate(month.month >= now.month ? now.year : now.year + 1, month.month, 1);
    return notPast(range(first, 0, firstOfMonth(first, 1), 0, timeZone), at);
  }

  if (facts.times.length > 0 || facts.parts.length > 0) {
    return (
      notPast(range(today, minutes.from, today, minutes.to, timeZone), at) ??
      notPast(range(today + 1, minutes.from, today + 1, minutes.to, timeZone), at)
    );
  }
  return null;
}
