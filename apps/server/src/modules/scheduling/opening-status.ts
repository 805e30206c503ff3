import { tzOffset } from '@date-fns/tz';
import { sql } from 'kysely';
import { type Tx, practiceTimeZone } from '../../platform/tenancy.js';
import { wallClock } from './booking-rules.js';

/**
 * Whether the practice is open at an instant (opening hours, less closures and public
 * holidays), and when it last closed: the WhatsApp away message is sent once per closed spell.
 */
export interface OpeningStatus {
  /** False when the practice has no opening hours at all: nothing to say about being closed. */
  configured: boolean;
  open: boolean;
  /** The end of the latest opening interval before `at` (within two weeks), or null. */
  lastClosedAt: Date | null;
}

const DAY = 86_400_000;

export async function openingStatusAt(tx: Tx, practiceId: string, at: Date): Promise<OpeningStatus> {
  const [timeZone, hours, holidays, closures] = await Promise.all([
    practiceTimeZone(tx, practiceId),
    tx
      .selectFrom('openingHours')
      .select(['weekday', 'startMinute', 'endMinute'])
      .where('practiceId', '=', practiceId)
      .execute(),
    tx
      .selectFrom('publicHolidays')
      .select('date')
      .where('practiceId', '=', practiceId)
      .where('date', '>=', new Date(at.getTime() - 15 * DAY).toISOString().slice(0, 10))
      .where('date', '<=', new Date(at.getTime() + DAY).toISOString().slice(0, 10))
      .execute(),
    tx
      .selectFrom('closures')
      .select([sql<Date>`lower(period)`.as('startsAt'), sql<Date>`upper(period)`.as('endsAt')])
      .where('practiceId', '=', practiceId)
      .where(sql<boolean>`period && tstzrange(${new Date(at.getTime() - 15 * DAY)}, ${new Date(at.getTime() + DAY)})`)
      .execute(),
  ]);
  if (hours.length === 0) return { configured: false, open: true, lastClosedAt: null };
  const holidayDates = new Set(holidays.map((h) => h.date));
  const closed = closures.map((c) => [new Date(c.startsAt).getTime(), new Date(c.endsAt).getTime()] as const);

  let open = false;
  let lastClosedAt: Date | null = null;
  for (let back = 0; back <= 14 && lastClosedAt === null; back++) {
    const { date, weekday } = wallClock(new Date(at.getTime() - back * DAY), timeZone);
    if (holidayDates.has(date)) continue;
    const midnightUtc = Date.parse(`${date}T00:00:00Z`);
    const localMidnight = midnightUtc - tzOffset(timeZone, new Date(midnightUtc)) * 60_000;
    const intervals = hours.filter((h) => h.weekday === weekday).sort((a, b) => b.endMinute - a.endMinute);
    // A closure cuts an opening interval into the parts when the practice really is open: the
    // start of a closure in the afternoon ends an open spell just as 17:00 does.
    const segments = intervals
      .flatMap((h) => openParts(localMidnight + h.startMinute * 60_000, localMidnight + h.endMinute * 60_000, closed))
      .sort((a, b) => b[1] - a[1]);
    for (const [start, end] of segments) {
      if (start <= at.getTime() && at.getTime() < end) {
        open = true;
        continue;
      }
      if (end <= at.getTime()) {
        lastClosedAt = new Date(end);
        break;
      }
    }
  }
  return { configured: true, open, lastClosedAt };
}

/** [start, end) less the closures that overlap it. */
function openParts(start: number, end: number, closures: (readonly [number, number])[]): [number, number][] {
  let parts: [number, number][] = [[start, end]];
  for (const [from, to] of closures) {
    parts = parts.flatMap(([s, e]): [number, number][] =>
      to <= s || from >= e
        ? [[s, e]]
        : [...(from > s ? [[s, from] as [number, number]] : []), ...(to < e ? [[to, e] as [number, number]] : [])],
    );
  }
  return parts;
}
