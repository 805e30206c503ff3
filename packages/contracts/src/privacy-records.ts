import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.js';
import { Instant } from './dates.js';
import { ThirdParty } from './privacy-policy.js';

// The controller's records (issue 14, Mauritius Data Protection Act 2017): the record of processing
// activities, generated from the modules' retention declarations, and the breach register.

/** Why the data is processed (translated by the web: privacyRecords.purposes.*). */
export const PROCESSING_PURPOSES = [
  'dental_care',
  'appointments',
  'patient_communication',
  'legal_records',
  'security_and_accountability',
  'staff_administration',
  'rights_requests',
] as const;
export const ProcessingPurpose = z.enum(PROCESSING_PURPOSES);
export type ProcessingPurpose = z.infer<typeof ProcessingPurpose>;

/** On what ground (privacyRecords.legalBases.*). `health_care` is the condition for the special category of health data. */
export const LEGAL_BASES = [
  'health_care',
  'contract',
  'legal_obligation',
  'legitimate_interests',
  'consent',
  'vital_interests',
] as const;
export const LegalBasis = z.enum(LEGAL_BASES);
export type LegalBasis = z.infer<typeof LegalBasis>;

export const DATA_SUBJECTS = ['patients', 'guardians', 'staff'] as const;
export const DataSubject = z.enum(DATA_SUBJECTS);
export type DataSubject = z.infer<typeof DataSubject>;

export const ProcessingActivity = z.object({
  /** The category key a module declared (`clinical_records`, `whatsapp_messages`, …). */
  category: z.string(),
  /** The module that keeps it. */
  module: z.string(),
  /** In the module's words. */
  description: z.string(),
  keptFor: z.string(),
  why: z.string(),
  /** The retention rule the job enforces, if the category has one. */
  rule: z
    .object({ defaultDays: z.number(), floorDays: z.number(), from: z.string(), tiedTo: z.enum(['patient', 'time']) })
    .nullable(),
  dataSubjects: z.array(DataSubject),
  purposes: z.array(ProcessingPurpose),
  legalBases: z.array(LegalBasis),
  /** Health data: a special category under the Act. */
  specialCategory: z.boolean(),
  /** Who receives it beyond the practice (from the third-party register). */
  recipients: z.array(ThirdParty),
  /** Recipients outside Mauritius. */
  transfers: z.array(ThirdParty),
  /** declared: from a module's retention declaration; registry: kept by the platform, described by the privacy module. */
  source: z.enum(['declared', 'registry']),
});
export type ProcessingActivity = z.infer<typeof ProcessingActivity>;

export const ProcessingRecord = z.object({
  controller: z.object({ name: z.string(), address: z.string(), email: z.string(), phone: z.string() }),
  processor: z.object({ name: z.string(), contactEmail: z.string().nullable() }),
  generatedAt: IsoDateTime,
  activities: z.array(ProcessingActivity),
  /** Modules whose retention declaration is not built yet: their data is not described above. */
  pendingModules: z.array(z.string()),
});
export type ProcessingRecord = z.infer<typeof ProcessingRecord>;

export const RecordsQuery = z.object({ lang: z.enum(['en', 'fr']).default('en') });

// Breach register.

export const BREACH_DATA_CATEGORIES = [
  'patient_identity',
  'contact_details',
  'health_data',
  'whatsapp_messages',
  'appointments',
  'staff_accounts',
  'credentials',
  'other',
] as const;
export const BreachDataCategory = z.enum(BREACH_DATA_CATEGORIES);
export type BreachDataCategory = z.infer<typeof BreachDataCategory>;

/** How long the practice has, from discovery, to tell the Data Protection Commissioner. */
export const BREACH_NOTIFICATION_HOURS = 72;

const Words = (max: number) => z.string().trim().min(1).max(max);
const Optional = (max: number) => z.string().trim().max(max).nullable().default(null);

export const BreachInput = z.strictObject({
  discoveredAt: Instant,
  occurredAt: Instant.nullable().default(null),
  description: Words(4000),
  dataCategories: z.array(BreachDataCategory).min(1).max(BREACH_DATA_CATEGORIES.length),
  /** Approximate. */
  peopleAffected: z.number().int().min(0).max(10_000_000),
  likelyConsequences: Words(4000),
  measuresTaken: Words(4000),
  commissionerNotifiedAt: Instant.nullable().default(null),
  /** Required when the Commissioner was told more than 72 hours after discovery. */
  delayReason: Optional(2000),
  peopleNotifiedAt: Instant.nullable().default(null),
  peopleNotNotifiedReason: Optional(2000),
});
export type BreachInput = z.input<typeof BreachInput>;

export const BreachStatus = z.enum(['due', 'overdue', 'notified', 'notified_late']);
export type BreachStatus = z.infer<typeof BreachStatus>;

export const Breach = z.object({
  id: Uuid,
  discoveredAt: IsoDateTime,
  occurredAt: IsoDateTime.nullable(),
  description: z.string(),
  dataCategories: z.array(BreachDataCategory),
  peopleAffected: z.number(),
  likelyConsequences: z.string(),
  measuresTaken: z.string(),
  commissionerNotifiedAt: IsoDateTime.nullable(),
  delayReason: z.string().nullable(),
  peopleNotifiedAt: IsoDateTime.nullable(),
  peopleNotNotifiedReason: z.string().nullable(),
  /** Discovery + 72 hours. */
  commissionerDueAt: IsoDateTime,
  /** due / overdue until the Commissioner is told; then notified (in time) or notified_late. */
  status: BreachStatus,
  recordedBy: z.object({ id: Uuid, name: z.string() }).nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type Breach = z.infer<typeof Breach>;

export const BreachList = z.object({ breaches: z.array(Breach), now: IsoDateTime });
export type BreachList = z.infer<typeof BreachList>;

export const BreachParams = z.object({ practiceId: Uuid, breachId: Uuid });
