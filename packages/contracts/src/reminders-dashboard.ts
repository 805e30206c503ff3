import { z } from 'zod';
import { Uuid } from './common.js';
import { CalendarDate } from './dates.js';

// The reminders dashboard (issue 13, Deliver 8): per week or month of the practice's own calendar,
// what the reminders, recall messages and waitlist offers did. Counts only: the rates are ratios of
// them (`dashboardRates`), so a chart and its table show the same numbers.

export const DASHBOARD_GRANULARITIES = ['week', 'month'] as const;
export const DashboardGranularity = z.enum(DASHBOARD_GRANULARITIES);
export type DashboardGranularity = z.infer<typeof DashboardGranularity>;

/** The longest range asked at once (two years of weeks is 105 bars). */
export const DASHBOARD_MAX_DAYS = 731;

/**
 * `from` and `to` are practice-local dates, both included; the server widens them to whole weeks
 * (Monday to Sunday) or whole months, so every period counts all of its days.
 */
export const RemindersDashboardQuery = z.object({
  from: CalendarDate,
  to: CalendarDate,
  granularity: DashboardGranularity.default('week'),
  /** Only this provider's appointments, and the recalls and waitlist offers naming them. */
  providerId: Uuid.optional(),
  /** Only this visit type's appointments, and the recalls and waitlist offers naming it. */
  appointmentTypeId: Uuid.optional(),
});
export type RemindersDashboardQuery = z.input<typeof RemindersDashboardQuery>;

const Count = z.number().int().min(0);

/**
 * What happened in one period:
 * - WhatsApp reminders, by when each was handed to WhatsApp: `remindersSent`; of those, `remindersDelivered`
 *   (delivered or read), `remindersRead` and `remindersFailed` as WhatsApp last reported them. A
 *   family's message carries each of its appointments' reminders: each counts.
 * - appointments, by their start: `appointmentsReminded` (at least one reminder sent, on WhatsApp or
 *   by email) and of those
 *   `appointmentsConfirmed` (confirmed at some point, by the patient's tap or by the desk);
 *   `appointmentsDue` (started already, neither cancelled nor a hold) and of those `noShows`.
 * - recall messages, by the day each went: `recallsSent`, and `recallsBooked` whose recall has
 *   been booked (or done) since.
 * - waitlist offers, by when each went: `waitlistOffers`, and `waitlistAccepted` that booked the time.
 */
export const DashboardCounts = z.object({
  remindersSent: Count,
  remindersDelivered: Count,
  remindersRead: Count,
  remindersFailed: Count,
  appointmentsReminded: Count,
  appointmentsConfirmed: Count,
  appointmentsDue: Count,
  noShows: Count,
  recallsSent: Count,
  recallsBooked: Count,
  waitlistOffers: Count,
  waitlistAccepted: Count,
});
export type DashboardCounts = z.infer<typeof DashboardCounts>;

export const DashboardPeriod = DashboardCounts.extend({
  /** The period's first day (a Monday, or the 1st of the month), practice-local. */
  start: z.string(),
  /** Its last day, included. */
  end: z.string(),
});
export type DashboardPeriod = z.infer<typeof DashboardPeriod>;

export const RemindersDashboard = z.object({
  /** The range counted, widened to whole periods. */
  from: z.string(),
  to: z.string(),
  granularity: DashboardGranularity,
  timeZone: z.string(),
  /** Every period of the range, oldest first, those with nothing in them too. */
  periods: z.array(DashboardPeriod),
  totals: DashboardCounts,
});
export type RemindersDashboard = z.infer<typeof RemindersDashboard>;

export const EMPTY_DASHBOARD_COUNTS: DashboardCounts = {
  remindersSent: 0,
  remindersDelivered: 0,
  remindersRead: 0,
  remindersFailed: 0,
  appointmentsReminded: 0,
  appointmentsConfirmed: 0,
  appointmentsDue: 0,
  noShows: 0,
  recallsSent: 0,
  recallsBooked: 0,
  waitlistOffers: 0,
  waitlistAccepted: 0,
};

/** A share from 0 to 1, or null when nothing was counted under it (no bar rather than a false 0 %). */
const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

/** The rates the dashboard shows, each a ratio of two counts. */
export function dashboardRates(c: DashboardCounts) {
  return {
    delivery: share(c.remindersDelivered, c.remindersSent),
    read: share(c.remindersRead, c.remindersSent),
    failure: share(c.remindersFailed, c.remindersSent),
    confirmation: share(c.appointmentsConfirmed, c.appointmentsReminded),
    noShow: share(c.noShows, c.appointmentsDue),
    recallConversion: share(c.recallsBooked, c.recallsSent),
    waitlistConversion: share(c.waitlistAccepted, c.waitlistOffers),
  };
}
export type DashboardRates = ReturnType<typeof dashboardRates>;
