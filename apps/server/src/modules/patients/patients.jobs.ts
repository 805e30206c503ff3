import type { AppContext } from '../../context.js';
import { type JobRun, type ModuleJobs, defineJob, defineSchedule, scheduledTick } from '../../platform/jobs.js';
import { practicesWithUncountedWords, refreshNameWordCounts } from './patients.repository.js';

/**
 * Counts name words again for practices with words added since their last count (see
 * refreshNameWordCounts). Imports count at once; patients created one by one wait for this.
 * Counting is idempotent: a tick run twice counts twice, to the same result.
 */
export const countNameWords = defineJob({
  name: 'patients.count_name_words',
  schema: scheduledTick,
  handler: async (_tick, { ctx }: JobRun<AppContext>) => {
    for (const practiceId of await practicesWithUncountedWords(ctx.db)) await refreshNameWordCounts(ctx.db, practiceId);
  },
});

export const patientsJobs: ModuleJobs<AppContext> = {
  jobs: [countNameWords],
  schedules: [defineSchedule({ name: 'patients.count_name_words', cron: '*/10 * * * *', job: countNameWords })],
};
