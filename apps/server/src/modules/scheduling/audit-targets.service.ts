import { sql } from 'kysely';
import type { Tx } from '../../platform/tenancy.js';
import { wallClock } from './booking-rules.js';

/**
 * What the audit trail asks of scheduling: its rows by id, as they are now, to name the targets of
 * a page of events. Each takes a transaction bound to the practice (row-level security keeps other
 * practices' rows out) and the ids of one page, and returns what it found; a row deleted since is
 * simply missing.
 */

const distinct = (ids: string[]) => [...new Set(ids)];

/** The practice's calendar day of an instant, as the calendar's ?date= takes it. */
export const calendarDayOf = (instant: Date, timeZone: string) => wallClock(instant, timeZone).date;

export async function appointmentsIn(tx: Tx, ids: string[]) {
  if (ids.length === 0) return new Map<string, { patientId: string | null; start: Date; status: string }>();
  const rows = await tx
    .selectFrom('appointments')
    .select(['id', 'patientId', 'startsAt', 'status'])
    .where('id', 'in', distinct(ids))
    .execute();
  return new Map(rows.map((r) => [r.id, { patientId: r.patientId, start: r.startsAt, status: r.status }]));
}

export async function chairsIn(tx: Tx, ids: string[]) {
  if (ids.length === 0) return new Map<string, { name: string; active: boolean }>();
  const rows = await tx
    .selectFrom('chairs')
    .select(['id', 'name', 'active'])
    .where('id', 'in', distinct(ids))
    .execute();
  return new Map(rows.map((r) => [r.id, { name: r.name, active: r.active }]));
}

export async function appointmentTypesIn(tx: Tx, ids: string[]) {
  if (ids.length === 0) return new Map<string, { nameEn: string; nameFr: string; active: boolean }>();
  const rows = await tx
    .selectFrom('appointmentTypes')
    .select(['id', 'nameEn', 'nameFr', 'active'])
    .where('id', 'in', distinct(ids))
    .execute();
  return new Map(rows.map((r) => [r.id, { nameEn: r.nameEn, nameFr: r.nameFr, active: r.active }]));
}

/** Providers by their user id. */
export async function providersIn(tx: Tx, userIds: string[]) {
  if (userIds.length === 0) return new Map<string, { displayName: string; active: boolean }>();
  const rows = await tx
    .selectFrom('providers')
    .select(['userId', 'displayName', 'active'])
    .where('userId', 'in', distinct(userIds))
    .execute();
  return new Map(rows.map((r) => [r.userId, { displayName: r.displayName, active: r.active }]));
}

export async function closuresIn(tx: Tx, ids: string[]) {
  if (ids.length === 0) return new Map<string, { reason: string; start: Date }>();
  const rows = await tx
    .selectFrom('closures')
    .select(['id', 'reason', sql<Date>`lower(period)`.as('start')])
    .where('id', 'in', distinct(ids))
    .execute();
  return new Map(rows.map((r) => [r.id, { reason: r.reason, start: new Date(r.start) }]));
}

/** Blocks: who or what is blocked and from when (the note, free text, is left out). */
export async function blocksIn(tx: Tx, ids: string[]) {
  if (ids.length === 0) return new Map<string, { providerId: string | null; chairId: string | null; start: Date }>();
  const rows = await tx
    .selectFrom('blocks')
    .select(['id', 'providerId', 'chairId', sql<Date>`lower(period)`.as('start')])
    .where('id', 'in', distinct(ids))
    .execute();
  return new Map(rows.map((r) => [r.id, { providerId: r.providerId, chairId: r.chairId, start: new Date(r.start) }]));
}

export async function holidaysIn(tx: Tx, ids: string[]) {
  if (ids.length === 0) return new Map<string, { date: string; nameEn: string; nameFr: string }>();
  const rows = await tx
    .selectFrom('publicHolidays')
    .select(['id', 'date', 'nameEn', 'nameFr'])
    .where('id', 'in', distinct(ids))
    .execute();
  return new Map(rows.map((r) => [r.id, { date: r.date, nameEn: r.nameEn, nameFr: r.nameFr }]));
}

/** Recalls and waiting list entries, by the patient they are for (their notes are left out). */
export async function recallPatientsIn(tx: Tx, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await tx.selectFrom('recalls').select(['id', 'patientId']).where('id', 'in', distinct(ids)).execute();
  return new Map(rows.map((r) => [r.id, r.patientId]));
}

export async function waitlistPatientsIn(tx: Tx, ids: string[]) {
  if (ids.length === 0) return new Map<string, string>();
  const rows = await tx
    .selectFrom('waitlistEntries')
    .select(['id', 'patientId'])
    .where('id', 'in', distinct(ids))
    .execute();
  return new Map(rows.map((r) => [r.id, r.patientId]));
}

/** A patient's appointments (ids), for the trail's filter by patient. */
export async function appointmentIdsOfPatient(tx: Tx, patientId: string): Promise<string[]> {
  const rows = await tx.selectFrom('appointments').select('id').where('patientId', '=', patientId).execute();
  return rows.map((r) => r.id);
}
