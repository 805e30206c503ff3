import { randomUUID } from 'node:crypto';
import type {
  TreatmentItem,
  TreatmentItemInput,
  TreatmentItemPatch,
  TreatmentPlan,
  TreatmentPlanPatch,
} from '@dentalpro/contracts';
import type { z } from 'zod';
import type { AppContext } from '../../context.js';
import { requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { openTextForPractice, sealForPractice } from '../../platform/data-keys.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { recordTreatmentResult } from './chart.service.js';
import {
  type BridgeRole,
  type FindingKind,
  type Material,
  type Surface,
  normaliseSurfaces,
  requireTooth,
  validateFinding,
} from './fdi.js';
import { type ClinicalCall, checkedFdi, openPatientRecord, requirePatient } from './patient-record.js';
import { findProcedureIn } from './price-list.service.js';
import { itemAad } from './sealing.js';

/**
 * Treatment plans: items priced from the practice's price list (code, names and fee copied when
 * planned), moving planned → accepted → completed, or declined. Completing an item records its
 * result on the chart in the same transaction.
 */

type PlanStatus = TreatmentPlan['status'];
type ItemStatus = TreatmentItem['status'];

const PLAN_TRANSITIONS: Record<PlanStatus, readonly PlanStatus[]> = {
  draft: ['presented', 'accepted', 'cancelled'],
  presented: ['draft', 'accepted', 'cancelled'],
  accepted: ['completed', 'cancelled'],
  completed: [],
  cancelled: [],
};
const ITEM_TRANSITIONS: Record<ItemStatus, readonly ItemStatus[]> = {
  planned: ['accepted', 'declined'],
  accepted: ['completed', 'declined'],
  declined: ['accepted'],
  completed: [],
};
const OPEN_PLAN: readonly PlanStatus[] = ['draft', 'presented', 'accepted'];

// Reading

async function loadPlans(
  ctx: AppContext,
  tx: Tx,
  practiceId: string,
  where: { patientId: string; planId?: string },
): Promise<TreatmentPlan[]> {
  let q = tx.selectFrom('treatmentPlans').selectAll().where('patientId', '=', where.patientId);
  if (where.planId) q = q.where('id', '=', where.planId);
  const plans = await q.orderBy('createdAt', 'desc').orderBy('id').execute();
  if (plans.length === 0) return [];
  const items = await tx
    .selectFrom('treatmentPlanItems')
    .selectAll()
    .where(
      'planId',
      'in',
      plans.map((p) => p.id),
    )
    .orderBy('phase')
    .orderBy('createdAt')
    .orderBy('id')
    .execute();
  const findings = await tx
    .selectFrom('chartFindings')
    .select(['id', 'sourceItemId'])
    .where('sourceItemId', 'in', items.length ? items.map((i) => i.id) : [randomUUID()])
    .execute();
  const findingOf = new Map(findings.map((f) => [f.sourceItemId!, f.id]));
  const shaped = await Promise.all(
    items.map(async (i) => ({
      planId: i.planId,
      item: {
        id: i.id,
        procedureId: i.procedureId,
        procedureCode: i.procedureCode,
        nameEn: i.procedureNameEn,
        nameFr: i.procedureNameFr,
        feeMinor: i.feeMinor,
        currency: 'MUR' as const,
        tooth: i.tooth,
        surfaces: i.surfaces as Surface[],
        phase: i.phase,
        notes: i.notesSealed
          ? await openTextForPractice(tx, ctx.config.encryptionKey, practiceId, i.notesSealed, itemAad(i.id))
          : null,
        status: i.status,
        completedAt: i.completedAt?.toISOString() ?? null,
        completedBy: i.completedBy,
        findingId: findingOf.get(i.id) ?? null,
      } satisfies TreatmentItem,
    })),
  );
  return plans.map((p) => {
    const planItems = shaped.filter((s) => s.planId === p.id).map((s) => s.item);
    return {
      id: p.id,
      patientId: p.patientId,
      title: p.title,
      status: p.status,
      createdBy: p.createdBy,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
      items: planItems,
      totals: totalsOf(planItems),
    };
  });
}

export function totalsOf(items: Pick<TreatmentItem, 'status' | 'feeMinor'>[]): TreatmentPlan['totals'] {
  const sum = (status: ItemStatus) => items.filter((i) => i.status === status).reduce((s, i) => s + i.feeMinor, 0);
  const plannedMinor = sum('planned');
  const acceptedMinor = sum('accepted');
  const completedMinor = sum('completed');
  return {
    currency: 'MUR',
    plannedMinor,
    acceptedMinor,
    completedMinor,
    declinedMinor: sum('declined'),
    totalMinor: plannedMinor + acceptedMinor + completedMinor,
  };
}

async function onePlan(ctx: AppContext, tx: Tx, call: ClinicalCall, planId: string) {
  const [plan] = await loadPlans(ctx, tx, call.practiceId, { patientId: call.patientId, planId });
  if (!plan) throw new AppError('treatment_plan_not_found');
  return plan;
}

async function lockPlan(tx: Tx, call: ClinicalCall, planId: string) {
  const plan = await tx
    .selectFrom('treatmentPlans')
    .select(['id', 'status'])
    .where('id', '=', planId)
    .where('patientId', '=', call.patientId)
    .forUpdate()
    .executeTakeFirst();
  if (!plan) throw new AppError('treatment_plan_not_found');
  return plan;
}

/** A patient's plans, newest first: a read of the clinical record (audited). */
export async function listTreatmentPlans(ctx: AppContext, input: ClinicalCall): Promise<TreatmentPlan[]> {
  requirePermission(input.actor, 'clinical:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    await openPatientRecord(tx, input, 'treatment_plan');
    return loadPlans(ctx, tx, input.practiceId, { patientId: input.patientId });
  });
}

// Changing

export async function createTreatmentPlan(
  ctx: AppContext,
  input: ClinicalCall & { title: string },
): Promise<TreatmentPlan> {
  requirePermission(input.actor, 'clinical:write');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    await requirePatient(tx, input.patientId);
    const row = await tx
      .insertInto('treatmentPlans')
      .values({
        practiceId: input.practiceId,
        patientId: input.patientId,
        title: input.title,
        createdBy: input.actor.userId,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.plan_created',
      targetType: 'patient',
      targetId: input.patientId,
      changes: { planId: row.id },
    });
    return onePlan(ctx, tx, input, row.id);
  });
}

export async function updateTreatmentPlan(
  ctx: AppContext,
  input: ClinicalCall & { planId: string; patch: z.output<typeof TreatmentPlanPatch> },
): Promise<TreatmentPlan> {
  requirePermission(input.actor, 'clinical:write');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const plan = await lockPlan(tx, input, input.planId);
    // Nothing to change: the record as it is, nothing written or audited (as every PATCH answers).
    if (Object.values(input.patch).every((v) => v === undefined)) return onePlan(ctx, tx, input, plan.id);
    const { status, title } = input.patch;
    if (status && status !== plan.status && !PLAN_TRANSITIONS[plan.status].includes(status)) {
      throw new AppError('invalid_status_transition', { detail: `A ${plan.status} plan cannot become ${status}` });
    }
    if (status === 'completed' && plan.status !== 'completed') await requireItemsDone(tx, plan.id);
    await tx
      .updateTable('treatmentPlans')
      .set({ ...(title ? { title } : {}), ...(status ? { status } : {}), updatedAt: new Date() })
      .where('id', '=', plan.id)
      .execute();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.plan_updated',
      targetType: 'patient',
      targetId: input.patientId,
      changes: {
        planId: plan.id,
        ...(status && status !== plan.status ? { status: { from: plan.status, to: status } } : {}),
        ...(title ? { titleChanged: true } : {}),
      },
    });
    return onePlan(ctx, tx, input, plan.id);
  });
}

/**
 * A completed plan takes no more changes, so an item still planned or accepted would be stranded
 * there: each must be completed or declined first (a plan of declined items only is cancelled).
 */
async function requireItemsDone(tx: Tx, planId: string) {
  const statuses = (
    await tx.selectFrom('treatmentPlanItems').select('status').where('planId', '=', planId).execute()
  ).map((r) => r.status);
  const open = statuses.filter((s) => s === 'planned' || s === 'accepted').length;
  if (open > 0)
    throw new AppError('invalid_status_transition', {
      detail: `${open} item(s) are still to do: complete or decline them first`,
    });
  if (!statuses.includes('completed'))
    throw new AppError('invalid_status_transition', { detail: 'Nothing in this plan was done: cancel it instead' });
}

/** Tooth and surfaces of an item, checked against the procedure's result (a filling needs its surfaces). */
function placeItem(
  resultKind: string | null,
  resultMaterial: string | null,
  tooth: number | null | undefined,
  surfaces: string | readonly string[] | undefined,
): { tooth: number | null; surfaces: Surface[] } {
  return checkedFdi(() => {
    if (resultKind) {
      if (tooth === null || tooth === undefined)
        throw new AppError('invalid_finding', {
          detail: 'This procedure is charted on a tooth: choose the tooth',
          errors: [{ path: 'tooth', code: 'required', message: 'Choose the tooth' }],
        });
      const v = validateFinding({
        tooth,
        surfaces,
        kind: resultKind as FindingKind,
        material: resultMaterial as Material | null,
        bridgeRole: null,
      });
      return { tooth: v.tooth, surfaces: v.surfaces };
    }
    if (tooth === null || tooth === undefined) {
      if (surfaces && surfaces.length > 0)
        throw new AppError('invalid_surface', {
          detail: 'Surfaces need a tooth',
          errors: [{ path: 'surfaces', code: 'not_applicable', message: 'Choose the tooth first' }],
        });
      return { tooth: null, surfaces: [] };
    }
    requireTooth(tooth);
    return { tooth, surfaces: normaliseSurfaces(tooth, surfaces) };
  });
}

export async function addTreatmentItem(
  ctx: AppContext,
  input: ClinicalCall & { planId: string; item: z.output<typeof TreatmentItemInput> },
): Promise<TreatmentPlan> {
  requirePermission(input.actor, 'clinical:write');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const plan = await lockPlan(tx, input, input.planId);
    if (!OPEN_PLAN.includes(plan.status))
      throw new AppError('invalid_status_transition', { detail: `A ${plan.status} plan takes no new items` });
    const procedure = await findProcedureIn(tx, input.item.procedureId);
    if (!procedure?.active)
      throw new AppError('procedure_not_found', { detail: 'That procedure is not on the price list' });
    const place = placeItem(procedure.resultKind, procedure.resultMaterial, input.item.tooth, input.item.surfaces);
    const id = randomUUID();
    const notes = input.item.notes
      ? await sealForPractice(tx, ctx.config.encryptionKey, input.practiceId, input.item.notes, itemAad(id))
      : null;
    await tx
      .insertInto('treatmentPlanItems')
      .values({
        id,
        practiceId: input.practiceId,
        planId: plan.id,
        procedureId: procedure.id,
        procedureCode: procedure.code,
        procedureNameEn: procedure.nameEn,
        procedureNameFr: procedure.nameFr,
        feeMinor: procedure.feeMinor,
        resultKind: procedure.resultKind,
        resultMaterial: procedure.resultMaterial,
        tooth: place.tooth,
        surfaces: place.surfaces,
        phase: input.item.phase,
        notesSealed: notes,
        createdBy: input.actor.userId,
      })
      .execute();
    await touchPlan(tx, plan.id);
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.plan_item_added',
      targetType: 'patient',
      targetId: input.patientId,
      changes: {
        planId: plan.id,
        itemId: id,
        code: procedure.code,
        feeMinor: procedure.feeMinor,
        tooth: place.tooth,
        surfaces: place.surfaces,
      },
    });
    return onePlan(ctx, tx, input, plan.id);
  });
}

async function lockItem(tx: Tx, planId: string, itemId: string) {
  const item = await tx
    .selectFrom('treatmentPlanItems')
    .selectAll()
    .where('id', '=', itemId)
    .where('planId', '=', planId)
    .forUpdate()
    .executeTakeFirst();
  if (!item) throw new AppError('treatment_item_not_found');
  return item;
}

const touchPlan = (tx: Tx, planId: string) =>
  tx.updateTable('treatmentPlans').set({ updatedAt: new Date() }).where('id', '=', planId).execute();

export async function updateTreatmentItem(
  ctx: AppContext,
  input: ClinicalCall & { planId: string; itemId: string; patch: z.output<typeof TreatmentItemPatch> },
): Promise<TreatmentPlan> {
  requirePermission(input.actor, 'clinical:write');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const plan = await lockPlan(tx, input, input.planId);
    const item = await lockItem(tx, plan.id, input.itemId);
    // Nothing to change: the record as it is, nothing written or audited (as every PATCH answers).
    if (Object.values(input.patch).every((v) => v === undefined)) return onePlan(ctx, tx, input, plan.id);
    if (item.status === 'completed')
      throw new AppError('invalid_status_transition', { detail: 'A completed item cannot be changed' });
    const { patch } = input;
    const moving = patch.tooth !== undefined || patch.surfaces !== undefined;
    if (moving && item.status !== 'planned')
      throw new AppError('invalid_status_transition', {
        detail: 'Tooth and surfaces can change only while the item is planned',
      });
    const place = moving
      ? placeItem(
          item.resultKind,
          item.resultMaterial,
          patch.tooth !== undefined ? patch.tooth : item.tooth,
          patch.surfaces !== undefined ? patch.surfaces : item.surfaces,
        )
      : { tooth: item.tooth, surfaces: item.surfaces as Surface[] };
    const notes =
      patch.notes === undefined
        ? item.notesSealed
        : patch.notes
          ? await sealForPractice(tx, ctx.config.encryptionKey, input.practiceId, patch.notes, itemAad(item.id))
          : null;
    await tx
      .updateTable('treatmentPlanItems')
      .set({
        tooth: place.tooth,
        surfaces: place.surfaces,
        phase: patch.phase ?? item.phase,
        notesSealed: notes,
        updatedAt: new Date(),
      })
      .where('id', '=', item.id)
      .execute();
    await touchPlan(tx, plan.id);
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.plan_item_updated',
      targetType: 'patient',
      targetId: input.patientId,
      changes: { planId: plan.id, itemId: item.id, fields: Object.keys(patch) },
    });
    return onePlan(ctx, tx, input, plan.id);
  });
}

/**
 * accept / decline / complete an item. Completing: record the result on the chart (resolving
 * the caries it treats) → mark the item completed → the plan is accepted once an item is, and
 * completed once every item is completed or declined.
 */
export async function setTreatmentItemStatus(
  ctx: AppContext,
  input: ClinicalCall & { planId: string; itemId: string; status: 'accepted' | 'completed' | 'declined' },
): Promise<TreatmentPlan> {
  requirePermission(input.actor, 'clinical:write');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const plan = await lockPlan(tx, input, input.planId);
    if (!OPEN_PLAN.includes(plan.status))
      throw new AppError('invalid_status_transition', { detail: `The plan is ${plan.status}` });
    const item = await lockItem(tx, plan.id, input.itemId);
    if (!ITEM_TRANSITIONS[item.status].includes(input.status)) {
      throw new AppError('invalid_status_transition', {
        detail: `A ${item.status} item cannot become ${input.status}${input.status === 'completed' ? ' (accept it first)' : ''}`,
      });
    }
    let chart: { findingId: string; resolved: string[] } | undefined;
    if (input.status === 'completed' && item.resultKind && item.tooth !== null) {
      const result = checkedFdi(() =>
        validateFinding({
          tooth: item.tooth!,
          surfaces: item.surfaces,
          kind: item.resultKind as FindingKind,
          material: item.resultMaterial as Material | null,
          bridgeRole: null as BridgeRole | null,
        }),
      );
      chart = await recordTreatmentResult(ctx, tx, {
        actor: input.actor,
        practiceId: input.practiceId,
        patientId: input.patientId,
        result,
        sourceItemId: item.id,
      });
    }
    const now = new Date();
    await tx
      .updateTable('treatmentPlanItems')
      .set({
        status: input.status,
        completedAt: input.status === 'completed' ? now : null,
        completedBy: input.status === 'completed' ? input.actor.userId : null,
        updatedAt: now,
      })
      .where('id', '=', item.id)
      .execute();
    const statuses = (
      await tx.selectFrom('treatmentPlanItems').select('status').where('planId', '=', plan.id).execute()
    ).map((r) => r.status);
    let planStatus = plan.status;
    if (input.status !== 'declined' && (planStatus === 'draft' || planStatus === 'presented')) planStatus = 'accepted';
    if (statuses.every((s) => s === 'completed' || s === 'declined') && statuses.includes('completed'))
      planStatus = 'completed';
    await tx
      .updateTable('treatmentPlans')
      .set({ status: planStatus, updatedAt: now })
      .where('id', '=', plan.id)
      .execute();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: `clinical.plan_item_${input.status}`,
      targetType: 'patient',
      targetId: input.patientId,
      changes: {
        planId: plan.id,
        itemId: item.id,
        from: item.status,
        to: input.status,
        ...(planStatus !== plan.status ? { planStatus: { from: plan.status, to: planStatus } } : {}),
        ...(chart ? { findingId: chart.findingId, resolvedFindings: chart.resolved } : {}),
      },
    });
    return onePlan(ctx, tx, input, plan.id);
  });
}
