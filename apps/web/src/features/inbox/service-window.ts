/**
 * WhatsApp's 24-hour customer service window: free-form messages only while it is open, an
 * approved template otherwise. The server says when it ends; this only counts down to it.
 */
export type ServiceWindow = { open: false } | { open: true; minutesLeft: number };

export function serviceWindow(endsAt: string | null, now: number): ServiceWindow {
  if (!endsAt) return { open: false };
  const left = Date.parse(endsAt) - now;
  if (!(left > 0)) return { open: false };
  return { open: true, minutesLeft: Math.ceil(left / 60_000) };
}

/** "23 h left" rounds down, so the label never promises more time than there is. */
export function windowLabel(
  window: ServiceWindow,
): { key: 'closed' } | { key: 'hoursLeft' | 'minutesLeft'; count: number } {
  if (!window.open) return { key: 'closed' };
  if (window.minutesLeft >= 60) return { key: 'hoursLeft', count: Math.floor(window.minutesLeft / 60) };
  return { key: 'minutesLeft', count: window.minutesLeft };
}
