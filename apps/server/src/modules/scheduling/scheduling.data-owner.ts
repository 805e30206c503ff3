import { sql } from 'kysely';
import type { Actor } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import type { DataOwner, ErasureOutcome, PatientExport, PurgeInput } from '../../platform/data-owners.js';
import { CLINICAL_RECORDS_DAYS, clinicalRecordsKeptUntil } from '../../platform/retention-dates.js';
import type { Tx } from '../../platform/tenancy.js';
import { patientRetentionFactsIn } from '../patients/retention-facts.service.js';
import { patientVisitFactsIn } from './last-visits.service.js';
import { writeStatusChange } from './status-change.js';

/**
 * Scheduling's rows about patients (appointments, waitlist entries, recalls), and what the
 * calendar does when a patient's record is merged or their death is recorded.
 */
export const schedulingDataOwner: DataOwner = {
  module: 'scheduling',
  movePatient: (tx, { fromPatientId, toPatientId }) => movePatientReferences(tx, fromPatientId, toPatientId),
  async onPatientDeceased(tx, input) {
    const cancelled = await cancelFutureAppointments(tx, { ...input, reason: DECEASED_CANCELLATION_REASON });
    return cancelled.length ? { cancelledAppointmentIds: cancelled } : undefined;
  },
  exportPatient: (tx, { patientId }) => exportScheduling(tx, patientId),
  erasePatient: (tx, input) => eraseScheduling(tx, input),
  retention: () => [
    {
      category: 'appointments',
      description: 'Appointments with their status history (when, with whom, what kind of visit, what became of it)',
      keptFor:
        '11 years after the last visit; for a patient seen as a minor, until the later of their 25th birthday and that',
      why: 'The visits are part of the patient’s healthcare record, which Mauritian healthcare rules require the practice to keep',
      rule: {
        defaultDays: CLINICAL_RECORDS_DAYS,
        floorDays: CLINICAL_RECORDS_DAYS,
        from: 'last_visit',
        tiedTo: 'patient',
      },
    },
    {
      category: 'waitlist_and_recalls',
      description: 'Waitlist entries and recalls (when the patient would like to come, when they are due back)',
      keptFor: 'while the patient is the practice’s patient; deleted at once on a deletion request',
      why: 'To offer the patient a time and remind them of their next check-up',
    },
  ],
  purge: (tx, input) => purgeScheduling(tx, input),
};

/** Stored on each appointment still to come when its patient's data is erased. */
export const ERASURE_CANCELLATION_REASON = 'Cancelled automatically: the patient asked for their data to be erased';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The patient's appointments (each with its status history), waitlist entries and recalls. */
async function exportScheduling(tx: Tx, patientId: string): Promise<PatientExport> {
  const appointments = await tx
    .selectFrom('appointments as a')
    .innerJoin('appointmentTypes as t', 't.id', 'a.appointmentTypeId')
    .innerJoin('chairs as c', 'c.id', 'a.chairId')
    .leftJoin('providers as p', (j) =>
      j.onRef('p.userId', '=', 'a.providerId').onRef('p.practiceId', '=', 'a.practiceId'),
    )
    .select([
      'a.id',
      'a.startsAt',
      'a.endsAt',
      'a.status',
      'a.source',
      'a.notes',
      'a.cancellationReason',
      'a.createdAt',
      't.nameEn as visitType',
      'c.name as chair',
      'p.displayName as provider',
    ])
    .where('a.patientId', '=', patientId)
    .orderBy('a.startsAt')
    .orderBy('a.id')
    .execute();
  const history = appointments.length
    ? await tx
        .selectFrom('appointmentStatusHistory')
        .select(['appointmentId', 'fromStatus', 'toStatus', 'changedAt', 'reason'])
        .where(
          'appointmentId',
          'in',
          appointments.map((a) => a.id),
        )
        .orderBy('changedAt')
        .orderBy('id')
        .execute()
    : [];
  const waitlist = await tx
    .selectFrom('waitlistEntries as w')
    .innerJoin('appointmentTypes as t', 't.id', 'w.appointmentTypeId')
    .leftJoin('providers as p', (j) =>
      j.onRef('p.userId', '=', 'w.providerId').onRef('p.practiceId', '=', 'w.practiceId'),
    )
    .select([
      'w.id',
      't.nameEn as visitType',
      'p.displayName as provider',
      'w.preferredWeekdays',
      'w.preferredStartMinute',
      'w.preferredEndMinute',
      'w.earliest',
      'w.latest',
      'w.notes',
      'w.status',
      'w.createdAt',
    ])
    .where('w.patientId', '=', patientId)
    .orderBy('w.createdAt')
    .execute();
  const recalls = await tx
    .selectFrom('recalls as r')
    .leftJoin('appointmentTypes as t', 't.id', 'r.appointmentTypeId')
    .leftJoin('providers as p', (j) =>
      j.onRef('p.userId', '=', 'r.providerId').onRef('p.practiceId', '=', 'r.practiceId'),
    )
    .select([
      'r.id',
      'r.kind',
      'r.dueDate',
      'r.intervalMonths',
      'r.status',
      'r.notes',
      't.nameEn as visitType',
      'p.displayName as provider',
      'r.createdAt',
    ])
    .where('r.patientId', '=', patientId)
    .orderBy('r.dueDate')
    .execute();
  return {
    appointments: appointments.map((a) => ({
      id: a.id,
      start: a.startsAt.toISOString(),
      end: a.endsAt.toISOString(),
      status: a.status,
      visitType: a.visitType,
      provider: a.provider,
      chair: a.chair,
      bookedThrough: a.source,
      notes: a.notes,
      cancellationReason: a.cancellationReason,
      createdAt: a.createdAt.toISOString(),
      statusHistory: history
        .filter((h) => h.appointmentId === a.id)
        .map((h) => ({ from: h.fromStatus, to: h.toStatus, at: h.changedAt.toISOString(), reason: h.reason })),
    })),
    waitlist: waitlist.map((w) => ({
      id: w.id,
      visitType: w.visitType,
      provider: w.provider,
      preferredWeekdays: w.preferredWeekdays,
      preferredStartMinute: w.preferredStartMinute,
      preferredEndMinute: w.preferredEndMinute,
      earliest: w.earliest,
      latest: w.latest,
      notes: w.notes,
      status: w.status,
      createdAt: iso(w.createdAt),
    })),
    recalls: recalls.map((r) => ({
      id: r.id,
      kind: r.kind,
      dueDate: r.dueDate,
      intervalMonths: r.intervalMonths,
      status: r.status,
      notes: r.notes,
      visitType: r.visitType,
      provider: r.provider,
      createdAt: iso(r.createdAt),
    })),
  };
}

/**
 * A deletion request: the appointments still to come are cancelled (as at the desk: history,
 * audit, the slot free, announced), waitlist entries and recalls are deleted. Past appointments
 * at which the patient was seen are part of the healthcare record: kept until the retention date.
 * A patient never seen keeps their appointments only as figures (no-shows, cancellations), with
 * their free text (notes, reasons) cleared; the record they point at is anonymised by the
 * patients module.
 */
async function eraseScheduling(
  tx: Tx,
  input: { practiceId: string; patientId: string; actor: Actor; now?: Date },
): Promise<ErasureOutcome> {
  const now = input.now ?? new Date();
  const cancelled = await cancelFutureAppointments(tx, { ...input, now, reason: ERASURE_CANCELLATION_REASON });
  const waitlist = await tx.deleteFrom('waitlistEntries').where('patientId', '=', input.patientId).executeTakeFirst();
  const recalls = await tx.deleteFrom('recalls').where('patientId', '=', input.patientId).executeTakeFirst();
  const until = await appointmentsKeptUntil(tx, input.patientId, now);
  const remaining = await tx
    .selectFrom('appointments')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('patientId', '=', input.patientId)
    .executeTakeFirstOrThrow();
  const anonymised = until ? 0 : await clearAppointmentText(tx, [input.patientId], false);
  const kept: ErasureOutcome['kept'] = [];
  if (Number(remaining.n) > 0)
    kept.push(
      until
        ? {
            kind: 'appointments',
            why: {
              en: 'The visits are part of the healthcare record, which Mauritian healthcare rules require the practice to keep for 11 years after the last visit (for a minor, until their 25th birthday if later)',
              fr: 'Les visites font partie du dossier de santé, que les règles de santé de Maurice imposent de garder 11 ans après la dernière visite (pour un mineur, jusqu’à ses 25 ans si c’est plus tard)',
            },
            until,
          }
        : {
            kind: 'appointments',
            why: {
              en: 'You were never seen: your appointments stay only as the practice’s figures (times and statuses), without notes or reasons, and without your name',
              fr: 'Vous n’avez jamais été vu : vos rendez-vous ne restent que comme chiffres du cabinet (heures et états), sans notes, motifs ni nom',
            },
            until: null,
          },
    );
  return {
    erased: {
      appointmentsCancelled: cancelled.length,
      appointmentsAnonymised: anonymised,
      waitlistEntries: Number(waitlist.numDeletedRows),
      recalls: Number(recalls.numDeletedRows),
    },
    kept,
    labels: {
      appointmentsCancelled: { en: 'Your appointments to come (cancelled)', fr: 'Vos rendez-vous à venir (annulés)' },
      appointmentsAnonymised: { en: 'Notes on your appointments', fr: 'Les notes sur vos rendez-vous' },
      waitlistEntries: { en: 'Your waiting-list entries', fr: 'Vos inscriptions sur la liste d’attente' },
      recalls: { en: 'Your check-up recalls', fr: 'Vos rappels de contrôle' },
      appointments: { en: 'Your appointments', fr: 'Vos rendez-vous' },
    },
  };
}

/** The day the patient's visits may go: 11 years after the last (minors: 25th birthday if later); null if never seen. */
async function appointmentsKeptUntil(tx: Tx, patientId: string, now: Date): Promise<string | null> {
  const [visits, [facts]] = await Promise.all([
    patientVisitFactsIn(tx, { now, patientIds: [patientId] }),
    patientRetentionFactsIn(tx, { patientIds: [patientId] }),
  ]);
  const lastVisit = visits.get(patientId)?.lastVisitAt?.toISOString().slice(0, 10) ?? null;
  return clinicalRecordsKeptUntil({ lastVisit, dateOfBirth: facts?.dateOfBirth ?? null });
}

/**
 * Clears what patients' appointments say in words (notes, cancellation and overbooking reasons,
 * the reasons in their status history), keeping times and statuses for the figures. Returns how
 * many appointments had any; with `dryRun` only counts.
 */
async function clearAppointmentText(tx: Tx, patientIds: readonly string[], dryRun: boolean): Promise<number> {
  if (patientIds.length === 0) return 0;
  const withText = await tx
    .selectFrom('appointments as a')
    .select('a.id')
    .where('a.patientId', 'in', [...patientIds])
    .where((eb) =>
      eb.or([
        eb('a.notes', '<>', ''),
        eb('a.cancellationReason', '<>', ''),
        eb('a.overbookReason', 'is not', null),
        eb.exists(
          eb
            .selectFrom('appointmentStatusHistory as h')
            .select('h.id')
            .whereRef('h.appointmentId', '=', 'a.id')
            .where('h.reason', 'is not', null),
        ),
      ]),
    )
    .execute();
  if (dryRun || withText.length === 0) return withText.length;
  const ids = withText.map((a) => a.id);
  await tx
    .updateTable('appointments')
    // A cancelled appointment keeps an empty reason (the table requires one).
    .set({
      notes: '',
      cancellationReason: sql<string | null>`CASE WHEN status = 'cancelled' THEN '' END`,
      overbookReason: null,
    })
    .where('id', 'in', ids)
    .execute();
  await tx.updateTable('appointmentStatusHistory').set({ reason: null }).where('appointmentId', 'in', ids).execute();
  return ids.length;
}

/**
 * The retention job, category `appointments`: the patients whose time is up keep their
 * appointments as figures only (their words cleared); the patients module then anonymises the
 * record they point at. Held patients are never touched.
 */
async function purgeScheduling(tx: Tx, input: PurgeInput): Promise<{ count: number }> {
  if (input.category !== 'appointments') return { count: 0 };
  const held = new Set(input.heldPatientIds);
  const due = input.patientIds.filter((id) => !held.has(id));
  return { count: await clearAppointmentText(tx, due, input.dryRun) };
}

/** Stored on each appointment cancelled because its patient died. */
export const DECEASED_CANCELLATION_REASON = 'Cancelled automatically: the patient was recorded as deceased';

/**
 * Re-points scheduling's rows from one patient to another, for the patients module's merge
 * (inside its transaction): appointments, waitlist entries and recalls. Where both patients have
 * an open recall of the same kind, the survivor's stays and the other is cancelled (one open
 * recall of a kind per patient).
 */
export async function movePatientReferences(tx: Tx, fromPatientId: string, toPatientId: string): Promise<void> {
  await tx
    .updateTable('appointments')
    .set({ patientId: toPatientId, updatedAt: new Date() })
    .where('patientId', '=', fromPatientId)
    .execute();
  await tx
    .updateTable('waitlistEntries')
    .set({ patientId: toPatientId })
    .where('patientId', '=', fromPatientId)
    .execute();
  await tx
    .updateTable('recalls')
    .set({ status: 'cancelled' })
    .where('patientId', '=', fromPatientId)
    .where('status', '=', 'due')
    .where('kind', 'in', (eb) =>
      eb.selectFrom('recalls').select('kind').where('patientId', '=', toPatientId).where('status', '=', 'due'),
    )
    .execute();
  await tx.updateTable('recalls').set({ patientId: toPatientId }).where('patientId', '=', fromPatientId).execute();
}

/**
 * A patient has died: their appointments still to come (booked or confirmed, starting after
 * `now`) are cancelled, each exactly as a cancellation at the desk is written (status history,
 * audit event, the slot free at once). The actor is whoever recorded the death, whatever their
 * calendar rights: the cancellations are part of that change. Returns the ids cancelled, in time
 * order. Their holds are released. Waitlist entries and recalls stay as they are; their lists
 * leave deceased patients out.
 */
export async function cancelFutureAppointments(
  tx: Tx,
  input: { practiceId: string; patientId: string; actor: Actor; reason: string; now: Date },
): Promise<string[]> {
  const rows = await tx
    .selectFrom('appointments')
    .select(['id', 'status'])
    .where('patientId', '=', input.patientId)
    .where('status', 'in', ['booked', 'confirmed'])
    .where('startsAt', '>', input.now)
    .orderBy('startsAt')
    .orderBy('id')
    .forUpdate()
    .execute();
  for (const row of rows) {
    await writeStatusChange(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      appointmentId: row.id,
      from: row.status,
      to: 'cancelled',
      reason: input.reason,
    });
  }
  // Slots held for them (a booking in progress) are given back now rather than left to lapse.
  const released = await tx
    .deleteFrom('appointments')
    .where('patientId', '=', input.patientId)
    .where('status', '=', 'held')
    .returning('id')
    .execute();
  for (const { id } of released) {
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'appointment.hold_released',
      targetType: 'appointment',
      targetId: id,
      changes: { reason: 'patient_deceased' },
    });
  }
  return rows.map((r) => r.id);
}
