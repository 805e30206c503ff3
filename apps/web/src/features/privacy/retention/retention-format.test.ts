import { describe, expect, it } from 'vitest';
import { parseDays, yearsOf } from './retention-format';

describe('retention periods in the form', () => {
  it('says whole years as the rules count them, and days otherwise', () => {
    expect(yearsOf(4018)).toBe(11);
    expect(yearsOf(731)).toBe(2);
    expect(yearsOf(365)).toBeNull();
    expect(yearsOf(366)).toBe(1);
    expect(yearsOf(30)).toBeNull();
    expect(yearsOf(4019)).toBeNull();
  });

  it('takes whole days from 1 to 36500', () => {
    expect(parseDays(' 4018 ')).toBe(4018);
    expect(parseDays('0')).toBeNull();
    expect(parseDays('12.5')).toBeNull();
    expect(parseDays('-3')).toBeNull();
    expect(parseDays('99999')).toBeNull();
    expect(parseDays('')).toBeNull();
  });
});
