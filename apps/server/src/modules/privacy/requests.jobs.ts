import type { AppContext } from '../../context.js';
import {
  type JobRun,
  type ModuleJobs,
  defineJob,
  defineSchedule,
  onEvent,
  scheduledTick,
} from '../../platform/jobs.js';
import { rightsRequestConfirmed } from '../assistant/assistant.events.js';
import { inboundMessageStored } from '../messaging/messaging.events.js';
import { answerInvitationTap } from './export-invitations.js';
import { runRequestAlerts } from './requests.alerts.js';
import { answerConfirmedRightsRequest, answerRightsRequestMessage } from './requests.whatsapp.js';

/** A rights request written on WhatsApp while the assistant is off for the number (requests.whatsapp.ts). */
export const whatsappRequest = onEvent(inboundMessageStored, {
  name: 'privacy.whatsapp_request',
  handler: (event, { ctx }: JobRun<AppContext>) => answerRightsRequestMessage(ctx, event),
});

/** A tap on the invitation to receive the link to one's copy (export-invitations.ts): the link goes then. */
export const exportInvitationTap = onEvent(inboundMessageStored, {
  name: 'privacy.export_invitation_tap',
  handler: (event, { ctx }: JobRun<AppContext>) => answerInvitationTap(ctx, event),
});

/** A rights request the patient confirmed to the booking assistant (requests.whatsapp.ts). */
export const confirmedWhatsappRequest = onEvent(rightsRequestConfirmed, {
  name: 'privacy.confirmed_whatsapp_request',
  handler: (event, { ctx }: JobRun<AppContext>) => answerConfirmedRightsRequest(ctx, event),
});

/**
 * Due-soon and overdue alerts (requests.alerts.ts). Practices keep their own clocks and a schedule
 * has one, so it ticks hourly and each practice is alerted from 08:00 its time; each request is
 * told once per kind, so the ticks after that find nothing new.
 */
export const requestAlerts = defineJob({
  name: 'privacy.request_alerts',
  schema: scheduledTick,
  maxAttempts: 3,
  handler: async ({ tick }, { ctx }: JobRun<AppContext>) => {
    await runRequestAlerts(ctx, { now: new Date(Math.max(Date.parse(tick), Date.now())) });
  },
});

export const requestsJobs: ModuleJobs<AppContext> = {
  jobs: [whatsappRequest, exportInvitationTap, confirmedWhatsappRequest, requestAlerts],
  schedules: [defineSchedule({ name: 'privacy.request_alerts', cron: '17 * * * *', job: requestAlerts })],
};
