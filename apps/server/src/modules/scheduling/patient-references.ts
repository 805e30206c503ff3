import type { Tx } from '../../platform/tenancy.js';

/**
 * Re-points scheduling's rows from one patient to another, for the patients module's merge
 * (inside its transaction): appointments, waitlist entries and recalls. Where both patients have
 * an open recall of the same kind, the survivor's stays and the other is cancelled (one open
 * recall of a kind per patient).
 */
export async function movePatientReferences(tx: Tx, fromPatientId: string, toPatientId: string): Promise<void> {
  await tx.updateTable('appointments').set({ patientId: toPatientId, updatedAt: new Date() }).where('patientId', '=', fromPatientId).execute();
  await tx.updateTable('waitlistEntries').set({ patientId: toPatientId }).where('patientId', '=', fromPatientId).execute();
  await tx
    .updateTable('recalls')
    .set({ status: 'cancelled' })
    .where('patientId', '=', fromPatientId)
    .where('status', '=', 'due')
    .where('kind', 'in', (eb) => eb.selectFrom('recalls').select('kind').where('patientId', '=', toPatientId).where('status', '=', 'due'))
    .execute();
  await tx.updateTable('recalls').set({ patientId: toPatientId }).where('patientId', '=', fromPatientId).execute();
}
