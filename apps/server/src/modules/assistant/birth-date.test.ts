import { describe, expect, it } from 'vitest';
import { readBirthDate } from './birth-date.js';

const TODAY = '2026-12-03';

describe('readBirthDate', () => {
  it.each([
    ['12/03/1985', '1985-03-12'],
    ['12-3-1985', '1985-03-12'],
    ['12.03.1985', '1985-03-12'],
    ['1985-03-12', '1985-03-12'],
    ['12 mars 1985', '1985-03-12'],
    ['12 March 1985', '1985-03-12'],
    ['March 12, 1985', '1985-03-12'],
    ['1er janvier 2001', '2001-01-01'],
    ['3 Zilye 2001', '2001-07-03'],
    ['25 desam 1990', '1990-12-25'],
    ['5 sept 1970', '1970-09-05'],
    ['12 févr. 1985', '1985-02-12'],
    ['Li ne le 12/03/1985', '1985-03-12'],
    ['12/03/85', '1985-03-12'],
    ['12/03/15', '2015-03-12'],
    ['12 03 1985', '1985-03-12'],
  ])('reads %s day first', (typed, date) => {
    expect(readBirthDate(typed, TODAY)).toEqual({ ok: true, date });
  });

  it('refuses a future date, a date before 1900 and an impossible one, each with its reason', () => {
    expect(readBirthDate('12/03/2027', TODAY)).toEqual({ ok: false, problem: 'future' });
    expect(readBirthDate('04/12/2026', TODAY)).toEqual({ ok: false, problem: 'future' });
    expect(readBirthDate('3/12/2026', TODAY)).toEqual({ ok: true, date: '2026-12-03' });
    expect(readBirthDate('12/03/1885', TODAY)).toEqual({ ok: false, problem: 'too_old' });
    expect(readBirthDate('31/02/1985', TODAY)).toEqual({ ok: false, problem: 'unreadable' });
    expect(readBirthDate('12/13/1985', TODAY)).toEqual({ ok: false, problem: 'unreadable' });
  });

  it('does not guess from text without a full date', () => {
    for (const typed of ['yesterday', '12 mars', '1985', 'Marie Dupont', '', '🎂']) {
      expect(readBirthDate(typed, TODAY)).toEqual({ ok: false, problem: 'unreadable' });
    }
  });
});
