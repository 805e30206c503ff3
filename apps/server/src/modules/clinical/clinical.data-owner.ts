import { type DataOwner, notImplemented } from '../../platform/data-owners.js';
import type { Tx } from '../../platform/tenancy.js';

/**
 * Clinical records (chart findings, treatment plans, notes, attachments) follow a merged patient
 * to the survivor. A death changes nothing here: the record is kept as the law requires.
 */
export const clinicalDataOwner: DataOwner = {
  module: 'clinical',
  movePatient: async (tx, { fromPatientId, toPatientId }) =>
    void (await moveClinicalReferences(tx, fromPatientId, toPatientId)),
  onPatientDeceased: async () => undefined,
  exportPatient: () => notImplemented("The clinical export of a patient's data"),
  erasePatient: () => notImplemented("The clinical erasure of a patient's data"),
  retention: () => notImplemented('Clinical retention rules'),
};

/**
 * For a patient merge (patients module), inside its practice-bound transaction: moves the chart,
 * treatment plans, clinical notes (signed ones too: the database lets only patient_id change)
 * and attachments of the merged patient to the surviving one. Sealed values stay valid: their
 * aad names the row, not the patient. Returns how many rows of each moved, for the audit event.
 */
export async function moveClinicalReferences(tx: Tx, fromPatientId: string, toPatientId: string) {
  const move = async (table: 'chartFindings' | 'treatmentPlans' | 'clinicalNotes' | 'attachments') =>
    Number(
      (
        await tx
          .updateTable(table)
          .set({ patientId: toPatientId })
          .where('patientId', '=', fromPatientId)
          .executeTakeFirst()
      ).numUpdatedRows,
    );
  return {
    chartFindings: await move('chartFindings'),
    treatmentPlans: await move('treatmentPlans'),
    clinicalNotes: await move('clinicalNotes'),
    attachments: await move('attachments'),
  };
}
