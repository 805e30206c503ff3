import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dashboardPeriods, daysSpanned } from './dashboard-periods.js';

describe('dashboard periods', () => {
  it('widens a range to whole weeks, Monday to Sunday', () => {
    // 2026-12-02 is a Wednesday, 2026-12-15 a Tuesday.
    expect(dashboardPeriods('2026-12-02', '2026-12-15', 'week')).toEqual({
      from: '2026-11-30',
      to: '2026-12-20',
      periods: [
        { start: '2026-11-30', end: '2026-12-06' },
        { start: '2026-12-07', end: '2026-12-13' },
        { start: '2026-12-14', end: '2026-12-20' },
      ],
    });
  });

  it('widens a range to whole months, across a year and a leap February', () => {
    expect(dashboardPeriods('2027-12-31', '2028-02-10', 'month').periods).toEqual([
      { start: '2027-12-01', end: '2027-12-31' },
      { start: '2028-01-01', end: '2028-01-31' },
      { start: '2028-02-01', end: '2028-02-29' },
    ]);
  });

  it('a Sunday belongs to the week that began on the Monday before', () => {
    expect(dashboardPeriods('2026-12-06', '2026-12-06', 'week').periods).toEqual([
      { start: '2026-11-30', end: '2026-12-06' },
    ]);
  });

  it('periods follow each other without a gap and cover the range', () => {
    const day = fc.integer({ min: 0, max: 3000 }).map((d) => new Date(Date.UTC(2020, 0, 1) + d * 86_400_000));
    fc.assert(
      fc.property(day, fc.integer({ min: 0, max: 400 }), fc.constantFrom('week', 'month'), (start, length, unit) => {
        const from = start.toISOString().slice(0, 10);
        const to = new Date(start.getTime() + length * 86_400_000).toISOString().slice(0, 10);
        const { periods, from: wideFrom, to: wideTo } = dashboardPeriods(from, to, unit as 'week' | 'month');
        expect(wideFrom <= from && wideTo >= to).toBe(true);
        expect(periods[0]!.start).toBe(wideFrom);
        expect(periods.at(-1)!.end).toBe(wideTo);
        for (let i = 1; i < periods.length; i++) expect(daysSpanned(periods[i - 1]!.end, periods[i]!.start)).toBe(2);
        for (const p of periods) {
          const days = daysSpanned(p.start, p.end);
          if (unit === 'week') expect(days).toBe(7);
          else expect(days >= 28 && days <= 31).toBe(true);
        }
      }),
    );
  });
});
