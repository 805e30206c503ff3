import { describe, expect, it } from 'vitest';
import { addMonths, daysBetween, laterDay, monthBounds, monthOf, monthsBefore } from './list-dates';

describe('dates of the recall and waitlist screens', () => {
  it('steps months across years', () => {
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2026-06', 18)).toBe('2027-12');
    expect(monthOf('2026-12-06')).toBe('2026-12');
  });

  it('knows the last day of each month, leap years included', () => {
    expect(monthBounds('2028-02')).toEqual({ first: '2028-02-01', last: '2028-02-29' });
    expect(monthBounds('2026-02').last).toBe('2026-02-28');
    expect(monthBounds('2026-12').last).toBe('2026-12-31');
  });

  it('goes back months without spilling into the next month', () => {
    expect(monthsBefore('2026-12-06', 6)).toBe('2026-06-06');
    expect(monthsBefore('2026-03-31', 1)).toBe('2026-02-28');
    expect(monthsBefore('2026-01-15', 12)).toBe('2025-01-15');
  });

  it('counts days and picks the later date', () => {
    expect(daysBetween('2026-11-30', '2026-12-06')).toBe(6);
    expect(daysBetween('2026-12-06', '2026-12-06')).toBe(0);
    expect(laterDay('2026-12-06', '2027-01-01')).toBe('2027-01-01');
  });
});
