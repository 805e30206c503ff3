import { AppointmentSource, AppointmentStatus as Status } from '@dentalpro/contracts';
import { z } from 'zod';
import { defineEvent } from '../../platform/jobs.js';

/**
 * Facts the calendar announces, in the transaction that makes them true (docs/architecture.md
 * lists who listens; reminders will follow every one). Times are ISO instants; patientId is null
 * for an appointment booked without a patient (a hold never confirmed is not announced).
 */
const Instant = z.iso.datetime();
const Times = z.object({ start: Instant, end: Instant });
const Place = Times.extend({ providerId: z.uuid(), chairId: z.uuid() });
const Appointment = z.object({ practiceId: z.uuid(), appointmentId: z.uuid(), patientId: z.uuid().nullable() });

/** Booked, at the desk or by confirming a hold (the WhatsApp path). */
export const appointmentBooked = defineEvent(
  'scheduling.appointment_booked',
  Appointment.extend({ source: z.string(), after: Place }),
);

/**
 * Who made a move or a cancellation: 'whatsapp' for the patient in the chat (the assistant),
 * otherwise the desk. Absent in announcements queued before it was added.
 */
const ChangedBy = AppointmentSource.optional();

/** Moved to another time, provider or chair. */
export const appointmentMoved = defineEvent(
  'scheduling.appointment_moved',
  Appointment.extend({ before: Place, after: Place, source: ChangedBy }),
);

/** Cancelled (by the desk, the patient on WhatsApp, or because the patient died); the slot is free again. */
export const appointmentCancelled = defineEvent(
  'scheduling.appointment_cancelled',
  Appointment.extend({ from: Status, before: Times, source: ChangedBy }),
);

/** Any other status step: confirmed, arrived, in the chair, completed, no-show. */
export const appointmentStatusChanged = defineEvent(
  'scheduling.appointment_status_changed',
  Appointment.extend({ from: Status, to: Status, at: Times }),
);
