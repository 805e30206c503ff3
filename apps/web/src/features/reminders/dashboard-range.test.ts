import { describe, expect, it } from 'vitest';
import { defaultRange, rangeProblem } from './dashboard-range';

describe('the dashboard range', () => {
  it('shows this week and the eleven before, from their Monday', () => {
    // Monday 7 December 2026.
    expect(defaultRange('2026-12-07', 'week')).toEqual({ from: '2026-09-21', to: '2026-12-07' });
    // Sunday 13 December: still the week of the 7th.
    expect(defaultRange('2026-12-13', 'week').from).toBe('2026-09-21');
  });

  it('shows this month and the eleven before, from the 1st', () => {
    expect(defaultRange('2026-12-07', 'month')).toEqual({ from: '2026-01-01', to: '2026-12-07' });
    expect(defaultRange('2027-03-31', 'month').from).toBe('2026-04-01');
  });

  it('refuses a range backwards or longer than the server takes', () => {
    expect(rangeProblem('2026-12-07', '2026-12-06')).toBe('order');
    // 731 days at most: two years of 365 days and one more.
    expect(rangeProblem('2024-12-31', '2026-12-31')).toBeNull();
    expect(rangeProblem('2024-12-30', '2026-12-31')).toBe('too_long');
    expect(rangeProblem('2026-12-07', '2026-12-07')).toBeNull();
  });
});
