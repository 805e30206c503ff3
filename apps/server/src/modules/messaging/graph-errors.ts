import type { FailureReason } from '@dentalpro/contracts';

/**
 * What to do about a Graph API error, decided on Meta's numeric code (never its text), as the
 * WhatsApp contract lists them. Failed-status webhooks carry the same codes.
 */
export type GraphErrorAction =
  /** Try again later: Meta is busy, limiting us, or briefly away. */
  | { action: 'retry'; reason: FailureReason; pairLimit: boolean }
  /** Will never succeed as it is: record the failure and show staff why. */
  | { action: 'fail'; reason: FailureReason; optOut: boolean }
  /** The number's token no longer works: stop sending for the number until an owner fixes it. */
  | { action: 'pause_channel'; reason: FailureReason };

const TRANSIENT = new Set([4, 80007, 130429, 131000, 131001, 131002, 131057, 133004, 131056]);
const TEMPLATE = new Set([132000, 132001, 132005, 132007, 132012, 132015, 132016, 132068, 132069]);

export function classifyGraphError(code: number | null, httpStatus: number | null): GraphErrorAction {
  if (code === 190) return { action: 'pause_channel', reason: 'token_expired' };
  if (code === 131047) return { action: 'fail', reason: 'window_closed', optOut: false };
  if (code === 131026) return { action: 'fail', reason: 'not_on_whatsapp', optOut: false };
  if (code === 131050) return { action: 'fail', reason: 'opted_out', optOut: true };
  // Meta held back a marketing template under its per-person cap: not ours to fix, and not worth an immediate retry.
  if (code === 131049) return { action: 'fail', reason: 'marketing_limited', optOut: false };
  if (code !== null && TEMPLATE.has(code)) return { action: 'fail', reason: 'template_problem', optOut: false };
  if (code !== null && TRANSIENT.has(code)) {
    const limited = code === 4 || code === 80007 || code === 130429 || code === 131056;
    return { action: 'retry', reason: limited ? 'rate_limited' : 'meta_unavailable', pairLimit: code === 131056 };
  }
  // No code: a network failure, a timeout, or an answer that is not Meta's error shape.
  if (httpStatus === null || httpStatus >= 500 || httpStatus === 429)
    return { action: 'retry', reason: 'meta_unavailable', pairLimit: false };
  return { action: 'fail', reason: code === null ? 'unknown' : 'invalid_request', optOut: false };
}

/**
 * Exponential backoff with full jitter: attempt 1 waits up to 2 s, then 4, 8... capped at 15
 * minutes. Meta asks for 4^n seconds after a pair-rate error (131056).
 */
export function retryDelayMs(attempt: number, pairLimit: boolean, random: () => number = Math.random): number {
  if (pairLimit) return 4 ** Math.min(attempt, 6) * 1000;
  const ceiling = Math.min(15 * 60_000, 1000 * 2 ** Math.min(attempt, 20));
  return Math.max(250, Math.round(random() * ceiling));
}
