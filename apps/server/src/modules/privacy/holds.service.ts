import type { LegalHold, LegalHoldInput } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice, practiceTimeZone } from '../../platform/tenancy.js';
import { findPatientIn, patientNamesIn } from '../patients/patients.service.js';
import { staffNamesIn } from '../staff/staff.service.js';
import {
  closeEndedHold,
  heldPatientIds,
  holdInForce,
  insertHold,
  liftHold,
  lockPatientHolds,
  selectHold,
  selectHolds,
} from './holds.repository.js';
import { localDate } from './retention.rules.js';

/**
 * Legal holds: an owner (privacy:manage) sets one on a patient with a reason, and optionally the
 * last day it holds; while it holds, the retention job purges nothing of that patient and a
 * deletion request erases nothing (409 legal_hold_active). Lifting takes a reason too. Both are
 * audited by ids only: the reasons are staff's words and may name people, so they stay in the
 * hold's row, which only owners read.
 */

/** The practice's calendar date now: a hold holds through its end date, in the practice's time zone. */
export async function practiceToday(tx: Tx, practiceId: string, now: Date): Promise<string> {
  return localDate(now, await practiceTimeZone(tx, practiceId));
}

/** The patients under a hold in force, for the retention job and the report (in the caller's transaction). */
export async function heldPatientIdsIn(tx: Tx, practiceId: string, now: Date): Promise<string[]> {
  return heldPatientIds(tx, await practiceToday(tx, practiceId, now));
}

/**
 * Refuses (409 legal_hold_active) when the patient is under a hold in force; takes the patient's
 * hold lock first, so no hold can be set until the caller's transaction ends.
 */
export async function assertNoHoldIn(tx: Tx, input: { practiceId: string; patientId: string; now: Date }) {
  await lockPatientHolds(tx, input.patientId);
  const hold = await holdInForce(tx, input.patientId, await practiceToday(tx, input.practiceId, input.now));
  if (hold)
    throw new AppError('legal_hold_active', {
      detail: hold.endsOn
        ? `This patient's data is under a legal hold until ${hold.endsOn}: nothing of it may be erased until then or until the hold is lifted`
        : "This patient's data is under a legal hold: nothing of it may be erased until the hold is lifted",
      extra: { holdId: hold.id, endsOn: hold.endsOn },
    });
}

type HoldRow = Awaited<ReturnType<typeof selectHolds>>[number];

async function toHolds(tx: Tx, rows: HoldRow[]): Promise<LegalHold[]> {
  const patients = await patientNamesIn(
    tx,
    rows.map((r) => r.patientId),
  );
  const staff = await staffNamesIn(
    tx,
    rows.flatMap((r) => [r.setBy, r.liftedBy]).filter((id): id is string => id !== null),
  );
  return rows.map((r) => ({
    id: r.id,
    patientId: r.patientId,
    patientName: patients.get(r.patientId) ?? null,
    reason: r.reason,
    endsOn: r.endsOn,
    setAt: r.setAt.toISOString(),
    setBy: r.setBy,
    setByName: (r.setBy && staff.get(r.setBy)?.name) ?? null,
    liftedAt: r.liftedAt?.toISOString() ?? null,
    liftedBy: r.liftedBy,
    liftedByName: (r.liftedBy && staff.get(r.liftedBy)?.name) ?? null,
    liftReason: r.liftReason,
    active: r.active,
  }));
}

export async function listLegalHolds(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patientId?: string; all?: boolean; now?: Date },
): Promise<LegalHold[]> {
  requirePermission(input.actor, 'privacy:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const today = await practiceToday(tx, input.practiceId, input.now ?? new Date());
    const rows = await selectHolds(tx, {
      today,
      all: input.all ?? false,
      ...(input.patientId ? { patientId: input.patientId } : {}),
    });
    return toHolds(tx, rows);
  });
}

export async function setLegalHold(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; hold: LegalHoldInput; now?: Date },
): Promise<LegalHold> {
  requirePermission(input.actor, 'privacy:manage');
  const { practiceId, hold } = input;
  const now = input.now ?? new Date();
  return inPractice(ctx.db, practiceId, async (tx) => {
    // Row-level security: a patient of another practice is not found either.
    const patient = await findPatientIn(tx, hold.patientId);
    if (!patient) throw new AppError('patient_not_found');
    await lockPatientHolds(tx, hold.patientId);
    const today = await practiceToday(tx, practiceId, now);
    if (hold.endsOn && hold.endsOn < today)
      throw new AppError('validation_failed', {
        detail: 'The end date has passed',
        errors: [{ path: 'endsOn', code: 'date_out_of_range', message: 'The end date has passed' }],
      });
    const existing = await holdInForce(tx, hold.patientId, today);
    if (existing)
      throw new AppError('legal_hold_active', {
        detail: 'This patient is already under a legal hold: lift it first to set another',
        extra: { holdId: existing.id, endsOn: existing.endsOn },
      });
    await closeEndedHold(tx, hold.patientId, today);
    const row = await insertHold(tx, {
      practiceId,
      patientId: hold.patientId,
      reason: hold.reason,
      endsOn: hold.endsOn ?? null,
      userId: input.actor.userId,
    });
    await recordAudit(tx, {
      practiceId,
      actor: input.actor,
      action: 'privacy.legal_hold_set',
      targetType: 'patient',
      targetId: hold.patientId,
      changes: { holdId: row.id, endsOn: row.endsOn },
    });
    return (await toHolds(tx, [{ ...row, active: true }]))[0]!;
  });
}

export async function liftLegalHold(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; holdId: string; reason: string; now?: Date },
): Promise<LegalHold> {
  requirePermission(input.actor, 'privacy:manage');
  const { practiceId } = input;
  return inPractice(ctx.db, practiceId, async (tx) => {
    const today = await practiceToday(tx, practiceId, input.now ?? new Date());
    const hold = await selectHold(tx, input.holdId, today, { forUpdate: true });
    if (!hold) throw new AppError('legal_hold_not_found');
    if (hold.liftedAt) throw new AppError('legal_hold_lifted', { detail: 'This hold was lifted already' });
    await liftHold(tx, { holdId: hold.id, reason: input.reason, userId: input.actor.userId });
    await recordAudit(tx, {
      practiceId,
      actor: input.actor,
      action: 'privacy.legal_hold_lifted',
      targetType: 'patient',
      targetId: hold.patientId,
      changes: { holdId: hold.id },
    });
    const after = await selectHold(tx, hold.id, today);
    return (await toHolds(tx, [after!]))[0]!;
  });
}
