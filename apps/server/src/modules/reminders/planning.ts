import type { ReminderReason, ReminderSettings } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { cancelJob, enqueueJob } from '../../platform/jobs.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { cancelQueuedMessagesIn } from '../messaging/outreach.service.js';
import {
  type AppointmentFacts,
  appointmentFactsIn,
  comingAppointmentFactsIn,
} from '../scheduling/appointment-facts.service.js';
import { SEND_JOB, sendKey } from './reminder-jobs.js';
import { dueAtOf, leadTimeAllows, ruleAppliesTo } from './reminder-rules.js';
import {
  type ReminderRow,
  insertReminders,
  lockRemindersOfMessages,
  replanReminders,
  selectRemindersOf,
  skipReminders,
  unsendReminders,
} from './reminders.repository.js';
import { reminderSettingsIn } from './settings.service.js';

/**
 * Planning: each booked or confirmed appointment with a patient gets one reminder per rule that
 * applies to its visit type, as a row (what became of it) and a job keyed by (appointment, rule)
 * due at start − offset. A move plans again (the job's key is the same, so the old time is
 * replaced, and the old start's row says `moved`); a cancellation or any status but booked and
 * confirmed leaves nothing planned. The sweep runs the same planning over the coming weeks, so a
 * missed announcement or a changed rule is repaired; a reminder already sent or skipped for a start
 * is never planned again (its row is the key). A reminder handed to messaging whose message still
 * waits in the outbox (Meta's daily messaging limit holds it) is taken back when its visit moves,
 * is cancelled or ends (withdrawWaiting).
 */

const ACTIVE = new Set(['booked', 'confirmed']);
/** The sweep also re-queues planned reminders due this soon (or overdue): a job lost is found again. */
const REPAIR_AHEAD_MS = 15 * 60_000;

export async function planAppointments(
  ctx: AppContext,
  input: {
    practiceId: string;
    appointmentIds: readonly string[];
    now: Date;
    /** When the appointment got its current start (a booking or a move just announced); default: its booking. */
    changedAt?: Date;
  },
): Promise<void> {
  await inPractice(ctx.db, input.practiceId, async (tx) => {
    const settings = await reminderSettingsIn(tx, input.practiceId);
    const facts = await appointmentFactsIn(tx, input.appointmentIds);
    const rows = await selectRemindersOf(tx, input.appointmentIds);
    for (const appointmentId of new Set(input.appointmentIds)) {
      await planOne(tx, {
        practiceId: input.practiceId,
        settings,
        appointmentId,
        appointment: facts.get(appointmentId),
        rows: rows.filter((r) => r.appointmentId === appointmentId),
        changedAt: input.changedAt,
        now: input.now,
        repair: false,
      });
    }
  });
}

/**
 * The sweep of one practice: every coming appointment within reach of a rule is planned as above,
 * and planned reminders falling due soon get their job again (replacing it if it is there).
 */
export async function replanPractice(ctx: AppContext, input: { practiceId: string; now: Date }): Promise<number> {
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const settings = await reminderSettingsIn(tx, input.practiceId);
    const reach = Math.max(24 * 60, ...settings.rules.map((r) => r.offsetMinutes));
    const coming = await comingAppointmentFactsIn(tx, {
      practiceId: input.practiceId,
      from: input.now,
      to: new Date(input.now.getTime() + (reach + 60) * 60_000),
    });
    const rows = await selectRemindersOf(
      tx,
      coming.map((a) => a.id),
    );
    const byAppointment = new Map<string, ReminderRow[]>();
    for (const r of rows) byAppointment.set(r.appointmentId, [...(byAppointment.get(r.appointmentId) ?? []), r]);
    let queued = 0;
    for (const appointment of coming) {
      queued += await planOne(tx, {
        practiceId: input.practiceId,
        settings,
        appointmentId: appointment.id,
        appointment,
        rows: byAppointment.get(appointment.id) ?? [],
        now: input.now,
        repair: true,
      });
    }
    return queued;
  });
}

/** Plans one appointment's reminders from its rows; returns how many jobs were queued. */
async function planOne(
  tx: Tx,
  input: {
    practiceId: string;
    settings: ReminderSettings;
    appointmentId: string;
    appointment: AppointmentFacts | undefined;
    rows: ReminderRow[];
    changedAt?: Date | undefined;
    now: Date;
    repair: boolean;
  },
): Promise<number> {
  const { settings, appointment: a, appointmentId, now } = input;
  const planned = input.rows.filter((r) => r.state === 'planned');
  const stop = async (rows: ReminderRow[], reason: ReminderReason) => {
    await skipReminders(
      tx,
      rows.map((r) => r.id),
      reason,
    );
    for (const r of rows) await cancelJob(tx, sendKey(appointmentId, r.offsetMinutes));
  };
  if (!a || !ACTIVE.has(a.status) || !a.patientId) {
    const reason = a?.status === 'cancelled' ? 'cancelled' : 'not_active';
    await stop(planned, reason);
    await withdrawWaiting(tx, { practiceId: input.practiceId, rows: input.rows, reason });
    // Skipped already (a death skips them in its own transaction): their jobs go too.
    for (const offset of new Set(input.rows.map((r) => r.offsetMinutes)))
      await cancelJob(tx, sendKey(appointmentId, offset));
    return 0;
  }
  const start = a.start.getTime();
  // Moved: what was planned for the old start will not go (its job is replaced or cancelled below).
  await skipReminders(
    tx,
    planned.filter((r) => r.appointmentStart.getTime() !== start).map((r) => r.id),
    'moved',
  );
  await withdrawWaiting(tx, {
    practiceId: input.practiceId,
    rows: input.rows.filter((r) => r.appointmentStart.getTime() !== start),
    reason: 'moved',
  });
  const rules = settings.enabled ? settings.rules.filter((r) => ruleAppliesTo(r, a.appointmentTypeId)) : [];
  const offsets = new Set(rules.map((r) => r.offsetMinutes));
  const current = planned.filter((r) => r.appointmentStart.getTime() === start);
  await stop(
    current.filter((r) => !offsets.has(r.offsetMinutes)),
    settings.enabled ? 'rule_removed' : 'disabled',
  );
  // Offsets of the old start's jobs that no rule plans again for the new start.
  for (const r of planned)
    if (r.appointmentStart.getTime() !== start && !offsets.has(r.offsetMinutes))
      await cancelJob(tx, sendKey(appointmentId, r.offsetMinutes));
  let queued = 0;
  const toInsert: Parameters<typeof insertReminders>[1] = [];
  for (const rule of rules) {
    const existing = input.rows.find(
      (r) => r.offsetMinutes === rule.offsetMinutes && r.appointmentStart.getTime() === start,
    );
    if (existing) {
      if (input.repair && existing.state === 'planned' && existing.dueAt.getTime() < now.getTime() + REPAIR_AHEAD_MS) {
        await queueSend(tx, input.practiceId, existing);
        queued += 1;
      }
      continue;
    }
    if (start <= now.getTime()) continue;
    const lead = leadTimeAllows(rule, a.start, input.changedAt ?? a.createdAt);
    toInsert.push({
      practiceId: input.practiceId,
      appointmentId,
      patientId: a.patientId,
      offsetMinutes: rule.offsetMinutes,
      appointmentStart: a.start,
      dueAt: dueAtOf(a.start, rule.offsetMinutes),
      state: lead ? 'planned' : 'skipped',
      reason: lead ? null : 'lead_time',
    });
  }
  for (const row of await insertReminders(tx, toInsert)) {
    if (row.state === 'planned') {
      await queueSend(tx, input.practiceId, row);
      queued += 1;
    } else await cancelJob(tx, sendKey(appointmentId, row.offsetMinutes));
  }
  return queued;
}

/**
 * Reminders sent for a start that no longer holds (moved, cancelled, no longer booked) whose
 * message has not gone yet (the daily messaging limit holds it): messaging takes the message back
 * (failed, `no_longer_applies`: never sent) and the reminders say why. A family's other visits
 * the same message named are planned again, to go in a message of their own at once.
 */
async function withdrawWaiting(
  tx: Tx,
  input: { practiceId: string; rows: readonly ReminderRow[]; reason: 'moved' | 'cancelled' | 'not_active' },
): Promise<void> {
  const sent = input.rows.filter((r) => r.state === 'sent' && r.channel === 'whatsapp' && r.messageId);
  if (sent.length === 0) return;
  const withdrawn = await cancelQueuedMessagesIn(
    tx,
    sent.map((r) => r.messageId!),
    'no_longer_applies',
  );
  if (withdrawn.length === 0) return;
  const carried = await lockRemindersOfMessages(tx, withdrawn);
  const changed = new Set(sent.map((r) => r.id));
  await unsendReminders(
    tx,
    carried.filter((r) => changed.has(r.id)).map((r) => r.id),
    input.reason,
  );
  const again = await replanReminders(
    tx,
    carried.filter((r) => !changed.has(r.id)).map((r) => r.id),
  );
  for (const row of again) await queueSend(tx, input.practiceId, row);
}

async function queueSend(tx: Tx, practiceId: string, row: ReminderRow) {
  await enqueueJob(
    tx,
    SEND_JOB,
    {
      practiceId,
      appointmentId: row.appointmentId,
      offsetMinutes: row.offsetMinutes,
      start: row.appointmentStart.toISOString(),
    },
    { key: sendKey(row.appointmentId, row.offsetMinutes), runAt: row.dueAt },
  );
}
