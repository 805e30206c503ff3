import type { ReminderRule } from '@dentalpro/contracts';

/**
 * A reminder rule as the settings form edits it: the offset in days and hours, the notice in
 * hours, as typed. Minutes that do not make whole hours (a rule saved through the API) are kept
 * as they were, so saving the form changes nothing it does not show.
 */
export interface RuleDraft {
  /** Stable across edits, for React and for the fields' ids. */
  key: string;
  days: string;
  hours: string;
  /** The offset's minutes beyond whole hours, kept. */
  offsetRest: number;
  allTypes: boolean;
  typeIds: string[];
  leadHours: string;
  leadRest: number;
}

let counter = 0;
const nextKey = () => `reminder-rule-${++counter}`;

export function draftOf(rule: ReminderRule): RuleDraft {
  return {
    key: nextKey(),
    days: String(Math.floor(rule.offsetMinutes / 1440)),
    hours: String(Math.floor((rule.offsetMinutes % 1440) / 60)),
    offsetRest: rule.offsetMinutes % 60,
    allTypes: rule.appointmentTypeIds === null,
    typeIds: rule.appointmentTypeIds ?? [],
    leadHours: String(Math.floor(rule.minLeadMinutes / 60)),
    leadRest: rule.minLeadMinutes % 60,
  };
}

/** A whole number typed in a field; anything else is sent as it reads, for the server to refuse. */
const whole = (text: string) => (text.trim() === '' ? 0 : Number(text));

export function inputOf(draft: RuleDraft): ReminderRule {
  return {
    offsetMinutes: whole(draft.days) * 1440 + whole(draft.hours) * 60 + draft.offsetRest,
    appointmentTypeIds: draft.allTypes ? null : draft.typeIds,
    minLeadMinutes: whole(draft.leadHours) * 60 + draft.leadRest,
  };
}

/**
 * A new rule: the first of 3 days, 4 hours, 1 hour and 30 minutes before that no rule already
 * sends near (30 minutes apart, as the server asks), for every visit type, no notice needed.
 */
export function newRuleDraft(existing: readonly RuleDraft[]): RuleDraft {
  const taken = existing.map((d) => inputOf(d).offsetMinutes);
  const offset = [3 * 1440, 4 * 60, 60, 30, 6 * 60, 2 * 1440].find((o) => taken.every((t) => Math.abs(t - o) >= 30));
  return draftOf({ offsetMinutes: offset ?? 4 * 60, appointmentTypeIds: null, minLeadMinutes: 0 });
}
