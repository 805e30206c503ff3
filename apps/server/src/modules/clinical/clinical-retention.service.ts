import { sql } from 'kysely';
import { clinicalRecordsKeptUntil, laterDate } from '../../platform/retention-dates.js';
import type { Tx } from '../../platform/tenancy.js';
import { patientRetentionFactsIn } from '../patients/retention-facts.service.js';
import { patientVisitFactsIn } from '../scheduling/last-visits.service.js';

export interface ClinicalRetention {
  /** The latest day the patient was seen or their record was written to (a visit, a note, a finding, a completed item). */
  lastVisit: string | null;
  dateOfBirth: string | null;
  /** Until when the clinical records are kept (`days` after the last visit; minors: their 25th birthday if later). */
  keptUntil: string | null;
}

/**
 * When each patient's clinical records fall due, for an erasure's receipt and the retention job:
 * for `patientIds`, or (absent) every patient of the practice with clinical records or a visit. `days` is the
 * practice's period (11 years by default). Runs in the caller's practice-bound transaction.
 */
export async function clinicalRetentionIn(
  tx: Tx,
  input: { patientIds?: readonly string[]; days?: number } = {},
): Promise<Map<string, ClinicalRetention>> {
  const ids = input.patientIds ? [...new Set(input.patientIds)] : await patientsWithRecords(tx);
  if (ids.length === 0) return new Map();
  const recorded = await sql<{ patientId: string; last: string }>`
    SELECT patient_id AS "patientId", to_char(max(day), 'YYYY-MM-DD') AS last FROM (
      SELECT patient_id, visit_date AS day FROM clinical_notes WHERE patient_id = ANY(${ids}::uuid[])
      UNION ALL SELECT patient_id, (observed_at AT TIME ZONE 'UTC')::date FROM chart_findings WHERE patient_id = ANY(${ids}::uuid[])
      UNION ALL SELECT p.patient_id, (i.completed_at AT TIME ZONE 'UTC')::date FROM treatment_plan_items i
        JOIN treatment_plans p ON p.id = i.plan_id WHERE p.patient_id = ANY(${ids}::uuid[]) AND i.completed_at IS NOT NULL
      UNION ALL SELECT patient_id, (uploaded_at AT TIME ZONE 'UTC')::date FROM attachments WHERE patient_id = ANY(${ids}::uuid[])
    ) days GROUP BY patient_id`.execute(tx);
  const written = new Map(recorded.rows.map((r) => [r.patientId, r.last]));
  const [visits, facts] = await Promise.all([
    patientVisitFactsIn(tx, { now: new Date(), patientIds: ids }),
    patientRetentionFactsIn(tx, { patientIds: ids }),
  ]);
  const births = new Map(facts.map((f) => [f.id, f.dateOfBirth]));
  const result = new Map<string, ClinicalRetention>();
  for (const id of ids) {
    const seen = visits.get(id)?.lastVisitAt?.toISOString().slice(0, 10) ?? null;
    const lastVisit = laterDate(seen, written.get(id) ?? null);
    const dateOfBirth = births.get(id) ?? null;
    const keptUntil = clinicalRecordsKeptUntil({
      lastVisit,
      dateOfBirth,
      ...(input.days ? { days: input.days } : {}),
    });
    result.set(id, { lastVisit, dateOfBirth, keptUntil });
  }
  return result;
}

async function patientsWithRecords(tx: Tx): Promise<string[]> {
  const seen = await patientVisitFactsIn(tx, { now: new Date() });
  const rows = await sql<{ patientId: string }>`
    SELECT patient_id AS "patientId" FROM clinical_notes
    UNION SELECT patient_id FROM chart_findings
    UNION SELECT patient_id FROM treatment_plans
    UNION SELECT patient_id FROM attachments`.execute(tx);
  const visited = [...seen].filter(([, f]) => f.lastVisitAt).map(([id]) => id);
  return [...new Set([...visited, ...rows.rows.map((r) => r.patientId)])];
}
