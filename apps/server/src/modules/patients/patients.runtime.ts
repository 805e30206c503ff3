import type { AppContext } from '../../context.js';
import { type Pump, startPump } from '../../platform/pump.js';
import { practicesWithUncountedWords, refreshNameWordCounts } from './patients.repository.js';

/** How often the background count looks for name words not counted yet. */
const COUNT_EVERY_MS = 10 * 60_000;

/**
 * Background counting of name words (see refreshNameWordCounts): practices with words added
 * since their last count are counted again, whole. Imports count at once; patients created one
 * by one wait for this. Any number of processes may run it: counts are idempotent.
 */
export function startNameWordCounting(ctx: AppContext): Pump {
  return startPump({
    name: 'patient-name-counts',
    logger: ctx.logger,
    idleMs: COUNT_EVERY_MS,
    run: async () => {
      for (const practiceId of await practicesWithUncountedWords(ctx.db))
        await refreshNameWordCounts(ctx.db, practiceId);
      return 0;
    },
  });
}
