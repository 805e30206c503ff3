import { describe, expect, it } from 'vitest';
import en from '../../i18n/en.json';
import fr from '../../i18n/fr.json';
import { closedDays, weekdayName } from './closed-days';

const weekdaysAndSaturdayMorning = [
  ...[1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '17:00' })),
  { weekday: 6, start: '08:00', end: '12:00' },
];

describe('closed days', () => {
  it('calls a day with no opening hours closed (the demo’s Sunday), not one with some', () => {
    expect([...closedDays(['2026-12-06'], weekdaysAndSaturdayMorning)]).toEqual(['2026-12-06']);
    expect([...closedDays(['2026-12-05'], weekdaysAndSaturdayMorning)]).toEqual([]);
    const week = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06'];
    expect([...closedDays(week, weekdaysAndSaturdayMorning)]).toEqual(['2026-12-06']);
  });

  it('calls nothing closed while no opening hours are set up', () => {
    expect(closedDays(['2026-12-06'], []).size).toBe(0);
  });

  it('names the weekday in the banner, in English and French', () => {
    const say = (template: string, weekday: string) => template.replace('{{weekday}}', weekday);
    expect(say(en.calendar.closedDay, weekdayName('2026-12-06', 'en'))).toMatch(/^Closed on Sundays/);
    expect(say(fr.calendar.closedDay, weekdayName('2026-12-06', 'fr'))).toMatch(/^Fermé le dimanche/);
  });
});
