import type { AppointmentStatus } from '@dentalpro/contracts';
import type { Tx } from '../../platform/tenancy.js';
import { occupying } from './appointment-steps.js';
import { ACTIVE_STATUSES } from './appointment-status.js';

/**
 * Appointments as the modules that act on them from outside the calendar read them (reminders):
 * their time, status, type, provider, chair and patient, and when they were booked, in the caller's transaction.
 * Held appointments are nobody's yet and are left out.
 */
export interface AppointmentFacts {
  id: string;
  patientId: string | null;
  appointmentTypeId: string;
  providerId: string;
  chairId: string;
  start: Date;
  end: Date;
  status: AppointmentStatus;
  /** When it was booked. */
  createdAt: Date;
}

function selectFacts(tx: Tx) {
  return tx
    .selectFrom('appointments')
    .select([
      'id',
      'patientId',
      'appointmentTypeId',
      'providerId',
      'chairId',
      'startsAt',
      'endsAt',
      'status',
      'createdAt',
    ])
    .where('status', '!=', 'held');
}

const toFacts = (r: {
  id: string;
  patientId: string | null;
  appointmentTypeId: string;
  providerId: string;
  chairId: string;
  startsAt: Date;
  endsAt: Date;
  status: AppointmentStatus;
  createdAt: Date;
}): AppointmentFacts => ({
  id: r.id,
  patientId: r.patientId,
  appointmentTypeId: r.appointmentTypeId,
  providerId: r.providerId,
  chairId: r.chairId,
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

/**
 * Whether nothing booked stands on [start, end) for this provider or this chair (a freed time still
 * free: the waitlist's offers stop once the desk has booked it). Holds do not count: a hold lapses
 * or becomes a booking, and a booking is what settles it.
 */
export async function slotStillFreeIn(
  tx: Tx,
  slot: { providerId: string; chairId: string; start: Date; end: Date },
): Promise<boolean> {
  const taken = await tx
    .selectFrom('appointments')
    .select('id')
    .where(
      'status',
      'in',
      ACTIVE_STATUSES.filter((s) => s !== 'held'),
    )
    .where((eb) => eb.or([eb('providerId', '=', slot.providerId), eb('chairId', '=', slot.chairId)]))
    .where(occupying(slot.start, slot.end))
    .executeTakeFirst();
  return !taken;
}

export interface AppointmentDuring extends AppointmentFacts {
  patientId: string;
  providerName: string;
  appointmentTypeName: { en: string; fr: string };
}

/**
 * Booked or confirmed appointments with a patient that overlap [start, end), optionally of one
 * provider, soonest first, with the provider's and visit type's names (a closure of the practice:
 * what it touches).
 */
export async function appointmentsDuringIn(
  tx: Tx,
  input: { practiceId: string; start: Date; end: Date; providerId?: string | null },
): Promise<AppointmentDuring[]> {
  let query = tx
    .selectFrom('appointments')
    .innerJoin('providers', (join) =>
      join
        .onRef('providers.practiceId', '=', 'appointments.practiceId')
        .onRef('providers.userId', '=', 'appointments.providerId'),
    )
    .innerJoin('appointmentTypes', 'appointmentTypes.id', 'appointments.appointmentTypeId')
    .select([
      'appointments.id',
      'appointments.patientId',
      'appointments.appointmentTypeId',
      'appointments.providerId',
      'appointments.chairId',
      'appointments.startsAt',
      'appointments.endsAt',
      'appointments.status',
      'appointments.createdAt',
      'providers.displayName',
      'appointmentTypes.nameEn',
      'appointmentTypes.nameFr',
    ])
    .where('appointments.practiceId', '=', input.practiceId)
    .where('appointments.status', 'in', ['booked', 'confirmed'])
    .where('appointments.patientId', 'is not', null)
    .where('appointments.startsAt', '<', input.end)
    .where('appointments.endsAt', '>', input.start);
  if (input.providerId) query = query.where('appointments.providerId', '=', input.providerId);
  const rows = await query.orderBy('appointments.startsAt').orderBy('appointments.id').execute();
  return rows.map((r) => ({
    ...toFacts(r),
    patientId: r.patientId!,
    providerName: r.displayName,
    appointmentTypeName: { en: r.nameEn, fr: r.nameFr },
  }));
}
