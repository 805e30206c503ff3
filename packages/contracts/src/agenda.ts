import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.js';
import { LocalDate } from './dates.js';

// The dentist's daily agenda (issue 13): each morning at the practice's time, every provider with
// appointments that day gets a summary of it in the app (a notification opening their day in the
// calendar), and on WhatsApp when they opted in on their account page.

/** 'HH:MM', practice time, from 00:00 to 23:59. */
export const AgendaSendTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use HH:MM from 00:00 to 23:59');

/** Settings → Reminders → Daily agenda (owners change it; everyone reads it). */
export const AgendaSettingsInput = z.strictObject({
  enabled: z.boolean(),
  sendTime: AgendaSendTime,
});
export type AgendaSettingsInput = z.infer<typeof AgendaSettingsInput>;
export const AgendaSettings = AgendaSettingsInput.extend({
  /** When an owner last saved them; null while the practice has the defaults (on, 07:00). */
  updatedAt: IsoDateTime.nullable(),
});
export type AgendaSettings = z.infer<typeof AgendaSettings>;

/** A member's own choice (their account page): the agenda on WhatsApp too, to this number. */
export const AgendaSubscriptionInput = z.strictObject({
  /** The number as typed (Mauritian numbers without +230 are understood); '' clears it. */
  whatsappNumber: z.string().max(40),
  whatsappOptIn: z.boolean(),
  language: z.enum(['en', 'fr']),
});
export type AgendaSubscriptionInput = z.infer<typeof AgendaSubscriptionInput>;
export const AgendaSubscription = z.object({
  /** E.164, or null. */
  whatsappNumber: z.string().nullable(),
  whatsappOptIn: z.boolean(),
  language: z.enum(['en', 'fr']),
  /** Whether this member is a provider of the practice (only providers get an agenda). */
  provider: z.boolean(),
  /** Whether the practice sends the agenda at all, and when. */
  practiceSends: z.boolean(),
  sendTime: AgendaSendTime,
  /** Whether the practice has a WhatsApp number to send it from. */
  practiceHasWhatsApp: z.boolean(),
});
export type AgendaSubscription = z.infer<typeof AgendaSubscription>;

/** One appointment of the day, as the provider's agenda lists it. */
export const AgendaLine = z.object({
  appointmentId: Uuid,
  start: IsoDateTime,
  end: IsoDateTime,
  /** The patient's full name (in the app). */
  patientName: z.string(),
  visitType: z.object({ en: z.string(), fr: z.string() }),
  chairName: z.string(),
  /** Never seen at the practice before (no visit that took place). */
  newPatient: z.boolean(),
  /** Medical alerts are on file: a flag only, never what they say. */
  medicalAlert: z.boolean(),
});
export type AgendaLine = z.infer<typeof AgendaLine>;

export const AgendaQuery = z.object({
  day: LocalDate,
  /** Another provider's day (the desk); default the caller's own. */
  providerId: Uuid.optional(),
});

export const DayAgenda = z.object({
  day: LocalDate,
  providerId: Uuid,
  count: z.number().int(),
  firstStart: IsoDateTime.nullable(),
  lastStart: IsoDateTime.nullable(),
  lines: z.array(AgendaLine),
});
export type DayAgenda = z.infer<typeof DayAgenda>;
