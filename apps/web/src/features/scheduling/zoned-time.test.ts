import { describe, expect, it } from 'vitest';
import { addDays, clock, instantAt, mondayOf, parseClock, wallTimeOf, weekdayOf } from './zoned-time';

describe('zoned time', () => {
  it('converts Mauritius wall time (UTC+4, no DST) to instants and back', () => {
    expect(instantAt('2026-11-25', 9 * 60 + 30, 'Indian/Mauritius').toISOString()).toBe('2026-11-25T05:30:00.000Z');
    expect(wallTimeOf('2026-11-25T05:30:00.000Z', 'Indian/Mauritius')).toEqual({ day: '2026-11-25', minutes: 570 });
    expect(wallTimeOf('2026-11-24T21:00:00.000Z', 'Indian/Mauritius')).toEqual({ day: '2026-11-25', minutes: 60 });
  });

  it('handles daylight-saving changes (Europe/Paris)', () => {
    // Summer (UTC+2) and winter (UTC+1).
    expect(instantAt('2026-07-01', 8 * 60, 'Europe/Paris').toISOString()).toBe('2026-07-01T06:00:00.000Z');
    expect(instantAt('2026-12-01', 8 * 60, 'Europe/Paris').toISOString()).toBe('2026-12-01T07:00:00.000Z');
    // The day the clocks go forward (29 March 2026, 02:00 → 03:00): 09:00 is UTC+2.
    expect(instantAt('2026-03-29', 9 * 60, 'Europe/Paris').toISOString()).toBe('2026-03-29T07:00:00.000Z');
    // Midnight just before the change is still UTC+1.
    expect(instantAt('2026-03-29', 0, 'Europe/Paris').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    // The day the clocks go back (25 October 2026): 12:00 is UTC+1.
    expect(instantAt('2026-10-25', 12 * 60, 'Europe/Paris').toISOString()).toBe('2026-10-25T11:00:00.000Z');
  });

  it('round-trips every quarter hour of a year in several zones', () => {
    for (const zone of ['Indian/Mauritius', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'UTC']) {
      let day = '2026-01-01';
      for (let i = 0; i < 365; i += 7) {
        for (let minutes = 0; minutes < 1440; minutes += 15) {
          const instant = instantAt(day, minutes, zone);
          const back = wallTimeOf(instant, zone);
          // Skipped wall times (spring-forward gap) land later; all others round-trip exactly.
          if (back.day === day && back.minutes === minutes) continue;
          expect(instant.getTime()).toBeGreaterThan(instantAt(day, minutes - 60, zone).getTime());
        }
        day = addDays(day, 7);
      }
    }
  });

  it('does calendar-date arithmetic', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(weekdayOf('2026-11-23')).toBe(1);
    expect(weekdayOf('2026-11-29')).toBe(7);
    expect(mondayOf('2026-11-29')).toBe('2026-11-23');
    expect(parseClock('09:45')).toBe(585);
    expect(parseClock('24:00')).toBe(1440);
    expect(clock(585)).toBe('09:45');
  });
});
