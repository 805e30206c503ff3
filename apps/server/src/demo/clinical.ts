import type { AppContext } from '../context.js';
import { type Actor, systemActor } from '../platform/access.js';
import { recordAudit } from '../platform/audit.js';
import { inPractice } from '../platform/tenancy.js';
import { localToday } from '../modules/clinical/patient-record.js';
import { addFinding } from '../modules/clinical/chart.service.js';
import { uploadAttachment } from '../modules/clinical/attachments.service.js';
import { addAddendum, createNote, signNote } from '../modules/clinical/notes.service.js';
import { importDefaultProcedures, listPriceList } from '../modules/clinical/price-list.service.js';
import {
  addTreatmentItem,
  createTreatmentPlan,
  setTreatmentItemStatus,
  updateTreatmentPlan,
} from '../modules/clinical/treatment-plans.service.js';
import { replaceMedicalAlerts } from '../modules/patients/alerts.service.js';
import { ADULT_ALERTS, CHILD_ALERTS, type PlanSpec, adultMouth, childMouth, noteBody, teenMouth } from './dentition.js';
import { bitewingPng, referralLetterPdf } from './documents.js';
import { type SeededRandom, seededRandom } from './random.js';

/**
 * Demo clinical records for 32 of the demo patients: medical alerts, tooth charts (caries,
 * restorations, crowns, missing and extracted teeth, root canal treatment, implants; primary
 * teeth for young children), treatment plans priced from the default price list (items planned,
 * accepted, declined or completed — completing one charts its result), and notes for their past
 * visits (most signed, two drafts, one with an addendum). Everything goes through the clinical
 * services, as the staff would write it: sealed, audited, checked. Runs once per practice (the
 * demo.clinical_seeded event marks it), and leaves alone a patient who already has a record.
 */

const TZ = 'Indian/Mauritius';
const DAY = 86_400_000;
type Random = SeededRandom;
type Staff = { ownerId: string; dentistId: string; hygienistId: string };

/** Plans take these in turn, so every stage shows whatever the dice say. */
const PROGRESS = ['in_progress', 'proposed', 'done', 'accepted', 'in_progress'] as const;
interface Visit {
  id: string;
  patientId: string;
  providerId: string;
  startsAt: Date;
  type: string;
}

/** What every step of the seeding needs. */
interface Seeding {
  ctx: AppContext;
  practiceId: string;
  staff: Staff;
  actors: Map<string, Actor>;
  procedureIds: Map<string, string>;
  random: Random;
  counts: { patients: number; alerts: number; findings: number; plans: number; notes: number };
}
type SeededNote = { id: string; patientId: string; author: Actor; visitDate: string; type: string; writtenAt: Date };

/** A past visit's note is written half an hour after the visit starts and signed two hours after. */
const WRITTEN_AFTER_MS = 30 * 60_000;
const SIGNED_AFTER_MS = 2 * 60 * 60_000;

/** seeded before? → price list → choose patients → each one's record → sign the notes → mark it done. */
export async function seedDemoClinical(ctx: AppContext, practiceId: string, staff: Staff) {
  const seededBefore = await inPractice(ctx.db, practiceId, (tx) =>
    tx.selectFrom('auditEvents').select('id').where('action', '=', 'demo.clinical_seeded').limit(1).executeTakeFirst(),
  );
  if (seededBefore) return { seeded: false };
  const actors = new Map<string, Actor>([
    [staff.ownerId, { userId: staff.ownerId, role: 'owner', ip: null, requestId: 'demo seed' }],
    [staff.dentistId, { userId: staff.dentistId, role: 'dentist', ip: null, requestId: 'demo seed' }],
    [staff.hygienistId, { userId: staff.hygienistId, role: 'hygienist', ip: null, requestId: 'demo seed' }],
  ]);
  const owner = actors.get(staff.ownerId)!;
  await importDefaultProcedures(ctx, { actor: owner, practiceId });
  const procedureIds = new Map((await listPriceList(ctx, { actor: owner, practiceId })).map((p) => [p.code, p.id]));
  const { patients, visits } = await loadDemoPatients(ctx, practiceId);
  const random = seededRandom(3107);
  const chosen = choosePatients(patients, visits, random);
  const seeding: Seeding = {
    ctx,
    practiceId,
    staff,
    actors,
    procedureIds,
    random,
    counts: { patients: chosen.length, alerts: 0, findings: 0, plans: 0, notes: 0 },
  };

  const notes: SeededNote[] = [];
  // The first adult's chart has a bit of everything (the demo's tour, and what its test checks).
  const showcase = chosen.find((p) => ageOf(p) >= 18);
  for (const patient of chosen)
    notes.push(...(await seedPatientRecord(seeding, patient, visits.get(patient.id) ?? [], patient === showcase)));
  const signed = await signNotes(seeding, notes);
  const documents = await seedDocuments(seeding, chosen.filter((p) => ageOf(p) >= 12).slice(0, 6), visits, showcase);

  const summary = { ...seeding.counts, signedNotes: signed, draftNotes: notes.length - signed, documents };
  await inPractice(ctx.db, practiceId, (tx) =>
    recordAudit(tx, {
      practiceId,
      actor: systemActor('demo seed'),
      action: 'demo.clinical_seeded',
      targetType: 'practice',
      targetId: practiceId,
      changes: summary,
    }),
  );
  return { seeded: true, ...summary };
}

/** 24 patients seen in the past two weeks and 8 others, at least three of them young children (primary teeth). */
function choosePatients<P extends { id: string; dateOfBirth: string | null }>(
  patients: P[],
  visits: Map<string, Visit[]>,
  random: Random,
): P[] {
  const withVisits = shuffled(
    patients.filter((p) => visits.has(p.id)),
    random,
  );
  const without = shuffled(
    patients.filter((p) => !visits.has(p.id)),
    random,
  );
  const chosen = [...withVisits.slice(0, 24), ...without.slice(0, 8)];
  const isYoungChild = (p: P) => ageOf(p) < 11;
  const moreChildren = [...withVisits.slice(24), ...without.slice(8)].filter(isYoungChild);
  for (let i = chosen.length - 1; i >= 0 && chosen.filter(isYoungChild).length < 3 && moreChildren.length > 0; i--) {
    if (!isYoungChild(chosen[i]!)) chosen[i] = moreChildren.shift()!;
  }
  return chosen;
}

/** One patient: alerts (for some) → chart → plans → a draft note for each of the last two visits. */
async function seedPatientRecord(
  s: Seeding,
  patient: { id: string; dateOfBirth: string | null },
  visits: Visit[],
  showcase: boolean,
): Promise<SeededNote[]> {
  const { ctx, random, counts } = s;
  const call = { practiceId: s.practiceId, patientId: patient.id };
  const age = ageOf(patient);
  const lastVisits = visits.slice(-2);
  const lastSeen = lastVisits.at(-1)?.startsAt;
  const recentDays = lastSeen ? Math.max(1, Math.floor((Date.now() - lastSeen.getTime()) / DAY)) : random.int(20, 90);
  const dentist = s.actors.get(s.staff.dentistId)!;
  // Charted and planned by the dentist who saw them (the hygienist's patients by Dr Lagesse).
  const clinician =
    s.actors.get(lastVisits.find((v) => v.providerId !== s.staff.hygienistId)?.providerId ?? s.staff.dentistId) ??
    dentist;

  if (random.chance(0.45)) {
    await replaceMedicalAlerts(ctx, {
      ...call,
      actor: clinician,
      alerts: random.pick(age < 16 ? CHILD_ALERTS : ADULT_ALERTS),
    });
    counts.alerts++;
  }
  const mouth =
    age < 11
      ? childMouth(random, age, recentDays)
      : age < 18
        ? teenMouth(random, recentDays)
        : adultMouth(random, recentDays, showcase);
  for (const f of mouth.findings) {
    const observedAt = new Date(Date.now() - f.daysAgo * DAY).toISOString();
    await addFinding(ctx, {
      ...call,
      actor: clinician,
      finding: {
        tooth: f.tooth,
        kind: f.kind,
        surfaces: f.surfaces,
        material: f.material ?? null,
        note: f.note,
        observedAt,
      },
    });
    counts.findings++;
  }
  for (const plan of mouth.plans) {
    await seedPlan(
      ctx,
      { ...call, actor: clinician },
      { ...plan, progress: plan.progress ?? PROGRESS[counts.plans % PROGRESS.length]! },
      s.procedureIds,
    );
    counts.plans++;
  }
  const notes: SeededNote[] = [];
  for (const visit of lastVisits) {
    const author = s.actors.get(visit.providerId) ?? dentist;
    const visitDate = localToday(TZ, visit.startsAt);
    const writtenAt = new Date(visit.startsAt.getTime() + WRITTEN_AFTER_MS);
    const note = await createNote(ctx, {
      ...call,
      actor: author,
      note: { body: noteBody(visit.type, mouth, age < 11), visitDate, appointmentId: visit.id },
      at: writtenAt,
    });
    notes.push({ id: note.id, patientId: patient.id, author, visitDate, type: visit.type, writtenAt });
    counts.notes++;
  }
  return notes;
}

/** Each author signs their notes, except the dentist's two latest (still drafts); one signed note gets an addendum. */
async function signNotes(s: Seeding, notes: SeededNote[]): Promise<number> {
  const drafts = new Set(
    notes
      .filter((n) => n.author.userId === s.staff.dentistId)
      .sort((a, b) => b.visitDate.localeCompare(a.visitDate))
      .slice(0, 2)
      .map((n) => n.id),
  );
  const signed = notes.filter((n) => !drafts.has(n.id));
  for (const n of signed)
    await signNote(s.ctx, {
      practiceId: s.practiceId,
      patientId: n.patientId,
      actor: n.author,
      noteId: n.id,
      at: new Date(Math.min(n.writtenAt.getTime() + SIGNED_AFTER_MS - WRITTEN_AFTER_MS, Date.now())),
    });
  const amended = signed.find((n) => n.type === 'Extraction' || n.type === 'Filling') ?? signed[0];
  if (amended) {
    await addAddendum(s.ctx, {
      practiceId: s.practiceId,
      patientId: amended.patientId,
      actor: amended.author,
      noteId: amended.id,
      body: 'Addendum: the patient phoned two days later. No pain or swelling; healing as expected. No further action.',
    });
  }
  return signed.length;
}

/**
 * Documents for six patients: a bitewing x-ray from their last visit, by whoever saw them, and for
 * the showcase patient and one other a referral letter to an orthodontist (a PDF).
 */
async function seedDocuments(
  s: Seeding,
  patients: { id: string; dateOfBirth: string | null; givenName: string; familyName: string }[],
  visits: Map<string, Visit[]>,
  showcase: { id: string } | undefined,
): Promise<number> {
  const dentist = s.actors.get(s.staff.dentistId)!;
  let count = 0;
  for (const [i, patient] of patients.entries()) {
    const last = visits.get(patient.id)?.at(-1);
    const day = localToday(TZ, last?.startsAt ?? new Date());
    const actor = (last && s.actors.get(last.providerId)) ?? dentist;
    const call = { practiceId: s.practiceId, patientId: patient.id, actor };
    await uploadAttachment(s.ctx, {
      ...call,
      upload: {
        kind: 'xray',
        fileName: `bitewing-${day}.png`,
        mimeType: 'image/png',
        contentBase64: bitewingPng(s.random).toString('base64'),
      },
    });
    count++;
    if (patient.id === showcase?.id || i === patients.length - 1) {
      const letter = await referralLetterPdf({
        practiceName: 'Demo Dental Clinic',
        practiceAddress: '12 Rue Desforges, Port Louis, Mauritius',
        patientName: `${patient.givenName} ${patient.familyName}`,
        dateOfBirth: patient.dateOfBirth,
        dentistName: 'Dr Jean-Marc Lagesse',
        date: day,
      });
      await uploadAttachment(s.ctx, {
        ...call,
        actor: dentist,
        upload: {
          kind: 'document',
          fileName: `referral-orthodontist-${day}.pdf`,
          mimeType: 'application/pdf',
          contentBase64: letter.toString('base64'),
        },
      });
      count++;
    }
  }
  return count;
}

/** The demo's active patients in a stable order, without those who already have a record; and their past visits. */
async function loadDemoPatients(ctx: AppContext, practiceId: string) {
  return inPractice(ctx.db, practiceId, async (tx) => {
    const withRecord = new Set(
      (
        await tx
          .selectFrom('chartFindings')
          .select('patientId')
          .union(tx.selectFrom('clinicalNotes').select('patientId'))
          .union(tx.selectFrom('treatmentPlans').select('patientId'))
          .execute()
      ).map((r) => r.patientId),
    );
    const patients = (
      await tx
        .selectFrom('patients')
        .select(['id', 'dateOfBirth', 'givenName', 'familyName'])
        .where('mergedIntoId', 'is', null)
        .where('status', '=', 'active')
        .orderBy('familyName')
        .orderBy('givenName')
        .orderBy('dateOfBirth')
        .orderBy('id')
        .execute()
    ).filter((p) => !withRecord.has(p.id));
    const rows = await tx
      .selectFrom('appointments')
      .innerJoin('appointmentTypes', 'appointmentTypes.id', 'appointments.appointmentTypeId')
      .select([
        'appointments.id',
        'appointments.patientId',
        'appointments.providerId',
        'appointments.startsAt',
        'appointmentTypes.nameEn as type',
      ])
      .where('appointments.status', '=', 'completed')
      .where('appointments.endsAt', '<', new Date())
      .where('appointments.patientId', 'is not', null)
      .orderBy('appointments.startsAt')
      .orderBy('appointments.id')
      .execute();
    const visits = new Map<string, Visit[]>();
    for (const r of rows) {
      const list = visits.get(r.patientId!) ?? [];
      list.push({ ...r, patientId: r.patientId! });
      visits.set(r.patientId!, list);
    }
    return { patients, visits };
  });
}

/** Plan → items → their progress: accepted, completed (charting the result) or declined, as the plan has gone. */
async function seedPlan(
  ctx: AppContext,
  call: { actor: Actor; practiceId: string; patientId: string },
  spec: Required<PlanSpec>,
  procedureIds: Map<string, string>,
) {
  let plan = await createTreatmentPlan(ctx, { ...call, title: spec.title });
  for (const item of spec.items) {
    plan = await addTreatmentItem(ctx, {
      ...call,
      planId: plan.id,
      item: {
        procedureId: procedureIds.get(item.code)!,
        tooth: item.tooth ?? null,
        surfaces: item.surfaces,
        phase: item.phase,
        notes: item.notes,
      },
    });
  }
  const items = plan.items.map((created, i) => ({ id: created.id, spec: spec.items[i]! }));
  const set = (itemId: string, status: 'accepted' | 'completed' | 'declined') =>
    setTreatmentItemStatus(ctx, { ...call, planId: plan.id, itemId, status });
  if (spec.progress === 'proposed') {
    await updateTreatmentPlan(ctx, { ...call, planId: plan.id, patch: { status: 'presented' } });
    for (const i of items.filter((i) => i.spec.declined)) await set(i.id, 'declined');
    return;
  }
  const toDo = items.filter((i) => !i.spec.declined);
  const completing =
    spec.progress === 'done' ? toDo.length : spec.progress === 'in_progress' ? Math.ceil(toDo.length / 2) : 0;
  for (const [n, i] of toDo.entries()) {
    await set(i.id, 'accepted');
    if (n < completing) await set(i.id, 'completed');
  }
  for (const i of items.filter((i) => i.spec.declined)) await set(i.id, 'declined');
}

// ---------------------------------------------------------------------------------------------

/** Age in whole years today; 40 when the birth date is unknown. */
function ageOf(patient: { dateOfBirth: string | null }, today = new Date()): number {
  if (!patient.dateOfBirth) return 40;
  const [y, m, d] = patient.dateOfBirth.split('-').map(Number) as [number, number, number];
  const beforeBirthday = today.getUTCMonth() + 1 < m || (today.getUTCMonth() + 1 === m && today.getUTCDate() < d);
  return today.getUTCFullYear() - y - (beforeBirthday ? 1 : 0);
}

function shuffled<T>(items: T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
