import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.js';
import { LocalDate } from './dates.js';

// Retention, legal holds and erasure (Privacy → Retention, Privacy → Legal holds; issue 14). The
// categories and their defaults and floors are the data owners' declarations on the server; a
// practice may lengthen a period, never shorten it below its floor.

export const RetentionAnchor = z.enum(['last_visit', 'last_message', 'created', 'expiry']);
export type RetentionAnchor = z.infer<typeof RetentionAnchor>;

/** One category with an enforced period, as the practice has it. */
export const RetentionRule = z.object({
  category: z.string(),
  module: z.string(),
  description: z.string(),
  why: z.string(),
  defaultDays: z.number().int(),
  floorDays: z.number().int(),
  /** The practice's period: its own choice, or the default. */
  days: z.number().int(),
  from: RetentionAnchor,
  tiedTo: z.enum(['patient', 'time']),
  /** The practice chose its own period (not the default). */
  customised: z.boolean(),
  updatedAt: IsoDateTime.nullable(),
});
export type RetentionRule = z.infer<typeof RetentionRule>;

/** A category kept for as long as what it belongs to: listed, with no period of its own. */
export const RetentionDeclaration = z.object({
  category: z.string(),
  module: z.string(),
  description: z.string(),
  keptFor: z.string(),
  why: z.string(),
});
export type RetentionDeclaration = z.infer<typeof RetentionDeclaration>;

export const RetentionSettings = z.object({
  rules: z.array(RetentionRule),
  /** Categories without a rule of their own (they live and die with what they belong to). */
  others: z.array(RetentionDeclaration),
  /** Modules that have not declared their retention yet (the job leaves their data alone). */
  undeclared: z.array(z.string()),
});
export type RetentionSettings = z.infer<typeof RetentionSettings>;

/**
 * Replaces the practice's periods: each category named gets its days (at least the floor; 422
 * retention_rule_below_floor otherwise); a category left out goes back to its default.
 */
export const RetentionSettingsInput = z.strictObject({
  rules: z
    .array(
      z.strictObject({
        category: z.string().min(1).max(63),
        days: z.number().int().min(1).max(36_500),
      }),
    )
    .max(100),
});
export type RetentionSettingsInput = z.infer<typeof RetentionSettingsInput>;

/** What one category purged (or would purge) in one run. */
export const RetentionRunResult = z.object({
  category: z.string(),
  module: z.string(),
  days: z.number().int(),
  count: z.number().int(),
  /** For rules tied to a patient: whose time was up (holds left out). */
  patients: z.number().int().optional(),
  /** Why the category was left alone (no purge declared, an anchor the job cannot work out). */
  skipped: z.string().optional(),
});
export type RetentionRunResult = z.infer<typeof RetentionRunResult>;

export const RetentionRun = z.object({
  id: Uuid,
  asOf: IsoDateTime,
  dryRun: z.boolean(),
  startedAt: IsoDateTime,
  finishedAt: IsoDateTime,
  purged: z.number().int(),
  results: z.array(RetentionRunResult),
});
export type RetentionRun = z.infer<typeof RetentionRun>;

/** The retention report: per category, what is due now and what falls due in the next 90 days. */
export const RetentionReportCategory = z.object({
  category: z.string(),
  module: z.string(),
  description: z.string(),
  days: z.number().int(),
  tiedTo: z.enum(['patient', 'time']),
  /** Due already (the next run purges it). */
  dueNow: z.number().int(),
  /** Due by the end of the period, the above included. */
  dueWithin: z.number().int(),
  /** For rules tied to a patient: the patients whose time is up by then. */
  patients: z.number().int().optional(),
  skipped: z.string().optional(),
});
export type RetentionReportCategory = z.infer<typeof RetentionReportCategory>;

export const RetentionReport = z.object({
  asOf: IsoDateTime,
  until: IsoDateTime,
  days: z.number().int(),
  categories: z.array(RetentionReportCategory),
  /** Patients under a legal hold now: left out of every count. */
  heldPatients: z.number().int(),
  lastRun: RetentionRun.nullable(),
});
export type RetentionReport = z.infer<typeof RetentionReport>;

export const RetentionReportQuery = z.object({
  days: z.coerce.number().int().min(1).max(366).default(90),
});

export const RetentionRunsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export const RetentionRuns = z.object({ items: z.array(RetentionRun) });
export type RetentionRuns = z.infer<typeof RetentionRuns>;

// Legal holds

const HoldReason = z.string().trim().min(1).max(2000);

export const LegalHold = z.object({
  id: Uuid,
  patientId: Uuid,
  patientName: z.string().nullable(),
  reason: z.string(),
  /** The last day it holds, or null: until lifted. */
  endsOn: z.string().nullable(),
  setAt: IsoDateTime,
  setBy: Uuid.nullable(),
  setByName: z.string().nullable(),
  liftedAt: IsoDateTime.nullable(),
  liftedBy: Uuid.nullable(),
  liftedByName: z.string().nullable(),
  liftReason: z.string().nullable(),
  /** In force now: not lifted, and its end date not passed. */
  active: z.boolean(),
});
export type LegalHold = z.infer<typeof LegalHold>;

export const LegalHoldInput = z.strictObject({
  patientId: Uuid,
  reason: HoldReason,
  endsOn: LocalDate.nullable().optional(),
});
export type LegalHoldInput = z.infer<typeof LegalHoldInput>;

export const LiftLegalHoldInput = z.strictObject({ reason: HoldReason });
export type LiftLegalHoldInput = z.infer<typeof LiftLegalHoldInput>;

export const LegalHoldParams = z.object({ practiceId: Uuid, holdId: Uuid });

export const LegalHoldsQuery = z.object({
  patientId: Uuid.optional(),
  /** Lifted and ended holds too (default: those in force). */
  all: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

export const LegalHolds = z.object({ items: z.array(LegalHold) });
export type LegalHolds = z.infer<typeof LegalHolds>;

// Erasure

/** The receipt of an erasure, for the patient: what was erased, what is kept, why and until when. */
export const ErasureReceipt = z.object({
  id: Uuid,
  patientId: Uuid,
  requestId: Uuid.nullable(),
  erasedAt: IsoDateTime,
  language: z.enum(['en', 'fr']),
  erased: z.array(z.object({ module: z.string(), kind: z.string(), label: z.string(), count: z.number().int() })),
  kept: z.array(
    z.object({
      module: z.string(),
      kind: z.string(),
      label: z.string(),
      why: z.string(),
      /** YYYY-MM-DD, or null: for as long as the record must be kept (no date can be given yet). */
      until: z.string().nullable(),
    }),
  ),
  /** The receipt as plain text in the patient's language, ready to send. */
  text: z.string(),
});
export type ErasureReceipt = z.infer<typeof ErasureReceipt>;
