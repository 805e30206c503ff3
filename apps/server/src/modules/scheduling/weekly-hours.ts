/** Weekly hours as stored (minutes after local midnight, ISO weekdays) and as shown ('HH:MM'). */

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

export const weekdayName = (weekday: number) => WEEKDAYS[weekday - 1] ?? `weekday ${weekday}`;

/** '09:30' → 570; '24:00' → 1440 (an end at midnight). */
export function wallTimeToMinutes(wallTime: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(wallTime);
  if (!match) throw new RangeError(`Not a wall time: ${wallTime}`);
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  if (Number(match[2]) > 59 || minutes > 1440) throw new RangeError(`Not a wall time: ${wallTime}`);
  return minutes;
}

/** 570 → '09:30'; 1440 → '24:00'. */
export function minutesToWallTime(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440)
    throw new RangeError(`Not a minute of the day: ${minutes}`);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

export interface WeeklyInterval {
  weekday: number;
  startMinute: number;
  endMinute: number;
  /** Inclusive local dates; null is open-ended. */
  validFrom?: string | null;
  validTo?: string | null;
}

/**
 * The first two intervals that overlap: same weekday, overlapping minutes (touching ends are
 * fine) and overlapping validity. The same rule as the tables' exclusion constraints.
 */
export function findOverlap<T extends WeeklyInterval>(intervals: readonly T[]): [T, T] | undefined {
  for (let i = 0; i < intervals.length; i++) {
    for (let j = i + 1; j < intervals.length; j++) {
      const a = intervals[i]!;
      const b = intervals[j]!;
      if (a.weekday !== b.weekday) continue;
      if (!(a.startMinute < b.endMinute && b.startMinute < a.endMinute)) continue;
      if (validityOverlaps(a, b)) return [a, b];
    }
  }
  return undefined;
}

function validityOverlaps(a: WeeklyInterval, b: WeeklyInterval) {
  // ISO dates compare as strings; null bounds are open.
  const startsBeforeEnd = (from: string | null | undefined, to: string | null | undefined) =>
    !from || !to || from <= to;
  return startsBeforeEnd(a.validFrom, b.validTo) && startsBeforeEnd(b.validFrom, a.validTo);
}

export function describeInterval(i: WeeklyInterval) {
  return `${minutesToWallTime(i.startMinute)}–${minutesToWallTime(i.endMinute)}`;
}
