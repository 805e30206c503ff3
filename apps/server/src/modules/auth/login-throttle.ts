/**
 * Login throttling, as a pure rule over recent failures. An account is locked while it has
 * ACCOUNT_LIMIT failures (since its last success) within the window; an address while it has
 * ADDRESS_LIMIT failures within the window, whatever the accounts. The lock lifts when the
 * oldest of those failures leaves the window, so the wait can be told exactly.
 */
export const LOGIN_THROTTLE = {
  windowMs: 15 * 60_000,
  accountLimit: 5,
  addressLimit: 20,
} as const;

/** Seconds until another attempt is allowed, or null when it is allowed now. */
export function secondsUntilAllowed(
  failuresNewestFirst: Date[],
  limit: number,
  windowMs: number,
  now: Date,
): number | null {
  if (failuresNewestFirst.length < limit) return null;
  const oldestCounted = failuresNewestFirst[limit - 1]!;
  const liftsAt = oldestCounted.getTime() + windowMs;
  const wait = liftsAt - now.getTime();
  return wait > 0 ? Math.ceil(wait / 1000) : null;
}
