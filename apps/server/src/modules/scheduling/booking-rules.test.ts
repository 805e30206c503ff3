import { describe, expect, it } from 'vitest';
import { fitsWeeklyHours, timingRefusal, wallClock, weeklyHoursRefusal } from './booking-rules.js';

describe('wallClock', () => {
  it('reads Mauritian wall-clock time (UTC+4)', () => {
    expect(wallClock(new Date('2026-11-23T04:30:00Z'), 'Indian/Mauritius')).toEqual({
      date: '2026-11-23',
      weekday: 1,
      minute: 8 * 60 + 30,
    });
    expect(wallClock(new Date('2026-11-28T21:00:00Z'), 'Indian/Mauritius')).toEqual({
      date: '2026-11-29',
      weekday: 7,
      minute: 60,
    });
  });

  it('follows daylight saving in London', () => {
    expect(wallClock(new Date('2026-07-01T08:00:00Z'), 'Europe/London').minute).toBe(9 * 60);
    expect(wallClock(new Date('2026-12-01T08:00:00Z'), 'Europe/London').minute).toBe(8 * 60);
  });
});

describe('fitsWeeklyHours', () => {
  const monday = [
    { weekday: 1, startMinute: 8 * 60, endMinute: 12 * 60 },
    { weekday: 1, startMinute: 13 * 60, endMinute: 24 * 60 },
  ];
  const at = (iso: string) => new Date(iso);
  it('accepts an appointment inside one interval and refuses one straddling the lunch gap', () => {
    expect(fitsWeeklyHours(at('2026-11-23T07:00:00Z'), at('2026-11-23T07:30:00Z'), 'Indian/Mauritius', monday)).toBe(
      true,
    );
    expect(fitsWeeklyHours(at('2026-11-23T07:45:00Z'), at('2026-11-23T09:15:00Z'), 'Indian/Mauritius', monday)).toBe(
      false,
    );
  });
  it('lets an interval run to midnight, and refuses one crossing it', () => {
    expect(fitsWeeklyHours(at('2026-11-23T19:30:00Z'), at('2026-11-23T20:00:00Z'), 'Indian/Mauritius', monday)).toBe(
      true,
    );
    expect(fitsWeeklyHours(at('2026-11-23T19:30:00Z'), at('2026-11-23T20:30:00Z'), 'Indian/Mauritius', monday)).toBe(
      false,
    );
  });
  it('refuses another weekday', () => {
    expect(fitsWeeklyHours(at('2026-11-24T07:00:00Z'), at('2026-11-24T07:30:00Z'), 'Indian/Mauritius', monday)).toBe(
      false,
    );
  });
  it('joins intervals that touch end to start, as the availability engine does', () => {
    const split = [
      { weekday: 1, startMinute: 8 * 60, endMinute: 10 * 60 },
      { weekday: 1, startMinute: 10 * 60, endMinute: 17 * 60 },
    ];
    // 09:45–10:15 in Mauritius
    expect(fitsWeeklyHours(at('2026-11-23T05:45:00Z'), at('2026-11-23T06:15:00Z'), 'Indian/Mauritius', split)).toBe(
      true,
    );
    // 16:45–17:15 runs past the end of the stretch
    expect(fitsWeeklyHours(at('2026-11-23T12:45:00Z'), at('2026-11-23T13:15:00Z'), 'Indian/Mauritius', split)).toBe(
      false,
    );
  });
  it('reads a stretch across a daylight-saving change as the instants whose wall time lies in it', () => {
    // London, 2026-10-25: 02:00 BST becomes 01:00 GMT at 01:00Z, so 01:00–01:30 happens twice.
    const sunday = (startMinute: number, endMinute: number) => [{ weekday: 7, startMinute, endMinute }];
    expect(
      fitsWeeklyHours(at('2026-10-25T00:00:00Z'), at('2026-10-25T00:30:00Z'), 'Europe/London', sunday(60, 90)),
    ).toBe(true);
    expect(
      fitsWeeklyHours(at('2026-10-25T01:00:00Z'), at('2026-10-25T01:30:00Z'), 'Europe/London', sunday(60, 90)),
    ).toBe(true);
    // 01:15 BST to 01:15 GMT: its wall-clock ends lie in the interval, but the hour between does not.
    expect(
      fitsWeeklyHours(at('2026-10-25T00:15:00Z'), at('2026-10-25T01:15:00Z'), 'Europe/London', sunday(60, 90)),
    ).toBe(false);
    // Touching intervals join across the change: 00:30–01:30 and 01:30–03:00 hold 01:15 BST–01:15 GMT.
    expect(
      fitsWeeklyHours(at('2026-10-25T00:15:00Z'), at('2026-10-25T01:15:00Z'), 'Europe/London', [
        ...sunday(30, 90),
        ...sunday(90, 180),
      ]),
    ).toBe(true);
  });
});

describe('weeklyHoursRefusal', () => {
  const visit = (time: string, minutes = 30) => ({
    start: new Date(`2026-11-23T${time}:00+04:00`),
    end: new Date(new Date(`2026-11-23T${time}:00+04:00`).getTime() + minutes * 60_000),
    timeZone: 'Indian/Mauritius',
    chairId: 'chair-1',
  });
  const opening = [
    { weekday: 1, startMinute: 8 * 60, endMinute: 10 * 60 },
    { weekday: 1, startMinute: 10 * 60, endMinute: 17 * 60 },
  ];
  const hours = (
    chairId: string | null,
    startMinute: number,
    endMinute: number,
    validity: { validFrom?: string; validTo?: string } = {},
  ) => ({ weekday: 1, startMinute, endMinute, chairId, ...validity });

  it('accepts a visit across touching opening and working intervals', () => {
    expect(
      weeklyHoursRefusal({
        ...visit('09:45'),
        opening,
        providerHours: [hours(null, 480, 600), hours(null, 600, 1020)],
      }),
    ).toBeNull();
  });
  it('keeps any-chair hours and hours tied to the chair apart, like the engine', () => {
    expect(
      weeklyHoursRefusal({
        ...visit('09:45'),
        opening,
        providerHours: [hours('chair-1', 480, 600), hours('chair-1', 600, 1020)],
      }),
    ).toBeNull();
    expect(
      weeklyHoursRefusal({
        ...visit('09:45'),
        opening,
        providerHours: [hours('chair-1', 480, 600), hours(null, 600, 1020)],
      }),
    ).toEqual({
      code: 'outside_provider_hours',
      detail: 'The provider does not work at that time',
      extra: { providerOnAnotherChair: false },
    });
    expect(weeklyHoursRefusal({ ...visit('09:00'), opening, providerHours: [hours('chair-2', 480, 1020)] })).toEqual({
      code: 'outside_provider_hours',
      detail: 'The provider works on another chair at that time',
      extra: { providerOnAnotherChair: true },
    });
  });
  it('refuses outside opening hours first, and ignores hours not valid on the day', () => {
    expect(weeklyHoursRefusal({ ...visit('16:45'), opening, providerHours: [hours(null, 0, 1440)] })).toEqual({
      code: 'outside_opening_hours',
    });
    expect(
      weeklyHoursRefusal({
        ...visit('09:00'),
        opening,
        providerHours: [hours(null, 480, 1020, { validTo: '2026-11-22' })],
      })?.code,
    ).toBe('outside_provider_hours');
    expect(
      weeklyHoursRefusal({
        ...visit('09:00'),
        opening,
        providerHours: [hours(null, 480, 1020, { validFrom: '2026-11-23', validTo: '2026-11-23' })],
      }),
    ).toBeNull();
  });
});

describe('timingRefusal', () => {
  const now = new Date('2026-11-23T06:00:00Z');
  const type = { minNoticeMinutes: 120, maxDaysAhead: 60 };
  const inMinutes = (m: number) => new Date(now.getTime() + m * 60_000);
  it('lets staff book from a few minutes ago, with no notice and no horizon', () => {
    expect(timingRefusal({ start: inMinutes(-5), now, byPatient: false, type })).toBeNull();
    expect(timingRefusal({ start: inMinutes(-6), now, byPatient: false, type })).toBe('in_the_past');
    expect(timingRefusal({ start: inMinutes(365 * 1440), now, byPatient: false, type })).toBeNull();
  });
  it("holds a patient to the type's notice and horizon, the bounds availability uses for patients", () => {
    expect(timingRefusal({ start: inMinutes(119), now, byPatient: true, type })).toBe('too_soon');
    expect(timingRefusal({ start: inMinutes(120), now, byPatient: true, type })).toBeNull();
    expect(timingRefusal({ start: inMinutes(60 * 1440 - 1), now, byPatient: true, type })).toBeNull();
    expect(timingRefusal({ start: inMinutes(60 * 1440), now, byPatient: true, type })).toBe('too_far_ahead');
  });
});
