import {
  CLOSURE_ITEM_STATUSES,
  type ClosureAnnouncement,
  ClosureAnnouncementInput,
  type ClosureAnnouncementItem,
  type ClosureAnnouncementSummary,
  type ClosureCallReason,
  type ClosureItemStatus,
  type ClosurePreview,
  type ClosureReason,
} from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { enqueueJob } from '../../platform/jobs.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { type MessageOutcome, messageOutcomesIn } from '../messaging/outreach.service.js';
import { patientNamesIn } from '../patients/patients.service.js';
import { appointmentTypeNamesIn } from '../scheduling/appointment-types.service.js';
import { appointmentSummariesIn } from '../scheduling/appointments.service.js';
import { type AppointmentDuring, appointmentsDuringIn } from '../scheduling/appointment-facts.service.js';
import { createBlockIn, createClosureIn } from '../scheduling/unavailability.service.js';
import { ANNOUNCE_JOB, announceKey } from './closure-jobs.js';
import {
  type AnnouncementRow,
  type ItemRow,
  insertAnnouncement,
  insertItems,
  selectAnnouncement,
  selectAnnouncements,
  selectItems,
  setCalled,
} from './closure-announcements.repository.js';
import { cancelAffectedAppointments } from './closure-sending.js';

/**
 * Closing the practice (or one dentist's time) for a cyclone warning, a power cut, an illness: the
 * owner's one action (`closePractice`) blocks the calendar for the range (scheduling's closure, or a
 * block of the dentist's time), lists the booked appointments it meets, and queues the announcement
 * job that cancels them (reason "practice closed") and tells each patient on WhatsApp
 * (closure-sending.ts). The desk reads who was reached, replied, rebooked or needs a call, and
 * marks a patient called.
 */

interface Caller {
  actor: Actor;
  practiceId: string;
}

const DAY_MS = 86_400_000;

/** What the owner's range would touch, before closing. */
export async function previewClosure(
  ctx: AppContext,
  input: Caller & { closure: ClosureAnnouncementInput },
): Promise<ClosurePreview> {
  requirePermission(input.actor, 'schedule:manage');
  const closure = checkedClosure(input.closure, new Date());
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const affected = await affectedIn(tx, input.practiceId, closure);
    const names = await patientNamesIn(
      tx,
      affected.map((a) => a.patientId),
    );
    return { appointments: affected.map((a) => affectedView(a, names)) };
  });
}

/**
 * Closes and announces: the closure (or the dentist's block), the announcement with every affected
 * appointment, and its job, in one transaction; then the appointments are cancelled at once (the
 * job does it again for any left, before sending), so the calendar shows them freed straight away.
 */
export async function closePractice(
  ctx: AppContext,
  input: Caller & { closure: ClosureAnnouncementInput },
): Promise<ClosureAnnouncement> {
  requirePermission(input.actor, 'schedule:manage');
  const closure = checkedClosure(input.closure, new Date());
  const { practiceId, actor } = input;
  const announcementId = await inPractice(ctx.db, practiceId, async (tx) => {
    const window = { start: closure.start.toISOString(), end: closure.end.toISOString() };
    const calendarNote = closure.note
      ? `${REASON_LABELS[closure.reason]}: ${closure.note}`
      : REASON_LABELS[closure.reason];
    let closureId: string | null = null;
    let blockId: string | null = null;
    if (closure.providerId) {
      const block = await createBlockIn(tx, {
        actor,
        practiceId,
        block: { providerId: closure.providerId, chairId: null, ...window, kind: 'leave', note: calendarNote },
      });
      blockId = block.id;
    } else {
      closureId = (await createClosureIn(tx, { actor, practiceId, closure: { ...window, reason: calendarNote } })).id;
    }
    const announcement = await insertAnnouncement(tx, {
      practiceId,
      start: closure.start,
      end: closure.end,
      reason: closure.reason,
      note: closure.note,
      providerId: closure.providerId,
      closureId,
      blockId,
      createdBy: actor.userId,
    });
    const affected = await affectedIn(tx, practiceId, closure);
    await insertItems(
      tx,
      affected.map((a) => ({
        practiceId,
        announcementId: announcement.id,
        appointmentId: a.id,
        patientId: a.patientId,
        appointmentTypeId: a.appointmentTypeId,
        providerId: a.providerId,
        startsAt: a.start,
      })),
    );
    await recordAudit(tx, {
      practiceId,
      actor,
      action: 'closure.announced',
      targetType: closureId ? 'closure' : 'block',
      targetId: (closureId ?? blockId)!,
      // Codes, times and counts only: the note is free text.
      changes: {
        announcementId: announcement.id,
        start: window.start,
        end: window.end,
        reason: closure.reason,
        providerId: closure.providerId,
        appointments: affected.length,
      },
    });
    await enqueueJob(
      tx,
      ANNOUNCE_JOB,
      { practiceId, announcementId: announcement.id },
      {
        key: announceKey(announcement.id),
      },
    );
    return announcement.id;
  });
  await cancelAffectedAppointments(ctx, { practiceId, announcementId, actor });
  return getClosureAnnouncement(ctx, { actor, practiceId, announcementId });
}

export async function getClosureAnnouncement(
  ctx: AppContext,
  input: Caller & { announcementId: string },
): Promise<ClosureAnnouncement> {
  requirePermission(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const announcement = await selectAnnouncement(tx, input.announcementId);
    if (!announcement) throw new AppError('closure_announcement_not_found');
    const [view] = await announcementViews(tx, [announcement], true);
    return view as ClosureAnnouncement;
  });
}

/** Announcements whose range ends after `from` (default: 30 days ago) and starts before `to`, newest first. */
export async function listClosureAnnouncements(
  ctx: AppContext,
  input: Caller & { from?: string; to?: string },
): Promise<ClosureAnnouncementSummary[]> {
  requirePermission(input.actor, 'calendar:read');
  const from = input.from ? new Date(input.from) : new Date(Date.now() - 30 * DAY_MS);
  const to = input.to ? new Date(input.to) : null;
  if (to && to < from) throw new AppError('invalid_period', { detail: '"to" must not be before "from"' });
  return inPractice(ctx.db, input.practiceId, async (tx) =>
    announcementViews(tx, await selectAnnouncements(tx, { from, to }), false),
  );
}

/** The desk's call to a patient: marked (or unmarked) on the appointment's line, audited. */
export async function markClosureItemCalled(
  ctx: AppContext,
  input: Caller & { announcementId: string; itemId: string; called: boolean },
): Promise<ClosureAnnouncementItem> {
  requirePermission(input.actor, 'calendar:write');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const announcement = await selectAnnouncement(tx, input.announcementId);
    const row = await setCalled(tx, {
      id: input.itemId,
      announcementId: input.announcementId,
      at: input.called ? new Date() : null,
      by: input.actor.userId,
    });
    if (!row || !announcement)
      throw new AppError('closure_announcement_not_found', { detail: 'No such appointment in the announcement' });
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: input.called ? 'closure.patient_called' : 'closure.call_unmarked',
      targetType: announcement.closureId ? 'closure' : 'block',
      targetId: (announcement.closureId ?? announcement.blockId)!,
      changes: { announcementId: announcement.id, appointmentId: row.appointmentId, patientId: row.patientId },
    });
    const [view] = await itemViews(tx, [row]);
    return view!;
  });
}

/**
 * The booked or confirmed appointments the range meets that have not started yet: one already under
 * way (a power cut at 10:00 announced at 11:00) is the desk's to settle, not a patient to message.
 */
async function affectedIn(tx: Tx, practiceId: string, closure: ReturnType<typeof checkedClosure>) {
  const now = Date.now();
  return (await appointmentsDuringIn(tx, { practiceId, ...closure })).filter((a) => a.start.getTime() >= now);
}

/** The owner's range as instants, checked: the end after the start, and not already over. */
function checkedClosure(input: ClosureAnnouncementInput, now: Date) {
  const parsed = ClosureAnnouncementInput.parse(input);
  const start = new Date(parsed.start);
  const end = new Date(parsed.end);
  if (end <= start) throw new AppError('invalid_period', { detail: 'The end must be after the start' });
  if (end <= now) throw new AppError('in_the_past', { detail: 'The range is over already' });
  if (end.getTime() - start.getTime() > 31 * DAY_MS)
    throw new AppError('invalid_period', { detail: 'A closure announcement covers at most 31 days' });
  return { start, end, reason: parsed.reason, note: parsed.note, providerId: parsed.providerId };
}

/** The closure's words in the calendar (staff read them; the patients' template has its own). */
const REASON_LABELS: Record<ClosureReason, string> = {
  weather: 'Closed: cyclone or weather warning',
  power_cut: 'Closed: power cut',
  dentist_ill: 'Dentist unwell',
  other: 'Closed',
};

function affectedView(a: AppointmentDuring, names: Map<string, string>) {
  return {
    appointmentId: a.id,
    patientId: a.patientId,
    patientName: names.get(a.patientId) ?? '',
    start: a.start.toISOString(),
    end: a.end.toISOString(),
    providerId: a.providerId,
    providerName: a.providerName,
    appointmentTypeName: a.appointmentTypeName,
  };
}

/**
 * Where one affected appointment stands (the contract's order): rebooked, called, needs a call (not
 * messaged, failed, or asked), replied, else the message as WhatsApp reports it.
 */
export function itemStatus(
  item: Pick<ItemRow, 'state' | 'reason' | 'reply' | 'rebookedAppointmentId' | 'calledAt'>,
  outcome: MessageOutcome | undefined,
): { status: ClosureItemStatus; callReason: ClosureCallReason | null } {
  if (item.rebookedAppointmentId) return { status: 'rebooked', callReason: null };
  if (item.calledAt) return { status: 'called', callReason: null };
  if (item.state === 'not_messaged') return { status: 'needs_call', callReason: item.reason as ClosureCallReason };
  if (item.reply === 'call_me') return { status: 'needs_call', callReason: 'asked_to_be_called' };
  if (item.reply === 'new_time') return { status: 'replied', callReason: null };
  if (outcome?.status === 'failed') return { status: 'needs_call', callReason: 'message_failed' };
  if (item.state === 'pending' || !outcome) return { status: 'queued', callReason: null };
  return { status: outcome.status, callReason: null };
}

async function itemViews(tx: Tx, rows: readonly ItemRow[]): Promise<ClosureAnnouncementItem[]> {
  const outcomes = await messageOutcomesIn(
    tx,
    rows.flatMap((r) => (r.messageId ? [r.messageId] : [])),
  );
  const names = await patientNamesIn(
    tx,
    rows.map((r) => r.patientId),
  );
  const appointments = await appointmentSummariesIn(
    tx,
    rows.map((r) => r.appointmentId),
  );
  const types = await appointmentTypeNamesOf(tx, rows);
  return rows.map((r) => {
    const outcome = r.messageId ? outcomes.get(r.messageId) : undefined;
    const appointment = appointments.get(r.appointmentId);
    return {
      itemId: r.id,
      appointmentId: r.appointmentId,
      patientId: r.patientId,
      patientName: names.get(r.patientId) ?? '',
      start: r.startsAt.toISOString(),
      end: (appointment?.end ?? r.startsAt).toISOString(),
      providerId: r.providerId,
      providerName: appointment?.providerName ?? '',
      appointmentTypeName: types.get(r.appointmentId) ?? { en: '', fr: '' },
      ...itemStatus(r, outcome),
      failureReason: outcome?.status === 'failed' ? (outcome.failureReason ?? null) : null,
      reply: r.reply,
      repliedAt: r.repliedAt?.toISOString() ?? null,
      rebookedAppointmentId: r.rebookedAppointmentId,
      rebookedAt: r.rebookedAt?.toISOString() ?? null,
      calledAt: r.calledAt?.toISOString() ?? null,
    };
  });
}

/** The visit types' names, by appointment. */
async function appointmentTypeNamesOf(tx: Tx, rows: readonly ItemRow[]) {
  const types = await appointmentTypeNamesIn(
    tx,
    rows.map((r) => r.appointmentTypeId),
  );
  return new Map(
    rows.flatMap((r) => {
      const type = types.get(r.appointmentTypeId);
      return type ? [[r.appointmentId, type] as const] : [];
    }),
  );
}

async function announcementViews(
  tx: Tx,
  announcements: readonly AnnouncementRow[],
  withItems: boolean,
): Promise<(ClosureAnnouncementSummary | ClosureAnnouncement)[]> {
  const rows = await selectItems(
    tx,
    announcements.map((a) => a.id),
  );
  const items = await itemViews(tx, rows);
  return announcements.map((a) => {
    const own = items.filter((_, i) => rows[i]!.announcementId === a.id);
    const counts = Object.fromEntries(CLOSURE_ITEM_STATUSES.map((s) => [s, 0])) as Record<ClosureItemStatus, number>;
    for (const item of own) counts[item.status]++;
    return {
      id: a.id,
      start: a.startsAt.toISOString(),
      end: a.endsAt.toISOString(),
      reason: a.reason,
      note: a.note,
      providerId: a.providerId,
      createdAt: a.createdAt.toISOString(),
      counts,
      total: own.length,
      ...(withItems ? { items: own } : {}),
    };
  });
}
