import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.js';
import { FailureReason, HandoverReason } from './messaging.js';
import { AppointmentStatus } from './scheduling.js';

// Staff notifications: what happened that someone at the practice should know about, shown in the
// app's shell (a bell with the unread count) and live. Each notification goes to the members it
// concerns (by role, and the dentist whose appointment it is) and is read by each of them apart.

/**
 * What happened. `whatsapp_*`: a patient booked, moved or cancelled in the WhatsApp chat (the
 * booking assistant); `needs_person`: a WhatsApp conversation was handed to staff;
 * `reminder_failed`: an appointment reminder could not be delivered (phone the patient instead).
 */
export const NOTIFICATION_KINDS = [
  'whatsapp_booked',
  'whatsapp_moved',
  'whatsapp_cancelled',
  'needs_person',
  'reminder_failed',
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
  /** Why a reminder could not be delivered (WhatsApp's failure, in the inbox's words). */
  failureReason: FailureReason.nullable(),
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
