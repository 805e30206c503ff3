/** Days in the years the server's rules count (365.25 a year). */
const DAYS_PER_YEAR = 365.25;

/**
 * Whole years in a period of days as the rules write them (4018 days: 11 years, 731: 2), or null
 * when the period is not a whole number of years (30 days).
 */
export function yearsOf(days: number): number | null {
  const years = Math.round(days / DAYS_PER_YEAR);
  return years >= 1 && Math.ceil(years * DAYS_PER_YEAR) === days ? years : null;
}

/** A period typed in the form: a whole number of days from 1 to 36500, or null. */
export function parseDays(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d{1,5}$/.test(trimmed)) return null;
  const days = Number(trimmed);
  return days >= 1 && days <= 36_500 ? days : null;
}
