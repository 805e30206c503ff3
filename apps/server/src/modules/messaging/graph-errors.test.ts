import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyGraphError, retryDelayMs } from './graph-errors.js';

describe('classifyGraphError: decided on Meta’s code, as the contract lists them', () => {
  it('131047: outside the 24-hour window, fails at once (only a template could go)', () => {
    expect(classifyGraphError(131047, 400)).toEqual({ action: 'fail', reason: 'window_closed', optOut: false });
  });

  it('131026: not on WhatsApp, permanent for that recipient', () => {
    expect(classifyGraphError(131026, 400)).toEqual({ action: 'fail', reason: 'not_on_whatsapp', optOut: false });
  });

  it('131050: the user stopped marketing messages, recorded as an opt-out', () => {
    expect(classifyGraphError(131050, 400)).toEqual({ action: 'fail', reason: 'opted_out', optOut: true });
  });

  it.each([132000, 132001, 132012, 132015, 132016])('%i: template problems fail until fixed', (code) => {
    expect(classifyGraphError(code, 400)).toEqual({ action: 'fail', reason: 'template_problem', optOut: false });
  });

  it('190: the access token expired, so the number stops sending', () => {
    expect(classifyGraphError(190, 401)).toEqual({ action: 'pause_channel', reason: 'token_expired' });
  });

  it.each([
    [130429, 'rate_limited'],
    [131056, 'rate_limited'],
    [4, 'rate_limited'],
    [80007, 'rate_limited'],
    [131057, 'meta_unavailable'],
    [131000, 'meta_unavailable'],
    [131001, 'meta_unavailable'],
    [131002, 'meta_unavailable'],
    [133004, 'meta_unavailable'],
  ] as const)('%i: transient, retried (%s)', (code, reason) => {
    const action = classifyGraphError(code, 400);
    expect(action).toMatchObject({ action: 'retry', reason });
  });

  it('only 131056 (pair rate) asks for Meta’s 4^n pause', () => {
    expect(classifyGraphError(131056, 400)).toMatchObject({ pairLimit: true });
    expect(classifyGraphError(130429, 429)).toMatchObject({ pairLimit: false });
  });

  it('no code: network errors, timeouts, 5xx and 429 are retried; other 4xx fail', () => {
    expect(classifyGraphError(null, null)).toMatchObject({ action: 'retry', reason: 'meta_unavailable' });
    expect(classifyGraphError(null, 500)).toMatchObject({ action: 'retry' });
    expect(classifyGraphError(null, 503)).toMatchObject({ action: 'retry' });
    expect(classifyGraphError(null, 429)).toMatchObject({ action: 'retry' });
    expect(classifyGraphError(null, 400)).toEqual({ action: 'fail', reason: 'unknown', optOut: false });
  });

  it('an unlisted code with HTTP 5xx is retried; with 4xx it is an invalid request', () => {
    expect(classifyGraphError(2, 503)).toMatchObject({ action: 'retry' });
    expect(classifyGraphError(100, 400)).toEqual({ action: 'fail', reason: 'invalid_request', optOut: false });
    expect(classifyGraphError(131009, 400)).toEqual({ action: 'fail', reason: 'invalid_request', optOut: false });
  });

  it('the HTTP status never overrides a permanent code (a 500 carrying 131026 is still permanent)', () => {
    expect(classifyGraphError(131026, 500)).toMatchObject({ action: 'fail', reason: 'not_on_whatsapp' });
    expect(classifyGraphError(190, 500)).toMatchObject({ action: 'pause_channel' });
  });
});

describe('retryDelayMs', () => {
  it('grows exponentially with full jitter, from at least 250 ms to at most 15 minutes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, r) => {
          const delay = retryDelayMs(attempt, false, () => r);
          expect(delay).toBeGreaterThanOrEqual(250);
          expect(delay).toBeLessThanOrEqual(Math.max(250, Math.min(15 * 60_000, 1000 * 2 ** attempt)));
        },
      ),
    );
    expect(retryDelayMs(1, false, () => 0.999)).toBeLessThanOrEqual(2000);
    expect(retryDelayMs(3, false, () => 0.999)).toBeGreaterThan(7000);
    expect(retryDelayMs(30, false, () => 0.999)).toBeLessThanOrEqual(15 * 60_000);
  });

  it('waits 4^n seconds after a pair-rate error, whatever the dice say', () => {
    expect(retryDelayMs(1, true, () => 0)).toBe(4000);
    expect(retryDelayMs(2, true, () => 0)).toBe(16_000);
    expect(retryDelayMs(3, true, () => 0.5)).toBe(64_000);
  });
});
