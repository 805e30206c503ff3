import { tzOffset } from '@date-fns/tz';
import { sql } from 'kysely';
import type { Tx } from '../../platform/tenancy.js';
import { type AppointmentFacts, appointmentFactsIn } from './appointment-facts.service.js';
import { wallClock } from './booking-rules.js';
import { patientVisitFactsIn } from './last-visits.service.js';

/**
 * A practice day as the providers' daily agenda reads it (notifications): each provider's
 * appointments with a patient that start that day, with the visit type's and the chair's names,
 * and whether the day is closed (a public holiday, a weekday without opening hours, or closures
 * over all of its opening hours). In the caller's transaction bound to the practice.
 */

export interface DayAppointment extends AppointmentFacts {
  patientId: string;
  providerName: string;
  appointmentTypeName: { en: string; fr: string };
  chairName: string;
  /** The patient has no visit that took place before this day. */
  firstVisit: boolean;
}

/** Statuses of an appointment that is (still) part of the day: not held, cancelled or a no-show. */
const OF_THE_DAY = ['booked', 'confirmed', 'arrived', 'in_chair', 'completed'] as const;

/** [start, end) of a practice-local date, as instants. */
export function localDayBounds(day: string, timeZone: string): { start: Date; end: Date } {
  const at = (date: string) => {
    const midnightUtc = Date.parse(`${date}T00:00:00Z`);
    // The offset at local midnight (read at the UTC midnight, then once more at the result: DST days).
    const first = midnightUtc - tzOffset(timeZone, new Date(midnightUtc)) * 60_000;
    return new Date(midnightUtc - tzOffset(timeZone, new Date(first)) * 60_000);
  };
  const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  return { start: at(day), end: at(next) };
}

/** The appointments with a patient starting in [start, end), of every provider or one, soonest first. */
export async function dayAppointmentsIn(
  tx: Tx,
  input: { practiceId: string; start: Date; end: Date; providerId?: string | null },
): Promise<DayAppointment[]> {
  let query = tx
    .selectFrom('appointments')
    .innerJoin('providers', (join) =>
      join
        .onRef('providers.practiceId', '=', 'appointments.practiceId')
        .onRef('providers.userId', '=', 'appointments.providerId'),
    )
    .innerJoin('appointmentTypes', 'appointmentTypes.id', 'appointments.appointmentTypeId')
    .innerJoin('chairs', 'chairs.id', 'appointments.chairId')
    .select([
      'appointments.id',
      'providers.displayName',
      'appointmentTypes.nameEn',
      'appointmentTypes.nameFr',
      'chairs.name as chairName',
    ])
    .where('appointments.practiceId', '=', input.practiceId)
    .where('appointments.status', 'in', [...OF_THE_DAY])
    .where('appointments.patientId', 'is not', null)
    .where('appointments.startsAt', '>=', input.start)
    .where('appointments.startsAt', '<', input.end);
  if (input.providerId) query = query.where('appointments.providerId', '=', input.providerId);
  const rows = await query.orderBy('appointments.startsAt').orderBy('appointments.id').execute();
  const facts = await appointmentFactsIn(
    tx,
    rows.map((r) => r.id),
  );
  const patientIds = [...facts.values()].flatMap((f) => (f.patientId ? [f.patientId] : []));
  const visits = await patientVisitFactsIn(tx, { now: input.start, patientIds });
  return rows.flatMap((r) => {
    const fact = facts.get(r.id);
    if (!fact?.patientId) return [];
    const lastVisitAt = visits.get(fact.patientId)?.lastVisitAt ?? null;
    return [
      {
        ...fact,
        patientId: fact.patientId,
        providerName: r.displayName,
        appointmentTypeName: { en: r.nameEn, fr: r.nameFr },
        chairName: r.chairName,
        firstVisit: lastVisitAt === null || lastVisitAt.getTime() >= input.start.getTime(),
      },
    ];
  });
}

/**
 * Whether the practice is closed all of a local date: a public holiday, no opening hours that
 * weekday (when it has opening hours at all), or closures over every opening interval of the day.
 */
export async function closedAllDayIn(
  tx: Tx,
  input: { practiceId: string; day: string; timeZone: string },
): Promise<boolean> {
  const { start, end } = localDayBounds(input.day, input.timeZone);
  const [holiday, hours, closures] = await Promise.all([
    tx
      .selectFrom('publicHolidays')
      .select('id')
      .where('practiceId', '=', input.practiceId)
      .where('date', '=', input.day)
      .executeTakeFirst(),
    tx
      .selectFrom('openingHours')
      .select(['weekday', 'startMinute', 'endMinute'])
      .where('practiceId', '=', input.practiceId)
      .execute(),
    tx
      .selectFrom('closures')
      .select([sql<Date>`lower(period)`.as('startsAt'), sql<Date>`upper(period)`.as('endsAt')])
      .where('practiceId', '=', input.practiceId)
      .where(sql<boolean>`period && tstzrange(${start}, ${end})`)
      .execute(),
  ]);
  if (holiday) return true;
  if (hours.length === 0)
    return closures.some(
      (c) => new Date(c.startsAt).getTime() <= start.getTime() && new Date(c.endsAt).getTime() >= end.getTime(),
    );
  const { weekday } = wallClock(new Date(start.getTime() + 12 * 3_600_000), input.timeZone);
  const open = hours.filter((h) => h.weekday === weekday);
  if (open.length === 0) return true;
  let parts: [number, number][] = open.map((h) => [
    start.getTime() + h.startMinute * 60_000,
    start.getTime() + h.endMinute * 60_000,
  ]);
  for (const c of closures) {
    const [from, to] = [new Date(c.startsAt).getTime(), new Date(c.endsAt).getTime()];
    parts = parts.flatMap(([s, e]): [number, number][] =>
      to <= s || from >= e
        ? [[s, e]]
        : [...(from > s ? [[s, from] as [number, number]] : []), ...(to < e ? [[to, e] as [number, number]] : [])],
    );
  }
  return parts.length === 0;
}

/** Whether a member is one of the practice's providers (only providers have a day of their own). */
export async function isProviderIn(tx: Tx, input: { practiceId: string; userId: string }): Promise<boolean> {
  const row = await tx
    .selectFrom('providers')
    .select('userId')
    .where('practiceId', '=', input.practiceId)
    .where('userId', '=', input.userId)
    .executeTakeFirst();
  return row !== undefined;
}
