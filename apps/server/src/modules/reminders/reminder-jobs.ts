import { z } from 'zod';

/**
 * The reminders module's jobs as the services queue them (reminders.jobs.ts gives them their
 * handlers). A reminder's job is keyed by appointment and rule: planning it again (the visit moved)
 * replaces the pending one, time and start, so the old time never fires.
 */

export const SEND_JOB = {
  name: 'reminders.send',
  schema: z.object({
    practiceId: z.uuid(),
    appointmentId: z.uuid(),
    offsetMinutes: z.number().int().positive(),
    /** The start the reminder was planned for: a job for an older start does nothing. */
    start: z.iso.datetime(),
  }),
};
export type SendJob = z.infer<typeof SEND_JOB.schema>;

export const sendKey = (appointmentId: string, offsetMinutes: number) =>
  `reminders.send:${appointmentId}:${offsetMinutes}`;

/** Plans a practice's coming reminders again (its settings changed). */
export const REPLAN_JOB = {
  name: 'reminders.replan',
  schema: z.object({ practiceId: z.uuid() }),
};

export const replanKey = (practiceId: string) => `reminders.replan:${practiceId}`;

/** A reminder's email (it went by email instead of WhatsApp); keyed by reminder, so queued once. */
export const EMAIL_JOB = {
  name: 'reminders.send_email',
  schema: z.object({ practiceId: z.uuid(), reminderId: z.uuid() }),
};
export type EmailJob = z.infer<typeof EMAIL_JOB.schema>;

export const emailKey = (reminderId: string) => `reminders.send_email:${reminderId}`;
