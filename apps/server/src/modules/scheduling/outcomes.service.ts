import { sql } from 'kysely';
import type { Tx } from '../../platform/tenancy.js';

/**
 * How appointments and recalls turned out, as tables another module joins in its own query (the
 * reminders dashboard counts them by week or month in one statement each, filtered by provider and
 * visit type). Derived tables that PostgreSQL flattens into plain joins, as `patientDirectory` is.
 */

/**
 * Appointments (holds left out): provider, visit type, start and status now, and whether it was
 * confirmed at some point (by the patient's tap or the desk), even if it has been completed since.
 */
export function appointmentOutcomes(tx: Tx) {
  return tx
    .selectFrom('appointments')
    .select([
      'appointments.id',
      'appointments.practiceId',
      'appointments.providerId',
      'appointments.appointmentTypeId',
      'appointments.startsAt',
      'appointments.status',
      sql<boolean>`EXISTS (
        SELECT 1 FROM appointment_status_history h
        WHERE h.appointment_id = appointments.id AND h.to_status = 'confirmed'
      )`.as('wasConfirmed'),
    ])
    .where('appointments.status', '!=', 'held');
}

/** Recalls: status now (`booked` once a visit is booked for it, `done` once it took place) and what it names. */
export function recallOutcomes(tx: Tx) {
  return tx
    .selectFrom('recalls')
    .select(['recalls.id', 'recalls.practiceId', 'recalls.status', 'recalls.providerId', 'recalls.appointmentTypeId']);
}
