import type { PolicyAcknowledgements, PolicyVersion, PolicyVersionSummary, PrivacyPolicy } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission, systemActor } from '../../platform/access.js';
import { recordAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { type Tx, inPractice, listMemberships, practiceFactsIn } from '../../platform/tenancy.js';
import { userDirectory } from '../auth/auth.service.js';
import { memberDirectory } from '../staff/staff.service.js';
import {
  acknowledgementsSince,
  findPolicyVersion,
  newestMaterialVersion,
  insertAcknowledgement,
  insertPolicyVersion,
  listPolicyVersions,
  lockCurrentPolicyVersion,
  unacknowledgedMaterialVersion,
} from './policy.repository.js';
import { type PolicyDocument, policyFileOf, renderPolicyText } from './policy.text.js';

type SummaryRow = Awaited<ReturnType<typeof listPolicyVersions>>[number];
type VersionRow = NonNullable<Awaited<ReturnType<typeof findPolicyVersion>>>;

const toSummary = (r: SummaryRow): PolicyVersionSummary => ({
  version: r.version,
  lastUpdated: r.effectiveDate,
  material: r.material,
  summary: { en: r.summaryEn, fr: r.summaryFr },
  publishedAt: r.publishedAt.toISOString(),
});

function toVersion(ctx: AppContext, r: VersionRow): PolicyVersion {
  return {
    ...toSummary(r),
    text: {
      en: renderPolicyText(r.textEn, 'en', ctx.config.privacy),
      fr: renderPolicyText(r.textFr, 'fr', ctx.config.privacy),
    },
  };
}

/** The public page: the current version, every version's summary, the contact and the register. */
export async function readPrivacyPolicy(ctx: AppContext): Promise<PrivacyPolicy> {
  const [current, versions] = await Promise.all([findPolicyVersion(ctx.db, 'current'), listPolicyVersions(ctx.db)]);
  if (!current) throw new AppError('policy_version_not_found', { detail: 'No privacy policy has been published' });
  return {
    current: toVersion(ctx, current),
    versions: versions.map(toSummary),
    contactEmail: ctx.config.privacy.contactEmail,
    thirdParties: ctx.config.privacy.thirdParties,
  };
}

export async function readPolicyVersion(ctx: AppContext, version: number): Promise<PolicyVersion> {
  const row = await findPolicyVersion(ctx.db, version);
  if (!row) throw new AppError('policy_version_not_found', { detail: `There is no policy version ${version}` });
  return toVersion(ctx, row);
}

export { parsePolicyFile } from './policy.text.js';

/** The current version in the form `privacy publish-policy --file` reads, placeholders kept. */
export async function currentPolicyFile(
  ctx: AppContext,
): Promise<{ version: number; lastUpdated: string; file: string }> {
  const row = await findPolicyVersion(ctx.db, 'current');
  if (!row) throw new AppError('policy_version_not_found', { detail: 'No privacy policy has been published' });
  return {
    version: row.version,
    lastUpdated: row.effectiveDate,
    file: policyFileOf({ summary: { en: row.summaryEn, fr: row.summaryFr }, text: { en: row.textEn, fr: row.textFr } }),
  };
}

export interface PublishOutcome extends PolicyVersionSummary {
  /** Owners emailed about a material version (delivered or written to the log without SMTP). */
  ownersEmailed: number;
  emailFailures: number;
}

/**
 * An operator publishes a new version (CLI): checked → numbered after the current one → written
 * and audited in every practice's trail → for a material change, each practice's owners emailed
 * (after the commit; a failed email is counted, not fatal) and staff shown a notice until they
 * acknowledge it.
 */
export async function publishPolicyVersion(
  ctx: AppContext,
  input: { document: PolicyDocument; lastUpdated: string; material: boolean; now?: Date },
): Promise<PublishOutcome> {
  const now = input.now ?? new Date();
  checkPublicationDate(input.lastUpdated, now);
  const published = await ctx.db.transaction().execute(async (tx) => {
    const current = await lockCurrentPolicyVersion(tx);
    if (current && input.lastUpdated < current.effectiveDate)
      throw new AppError('policy_version_outdated', {
        detail: `The new version is dated ${input.lastUpdated}, before the current version ${current.version} (last updated ${current.effectiveDate}); date it ${current.effectiveDate} or later`,
        extra: { currentVersion: current.version, currentLastUpdated: current.effectiveDate },
      });
    const row = await insertPolicyVersion(tx, {
      version: (current?.version ?? 0) + 1,
      effectiveDate: input.lastUpdated,
      material: input.material,
      summaryEn: input.document.summary.en,
      summaryFr: input.document.summary.fr,
      textEn: input.document.text.en,
      textFr: input.document.text.fr,
    });
    const owners = await ownersOfEveryPractice(tx);
    for (const practiceId of new Set(owners.map((o) => o.practiceId)))
      await recordAudit(tx, {
        practiceId,
        actor: systemActor('cli'),
        action: 'privacy.policy_published',
        changes: { version: row.version, lastUpdated: row.effectiveDate, material: row.material },
      });
    return { row, owners };
  });
  let ownersEmailed = 0;
  let emailFailures = 0;
  if (input.material) {
    for (const owner of published.owners) {
      const practice = await practiceFactsIn(ctx.db, owner.practiceId);
      try {
        await ctx.mailer.send(materialChangeEmail(ctx, published.row, owner, practice?.name ?? ''));
        ownersEmailed++;
      } catch (err) {
        emailFailures++;
        ctx.logger.warn({ err, practiceId: owner.practiceId }, 'privacy policy email to an owner failed');
      }
    }
  }
  return { ...toSummary(published.row), ownersEmailed, emailFailures };
}

function checkPublicationDate(date: string, now: Date) {
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(date) && new Date(`${date}T00:00:00Z`).toISOString().startsWith(date);
  if (!valid) throw new AppError('validation_failed', { detail: `--date ${date} is not a date (YYYY-MM-DD)` });
  // A day of grace: the operator may be a time zone ahead of UTC.
  const tomorrow = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
  if (date > tomorrow)
    throw new AppError('validation_failed', {
      detail: `--date ${date} is in the future: a version is dated when it is published`,
    });
}

/** Every owner of every practice (one row per practice they own), for the publication's audit and emails. */
async function ownersOfEveryPractice(tx: Tx | AppContext['db']) {
  const conn = tx as Tx;
  return conn
    .selectFrom(memberDirectory(conn).where('memberships.role', '=', 'owner').as('m'))
    .innerJoin(userDirectory(conn).as('u'), 'u.id', 'm.userId')
    .select(['m.practiceId', 'u.email', 'u.name'])
    .orderBy('m.practiceId')
    .execute();
}

function materialChangeEmail(
  ctx: AppContext,
  row: SummaryRow,
  owner: { email: string; name: string },
  practiceName: string,
) {
  const link = `${ctx.config.publicUrl}/privacy`;
  return {
    to: owner.email,
    subject: `DentalPro privacy policy: material change (version ${row.version}, last updated ${row.effectiveDate})`,
    text: [
      `Hello ${owner.name},`,
      '',
      `The DentalPro privacy policy that ${practiceName || 'your practice'} relies on as data controller has changed in a way that matters (version ${row.version}, last updated ${row.effectiveDate}).`,
      '',
      `What changed: ${row.summaryEn}`,
      '',
      `Read it: ${link}`,
      'Your staff will see a notice in DentalPro until each of them acknowledges it.',
      '',
      '---',
      '',
      `Bonjour ${owner.name},`,
      '',
      `La politique de confidentialité de DentalPro, sur laquelle s'appuie ${practiceName || 'votre cabinet'} en tant que responsable du traitement, a changé de manière importante (version ${row.version}, dernière mise à jour le ${row.effectiveDate}).`,
      '',
      `Ce qui change : ${row.summaryFr}`,
      '',
      `La lire : ${link}`,
      "Votre équipe verra un avis dans DentalPro jusqu'à ce que chacun en ait pris connaissance.",
    ].join('\n'),
  };
}

/** The material version the signed-in person has yet to acknowledge (the newest), or null. */
export async function policyNoticeFor(
  ctx: AppContext,
  input: { userId: string },
): Promise<{ notice: PolicyVersionSummary | null }> {
  const row = await unacknowledgedMaterialVersion(ctx.db, input.userId);
  return { notice: row ? toSummary(row) : null };
}

/**
 * The person has read version `version`: stored once for them (the notice goes in every practice
 * they work in) and audited in each of those practices' trails, in the same transaction.
 */
export async function acknowledgePolicy(
  ctx: AppContext,
  input: { userId: string; ip: string | null; requestId: string; version: number },
): Promise<{ notice: PolicyVersionSummary | null }> {
  const memberships = await listMemberships(ctx.db, input.userId);
  await ctx.db.transaction().execute(async (tx) => {
    const row = await findPolicyVersion(tx, input.version);
    if (!row) throw new AppError('policy_version_not_found', { detail: `There is no policy version ${input.version}` });
    if (!(await insertAcknowledgement(tx, input.userId, input.version))) return;
    for (const m of memberships)
      await recordAudit(tx, {
        practiceId: m.practiceId,
        actor: { userId: input.userId, role: m.role, ip: input.ip, requestId: input.requestId },
        action: 'privacy.policy_acknowledged',
        targetType: 'user',
        targetId: input.userId,
        changes: { version: input.version },
      });
  });
  return policyNoticeFor(ctx, { userId: input.userId });
}

/** For owners: each member of the practice, and whether they have acknowledged the newest material version. */
export async function policyAcknowledgementsIn(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string },
): Promise<PolicyAcknowledgements> {
  requirePermission(input.actor, 'privacy:manage');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const version = await newestMaterialVersion(tx);
    const members = await tx
      .selectFrom(memberDirectory(tx).as('m'))
      .innerJoin(userDirectory(tx).as('u'), 'u.id', 'm.userId')
      .select(['m.userId', 'u.name', 'm.role'])
      .where('m.practiceId', '=', input.practiceId)
      .orderBy('u.name')
      .execute();
    const acknowledged = version
      ? await acknowledgementsSince(
          tx,
          members.map((m) => m.userId),
          version.version,
        )
      : new Map<string, Date>();
    return {
      version: version ? toSummary(version) : null,
      members: members.map((m) => ({
        userId: m.userId,
        name: m.name,
        role: m.role,
        acknowledgedAt: acknowledged.get(m.userId)?.toISOString() ?? null,
      })),
    };
  });
}
