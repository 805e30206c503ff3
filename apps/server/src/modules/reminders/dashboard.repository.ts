import type { DashboardGranularity } from '@dentalpro/contracts';
import { type RawBuilder, sql } from 'kysely';
import type { Tx } from '../../platform/tenancy.js';
import { outboundMessageStatuses } from '../messaging/delivery.service.js';
import { appointmentOutcomes, recallOutcomes } from '../scheduling/outcomes.service.js';

/**
 * The dashboard's counts, one grouped statement per kind of thing, each period named by its first
 * day in the practice's time zone (`YYYY-MM-DD`). Calendar and WhatsApp data come through their
 * owners' derived tables (scheduling's outcomes, messaging's delivery statuses).
 */

export interface DashboardScope {
  timeZone: string;
  granularity: DashboardGranularity;
  /** Practice-local dates, `to` included. */
  from: string;
  to: string;
  providerId?: string | undefined;
  appointmentTypeId?: string | undefined;
}

/** The period of an instant, where the practice is. */
const periodOf = (column: string, s: DashboardScope) =>
  sql<string>`to_char(date_trunc(${s.granularity}, ${sql.ref(column)} AT TIME ZONE ${s.timeZone}), 'YYYY-MM-DD')`;
/** The start of a practice-local day, as an instant. */
const startOfDay = (date: string, timeZone: string): RawBuilder<Date> =>
  sql<Date>`(${date}::date::timestamp AT TIME ZONE ${timeZone})`;
const count = (filter?: RawBuilder<unknown>) =>
  filter ? sql<number>`(count(*) FILTER (WHERE ${filter}))::int` : sql<number>`count(*)::int`;

/** Reminders handed to WhatsApp in the range, by when, and what WhatsApp last said of their messages. */
export async function reminderCountsByPeriod(tx: Tx, s: DashboardScope, dayAfterTo: string) {
  return (
    tx
      .selectFrom('appointmentReminders as r')
      .innerJoin(appointmentOutcomes(tx).as('a'), 'a.id', 'r.appointmentId')
      .leftJoin(outboundMessageStatuses(tx).as('m'), 'm.id', 'r.messageId')
      .select([
        periodOf('r.stateAt', s).as('period'),
        count().as('sent'),
        count(sql`m.status IN ('delivered', 'read')`).as('delivered'),
        count(sql`m.status = 'read'`).as('read'),
        count(sql`m.status = 'failed'`).as('failed'),
      ])
      .where('r.state', '=', 'sent')
      // By email (the patient not on WhatsApp) they have no WhatsApp status: counted as reminded visits only.
      .where('r.channel', '=', 'whatsapp')
      .where('r.stateAt', '>=', startOfDay(s.from, s.timeZone))
      .where('r.stateAt', '<', startOfDay(dayAfterTo, s.timeZone))
      .$if(Boolean(s.providerId), (q) => q.where('a.providerId', '=', s.providerId!))
      .$if(Boolean(s.appointmentTypeId), (q) => q.where('a.appointmentTypeId', '=', s.appointmentTypeId!))
      .groupBy(sql`1`)
      .execute()
  );
}

/**
 * Appointments starting in the range, by their start: reminded (a reminder of theirs was sent) and
 * of those confirmed; started before `now` and not cancelled, and of those no-shows. Each
 * appointment's facts are read once (one pass over its reminders), then counted.
 */
export async function appointmentCountsByPeriod(tx: Tx, s: DashboardScope, dayAfterTo: string, now: Date) {
  const facts = tx
    .selectFrom(appointmentOutcomes(tx).as('a'))
    .select([
      periodOf('a.startsAt', s).as('period'),
      sql<boolean>`EXISTS (
        SELECT 1 FROM appointment_reminders r
        WHERE r.practice_id = a.practice_id AND r.appointment_id = a.id AND r.state = 'sent'
      )`.as('reminded'),
      'a.wasConfirmed',
      sql<boolean>`a.starts_at < ${now} AND a.status <> 'cancelled'`.as('due'),
      sql<boolean>`a.status = 'no_show'`.as('missed'),
    ])
    .where('a.startsAt', '>=', startOfDay(s.from, s.timeZone))
    .where('a.startsAt', '<', startOfDay(dayAfterTo, s.timeZone))
    .$if(Boolean(s.providerId), (q) => q.where('a.providerId', '=', s.providerId!))
    .$if(Boolean(s.appointmentTypeId), (q) => q.where('a.appointmentTypeId', '=', s.appointmentTypeId!));
  return tx
    .selectFrom(facts.as('f'))
    .select([
      'f.period',
      count(sql`f.reminded`).as('reminded'),
      count(sql`f.reminded AND f.was_confirmed`).as('confirmed'),
      count(sql`f.due`).as('due'),
      count(sql`f.due AND f.missed`).as('noShows'),
    ])
    .groupBy('f.period')
    .execute();
}

/** Recall messages sent on the range's days, and those whose recall was booked (or done) since. */
export async function recallCountsByPeriod(tx: Tx, s: DashboardScope) {
  return tx
    .selectFrom('recallMessages as m')
    .innerJoin(recallOutcomes(tx).as('rc'), 'rc.id', 'm.recallId')
    .select([
      sql<string>`to_char(date_trunc(${s.granularity}, m.sent_on::timestamp), 'YYYY-MM-DD')`.as('period'),
      count().as('sent'),
      count(sql`rc.status IN ('booked', 'done')`).as('booked'),
    ])
    .where('m.state', '=', 'sent')
    .where('m.sentOn', '>=', s.from)
    .where('m.sentOn', '<=', s.to)
    .$if(Boolean(s.providerId), (q) => q.where('rc.providerId', '=', s.providerId!))
    .$if(Boolean(s.appointmentTypeId), (q) => q.where('rc.appointmentTypeId', '=', s.appointmentTypeId!))
    .groupBy(sql`1`)
    .execute();
}

/** Waitlist offers that went in the range, by when, and those accepted (the patient got the time). */
export async function waitlistCountsByPeriod(tx: Tx, s: DashboardScope, dayAfterTo: string) {
  return tx
    .selectFrom('waitlistOffers as o')
    .select([
      periodOf('o.createdAt', s).as('period'),
      count().as('offered'),
      count(sql`o.state = 'accepted'`).as('accepted'),
    ])
    .where('o.createdAt', '>=', startOfDay(s.from, s.timeZone))
    .where('o.createdAt', '<', startOfDay(dayAfterTo, s.timeZone))
    .$if(Boolean(s.providerId), (q) => q.where('o.providerId', '=', s.providerId!))
    .$if(Boolean(s.appointmentTypeId), (q) => q.where('o.appointmentTypeId', '=', s.appointmentTypeId!))
    .groupBy(sql`1`)
    .execute();
}
