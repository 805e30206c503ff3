import { describe, expect, it } from 'vitest';
import { LOGIN_THROTTLE, secondsUntilAllowed } from './login-throttle.js';

const now = new Date('2026-11-24T10:00:00Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

describe('secondsUntilAllowed', () => {
  it('allows while failures are under the limit', () => {
    expect(secondsUntilAllowed([minutesAgo(1), minutesAgo(2)], 5, LOGIN_THROTTLE.windowMs, now)).toBeNull();
  });

  it('locks at the limit until the oldest counted failure leaves the window', () => {
    const failures = [1, 2, 3, 4, 10].map(minutesAgo);
    expect(secondsUntilAllowed(failures, 5, LOGIN_THROTTLE.windowMs, now)).toBe(5 * 60);
  });

  it('only the newest `limit` failures count', () => {
    const failures = [1, 2, 3, 4, 5, 14].map(minutesAgo);
    expect(secondsUntilAllowed(failures, 5, LOGIN_THROTTLE.windowMs, now)).toBe(10 * 60);
  });

  it('lifts once the window has passed', () => {
    const failures = [16, 17, 18, 19, 20].map(minutesAgo);
    expect(secondsUntilAllowed(failures, 5, LOGIN_THROTTLE.windowMs, now)).toBeNull();
  });
});
