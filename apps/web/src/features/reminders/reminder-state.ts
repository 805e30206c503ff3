import type { AppointmentReminder } from '@dentalpro/contracts';

/** The translation function, narrowed to what these sentences need (tests hand in any i18next instance). */
type Translate = (key: string, values?: Record<string, string | number>) => string;

/**
 * What the calendar shows of an appointment's reminders, in one mark: the latest reminder that
 * went out (sent, delivered, read; confirmed when the patient confirmed since; failed and why),
 * else the next one planned, else why the last one was not sent. Reminders planned for an earlier
 * start (the visit moved since) are history: the panel lists them, the mark ignores them.
 */
export type ReminderMarkKind = 'planned' | 'sent' | 'delivered' | 'read' | 'confirmed' | 'failed' | 'skipped';

export interface ReminderSummary {
  kind: ReminderMarkKind;
  /** The reminder the mark is about. */
  reminder: AppointmentReminder;
}

const WENT_OUT = new Set(['sent', 'delivered', 'read', 'failed']);

export function summariseReminders(
  appointment: { start: string; status: string },
  reminders: readonly AppointmentReminder[],
): ReminderSummary | null {
  const start = Date.parse(appointment.start);
  const current = reminders.filter((r) => Date.parse(r.appointmentStart) === start);
  const byDue = (a: AppointmentReminder, b: AppointmentReminder) => Date.parse(a.dueAt) - Date.parse(b.dueAt);
  const wentOut = current.filter((r) => WENT_OUT.has(r.state)).sort(byDue);
  const last = wentOut.at(-1);
  if (last) {
    if (last.state === 'failed') return { kind: 'failed', reminder: last };
    // A reply's Confirm (or the desk's, after the reminder) shows as the answer to the reminder.
    if (appointment.status === 'confirmed') return { kind: 'confirmed', reminder: last };
    return { kind: last.state as 'sent' | 'delivered' | 'read', reminder: last };
  }
  const next = current.filter((r) => r.state === 'planned').sort(byDue)[0];
  if (next) return { kind: 'planned', reminder: next };
  const skipped = current
    .filter((r) => r.state === 'skipped')
    .sort(byDue)
    .at(-1);
  if (skipped) return { kind: 'skipped', reminder: skipped };
  return null;
}

/**
 * Why a reminder was not sent or failed, in words. Skip reasons are the contract's
 * REMINDER_REASONS; failures carry WhatsApp's reason (messaging's codes): known ones have words,
 * others read as "WhatsApp refused it".
 */
export function reminderReasonText(reason: string | null, t: Translate): string {
  if (!reason) return t('reminders.reasons.unknown');
  return t(`reminders.reasons.${reason}`, { defaultValue: t('reminders.reasons.unknown') } as never);
}

/**
 * The mark's words: its accessible name and its tooltip, and the last part of the card's spoken
 * name. `when` formats an instant on the practice's clock.
 */
export function reminderMarkText(summary: ReminderSummary, t: Translate, when: (iso: string) => string): string {
  const r = summary.reminder;
  switch (summary.kind) {
    case 'planned':
      // Held back by Meta's daily messaging limit: when it goes instead.
      if (r.reason === 'messaging_limit') return t('reminders.mark.held', { when: when(r.at ?? r.dueAt) });
      return t('reminders.mark.planned', { when: when(r.dueAt) });
    case 'sent':
      if (r.channel === 'email') return t('reminders.mark.sentByEmail', { when: when(r.at ?? r.dueAt) });
      return t('reminders.mark.sent', { when: when(r.at ?? r.dueAt) });
    case 'delivered':
    case 'read':
    case 'confirmed':
      return t(`reminders.mark.${summary.kind}`, { when: when(r.at ?? r.dueAt) });
    case 'failed':
    case 'skipped':
      return t(`reminders.mark.${summary.kind}`, { reason: reminderReasonText(r.reason, t) });
  }
}

/** One reminder as the panel lists it: its state in words, with the time it reached it. */
export function reminderLineText(r: AppointmentReminder, t: Translate, when: (iso: string) => string): string {
  const offset = offsetText(r.offsetMinutes, t);
  switch (r.state) {
    case 'planned':
      if (r.reason === 'messaging_limit') return t('reminders.line.held', { offset, when: when(r.at ?? r.dueAt) });
      return t('reminders.line.planned', { offset, when: when(r.dueAt) });
    case 'sent':
      if (r.channel === 'email') return t('reminders.line.sentByEmail', { offset, when: when(r.at ?? r.dueAt) });
      return t('reminders.line.sent', { offset, when: when(r.at ?? r.dueAt) });
    case 'delivered':
    case 'read':
      return t(`reminders.line.${r.state}`, { offset, when: when(r.at ?? r.dueAt) });
    case 'failed':
    case 'skipped':
      return t(`reminders.line.${r.state}`, {
        offset,
        when: when(r.at ?? r.dueAt),
        reason: reminderReasonText(r.reason, t),
      });
  }
}

/** "1 day before", "2 h before", "1 day 3 h before", "45 min before". */
export function offsetText(minutes: number, t: Translate): string {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [
    ...(days ? [t('reminders.duration.days', { count: days })] : []),
    ...(hours ? [t('reminders.duration.hours', { count: hours })] : []),
    ...(rest ? [t('reminders.duration.minutes', { count: rest })] : []),
  ];
  return t('reminders.duration.before', { duration: parts.join(' ') || t('reminders.duration.minutes', { count: 0 }) });
}
