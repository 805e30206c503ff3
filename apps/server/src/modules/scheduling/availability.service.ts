import { sql } from 'kysely';
import type { AppContext } from '../../app.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { ACTIVE_STATUSES } from './appointment-status.js';
import { occupying } from './appointments.service.js';
import { type AvailabilityQuery, type ProviderAvailability, type Slot, type WeeklyInterval, findSlots } from './availability.js';
import { rangeLiteral } from './booking-rules.js';
import { minutesToWallTime } from './weekly-hours.js';

const MAX_WINDOW_DAYS = 31;
const DAY_MS = 86_400_000;

export interface AvailabilityRequest {
  appointmentTypeId: string;
  from: Date;
  to: Date;
  providerId?: string;
  chairId?: string;
  /** Patients booking themselves see only types bookable on WhatsApp. */
  forPatient?: boolean;
}

/**
 * Free slots: load what the engine needs in one practice-bound transaction → run the pure
 * engine. Expired holds are not busy; cancelled appointments and no-shows free their slot.
 */
export async function findAvailability(ctx: AppContext, input: { actor: Actor; practiceId: string; request: AvailabilityRequest; now?: Date }): Promise<Slot[]> {
  requirePermission(input.actor, 'calendar:read');
  const { request } = input;
  if (request.to <= request.from) throw new AppError('invalid_period', { detail: '`to` must be after `from`' });
  if (request.to.getTime() - request.from.getTime() > MAX_WINDOW_DAYS * DAY_MS) throw new AppError('invalid_period', { detail: `Ask for at most ${MAX_WINDOW_DAYS} days at a time` });
  const query = await inPractice(ctx.db, input.practiceId, (tx) => loadAvailabilityQuery(tx, input.practiceId, request, input.now ?? new Date()));
  return findSlots(query);
}

/** Everything the engine needs for one request, read in the caller's practice-bound transaction. */
export async function loadAvailabilityQuery(tx: Tx, practiceId: string, request: AvailabilityRequest, now: Date): Promise<AvailabilityQuery> {
  const [practice, type] = await Promise.all([
    tx.selectFrom('practices').select(['timeZone', 'slotStepMinutes']).where('id', '=', practiceId).executeTakeFirstOrThrow(),
    tx.selectFrom('appointmentTypes').selectAll().where('id', '=', request.appointmentTypeId).executeTakeFirst(),
  ]);
  if (!type?.active || (request.forPatient && !type.whatsappBookable)) throw new AppError('appointment_type_not_found');
  // Busy intervals reaching into the window: an appointment starting just before `from` still counts.
  const reach = rangeLiteral(new Date(request.from.getTime() - DAY_MS), new Date(request.to.getTime() + DAY_MS));
  const [opening, holidays, closures, chairs, providers, hours, appointments, blocks] = await Promise.all([
    tx.selectFrom('openingHours').select(['weekday', 'startMinute', 'endMinute']).execute(),
    tx
      .selectFrom('publicHolidays')
      .select('date')
      .where('date', '>=', new Date(request.from.getTime() - DAY_MS).toISOString().slice(0, 10))
      .where('date', '<=', new Date(request.to.getTime() + DAY_MS).toISOString().slice(0, 10))
      .execute(),
    tx.selectFrom('closures').select([sql<Date>`lower(period)`.as('start'), sql<Date>`upper(period)`.as('end')]).where(sql<boolean>`period && ${reach}::tstzrange`).execute(),
    tx.selectFrom('chairs').select('id').where('active', '=', true).orderBy('sortOrder').orderBy('name').execute(),
    tx
      .selectFrom('providers')
      .innerJoin('memberships', (j) => j.onRef('memberships.practiceId', '=', 'providers.practiceId').onRef('memberships.userId', '=', 'providers.userId'))
      .select(['providers.userId', 'memberships.role'])
      .where('providers.active', '=', true)
      .orderBy('providers.displayName')
      .execute(),
    tx.selectFrom('providerHours').select(['providerId', 'weekday', 'startMinute', 'endMinute', 'chairId', 'validFrom', 'validTo']).execute(),
    tx
      .selectFrom('appointments')
      .select(['providerId', 'chairId', 'overbookReason', 'startsAt as start', 'occupiedUntil as end'])
      .where('status', 'in', ACTIVE_STATUSES)
      .where((eb) => eb.or([eb('status', '!=', 'held'), eb('holdExpiresAt', '>', now)]))
      .where('practiceId', '=', practiceId)
      .where(occupying(new Date(request.from.getTime() - DAY_MS), new Date(request.to.getTime() + DAY_MS)))
      .execute(),
    tx.selectFrom('blocks').select(['providerId', 'chairId', sql<Date>`lower(period)`.as('start'), sql<Date>`upper(period)`.as('end')]).where(sql<boolean>`period && ${reach}::tstzrange`).execute(),
  ]);

  const toWeekly = (h: { weekday: number; startMinute: number; endMinute: number }) => ({
    weekday: h.weekday as WeeklyInterval['weekday'],
    start: minutesToWallTime(h.startMinute),
    end: minutesToWallTime(h.endMinute),
  });
  const providerList: ProviderAvailability[] = providers.map((p) => ({
    providerId: p.userId,
    role: p.role,
    hours: hours
      .filter((h) => h.providerId === p.userId)
      .map((h) => ({ ...toWeekly(h), chairId: h.chairId, validFrom: h.validFrom ?? undefined, validTo: h.validTo ?? undefined })),
  }));
  return {
    timeZone: practice.timeZone,
    from: request.from,
    to: request.to,
    now,
    slotStepMinutes: practice.slotStepMinutes,
    appointmentType: {
      durationMinutes: type.durationMinutes,
      bufferAfterMinutes: type.bufferAfterMinutes,
      // Staff may book at short notice; the notice and horizon are for patients booking themselves.
      minNoticeMinutes: request.forPatient ? type.minNoticeMinutes : 0,
      maxDaysAhead: request.forPatient ? type.maxDaysAhead : 730,
      allowedRoles: type.allowedRoles,
    },
    openingHours: opening.map(toWeekly),
    closedDates: holidays.map((h) => h.date),
    closures: closures.map((c) => ({ start: new Date(c.start), end: new Date(c.end) })),
    chairs,
    providers: providerList,
    busy: [
      // An overbooked appointment still takes its chair, but not its provider.
      ...appointments.map((a) => ({ start: new Date(a.start), end: new Date(a.end), providerId: a.overbookReason ? null : a.providerId, chairId: a.chairId })),
      ...blocks.map((b) => ({ start: new Date(b.start), end: new Date(b.end), providerId: b.providerId, chairId: b.chairId })),
    ],
    providerId: request.providerId,
    chairId: request.chairId,
  };
}

