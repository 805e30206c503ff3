import type { AppointmentReminder, AppointmentReminders, ReminderState } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { messageOutcomesIn } from '../messaging/outreach.service.js';
import { selectReminderEmails } from './reminder-emails.repository.js';
import { selectRemindersOf } from './reminders.repository.js';

export { getReminderSettings, reminderSettingsIn, saveReminderSettings } from './settings.service.js';

/**
 * What the rest of DentalPro asks of reminders: the settings (settings.service.ts), and what became
 * of each appointment's reminders, for the calendar. Planning, sending and replies run in the
 * background (reminders.jobs.ts).
 */

/**
 * Each appointment's reminders, in the caller's transaction, in one query each for the reminders
 * and their messages: planned, sent (then delivered, read or failed as Meta reported), or skipped
 * with the reason. Appointments without any are listed with none.
 */
export async function remindersOfAppointmentsIn(
  tx: Tx,
  appointmentIds: readonly string[],
): Promise<Map<string, AppointmentReminder[]>> {
  const rows = await selectRemindersOf(tx, appointmentIds);
  const outcomes = await messageOutcomesIn(
    tx,
    rows.flatMap((r) => (r.messageId ? [r.messageId] : [])),
  );
  const emails = await selectReminderEmails(
    tx,
    rows.filter((r) => r.channel === 'email').map((r) => r.id),
  );
  const result = new Map<string, AppointmentReminder[]>(appointmentIds.map((id) => [id, []]));
  for (const r of rows) {
    let state: ReminderState = r.state;
    let reason = r.reason;
    let at = r.stateAt;
    const outcome = r.messageId ? outcomes.get(r.messageId) : undefined;
    const email = r.channel === 'email' ? emails.get(r.id) : undefined;
    // By email after all (WhatsApp refused its message, kept for the desk): the email's state counts.
    if (!email && r.state === 'sent' && outcome && outcome.status !== 'queued' && outcome.status !== 'sent') {
      state = outcome.status;
      at = outcome.at ?? at;
      reason = outcome.status === 'failed' ? (outcome.failureReason ?? 'unknown') : null;
      // Never sent: it waited past its send-by time, held by the daily messaging limit or by WhatsApp's failures.
      if (outcome.status === 'failed' && outcome.failureReason === 'too_late') {
        state = 'skipped';
        reason = outcome.heldReason ? 'held_too_late' : 'too_late';
      }
    } else if (email) {
      // By email: sent once the mail server took it; a claim unanswered for 10 minutes was cut short (a crash).
      const stuck = email.state === 'sending' && Date.now() - email.stateAt.getTime() > 10 * 60_000;
      if (email.state === 'failed' || stuck) {
        state = 'failed';
        reason = stuck ? 'interrupted' : (email.reason ?? 'unknown');
      }
      at = email.state === 'queued' ? at : email.stateAt;
    }
    // Held back by Meta's daily messaging limit: it has not gone out yet, and goes at `at`.
    if (r.state === 'sent' && outcome?.status === 'queued' && outcome.heldUntil) {
      state = 'planned';
      reason = 'messaging_limit';
      at = outcome.heldUntil;
    }
    result.get(r.appointmentId)?.push({
      offsetMinutes: r.offsetMinutes,
      appointmentStart: r.appointmentStart.toISOString(),
      dueAt: r.dueAt.toISOString(),
      state,
      reason,
      at: at?.toISOString() ?? null,
      sharedWith: r.sharedWith,
      channel: r.channel,
    });
  }
  return result;
}

/** GET …/reminders/appointments?ids=…: the calendar's reminder marks for the appointments shown. */
export async function appointmentReminders(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; appointmentIds: readonly string[] },
): Promise<AppointmentReminders> {
  requirePermission(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const byAppointment = await remindersOfAppointmentsIn(tx, input.appointmentIds);
    return {
      items: [...new Set(input.appointmentIds)].map((appointmentId) => ({
        appointmentId,
        reminders: byAppointment.get(appointmentId) ?? [],
      })),
    };
  });
}
