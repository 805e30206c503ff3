import { describe, expect, it } from 'vitest';
import { countdownTo, instantOf, localOf } from './breach-countdown';

describe('the 72-hour countdown', () => {
  const due = '2026-12-09T10:00:00.000Z';
  it('counts the time left, then the time past', () => {
    expect(countdownTo(due, Date.parse('2026-12-07T09:30:00Z'))).toEqual({ overdue: false, hours: 48, minutes: 30 });
    expect(countdownTo(due, Date.parse('2026-12-09T10:00:00Z'))).toEqual({ overdue: false, hours: 0, minutes: 0 });
    expect(countdownTo(due, Date.parse('2026-12-09T18:05:30Z'))).toEqual({ overdue: true, hours: 8, minutes: 5 });
  });
  it('reads and writes the form’s local times', () => {
    expect(instantOf('')).toBeNull();
    const iso = instantOf('2026-12-06T09:15');
    expect(iso && localOf(iso)).toBe('2026-12-06T09:15');
  });
});
