import { sql } from 'kysely';
import type { AppContext } from '../../app.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { type AvailabilityQuery, type ProviderAvailability, type Slot, type WeeklyInterval, findSlots } from './availability.js';
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

interface AvailabilityInputs {
  practice: [timeZone: string, slotStepMinutes: number];
  type: [active: boolean, whatsappBookable: boolean, durationMinutes: number, bufferAfterMinutes: number, minNoticeMinutes: number, maxDaysAhead: number, allowedRoles: string[]] | null;
  opening: [weekday: number, startMinute: number, endMinute: number][];
  holidays: string[];
  closures: [start: number, end: number][];
  chairs: string[];
  providers: [userId: string, role: string][];
  hours: [providerId: string, weekday: number, startMinute: number, endMinute: number, chairId: string | null, validFrom: string | null, validTo: string | null][];
  appointments: [providerId: string, chairId: string, overbooked: boolean, start: number, end: number][];
  blocks: [providerId: string | null, chairId: string | null, start: number, end: number][];
}

/**
 * Everything the engine needs for one request, read in the caller's practice-bound transaction
 * by one database function (availability_inputs: one round trip, a plan kept per connection).
 * Busy intervals reach a day beyond the window: an appointment starting just before `from` counts.
 */
export async function loadAvailabilityQuery(tx: Tx, practiceId: string, request: AvailabilityRequest, now: Date): Promise<AvailabilityQuery> {
  const { rows } = await sql<{ inputs: AvailabilityInputs }>`
    SELECT availability_inputs(${practiceId}, ${request.appointmentTypeId}, ${request.from}, ${request.to}, ${now}) AS inputs`.execute(tx);
  const inputs = rows[0]!.inputs;
  const [timeZone, slotStepMinutes] = inputs.practice;
  const type = inputs.type;
  if (!type?.[0] || (request.forPatient && !type[1])) throw new AppError('appointment_type_not_found');
  const [, , durationMinutes, bufferAfterMinutes, minNoticeMinutes, maxDaysAhead, allowedRoles] = type;

  const toWeekly = (weekday: number, startMinute: number, endMinute: number) => ({
    weekday: weekday as WeeklyInterval['weekday'],
    start: minutesToWallTime(startMinute),
    end: minutesToWallTime(endMinute),
  });
  const providers: ProviderAvailability[] = inputs.providers.map(([userId, role]) => ({
    providerId: userId,
    role: role as ProviderAvailability['role'],
    hours: inputs.hours
      .filter((h) => h[0] === userId)
      .map(([, weekday, start, end, chairId, validFrom, validTo]) => ({ ...toWeekly(weekday, start, end), chairId, validFrom: validFrom ?? undefined, validTo: validTo ?? undefined })),
  }));
  return {
    timeZone,
    from: request.from,
    to: request.to,
    now,
    slotStepMinutes: slotStepMinutes as AvailabilityQuery['slotStepMinutes'],
    appointmentType: {
      durationMinutes,
      bufferAfterMinutes,
      // Staff may book at short notice; the notice and horizon are for patients booking themselves.
      minNoticeMinutes: request.forPatient ? minNoticeMinutes : 0,
      maxDaysAhead: request.forPatient ? maxDaysAhead : 730,
      allowedRoles: allowedRoles as AvailabilityQuery['appointmentType']['allowedRoles'],
    },
    openingHours: inputs.opening.map(([weekday, start, end]) => toWeekly(weekday, start, end)),
    closedDates: inputs.holidays,
    closures: inputs.closures.map(([start, end]) => ({ start: new Date(start), end: new Date(end) })),
    chairs: inputs.chairs.map((id) => ({ id })),
    providers,
    busy: [
      // An overbooked appointment still takes its chair, but not its provider.
      ...inputs.appointments.map(([providerId, chairId, overbooked, start, end]) => ({ start: new Date(start), end: new Date(end), providerId: overbooked ? null : providerId, chairId })),
      ...inputs.blocks.map(([providerId, chairId, start, end]) => ({ start: new Date(start), end: new Date(end), providerId, chairId })),
    ],
    providerId: request.providerId,
    chairId: request.chairId,
  };
}
