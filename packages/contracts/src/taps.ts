import { REMINDER_PAYLOAD_PREFIX } from './reminders.js';

/**
 * The quick-reply payloads our modules sign for their template buttons start with one of these:
 * `rm1.` the reminders module's (reminders, recalls, waitlist offers, closures), `pv1.` privacy's
 * (the invitation to receive the link to a copy of one's data). Each module answers its own taps;
 * the booking assistant and the greeting leave every one of them alone.
 */
export const PRIVACY_PAYLOAD_PREFIX = 'pv1.';
export const SIGNED_TAP_PREFIXES = [REMINDER_PAYLOAD_PREFIX, PRIVACY_PAYLOAD_PREFIX] as const;

/** Whether a tapped button's id is a payload one of our modules signed (and answers). */
export function isSignedTap(choiceId: string | undefined | null): boolean {
  return !!choiceId && SIGNED_TAP_PREFIXES.some((prefix) => choiceId.startsWith(prefix));
}
