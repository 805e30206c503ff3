import { randomUUID } from 'node:crypto';
import type { ClinicalNote, ClinicalNoteInput, ClinicalNotePatch } from '@dentalpro/contracts';
import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { openTextForPractice, sealForPractice } from '../../platform/data-keys.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { appointmentBelongsToPatient } from '../scheduling/appointments.service.js';
import {
  type ClinicalCall,
  localToday,
  openPatientRecord,
  practiceTimeZone,
  requirePatient,
  userNames,
} from './patient-record.js';
import { addendumAad, noteAad } from './sealing.js';

/**
 * Clinical notes: drafted, then signed by their author (or an owner). A signed note never
 * changes (the database refuses it too); a correction is an addendum shown under the original.
 */

async function loadNotes(
  ctx: AppContext,
  tx: Tx,
  practiceId: string,
  where: { patientId: string; noteId?: string },
): Promise<ClinicalNote[]> {
  let q = tx.selectFrom('clinicalNotes').selectAll().where('patientId', '=', where.patientId);
  if (where.noteId) q = q.where('id', '=', where.noteId);
  const notes = await q.orderBy('visitDate', 'desc').orderBy('createdAt', 'desc').orderBy('id').execute();
  if (notes.length === 0) return [];
  const addenda = await tx
    .selectFrom('clinicalNoteAddenda')
    .selectAll()
    .where(
      'noteId',
      'in',
      notes.map((n) => n.id),
    )
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
  const names = await userNames(tx, [
    ...notes.flatMap((n) => [n.authorId, n.signedBy]),
    ...addenda.map((a) => a.authorId),
  ]);
  const open = (sealed: Buffer, aad: string) =>
    openTextForPractice(tx, ctx.config.encryptionKey, practiceId, sealed, aad);
  return Promise.all(
    notes.map(async (n) => ({
      id: n.id,
      patientId: n.patientId,
      appointmentId: n.appointmentId,
      visitDate: n.visitDate,
      body: await open(n.bodySealed, noteAad(n.id)),
      status: n.signedAt ? ('signed' as const) : ('draft' as const),
      authorId: n.authorId,
      authorName: n.authorId ? (names.get(n.authorId) ?? null) : null,
      createdAt: n.createdAt.toISOString(),
      updatedAt: n.updatedAt.toISOString(),
      signedAt: n.signedAt?.toISOString() ?? null,
      signedBy: n.signedBy,
      signedByName: n.signedBy ? (names.get(n.signedBy) ?? null) : null,
      addenda: await Promise.all(
        addenda
          .filter((a) => a.noteId === n.id)
          .map(async (a) => ({
            id: a.id,
            body: await open(a.bodySealed, addendumAad(a.id)),
            authorId: a.authorId,
            authorName: a.authorId ? (names.get(a.authorId) ?? null) : null,
            createdAt: a.createdAt.toISOString(),
          })),
      ),
    })),
  );
}

async function oneNote(ctx: AppContext, tx: Tx, call: ClinicalCall, noteId: string) {
  const [note] = await loadNotes(ctx, tx, call.practiceId, { patientId: call.patientId, noteId });
  if (!note) throw new AppError('note_not_found');
  return note;
}

async function lockNote(tx: Tx, call: ClinicalCall, noteId: string) {
  const note = await tx
    .selectFrom('clinicalNotes')
    .select(['id', 'authorId', 'signedAt', 'visitDate', 'appointmentId'])
    .where('id', '=', noteId)
    .where('patientId', '=', call.patientId)
    .forUpdate()
    .executeTakeFirst();
  if (!note) throw new AppError('note_not_found');
  return note;
}

/** Drafts are the author's; an owner may act on any (a locum who left, say). */
function refuseUnlessAuthor(actor: Actor, note: { authorId: string | null }, verb: string) {
  if (actor.role === 'system' || actor.role === 'owner' || (actor.userId !== null && actor.userId === note.authorId))
    return;
  throw new AppError('forbidden', { detail: `Only the author of this note or an owner can ${verb} it` });
}

async function checkVisit(tx: Tx, call: ClinicalCall, visit: { visitDate?: string; appointmentId?: string | null }) {
  if (visit.appointmentId && !(await appointmentBelongsToPatient(tx, visit.appointmentId, call.patientId))) {
    throw new AppError('appointment_not_found', { detail: "That appointment is not one of this patient's" });
  }
  if (visit.visitDate && visit.visitDate > localToday(await practiceTimeZone(tx, call.practiceId))) {
    throw new AppError('validation_failed', {
      errors: [{ path: 'visitDate', code: 'date_in_future', message: 'The visit date is in the future' }],
    });
  }
}

/** A patient's notes, newest visit first, each with its addenda: a read of the clinical record (audited). */
export async function listNotes(ctx: AppContext, input: ClinicalCall): Promise<ClinicalNote[]> {
  requirePermission(input.actor, 'clinical:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    await openPatientRecord(tx, input, 'notes');
    return loadNotes(ctx, tx, input.practiceId, { patientId: input.patientId });
  });
}

/** `at`: when the note was written (the demo writes its past visits' notes at those visits); now by default. */
export async function createNote(
  ctx: AppContext,
  input: ClinicalCall & { note: z.output<typeof ClinicalNoteInput>; at?: Date },
): Promise<ClinicalNote> {
  requirePermission(input.actor, 'clinical:write');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    await requirePatient(tx, input.patientId);
    await checkVisit(tx, input, input.note);
    const id = randomUUID();
    await tx
      .insertInto('clinicalNotes')
      .values({
        id,
        practiceId: input.practiceId,
        patientId: input.patientId,
        appointmentId: input.note.appointmentId ?? null,
        visitDate: input.note.visitDate ?? localToday(await practiceTimeZone(tx, input.practiceId)),
        bodySealed: await sealForPractice(tx, ctx.config.encryptionKey, input.practiceId, input.note.body, noteAad(id)),
        authorId: input.actor.userId,
        ...(input.at ? { createdAt: input.at, updatedAt: input.at } : {}),
      })
      .execute();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.note_created',
      targetType: 'patient',
      targetId: input.patientId,
      changes: { noteId: id, appointmentId: input.note.appointmentId ?? null },
    });
    return oneNote(ctx, tx, input, id);
  });
}

export async function updateNote(
  ctx: AppContext,
  input: ClinicalCall & { noteId: string; patch: z.output<typeof ClinicalNotePatch> },
): Promise<ClinicalNote> {
  requirePermission(input.actor, 'clinical:write');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const note = await lockNote(tx, input, input.noteId);
    // Nothing to change: the record as it is, nothing written or audited (as every PATCH answers).
    if (Object.values(input.patch).every((v) => v === undefined)) return oneNote(ctx, tx, input, note.id);
    if (note.signedAt)
      throw new AppError('note_signed', {
        detail: 'This note is signed and cannot be changed; add an addendum instead',
      });
    refuseUnlessAuthor(input.actor, note, 'edit');
    await checkVisit(tx, input, input.patch);
    const { body, visitDate, appointmentId } = input.patch;
    const bodySealed =
      body !== undefined
        ? await sealForPractice(tx, ctx.config.encryptionKey, input.practiceId, body, noteAad(note.id))
        : undefined;
    await refuseSignedInDatabase(() =>
      tx
        .updateTable('clinicalNotes')
        .set({
          ...(bodySealed ? { bodySealed } : {}),
          ...(visitDate !== undefined ? { visitDate } : {}),
          ...(appointmentId !== undefined ? { appointmentId } : {}),
          updatedAt: new Date(),
        })
        .where('id', '=', note.id)
        .execute(),
    );
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.note_updated',
      targetType: 'patient',
      targetId: input.patientId,
      changes: { noteId: note.id, fields: Object.keys(input.patch) },
    });
    return oneNote(ctx, tx, input, note.id);
  });
}

/** `at`: when it was signed (the demo signs past notes on their visit's day); now by default. */
export async function signNote(
  ctx: AppContext,
  input: ClinicalCall & { noteId: string; at?: Date },
): Promise<ClinicalNote> {
  requirePermission(input.actor, 'clinical:sign');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const note = await lockNote(tx, input, input.noteId);
    if (note.signedAt) throw new AppError('note_signed', { detail: 'This note is already signed' });
    refuseUnlessAuthor(input.actor, note, 'sign');
    await tx
      .updateTable('clinicalNotes')
      .set({ signedAt: input.at ?? new Date(), signedBy: input.actor.userId })
      .where('id', '=', note.id)
      .execute();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.note_signed',
      targetType: 'patient',
      targetId: input.patientId,
      changes: { noteId: note.id },
    });
    return oneNote(ctx, tx, input, note.id);
  });
}

/** A correction of a signed note: its own text, author and time, under the unchanged original. */
export async function addAddendum(
  ctx: AppContext,
  input: ClinicalCall & { noteId: string; body: string },
): Promise<ClinicalNote> {
  requirePermission(input.actor, 'clinical:write');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const note = await lockNote(tx, input, input.noteId);
    if (!note.signedAt)
      throw new AppError('note_not_signed', {
        detail: 'This note is still a draft: edit it instead of adding an addendum',
      });
    const id = randomUUID();
    await tx
      .insertInto('clinicalNoteAddenda')
      .values({
        id,
        practiceId: input.practiceId,
        noteId: note.id,
        bodySealed: await sealForPractice(tx, ctx.config.encryptionKey, input.practiceId, input.body, addendumAad(id)),
        authorId: input.actor.userId,
      })
      .execute();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.note_amended',
      targetType: 'patient',
      targetId: input.patientId,
      changes: { noteId: note.id, addendumId: id },
    });
    return oneNote(ctx, tx, input, note.id);
  });
}

/** The database's own refusal (a note signed between our check and our write) reads as note_signed. */
async function refuseSignedInDatabase<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if ((e as { hint?: string }).hint === 'note_signed')
      throw new AppError('note_signed', {
        detail: 'This note is signed and cannot be changed; add an addendum instead',
      });
    throw e;
  }
}
