import type { Appointment, AppointmentSource } from '@dentalpro/contracts';
import { type ExpressionBuilder, sql } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AppContext } from '../../context.js';
import { SQLSTATE, constraintOf, sqlStateOf } from '../../platform/db-errors.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice, practiceTimeZoneQuery } from '../../platform/tenancy.js';
import { patientNamesAndAlertFlagsIn } from '../patients/alerts.service.js';
import { findPatientIn } from '../patients/patients.service.js';
import { memberDirectory } from '../staff/staff.service.js';
import { ACTIVE_STATUSES } from './appointment-status.js';
import {
  type MinuteInterval,
  type ProviderInterval,
  timingRefusal,
  wallClock,
  weeklyHoursRefusal,
} from './booking-rules.js';

/**
 * The steps booking, moving and holding share: reading appointments, checking a requested slot
 * and the patient it is for, claiming the slot, and turning a refusal of the exclusion
 * constraints into 409 slot_taken.
 */

export interface SlotRequest {
  appointmentTypeId: string;
  providerId: string;
  chairId: string;
  start: Date;
  end?: Date;
  source: AppointmentSource;
}

export interface PlannedSlot {
  start: Date;
  end: Date;
  occupiedEnd: Date;
  typeId: string;
}

const appointmentColumns = [
  'appointments.id',
  'appointments.patientId',
  'appointments.providerId',
  'appointments.chairId',
  'appointments.appointmentTypeId',
  'appointments.status',
  'appointments.holdExpiresAt',
  'appointments.source',
  'appointments.notes',
  'appointments.cancellationReason',
  'appointments.overbookReason',
  'appointments.createdAt',
] as const;

export function selectAppointments(tx: Tx) {
  return tx
    .selectFrom('appointments')
    .select(appointmentColumns)
    .select(['appointments.startsAt as start', 'appointments.endsAt as end']);
}

/** The longest an appointment can keep a chair: 12 hours plus a 2-hour buffer. Bounds the index scan. */
export const LONGEST_OCCUPATION_MS = 14 * 3600_000;

/**
 * Appointments whose occupied time overlaps [from, to), written as timestamp comparisons on the
 * generated columns so the btree index serves it under row-level security (&& on ranges cannot).
 */
export function occupying(from: Date, to: Date) {
  return (eb: ExpressionBuilder<DB, 'appointments'>) =>
    eb.and([
      eb('appointments.startsAt', '>', new Date(from.getTime() - LONGEST_OCCUPATION_MS)),
      eb('appointments.startsAt', '<', to),
      eb('appointments.occupiedUntil', '>', from),
    ]);
}

export type AppointmentRow = Awaited<ReturnType<ReturnType<typeof selectAppointments>['executeTakeFirstOrThrow']>>;

export function toAppointment(
  row: AppointmentRow,
  patient: { name: string; hasMedicalAlert: boolean } | undefined,
): Appointment {
  return {
    id: row.id,
    patientId: row.patientId,
    patientName: patient?.name ?? null,
    hasMedicalAlert: patient?.hasMedicalAlert ?? false,
    providerId: row.providerId,
    chairId: row.chairId,
    appointmentTypeId: row.appointmentTypeId,
    start: new Date(row.start).toISOString(),
    end: new Date(row.end).toISOString(),
    status: row.status,
    holdExpiresAt: row.holdExpiresAt?.toISOString() ?? null,
    source: row.source,
    notes: row.notes,
    cancellationReason: row.cancellationReason,
    overbookReason: row.overbookReason,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function withNames(tx: Tx, rows: AppointmentRow[]): Promise<Appointment[]> {
  // One query for the list: names and the medical-alert flag (never the alerts themselves).
  const patients = await patientNamesAndAlertFlagsIn(
    tx,
    rows.flatMap((r) => (r.patientId ? [r.patientId] : [])),
  );
  return rows.map((r) => toAppointment(r, r.patientId ? patients.get(r.patientId) : undefined));
}

/**
 * Checks a requested slot against everything but other appointments (the constraints do that):
 * the type, provider (active, allowed to perform it, working then, on that chair), chair,
 * opening hours, holidays, closures, blocks, the past, and for patients booking themselves
 * (source 'whatsapp') a type they may book on WhatsApp, its notice and its horizon.
 */
export async function planSlot(tx: Tx, practiceId: string, req: SlotRequest, now: Date): Promise<PlannedSlot> {
  const { tz, type, provider, chair, holiday, closure, opening, hours, block } = await slotFacts(tx, practiceId, req);
  if (!tz) throw new Error(`practice ${practiceId} does not exist`);
  if (!type?.active) throw new AppError('appointment_type_not_found');
  const byPatient = req.source === 'whatsapp';
  if (byPatient && !type.whatsappBookable) throw new AppError('not_bookable_on_whatsapp');
  if (!provider) throw new AppError('provider_not_found');
  if (!provider.active) throw new AppError('provider_inactive');
  if (!type.allowedRoles.includes(provider.role)) {
    throw new AppError('provider_not_allowed', {
      detail: `This appointment type is performed by: ${type.allowedRoles.join(', ')}`,
    });
  }
  if (!chair?.active) throw new AppError('chair_not_found');

  const start = req.start;
  const end = req.end ?? new Date(start.getTime() + type.durationMinutes * 60_000);
  if (end <= start) throw new AppError('invalid_period', { detail: 'The end must be after the start' });
  if (end.getTime() - start.getTime() > 12 * 3600_000)
    throw new AppError('invalid_period', { detail: 'An appointment lasts at most 12 hours' });
  const timing = timingRefusal({ start, now, byPatient, type });
  if (timing) throw new AppError(timing);

  if (holiday)
    throw new AppError('practice_closed', {
      detail: `The practice is closed on ${wallClock(start, tz).date} (${holiday})`,
    });
  if (closure)
    throw new AppError('practice_closed', {
      detail: closure.reason ? `The practice is closed then: ${closure.reason}` : 'The practice is closed then',
    });
  const outside = weeklyHoursRefusal({ start, end, timeZone: tz, chairId: req.chairId, opening, providerHours: hours });
  if (outside) throw new AppError(outside.code, { detail: outside.detail, extra: outside.extra });
  if (block)
    throw new AppError('slot_taken', {
      detail: `That time is blocked (${block.kind})`,
      extra: { conflictingBlockId: block.id },
    });
  return { start, end, occupiedEnd: new Date(end.getTime() + type.bufferAfterMinutes * 60_000), typeId: type.id };
}

/** What planSlot checks a slot against; null where there is none. */
interface SlotFacts {
  tz: string | null;
  type: {
    id: string;
    active: boolean;
    whatsappBookable: boolean;
    allowedRoles: string[];
    durationMinutes: number;
    bufferAfterMinutes: number;
    minNoticeMinutes: number;
    maxDaysAhead: number;
  } | null;
  provider: { active: boolean; role: string } | null;
  chair: { active: boolean } | null;
  /** The public holiday on the start's local date, by its English name. */
  holiday: string | null;
  closure: { reason: string | null } | null;
  /** The practice's and the provider's hours on the start's local weekday (the provider's valid that day). */
  opening: MinuteInterval[];
  hours: ProviderInterval[];
  block: { id: string; kind: string } | null;
}

/**
 * Everything planSlot needs, in one round trip (a booking, a hold and its confirmation each ask):
 * the local day and the visit's end are worked out in the query, from the practice's time zone and
 * the type's length. The end is never before the start there, so a bad request is refused in words.
 */
async function slotFacts(tx: Tx, practiceId: string, req: SlotRequest): Promise<SlotFacts> {
  const start = req.start.toISOString();
  const end = req.end?.toISOString() ?? null;
  const { rows } = await sql<SlotFacts>`
    WITH t AS (
      SELECT * FROM appointment_types WHERE id = ${req.appointmentTypeId}
    ), l AS (
      SELECT z.time_zone AS tz, (${start}::timestamptz AT TIME ZONE z.time_zone) AS local
      FROM (${practiceTimeZoneQuery(tx, practiceId)}) AS z
    ), span AS (
      SELECT ${start}::timestamptz AS s,
        greatest(${start}::timestamptz, coalesce(${end}::timestamptz,
          ${start}::timestamptz + make_interval(mins => (SELECT duration_minutes FROM t)))) AS e
    )
    SELECT
      (SELECT tz FROM l) AS tz,
      (SELECT json_build_object('id', id, 'active', active, 'whatsappBookable', whatsapp_bookable,
          'allowedRoles', allowed_roles, 'durationMinutes', duration_minutes,
          'bufferAfterMinutes', buffer_after_minutes, 'minNoticeMinutes', min_notice_minutes,
          'maxDaysAhead', max_days_ahead) FROM t) AS type,
      (SELECT json_build_object('active', p.active, 'role', m.role)
         FROM providers p JOIN (${memberDirectory(tx)}) AS m ON m.practice_id = p.practice_id AND m.user_id = p.user_id
        WHERE p.user_id = ${req.providerId}) AS provider,
      (SELECT json_build_object('active', active) FROM chairs WHERE id = ${req.chairId}) AS chair,
      (SELECT name_en FROM public_holidays WHERE date = (SELECT local::date FROM l) LIMIT 1) AS holiday,
      (SELECT json_build_object('reason', reason) FROM closures, span
        WHERE period && tstzrange(span.s, span.e) LIMIT 1) AS closure,
      (SELECT coalesce(json_agg(json_build_object('weekday', weekday, 'startMinute', start_minute,
          'endMinute', end_minute)), '[]')
         FROM opening_hours WHERE weekday = (SELECT extract(isodow FROM local)::int FROM l)) AS opening,
      (SELECT coalesce(json_agg(json_build_object('weekday', weekday, 'startMinute', start_minute,
          'endMinute', end_minute, 'chairId', chair_id)), '[]')
         FROM provider_hours, l
        WHERE provider_id = ${req.providerId} AND weekday = extract(isodow FROM l.local)::int
          AND (valid_from IS NULL OR valid_from <= l.local::date)
          AND (valid_to IS NULL OR valid_to >= l.local::date)) AS hours,
      (SELECT json_build_object('id', b.id, 'kind', b.kind) FROM blocks b, span, t
        WHERE b.period && tstzrange(span.s, span.e + make_interval(mins => t.buffer_after_minutes))
          AND (b.provider_id = ${req.providerId} OR b.chair_id = ${req.chairId}
            OR (b.provider_id IS NULL AND b.chair_id IS NULL))
        LIMIT 1) AS block`.execute(tx);
  return rows[0]!;
}

/**
 * Before a booking, move or hold writes its slot: the provider and the chair are locked for the
 * rest of the transaction (always in the same order), so two changes that want either of them
 * take turns. Without this, two bookings of one slot could both insert, each then wait on the
 * other's row while checking the exclusion constraints, and one would die as a deadlock; taking
 * turns, the second meets the first's committed row and is refused slot_taken at once. The
 * constraints still decide; the locks only queue the contenders. Then expired holds give their
 * slot back, removed in the same transaction.
 */
export async function claimSlot(tx: Tx, req: { providerId: string; chairId: string }, slot: PlannedSlot) {
  const [first, second] = [`calendar:${req.providerId}`, `calendar:${req.chairId}`].sort();
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${first}, 0)), pg_advisory_xact_lock(hashtextextended(${second}, 0))`.execute(
    tx,
  );
  await tx
    .deleteFrom('appointments')
    .where('status', '=', 'held')
    .where('holdExpiresAt', '<=', new Date())
    .where((eb) => eb.or([eb('providerId', '=', req.providerId), eb('chairId', '=', req.chairId)]))
    .where(occupying(slot.start, slot.occupiedEnd))
    .execute();
}

/**
 * Runs a calendar change; when an exclusion constraint refuses it (SQLSTATE 23P01), answers
 * 409 slot_taken naming the appointment in the way.
 */
export async function settlingConflicts<T>(
  ctx: AppContext,
  practiceId: string,
  req: { providerId: string; chairId: string },
  run: (attempt: { slot?: PlannedSlot }) => Promise<T>,
): Promise<T> {
  // `run` records the slot it tried, so a refusal can name what stood in its way.
  const attempt: { slot?: PlannedSlot } = {};
  try {
    return await run(attempt);
  } catch (err) {
    const constraint = constraintOf(err);
    if (sqlStateOf(err) !== SQLSTATE.exclusionViolation || !constraint?.startsWith('appointments_') || !attempt.slot)
      throw err;
    const byChair = constraint === 'appointments_chair_no_overlap';
    const slot = attempt.slot;
    const conflicting = await inPractice(ctx.db, practiceId, (tx) =>
      tx
        .selectFrom('appointments')
        .select('id')
        .where('practiceId', '=', practiceId)
        .where('status', 'in', ACTIVE_STATUSES)
        .where(byChair ? 'chairId' : 'providerId', '=', byChair ? req.chairId : req.providerId)
        .where(occupying(slot.start, slot.occupiedEnd))
        .orderBy('startsAt')
        .executeTakeFirst(),
    );
    throw new AppError('slot_taken', {
      detail: byChair ? 'The chair is taken at that time' : 'The provider is busy at that time',
      extra: { conflictingAppointmentId: conflicting?.id ?? null, conflictOn: byChair ? 'chair' : 'provider' },
    });
  }
}

export async function loadRow(tx: Tx, id: string) {
  const row = await selectAppointments(tx).where('appointments.id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('appointment_not_found');
  return row;
}

export async function loadOne(tx: Tx, id: string): Promise<Appointment> {
  const [appointment] = await withNames(tx, [await loadRow(tx, id)]);
  return appointment!;
}

/**
 * The patient a calendar change is for. A new booking, hold or confirmation needs a patient the
 * practice still looks after: archived and deceased patients are refused. A move keeps an archived
 * patient's appointment (made while they were a patient; archiving cancels nothing), but never
 * moves a deceased patient's. The row is locked (FOR SHARE) until commit: marking the patient
 * deceased then waits for this change and cancels what it booked, or this change waits and sees
 * the new status. Take it before locking any appointment row, as that marking does.
 */
export async function requirePatientFor(tx: Tx, patientId: string, change: 'booking' | 'move'): Promise<void> {
  const patient = await findPatientIn(tx, patientId, { forShare: true });
  if (!patient) throw new AppError('patient_not_found');
  if (patient.status === 'deceased')
    throw new AppError('patient_deceased', {
      detail: change === 'move' ? "A deceased patient's appointment can be cancelled, not moved" : undefined,
    });
  if (patient.status === 'archived' && change === 'booking')
    throw new AppError('patient_archived', { detail: 'Make the patient active again (Edit details, Status) to book' });
}
