import type { Reply, Understanding } from './assistant.types.js';
import { type Ctx, givenNameOf, ownUpcoming } from './conversation-context.js';
import { bookButtons, textReply } from './prompts.js';
import { clip } from './reply-limits.js';
import { sayMoney } from './say-money.js';
import { capitalise, localMidnight, localParts, sayHhmm, sayWhenShort, weekdayName } from './say-when.js';
import { fold } from './understanding/normalise.js';

/**
 * The questions answered in one message: my appointments, opening hours (for one day when a day
 * is named), address, prices, and the emergency instructions. Only what the practice published
 * and this number's own appointments.
 */

const MAX_LISTED = 10;

export function myAppointments(c: Ctx): Reply[] {
  const { t, facts, state } = c;
  const mine = ownUpcoming(facts);
  if (mine.length === 0) return [bookButtons(c, facts.patients.length === 0 ? t.noRecord : t.noUpcoming)];
  const lines = mine.slice(0, MAX_LISTED).map((a) => {
    const who = [givenNameOf(facts, a.patientId), a.providerName.trim()].filter(Boolean).join(', ');
    return `• ${sayWhenShort(a.start, state.language, facts.timeZone)} – ${clip(who, 80)}`;
  });
  if (mine.length > MAX_LISTED) lines.push(t.moreAppointments(mine.length - MAX_LISTED));
  return [textReply([t.myAppointmentsHeader, ...lines].join('\n'))];
}

export function openingHours(c: Ctx, understood: Understanding | null, text: string): Reply[] {
  const { t, facts, state } = c;
  const { openingHours: hours, openingHoursText, phone } = facts.practice;
  const day = hours.length > 0 ? dayAskedAbout(c, understood, text) : null;
  if (day) {
    const dayName = weekdayName(day, state.language);
    const open = intervalsOf(c, day);
    return [textReply(open ? t.openOn(dayName, open) : t.closedOn(dayName))];
  }
  if (openingHoursText?.trim()) return [textReply(openingHoursText.trim())];
  if (hours.length === 0) return [textReply(t.noHours(phone))];
  return [textReply([t.hoursHeader, ...weekLines(c)].join('\n'))];
}

/** The week, consecutive days with the same hours together: "Monday–Friday: 08:00–17:00". */
function weekLines(c: Ctx): string[] {
  const { t, state } = c;
  const lines: string[] = [];
  let first = 1;
  for (let day = 1; day <= 7; day++) {
    const hours = intervalsOf(c, day);
    if (day < 7 && intervalsOf(c, day + 1) === hours) continue;
    const name = (weekday: number) => weekdayName(weekday, state.language);
    const days = first === day ? name(day) : `${name(first)}–${name(day)}`;
    lines.push(t.labelled(capitalise(days), hours ?? t.closed));
    first = day + 1;
  }
  return lines;
}

/** One weekday's hours, "08:00–12:00, 13:00–17:00", or null when closed. */
function intervalsOf(c: Ctx, weekday: number): string | null {
  const language = c.state.language;
  const intervals = c.facts.practice.openingHours
    .filter((h) => h.weekday === weekday)
    .sort((a, b) => a.start.localeCompare(b.start))
    .map((h) => `${sayHhmm(h.start, language)}–${sayHhmm(h.end, language)}`);
  return intervals.length > 0 ? intervals.join(', ') : null;
}

const DAY_WORDS: Record<string, number> = {
  monday: 1,
  lundi: 1,
  lindi: 1,
  tuesday: 2,
  mardi: 2,
  wednesday: 3,
  mercredi: 3,
  merkredi: 3,
  thursday: 4,
  jeudi: 4,
  zedi: 4,
  zeudi: 4,
  friday: 5,
  vendredi: 5,
  vandredi: 5,
  saturday: 6,
  samedi: 6,
  samdi: 6,
  sunday: 7,
  dimanche: 7,
  dimans: 7,
};

/** The weekday a question is about ("Ki ler zot ouver samdi?"), from the understood day or a day's name. */
function dayAskedAbout(c: Ctx, understood: Understanding | null, text: string): number | null {
  const { timeZone } = c.facts;
  const when = understood?.when;
  if (when) {
    const from = new Date(when.from);
    // One local day (or part of one): that day's hours.
    if (localMidnight(from, timeZone, 1).getTime() >= new Date(when.to).getTime()) {
      return localParts(from, timeZone).weekday;
    }
  }
  const named = fold(text)
    .split(/[^\p{L}]+/u)
    .map((word) => DAY_WORDS[word])
    .filter((day): day is number => day !== undefined);
  return new Set(named).size === 1 ? named[0]! : null;
}

export function addressAnswer(c: Ctx): Reply[] {
  const { t, facts } = c;
  const { address, phone } = facts.practice;
  if (!address?.trim()) return [textReply(t.noAddress(phone))];
  const lines = [t.address(address.trim())];
  if (phone) lines.push(t.phoneLine(phone));
  return [textReply(lines.join('\n'))];
}

export function pricesAnswer(c: Ctx): Reply[] {
  const { t, facts, state } = c;
  const { prices, phone } = facts.practice;
  if (prices.length === 0) return [textReply(t.noPrices(phone))];
  const lines = prices
    .slice(0, 40)
    .map(
      (item) =>
        `• ${t.labelled(clip(item.name.trim(), 60), sayMoney(item.amountMinor, item.currency, state.language))}`,
    );
  return [textReply([t.pricesHeader, ...lines].join('\n'))];
}

/** The practice's emergency instructions (or the generic ones), and that a person has been told. */
export function emergencyAnswer(c: Ctx): Reply[] {
  const { t, facts } = c;
  const own = facts.practice.emergencyInstructions?.trim();
  const instructions = own ? clip(own, 3500) : t.urgentGeneric(facts.practice.phone);
  return [textReply(`${instructions}\n\n${t.urgentHandedOver}`)];
}
