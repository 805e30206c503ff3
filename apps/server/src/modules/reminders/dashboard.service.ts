import {
  DASHBOARD_MAX_DAYS,
  type DashboardCounts,
  EMPTY_DASHBOARD_COUNTS,
  type RemindersDashboard,
  type RemindersDashboardQuery,
} from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { inPractice, practiceTimeZone } from '../../platform/tenancy.js';
import { dashboardPeriods, dayAfter, daysSpanned } from './dashboard-periods.js';
import {
  type DashboardScope,
  appointmentCountsByPeriod,
  recallCountsByPeriod,
  reminderCountsByPeriod,
  waitlistCountsByPeriod,
} from './dashboard.repository.js';

/**
 * GET …/reminders/dashboard: per week or month of the practice's calendar, reminders sent,
 * delivered, read and failed; appointments reminded and confirmed, due and missed; recall messages
 * sent and booked; waitlist offers made and accepted. Four grouped statements in one transaction
 * (reminders, appointments, recalls, waitlist offers), whatever the number of periods.
 */
export async function remindersDashboard(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    query: RemindersDashboardQuery & { granularity: 'week' | 'month' };
    now?: Date;
  },
): Promise<RemindersDashboard> {
  requirePermission(input.actor, 'dashboard:read');
  const { from, to, granularity, providerId, appointmentTypeId } = input.query;
  const span = daysSpanned(from, to);
  if (span < 1) throw new AppError('invalid_period', { detail: '`to` must not be before `from`' });
  if (span > DASHBOARD_MAX_DAYS)
    throw new AppError('invalid_period', { detail: `Ask for at most ${DASHBOARD_MAX_DAYS} days at a time` });
  const range = dashboardPeriods(from, to, granularity);
  const now = input.now ?? new Date();
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const timeZone = await practiceTimeZone(tx, input.practiceId);
    const scope: DashboardScope = {
      timeZone,
      granularity,
      from: range.from,
      to: range.to,
      providerId,
      appointmentTypeId,
    };
    const end = dayAfter(range.to);
    const reminders = await reminderCountsByPeriod(tx, scope, end);
    const appointments = await appointmentCountsByPeriod(tx, scope, end, now);
    const recalls = await recallCountsByPeriod(tx, scope);
    const offers = await waitlistCountsByPeriod(tx, scope, end);

    const byPeriod = new Map<string, DashboardCounts>(
      range.periods.map((p) => [p.start, { ...EMPTY_DASHBOARD_COUNTS }]),
    );
    const at = (period: string) => byPeriod.get(period) ?? { ...EMPTY_DASHBOARD_COUNTS };
    for (const r of reminders)
      Object.assign(at(r.period), {
        remindersSent: r.sent,
        remindersDelivered: r.delivered,
        remindersRead: r.read,
        remindersFailed: r.failed,
      });
    for (const a of appointments)
      Object.assign(at(a.period), {
        appointmentsReminded: a.reminded,
        appointmentsConfirmed: a.confirmed,
        appointmentsDue: a.due,
        noShows: a.noShows,
      });
    for (const r of recalls) Object.assign(at(r.period), { recallsSent: r.sent, recallsBooked: r.booked });
    for (const o of offers) Object.assign(at(o.period), { waitlistOffers: o.offered, waitlistAccepted: o.accepted });

    const periods = range.periods.map((p) => ({ ...p, ...at(p.start) }));
    const totals = { ...EMPTY_DASHBOARD_COUNTS };
    for (const p of periods) for (const key of Object.keys(totals) as (keyof DashboardCounts)[]) totals[key] += p[key];
    return { from: range.from, to: range.to, granularity, timeZone, periods, totals };
  });
}
