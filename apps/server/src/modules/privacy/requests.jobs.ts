import type { AppContext } from '../../context.js';
import { type JobRun, type ModuleJobs, onEvent } from '../../platform/jobs.js';
import { inboundMessageStored } from '../messaging/messaging.events.js';
import { answerRightsRequestMessage } from './requests.whatsapp.js';

/** A rights request written on WhatsApp while the assistant is off for the number (requests.whatsapp.ts). */
export const whatsappRequest = onEvent(inboundMessageStored, {
  name: 'privacy.whatsapp_request',
  handler: (event, { ctx }: JobRun<AppContext>) => answerRightsRequestMessage(ctx, event),
});

export const requestsJobs: ModuleJobs<AppContext> = { jobs: [whatsappRequest] };
