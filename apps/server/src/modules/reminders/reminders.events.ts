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
