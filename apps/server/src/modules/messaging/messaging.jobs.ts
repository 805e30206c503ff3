import type { AppContext } from '../../context.js';
import {
  type JobRun,
  type ModuleJobs,
  defineJob,
  defineSchedule,
  onEvent,
  scheduledTick,
} from '../../platform/jobs.js';
import { answerWithAutoReplies } from './auto-replies.js';
import { inboundMessageStored } from './messaging.events.js';
import { releaseHeldOfConversation } from './messaging-limit.service.js';
import { OUTBOX_SIGNAL, graphUrlOf, messagingUpkeep, whatsappPumps } from './messaging.runtime.js';

/** Greeting and away message, after a patient's message is stored. */
export const autoReplies = onEvent(inboundMessageStored, {
  name: 'messaging.auto_replies',
  handler: (event, { ctx }: JobRun<AppContext>) => answerWithAutoReplies(ctx, event),
});

/** A patient's message opens their window: sends the daily messaging limit held back in that conversation go now. */
export const releaseHeld = onEvent(inboundMessageStored, {
  name: 'messaging.release_held',
  handler: async (event, { ctx }: JobRun<AppContext>) => {
    if ((await releaseHeldOfConversation(ctx.db, event.conversationId)) > 0) ctx.events.signal(OUTBOX_SIGNAL);
  },
});

/** Refreshes template registries (see messagingUpkeep); old webhook bodies are the retention job's. */
export const upkeep = defineJob({
  name: 'messaging.upkeep',
  schema: scheduledTick,
  handler: (_tick, { ctx }: JobRun<AppContext>) => messagingUpkeep(ctx, graphUrlOf(ctx)),
});

export const messagingJobs: ModuleJobs<AppContext> = {
  jobs: [autoReplies, releaseHeld, upkeep],
  schedules: [defineSchedule({ name: 'messaging.upkeep', cron: '*/10 * * * *', job: upkeep })],
  pumps: [whatsappPumps],
};
