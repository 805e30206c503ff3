import { z } from 'zod';

/**
 * The waitlist offers' job as the services queue it (reminders.jobs.ts gives it its handler): one
 * round of offers of one freed time, keyed by that time, so the next round replaces the pending one
 * (it runs when the earliest open offer lapses, or when quiet hours end).
 */
export const OFFER_ROUND_JOB = {
  name: 'reminders.waitlist_offers',
  schema: z.object({ practiceId: z.uuid(), freedAppointmentId: z.uuid() }),
};
export type OfferRoundJob = z.infer<typeof OFFER_ROUND_JOB.schema>;

export const offerRoundKey = (freedAppointmentId: string) => `reminders.waitlist_offers:${freedAppointmentId}`;
