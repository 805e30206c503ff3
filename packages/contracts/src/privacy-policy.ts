import { z } from 'zod';
import { IsoDateTime } from './common.js';

// The privacy policy (issue 14): versioned documents of the whole deployment, in English and
// French, each with its "Last updated" date. /privacy shows the current one and lists the earlier
// ones; a material version shows staff a notice until each acknowledges it.

/** The kinds of third parties the policy names, from the deployment's register (PRIVACY_THIRD_PARTIES). */
export const THIRD_PARTY_KINDS = ['hosting', 'authentication', 'messaging', 'email'] as const;
export const ThirdPartyKind = z.enum(THIRD_PARTY_KINDS);
export type ThirdPartyKind = z.infer<typeof ThirdPartyKind>;

export const ThirdParty = z.object({
  kind: ThirdPartyKind,
  /** Who: "Meta Platforms (WhatsApp Business Platform)", "Google (sign-in)", … */
  name: z.string().min(1).max(200),
  /** Where it keeps or handles the data, in words ("Mauritius", "Ireland and the United States"). */
  location: z.string().min(1).max(200),
  /** The data leaves Mauritius: a transfer in the record of processing. */
  outsideMauritius: z.boolean(),
  /** What binds it (the contract or safeguard), in words; optional. */
  safeguards: z.string().max(500).optional(),
});
export type ThirdParty = z.infer<typeof ThirdParty>;

export const PolicyTexts = z.object({ en: z.string(), fr: z.string() });

export const PolicyVersionSummary = z.object({
  version: z.number().int().positive(),
  /** The "Last updated" date (YYYY-MM-DD). */
  lastUpdated: z.string(),
  material: z.boolean(),
  summary: PolicyTexts,
  publishedAt: IsoDateTime,
});
export type PolicyVersionSummary = z.infer<typeof PolicyVersionSummary>;

/** One version with its text (a small Markdown: `## ` headings, paragraphs and `- ` lists), the register and contact filled in. */
export const PolicyVersion = PolicyVersionSummary.extend({ text: PolicyTexts });
export type PolicyVersion = z.infer<typeof PolicyVersion>;

export const PrivacyPolicy = z.object({
  current: PolicyVersion,
  /** Every version, newest first (the current one included). */
  versions: z.array(PolicyVersionSummary),
  /** The deployment's privacy contact (PRIVACY_CONTACT_EMAIL); null when not configured. */
  contactEmail: z.string().nullable(),
  thirdParties: z.array(ThirdParty),
});
export type PrivacyPolicy = z.infer<typeof PrivacyPolicy>;

export const PolicyVersionParams = z.object({ version: z.coerce.number().int().positive().max(1_000_000) });

/** The material version the signed-in member has not acknowledged yet (the newest), or null. */
export const PolicyNotice = z.object({ notice: PolicyVersionSummary.nullable() });
export type PolicyNotice = z.infer<typeof PolicyNotice>;

export const AcknowledgePolicy = z.strictObject({ version: z.number().int().positive().max(1_000_000) });
export type AcknowledgePolicy = z.infer<typeof AcknowledgePolicy>;

/** For owners: who in the practice has acknowledged the newest material version. */
export const PolicyAcknowledgements = z.object({
  /** The newest material version (null: none was ever published). */
  version: PolicyVersionSummary.nullable(),
  members: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      role: z.enum(['owner', 'dentist', 'hygienist', 'receptionist']),
      /** When they acknowledged it (or a later version); null: not yet. */
      acknowledgedAt: IsoDateTime.nullable(),
    }),
  ),
});
export type PolicyAcknowledgements = z.infer<typeof PolicyAcknowledgements>;
