import { FailureReason } from '@dentalpro/contracts';
import { z } from 'zod';
import { defineEvent } from '../../platform/jobs.js';

/** Facts the reminders module announces, in the transaction that makes them true (docs/architecture.md lists who listens). */

/** A patient on the waitlist took a freed time from a WhatsApp offer: the appointment is booked. */
export const waitlistOfferAccepted = defineEvent(
  'reminders.waitlist_offer_accepted',
  z.object({
    practiceId: z.uuid(),
    offerId: z.uuid(),
    appointmentId: z.uuid(),
    patientId: z.uuid(),
    providerId: z.uuid(),
  }),
);

/**
 * A reminder reached the patient by no route, for the desk to phone them: WhatsApp refused its
 * message or reported it failed (and it could not go by email instead), or the email that replaced
 * it then failed for good. Not announced when the email carries it. One per WhatsApp message (a
 * family on one number is one call), naming its earliest visit; `reason` is WhatsApp's.
 */
export const reminderUndelivered = defineEvent(
  'reminders.reminder_undelivered',
  z.object({
    practiceId: z.uuid(),
    reminderId: z.uuid(),
    appointmentId: z.uuid(),
    patientId: z.uuid().nullable(),
    /** The WhatsApp message that failed and its conversation. */
    messageId: z.uuid(),
    conversationId: z.uuid().nullable(),
    reason: FailureReason,
    /** The email that replaced the WhatsApp message failed too (its reason, e.g. `mail_refused`); null: no email was tried. */
    emailFailure: z.string().nullable(),
  }),
);
