import type { AppContext } from '../../context.js';
import { type JobRun, type ModuleJobs, defineJob, defineSchedule, scheduledTick } from '../../platform/jobs.js';
import { AGENDA_RUN_JOB, queueDueAgendaRuns, runDailyAgenda } from './agenda.service.js';

/**
 * The dentists' daily agenda. Practices keep their own time zones and times, and a schedule has
 * one, so a round every five minutes queues each practice's run of the day once its time has come
 * (keyed by practice and day); the run tells each provider once (agenda.service.ts).
 */
export const agendaRun = defineJob({
  ...AGENDA_RUN_JOB,
  handler: async ({ practiceId, day }, { ctx }: JobRun<AppContext>) => {
    await runDailyAgenda(ctx, { practiceId, day, now: new Date() });
  },
});

export const agendaRound = defineJob({
  name: 'notifications.agenda_round',
  schema: scheduledTick,
  handler: async (_tick, { ctx }: JobRun<AppContext>) => {
    await queueDueAgendaRuns(ctx, new Date());
  },
});

export const agendaJobs: ModuleJobs<AppContext> = {
  jobs: [agendaRun, agendaRound],
  schedules: [defineSchedule({ name: 'notifications.agenda_round', cron: '*/5 * * * *', job: agendaRound })],
};
