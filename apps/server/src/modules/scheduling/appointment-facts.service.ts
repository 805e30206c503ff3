import type { AppointmentStatus } from '@dentalpro/contracts';
import type { Tx } from '../../platform/tenancy.js';

/**
 * Appointments as the modules that act on them from outside the calendar read them (reminders):
 * their time, status, type and patient, and when they were booked, in the caller's transaction.
 * Held appointments are nobody's yet and are left out.
 */
export interface AppointmentFacts {
  id: string;
  patientId: string | null;
  appointmentTypeId: string;
  start: Date;
  end: Date;
  status: AppointmentStatus;
  /** When it was booked. */
  createdAt: Date;
}

function selectFacts(tx: Tx) {
  return tx
    .selectFrom('appointments')
    .select(['id', 'patientId', 'appointmentTypeId', 'startsAt', 'endsAt', 'status', 'createdAt'])
    .where('status', '!=', 'held');
}

const toFacts = (r: {
  id: string;
  patientId: string | null;
  appointmentTypeId: string;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  createdAt: Date;
}): AppointmentFacts => ({
  id: r.id,
  patientId: r.patientId,
  appointmentTypeId: r.appointmentTypeId,
  start: r.startsAt,
  end: r.endsAt,
  status: r.status,
  createdAt: r.createdAt,
});

/** By id (this practice's only; unknown ids are left out). */
export async function appointmentFactsIn(tx: Tx, ids: readonly string[]): Promise<Map<string, AppointmentFacts>> {
  if (ids.length === 0) return new Map();
  const rows = await selectFacts(tx)
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, toFacts(r)]));
}

/** Booked or confirmed appointments with a patient, starting in [from, to), soonest first. */
export async function comingAppointmentFactsIn(
  tx: Tx,
  input: { practiceId: string; from: Date; to: Date; patientIds?: readonly string[] },
): Promise<AppointmentFacts[]> {
  if (input.patientIds && input.patientIds.length === 0) return [];
  let query = selectFacts(tx)
    .where('practiceId', '=', input.practiceId)
    .where('status', 'in', ['booked', 'confirmed'])
    .where('patientId', 'is not', null)
    .where('startsAt', '>=', input.from)
    .where('startsAt', '<', input.to);
  if (input.patientIds) query = query.where('patientId', 'in', [...new Set(input.patientIds)]);
  const rows = await query.orderBy('startsAt').orderBy('id').execute();
  return rows.map(toFacts);
}
