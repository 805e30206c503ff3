import type { AppContext } from '../../context.js';
import type { Actor } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import type { Tx } from '../../platform/tenancy.js';
import { patientRetentionFactsIn } from '../patients/retention-facts.service.js';
import { patientVisitFactsIn } from '../scheduling/last-visits.service.js';
import { selectChosenPeriods, selectErasureClocks } from './retention.repository.js';
import {
  DAY_MS,
  type DeclaredRule,
  type PatientClock,
  declaredRetention,
  effectiveDays,
  patientDueAt,
} from './retention.rules.js';
import type { SealedStores } from '../../platform/data-owners.js';

/**
 * What a retention run (or the report) would touch: per rule, the cut-off for rules tied to a time
 * and the patients whose time is up for rules tied to a patient, and the audited purge call.
 */

/** Patients per purge call (and per audit event): keeps the statements' parameters and events bounded. */
export const PATIENTS_PER_PURGE = 500;

export async function chosenPeriodsIn(tx: Tx) {
  const rows = await selectChosenPeriods(tx);
  return new Map(rows.map((r) => [r.category, r]));
}

/** Every patient's clock: the calendar's last and next visits, the record's birth date and creation, and erasures' records. */
async function patientClocksIn(tx: Tx, now: Date): Promise<Map<string, PatientClock>> {
  const [patients, visits, erasures] = await Promise.all([
    patientRetentionFactsIn(tx),
    patientVisitFactsIn(tx, { now }),
    selectErasureClocks(tx),
  ]);
  const erased = new Map(erasures.map((e) => [e.patientId, e]));
  const clocks = new Map<string, PatientClock>();
  for (const p of patients) {
    const visit = visits.get(p.id);
    const erasure = erased.get(p.id);
    const seen = [visit?.lastVisitAt, erasure?.lastVisitAt].filter((d): d is Date => !!d);
    clocks.set(p.id, {
      lastVisitAt: seen.length > 0 ? new Date(Math.max(...seen.map((d) => d.getTime()))) : null,
      nextAppointmentAt: visit?.nextAppointmentAt ?? null,
      dateOfBirth: p.dateOfBirth,
      createdAt: p.createdAt,
      notBefore: erasure?.minorUntil ? new Date(`${erasure.minorUntil}T00:00:00Z`) : null,
    });
  }
  return clocks;
}

/** The patients whose time under a rule is up at `at`, holds left out; undefined when the rule's anchor is not per patient. */
function duePatients(
  clocks: Map<string, PatientClock>,
  rule: { days: number; from: DeclaredRule['from'] },
  at: Date,
  held: ReadonlySet<string>,
): string[] | undefined {
  const due: string[] = [];
  for (const [id, clock] of clocks) {
    const when = patientDueAt(clock, rule);
    if (when === undefined) return undefined;
    if (when !== null && when.getTime() <= at.getTime() && !held.has(id)) due.push(id);
  }
  return due.sort();
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface PurgePlan {
  rule: DeclaredRule;
  days: number;
  before: Date;
  /** Tied to a patient: whose time is up. */
  patientIds?: string[];
  skipped?: string;
}

/** What each rule would touch at `at`: the plan a run or the report carries out. */
export async function planPurges(
  ctx: AppContext,
  tx: Tx,
  input: { practiceId: string; now: Date; at: Date; held: string[] },
) {
  const declared = declaredRetention(ctx.dataOwners).rules;
  const chosen = new Map([...(await chosenPeriodsIn(tx))].map(([c, r]) => [c, r.days]));
  const heldSet = new Set(input.held);
  const clocks = declared.some((r) => r.tiedTo === 'patient') ? await patientClocksIn(tx, input.now) : new Map();
  return declared.map((rule): PurgePlan => {
    const days = effectiveDays(rule, chosen);
    const before = new Date(input.at.getTime() - days * DAY_MS);
    if (!rule.owner.purge) return { rule, days, before, skipped: 'no_purge' };
    if (rule.anyHoldStops && heldSet.size > 0) return { rule, days, before, skipped: 'legal_hold' };
    if (rule.tiedTo === 'time') return { rule, days, before };
    const patientIds = duePatients(clocks, { days, from: rule.from }, input.at, heldSet);
    if (!patientIds) return { rule, days, before, skipped: `anchor_${rule.from}` };
    return { rule, days, before, patientIds };
  });
}

/** One purge call of a plan, audited when it removed something. */
export async function purgeOnce(
  tx: Tx,
  input: {
    practiceId: string;
    plan: PurgePlan;
    patientIds: string[];
    held: string[];
    at: Date;
    dryRun: boolean;
    actor: Actor;
    stores: SealedStores;
  },
): Promise<number> {
  const { plan } = input;
  const purgeInput = {
    practiceId: input.practiceId,
    category: plan.rule.category,
    before: plan.before,
    patientIds: input.patientIds,
    heldPatientIds: input.held,
    dryRun: input.dryRun,
    now: input.at,
    stores: input.stores,
  };
  const { count } = await plan.rule.owner.purge!(tx, purgeInput);
  if (count > 0 && !input.dryRun)
    await recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'privacy.retention_purged',
      targetType: 'practice',
      targetId: input.practiceId,
      changes: {
        category: plan.rule.category,
        module: plan.rule.owner.module,
        days: plan.days,
        count,
        ...(plan.patientIds ? { patientIds: input.patientIds } : { before: plan.before.toISOString() }),
      },
    });
  return count;
}

/**
 * When a patient's data kept by `module` under its rules tied to the patient falls due (the latest
 * of them), as YYYY-MM-DD, for an erasure's receipt; null when no date can be given yet.
 */
export async function keptUntilIn(
  ctx: AppContext,
  tx: Tx,
  input: { module: string; clock: PatientClock },
): Promise<string | null> {
  const chosen = new Map([...(await chosenPeriodsIn(tx))].map(([c, r]) => [c, r.days]));
  const dates = declaredRetention(ctx.dataOwners)
    .rules.filter((r) => r.owner.module === input.module && r.tiedTo === 'patient')
    .map((r) => patientDueAt(input.clock, { days: effectiveDays(r, chosen), from: r.from }))
    .filter((d): d is Date => d instanceof Date);
  if (dates.length === 0) return null;
  return new Date(Math.max(...dates.map((d) => d.getTime()))).toISOString().slice(0, 10);
}
