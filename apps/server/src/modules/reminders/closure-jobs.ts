import { z } from 'zod';

/**
 * A closure announcement's job (reminders.jobs.ts gives it its handler): cancels the affected
 * appointments still booked and tells each patient once. Keyed by the announcement: queued once.
 */
export const ANNOUNCE_JOB = {
  name: 'reminders.closure_announce',
  schema: z.object({ practiceId: z.uuid(), announcementId: z.uuid() }),
};

export const announceKey = (announcementId: string) => `reminders.closure_announce:${announcementId}`;
