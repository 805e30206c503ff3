import { z } from 'zod';
import { Uuid } from './common.js';

/**
 * The consent ledger: a patient's consent to be contacted, per channel and purpose, as the list
 * of every grant and withdrawal (append-only). The current state is the latest entry of each
 * (channel, purpose); with none, the default below applies (docs/consent.md says why).
 */

export const CONSENT_CHANNELS = ['whatsapp', 'email'] as const;
export const ConsentChannel = z.enum(CONSENT_CHANNELS);
export type ConsentChannel = z.infer<typeof ConsentChannel>;

/**
 * `appointments`: reminders and confirmations of the patient's own appointments, and the waitlist
 * offers they asked for. `recalls`: recalls (time for a check-up) and the practice's announcements.
 */
export const CONSENT_PURPOSES = ['appointments', 'recalls'] as const;
export const ConsentPurpose = z.enum(CONSENT_PURPOSES);
export type ConsentPurpose = z.infer<typeof ConsentPurpose>;

/** How the grant or withdrawal reached the practice. */
export const CONSENT_SOURCES = ['staff', 'whatsapp_keyword', 'assistant', 'import', 'patient_request'] as const;
export const ConsentSource = z.enum(CONSENT_SOURCES);
export type ConsentSource = z.infer<typeof ConsentSource>;

/** What staff may record through the API (the keyword and the assistant are the patient's own doing). */
export const STAFF_CONSENT_SOURCES = ['staff', 'import', 'patient_request'] as const;

export const ConsentLanguage = z.enum(['en', 'fr', 'mfe']);
export type ConsentLanguage = z.infer<typeof ConsentLanguage>;

/**
 * With no entry: appointment messages are part of the care the patient asked for by booking
 * (contract, and the number they gave us for it), so allowed; recalls and announcements need a grant.
 */
export function defaultConsent(purpose: ConsentPurpose): boolean {
  return purpose === 'appointments';
}

export const ConsentEntry = z.object({
  id: Uuid,
  channel: ConsentChannel,
  purpose: ConsentPurpose,
  granted: z.boolean(),
  source: ConsentSource,
  /** The member who recorded it; null when the patient did it themselves on WhatsApp. */
  actorUserId: Uuid.nullable(),
  actorName: z.string().nullable(),
  /** The words shown or read to the patient (for a keyword: the patient's own message). */
  wording: z.string(),
  language: ConsentLanguage.nullable(),
  recordedAt: z.string(),
});
export type ConsentEntry = z.infer<typeof ConsentEntry>;

export const ConsentState = z.object({
  channel: ConsentChannel,
  purpose: ConsentPurpose,
  granted: z.boolean(),
  /** True when no entry exists and the default applies. */
  isDefault: z.boolean(),
  /** When the latest entry was recorded (null with the default). */
  since: z.string().nullable(),
});
export type ConsentState = z.infer<typeof ConsentState>;

export const ConsentHistory = z.object({
  patientId: Uuid,
  /** One per channel and purpose, in the order of CONSENT_CHANNELS × CONSENT_PURPOSES. */
  current: z.array(ConsentState),
  /** Newest first. */
  entries: z.array(ConsentEntry),
});
export type ConsentHistory = z.infer<typeof ConsentHistory>;

export const PatientConsentParams = z.object({ practiceId: Uuid, patientId: Uuid });

/**
 * A grant or withdrawal recorded by staff. Channel and purpose are checked by the server (an
 * unknown one is 422 consent_kind_unknown, not a malformed request).
 */
export const RecordConsent = z.strictObject({
  channel: z.string().min(1).max(40),
  purpose: z.string().min(1).max(40),
  granted: z.boolean(),
  source: z.enum(STAFF_CONSENT_SOURCES).default('staff'),
  wording: z.string().trim().min(1).max(4000),
  language: ConsentLanguage.nullable().default(null),
});
export type RecordConsent = z.input<typeof RecordConsent>;
