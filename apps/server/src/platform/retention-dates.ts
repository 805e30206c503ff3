/**
 * The dates the retention rules give, worked out the same way by every module that keeps records
 * for a time and by the retention job. Dates are calendar dates ('YYYY-MM-DD').
 */

/** Days in a retention period of whole years, as the rules store them (a leap day per four years). */
export const yearsInDays = (years: number) => Math.ceil(years * 365.25);

/** Adult clinical records (and the visits they record): 11 years after the last visit, never less. */
export const CLINICAL_RECORDS_DAYS = yearsInDays(11);

/** A minor's records are kept at least until this birthday. */
export const MINORS_KEPT_UNTIL_AGE = 25;

/** WhatsApp message content: 2 years after the conversation's last message. */
export const WHATSAPP_CONTENT_DAYS = yearsInDays(2);

/** Raw webhook payloads (Meta's bodies, with message text): 30 days. */
export const WEBHOOK_PAYLOAD_DAYS = 30;

/** Staff sign-in sessions: 30 days after they expire. */
export const SESSION_DAYS = 30;

/** The audit trail: 11 years. */
export const AUDIT_TRAIL_DAYS = yearsInDays(11);

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** The day someone born on `dateOfBirth` turns `years` (born on 29 February: 1 March in a common year). */
export function birthdayOf(dateOfBirth: string, years: number): string {
  const [y, m, d] = dateOfBirth.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y + years, m - 1, d)).toISOString().slice(0, 10);
}

/** Under 18 on that day. */
export const minorOn = (dateOfBirth: string, date: string) => birthdayOf(dateOfBirth, 18) > date;

/**
 * The rule for minors: records of someone seen as a minor on `visit` are kept at least until their
 * 25th birthday. Null for someone seen as an adult (or whose birth date is unknown).
 */
export function minorsRecordsKeptUntil(dateOfBirth: string | null, visit: string): string | null {
  return dateOfBirth && minorOn(dateOfBirth, visit) ? birthdayOf(dateOfBirth, MINORS_KEPT_UNTIL_AGE) : null;
}

/**
 * Until when a patient's clinical records are kept: `days` (11 years by default) after the last
 * visit; for someone seen as a minor, until the later of that and their 25th birthday. No last
 * visit: null (nothing to count from).
 */
export function clinicalRecordsKeptUntil(input: {
  lastVisit: string | null;
  dateOfBirth: string | null;
  days?: number;
}): string | null {
  if (!input.lastVisit) return null;
  return laterDate(
    addDays(input.lastVisit, input.days ?? CLINICAL_RECORDS_DAYS),
    minorsRecordsKeptUntil(input.dateOfBirth, input.lastVisit),
  );
}

/** The later of two dates, either of which may be missing. */
export const laterDate = (a: string | null, b: string | null) => (a && b ? (a > b ? a : b) : (a ?? b));
