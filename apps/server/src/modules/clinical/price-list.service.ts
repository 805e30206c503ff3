import type { Procedure } from '@dentalpro/contracts';
import type { z } from 'zod';
import type { ProcedureInput, ProcedurePatch } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice } from '../../platform/tenancy.js';
import { FINDING_RULES, type FindingKind } from './fdi.js';

/**
 * The practice's price list: procedures with a code, names in English and French, a fee in MUR
 * cents and what completing one records on the chart. Reading it needs clinical:read (it is
 * what a treatment plan is built from); changing fees is the owner's business decision, so it
 * needs practice:manage.
 */

const MUR = (rupees: number) => rupees * 100;

/** A starting list with typical Mauritian private-practice fees (2026), for the owner to adjust. */
export const DEFAULT_PROCEDURES: z.input<typeof ProcedureInput>[] = [
  { code: 'EXAM', nameEn: 'Check-up and examination', nameFr: 'Consultation et examen', feeMinor: MUR(800) },
  { code: 'EMERG', nameEn: 'Emergency consultation', nameFr: "Consultation d'urgence", feeMinor: MUR(1_200) },
  { code: 'XR-PA', nameEn: 'Periapical x-ray', nameFr: 'Radiographie rétro-alvéolaire', feeMinor: MUR(500) },
  { code: 'XR-OPG', nameEn: 'Panoramic x-ray (OPG)', nameFr: 'Radiographie panoramique', feeMinor: MUR(1_800) },
  { code: 'SCALE', nameEn: 'Scale and polish', nameFr: 'Détartrage et polissage', feeMinor: MUR(1_500) },
  {
    code: 'SEAL',
    nameEn: 'Fissure sealant (per tooth)',
    nameFr: 'Scellement de sillons (par dent)',
    feeMinor: MUR(900),
    resultKind: 'sealant',
  },
  {
    code: 'COMP-1',
    nameEn: 'Composite filling, one surface',
    nameFr: 'Obturation composite, une face',
    feeMinor: MUR(2_500),
    resultKind: 'restoration',
    resultMaterial: 'composite',
  },
  {
    code: 'COMP-2',
    nameEn: 'Composite filling, two or more surfaces',
    nameFr: 'Obturation composite, deux faces ou plus',
    feeMinor: MUR(3_500),
    resultKind: 'restoration',
    resultMaterial: 'composite',
  },
  {
    code: 'AMAL',
    nameEn: 'Amalgam filling',
    nameFr: 'Obturation amalgame',
    feeMinor: MUR(2_000),
    resultKind: 'restoration',
    resultMaterial: 'amalgam',
  },
  {
    code: 'GIC',
    nameEn: 'Glass ionomer filling',
    nameFr: 'Obturation au verre ionomère',
    feeMinor: MUR(1_800),
    resultKind: 'restoration',
    resultMaterial: 'glass_ionomer',
  },
  {
    code: 'TEMP',
    nameEn: 'Temporary filling',
    nameFr: 'Obturation provisoire',
    feeMinor: MUR(1_000),
    resultKind: 'restoration',
    resultMaterial: 'temporary',
  },
  {
    code: 'EXT',
    nameEn: 'Simple extraction',
    nameFr: 'Extraction simple',
    feeMinor: MUR(2_000),
    resultKind: 'extracted',
  },
  {
    code: 'EXT-SURG',
    nameEn: 'Surgical extraction',
    nameFr: 'Extraction chirurgicale',
    feeMinor: MUR(5_000),
    resultKind: 'extracted',
  },
  {
    code: 'RCT-ANT',
    nameEn: 'Root canal treatment, anterior',
    nameFr: 'Traitement canalaire, dent antérieure',
    feeMinor: MUR(8_000),
    resultKind: 'root_canal_treated',
  },
  {
    code: 'RCT-MOL',
    nameEn: 'Root canal treatment, molar',
    nameFr: 'Traitement canalaire, molaire',
    feeMinor: MUR(12_000),
    resultKind: 'root_canal_treated',
  },
  {
    code: 'CROWN-PFM',
    nameEn: 'Crown, porcelain fused to metal',
    nameFr: 'Couronne céramo-métallique',
    feeMinor: MUR(15_000),
    resultKind: 'crown',
  },
  {
    code: 'CROWN-CER',
    nameEn: 'Crown, all ceramic',
    nameFr: 'Couronne tout céramique',
    feeMinor: MUR(18_000),
    resultKind: 'crown',
    resultMaterial: 'ceramic',
  },
  {
    code: 'IMPLANT',
    nameEn: 'Implant (surgical stage)',
    nameFr: 'Implant (phase chirurgicale)',
    feeMinor: MUR(45_000),
    resultKind: 'implant',
  },
];

type ProcedureRow = {
  id: string;
  code: string;
  nameEn: string;
  nameFr: string;
  feeMinor: number;
  resultKind: string | null;
  resultMaterial: string | null;
  active: boolean;
};
const COLUMNS = ['id', 'code', 'nameEn', 'nameFr', 'feeMinor', 'resultKind', 'resultMaterial', 'active'] as const;

export const toProcedure = (r: ProcedureRow): Procedure => ({
  id: r.id,
  code: r.code,
  nameEn: r.nameEn,
  nameFr: r.nameFr,
  feeMinor: r.feeMinor,
  currency: 'MUR',
  resultKind: r.resultKind as Procedure['resultKind'],
  resultMaterial: r.resultMaterial as Procedure['resultMaterial'],
  active: r.active,
});

/** A material only where the resulting finding takes one; a restoration needs one. */
function checkResult(kind: string | null | undefined, material: string | null | undefined) {
  if (!kind) {
    if (material)
      throw new AppError('invalid_finding', {
        detail: 'A material needs a resulting finding',
        errors: [{ path: 'resultMaterial', code: 'not_applicable', message: 'Choose the resulting finding first' }],
      });
    return;
  }
  const rules = FINDING_RULES[kind as FindingKind];
  if (rules.material === 'required' && !material)
    throw new AppError('invalid_finding', {
      detail: `A ${kind} result needs a material`,
      errors: [{ path: 'resultMaterial', code: 'required', message: 'Choose the material' }],
    });
  if (rules.material === 'none' && material)
    throw new AppError('invalid_finding', {
      detail: `A ${kind.replaceAll('_', ' ')} has no material`,
      errors: [{ path: 'resultMaterial', code: 'not_applicable', message: 'Leave the material empty' }],
    });
  if (kind === 'bridge')
    throw new AppError('invalid_finding', {
      detail: 'Bridges are charted tooth by tooth (abutment or pontic); chart them directly',
      errors: [{ path: 'resultKind', code: 'not_applicable', message: 'Not available for bridges' }],
    });
}

export async function listPriceList(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; includeInactive?: boolean },
): Promise<Procedure[]> {
  requirePermission(input.actor, 'clinical:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    let q = tx.selectFrom('procedures').select(COLUMNS).orderBy('code');
    if (!input.includeInactive) q = q.where('active', '=', true);
    return (await q.execute()).map(toProcedure);
  });
}

export async function createProcedure(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; procedure: z.output<typeof ProcedureInput> },
): Promise<Procedure> {
  requirePermission(input.actor, 'practice:manage');
  const p = input.procedure;
  checkResult(p.resultKind, p.resultMaterial);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const row = await tx
      .insertInto('procedures')
      .values({
        practiceId: input.practiceId,
        code: p.code,
        nameEn: p.nameEn,
        nameFr: p.nameFr,
        feeMinor: p.feeMinor,
        resultKind: p.resultKind,
        resultMaterial: p.resultMaterial,
        active: p.active,
      })
      .onConflict((oc) => oc.columns(['practiceId', 'code']).doNothing())
      .returning(COLUMNS)
      .executeTakeFirst();
    if (!row)
      throw new AppError('procedure_code_taken', { detail: `The price list already has a procedure ${p.code}` });
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.procedure_created',
      targetType: 'procedure',
      targetId: row.id,
      changes: { code: row.code, feeMinor: row.feeMinor },
    });
    return toProcedure(row);
  });
}

export async function updateProcedure(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; procedureId: string; patch: z.output<typeof ProcedurePatch> },
): Promise<Procedure> {
  requirePermission(input.actor, 'practice:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const current = await tx
      .selectFrom('procedures')
      .select(COLUMNS)
      .where('id', '=', input.procedureId)
      .forUpdate()
      .executeTakeFirst();
    if (!current) throw new AppError('procedure_not_found');
    // Nothing to change: the record as it is, nothing written or audited (as every PATCH answers).
    if (Object.values(input.patch).every((v) => v === undefined)) return toProcedure(current);
    const next = { ...current, ...input.patch };
    checkResult(next.resultKind, next.resultMaterial);
    const row = await tx
      .updateTable('procedures')
      .set({ ...input.patch, updatedAt: new Date() })
      .where('id', '=', input.procedureId)
      .returning(COLUMNS)
      .executeTakeFirstOrThrow();
    const changes = Object.fromEntries(
      Object.keys(input.patch).map((k) => [
        k,
        { from: current[k as keyof ProcedureRow], to: row[k as keyof ProcedureRow] },
      ]),
    );
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.procedure_updated',
      targetType: 'procedure',
      targetId: row.id,
      changes,
    });
    return toProcedure(row);
  });
}

/** Adds the default procedures whose codes the practice does not have yet; safe to run twice. */
export async function importDefaultProcedures(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string },
): Promise<{ added: number; items: Procedure[] }> {
  requirePermission(input.actor, 'practice:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const inserted = await tx
      .insertInto('procedures')
      .values(
        DEFAULT_PROCEDURES.map((p) => ({
          practiceId: input.practiceId,
          code: p.code,
          nameEn: p.nameEn,
          nameFr: p.nameFr,
          feeMinor: p.feeMinor,
          resultKind: p.resultKind ?? null,
          resultMaterial: p.resultMaterial ?? null,
        })),
      )
      .onConflict((oc) => oc.columns(['practiceId', 'code']).doNothing())
      .returning('code')
      .execute();
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'clinical.price_list_defaults_imported',
      targetType: 'practice',
      targetId: input.practiceId,
      changes: { codes: inserted.map((r) => r.code) },
    });
    const items = await tx.selectFrom('procedures').select(COLUMNS).orderBy('code').execute();
    return { added: inserted.length, items: items.map(toProcedure) };
  });
}

/** A procedure of the practice, for planning (inside the caller's transaction). */
export async function findProcedureIn(tx: Tx, procedureId: string) {
  return tx.selectFrom('procedures').select(COLUMNS).where('id', '=', procedureId).executeTakeFirst();
}

/** Price list entries by id, for the audit trail: code and names (the list is the practice's, not a patient's). */
export async function procedureNamesIn(
  tx: Tx,
  ids: string[],
): Promise<Map<string, { code: string; nameEn: string; nameFr: string; active: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('procedures')
    .select(['id', 'code', 'nameEn', 'nameFr', 'active'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r]));
}
