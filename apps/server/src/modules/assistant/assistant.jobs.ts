import type { AppContext } from '../../context.js';
import {
  type JobRun,
  type ModuleJobs,
  defineJob,
  defineSchedule,
  onEvent,
  scheduledTick,
} from '../../platform/jobs.js';
import { inboundMessageStored } from '../messaging/messaging.events.js';
import { forgetOldOffers } from './assistant.repository.js';
import { EXPIRE_JOB, answerWithAssistant, expireConversation } from './assistant.service.js';

/** The assistant answers every stored patient message (when the practice has it on). */
export const answer = onEvent(inboundMessageStored, {
  name: 'assistant.answer',
  handler: (event, { ctx }: JobRun<AppContext>) => answerWithAssistant(ctx, event),
  // A conversation busy with another message is retried soon, not in minutes.
  backoffMs: (attempt) => Math.min(60_000, 1_000 * 2 ** (attempt - 1)),
});

/** A conversation left mid-flow: a polite restart note, and any held time let go. */
export const expire = defineJob({
  ...EXPIRE_JOB,
  handler: (payload, { ctx }: JobRun<AppContext>) => expireConversation(ctx, payload),
});

/** Offered times are kept a week (an old list's tap is checked again), then forgotten. */
export const forgetOffers = defineJob({
  name: 'assistant.forget_offers',
  schema: scheduledTick,
  handler: async (_tick, { ctx }: JobRun<AppContext>) => {
    await forgetOldOffers(ctx.db, new Date());
  },
});

export const assistantJobs: ModuleJobs<AppContext> = {
  jobs: [answer, expire, forgetOffers],
  schedules: [defineSchedule({ name: 'assistant.forget_offers', cron: '17 3 * * *', job: forgetOffers })],
};
