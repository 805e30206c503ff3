import { describe, expect, it } from 'vitest';
import { waitedFor } from './handover';

const now = Date.parse('2026-12-08T10:00:00Z');

describe('waitedFor', () => {
  it('nothing when nobody waits', () => {
    expect(waitedFor(null, now)).toBeNull();
  });
  it('minutes in the first hour, rounded down', () => {
    expect(waitedFor('2026-12-08T09:59:30Z', now)).toEqual({ key: 'minutes', count: 0 });
    expect(waitedFor('2026-12-08T09:48:00Z', now)).toEqual({ key: 'minutes', count: 12 });
    expect(waitedFor('2026-12-08T09:00:01Z', now)).toEqual({ key: 'minutes', count: 59 });
  });
  it('hours up to two days, then days', () => {
    expect(waitedFor('2026-12-08T09:00:00Z', now)).toEqual({ key: 'hours', count: 1 });
    expect(waitedFor('2026-12-07T10:30:00Z', now)).toEqual({ key: 'hours', count: 23 });
    expect(waitedFor('2026-12-06T10:00:00Z', now)).toEqual({ key: 'days', count: 2 });
  });
  it('a clock a little ahead of ours does not make a negative wait', () => {
    expect(waitedFor('2026-12-08T10:00:20Z', now)).toEqual({ key: 'minutes', count: 0 });
  });
});
