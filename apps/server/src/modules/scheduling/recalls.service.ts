import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice, practiceTimeZone } from '../../platform/tenancy.js';
import { findPatientIn, patientDirectory } from '../patients/patients.service.js';
import { wallClock } from './booking-rules.js';
import { changedFields } from './settings.service.js';

/**
 * Recalls: when a patient is next due (a six-monthly check-up), optionally for which visit and
 * with whom. The recall list is the front desk's call list: due by a date or in a month, by
 * provider, by when the patient was last seen.
 */

type RecallStatus = 'due' | 'booked' | 'done' | 'cancelled';

/**
 * Today's date where the practice is. The database's current_date follows the session's time
 * zone (UTC on our servers), where it is still yesterday until 04:00 in Mauritius.
 */
export async function practiceToday(tx: Tx, practiceId: string, now: Date): Promise<string> {
  return wallClock(now, await practiceTimeZone(tx, practiceId)).date;
}

export async function requirePatient(tx: Tx, patientId: string) {
  if (!(await findPatientIn(tx, patientId))) throw new AppError('patient_not_found');
}

/** The visit type (when given) and the provider (when given) are the practice's. */
export async function requireTypeAndProvider(tx: Tx, appointmentTypeId: string | null, providerId: string | null) {
  if (
    appointmentTypeId &&
    !(await tx.selectFrom('appointmentTypes').select('id').where('id', '=', appointmentTypeId).executeTakeFirst())
  )
    throw new AppError('appointment_type_not_found');
  if (
    providerId &&
    !(await tx.selectFrom('providers').select('userId').where('userId', '=', providerId).executeTakeFirst())
  )
    throw new AppError('provider_not_found');
}

/** Sets when a patient is next due; replaces their open recall of the same kind. */
export async function setRecall(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    recall: {
      patientId: string;
      kind: 'checkup' | 'hygiene' | 'review' | 'other';
      dueDate: string;
      intervalMonths: number | null;
      notes: string;
      appointmentTypeId?: string | null;
      providerId?: string | null;
    };
  },
) {
  requirePermission(input.actor, 'calendar:write');
  const r = input.recall;
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    await requirePatient(tx, r.patientId);
    await requireTypeAndProvider(tx, r.appointmentTypeId ?? null, r.providerId ?? null);
    await tx
      .updateTable('recalls')
      .set({ status: 'cancelled' })
      .where('patientId', '=', r.patientId)
      .where('kind', '=', r.kind)
      .where('status', '=', 'due')
      .execute();
    const row = await tx
      .insertInto('recalls')
      .values({
        practiceId: input.practiceId,
        patientId: r.patientId,
        kind: r.kind,
        dueDate: r.dueDate,
        intervalMonths: r.intervalMonths,
        notes: r.notes,
        appointmentTypeId: r.appointmentTypeId ?? null,
        providerId: r.providerId ?? null,
      })
      .returning(['id'])
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'recall.set',
      targetType: 'recall',
      targetId: row.id,
      changes: { patientId: r.patientId, kind: r.kind, dueDate: r.dueDate },
    });
    return loadRecall(tx, row.id, new Date());
  });
}

/**
 * Recalls with their patient's name and phone and the patient's last visit: the start of their
 * latest completed appointment before `now`, and its provider (one index-ordered row per recall).
 */
function recallsWithLastVisit(tx: Tx, now: Date) {
  return tx
    .selectFrom('recalls')
    .innerJoin(patientDirectory(tx).as('patients'), 'patients.id', 'recalls.patientId')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('appointments')
          .select(['appointments.startsAt as at', 'appointments.providerId as providerId'])
          .whereRef('appointments.patientId', '=', 'recalls.patientId')
          .where('appointments.status', '=', 'completed')
          .where('appointments.startsAt', '<=', now)
          .orderBy('appointments.startsAt', 'desc')
          .limit(1)
          .as('lastVisit'),
      (join) => join.onTrue(),
    )
    .select([
      'recalls.id',
      'recalls.patientId',
      'recalls.kind',
      'recalls.dueDate',
      'recalls.intervalMonths',
      'recalls.status',
      'recalls.notes',
      'recalls.appointmentTypeId',
      'recalls.providerId',
      'patients.name as patientName',
      'patients.phone as patientPhone',
      'lastVisit.at as lastVisitAt',
      'lastVisit.providerId as lastVisitProviderId',
    ]);
}

type RecallRow = Awaited<ReturnType<ReturnType<typeof recallsWithLastVisit>['executeTakeFirstOrThrow']>>;

function toRecall(row: RecallRow) {
  return { ...row, lastVisitAt: row.lastVisitAt ? new Date(row.lastVisitAt).toISOString() : null };
}

/**
 * Patients due for recall, soonest first, with what is needed to contact and book them. Due (and
 * open: due or booked) recalls go by a date, today where the practice is unless given, and list
 * only patients still active (not archived, not deceased). `dueFrom` with `dueBefore` gives a
 * month; `providerId` is the recall's provider or, when it names none, the last visit's;
 * `lastVisitBefore` keeps patients last seen before that date (the practice's) or never seen.
 */
export async function listRecalls(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    status: RecallStatus | 'open';
    dueFrom?: string;
    dueBefore?: string;
    providerId?: string;
    lastVisitBefore?: string;
    /** The page: at most `limit` recalls (1000 unless told) from `offset` on. */
    limit?: number;
    offset?: number;
    now?: Date;
  },
) {
  requirePermission(input.actor, 'calendar:read');
  const now = input.now ?? new Date();
  const limit = input.limit ?? 1000;
  const offset = input.offset ?? 0;
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const open = input.status === 'due' || input.status === 'open';
    let q = recallsWithLastVisit(tx, now)
      .where('recalls.status', 'in', input.status === 'open' ? ['due', 'booked'] : [input.status])
      .orderBy('recalls.dueDate')
      .orderBy('patients.name')
      .orderBy('recalls.id');
    const dueBefore = input.dueBefore ?? (open ? await practiceToday(tx, input.practiceId, now) : undefined);
    if (dueBefore) q = q.where('recalls.dueDate', '<=', dueBefore);
    if (input.dueFrom) q = q.where('recalls.dueDate', '>=', input.dueFrom);
    if (open) q = q.where('patients.status', '=', 'active');
    if (input.providerId) {
      const providerId = input.providerId;
      q = q.where((eb) => eb(eb.fn.coalesce('recalls.providerId', 'lastVisit.providerId'), '=', providerId));
    }
    if (input.lastVisitBefore) {
      const timeZone = await practiceTimeZone(tx, input.practiceId);
      const before = input.lastVisitBefore;
      q = q.where((eb) =>
        eb.or([
          eb('lastVisit.at', 'is', null),
          eb(sql`(${eb.ref('lastVisit.at')} AT TIME ZONE ${timeZone})::date`, '<', sql`${before}::date`),
        ]),
      );
    }
    // The count over the same conditions, in the same statement (taken before the page is cut).
    const counted = q.select(sql<string>`count(*) over ()`.as('total'));
    const rows = await counted.limit(limit).offset(offset).execute();
    // A page past the end has no row to carry the count: ask the first row for it.
    const total = Number(
      rows[0]?.total ?? (offset > 0 ? ((await counted.limit(1).executeTakeFirst())?.total ?? 0) : 0),
    );
    return {
      items: rows.map(({ total: _total, ...row }) => toRecall(row)),
      total,
      nextOffset: offset + rows.length < total ? offset + rows.length : null,
    };
  });
}

/**
 * The recall is found first (another practice's id is not found); a patch that changes nothing
 * answers it as it is, with nothing written or audited, as every edit of the calendar does.
 * Made due again, it replaces the patient's open recall of its kind, as setting one does.
 */
export async function updateRecall(
  ctx: AppContext,
  input: {
    actor: Actor;
    practiceId: string;
    recallId: string;
    patch: { status?: RecallStatus; dueDate?: string };
  },
) {
  requirePermission(input.actor, 'calendar:write');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const before = await tx
      .selectFrom('recalls')
      .select(['id', 'patientId', 'kind', 'status', 'dueDate'])
      .where('id', '=', input.recallId)
      .forUpdate()
      .executeTakeFirst();
    if (!before) throw new AppError('not_found', { detail: 'No such recall' });
    const fields = changedFields({ status: before.status, dueDate: before.dueDate }, input.patch);
    if (fields.length === 0) return loadRecall(tx, before.id, new Date());
    const changes = Object.fromEntries(fields.map((f) => [f, input.patch[f as keyof typeof input.patch]]));
    if (changes.status === 'due') {
      await tx
        .updateTable('recalls')
        .set({ status: 'cancelled' })
        .where('patientId', '=', before.patientId)
        .where('kind', '=', before.kind)
        .where('status', '=', 'due')
        .where('id', '!=', before.id)
        .execute();
    }
    await tx.updateTable('recalls').set(changes).where('id', '=', before.id).execute();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'recall.updated',
      targetType: 'recall',
      targetId: before.id,
      changes,
    });
    return loadRecall(tx, before.id, new Date());
  });
}

async function loadRecall(tx: Tx, id: string, now: Date) {
  return toRecall(await recallsWithLastVisit(tx, now).where('recalls.id', '=', id).executeTakeFirstOrThrow());
}

export interface DueRecall {
  id: string;
  patientId: string;
  kind: 'checkup' | 'hygiene' | 'review' | 'other';
  dueDate: string;
  appointmentTypeId: string | null;
  providerId: string | null;
}

/**
 * The practice's recalls still due on or before `dueBy` (a practice-local date), oldest due first,
 * in the caller's transaction (bound to the practice): the reminders' daily recall run. Patients
 * no longer active are left out.
 */
export async function dueRecallsIn(tx: Tx, input: { dueBy: string; limit: number }): Promise<DueRecall[]> {
  return tx
    .selectFrom('recalls')
    .innerJoin(patientDirectory(tx).as('patients'), 'patients.id', 'recalls.patientId')
    .select([
      'recalls.id',
      'recalls.patientId',
      'recalls.kind',
      'recalls.dueDate',
      'recalls.appointmentTypeId',
      'recalls.providerId',
    ])
    .where('recalls.status', '=', 'due')
    .where('recalls.dueDate', '<=', input.dueBy)
    .where('patients.status', '=', 'active')
    .orderBy('recalls.dueDate')
    .orderBy('recalls.id')
    .limit(input.limit)
    .execute();
}

/** Some recalls by id (any status), in the caller's transaction: a recall message's reply reads its recall. */
export async function recallsByIdIn(
  tx: Tx,
  ids: readonly string[],
): Promise<Map<string, DueRecall & { status: RecallStatus }>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('recalls')
    .select(['id', 'patientId', 'kind', 'dueDate', 'appointmentTypeId', 'providerId', 'status'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}
