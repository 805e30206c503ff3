import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.js';
import { FailureReason, HandoverReason } from './messaging.js';
import { PrivacyRequestType } from './privacy.js';
import { AppointmentStatus } from './scheduling.js';

// Staff notifications: what happened that someone at the practice should know about, shown in the
// app's shell (a bell with the unread count) and live. Each notification goes to the members it
// concerns (by role, and the dentist whose appointment it is) and is read by each of them apart.

/**
 * What happened. `whatsapp_*`: a patient booked, moved or cancelled in the WhatsApp chat (the
 * booking assistant); `needs_person`: a WhatsApp conversation was handed to staff;
 * `reminder_failed`: an appointment reminder could not be delivered (phone the patient instead);
 * `waitlist_booked`: a patient on the waitlist took a freed time from a WhatsApp offer;
 * `privacy_request_due_soon` / `privacy_request_overdue`: a patient's rights request is due within
 * 7 days, or past its due date, and still open (owners and whoever records requests);
 * `daily_agenda`: the provider's own day, each morning (the calendar opens on it).
 */
export const NOTIFICATION_KINDS = [
  'whatsapp_booked',
  'whatsapp_moved',
  'whatsapp_cancelled',
  'needs_person',
  'reminder_failed',
  'waitlist_booked',
  'privacy_request_due_soon',
  'privacy_request_overdue',
  'whatsapp_template_problem',
  'whatsapp_template_recategorised',
  'whatsapp_marketing_limited',
  'daily_agenda',
] as const;
export const NotificationKind = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof NotificationKind>;

export const StaffNotification = z.object({
  id: Uuid,
  kind: NotificationKind,
  createdAt: IsoDateTime,
  /** When this member read it; null while unread. */
  readAt: IsoDateTime.nullable(),
  /** The patient concerned, named as the calendar names them; null when unknown (or erased). */
  patient: z.object({ id: Uuid, name: z.string() }).nullable(),
  /** The appointment booked, moved or cancelled, as it is now (its times after a move). */
  appointment: z
    .object({
      id: Uuid,
      start: IsoDateTime,
      end: IsoDateTime,
      status: AppointmentStatus,
      providerName: z.string().nullable(),
    })
    .nullable(),
  /** A move's previous start. */
  previousStart: IsoDateTime.nullable(),
  /** The WhatsApp conversation to open (a handover, or the chat a booking came from). */
  conversationId: Uuid.nullable(),
  /** Why a conversation needs a person. */
  reason: HandoverReason.nullable(),
  /**
   * A WhatsApp template the owner must look at (`whatsapp_template_problem`: Meta refused it on a
   * send, `code` says why; `whatsapp_template_recategorised`: Meta moved it to another category;
   * `whatsapp_marketing_limited`: Meta held back a marketing template under its per-person cap, 131049).
   */
  whatsappTemplate: z
    .object({
      name: z.string(),
      language: z.string(),
      code: z.number().int().nullable(),
      previousCategory: z.string().nullable(),
      newCategory: z.string().nullable(),
    })
    .nullable()
    .optional(),
  /** Why a reminder could not be delivered (WhatsApp's failure, in the inbox's words). */
  failureReason: FailureReason.nullable(),
  /** A privacy request's alert: the request to open, its type and its due date. */
  privacyRequest: z.object({ id: Uuid, type: PrivacyRequestType, dueAt: IsoDateTime }).nullable(),
  /** A daily agenda: the provider (the member told), the day (practice date), how many, the first and last start. */
  agenda: z
    .object({
      providerId: Uuid,
      day: z.string(),
      count: z.number().int(),
      firstStart: IsoDateTime,
      lastStart: IsoDateTime,
    })
    .nullable()
    .optional(),
});
export type StaffNotification = z.infer<typeof StaffNotification>;

export const NotificationListQuery = z.object({
  /** Only the unread ones. */
  unread: z.enum(['true', 'false']).optional(),
  /** The nextCursor of the page before. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

/** Newest first. */
export const NotificationList = z.object({
  items: z.array(StaffNotification),
  unread: z.number().int(),
  nextCursor: z.string().nullable(),
});
export type NotificationList = z.infer<typeof NotificationList>;

export const NotificationCount = z.object({ unread: z.number().int() });
export type NotificationCount = z.infer<typeof NotificationCount>;

/** Marks some of the member's notifications read, or all of them. */
export const MarkNotificationsRead = z.union([
  z.strictObject({ ids: z.array(Uuid).min(1).max(200) }),
  z.strictObject({ all: z.literal(true) }),
]);
export type MarkNotificationsRead = z.infer<typeof MarkNotificationsRead>;

/**
 * Account → Notifications: "Also email me" — the member's notifications of WhatsApp bookings, moves
 * and cancellations, waitlist bookings, chats waiting for a person and undeliverable reminders go
 * to their email address too (one email per notification; no patient names in it). Per practice.
 */
export const NotificationEmailChoiceInput = z.strictObject({ enabled: z.boolean() });
export type NotificationEmailChoiceInput = z.infer<typeof NotificationEmailChoiceInput>;
export const NotificationEmailChoice = NotificationEmailChoiceInput.extend({
  /** When the member last changed it; null while it is the default (off). */
  updatedAt: z.string().nullable(),
});
export type NotificationEmailChoice = z.infer<typeof NotificationEmailChoice>;
