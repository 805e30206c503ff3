/**
 * Meta's daily messaging limit, as values: the tiers, and what Meta's webhooks say of them. A
 * portfolio's limit is a count of unique people reached outside their 24-hour window in a rolling
 * 24 hours; null is unlimited.
 */

/** The limits Meta grants a business portfolio (null: unlimited). */
export const MESSAGING_LIMIT_TIERS = [250, 2000, 10_000, 100_000, null] as const;
export type MessagingLimit = number | null;

const TIER_NAMES: Record<string, MessagingLimit> = {
  TIER_50: 50,
  TIER_250: 250,
  TIER_1K: 1000,
  TIER_2K: 2000,
  TIER_10K: 10_000,
  TIER_100K: 100_000,
  TIER_UNLIMITED: null,
};

/**
 * A limit as Meta writes it: `max_daily_conversations_per_business` is a number (-1: unlimited)
 * in `business_capability_update` and a tier name ("TIER_2K") or number in
 * `phone_number_quality_update`, whose older `current_limit` is a tier name. Undefined when the
 * value says nothing we can use (absent, "TIER_NOT_SET", a throughput level).
 */
export function limitFromMeta(value: unknown): MessagingLimit | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value === -1 ? null : value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim().toUpperCase();
  if (trimmed in TIER_NAMES) return TIER_NAMES[trimmed];
  if (/^-?[0-9]+$/.test(trimmed)) return limitFromMeta(Number(trimmed));
  return undefined;
}

/** The portfolio's limit from an account-level webhook's value, preferring the portfolio's own field. */
export function limitOfAccountUpdate(field: string, value: Record<string, unknown>): MessagingLimit | undefined {
  if (field !== 'phone_number_quality_update' && field !== 'business_capability_update') return undefined;
  const portfolio = limitFromMeta(value.max_daily_conversations_per_business);
  if (portfolio !== undefined) return portfolio;
  // Older payloads: the number's limit, which since October 2025 is the portfolio's.
  return limitFromMeta(
    field === 'business_capability_update' ? value.max_daily_conversation_per_phone : value.current_limit,
  );
}
