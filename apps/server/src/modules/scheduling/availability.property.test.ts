import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findSlots,
  type AvailabilityQuery,
  type BusyInterval,
  type ProviderAvailability,
  type Slot,
} from './availability.js';
import { timingRefusal, weeklyHoursRefusal } from './booking-rules.js';

// Random practices around daylight saving changes, checked against independent computations:
// local wall time comes from Intl.DateTimeFormat directly, never from the engine's helpers.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const RUNS = { numRuns: 200 };

const ZONES = [
  { timeZone: 'Indian/Mauritius', anchors: [Date.UTC(2026, 5, 1), Date.UTC(2026, 2, 29, 1)] },
  { timeZone: 'Europe/London', anchors: [Date.UTC(2026, 2, 29, 1), Date.UTC(2026, 9, 25, 1)] },
  { timeZone: 'America/New_York', anchors: [Date.UTC(2026, 2, 8, 7), Date.UTC(2026, 10, 1, 6)] },
];
const PROVIDER_IDS = ['p1', 'p2', 'p3'];
const CHAIR_IDS = ['c1', 'c2', 'c3'];
const ROLES = ['owner', 'dentist', 'hygienist', 'receptionist'] as const;

const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
const isoDate = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);

/** `value` now and then, else undefined. */
const sometimes = <T>(value: fc.Arbitrary<T>, weight = 4) =>
  fc.oneof({ weight, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });
const fiveMinutes = (min: number, max: number) => fc.integer({ min: min / 5, max: max / 5 }).map((n) => n * 5);
/** A local stretch on a 5-minute grid, possibly reaching 24:00; mostly long so that slots exist. */
const wallMinutes = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ start: 0, end: 1440 }) },
  {
    weight: 4,
    arbitrary: fiveMinutes(0, 720).chain((start) => fiveMinutes(start + 240, 1440).map((end) => ({ start, end }))),
  },
  {
    weight: 1,
    arbitrary: fiveMinutes(0, 1435).chain((start) => fiveMinutes(start + 5, 1440).map((end) => ({ start, end }))),
  },
);
/**
 * A stretch as one interval, or cut into two or three that touch end to start (a practice may
 * enter 08:00–10:00 and 10:00–17:00): slots may cross the cuts, and must still be bookable.
 */
const wallStretch = wallMinutes
  .chain((h) =>
    h.end - h.start < 10
      ? fc.constant([h])
      : fc.oneof(
          { weight: 1, arbitrary: fc.constant([h]) },
          {
            weight: 1,
            arbitrary: fc
              .uniqueArray(fiveMinutes(h.start + 5, h.end - 5), { minLength: 1, maxLength: 2 })
              .map((cuts) => {
                const points = [h.start, ...cuts.sort((a, b) => a - b), h.end];
                return points.slice(1).map((end, i) => ({ start: points[i]!, end }));
              }),
          },
        ),
  )
  .map((pieces) => pieces.map((h) => ({ start: hhmm(h.start), end: hhmm(h.end) })));
/** Intervals for each ISO weekday, flattened; each stretch may come as several touching intervals. */
const weekly = <T>(stretch: fc.Arbitrary<T[]>) =>
  fc
    .array(
      fc.oneof(
        { weight: 1, arbitrary: fc.constant([]) },
        { weight: 8, arbitrary: fc.array(stretch, { minLength: 1, maxLength: 2 }).map((s) => s.flat()) },
      ),
      { minLength: 7, maxLength: 7 },
    )
    .map((days) =>
      days.flatMap((intervals, i) => intervals.map((h) => ({ weekday: (i + 1) as 1 | 2 | 3 | 4 | 5 | 6 | 7, ...h }))),
    );

const scenario = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    anchorIndex: fc.nat(1),
    fromMinutes: fc.integer({ min: -36 * 60, max: 12 * 60 }),
    fromMs: fc.constantFrom(0, 0, 0, 12_345),
    spanMinutes: fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 12 * 60, max: 60 * 60 }) },
      { weight: 1, arbitrary: fc.integer({ min: 30, max: 12 * 60 }) },
    ),
    nowMinutes: fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min: -48 * 60, max: 0 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 12 * 60 }) },
    ),
    durationMinutes: fc.integer({ min: 1, max: 24 }).map((n) => n * 5),
    bufferAfterMinutes: fc.constantFrom(0, 0, 5, 10, 15, 30),
    slotStepMinutes: fc.constantFrom(5, 10, 15, 20, 30, 45, 60),
    minNoticeMinutes: fc.constantFrom(0, 0, 0, 30, 120, 600),
    maxDaysAhead: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 3, max: 6 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 1 }) },
    ),
    allowedRoles: fc.oneof(
      { weight: 8, arbitrary: fc.constant<string[]>(['owner', 'dentist', 'hygienist']) },
      { weight: 1, arbitrary: fc.subarray<string>([...ROLES]) },
    ),
    openingHours: weekly(wallStretch),
    chairs: fc.shuffledSubarray(CHAIR_IDS, { minLength: 1 }),
    providers: fc.array(
      fc.record({
        role: fc.constantFrom('dentist', 'dentist', 'dentist', 'owner', 'hygienist', 'receptionist'),
        // The pieces of a cut stretch share its chair and validity, so that they join.
        hours: weekly(
          fc
            .record({
              pieces: wallStretch,
              chairId: fc.constantFrom(null, null, null, null, null, 'c1', 'c2', 'c3', 'c9'),
              validFrom: sometimes(fc.integer({ min: -2, max: 3 }), 6),
              validTo: sometimes(fc.integer({ min: -2, max: 3 }), 6),
            })
            .map(({ pieces, ...rest }) => pieces.map((hours) => ({ hours, ...rest }))),
        ),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    busy: fc.array(
      fc.record({
        startMinutes: fc.integer({ min: -180, max: 63 * 60 }),
        lengthMinutes: fc.integer({ min: 5, max: 240 }),
        providerId: fc.constantFrom(null, 'p1', 'p2', 'p3', 'px'),
        chairId: fc.constantFrom(null, 'c1', 'c2', 'c3', 'c9'),
      }),
      { maxLength: 10 },
    ),
    closures: fc.array(
      fc.record({
        startMinutes: fc.integer({ min: -180, max: 63 * 60 }),
        lengthMinutes: fc.integer({ min: 5, max: 300 }),
      }),
      { maxLength: 2 },
    ),
    closedDayOffsets: fc.array(fc.integer({ min: -1, max: 3 }), { maxLength: 1 }),
    providerFilter: sometimes(fc.constantFrom('p1', 'p2', 'p3'), 8),
    chairFilter: sometimes(fc.constantFrom('c1', 'c1', 'c2', 'c2', 'c3', 'c9'), 8),
  })
  .map((s): AvailabilityQuery => {
    const anchor = s.zone.anchors[s.anchorIndex]!;
    const anchorDay = Math.floor(anchor / DAY);
    const from = anchor + s.fromMinutes * MINUTE + s.fromMs;
    const at = (minutes: number) => new Date(from + minutes * MINUTE);
    const providers: ProviderAvailability[] = s.providers.map((p, i) => ({
      providerId: PROVIDER_IDS[i]!,
      role: p.role,
      hours: p.hours.map((h) => ({
        weekday: h.weekday,
        start: h.hours.start,
        end: h.hours.end,
        chairId: h.chairId,
        validFrom: h.validFrom === undefined ? undefined : isoDate(anchorDay + h.validFrom),
        validTo: h.validTo === undefined ? undefined : isoDate(anchorDay + h.validTo),
      })),
    }));
    return {
      timeZone: s.zone.timeZone,
      from: new Date(from),
      to: at(s.spanMinutes),
      now: at(s.nowMinutes),
      slotStepMinutes: s.slotStepMinutes,
      appointmentType: {
        durationMinutes: s.durationMinutes,
        bufferAfterMinutes: s.bufferAfterMinutes,
        minNoticeMinutes: s.minNoticeMinutes,
        maxDaysAhead: s.maxDaysAhead,
        allowedRoles: s.allowedRoles,
      },
      openingHours: s.openingHours.map((o) => ({ weekday: o.weekday, start: o.start, end: o.end })),
      closedDates: s.closedDayOffsets.map((k) => isoDate(anchorDay + k)),
      closures: s.closures.map((c) => ({ start: at(c.startMinutes), end: at(c.startMinutes + c.lengthMinutes) })),
      chairs: s.chairs.map((id) => ({ id })),
      providers,
      busy: s.busy.map((b) => ({
        start: at(b.startMinutes),
        end: at(b.startMinutes + b.lengthMinutes),
        providerId: b.providerId,
        chairId: b.chairId,
      })),
      ...(s.providerFilter === undefined ? {} : { providerId: s.providerFilter }),
      ...(s.chairFilter === undefined ? {} : { chairId: s.chairFilter }),
    };
  });

/**
 * Local (day number, minute of day, second) of an instant, from Intl offsets sampled once per
 * UTC hour: these three zones only change offset on whole UTC hours.
 */
function localClock(timeZone: string, from: number, to: number) {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  });
  const firstHour = Math.floor(from / HOUR);
  const offsets: number[] = [];
  for (let h = firstHour; h * HOUR <= to; h++) {
    const parts = Object.fromEntries(format.formatToParts(h * HOUR).map((p) => [p.type, Number(p.value)]));
    offsets.push(Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!) - h * HOUR);
  }
  return (t: number) => {
    const offset = offsets[Math.floor(t / HOUR) - firstHour];
    if (offset === undefined) throw new Error(`clock asked outside its range: ${new Date(t).toISOString()}`);
    const local = t + offset;
    const day = Math.floor(local / DAY);
    const ofDay = local - day * DAY;
    return {
      day,
      minute: Math.floor(ofDay / MINUTE),
      second: (ofDay % MINUTE) / 1000,
      weekday: new Date(day * DAY).getUTCDay() || 7,
    };
  };
}

type Clock = ReturnType<typeof localClock>;
const clockFor = (q: AvailabilityQuery) => localClock(q.timeZone, q.from.getTime() - DAY, q.to.getTime() + DAY);
const minutesOf = (hm: string) => (hm === '24:00' ? 1440 : Number(hm.slice(0, 2)) * 60 + Number(hm.slice(3)));
const overlaps = (a0: number, a1: number, b0: number, b1: number) => a0 < b1 && b0 < a1;
const occupancyEnd = (q: AvailabilityQuery, start: number) =>
  start + (q.appointmentType.durationMinutes + q.appointmentType.bufferAfterMinutes) * MINUTE;
const key = (s: Slot) => `${s.start.toISOString()} ${s.providerId} ${s.chairId}`;

/** Whether every minute of [start, start + duration) is on `day` inside one of the intervals. */
function everyMinuteInside(
  clock: Clock,
  start: number,
  durationMinutes: number,
  day: number,
  intervals: { start: string; end: string }[],
): boolean {
  for (let m = 0; m < durationMinutes; m++) {
    const local = clock(start + m * MINUTE);
    if (
      local.day !== day ||
      !intervals.some((h) => minutesOf(h.start) <= local.minute && local.minute < minutesOf(h.end))
    )
      return false;
  }
  return true;
}

function workingIntervals(p: ProviderAvailability, day: number, weekday: number, chairId: string | null) {
  return p.hours.filter(
    (h) =>
      h.weekday === weekday &&
      h.chairId === chairId &&
      (h.validFrom ?? '0000') <= isoDate(day) &&
      isoDate(day) <= (h.validTo ?? '9999'),
  );
}

function isBlocked(q: AvailabilityQuery, providerId: string, chairId: string, start: number, end: number): boolean {
  const applies = (b: BusyInterval) =>
    (b.providerId === null && b.chairId === null) || b.providerId === providerId || b.chairId === chairId;
  return (
    q.closures.some((c) => overlaps(start, end, c.start.getTime(), c.end.getTime())) ||
    q.busy.some((b) => applies(b) && overlaps(start, end, b.start.getTime(), b.end.getTime()))
  );
}

/** The naive answer: every minute of the window, every rule checked minute by minute. */
function bruteForceSlots(q: AvailabilityQuery): string[] {
  const clock = clockFor(q);
  const type = q.appointmentType;
  const step = q.slotStepMinutes ?? 15;
  const chairs = q.chairs.map((c) => c.id).filter((id) => q.chairId === undefined || id === q.chairId);
  const providers = q.providers.filter(
    (p) => type.allowedRoles.includes(p.role) && (q.providerId === undefined || p.providerId === q.providerId),
  );
  const out: string[] = [];
  for (let t = Math.ceil(q.from.getTime() / MINUTE) * MINUTE; t < q.to.getTime(); t += MINUTE) {
    const { day, minute, weekday } = clock(t);
    if (minute % step !== 0 || q.closedDates.includes(isoDate(day))) continue;
    if (t < q.now.getTime() + type.minNoticeMinutes * MINUTE || t >= q.now.getTime() + type.maxDaysAhead * DAY)
      continue;
    if (
      !everyMinuteInside(
        clock,
        t,
        type.durationMinutes,
        day,
        q.openingHours.filter((h) => h.weekday === weekday),
      )
    )
      continue;
    for (const p of providers) {
      const fits = (chairId: string | null) =>
        everyMinuteInside(clock, t, type.durationMinutes, day, workingIntervals(p, day, weekday, chairId));
      const candidates = [...chairs.filter((c) => fits(c)), ...(fits(null) ? chairs : [])];
      const chair = candidates.find((c) => !isBlocked(q, p.providerId, c, t, occupancyEnd(q, t)));
      if (chair !== undefined) out.push(`${new Date(t).toISOString()} ${p.providerId} ${chair}`);
    }
  }
  return out;
}

describe('findSlots properties (Indian/Mauritius, Europe/London, America/New_York around DST changes)', () => {
  it('no slot’s occupancy overlaps a busy interval that applies to it, nor a closure', () => {
    fc.assert(
      fc.property(scenario, (q) => {
        for (const s of findSlots(q)) {
          expect(s.end.getTime() - s.start.getTime()).toBe(q.appointmentType.durationMinutes * MINUTE);
          expect(isBlocked(q, s.providerId, s.chairId, s.start.getTime(), occupancyEnd(q, s.start.getTime()))).toBe(
            false,
          );
        }
      }),
      RUNS,
    );
  });

  it('every slot lies inside opening hours and one working interval of its provider, in local time of its own day', () => {
    fc.assert(
      fc.property(scenario, (q) => {
        const clock = clockFor(q);
        for (const s of findSlots(q)) {
          const start = s.start.getTime();
          const { day, weekday } = clock(start);
          const provider = q.providers.find((p) => p.providerId === s.providerId)!;
          expect(q.appointmentType.allowedRoles).toContain(provider.role);
          expect(q.chairs.map((c) => c.id)).toContain(s.chairId);
          if (q.providerId !== undefined) expect(s.providerId).toBe(q.providerId);
          if (q.chairId !== undefined) expect(s.chairId).toBe(q.chairId);
          expect(q.closedDates).not.toContain(isoDate(day));
          expect(
            everyMinuteInside(
              clock,
              start,
              q.appointmentType.durationMinutes,
              day,
              q.openingHours.filter((h) => h.weekday === weekday),
            ),
          ).toBe(true);
          const inTiedInterval = everyMinuteInside(
            clock,
            start,
            q.appointmentType.durationMinutes,
            day,
            workingIntervals(provider, day, weekday, s.chairId),
          );
          const inAnyChairInterval = everyMinuteInside(
            clock,
            start,
            q.appointmentType.durationMinutes,
            day,
            workingIntervals(provider, day, weekday, null),
          );
          expect(inTiedInterval || inAnyChairInterval).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('every slot starts on the local step grid, within notice, max days ahead and the window; output is sorted', () => {
    fc.assert(
      fc.property(scenario, (q) => {
        const clock = clockFor(q);
        const slots = findSlots(q);
        const step = q.slotStepMinutes ?? 15;
        const now = q.now.getTime();
        for (const s of slots) {
          const start = s.start.getTime();
          const local = clock(start);
          expect(local.second).toBe(0);
          expect(local.minute % step).toBe(0);
          expect(start).toBeGreaterThanOrEqual(
            Math.max(q.from.getTime(), now + q.appointmentType.minNoticeMinutes * MINUTE),
          );
          expect(start).toBeLessThan(Math.min(q.to.getTime(), now + q.appointmentType.maxDaysAhead * DAY));
        }
        const order = (s: Slot) =>
          [s.start.getTime(), q.providers.findIndex((p) => p.providerId === s.providerId)] as const;
        for (let i = 1; i < slots.length; i++) {
          const [a, b] = [order(slots[i - 1]!), order(slots[i]!)];
          expect(a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('every returned slot can be booked: it passes the booking rules, and once booked it blocks its provider and chair and leaves every other slot alone', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), (q, pick) => {
        const before = findSlots(q);
        // What the booking service checks before writing, for staff and for a patient booking
        // themselves (the engine was given the type's notice and horizon, as availability is for patients).
        const opening = q.openingHours.map((h) => ({
          weekday: h.weekday,
          startMinute: minutesOf(h.start),
          endMinute: minutesOf(h.end),
        }));
        for (const s of before) {
          const provider = q.providers.find((p) => p.providerId === s.providerId)!;
          const providerHours = provider.hours.map((h) => ({
            weekday: h.weekday,
            startMinute: minutesOf(h.start),
            endMinute: minutesOf(h.end),
            chairId: h.chairId,
            validFrom: h.validFrom,
            validTo: h.validTo,
          }));
          const visit = key(s);
          expect([
            visit,
            weeklyHoursRefusal({
              start: s.start,
              end: s.end,
              timeZone: q.timeZone,
              chairId: s.chairId,
              opening,
              providerHours,
            }),
          ]).toEqual([visit, null]);
          for (const byPatient of [false, true])
            expect([visit, timingRefusal({ start: s.start, now: q.now, byPatient, type: q.appointmentType })]).toEqual([
              visit,
              null,
            ]);
        }
        if (before.length === 0) return;
        const booked = before[pick % before.length]!;
        const bookedEnd = occupancyEnd(q, booked.start.getTime());
        const conflicts = (s: Slot) =>
          (s.providerId === booked.providerId || s.chairId === booked.chairId) &&
          overlaps(s.start.getTime(), occupancyEnd(q, s.start.getTime()), booked.start.getTime(), bookedEnd);
        const after = findSlots({
          ...q,
          busy: [
            ...q.busy,
            { start: booked.start, end: new Date(bookedEnd), providerId: booked.providerId, chairId: booked.chairId },
          ],
        });
        expect(after.filter(conflicts)).toEqual([]);
        const remaining = new Set(after.map(key));
        expect(before.filter((s) => !conflicts(s) && !remaining.has(key(s)))).toEqual([]);
      }),
      RUNS,
    );
  });

  it('leaving one busy interval out (a move leaves the appointment being moved) keeps every start and adds only what it stood in the way of', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), (q, pick) => {
        if (q.busy.length === 0) return;
        const left = q.busy[pick % q.busy.length]!;
        const applies = (s: Slot) =>
          (left.providerId === null && left.chairId === null) ||
          left.providerId === s.providerId ||
          left.chairId === s.chairId;
        const before = findSlots(q);
        const after = findSlots({ ...q, busy: q.busy.filter((b) => b !== left) });
        // Every (start, provider) stays; a slot found only now (or now on a chair earlier in the
        // practice's order) is one the interval left out was in the way of.
        const startOf = (s: Slot) => `${s.start.toISOString()} ${s.providerId}`;
        const afterStarts = new Set(after.map(startOf));
        expect(before.filter((s) => !afterStarts.has(startOf(s)))).toEqual([]);
        const beforeKeys = new Set(before.map(key));
        for (const s of after.filter((s) => !beforeKeys.has(key(s)))) {
          expect([key(s), applies(s)]).toEqual([key(s), true]);
          expect([
            key(s),
            overlaps(s.start.getTime(), occupancyEnd(q, s.start.getTime()), left.start.getTime(), left.end.getTime()),
          ]).toEqual([key(s), true]);
        }
      }),
      RUNS,
    );
  });

  it('finds exactly the slots a minute-by-minute brute force finds', () => {
    fc.assert(
      fc.property(scenario, (q) => {
        expect(findSlots(q).map(key)).toEqual(bruteForceSlots(q));
      }),
      RUNS,
    );
  });
});
