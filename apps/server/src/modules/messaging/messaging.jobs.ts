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
import { graphUrlOf, messagingUpkeep, whatsappPumps } from './messaging.runtime.js';

/** Greeting and away message, after a patient's message is stored. */
export const autoReplies = onEvent(inboundMessageStored, {
  name: 'messaging.auto_replies',
  handler: (event, { ctx }: JobRun<AppContext>) => answerWithAutoReplies(ctx, event),
});

/** Refreshes template registries (see messagingUpkeep); old webhook bodies are the retention job's. */
export const upkeep = defineJob({
  name: 'messaging.upkeep',
  schema: scheduledTick,
  handler: (_tick, { ctx }: JobRun<AppContext>) => messagingUpkeep(ctx, graphUrlOf(ctx)),
});

export const messagingJobs: ModuleJobs<AppContext> = {
  jobs: [autoReplies, upkeep],
  schedules: [defineSchedule({ name: 'messaging.upkeep', cron: '*/10 * * * *', job: upkeep })],
  pumps: [whatsappPumps],
};
