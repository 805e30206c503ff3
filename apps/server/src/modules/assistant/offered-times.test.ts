import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type FreeSlot, spreadTimes } from './offered-times.js';

const ZONE = 'Indian/Mauritius';
/** Free every 15 minutes from 08:00 to 17:00 local (04:00–13:00 UTC) on the given days of December 2026. */
function freeDays(days: number[], providers = ['p1']): FreeSlot[] {
  const slots: FreeSlot[] = [];
  for (const day of days)
    for (let m = 0; m < 9 * 60; m += 15)
      for (const providerId of providers) {
        const start = new Date(Date.UTC(2026, 11, day, 4, m));
        slots.push({ start, end: new Date(start.getTime() + 30 * 60_000), providerId, chairId: 'c1' });
      }
  return slots;
}
/** '7 08:00': the local day of the month and time. */
const local = (d: Date) => {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: ZONE,
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('day')} ${part('hour')}:${part('minute')}`;
};

describe('spreadTimes', () => {
  it('spreads ten times over a week instead of the first ten of Monday', () => {
    const chosen = spreadTimes(freeDays([7, 8, 9, 10, 11]), { count: 10, timeZone: ZONE });
    expect(chosen).toHaveLength(10);
    const days = chosen.map((s) => local(s.start).split(' ')[0]);
    expect(new Set(days)).toEqual(new Set(['7', '8', '9', '10', '11']));
    // Two a day: the first and the last time of each day.
    expect(chosen.slice(0, 2).map((s) => local(s.start))).toEqual(['7 08:00', '7 16:45']);
  });

  it('offers one start time once when another provider is free then too, unless times run short', () => {
    const two = freeDays([8], ['p1', 'p2']);
    const chosen = spreadTimes(two, { count: 10, timeZone: ZONE });
    expect(new Set(chosen.map((s) => s.start.getTime())).size).toBe(10);
    const few = two.slice(0, 4); // 08:00 and 08:15, each with two providers
    expect(spreadTimes(few, { count: 10, timeZone: ZONE })).toHaveLength(4);
  });

  it('gives days with few free times what they have and the rest to the others', () => {
    const slots = [...freeDays([7]).slice(0, 1), ...freeDays([9])];
    const chosen = spreadTimes(slots, { count: 10, timeZone: ZONE });
    expect(chosen).toHaveLength(10);
    expect(chosen.filter((s) => local(s.start).startsWith('7 ')).length).toBe(1);
  });

  it('never invents a time, repeats one, or passes the count', () => {
    fc.assert(
      fc.property(fc.subarray(freeDays([7, 8, 9], ['p1', 'p2'])), fc.integer({ min: 0, max: 12 }), (slots, count) => {
        const chosen = spreadTimes(slots, { count, timeZone: ZONE });
        expect(chosen.length).toBe(Math.min(count, slots.length));
        for (const s of chosen) expect(slots).toContain(s);
        expect(new Set(chosen).size).toBe(chosen.length);
        for (let i = 1; i < chosen.length; i++)
          expect(chosen[i]!.start.getTime()).toBeGreaterThanOrEqual(chosen[i - 1]!.start.getTime());
      }),
      { numRuns: 200 },
    );
  });
});

describe('spreadTimes with a seed', () => {
  it('turns the providers and moves the times along, so patients writing at once race less', () => {
    const slots = freeDays([8], ['p1', 'p2', 'p3']);
    const offered = [1, 2, 3, 4, 5].map((seed) => spreadTimes(slots, { count: 10, timeZone: ZONE, seed }));
    const pairs = offered.map((o) => o.map((s) => `${s.start.getTime()} ${s.providerId}`));
    // Five patients, fifty offers: few (time, provider) pairs offered to two of them (turning only
    // the providers, the same ten times with three providers make thirty pairs at most).
    expect(new Set(pairs.flat()).size).toBeGreaterThanOrEqual(40);
    for (const o of offered) {
      // Still ten distinct times spread over the whole day, never bunched at one end.
      expect(new Set(o.map((s) => s.start.getTime())).size).toBe(10);
      expect(local(o[0]!.start) < '8 09:00').toBe(true);
      expect(local(o[9]!.start) > '8 15:45').toBe(true);
    }
  });

  it('offers one conversation the same times each time it asks', () => {
    const slots = freeDays([7, 8, 9], ['p1', 'p2']);
    expect(spreadTimes(slots, { count: 10, timeZone: ZONE, seed: 12345 })).toEqual(
      spreadTimes(slots, { count: 10, timeZone: ZONE, seed: 12345 }),
    );
  });

  it('never invents a time, repeats one, or passes the count, whatever the seed', () => {
    fc.assert(
      fc.property(
        fc.subarray(freeDays([7, 8, 9], ['p1', 'p2'])),
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        (slots, count, seed) => {
          const chosen = spreadTimes(slots, { count, timeZone: ZONE, seed });
          expect(chosen.length).toBe(Math.min(count, slots.length));
          for (const s of chosen) expect(slots).toContain(s);
          expect(new Set(chosen).size).toBe(chosen.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
