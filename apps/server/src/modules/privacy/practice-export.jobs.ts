import type { AppContext } from '../../context.js';
import { type JobRun, type ModuleJobs, defineJob } from '../../platform/jobs.js';
import { BUILD_PRACTICE_EXPORT, buildPracticeExport } from './practice-export.service.js';

/** Builds a whole-practice export an owner asked for (practice-export.service.ts); a second run does nothing. */
export const buildPracticeExportJob = defineJob({
  ...BUILD_PRACTICE_EXPORT,
  handler: async (payload, { ctx }: JobRun<AppContext>) => {
    await buildPracticeExport(ctx, payload);
  },
});

export const practiceExportJobs: ModuleJobs<AppContext> = { jobs: [buildPracticeExportJob] };
