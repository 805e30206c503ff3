import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.js';

// Appointment reminders on WhatsApp (Settings → Reminders, and each appointment's reminder state in
// the calendar). The server plans one reminder per appointment and rule, sends it through the
// WhatsApp channel's `appointment_reminder` template, and records what became of it.

/** 'HH:MM', practice-local. */
const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use HH:MM from 00:00 to 23:59');

/**
 * One reminder rule: sent `offsetMinutes` before the appointment's start (1440: the day before,
 * 120: two hours before), for the visit types named (null: every type), and only to a visit booked
 * (or moved) at least `minLeadMinutes` ahead of its start (a visit booked this afternoon for
 * tomorrow gets no day-before reminder: the booking confirmation is enough).
 */
export const ReminderRule = z.strictObject({
  offsetMinutes: z.number().int(),
  appointmentTypeIds: z.array(Uuid).max(50).nullable(),
  minLeadMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30),
});
export type ReminderRule = z.infer<typeof ReminderRule>;

/** No reminders are sent from `start` to `end`, practice-local; `end` before `start` spans midnight. */
export const QuietHours = z.strictObject({ start: ClockTime, end: ClockTime });
export type QuietHours = z.infer<typeof QuietHours>;

export const ReminderSettingsFields = z.strictObject({
  enabled: z.boolean(),
  rules: z.array(ReminderRule).max(5),
  /** null: reminders may go at any hour. */
  quietHours: QuietHours.nullable(),
});

/** Settings → Reminders. A practice that never saved them has the defaults (day before, 2 h before, 20:00–08:00 quiet). */
export const ReminderSettings = ReminderSettingsFields.extend({
  /** When an owner last saved them; null while the practice has the defaults. */
  updatedAt: IsoDateTime.nullable(),
});
export type ReminderSettings = z.infer<typeof ReminderSettings>;

/** PUT replaces the whole settings. */
export const ReminderSettingsInput = ReminderSettingsFields;
export type ReminderSettingsInput = z.infer<typeof ReminderSettingsInput>;

/**
 * What became of one reminder. `planned`: waiting for its time; `sent`: handed to WhatsApp (then
 * `delivered`, `read`, or `failed` as Meta reports); `skipped`: deliberately not sent, with a reason.
 */
export const REMINDER_STATES = ['planned', 'sent', 'delivered', 'read', 'failed', 'skipped'] as const;
export const ReminderState = z.enum(REMINDER_STATES);
export type ReminderState = z.infer<typeof ReminderState>;

/**
 * Why a reminder was not sent, or failed (a translation key each):
 * - `moved`: the appointment moved; a reminder for its new time replaces this one
 * - `cancelled`, `not_active`: cancelled, or no longer booked or confirmed (arrived, completed, no-show)
 * - `lead_time`: booked or moved less than the rule's lead time before the visit
 * - `quiet_hours`: due inside quiet hours, and they end after the visit's start
 * - `too_late`: its time passed before it could go (the server was down, or its message was still
 *   waiting at WhatsApp's door when its send-by time came): sending it late would mislead
 * - `held_too_late`: Meta's daily messaging limit held its message back until too close to the
 *   appointment (its send-by time: the start less a margin), so it was not sent
 * - `disabled`, `rule_removed`: reminders switched off, or the rule no longer exists
 * - `opted_out`: the patient opted out of WhatsApp messages; `no_consent`: refused contact in the chat
 * - `no_whatsapp_number`: the patient has no WhatsApp number; `no_channel`: the practice has no WhatsApp number connected
 * - `template_missing`: the practice's WhatsApp number has no approved reminder template
 * - `patient_unavailable`: the patient's record is archived, deceased or merged
 * - `not_on_whatsapp` when skipped: WhatsApp said earlier the number is not on WhatsApp (131026) and the patient has not written since
 * - `not_on_whatsapp` and other WhatsApp failure reasons (messaging's): sent, and Meta refused it
 */
export const REMINDER_REASONS = [
  'moved',
  'cancelled',
  'not_active',
  'lead_time',
  'quiet_hours',
  'too_late',
  'held_too_late',
  'disabled',
  'rule_removed',
  'opted_out',
  'no_consent',
  'no_whatsapp_number',
  'no_channel',
  'template_missing',
  'patient_unavailable',
  'not_on_whatsapp',
] as const;
export const ReminderReason = z.enum(REMINDER_REASONS);
export type ReminderReason = z.infer<typeof ReminderReason>;

export const AppointmentReminder = z.object({
  /** The rule's offset (minutes before the start). */
  offsetMinutes: z.number().int(),
  /** The start the reminder was planned for (a move leaves the old one skipped as `moved`). */
  appointmentStart: IsoDateTime,
  /** When it is (or was) due; later than planned when quiet hours deferred it. */
  dueAt: IsoDateTime,
  state: ReminderState,
  /** A ReminderReason for `skipped`; for `failed`, the WhatsApp failure reason (e.g. `not_on_whatsapp`). */
  reason: z.string().nullable(),
  /** When it reached its state (sent, delivered, read, failed, skipped); null while planned. */
  at: IsoDateTime.nullable(),
  /** Other appointments named in the same message (a family sharing a number, the same day). */
  sharedWith: z.array(Uuid),
  /**
   * How it went: `email` when the patient could not get it on WhatsApp and the practice sends
   * reminders by email then (`sent` by email; `failed` with an email reason such as `mail_refused`).
   */
  channel: z.enum(['whatsapp', 'email']),
});
export type AppointmentReminder = z.infer<typeof AppointmentReminder>;

/** Batch lookup for the calendar: the appointments asked for, each with its reminders (start order). */
export const AppointmentRemindersQuery = z.object({
  /** Comma-separated appointment ids, at most 200. */
  ids: z
    .string()
    .max(200 * 37)
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(Uuid).min(1).max(200)),
});
export const AppointmentReminders = z.object({
  items: z.array(z.object({ appointmentId: Uuid, reminders: z.array(AppointmentReminder) })),
});
export type AppointmentReminders = z.infer<typeof AppointmentReminders>;

/**
 * The quick-reply payloads of a reminder start with this (then the action, the appointments and a
 * signature): the reminders module answers those taps, the booking assistant leaves them alone.
 */
export const REMINDER_PAYLOAD_PREFIX = 'rm1.';

/**
 * Settings → Reminders → Waitlist offers: whether a cancelled visit's time is offered to the
 * waitlist on WhatsApp, to how many patients at a time, and how long each offer stays open before
 * the next patients are offered it.
 */
export const WaitlistOfferSettingsFields = z.strictObject({
  enabled: z.boolean(),
  batchSize: z.number().int().min(1).max(10),
  offerMinutes: z.number().int().min(5).max(240),
});
export const WaitlistOfferSettingsInput = WaitlistOfferSettingsFields;
export type WaitlistOfferSettingsInput = z.infer<typeof WaitlistOfferSettingsInput>;
export const WaitlistOfferSettings = WaitlistOfferSettingsFields.extend({
  /** When an owner last saved them; null while the practice has the defaults (on, 3 at a time, 20 minutes). */
  updatedAt: IsoDateTime.nullable(),
});
export type WaitlistOfferSettings = z.infer<typeof WaitlistOfferSettings>;

/**
 * Settings → Reminders → By email: a reminder whose patient cannot get it on WhatsApp (no WhatsApp
 * number, or WhatsApp said the number is not on it) goes by email instead, when the patient has an
 * email address and has not refused appointment emails. Off by default.
 */
export const ReminderEmailSettingsInput = z.strictObject({ enabled: z.boolean() });
export type ReminderEmailSettingsInput = z.infer<typeof ReminderEmailSettingsInput>;
export const ReminderEmailSettings = ReminderEmailSettingsInput.extend({
  /** When an owner last saved it; null while the practice has the default (off). */
  updatedAt: IsoDateTime.nullable(),
});
export type ReminderEmailSettings = z.infer<typeof ReminderEmailSettings>;
