/**
 * How long a patient has waited for a person, as the inbox says it: minutes in the first hour
 * ("12 min"), then hours ("3 h"), then days ("2 d"). Rounded down; a wait under a minute is "0 min".
 */
export function waitedFor(
  since: string | null,
  now: number,
): { key: 'minutes' | 'hours' | 'days'; count: number } | null {
  if (!since) return null;
  const minutes = Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
  if (!Number.isFinite(minutes)) return null;
  if (minutes < 60) return { key: 'minutes', count: minutes };
  if (minutes < 48 * 60) return { key: 'hours', count: Math.floor(minutes / 60) };
  return { key: 'days', count: Math.floor(minutes / 1440) };
}
