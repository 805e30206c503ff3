import { TZDate } from '@date-fns/tz';
import type { FieldError, QuietHours, ReminderRule, ReminderSettingsInput } from '@dentalpro/contracts';

/**
 * The rules of reminders, without the database: the defaults, what settings may be saved, which
 * rule applies to which visit, when a reminder is due, whether it may go now, and quiet hours.
 */

const DAY_MINUTES = 24 * 60;
/** A reminder goes at most two weeks ahead. */
export const MAX_OFFSET_MINUTES = 14 * DAY_MINUTES;
/** Two rules for the same visits must be at least this far apart (else a patient gets two messages at once). */
export const MIN_RULE_GAP_MINUTES = 30;

/** What a practice that never saved its settings has. */
export const DEFAULT_REMINDER_SETTINGS: ReminderSettingsInput = {
  enabled: true,
  rules: [
    { offsetMinutes: DAY_MINUTES, appointmentTypeIds: null, minLeadMinutes: DAY_MINUTES },
    { offsetMinutes: 120, appointmentTypeIds: null, minLeadMinutes: 0 },
  ],
  quietHours: { start: '20:00', end: '08:00' },
};

/** Field errors of settings (empty: they may be saved); `knownTypeIds` are the practice's visit types. */
export function settingsProblems(settings: ReminderSettingsInput, knownTypeIds: ReadonlySet<string>): FieldError[] {
  const errors: FieldError[] = [];
  settings.rules.forEach((rule, i) => {
    const path = `rules.${i}`;
    if (rule.offsetMinutes <= 0)
      errors.push({
        path: `${path}.offsetMinutes`,
        code: 'offset_not_positive',
        message: 'A reminder is sent before the appointment: the offset must be more than 0 minutes',
      });
    else if (rule.offsetMinutes > MAX_OFFSET_MINUTES)
      errors.push({
        path: `${path}.offsetMinutes`,
        code: 'offset_too_large',
        message: 'A reminder is sent at most 14 days before the appointment',
        params: { maximum: MAX_OFFSET_MINUTES },
      });
    (rule.appointmentTypeIds ?? []).forEach((id, j) => {
      if (!knownTypeIds.has(id))
        errors.push({
          path: `${path}.appointmentTypeIds.${j}`,
          code: 'unknown_visit_type',
          message: "Not one of the practice's visit types",
        });
    });
    for (let k = 0; k < i; k++) {
      const other = settings.rules[k]!;
      if (Math.abs(other.offsetMinutes - rule.offsetMinutes) < MIN_RULE_GAP_MINUTES && typesMeet(other, rule)) {
        errors.push({
          path: `${path}.offsetMinutes`,
          code: 'offsets_overlap',
          message: `Rule ${k + 1} already sends a reminder within ${MIN_RULE_GAP_MINUTES} minutes of this one for the same visits`,
        });
        break;
      }
    }
  });
  const quiet = settings.quietHours;
  if (quiet && quiet.start === quiet.end)
    errors.push({
      path: 'quietHours',
      code: 'quiet_hours_whole_day',
      message: 'Quiet hours that start and end at the same time leave no time to send reminders',
    });
  return errors;
}

/** Two rules apply to a visit type in common (null: every type). */
function typesMeet(a: ReminderRule, b: ReminderRule): boolean {
  if (!a.appointmentTypeIds || !b.appointmentTypeIds) return true;
  return a.appointmentTypeIds.some((id) => b.appointmentTypeIds!.includes(id));
}

export function ruleAppliesTo(rule: Pick<ReminderRule, 'appointmentTypeIds'>, appointmentTypeId: string): boolean {
  return rule.appointmentTypeIds === null || rule.appointmentTypeIds.includes(appointmentTypeId);
}

export const dueAtOf = (start: Date, offsetMinutes: number) => new Date(start.getTime() - offsetMinutes * 60_000);

/**
 * Whether a visit at `start`, booked (or moved there) at `bookedAt`, gets this rule's reminder:
 * not when it was booked less than the rule's lead time ahead.
 */
export function leadTimeAllows(rule: Pick<ReminderRule, 'minLeadMinutes'>, start: Date, bookedAt: Date): boolean {
  return start.getTime() - bookedAt.getTime() >= rule.minLeadMinutes * 60_000;
}

/**
 * A reminder whose time passed long ago (the server was down) is not sent late: after half its
 * offset (12 h for the day-before one, an hour for the 2-hour one) it would mislead more than help.
 */
export function tooLate(offsetMinutes: number, dueAt: Date, now: Date): boolean {
  return now.getTime() - dueAt.getTime() > (offsetMinutes * 60_000) / 2;
}

/** A reminder's message never goes this close to the visit's start (or half the rule's offset, when shorter). */
export const SEND_BY_MARGIN_MINUTES = 30;

/**
 * The last moment a reminder's message may go (messaging's send-by): the visit's start less 30
 * minutes, or less half the rule's offset when that is shorter (a 20-minute rule's reminder may go
 * up to 10 minutes late). Later than that the patient reads it on the way or in the waiting room,
 * with buttons to move or cancel a visit that is about to begin: however long Meta's daily
 * messaging limit held it, it is not sent.
 */
export function sendByOf(start: Date, offsetMinutes: number): Date {
  return new Date(start.getTime() - Math.min(SEND_BY_MARGIN_MINUTES, offsetMinutes / 2) * 60_000);
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * When the quiet hours around `at` end, or null when `at` is outside them. Times are the
 * practice's wall clock; an end before the start spans midnight (20:00–08:00).
 */
export function quietHoursEnd(at: Date, quiet: QuietHours | null, timeZone: string): Date | null {
  if (!quiet) return null;
  const local = new TZDate(at.getTime(), timeZone);
  const now = local.getHours() * 60 + local.getMinutes();
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return null;
  // The end today, or tomorrow when it is already past today's (the evening part of 20:00–08:00).
  let endsAt = new TZDate(
    local.getFullYear(),
    local.getMonth(),
    local.getDate(),
    Math.floor(end / 60),
    end % 60,
    0,
    timeZone,
  );
  if (endsAt.getTime() <= at.getTime())
    endsAt = new TZDate(
      local.getFullYear(),
      local.getMonth(),
      local.getDate() + 1,
      Math.floor(end / 60),
      end % 60,
      0,
      timeZone,
    );
  return new Date(endsAt.getTime());
}
