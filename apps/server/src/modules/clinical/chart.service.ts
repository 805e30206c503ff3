import { randomUUID } from 'node:crypto';
import type { Chart, ChartFinding, ChartFindingInput } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { openTextForPractice, sealForPractice } from '../../platform/data-keys.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { type FindingKind, type Surface, type ValidFinding, supersededBy, validateFinding } from './fdi.js';
import {
  type ClinicalCall,
  checkedFdi,
  endOfLocalDay,
  openPatientRecord,
  practiceTimeZone,
  requirePatient,
  userNames,
} from './patient-record.js';
import { findingAad } from './sealing.js';

/**
 * The tooth chart: findings per tooth and surface, each dated and signed by who recorded it.
 * Findings are never deleted: they are resolved (treated, superseded, resolved, or entered in
 * error), so the chart can be shown as it stood at the end of any past day.
 */

function selectFindings(tx: Tx) {
  return tx
    .selectFrom('chartFindings')
    .select([
      'id',
      'tooth',
      'surfaces',
      'kind',
      'material',
      'bridgeRole',
      'noteSealed',
      'observedAt',
      'recordedAt',
      'recordedBy',
      'sourceItemId',
      'resolvedAt',
      'resolution',
      'supersededBy',
    ]);
}
type FindingRow = Awaited<ReturnType<ReturnType<typeof selectFindings>['execute']>>[number];

async function toFindings(ctx: AppContext, tx: Tx, practiceId: string, rows: FindingRow[]): Promise<ChartFinding[]> {
  const names = await userNames(
    tx,
    rows.map((r) => r.recordedBy),
  );
  return Promise.all(
    rows.map(async (r) => ({
      id: r.id,
      tooth: r.tooth,
      surfaces: r.surfaces as Surface[],
      kind: r.kind as FindingKind,
      material: r.material as ChartFinding['material'],
      bridgeRole: r.bridgeRole as ChartFinding['bridgeRole'],
      note: r.noteSealed
        ? await openTextForPractice(tx, ctx.config.encryptionKey, practiceId, r.noteSealed, findingAad(r.id))
        : null,
      observedAt: r.observedAt.toISOString(),
      recordedAt: r.recordedAt.toISOString(),
      recordedBy: r.recordedBy,
      recordedByName: r.recordedBy ? (names.get(r.recordedBy) ?? null) : null,
      sourceItemId: r.sourceItemId,
      resolvedAt: r.resolvedAt?.toISOString() ?? null,
      resolution: r.resolution,
      supersededBy: r.supersededBy,
    })),
  );
}

/** The chart now, or at the end of `asOf` (practice time): what was observed by then and not yet resolved then. */
export async function getChart(ctx: AppContext, input: ClinicalCall & { asOf?: string }): Promise<Chart> {
  requirePermission(input.actor, 'clinical:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    await openPatientRecord(tx, input, 'chart');
    let query = selectFindings(tx).where('patientId', '=', input.patientId);
    if (input.asOf) {
      const end = endOfLocalDay(input.asOf, await practiceTimeZone(tx, input.practiceId));
      query = query
        .where('observedAt', '<', end)
        .where((eb) => eb.or([eb('resolvedAt', 'is', null), eb('resolvedAt', '>=', end)]))
        // A finding entered in error was never true, at any date.
        .where((eb) => eb.or([eb('resolution', 'is', null), eb('resolution', '!=', 'entered_in_error')]));
    } else {
      query = query.where('resolvedAt', 'is', null);
    }
    const rows = await query.orderBy('tooth').orderBy('observedAt').orderBy('id').execute();
    return {
      patientId: input.patientId,
      asOf: input.asOf ?? null,
      findings: await toFindings(ctx, tx, input.practiceId, rows),
    };
  });
}

export async function addFinding(
  ctx: AppContext,
  input: ClinicalCall & { finding: ChartFindingInput },
): Promise<ChartFinding> {
  requirePermission(input.actor, 'clinical:write');
  const valid = checkedFdi(() => validateFinding(input.finding));
  const observedAt = input.finding.observedAt ? new Date(input.finding.observedAt) : new Date();
  if (observedAt.getTime() > Date.now() + 60_000) {
    throw new AppError('validation_failed', {
      errors: [{ path: 'observedAt', code: 'date_in_future', message: 'A finding cannot be observed in the future' }],
    });
  }
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    await requirePatient(tx, input.patientId);
    const id = await insertFinding(ctx, tx, {
      ...input,
      finding: valid,
      note: input.finding.note,
      observedAt,
      sourceItemId: null,
    });
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.finding_recorded',
      targetType: 'patient',
      targetId: input.patientId,
      changes: {
        findingId: id,
        tooth: valid.tooth,
        surfaces: valid.surfaces,
        kind: valid.kind,
        material: valid.material,
      },
    });
    const row = await selectFindings(tx).where('id', '=', id).executeTakeFirstOrThrow();
    return (await toFindings(ctx, tx, input.practiceId, [row]))[0]!;
  });
}

export async function resolveFinding(
  ctx: AppContext,
  input: ClinicalCall & { findingId: string; resolution: 'resolved' | 'entered_in_error' },
): Promise<ChartFinding> {
  requirePermission(input.actor, 'clinical:write');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const current = await tx
      .selectFrom('chartFindings')
      .select(['id', 'resolvedAt', 'tooth', 'kind'])
      .where('id', '=', input.findingId)
      .where('patientId', '=', input.patientId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw new AppError('finding_not_found');
    if (current.resolvedAt)
      throw new AppError('finding_already_resolved', { detail: 'This finding is already resolved' });
    await tx
      .updateTable('chartFindings')
      .set({ resolvedAt: new Date(), resolvedBy: input.actor.userId, resolution: input.resolution })
      .where('id', '=', input.findingId)
      .execute();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.finding_resolved',
      targetType: 'patient',
      targetId: input.patientId,
      changes: { findingId: input.findingId, tooth: current.tooth, kind: current.kind, resolution: input.resolution },
    });
    const row = await selectFindings(tx).where('id', '=', input.findingId).executeTakeFirstOrThrow();
    return (await toFindings(ctx, tx, input.practiceId, [row]))[0]!;
  });
}

async function insertFinding(
  ctx: AppContext,
  tx: Tx,
  input: {
    actor: Actor;
    practiceId: string;
    patientId: string;
    finding: ValidFinding;
    note?: string | null;
    observedAt: Date;
    sourceItemId: string | null;
  },
): Promise<string> {
  const id = randomUUID();
  const note = input.note?.trim()
    ? await sealForPractice(tx, ctx.config.encryptionKey, input.practiceId, input.note.trim(), findingAad(id))
    : null;
  await tx
    .insertInto('chartFindings')
    .values({
      id,
      practiceId: input.practiceId,
      patientId: input.patientId,
      tooth: input.finding.tooth,
      surfaces: input.finding.surfaces,
      kind: input.finding.kind,
      material: input.finding.material,
      bridgeRole: input.finding.bridgeRole,
      noteSealed: note,
      observedAt: input.observedAt,
      recordedBy: input.actor.userId,
      sourceItemId: input.sourceItemId,
    })
    .execute();
  return id;
}

/**
 * Records what a completed treatment leaves on the chart, in the caller's transaction, and
 * resolves what it replaces: caries on the restored surfaces are 'treated' (caries left on other
 * surfaces are re-charted as a new finding), older restorations it covers are 'superseded'.
 */
export async function recordTreatmentResult(
  ctx: AppContext,
  tx: Tx,
  input: { actor: Actor; practiceId: string; patientId: string; result: ValidFinding; sourceItemId: string },
): Promise<{ findingId: string; resolved: string[] }> {
  const open = await tx
    .selectFrom('chartFindings')
    .select(['id', 'kind', 'surfaces', 'noteSealed'])
    .where('patientId', '=', input.patientId)
    .where('tooth', '=', input.result.tooth)
    .where('resolvedAt', 'is', null)
    .orderBy('id')
    .forUpdate()
    .execute();
  const now = new Date();
  const findingId = await insertFinding(ctx, tx, {
    ...input,
    finding: input.result,
    observedAt: now,
    sourceItemId: input.sourceItemId,
  });
  const replaced = supersededBy(
    input.result,
    open.map((f) => ({ id: f.id, kind: f.kind as FindingKind, surfaces: f.surfaces as Surface[] })),
  );
  for (const { id, remaining } of replaced) {
    const old = open.find((f) => f.id === id)!;
    await tx
      .updateTable('chartFindings')
      .set({
        resolvedAt: now,
        resolvedBy: input.actor.userId,
        resolution: old.kind === 'caries' ? 'treated' : 'superseded',
        supersededBy: findingId,
      })
      .where('id', '=', id)
      .execute();
    if (remaining.length > 0) {
      const note = old.noteSealed
        ? await openTextForPractice(tx, ctx.config.encryptionKey, input.practiceId, old.noteSealed, findingAad(old.id))
        : null;
      await insertFinding(ctx, tx, {
        ...input,
        finding: {
          tooth: input.result.tooth,
          surfaces: remaining,
          kind: old.kind as FindingKind,
          material: null,
          bridgeRole: null,
        },
        note,
        observedAt: now,
        sourceItemId: null,
      });
    }
  }
  return { findingId, resolved: replaced.map((r) => r.id) };
}
