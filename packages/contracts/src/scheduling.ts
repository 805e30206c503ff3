import { z } from 'zod';
import { Uuid } from './common.js';
import { CalendarDate, CalendarInstant, LocalDate } from './dates.js';

const Colour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'Use a colour like #0f766e');
/** Local wall-clock time, 'HH:MM' (24:00 allowed as an end). */
export const WallTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'Use HH:MM');
/** Where a period starts: 00:00 to 23:59. */
const StartTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Use HH:MM from 00:00 to 23:59');
/** Where a period ends: 00:01 to 24:00. */
const EndTime = z.string().regex(/^(?!00:00)(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'Use HH:MM from 00:01 to 24:00');
export const Weekday = z.number().int().min(1).max(7);

export const APPOINTMENT_STATUSES = [
  'held',
  'booked',
  'confirmed',
  'arrived',
  'in_chair',
  'completed',
  'cancelled',
  'no_show',
] as const;
export const AppointmentStatus = z.enum(APPOINTMENT_STATUSES);
export type AppointmentStatus = z.infer<typeof AppointmentStatus>;
export const AppointmentSource = z.enum(['staff', 'whatsapp', 'phone', 'walk_in']);
export type AppointmentSource = z.infer<typeof AppointmentSource>;
export const ProviderRole = z.enum(['owner', 'dentist', 'hygienist']);

// Chairs
export const ChairInput = z.strictObject({
  name: z.string().trim().min(1).max(60),
  colour: Colour.default('#0f766e'),
  sortOrder: z.number().int().min(0).max(1000).default(0),
  active: z.boolean().default(true),
});
export const ChairPatch = z
  .strictObject({
    name: z.string().trim().min(1).max(60),
    colour: Colour,
    sortOrder: z.number().int().min(0).max(1000),
    active: z.boolean(),
  })
  .partial();
export const Chair = z.object({
  id: Uuid,
  name: z.string(),
  colour: z.string(),
  sortOrder: z.number(),
  active: z.boolean(),
});
export type Chair = z.infer<typeof Chair>;

// Providers and their weekly hours
export const HoursInterval = z.strictObject({
  weekday: Weekday,
  start: StartTime,
  end: EndTime,
  chairId: Uuid.nullable().default(null),
  validFrom: LocalDate.nullable().default(null),
  validTo: LocalDate.nullable().default(null),
});
export const ProviderInput = z.strictObject({
  userId: Uuid,
  displayName: z.string().trim().min(1).max(80),
  colour: Colour.default('#2563eb'),
  active: z.boolean().default(true),
});
export const ProviderPatch = z
  .strictObject({ displayName: z.string().trim().min(1).max(80), colour: Colour, active: z.boolean() })
  .partial();
export const Provider = z.object({
  userId: Uuid,
  displayName: z.string(),
  colour: z.string(),
  active: z.boolean(),
  role: z.string(),
  hours: z.array(
    z.object({
      id: Uuid,
      weekday: z.number(),
      start: z.string(),
      end: z.string(),
      chairId: Uuid.nullable(),
      validFrom: z.string().nullable(),
      validTo: z.string().nullable(),
    }),
  ),
});
export type Provider = z.infer<typeof Provider>;
export const ProviderHoursInput = z.strictObject({ hours: z.array(HoursInterval).max(100) });

// Practice-wide calendar settings
export const OpeningHoursInput = z.strictObject({
  hours: z.array(z.strictObject({ weekday: Weekday, start: StartTime, end: EndTime })).max(50),
});
export const OpeningHours = z.object({
  hours: z.array(z.object({ weekday: Weekday, start: WallTime, end: WallTime })),
});
export const CalendarSettings = z.object({
  slotStepMinutes: z.union([z.literal(5), z.literal(10), z.literal(15), z.literal(20), z.literal(30), z.literal(60)]),
  holdMinutes: z.number().int().min(1).max(60),
});
export const CalendarSettingsPatch = CalendarSettings.partial().strict();

export const ClosureInput = z.strictObject({
  start: CalendarInstant,
  end: CalendarInstant,
  reason: z.string().trim().max(200).default(''),
});
/** Any of the fields; the period that results must still end after it starts. */
export const ClosurePatch = z
  .strictObject({ start: CalendarInstant, end: CalendarInstant, reason: z.string().trim().max(200) })
  .partial();
export const Closure = z.object({ id: Uuid, start: z.string(), end: z.string(), reason: z.string() });
export const HolidayInput = z.strictObject({
  date: CalendarDate,
  nameEn: z.string().trim().min(1).max(80),
  nameFr: z.string().trim().min(1).max(80),
});
export const Holiday = z.object({
  id: Uuid,
  date: z.string(),
  nameEn: z.string(),
  nameFr: z.string(),
  provisional: z.boolean(),
});

export const BLOCK_KINDS = ['lunch', 'meeting', 'leave', 'maintenance', 'other'] as const;
export const BlockInput = z.strictObject({
  providerId: Uuid.nullable().default(null),
  chairId: Uuid.nullable().default(null),
  start: CalendarInstant,
  end: CalendarInstant,
  kind: z.enum(BLOCK_KINDS),
  note: z.string().trim().max(200).default(''),
});
/** Any of the fields; null provider and chair together block the whole practice. */
export const BlockPatch = z
  .strictObject({
    providerId: Uuid.nullable(),
    chairId: Uuid.nullable(),
    start: CalendarInstant,
    end: CalendarInstant,
    kind: z.enum(BLOCK_KINDS),
    note: z.string().trim().max(200),
  })
  .partial();
export const Block = z.object({
  id: Uuid,
  providerId: Uuid.nullable(),
  chairId: Uuid.nullable(),
  start: z.string(),
  end: z.string(),
  kind: z.enum(BLOCK_KINDS),
  note: z.string(),
});

// Appointment types
const AppointmentTypeFields = z.strictObject({
  nameEn: z.string().trim().min(1).max(80),
  nameFr: z.string().trim().min(1).max(80),
  durationMinutes: z.number().int().min(5).max(480),
  bufferAfterMinutes: z.number().int().min(0).max(120),
  allowedRoles: z.array(ProviderRole).min(1),
  colour: Colour,
  whatsappBookable: z.boolean(),
  minNoticeMinutes: z
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30),
  maxDaysAhead: z.number().int().min(1).max(730),
  active: z.boolean(),
});
export const AppointmentTypeInput = AppointmentTypeFields.extend({
  bufferAfterMinutes: AppointmentTypeFields.shape.bufferAfterMinutes.default(0),
  allowedRoles: AppointmentTypeFields.shape.allowedRoles.default(['dentist']),
  colour: Colour.default('#0ea5e9'),
  whatsappBookable: z.boolean().default(false),
  minNoticeMinutes: AppointmentTypeFields.shape.minNoticeMinutes.default(120),
  maxDaysAhead: AppointmentTypeFields.shape.maxDaysAhead.default(90),
  active: z.boolean().default(true),
});
export const AppointmentTypePatch = AppointmentTypeFields.partial();
export const AppointmentType = AppointmentTypeFields.extend({ id: Uuid }).strip();
export type AppointmentType = z.infer<typeof AppointmentType>;

// Appointments
export const Appointment = z.object({
  id: Uuid,
  patientId: Uuid.nullable(),
  patientName: z.string().nullable(),
  /** The patient has medical alerts on file; their details come from …/patients/{id}/alert-notice. */
  hasMedicalAlert: z.boolean(),
  providerId: Uuid,
  chairId: Uuid,
  appointmentTypeId: Uuid,
  start: z.string(),
  end: z.string(),
  status: AppointmentStatus,
  holdExpiresAt: z.string().nullable(),
  source: AppointmentSource,
  notes: z.string(),
  cancellationReason: z.string().nullable(),
  overbookReason: z.string().nullable(),
  createdAt: z.string(),
});
export type Appointment = z.infer<typeof Appointment>;

export const BookingInput = z.strictObject({
  patientId: Uuid,
  appointmentTypeId: Uuid,
  providerId: Uuid,
  chairId: Uuid,
  start: CalendarInstant,
  /** Defaults to start + the type's duration. */
  end: CalendarInstant.optional(),
  source: AppointmentSource.default('staff'),
  notes: z.string().trim().max(2000).default(''),
  /** Owners only: book over another appointment of the same provider, on purpose. */
  overbookReason: z.string().trim().min(3).max(200).optional(),
});
export const MoveInput = z.strictObject({
  start: CalendarInstant,
  end: CalendarInstant.optional(),
  providerId: Uuid.optional(),
  chairId: Uuid.optional(),
  overbookReason: z.string().trim().min(3).max(200).optional(),
});
export const CancelInput = z.strictObject({ reason: z.string().trim().min(1).max(300) });
export const StatusInput = z.strictObject({
  status: z.enum(['booked', 'confirmed', 'arrived', 'in_chair', 'completed', 'no_show']),
  reason: z.string().trim().max(300).optional(),
});
export const HoldInput = z.strictObject({
  appointmentTypeId: Uuid,
  providerId: Uuid,
  chairId: Uuid,
  start: CalendarInstant,
  patientId: Uuid.optional(),
  source: AppointmentSource.default('staff'),
});
export const ConfirmHoldInput = z.strictObject({
  patientId: Uuid.optional(),
  notes: z.string().trim().max(2000).default(''),
});
export const AppointmentQuery = z.object({
  from: CalendarInstant,
  to: CalendarInstant,
  providerId: Uuid.optional(),
  chairId: Uuid.optional(),
  includeCancelled: z.stringbool().default(false),
});
export const StatusHistoryEntry = z.object({
  fromStatus: z.string().nullable(),
  toStatus: z.string(),
  changedBy: z.string().nullable(),
  changedAt: z.string(),
  reason: z.string().nullable(),
});

export const AvailabilityQuery = z.object({
  appointmentTypeId: Uuid,
  from: CalendarInstant,
  to: CalendarInstant,
  providerId: Uuid.optional(),
  chairId: Uuid.optional(),
  movingAppointmentId: Uuid.optional().describe(
    'Looking for times to move this appointment to: its own time (provider and chair) does not count as busy; any other id changes nothing',
  ),
});
export const AvailableSlot = z.object({ start: z.string(), end: z.string(), providerId: Uuid, chairId: Uuid });
export const Availability = z.object({ slots: z.array(AvailableSlot) });

// Waitlist and recalls
export const WaitlistInput = z.strictObject({
  patientId: Uuid,
  appointmentTypeId: Uuid,
  providerId: Uuid.nullable().default(null),
  preferredWeekdays: z.array(Weekday).max(7).default([]),
  preferredStart: StartTime.nullable().default(null),
  preferredEnd: EndTime.nullable().default(null),
  earliest: CalendarDate.nullable().default(null),
  latest: CalendarDate.nullable().default(null),
  notes: z.string().trim().max(500).default(''),
});
export const WaitlistEntry = z.object({
  id: Uuid,
  patientId: Uuid,
  patientName: z.string(),
  appointmentTypeId: Uuid,
  providerId: Uuid.nullable(),
  preferredWeekdays: z.array(z.number()),
  preferredStart: z.string().nullable(),
  preferredEnd: z.string().nullable(),
  earliest: z.string().nullable(),
  latest: z.string().nullable(),
  notes: z.string(),
  status: z.enum(['waiting', 'offered', 'booked', 'removed']),
  createdAt: z.string(),
});
export const WaitlistPatch = z.strictObject({ status: z.enum(['waiting', 'offered', 'booked', 'removed']) });
/** A page of a list the server counts: `offset` rows in, at most `limit` of them. */
export const ListPageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(1000),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
/** The page's rows, how many the list holds in all, and where the next page starts (null: none). */
export const listPage = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), nextOffset: z.number().int().nullable() });
export const WaitlistQuery = ListPageQuery.extend({
  appointmentTypeId: Uuid.optional(),
  /** `open`: waiting or offered, the entries the front desk still works on. */
  status: z.enum(['open', 'waiting', 'offered', 'booked', 'removed']).optional(),
});
export const RecallInput = z.strictObject({
  patientId: Uuid,
  kind: z.enum(['checkup', 'hygiene', 'review', 'other']).default('checkup'),
  dueDate: CalendarDate,
  intervalMonths: z.number().int().min(1).max(60).nullable().default(6),
  notes: z.string().trim().max(500).default(''),
  /** The visit to book when the patient comes back, and with whom; the recall list books with them. */
  appointmentTypeId: Uuid.nullable().default(null),
  providerId: Uuid.nullable().default(null),
});
export const Recall = z.object({
  id: Uuid,
  patientId: Uuid,
  patientName: z.string(),
  patientPhone: z.string(),
  kind: z.string(),
  dueDate: z.string(),
  intervalMonths: z.number().nullable(),
  status: z.enum(['due', 'booked', 'done', 'cancelled']),
  notes: z.string(),
  appointmentTypeId: Uuid.nullable(),
  providerId: Uuid.nullable(),
  /** The start of the patient's latest completed appointment, and its provider; null when none. */
  lastVisitAt: z.string().nullable(),
  lastVisitProviderId: Uuid.nullable(),
});
/** Either or both; nothing to change answers the recall as it is. */
export const RecallPatch = z.strictObject({
  status: z.enum(['due', 'booked', 'done', 'cancelled']).optional(),
  dueDate: CalendarDate.optional(),
});
export const RecallQuery = ListPageQuery.extend({
  /** Due on or after this date (with dueBefore: due in a month). */
  dueFrom: LocalDate.optional(),
  /** Due on or before this date; for due and open recalls, today where the practice is unless given. */
  dueBefore: LocalDate.optional(),
  /** `open`: due or booked, so a recall just booked stays in the list, marked booked. */
  status: z.enum(['open', 'due', 'booked', 'done', 'cancelled']).default('due'),
  /** The recall's provider, or when it names none, the provider of the patient's last visit. */
  providerId: Uuid.optional(),
  /** Last seen before this date, or never seen. */
  lastVisitBefore: LocalDate.optional(),
});

// Patient schemas (PatientInput, PatientSummary, PatientSearchQuery) live in patients.ts.
