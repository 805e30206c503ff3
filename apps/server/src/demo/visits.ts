import type { AppointmentSource } from '@dentalpro/contracts';
import type { AppContext } from '../context.js';
import type { Actor } from '../platform/access.js';
import {
  bookAppointment,
  cancelAppointment,
  setAppointmentStatus,
} from '../modules/scheduling/appointments.service.js';
import type { SeededRandom } from './random.js';

/**
 * The demo's month of visits: planned on the practice's hours, around its public holidays,
 * closures and blocks, then booked and taken through their day by the scheduling services, as the
 * front desk and the clinicians would. A past visit is booked "as of" a moment before it (the
 * service's `now`), so every booking rule applies as it did then. What follows is written at the
 * real time, history and audit alike: the audit chain runs in the order events are written.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const GRID = 15 * MINUTE;
export const TZ_OFFSET = '+04:00'; // Indian/Mauritius, no daylight saving

export interface DemoProvider {
  userId: string;
  chairId: string;
  role: 'owner' | 'dentist' | 'hygienist';
}

export interface DemoType {
  id: string;
  durationMinutes: number;
  bufferAfterMinutes: number;
  allowedRoles: string[];
  whatsappBookable: boolean;
}

/** A closure (no provider, no chair, whole practice) or a block, in epoch milliseconds. */
export interface Unavailable {
  start: number;
  end: number;
  providerId: string | null;
  chairId: string | null;
}

type Step =
  | { to: 'confirmed' | 'arrived' | 'in_chair' | 'completed' }
  | { to: 'no_show' | 'cancelled'; reason: string };

export interface DemoVisit {
  patientId: string;
  providerId: string;
  chairId: string;
  appointmentTypeId: string;
  start: Date;
  source: AppointmentSource;
  /** When the booking was made: what the booking service takes as its `now`. */
  bookedAt: Date;
  steps: Step[];
}

const CANCEL_REASONS = [
  'Patient unwell',
  'Clash with work',
  'Travelling abroad',
  'Asked to move it by phone',
  'Family event',
];
const NO_SHOW_REASONS = ['No answer when called', 'Did not come'];

/** The providers' sessions by ISO weekday: weekdays 08–12 and 13–17, Saturday 08–12; the seed sets their hours from this. */
export const sessionsOf = (weekday: number): [string, string][] =>
  weekday === 7
    ? []
    : weekday === 6
      ? [['08:00', '12:00']]
      : [
          ['08:00', '12:00'],
          ['13:00', '17:00'],
        ];

/**
 * Two weeks back to a fortnight ahead, provider by provider, about three quarters of each session
 * filled; no visit on a holiday, none meeting a closure or a block of its provider, chair or the
 * whole practice; no patient twice the same day.
 */
export function planDemoVisits(input: {
  now: Date;
  today: string;
  random: SeededRandom;
  providers: DemoProvider[];
  types: DemoType[];
  patientIds: string[];
  holidays: Set<string>;
  unavailable: Unavailable[];
}): DemoVisit[] {
  const { now, random } = input;
  const visits: DemoVisit[] = [];
  for (let offset = -14; offset <= 16; offset++) {
    const date = new Date(`${input.today}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() + offset);
    const day = date.toISOString().slice(0, 10);
    if (input.holidays.has(day)) continue;
    const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
    const seenToday = new Set<string>();
    for (const provider of input.providers) {
      const allowed = input.types.filter((t) => t.allowedRoles.includes(provider.role));
      // As the booking rules read a block: its provider, its chair, or (neither) everyone.
      const concerns = (u: Unavailable) =>
        (u.providerId === null && u.chairId === null) ||
        u.providerId === provider.userId ||
        u.chairId === provider.chairId;
      const isFree = (start: number, end: number) =>
        !input.unavailable.some((u) => u.start < end && start < u.end && concerns(u));
      for (const [from, to] of sessionsOf(weekday)) {
        let cursor = Date.parse(`${day}T${from}:00${TZ_OFFSET}`);
        const end = Date.parse(`${day}T${to}:00${TZ_OFFSET}`);
        while (cursor < end) {
          const type = random.pick(allowed);
          const finish = cursor + type.durationMinutes * MINUTE;
          const freed = finish + type.bufferAfterMinutes * MINUTE;
          if (finish > end) break;
          if (random.chance(0.75) && isFree(cursor, freed)) {
            const patientId = pickPatient(random, input.patientIds, seenToday);
            visits.push({
              patientId,
              providerId: provider.userId,
              chairId: provider.chairId,
              appointmentTypeId: type.id,
              ...bookingOf(random, type, cursor, now),
              steps: storyOf(random, cursor, finish, now.getTime()),
            });
          }
          // The next visit on the 15-minute grid, as the calendar offers slots.
          cursor = Math.ceil(freed / GRID) * GRID;
        }
      }
    }
  }
  return visits;
}

function pickPatient(random: SeededRandom, patientIds: string[], seenToday: Set<string>): string {
  let patientId = random.pick(patientIds);
  for (let tries = 0; seenToday.has(patientId) && tries < 20; tries++) patientId = random.pick(patientIds);
  seenToday.add(patientId);
  return patientId;
}

/**
 * How and when a visit was booked: walk-ins minutes before (only for visits already started),
 * the rest one to three weeks ahead, and at least three hours before now, so WhatsApp bookings
 * keep the types' two hours' notice.
 */
function bookingOf(
  random: SeededRandom,
  type: DemoType,
  start: number,
  now: Date,
): { start: Date; source: AppointmentSource; bookedAt: Date } {
  let source = random.pick(['staff', 'phone', 'phone', 'whatsapp', 'walk_in'] as const);
  if (source === 'walk_in' && start > now.getTime()) source = 'phone';
  if (source === 'whatsapp' && !type.whatsappBookable) source = 'phone';
  const bookedAt =
    source === 'walk_in'
      ? start - random.int(5, 40) * MINUTE
      : Math.min(start - random.int(1, 21) * DAY - random.int(0, 8) * HOUR, now.getTime() - 3 * HOUR);
  return { start: new Date(start), source, bookedAt: new Date(bookedAt) };
}

/** What happened next: past visits completed, some cancelled or missed; today's under way; the coming ones booked or confirmed. */
function storyOf(random: SeededRandom, start: number, finish: number, now: number): Step[] {
  // The desk rings patients a day or two before: most of the coming two days are confirmed.
  const soon = start > now && start - now < 2 * DAY;
  const steps: Step[] = random.chance(soon ? 0.6 : 0.3) ? [{ to: 'confirmed' }] : [];
  if (finish <= now) {
    if (random.chance(0.08)) return [...steps, { to: 'cancelled', reason: random.pick(CANCEL_REASONS) }];
    if (random.chance(0.05)) return [...steps, { to: 'no_show', reason: random.pick(NO_SHOW_REASONS) }];
    // Checked in by the desk, completed by the provider; only today's visits show the in-chair step,
    // which saves a transaction per past visit.
    return [...steps, { to: 'arrived' }, { to: 'completed' }];
  }
  if (start <= now) return [...steps, { to: 'arrived' }, { to: 'in_chair' }];
  if (start - now <= 30 * MINUTE) return [...steps, { to: 'arrived' }];
  return steps;
}

/**
 * book → each step of its story: the desk books, confirms, checks in, cancels and marks no-shows;
 * the provider seats the patient and completes the visit.
 */
export async function playDemoVisit(
  ctx: AppContext,
  practiceId: string,
  visit: DemoVisit,
  actors: { desk: Actor; provider: Actor },
) {
  const { steps, bookedAt, ...booking } = visit;
  const { id } = await bookAppointment(ctx, { actor: actors.desk, practiceId, booking, now: bookedAt });
  for (const step of steps) {
    const call = { practiceId, appointmentId: id };
    if (step.to === 'cancelled') await cancelAppointment(ctx, { ...call, actor: actors.desk, reason: step.reason });
    else if (step.to === 'in_chair' || step.to === 'completed')
      await setAppointmentStatus(ctx, { ...call, actor: actors.provider, status: step.to });
    else
      await setAppointmentStatus(ctx, {
        ...call,
        actor: actors.desk,
        status: step.to,
        ...('reason' in step ? { reason: step.reason } : {}),
      });
  }
  return steps.at(-1)?.to ?? 'booked';
}
