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
import { inboundMessageStored, outboundFailed } from '../messaging/messaging.events.js';
import { practicesWithWhatsApp } from '../messaging/outreach.service.js';
import {
  appointmentBooked,
  appointmentCancelled,
  appointmentMoved,
  appointmentStatusChanged,
} from '../scheduling/scheduling.events.js';
import { settleClosuresOnBooking } from './closure-bookings.js';
import { ANNOUNCE_JOB } from './closure-jobs.js';
import { answerClosureReply } from './closure-replies.js';
import { announceClosure } from './closure-sending.js';
import { stopRemindersOnWithdrawal } from './consent-withdrawals.js';
import { planAppointments, replanPractice } from './planning.js';
import { answerReminderReply } from './replies.js';
import { settleRecallsOnBooking } from './recall-bookings.js';
import { answerRecallReply } from './recall-replies.js';
import { stopRecallsOnWithdrawal } from './recall-withdrawals.js';
import { RECALL_RUN_JOB, queueDueRecallRuns, runRecalls } from './recalls-sending.js';
import { sendReminderEmail, settleFailedReminderMessage } from './reminder-emails.js';
import { EMAIL_JOB, REPLAN_JOB, SEND_JOB } from './reminder-jobs.js';
import { sendReminder } from './sending.js';
import { answerWaitlistOfferReply } from './waitlist-offer-replies.js';
import { OFFER_ROUND_JOB } from './waitlist-offer-jobs.js';
import { MIN_NOTICE_MS, offerFreedTime } from './waitlist-offers.js';

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

/** A cancelled appointment frees its time: while it is still well ahead, the waitlist is offered it. */
export const offerOnCancelled = onEvent(appointmentCancelled, {
  name: 'reminders.waitlist_offer_freed',
  handler: async (event, { ctx }: JobRun<AppContext>) => {
    const now = new Date();
    if (new Date(event.before.start).getTime() - now.getTime() < MIN_NOTICE_MS) return;
    await offerFreedTime(ctx, { practiceId: event.practiceId, freedAppointmentId: event.appointmentId, now });
  },
});

/** The next round of a freed time's offers: those lapsed make way for the next patients. */
export const offerRound = defineJob({
  ...OFFER_ROUND_JOB,
  handler: async (payload, { ctx }: JobRun<AppContext>) => {
    await offerFreedTime(ctx, { ...payload, now: new Date() });
  },
});

/** A patient tapped "Take it" or "No thanks" on a waitlist offer. */
export const offerReply = onEvent(inboundMessageStored, {
  name: 'reminders.waitlist_offer_reply',
  handler: (event, { ctx }: JobRun<AppContext>) => answerWaitlistOfferReply(ctx, event),
});

export const send = defineJob({
  ...SEND_JOB,
  handler: async (payload, { ctx }: JobRun<AppContext>) => {
    await sendReminder(ctx, payload, new Date());
  },
});

/** A reminder going by email (the patient cannot get it on WhatsApp): sent once, retried while the mail server says later. */
export const sendEmail = defineJob({
  ...EMAIL_JOB,
  handler: async (payload, { ctx }: JobRun<AppContext>) => {
    await sendReminderEmail(ctx, payload, new Date());
  },
});

/**
 * WhatsApp did not deliver a message: a reminder it carried goes by email instead when it can (not
 * on WhatsApp, 131026, with the practice's email fallback on); else the desk is told to phone.
 */
export const whatsappFailed = onEvent(outboundFailed, {
  name: 'reminders.whatsapp_failed',
  handler: async (event, { ctx }: JobRun<AppContext>) => {
    await settleFailedReminderMessage(ctx, event, new Date());
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

/** A patient tapped a recall message's button (Book now, Not now). */
export const recallReply = onEvent(inboundMessageStored, {
  name: 'reminders.recall_reply',
  handler: (event, { ctx }: JobRun<AppContext>) => answerRecallReply(ctx, event),
});

/** A visit booked on WhatsApp after a recall's Book now: the recall is booked. */
export const recallBooked = onEvent(appointmentBooked, {
  name: 'reminders.recall_booked',
  handler: async (event, { ctx }: JobRun<AppContext>) => {
    await settleRecallsOnBooking(ctx, event);
  },
});

/** The patient withdrew recall messages: those still in the outbox do not go. */
export const stopRecallsOnConsentWithdrawn = onEvent(consentWithdrawn, {
  name: 'reminders.recall_consent_withdrawn',
  handler: async (event, { ctx }: JobRun<AppContext>) => {
    await stopRecallsOnWithdrawal(ctx, event);
  },
});

/** One practice's recall run of the day (queued by the round; safe to run again). */
export const recallRun = defineJob({
  ...RECALL_RUN_JOB,
  handler: async ({ practiceId }, { ctx }: JobRun<AppContext>) => {
    await runRecalls(ctx, { practiceId, now: new Date() });
  },
});

/** Every ten minutes: each practice whose recall hour has come and whose run of today has not finished gets it. */
export const recallRound = defineJob({
  name: 'reminders.recall_round',
  schema: scheduledTick,
  handler: async (_tick, { ctx }: JobRun<AppContext>) => {
    await queueDueRecallRuns(ctx, new Date());
  },
});

/** A closure announcement: its appointments cancelled and each patient told once (queued by closePractice). */
export const closureAnnounce = defineJob({
  ...ANNOUNCE_JOB,
  handler: async (payload, { ctx }: JobRun<AppContext>) => {
    await announceClosure(ctx, payload);
  },
});

/** A patient tapped "Choose a new time" or "Call me" on a closure message. */
export const closureReply = onEvent(inboundMessageStored, {
  name: 'reminders.closure_reply',
  handler: (event, { ctx }: JobRun<AppContext>) => answerClosureReply(ctx, event),
});

/** A visit booked for a patient a closure cancelled: their line is rebooked. */
export const closureRebooked = onEvent(appointmentBooked, {
  name: 'reminders.closure_rebooked',
  handler: async (event, { ctx }: JobRun<AppContext>) => {
    await settleClosuresOnBooking(ctx, event);
  },
});

export const remindersJobs: ModuleJobs<AppContext> = {
  jobs: [
    planOnBooked,
    planOnMoved,
    planOnCancelled,
    planOnStatus,
    reply,
    stopOnWithdrawal,
    send,
    sendEmail,
    whatsappFailed,
    replan,
    sweep,
    recallReply,
    recallRun,
    recallRound,
    stopRecallsOnConsentWithdrawn,
    recallBooked,
    offerOnCancelled,
    offerRound,
    offerReply,
    closureAnnounce,
    closureReply,
    closureRebooked,
  ],
  schedules: [
    defineSchedule({ name: 'reminders.sweep', cron: '*/10 * * * *', job: sweep }),
    defineSchedule({ name: 'reminders.recall_round', cron: '*/10 * * * *', job: recallRound }),
  ],
};
