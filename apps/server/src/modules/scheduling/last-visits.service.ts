import { sql } from 'kysely';
import type { Tx } from '../../platform/tenancy.js';

/**
 * The calendar's facts the retention rules count from (privacy): per patient of the practice, when
 * they were last seen (the start of their latest visit that took place: arrived, in the chair or
 * completed) and whether a visit is still to come (booked or confirmed, after `now`). Patients with
 * no appointment at all are not listed.
 */
export interface PatientVisitFacts {
  lastVisitAt: Date | null;
  nextAppointmentAt: Date | null;
}

export async function patientVisitFactsIn(
  tx: Tx,
  input: { now: Date; patientIds?: readonly string[] },
): Promise<Map<string, PatientVisitFacts>> {
  if (input.patientIds && input.patientIds.length === 0) return new Map();
  let query = tx
    .selectFrom('appointments')
    .select([
      'patientId',
      sql<Date | null>`max(starts_at) FILTER (WHERE status IN ('arrived', 'in_chair', 'completed'))`.as('lastVisitAt'),
      sql<Date | null>`min(starts_at) FILTER (WHERE status IN ('booked', 'confirmed') AND starts_at > ${input.now})`.as(
        'nextAppointmentAt',
      ),
    ])
    .where('patientId', 'is not', null)
    .groupBy('patientId');
  if (input.patientIds) query = query.where('patientId', 'in', [...new Set(input.patientIds)]);
  const rows = await query.execute();
  return new Map(
    rows.map((r) => [
      r.patientId as string,
      {
        lastVisitAt: r.lastVisitAt ? new Date(r.lastVisitAt) : null,
        nextAppointmentAt: r.nextAppointmentAt ? new Date(r.nextAppointmentAt) : null,
      },
    ]),
  );
}
