import { describe, expect, it } from 'vitest';
import { fitsWeeklyHours, wallClock } from './booking-rules.js';

describe('wallClock', () => {
  it('reads Mauritian wall-clock time (UTC+4)', () => {
    expect(wallClock(new Date('2026-11-23T04:30:00Z'), 'Indian/Mauritius')).toEqual({ date: '2026-11-23', weekday: 1, minute: 8 * 60 + 30 });
    expect(wallClock(new Date('2026-11-28T21:00:00Z'), 'Indian/Mauritius')).toEqual({ date: '2026-11-29', weekday: 7, minute: 60 });
  });

  it('follows daylight saving in London', () => {
    expect(wallClock(new Date('2026-07-01T08:00:00Z'), 'Europe/London').minute).toBe(9 * 60);
    expect(wallClock(new Date('2026-12-01T08:00:00Z'), 'Europe/London').minute).toBe(8 * 60);
  });
});

describe('fitsWeeklyHours', () => {
  const monday = [{ weekday: 1, startMinute: 8 * 60, endMinute: 12 * 60 }, { weekday: 1, startMinute: 13 * 60, endMinute: 24 * 60 }];
  const at = (iso: string) => new Date(iso);
  it('accepts an appointment inside one interval and refuses one straddling the lunch gap', () => {
    expect(fitsWeeklyHours(at('2026-11-23T07:00:00Z'), at('2026-11-23T07:30:00Z'), 'Indian/Mauritius', monday)).toBe(true);
    expect(fitsWeeklyHours(at('2026-11-23T07:45:00Z'), at('2026-11-23T09:15:00Z'), 'Indian/Mauritius', monday)).toBe(false);
  });
  it('lets an interval run to midnight, and refuses one crossing it', () => {
    expect(fitsWeeklyHours(at('2026-11-23T19:30:00Z'), at('2026-11-23T20:00:00Z'), 'Indian/Mauritius', monday)).toBe(true);
    expect(fitsWeeklyHours(at('2026-11-23T19:30:00Z'), at('2026-11-23T20:30:00Z'), 'Indian/Mauritius', monday)).toBe(false);
  });
  it('refuses another weekday', () => {
    expect(fitsWeeklyHours(at('2026-11-24T07:00:00Z'), at('2026-11-24T07:30:00Z'), 'Indian/Mauritius', monday)).toBe(false);
  });
});
