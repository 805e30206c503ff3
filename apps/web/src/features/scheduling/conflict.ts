import { ApiError } from '../../api/client';

/**
 * What kept a booking or a move from a time, as a translation key: slot_taken says what is in
 * the way (a block, the chair's appointment, the provider's appointment on any chair), and the
 * hours refusals say whose hours the time is outside of. Undefined: the refusal's own message.
 */
export function conflictKey(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  switch (error.code) {
    case 'slot_taken':
      if (error.extra.conflictingBlockId) return 'calendar.conflict.block';
      if (error.extra.conflictOn === 'chair') return 'calendar.conflict.chair';
      if (error.extra.conflictOn === 'provider') return 'calendar.conflict.provider';
      return undefined;
    case 'outside_provider_hours':
      return error.extra.providerOnAnotherChair === true
        ? 'calendar.conflict.providerOnAnotherChair'
        : 'calendar.conflict.providerHours';
    case 'outside_opening_hours':
      return 'calendar.conflict.openingHours';
    default:
      return undefined;
  }
}

/** The refusal in words: "That time is no longer free." and what is in the way, or what the hours say. */
export function conflictMessage(error: unknown, errorMessage: (e: unknown) => string, t: (key: string) => string) {
  const key = conflictKey(error);
  if (!key) return errorMessage(error);
  // A time taken says so first; hours refusals are whole sentences of their own.
  return error instanceof ApiError && error.code === 'slot_taken' ? `${errorMessage(error)} ${t(key)}` : t(key);
}
