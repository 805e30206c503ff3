import { type AlertNotice, type MedicalAlerts, MedicalAlertsInput } from '@dentalpro/contracts';
import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { type Actor, can, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { openTextForPractice, sealForPractice } from '../../platform/data-keys.js';
import { AppError, fieldErrorsOf } from '../../platform/errors.js';
import { type Tx, inPractice, practiceFactsIn } from '../../platform/tenancy.js';

/**
 * Medical alerts (allergies, conditions, medications): clinical data, sealed with the practice's
 * data key and bound to the patient (aad), so a database dump shows no alert text. Every read is
 * written to the audit trail: it appears in the patient's access log.
 */

export const alertsAad = (patientId: string) => `patient:${patientId}:alerts`;
const NO_ALERTS: MedicalAlerts = { allergies: [], conditions: [], medications: [] };

export async function sealAlerts(
  tx: Tx,
  masterKey: Buffer,
  practiceId: string,
  patientId: string,
  alerts: MedicalAlerts,
): Promise<Buffer | null> {
  const empty = !alerts.allergies.length && !alerts.conditions.length && !alerts.medications.length;
  return empty ? null : sealForPractice(tx, masterKey, practiceId, JSON.stringify(alerts), alertsAad(patientId));
}

export async function openAlerts(
  tx: Tx,
  masterKey: Buffer,
  practiceId: string,
  patientId: string,
  sealed: Buffer | null,
): Promise<MedicalAlerts> {
  if (!sealed) return NO_ALERTS;
  return JSON.parse(
    await openTextForPractice(tx, masterKey, practiceId, sealed, alertsAad(patientId)),
  ) as MedicalAlerts;
}

export async function getMedicalAlerts(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patientId: string },
): Promise<MedicalAlerts> {
  requirePermission(input.actor, 'clinical:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await sealedAlertsOf(tx, input.patientId);
    const alerts = await openAlerts(tx, ctx.config.encryptionKey, input.practiceId, row.id, row.alertsSealed);
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.alerts_viewed',
      targetType: 'patient',
      targetId: row.id,
    });
    return alerts;
  });
}

export async function replaceMedicalAlerts(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patientId: string; alerts: z.input<typeof MedicalAlertsInput> },
): Promise<MedicalAlerts> {
  requirePermission(input.actor, 'clinical:write');
  const parsed = MedicalAlertsInput.safeParse(input.alerts);
  if (!parsed.success) throw new AppError('validation_failed', { errors: fieldErrorsOf(parsed.error, input.alerts) });
  const alerts = parsed.data;
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await tx
      .selectFrom('patients')
      .select(['id', 'mergedIntoId'])
      .where('id', '=', input.patientId)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw new AppError('patient_not_found');
    if (row.mergedIntoId)
      throw new AppError('patient_already_merged', { detail: 'This record was merged into another; edit that one' });
    const sealed = await sealAlerts(tx, ctx.config.encryptionKey, input.practiceId, row.id, alerts);
    await tx
      .updateTable('patients')
      .set({ alertsSealed: sealed, updatedAt: new Date() })
      .where('id', '=', row.id)
      .execute();
    // Counts only: the audit trail is not encrypted.
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.alerts_updated',
      targetType: 'patient',
      targetId: row.id,
      changes: {
        allergies: alerts.allergies.length,
        conditions: alerts.conditions.length,
        medications: alerts.medications.length,
      },
    });
    return alerts;
  });
}

/**
 * Names (whole, and given and family apart) and whether medical alerts are on file, for a list of
 * patients in one query (the calendar's appointments, a provider's daily agenda): the flag only, so
 * listing a day opens no sealed text and logs no reading.
 */
export async function patientNamesAndAlertFlagsIn(
  tx: Tx,
  ids: string[],
): Promise<Map<string, { name: string; givenName: string; familyName: string; hasMedicalAlert: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('patients')
    .select(['id', 'givenName', 'familyName', (eb) => eb('alertsSealed', 'is not', null).as('hasMedicalAlert')])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        name: `${r.givenName} ${r.familyName}`,
        givenName: r.givenName,
        familyName: r.familyName,
        hasMedicalAlert: Boolean(r.hasMedicalAlert),
      },
    ]),
  );
}

/**
 * A patient's alerts as the calendar and booking show them: whether there are any, and, when asked
 * for, the details to clinical staff or to receptionists when the practice allows it (else null:
 * ask the dentist). Details given are a reading of the record, logged as on the patient's page.
 */
export async function getAlertNotice(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; patientId: string; withDetails: boolean },
): Promise<AlertNotice> {
  requirePermission(input.actor, 'patients:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await sealedAlertsOf(tx, input.patientId);
    if (!row.alertsSealed) return { hasAlerts: false, details: null };
    if (!input.withDetails) return { hasAlerts: true, details: null };
    if (!(await mayReadAlertDetails(tx, input.actor, input.practiceId))) return { hasAlerts: true, details: null };
    const details = await openAlerts(tx, ctx.config.encryptionKey, input.practiceId, row.id, row.alertsSealed);
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.alerts_viewed',
      targetType: 'patient',
      targetId: row.id,
    });
    return { hasAlerts: true, details };
  });
}

async function mayReadAlertDetails(tx: Tx, actor: Actor, practiceId: string): Promise<boolean> {
  if (can(actor, 'clinical:read')) return true;
  if (actor.role !== 'receptionist') return false;
  return (await practiceFactsIn(tx, practiceId))?.receptionistsSeeAlertDetails === true;
}

/** The patient's sealed alerts (null: none); an unknown patient is 404. */
async function sealedAlertsOf(tx: Tx, patientId: string) {
  const row = await tx
    .selectFrom('patients')
    .select(['id', 'alertsSealed'])
    .where('id', '=', patientId)
    .executeTakeFirst();
  if (!row) throw new AppError('patient_not_found');
  return row;
}
