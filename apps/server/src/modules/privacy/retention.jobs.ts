import type { AppContext } from '../../context.js';
import { type JobRun, type ModuleJobs, defineJob, defineSchedule, scheduledTick } from '../../platform/jobs.js';
import { runDailyRetention } from './retention.service.js';

/**
 * The daily retention job. Time zones differ between practices and a schedule has one, so it
 * ticks every hour and runs each practice once a day, at the first tick after 03:00 in the
 * practice's own time zone (runDailyRetention).
 */
export const retentionRound = defineJob({
  name: 'privacy.retention_round',
  schema: scheduledTick,
  maxAttempts: 3,
  handler: async ({ tick }, { ctx }: JobRun<AppContext>) => {
    await runDailyRetention(ctx, { now: new Date(Math.max(Date.parse(tick), Date.now())) });
  },
});

export const retentionJobs: ModuleJobs<AppContext> = {
  jobs: [retentionRound],
  schedules: [defineSchedule({ name: 'privacy.retention', cron: '7 * * * *', job: retentionRound })],
};
