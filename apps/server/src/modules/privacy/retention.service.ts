import type {
  FieldError,
  RetentionReport,
  RetentionReportCategory,
  RetentionRule,
  RetentionRun,
  RetentionRunResult,
  RetentionSettings,
  RetentionSettingsInput,
} from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission, systemActor } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { inPractice } from '../../platform/tenancy.js';
import { sealedStoresOf } from '../../platform/data-owners.js';
import {
  PATIENTS_PER_PURGE,
  type PurgePlan,
  chosenPeriodsIn,
  chunks,
  planPurges,
  purgeOnce,
} from './retention.plan.js';
import { erasePatientDetailsIn } from '../patients/patient-privacy.service.js';
import { heldPatientIdsIn } from './holds.service.js';
import { PRACTICE_EXPORT_DAYS, expirePracticeExports } from './practice-export.service.js';
import {
  insertRun,
  lockChosenPeriods,
  replaceChosenPeriods,
  selectPracticeZones,
  selectRuns,
} from './retention.repository.js';
import { DAY_MS, type DeclaredRule, declaredRetention, localDate, localHour } from './retention.rules.js';

/**
 * Retention: the periods each category of data is kept (declared by the data owners, lengthened by
 * the practice above their floors), the daily job that purges what is past its time, its dry run,
 * and the report of what falls due in the next 90 days. Owners only (privacy:manage); every change
 * and every purge is audited, by ids and counts.
 *
 * Rules tied to a time give the owner a `before` (now minus the period); rules tied to a patient
 * give it the patients whose time is up (patientDueAt: the last visit plus the period, a minor's
 * not before their 25th birthday, nobody with a visit still to come), never those under a legal
 * hold, which every purge is also told about.
 */

/** The hour (practice time) from which the daily run may go. */
export const DAILY_RUN_HOUR = 3;

// Settings

function toSettings(ctx: AppContext, chosen: Map<string, { days: number; updatedAt: Date }>): RetentionSettings {
  const declared = declaredRetention(ctx.dataOwners);
  return {
    rules: declared.rules.map(
      (r): RetentionRule => ({
        category: r.category,
        module: r.owner.module,
        description: r.description,
        why: r.why,
        defaultDays: r.defaultDays,
        floorDays: r.floorDays,
        days: chosen.get(r.category)?.days ?? r.defaultDays,
        from: r.from,
        tiedTo: r.tiedTo,
        customised: chosen.has(r.category),
        updatedAt: chosen.get(r.category)?.updatedAt.toISOString() ?? null,
      }),
    ),
    others: declared.others.map((o) => ({
      category: o.category,
      module: o.module,
      description: o.description,
      keptFor: o.keptFor,
      why: o.why,
    })),
    undeclared: declared.undeclared,
  };
}

export async function getRetentionSettings(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string },
): Promise<RetentionSettings> {
  requirePermission(input.actor, 'privacy:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => toSettings(ctx, await chosenPeriodsIn(tx)));
}

/** The refusals of a set of periods: unknown categories, periods below their floor, a category twice. */
export function periodProblems(rules: readonly DeclaredRule[], input: RetentionSettingsInput): FieldError[] {
  const byCategory = new Map(rules.map((r) => [r.category, r]));
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  input.rules.forEach((p, i) => {
    const rule = byCategory.get(p.category);
    if (!rule) {
      errors.push({
        path: `rules.${i}.category`,
        code: 'unknown_category',
        message: `${p.category} has no retention period to set`,
      });
    } else if (p.days < rule.floorDays) {
      errors.push({
        path: `rules.${i}.days`,
        code: 'below_floor',
        message: `${p.category} must be kept at least ${rule.floorDays} days`,
        params: { minimum: rule.floorDays, category: p.category },
      });
    }
    if (seen.has(p.category))
      errors.push({ path: `rules.${i}.category`, code: 'not_unique', message: `${p.category} is named twice` });
    seen.add(p.category);
  });
  return errors;
}

/**
 * Replaces the practice's periods. A period at its default is not stored (the default then follows
 * the declaration); one below its floor is refused, 422 retention_rule_below_floor naming the
 * category and the floor.
 */
export async function saveRetentionSettings(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; settings: RetentionSettingsInput },
): Promise<RetentionSettings> {
  requirePermission(input.actor, 'privacy:manage');
  const { practiceId } = input;
  const rules = declaredRetention(ctx.dataOwners).rules;
  const errors = periodProblems(rules, input.settings);
  if (errors.length > 0) {
    const belowFloor = errors.find((e) => e.code === 'below_floor');
    if (belowFloor) {
      const category = String(belowFloor.params?.category);
      const floorDays = Number(belowFloor.params?.minimum);
      throw new AppError('retention_rule_below_floor', {
        detail: `${category} must be kept at least ${floorDays} days`,
        errors,
        extra: { category, floorDays },
      });
    }
    throw new AppError(
      errors.some((e) => e.code === 'unknown_category') ? 'retention_category_unknown' : 'validation_failed',
      {
        detail: errors[0]!.message,
        errors,
      },
    );
  }
  const defaults = new Map(rules.map((r) => [r.category, r.defaultDays]));
  const periods = input.settings.rules.filter((p) => p.days !== defaults.get(p.category));
  return inPractice(ctx.db, practiceId, async (tx) => {
    const before = new Map((await lockChosenPeriods(tx, practiceId)).map((r) => [r.category, r.days]));
    await replaceChosenPeriods(tx, { practiceId, periods, userId: input.actor.userId });
    const after = new Map(periods.map((p) => [p.category, p.days]));
    const changed = [...new Set([...before.keys(), ...after.keys()])]
      .filter((c) => before.get(c) !== after.get(c))
      .sort();
    if (changed.length > 0)
      await recordAudit(tx, {
        practiceId,
        actor: input.actor,
        action: 'privacy.retention_rules_updated',
        targetType: 'practice',
        targetId: practiceId,
        changes: Object.fromEntries(
          changed.map((c) => [c, { from: before.get(c) ?? defaults.get(c), to: after.get(c) ?? defaults.get(c) }]),
        ),
      });
    return toSettings(ctx, await chosenPeriodsIn(tx));
  });
}

// What is due

function toRun(row: Awaited<ReturnType<typeof selectRuns>>[number]): RetentionRun {
  return {
    id: row.id,
    asOf: row.asOf.toISOString(),
    dryRun: row.dryRun,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt.toISOString(),
    purged: row.purged,
    results: row.results as RetentionRunResult[],
  };
}

/**
 * One run of the retention rules for one practice, as of `now`: each category's purge in a
 * transaction of its own with its audit event (a failure leaves what was done before it done), then
 * the run's record. Running it again purges nothing more. With `dryRun`, nothing is removed or
 * audited; the run is recorded as a dry run.
 */
export async function runRetention(
  ctx: AppContext,
  input: { practiceId: string; now: Date; dryRun: boolean; actor?: Actor },
): Promise<RetentionRun> {
  const actor = input.actor ?? systemActor('retention');
  requirePermission(actor, 'privacy:manage');
  const { practiceId, now, dryRun } = input;
  const startedAt = new Date();
  const stores = sealedStoresOf(ctx);
  const { plans, held } = await inPractice(ctx.db, practiceId, async (tx) => {
    const held = await heldPatientIdsIn(tx, practiceId, now);
    return { held, plans: await planPurges(ctx, tx, { practiceId, now, at: now, held }) };
  });
  const results: RetentionRunResult[] = [];
  for (const plan of plans) {
    const base = { category: plan.rule.category, module: plan.rule.owner.module, days: plan.days };
    if (plan.skipped) {
      results.push({ ...base, count: 0, skipped: plan.skipped });
      continue;
    }
    let count = 0;
    const batches = plan.patientIds ? chunks(plan.patientIds, PATIENTS_PER_PURGE) : [[]];
    for (const batch of batches)
      count += await inPractice(ctx.db, practiceId, async (tx) => {
        // A hold set since the plan was made counts: holds are read again in the purge's transaction.
        const heldNow = new Set([...held, ...(await heldPatientIdsIn(tx, practiceId, now))]);
        const patientIds = batch.filter((id) => !heldNow.has(id));
        if (plan.patientIds && patientIds.length === 0) return 0;
        return purgeOnce(tx, { practiceId, plan, patientIds, held: [...heldNow], at: now, dryRun, actor, stores });
      });
    results.push({ ...base, count, ...(plan.patientIds ? { patients: plan.patientIds.length } : {}) });
  }
  const identity = await anonymiseRecords(ctx, { practiceId, plans, held, now, dryRun, actor });
  if (identity) results.push(identity);
  // Whole-practice exports past their days: their sealed ZIPs leave the file store.
  if (!dryRun) {
    const expired = await expirePracticeExports(ctx, { practiceId, now });
    if (expired > 0)
      results.push({ category: 'practice_exports', module: 'privacy', days: PRACTICE_EXPORT_DAYS, count: expired });
  }
  const purged = results.reduce((n, r) => n + r.count, 0);
  const row = await inPractice(ctx.db, practiceId, (tx) =>
    insertRun(tx, { practiceId, asOf: now, dryRun, results, purged, startedAt }),
  );
  return toRun(row);
}

/**
 * Once every rule tied to a patient has purged a patient's records, nothing needs their details
 * any more: the patients module anonymises the record (contact details, then name, birth date and
 * alerts; the row stays for the figures). Patients due under every such rule, holds left out.
 * Nothing happens in a dry run (the patients module has no dry run of it): the result says so.
 */
async function anonymiseRecords(
  ctx: AppContext,
  input: { practiceId: string; plans: PurgePlan[]; held: string[]; now: Date; dryRun: boolean; actor: Actor },
): Promise<RetentionRunResult | undefined> {
  const patientPlans = input.plans.filter((p) => p.patientIds && p.rule.tiedTo === 'patient');
  if (patientPlans.length === 0) return undefined;
  const [first, ...rest] = patientPlans.map((p) => new Set(p.patientIds));
  const due = [...first!].filter((id) => rest.every((set) => set.has(id)));
  const base = {
    category: 'patient_details',
    module: 'patients',
    days: Math.max(...patientPlans.map((p) => p.days)),
    patients: due.length,
  };
  if (input.dryRun) return { ...base, count: 0, skipped: 'dry_run' };
  let count = 0;
  for (const batch of chunks(due, PATIENTS_PER_PURGE))
    count += await inPractice(ctx.db, input.practiceId, async (tx) => {
      const heldNow = new Set([...input.held, ...(await heldPatientIdsIn(tx, input.practiceId, input.now))]);
      const anonymised: string[] = [];
      let n = 0;
      for (const patientId of batch) {
        if (heldNow.has(patientId)) continue;
        const outcome = await erasePatientDetailsIn(tx, {
          practiceId: input.practiceId,
          patientId,
          identityNeededUntil: null,
          now: input.now,
        });
        const erased = Object.values(outcome.erased).reduce((a, b) => a + b, 0);
        if (erased > 0) anonymised.push(patientId);
        n += erased;
      }
      if (n > 0)
        await recordAudit(tx, {
          practiceId: input.practiceId,
          actor: input.actor,
          action: 'privacy.retention_purged',
          targetType: 'practice',
          targetId: input.practiceId,
          changes: {
            category: 'patient_details',
            module: 'patients',
            days: base.days,
            count: n,
            patientIds: anonymised,
          },
        });
      return n;
    });
  return { ...base, count };
}

/**
 * The daily job's round: every practice whose clock has passed DAILY_RUN_HOUR and that has had no
 * run for its calendar day yet gets one. Scheduled hourly, so each practice runs at the first tick
 * after 03:00 in its own time zone (or later the same day when the worker was down). A practice
 * that fails is logged and tried again at the next tick.
 */
export async function runDailyRetention(
  ctx: AppContext,
  input: { now: Date },
): Promise<{ practiceId: string; purged: number }[]> {
  const done: { practiceId: string; purged: number }[] = [];
  for (const practice of await selectPracticeZones(ctx.db)) {
    if (localHour(input.now, practice.timeZone) < DAILY_RUN_HOUR) continue;
    try {
      const today = localDate(input.now, practice.timeZone);
      const recent = await inPractice(ctx.db, practice.id, (tx) => selectRuns(tx, { limit: 1, dryRun: false }));
      if (recent[0] && localDate(recent[0].asOf, practice.timeZone) === today) continue;
      const run = await runRetention(ctx, { practiceId: practice.id, now: input.now, dryRun: false });
      done.push({ practiceId: practice.id, purged: run.purged });
    } catch (err) {
      ctx.logger.error({ practiceId: practice.id, err: (err as Error).message }, 'retention run failed for a practice');
    }
  }
  return done;
}

export async function listRetentionRuns(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; limit: number },
): Promise<RetentionRun[]> {
  requirePermission(input.actor, 'privacy:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => (await selectRuns(tx, { limit: input.limit })).map(toRun));
}

/**
 * The retention report: per category, what a run would purge now and what it would purge `days`
 * from now (dry runs of each owner's purge, in one read-only transaction). Holds in force now are
 * left out of both; a hold ending before then is still counted as holding.
 */
export async function retentionReport(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; days: number; now?: Date },
): Promise<RetentionReport> {
  requirePermission(input.actor, 'privacy:manage');
  const { practiceId } = input;
  const now = input.now ?? new Date();
  const until = new Date(now.getTime() + input.days * DAY_MS);
  return inPractice(ctx.db, practiceId, async (tx) => {
    const held = await heldPatientIdsIn(tx, practiceId, now);
    const [nowPlans, laterPlans] = [
      await planPurges(ctx, tx, { practiceId, now, at: now, held }),
      await planPurges(ctx, tx, { practiceId, now, at: until, held }),
    ];
    const actor = systemActor('retention-report');
    const stores = sealedStoresOf(ctx);
    const count = async (plan: PurgePlan, at: Date) => {
      if (plan.skipped) return 0;
      let n = 0;
      for (const patientIds of plan.patientIds ? chunks(plan.patientIds, PATIENTS_PER_PURGE) : [[]])
        n += await purgeOnce(tx, { practiceId, plan, patientIds, held, at, dryRun: true, actor, stores });
      return n;
    };
    const categories: RetentionReportCategory[] = [];
    for (const [i, plan] of nowPlans.entries()) {
      const later = laterPlans[i]!;
      categories.push({
        category: plan.rule.category,
        module: plan.rule.owner.module,
        description: plan.rule.description,
        days: plan.days,
        tiedTo: plan.rule.tiedTo,
        dueNow: await count(plan, now),
        dueWithin: await count(later, until),
        ...(later.patientIds ? { patients: later.patientIds.length } : {}),
        ...(plan.skipped ? { skipped: plan.skipped } : {}),
      });
    }
    const lastRun = (await selectRuns(tx, { limit: 1, dryRun: false }))[0];
    return {
      asOf: now.toISOString(),
      until: until.toISOString(),
      days: input.days,
      categories,
      heldPatients: held.length,
      lastRun: lastRun ? toRun(lastRun) : null,
    };
  });
}

/**
 * An operator's run (the CLI): one practice or every practice, at once, whatever the hour, as of
 * `now`; a dry run counts what would go and removes nothing.
 */
export async function runRetentionNow(
  ctx: AppContext,
  input: { practiceId?: string; now: Date; dryRun: boolean },
): Promise<(RetentionRun & { practiceId: string })[]> {
  const practices = input.practiceId ? [input.practiceId] : (await selectPracticeZones(ctx.db)).map((p) => p.id);
  const runs: (RetentionRun & { practiceId: string })[] = [];
  for (const practiceId of practices)
    runs.push({ practiceId, ...(await runRetention(ctx, { practiceId, now: input.now, dryRun: input.dryRun })) });
  return runs;
}
