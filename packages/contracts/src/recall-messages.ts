import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.js';

// Recall messages on WhatsApp (issue 13): once a day, at the practice's hour, patients whose recall
// is due get the `recall_due` template with "Book now" and "Not now", at most the practice's daily
// cap; the rest wait for the next day. Settings → Reminders holds the run's settings; the recall list
// shows what became of each recall's message.

/**
 * The recall run of a practice. `dailyCap`: at most this many recall messages a day (oldest due
 * first; 0 sends none); `sendHour`: the practice-local hour the run starts (it waits for the end of
 * the reminders' quiet hours if it falls in them); `leadDays`: a recall due within this many days
 * is messaged already. The server refuses numbers out of range with 422 `recall_settings_invalid`.
 */
export const RecallSettingsFields = z.strictObject({
  enabled: z.boolean(),
  dailyCap: z.number().int(),
  sendHour: z.number().int(),
  leadDays: z.number().int(),
});
export const RecallSettingsInput = RecallSettingsFields;
export type RecallSettingsInput = z.infer<typeof RecallSettingsInput>;

export const RecallSettings = RecallSettingsFields.extend({
  /** When an owner last saved them; null while the practice has the defaults. */
  updatedAt: IsoDateTime.nullable(),
});
export type RecallSettings = z.infer<typeof RecallSettings>;

export const RECALL_LIMITS = {
  dailyCap: { minimum: 0, maximum: 1000 },
  sendHour: { minimum: 0, maximum: 23 },
  leadDays: { minimum: 0, maximum: 60 },
} as const;

/**
 * What became of a recall's message for its due date: `sent` (then `delivered`, `read` or `failed`
 * as WhatsApp reports), `waiting` (for the next day: the daily cap was reached, or quiet hours), or
 * `skipped` with the reason (checked again at the next run, so a consent given since is honoured).
 */
export const RECALL_MESSAGE_STATES = ['sent', 'delivered', 'read', 'failed', 'waiting', 'skipped'] as const;
export const RecallMessageState = z.enum(RECALL_MESSAGE_STATES);
export type RecallMessageState = z.infer<typeof RecallMessageState>;

/**
 * Why a recall message has not gone (a translation key each):
 * - `daily_cap`: the day's cap was reached; it goes first at the next run
 * - `no_consent`: the patient has not granted (or has withdrawn) recall messages on WhatsApp
 * - `opted_out`: the number opted out of the practice's WhatsApp messages
 * - `no_whatsapp_number`, `no_channel`, `template_missing`: nothing to send it on or with
 * - `patient_unavailable`: the record is archived or deceased
 * - `appointment_booked`: the patient already has a visit coming
 * - `not_on_whatsapp`: WhatsApp said the number is not on WhatsApp (131026); not tried again until the patient writes
 * For `failed`, the WhatsApp failure reason (messaging's).
 */
export const RECALL_MESSAGE_REASONS = [
  'daily_cap',
  'no_consent',
  'opted_out',
  'no_whatsapp_number',
  'no_channel',
  'template_missing',
  'patient_unavailable',
  'appointment_booked',
  'not_on_whatsapp',
] as const;
export const RecallMessageReason = z.enum(RECALL_MESSAGE_REASONS);
export type RecallMessageReason = z.infer<typeof RecallMessageReason>;

export const RecallMessage = z.object({
  recallId: Uuid,
  /** The due date the message was for (a recall given a new date gets a new message). */
  dueDate: z.string(),
  state: RecallMessageState,
  reason: z.string().nullable(),
  /** When it reached its state (sent, delivered, read, failed, or last checked). */
  at: IsoDateTime,
  /** The patient's tap: `book` or `not_now`. */
  reply: z.enum(['book', 'not_now']).nullable(),
  repliedAt: IsoDateTime.nullable(),
});
export type RecallMessage = z.infer<typeof RecallMessage>;

/** Batch lookup for the recall list: the recalls shown, each with its latest message (or null). */
export const RecallMessagesQuery = z.object({
  /** Comma-separated recall ids, at most 200. */
  ids: z
    .string()
    .max(200 * 37)
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(Uuid).min(1).max(200)),
});
export const RecallMessages = z.object({
  items: z.array(z.object({ recallId: Uuid, message: RecallMessage.nullable() })),
});
export type RecallMessages = z.infer<typeof RecallMessages>;
