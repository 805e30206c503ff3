import type { Appointment, AppointmentType } from '@dentalpro/contracts';
import { addDays, wallTimeOf } from '../scheduling/zoned-time';

/** The statuses of a patient still expected: once the start has passed, they are late. */
const EXPECTED = ['booked', 'confirmed'];

/** Minutes a patient is late: the start has passed and they have not arrived (0 when not late). */
export function minutesLate(appointment: Pick<Appointment, 'start' | 'status'>, now: number): number {
  if (!EXPECTED.includes(appointment.status)) return 0;
  const late = now - Date.parse(appointment.start);
  return late > 0 ? Math.max(1, Math.floor(late / 60_000)) : 0;
}

/** Booked but not confirmed by the patient, and still to come: worth a call or a message. */
export function isUnconfirmed(appointment: Pick<Appointment, 'start' | 'status'>, now: number): boolean {
  return appointment.status === 'booked' && Date.parse(appointment.start) > now;
}

/** The day's list: by start, then by chair so that two at the same time keep their place between refreshes. */
export function dayOrder<T extends Pick<Appointment, 'start' | 'chairId' | 'id'>>(appointments: readonly T[]): T[] {
  return [...appointments].sort(
    (a, b) =>
      Date.parse(a.start) - Date.parse(b.start) || a.chairId.localeCompare(b.chairId) || a.id.localeCompare(b.id),
  );
}

/**
 * The shortest visit each role can be booked for (active types only): a gap shorter than that
 * cannot be filled by anyone of the role, so it is not worth showing.
 */
export function shortestTypeByRole(
  types: readonly Pick<AppointmentType, 'id' | 'durationMinutes' | 'allowedRoles' | 'active'>[],
  roles: readonly string[],
): Map<string, { id: string; durationMinutes: number }> {
  const byRole = new Map<string, { id: string; durationMinutes: number }>();
  for (const role of roles) {
    for (const type of types) {
      if (!type.active || !(type.allowedRoles as readonly string[]).includes(role)) continue;
      const best = byRole.get(role);
      if (!best || type.durationMinutes < best.durationMinutes)
        byRole.set(role, { id: type.id, durationMinutes: type.durationMinutes });
    }
  }
  return byRole;
}

export interface FreeGap {
  providerId: string;
  start: number;
  end: number;
  minutes: number;
}

/**
 * A provider's free stretches from the free slots of their shortest visit: each slot is a time
 * they could start it, so its span is free; overlapping or touching spans (on any chair) make one
 * gap. Only what is still ahead of `from` counts, and only gaps of at least `minMinutes`.
 */
export function freeGaps(
  slots: readonly { start: string; end: string; providerId: string }[],
  minMinutesOf: (providerId: string) => number,
  from: number,
): FreeGap[] {
  const byProvider = new Map<string, { start: number; end: number }[]>();
  for (const slot of slots) {
    const start = Math.max(Date.parse(slot.start), from);
    const end = Date.parse(slot.end);
    if (end <= start) continue;
    const list = byProvider.get(slot.providerId) ?? [];
    list.push({ start, end });
    byProvider.set(slot.providerId, list);
  }
  const gaps: FreeGap[] = [];
  for (const [providerId, spans] of byProvider) {
    spans.sort((a, b) => a.start - b.start);
    let current: { start: number; end: number } | null = null;
    const flush = () => {
      if (!current) return;
      const minutes = Math.round((current.end - current.start) / 60_000);
      if (minutes >= minMinutesOf(providerId)) gaps.push({ providerId, ...current, minutes });
    };
    for (const span of spans) {
      if (current && span.start <= current.end) current.end = Math.max(current.end, span.end);
      else {
        flush();
        current = { ...span };
      }
    }
    flush();
  }
  return gaps.sort((a, b) => a.start - b.start || a.providerId.localeCompare(b.providerId));
}

export const FOLLOW_UP_INTERVALS = ['1w', '2w', '1m', '3m', '6m', '1y'] as const;
export type FollowUpInterval = (typeof FOLLOW_UP_INTERVALS)[number];

/**
 * The day a follow-up falls on: weeks by days; months by the calendar, kept inside a shorter
 * month (31 January + 1 month is 28 or 29 February, not 3 March).
 */
export function followUpDay(from: string, interval: FollowUpInterval): string {
  const count = Number(interval.slice(0, -1));
  const unit = interval.slice(-1);
  if (unit === 'w') return addDays(from, count * 7);
  const months = unit === 'y' ? count * 12 : count;
  const [year, month, day] = from.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString().slice(0, 10);
}

/**
 * The free slot to offer for a follow-up: on the target day if it has one, else the nearest day
 * (a later day before an earlier one as far away), and that day the time closest to the visit's own.
 */
export function nearestSlot<T extends { start: string }>(
  slots: readonly T[],
  targetDay: string,
  preferredMinutes: number,
  timeZone: string,
): T | undefined {
  const target = Date.parse(`${targetDay}T00:00:00Z`);
  let best: { slot: T; score: number } | undefined;
  for (const slot of slots) {
    const wall = wallTimeOf(slot.start, timeZone);
    const days = Math.round((Date.parse(`${wall.day}T00:00:00Z`) - target) / 86_400_000);
    const score = Math.abs(days) * 10_000 + (days < 0 ? 5_000 : 0) + Math.abs(wall.minutes - preferredMinutes);
    if (!best || score < best.score) best = { slot, score };
  }
  return best?.slot;
}
