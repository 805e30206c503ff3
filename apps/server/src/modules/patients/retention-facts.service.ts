import type { Tx } from '../../platform/tenancy.js';

/**
 * What the retention rules need to know of each patient of the practice (privacy): the date of
 * birth (a minor's records are kept until at least their 25th birthday) and when the record was
 * made (what a patient never seen counts from). Merged records are left out: their rows belong
 * to the survivor.
 */
export interface PatientRetentionFacts {
  id: string;
  dateOfBirth: string | null;
  createdAt: Date;
}

export async function patientRetentionFactsIn(
  tx: Tx,
  input: { patientIds?: readonly string[] } = {},
): Promise<PatientRetentionFacts[]> {
  if (input.patientIds && input.patientIds.length === 0) return [];
  let query = tx.selectFrom('patients').select(['id', 'dateOfBirth', 'createdAt']).where('mergedIntoId', 'is', null);
  if (input.patientIds) query = query.where('id', 'in', [...new Set(input.patientIds)]);
  return query.execute();
}
