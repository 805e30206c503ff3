import { DASHBOARD_MAX_DAYS, type DashboardGranularity } from '@dentalpro/contracts';
import { addMonths, daysBetween, monthOf } from '../scheduling/list-dates';
import { addDays, mondayOf } from '../scheduling/zoned-time';

/** What the dashboard shows before anyone chooses: this week and the eleven before, or this month and the eleven before. */
export const PERIODS_SHOWN = 12;

export function defaultRange(today: string, granularity: DashboardGranularity): { from: string; to: string } {
  const from =
    granularity === 'week'
      ? addDays(mondayOf(today), -7 * (PERIODS_SHOWN - 1))
      : `${addMonths(monthOf(today), -(PERIODS_SHOWN - 1))}-01`;
  return { from, to: today };
}

/** Why a range cannot be shown ('order': ends before it starts; 'too_long': over the server's limit), or null. */
export function rangeProblem(from: string, to: string): 'order' | 'too_long' | null {
  if (to < from) return 'order';
  if (daysBetween(from, to) + 1 > DASHBOARD_MAX_DAYS) return 'too_long';
  return null;
}
