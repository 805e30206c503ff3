import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.js';

// Practice closure announcements (issue 13): an owner closes the practice, or one dentist's day, for
// a period; the booked appointments in it are listed and cancelled (reason "practice closed"), and
// each patient (a family on one number once) gets the `practice_closure` template in their language
// with "Choose a new time" (the booking assistant) and "Call me". The announcement shows, per
// appointment, who was reached, who replied, who rebooked and who the desk still has to call.

/** Why the practice closes: a cyclone or weather warning, a power cut, the dentist is ill, other. */
export const CLOSURE_REASONS = ['weather', 'power_cut', 'dentist_ill', 'other'] as const;
export const ClosureReason = z.enum(CLOSURE_REASONS);
export type ClosureReason = z.infer<typeof ClosureReason>;

export const CLOSURE_NOTE_MAX = 120;

/**
 * The range closed (`end` after `start`, not already over) and why. `providerId`: only that
 * dentist's appointments (their time is blocked, the practice stays open); without it the whole
 * practice closes. `note`: shown to staff, and for `other` it is the reason patients read.
 */
export const ClosureAnnouncementInput = z.strictObject({
  start: z.iso.datetime({ offset: true }),
  end: z.iso.datetime({ offset: true }),
  reason: ClosureReason,
  note: z.string().trim().max(CLOSURE_NOTE_MAX).default(''),
  providerId: Uuid.nullable().default(null),
});
export type ClosureAnnouncementInput = z.input<typeof ClosureAnnouncementInput>;

/**
 * Where an affected appointment stands, first that applies:
 * - `rebooked`: the patient has a new visit (booked on WhatsApp or at the desk since)
 * - `called`: the desk marked the patient called
 * - `needs_call`: not messaged (see `reason`), the message failed, or the patient tapped "Call me"
 * - `replied`: tapped "Choose a new time" and is choosing in the chat
 * - `queued`, `sent`, `delivered`, `read`: the message, as WhatsApp reports it
 */
export const CLOSURE_ITEM_STATUSES = [
  'queued',
  'sent',
  'delivered',
  'read',
  'replied',
  'rebooked',
  'needs_call',
  'called',
] as const;
export const ClosureItemStatus = z.enum(CLOSURE_ITEM_STATUSES);
export type ClosureItemStatus = z.infer<typeof ClosureItemStatus>;

/**
 * Why a patient needs a call (a translation key each): `no_consent`, `no_whatsapp_number`,
 * `opted_out`, `no_channel`, `template_missing`, `patient_unavailable` (not messaged),
 * `message_failed` (WhatsApp could not deliver it), `asked_to_be_called` ("Call me").
 */
export const CLOSURE_CALL_REASONS = [
  'no_consent',
  'no_whatsapp_number',
  'opted_out',
  'no_channel',
  'template_missing',
  'patient_unavailable',
  'message_failed',
  'asked_to_be_called',
  'not_on_whatsapp',
] as const;
export const ClosureCallReason = z.enum(CLOSURE_CALL_REASONS);
export type ClosureCallReason = z.infer<typeof ClosureCallReason>;

export const AffectedAppointment = z.object({
  appointmentId: Uuid,
  patientId: Uuid,
  patientName: z.string(),
  start: IsoDateTime,
  end: IsoDateTime,
  providerId: Uuid,
  providerName: z.string(),
  appointmentTypeName: z.object({ en: z.string(), fr: z.string() }),
});
export type AffectedAppointment = z.infer<typeof AffectedAppointment>;

/** Before closing: what the closure would touch. */
export const ClosurePreview = z.object({ appointments: z.array(AffectedAppointment) });
export type ClosurePreview = z.infer<typeof ClosurePreview>;

export const ClosureAnnouncementItem = AffectedAppointment.extend({
  itemId: Uuid,
  status: ClosureItemStatus,
  /** For `needs_call`: why; for a failed message the WhatsApp reason is `failureReason`. */
  callReason: ClosureCallReason.nullable(),
  failureReason: z.string().nullable(),
  /** The patient's tap: `new_time` or `call_me`, and when. */
  reply: z.enum(['new_time', 'call_me']).nullable(),
  repliedAt: IsoDateTime.nullable(),
  rebookedAppointmentId: Uuid.nullable(),
  rebookedAt: IsoDateTime.nullable(),
  calledAt: IsoDateTime.nullable(),
});
export type ClosureAnnouncementItem = z.infer<typeof ClosureAnnouncementItem>;

export const ClosureAnnouncementSummary = z.object({
  id: Uuid,
  start: IsoDateTime,
  end: IsoDateTime,
  reason: ClosureReason,
  note: z.string(),
  providerId: Uuid.nullable(),
  createdAt: IsoDateTime,
  /** How many appointments stand at each status. */
  counts: z.record(ClosureItemStatus, z.number().int()),
  total: z.number().int(),
});
export type ClosureAnnouncementSummary = z.infer<typeof ClosureAnnouncementSummary>;

export const ClosureAnnouncement = ClosureAnnouncementSummary.extend({
  items: z.array(ClosureAnnouncementItem),
});
export type ClosureAnnouncement = z.infer<typeof ClosureAnnouncement>;

export const ClosureAnnouncementList = z.object({ items: z.array(ClosureAnnouncementSummary) });
export type ClosureAnnouncementList = z.infer<typeof ClosureAnnouncementList>;

export const ClosureAnnouncementListQuery = z.object({
  /** Announcements whose range ends after this instant (default: 30 days ago). */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export const ClosureAnnouncementParams = z.object({ practiceId: Uuid, announcementId: Uuid });
// Named apart from a treatment plan's itemId: one name, one kind of id, across the API.
export const ClosureAnnouncementItemParams = ClosureAnnouncementParams.extend({ announcementItemId: Uuid });

/** The desk's call: `called: true` marks the patient called, `false` takes it back. */
export const ClosureItemCallInput = z.strictObject({ called: z.boolean() });
