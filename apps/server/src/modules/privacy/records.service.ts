import type { ProcessingActivity, ProcessingRecord, ThirdParty } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import type { DataOwner, DataRetention } from '../../platform/data-owners.js';
import { AppError } from '../../platform/errors.js';
import { inPractice } from '../../platform/tenancy.js';
import { getPractice } from '../practices/practices.service.js';
import { REGISTRY_CATEGORIES, purposeOf } from './records.registry.js';
import { processingRecordPdf } from './records.pdf.js';

/**
 * The record of processing activities of one practice (Data Protection Act 2017): each kind of
 * data the modules declare (their retention declarations), with its purposes and legal bases (our
 * registry), retention, recipients and transfers (the deployment's third-party register), and the
 * practice as controller. A module whose declaration is not built yet is named, not left out.
 */
export async function processingRecord(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; now?: Date },
): Promise<ProcessingRecord> {
  requirePermission(input.actor, 'privacy:manage');
  const practice = await getPractice(ctx, { actor: input.actor, practiceId: input.practiceId });
  const { declared, pendingModules } = declaredCategories(ctx.dataOwners);
  const keys = new Set(declared.map((d) => d.category));
  const activities = [
    ...declared.map((d) => activityOf(ctx, d, 'declared')),
    ...REGISTRY_CATEGORIES.filter((r) => !keys.has(r.category)).map((r) => activityOf(ctx, r, 'registry')),
  ];
  return {
    controller: { name: practice.name, address: practice.address, email: practice.email, phone: practice.phone },
    processor: { name: 'DentalPro', contactEmail: ctx.config.privacy.contactEmail },
    generatedAt: (input.now ?? new Date()).toISOString(),
    activities,
    pendingModules,
  };
}

/** The record as a PDF, in English or French; the download is audited. */
export async function processingRecordAsPdf(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; lang: 'en' | 'fr' },
): Promise<Buffer> {
  const record = await processingRecord(ctx, input);
  const pdf = await processingRecordPdf(record, input.lang);
  await inPractice(ctx.db, input.practiceId, (tx) =>
    recordAudit(tx, {
      practiceId: input.practiceId,
      actor: input.actor,
      action: 'privacy.records_downloaded',
      changes: { format: 'pdf', lang: input.lang, activities: record.activities.length },
    }),
  );
  return pdf;
}

/** Every owner's declared categories; an owner not built yet (not_implemented) is named in pendingModules. */
export function declaredCategories(owners: readonly DataOwner[]) {
  const declared: (DataRetention & { module: string })[] = [];
  const pendingModules: string[] = [];
  for (const owner of owners) {
    let retention: DataRetention[];
    try {
      retention = owner.retention();
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_implemented') {
        pendingModules.push(owner.module);
        continue;
      }
      throw err;
    }
    for (const r of retention) declared.push({ ...r, module: owner.module });
  }
  return { declared, pendingModules };
}

function activityOf(
  ctx: AppContext,
  d: DataRetention & { module: string },
  source: ProcessingActivity['source'],
): ProcessingActivity {
  const purpose = purposeOf(d.module, d.category);
  const register = ctx.config.privacy.thirdParties as ThirdParty[];
  const recipients = register.filter((p) => p.kind === 'hosting' || purpose.recipients.includes(p.kind));
  return {
    category: d.category,
    module: d.module,
    description: d.description,
    keptFor: d.keptFor,
    why: d.why,
    rule: d.rule ? { ...d.rule } : null,
    dataSubjects: purpose.dataSubjects,
    purposes: purpose.purposes,
    legalBases: purpose.legalBases,
    specialCategory: purpose.specialCategory,
    recipients,
    transfers: recipients.filter((p) => p.outsideMauritius),
    source,
  };
}
