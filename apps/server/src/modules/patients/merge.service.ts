import type { MedicalAlerts, Patient, PatientPhone } from '@dentalpro/contracts';
import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { publishEvent } from '../../platform/jobs.js';
import { openAlerts, sealAlerts } from './alerts.service.js';
import { patientsMerged } from './patients.events.js';
import {
  type PatientRow,
  removeSearchWords,
  replacePhones,
  selectPatientRow,
  selectPhones,
  toPatient,
} from './patients.repository.js';

/** Every record a merge changes moves on a version, so an edit started before the merge is refused (patient_changed). */
const nextVersion = sql<number>`version + 1`;

/** Fields the survivor takes from the merged record when its own are empty. */
const FILLABLE = ['preferredName', 'dateOfBirth', 'email', 'address', 'notes'] as const;

/**
 * merge: lock both → check → each data owner moves its rows → move phones (no repeats) → fill
 * the survivor's empty fields → leave the merged record archived, pointing at the survivor →
 * audit → announce. One transaction: all of it or none of it.
 */
export async function mergePatient(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    patientId: string;
    intoPatientId: string;
  },
): Promise<{ survivor: Patient; mergedPatientId: string }> {
  requirePermission(input.actor, 'patients:merge');
  if (input.patientId === input.intoPatientId)
    throw new AppError('patient_merge_invalid', { detail: 'A patient cannot be merged into itself' });
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const { merged, survivor } = await lockPair(tx, input.patientId, input.intoPatientId);
    for (const owner of ctx.dataOwners) {
      await owner.movePatient(tx, { practiceId: input.practiceId, fromPatientId: merged.id, toPatientId: survivor.id });
    }
    await moveGuardianships(tx, merged.id, survivor.id);
    await movePhones(tx, input.practiceId, merged.id, survivor.id);
    const filled = await fillEmptyFields(ctx, tx, input.practiceId, merged, survivor);
    await tx
      .updateTable('patients')
      .set({ status: 'archived', mergedIntoId: survivor.id, updatedAt: new Date(), version: nextVersion })
      .where('id', '=', merged.id)
      .execute();
    // Records merged into this one earlier now point straight at the survivor.
    await tx
      .updateTable('patients')
      .set({ mergedIntoId: survivor.id, version: nextVersion })
      .where('mergedIntoId', '=', merged.id)
      .execute();
    await removeSearchWords(tx, merged.id);
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'patient.merged',
      targetType: 'patient',
      targetId: merged.id,
      changes: { mergedPatientId: merged.id, intoPatientId: survivor.id, filledFields: filled },
    });
    await publishEvent(tx, patientsMerged, {
      practiceId: input.practiceId,
      mergedPatientId: merged.id,
      survivorPatientId: survivor.id,
    });
    const row = await selectPatientRow(tx, survivor.id);
    return { survivor: toPatient(row!, await selectPhones(tx, survivor.id)), mergedPatientId: merged.id };
  });
}

/** Both rows locked in id order (two merges of the same pair wait instead of deadlocking). */
async function lockPair(tx: Tx, mergedId: string, survivorId: string) {
  const rows = await tx
    .selectFrom('patients')
    .selectAll()
    .where('id', 'in', [mergedId, survivorId])
    .orderBy('id')
    .forUpdate()
    .execute();
  const merged = rows.find((r) => r.id === mergedId);
  const survivor = rows.find((r) => r.id === survivorId);
  if (!merged || !survivor) throw new AppError('patient_not_found');
  if (merged.mergedIntoId)
    throw new AppError('patient_already_merged', { detail: 'This patient was already merged into another record' });
  if (survivor.mergedIntoId)
    throw new AppError('patient_already_merged', {
      detail: 'The surviving record was itself merged into another; merge into that one',
    });
  return { merged, survivor };
}

async function moveGuardianships(tx: Tx, fromId: string, toId: string) {
  await tx
    .updateTable('patients')
    .set({ guardianPatientId: toId, version: nextVersion })
    .where('guardianPatientId', '=', fromId)
    .where('id', '<>', toId)
    .execute();
  // The survivor cannot be its own guardian.
  await tx
    .updateTable('patients')
    .set({ guardianPatientId: null, version: nextVersion })
    .where('id', '=', toId)
    .where('guardianPatientId', '=', fromId)
    .execute();
}

/** The survivor's numbers first, then the merged record's new ones; its WhatsApp number wins. */
async function movePhones(tx: Tx, practiceId: string, fromId: string, toId: string) {
  const [mine, theirs] = await Promise.all([selectPhones(tx, toId), selectPhones(tx, fromId)]);
  const hasWhatsApp = mine.some((p) => p.isWhatsApp);
  const added: PatientPhone[] = theirs
    .filter((t) => !mine.some((m) => m.e164 === t.e164))
    .map((t) => ({ ...t, isWhatsApp: t.isWhatsApp && !hasWhatsApp }));
  await tx.deleteFrom('patientPhones').where('patientId', '=', fromId).execute();
  if (added.length) await replacePhones(tx, practiceId, toId, [...mine, ...added].slice(0, 10));
}

async function fillEmptyFields(
  ctx: AppContext,
  tx: Tx,
  practiceId: string,
  merged: PatientRow,
  survivor: PatientRow,
): Promise<string[]> {
  const set: Partial<Record<string, unknown>> = {};
  for (const field of FILLABLE) if (!survivor[field] && merged[field]) set[field] = merged[field];
  if (survivor.sex === 'unknown' && merged.sex !== 'unknown') set.sex = merged.sex;
  if (!survivor.guardianPatientId && !survivor.guardianName) {
    if (merged.guardianPatientId && merged.guardianPatientId !== survivor.id)
      set.guardianPatientId = merged.guardianPatientId;
    else if (merged.guardianName)
      Object.assign(set, {
        guardianName: merged.guardianName,
        guardianPhone: merged.guardianPhone,
        guardianRelationship: merged.guardianRelationship,
      });
  }
  // Alerts are combined, never dropped: a lost allergy is dangerous. Re-sealed for the survivor.
  if (merged.alertsSealed) {
    const key = ctx.config.encryptionKey;
    const theirs = await openAlerts(tx, key, practiceId, merged.id, merged.alertsSealed);
    const mine = await openAlerts(tx, key, practiceId, survivor.id, survivor.alertsSealed);
    const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];
    const combined: MedicalAlerts = {
      allergies: union(mine.allergies, theirs.allergies),
      conditions: union(mine.conditions, theirs.conditions),
      medications: union(mine.medications, theirs.medications),
    };
    set.alertsSealed = await sealAlerts(tx, key, practiceId, survivor.id, combined);
  }
  const filled = Object.keys(set);
  await tx
    .updateTable('patients')
    .set({ ...set, updatedAt: new Date(), version: nextVersion })
    .where('id', '=', survivor.id)
    .execute();
  return filled;
}
