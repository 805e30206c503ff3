import { describe, expect, it } from 'vitest';
import { at } from './conversation.fixtures.js';
import {
  localDate,
  localMidnight,
  localParts,
  rangeFor,
  sayClock,
  sayRange,
  sayWhen,
  sayWhenShort,
} from './say-when.js';

const MU = 'Indian/Mauritius';
const tuesday1030 = at('2026-12-08T10:30');

describe('sayWhen (saying a time back in full)', () => {
  it('writes the day, date and time in each language', () => {
    expect(sayWhen(tuesday1030, 'en', MU)).toBe('Tuesday 8 December at 10:30');
    expect(sayWhen(tuesday1030, 'fr', MU)).toBe('mardi 8 décembre à 10 h 30');
    expect(sayWhen(tuesday1030, 'mfe', MU)).toBe('Mardi 8 Desam a 10h30');
  });

  it('drops zero minutes in French and Creole, as people write them', () => {
    const nine = at('2026-12-08T09:00');
    expect(sayWhen(nine, 'en', MU)).toBe('Tuesday 8 December at 09:00');
    expect(sayWhen(nine, 'fr', MU)).toBe('mardi 8 décembre à 9 h');
    expect(sayWhen(nine, 'mfe', MU)).toBe('Mardi 8 Desam a 9h');
  });

  it('uses the practice zone, not UTC (23:30 UTC is the next morning in Mauritius)', () => {
    expect(sayWhen(new Date('2026-12-07T23:30:00Z'), 'en', MU)).toBe('Tuesday 8 December at 03:30');
  });

  it('accepts a time that came back from stored JSON as a string', () => {
    expect(sayWhen(tuesday1030.toISOString() as unknown as Date, 'en', MU)).toBe('Tuesday 8 December at 10:30');
  });
});

describe('sayWhenShort (list titles)', () => {
  it('writes "Tue 8 Dec 10:30" in each language', () => {
    expect(sayWhenShort(tuesday1030, 'en', MU)).toBe('Tue 8 Dec 10:30');
    expect(sayWhenShort(tuesday1030, 'fr', MU)).toBe('mar. 8 déc. 10:30');
    expect(sayWhenShort(tuesday1030, 'mfe', MU)).toBe('mar 8 des 10:30');
  });

  it('stays within the 24 characters of a list row title on every day of a year', () => {
    for (let day = 0; day < 366; day++) {
      const instant = new Date(Date.UTC(2027, 0, 1 + day, 6, 45));
      for (const language of ['en', 'fr', 'mfe'] as const) {
        expect(Array.from(sayWhenShort(instant, language, MU)).length).toBeLessThanOrEqual(24);
      }
    }
  });
});

describe('sayClock and sayRange', () => {
  it('writes clock times the local way', () => {
    expect(sayClock(8, 0, 'en')).toBe('08:00');
    expect(sayClock(8, 0, 'fr')).toBe('8 h');
    expect(sayClock(17, 30, 'fr')).toBe('17 h 30');
    expect(sayClock(12, 0, 'mfe')).toBe('12h');
  });

  it('says one day as a day and several as "between … and …"', () => {
    const day = { from: at('2026-12-10T08:00'), to: at('2026-12-10T12:00') };
    expect(sayRange(day, 'en', MU)).toBe('on Thursday 10 December');
    expect(sayRange(day, 'fr', MU)).toBe('le jeudi 10 décembre');
    expect(sayRange(day, 'mfe', MU)).toBe('Zedi 10 Desam');
    const week = { from: at('2026-12-07T00:00'), to: at('2026-12-14T00:00') };
    expect(sayRange(week, 'en', MU)).toBe('between Monday 7 December and Sunday 13 December');
    expect(sayRange(week, 'fr', MU)).toBe('entre le lundi 7 décembre et le dimanche 13 décembre');
    expect(sayRange(week, 'mfe', MU)).toBe('ant Lindi 7 Desam ek Dimans 13 Desam');
  });
});

describe('local days', () => {
  it('reads the wall clock and the ISO weekday', () => {
    expect(localParts(tuesday1030, MU)).toEqual({ year: 2026, month: 12, day: 8, weekday: 2, hour: 10, minute: 30 });
    expect(localDate(new Date('2026-12-07T21:00:00Z'), MU)).toBe('2026-12-08');
  });

  it('finds local midnight, also across daylight saving (London, 29 March 2026)', () => {
    expect(localMidnight(tuesday1030, MU)).toEqual(at('2026-12-08T00:00'));
    expect(localMidnight(tuesday1030, MU, 1)).toEqual(at('2026-12-09T00:00'));
    expect(localMidnight(new Date('2026-03-29T12:00:00Z'), 'Europe/London', 1)).toEqual(
      new Date('2026-03-29T23:00:00Z'),
    );
  });

  it('offers "earliest" as the next 30 days, and this and next week as local weeks', () => {
    const thursday = at('2026-12-03T09:00');
    expect(rangeFor('earliest', thursday, MU)).toEqual({ from: thursday, to: at('2027-01-02T09:00') });
    expect(rangeFor('this_week', thursday, MU)).toEqual({ from: thursday, to: at('2026-12-07T00:00') });
    expect(rangeFor('next_week', thursday, MU)).toEqual({ from: at('2026-12-07T00:00'), to: at('2026-12-14T00:00') });
    const sunday = at('2026-12-06T18:00');
    expect(rangeFor('next_week', sunday, MU).from).toEqual(at('2026-12-07T00:00'));
  });
});
