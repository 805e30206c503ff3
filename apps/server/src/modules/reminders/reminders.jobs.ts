import type { AppContext } from '../../context.js';
import {
  type JobRun,
  type ModuleJobs,
  defineJob,
  defineSchedule,
  onEvent,
  scheduledTick,
} from '../../platform/jobs.js';
import { consentWithdrawn } from '../consent/consent.service.js';
import { inboundMessageStored } from '../messaging/messaging.events.js';
import { practicesWithWhatsApp } from '../messaging/outreach.service.js';
import {
  appointmentBooked,
  appointmentCancelled,
  appointmentMoved,
  appointmentStatusChanged,
} from '../scheduling/scheduling.events.js';
import { stopRemindersOnWithdrawal } from './consent-withdrawals.js';
import { planAppointments, replanPractice } from './planning.js';
import { answerReminderReply } from './replies.js';
import { REPLAN_JOB, SEND_JOB } from './reminder-jobs.js';
import { sendReminder } from './sending.js';

/**
 * Reminders listen to the calendar (scheduling never imports them): a booking or a move plans the
 * appointment's reminders (as of now: the lead time counts from the change), a cancellation or
 * another status plans them again (nothing is left planned that would not go). Each reminder is a
 * job of its own; a sweep every ten minutes repairs what a lost announcement or job left out.
 */

const plan = (ctx: AppContext, practiceId: string, appointmentId: string, changedAt?: Date) =>
  planAppointments(ctx, { practiceId, appointmentIds: [appointmentId], now: new Date(), changedAt });

export const planOnBooked = onEvent(appointmentBooked, {
  name: 'reminders.plan_booked',
  handler: (event, { ctx }: JobRun<AppContext>) => plan(ctx, event.practiceId, event.appointmentId, new Date()),
});

export const planOnMoved = onEvent(appointmentMoved, {
  name: 'reminders.plan_moved',
  handler: (event, { ctx }: JobRun<AppContext>) => plan(ctx, event.practiceId, event.appointmentId, new Date()),
});

export const planOnCancelled = onEvent(appointmentCancelled, {
  name: 'reminders.plan_cancelled',
  handler: (event, { ctx }: JobRun<AppContext>) => plan(ctx, event.practiceId, event.appointmentId),
});

export const planOnStatus = onEvent(appointmentStatusChanged, {
  name: 'reminders.plan_status',
  handler: (event, { ctx }: JobRun<AppContext>) => plan(ctx, event.practiceId, event.appointmentId),
});

/** A patient tapped a reminder's button (other messages are the assistant's and the inbox's). */
export const reply = onEvent(inboundMessageStored, {
  name: 'reminders.reply',
  handler: (event, { ctx }: JobRun<AppContext>) => answerReminderReply(ctx, event),
});

/** The patient withdrew consent to appointment messages: what is planned or still queued does not go. */
export const stopOnWithdrawal = onEvent(consentWithdrawn, {
  name: 'reminders.consent_withdrawn',
  handler: async (event, { ctx }: JobRun<AppContext>) => {
    await stopRemindersOnWithdrawal(ctx, event, new Date());
  },
});

export const send = defineJob({
  ...SEND_JOB,
  handler: async (payload, { ctx }: JobRun<AppContext>) => {
    await sendReminder(ctx, payload, new Date());
  },
});

export const replan = defineJob({
  ...REPLAN_JOB,
  handler: async ({ practiceId }, { ctx }: JobRun<AppContext>) => {
    await replanPractice(ctx, { practiceId, now: new Date() });
  },
});

/** Every ten minutes, every practice that can send: plans what is missing, re-queues what is due. */
export const sweep = defineJob({
  name: 'reminders.sweep',
  schema: scheduledTick,
  handler: async (_tick, { ctx }: JobRun<AppContext>) => {
    for (const practiceId of await practicesWithWhatsApp(ctx.db)) {
      await replanPractice(ctx, { practiceId, now: new Date() }).catch((err: Error) =>
        ctx.logger.warn({ practiceId, err: err.message }, 'reminders could not be re-planned for a practice'),
      );
    }
  },
});

export const remindersJobs: ModuleJobs<AppContext> = {
  jobs: [planOnBooked, planOnMoved, planOnCancelled, planOnStatus, reply, stopOnWithdrawal, send, replan, sweep],
  schedules: [defineSchedule({ name: 'reminders.sweep', cron: '*/10 * * * *', job: sweep })],
};
