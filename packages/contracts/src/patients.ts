import { z } from 'zod';
import { Uuid } from './common.js';

/** Patients: the record, its phones and guardian, search, duplicates and merge, medical alerts. */

const LocalDate = z.iso.date();

export const PATIENT_SEXES = ['female', 'male', 'other', 'unknown'] as const;
export const PatientSex = z.enum(PATIENT_SEXES);
export const PATIENT_STATUSES = ['active', 'archived', 'deceased'] as const;
export const PatientStatus = z.enum(PATIENT_STATUSES);
export type PatientStatus = z.infer<typeof PatientStatus>;
export const PHONE_LABELS = ['mobile', 'home', 'work'] as const;
export const PhoneLabel = z.enum(PHONE_LABELS);
/** Mauritian Creole (mfe) besides English and French. */
export const PatientLanguage = z.enum(['en', 'fr', 'mfe']);
export type PatientLanguage = z.infer<typeof PatientLanguage>;

const Name = z.string().trim().min(1).max(100);
const OptionalText = (max: number) => z.string().trim().max(max);
/** As typed (local Mauritian numbers may omit +230); the server stores E.164. */
const TypedPhone = z.string().trim().min(1).max(30);

export const PatientPhoneInput = z.object({
  number: TypedPhone,
  label: PhoneLabel.default('mobile'),
  isWhatsApp: z.boolean().default(false),
});
export const PatientPhone = z.object({ e164: z.string(), label: PhoneLabel, isWhatsApp: z.boolean() });
export type PatientPhone = z.infer<typeof PatientPhone>;

/** Someone responsible for the patient (a child) who is not a patient of the practice. */
export const GuardianContactInput = z.object({
  name: Name,
  phone: TypedPhone,
  relationship: OptionalText(60).default(''),
});
export const GuardianContact = z.object({ name: z.string(), phone: z.string(), relationship: z.string() });

const EmailField = z.union([z.literal(''), z.string().trim().toLowerCase().max(254).pipe(z.email({ message: 'Enter a valid email address' }))]);

const PatientFields = z.object({
  givenName: Name,
  familyName: Name,
  preferredName: OptionalText(100),
  dateOfBirth: LocalDate.nullable(),
  sex: PatientSex,
  phones: z.array(PatientPhoneInput).max(10),
  email: EmailField,
  address: OptionalText(500),
  preferredLanguage: PatientLanguage,
  /** Either another patient of the practice, or a contact; not both. */
  guardianPatientId: Uuid.nullable(),
  guardianContact: GuardianContactInput.nullable(),
  /** Administrative notes (not clinical): stored in clear. */
  notes: OptionalText(4000),
  status: PatientStatus,
});

export const PatientInput = PatientFields.extend({
  /** Kept for older clients: one number, used when `phones` is empty. */
  phone: z.string().trim().max(30).default(''),
  preferredName: PatientFields.shape.preferredName.default(''),
  dateOfBirth: PatientFields.shape.dateOfBirth.default(null),
  sex: PatientSex.default('unknown'),
  phones: PatientFields.shape.phones.default([]),
  email: EmailField.default(''),
  address: PatientFields.shape.address.default(''),
  preferredLanguage: PatientLanguage.default('en'),
  guardianPatientId: Uuid.nullable().default(null),
  guardianContact: GuardianContactInput.nullable().default(null),
  notes: PatientFields.shape.notes.default(''),
  status: PatientStatus.default('active'),
});
export type PatientInput = z.input<typeof PatientInput>;

/** Only the fields sent change; `phones` replaces the whole list. */
export const PatientPatch = PatientFields.partial();
export type PatientPatch = z.input<typeof PatientPatch>;

export const PatientSummary = z.object({
  id: Uuid,
  givenName: z.string(),
  familyName: z.string(),
  /** The primary (first) number, E.164, or ''. */
  phone: z.string(),
  dateOfBirth: z.string().nullable(),
  preferredName: z.string().optional(),
  email: z.string().optional(),
  status: PatientStatus.optional(),
});
export type PatientSummary = z.infer<typeof PatientSummary>;

export const Patient = z.object({
  id: Uuid,
  givenName: z.string(),
  familyName: z.string(),
  preferredName: z.string(),
  phone: z.string(),
  dateOfBirth: z.string().nullable(),
  sex: PatientSex,
  phones: z.array(PatientPhone),
  email: z.string(),
  address: z.string(),
  preferredLanguage: PatientLanguage,
  guardianPatientId: Uuid.nullable(),
  guardianContact: GuardianContact.nullable(),
  notes: z.string(),
  status: PatientStatus,
  mergedIntoId: Uuid.nullable(),
  /** Whether medical alerts are on file (reading them needs clinical:read). */
  hasAlerts: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Patient = z.infer<typeof Patient>;

export const PatientCreated = Patient.extend({
  warnings: z.object({ possibleDuplicates: z.array(PatientSummary) }),
});
export type PatientCreated = z.infer<typeof PatientCreated>;

export const PatientSearchQuery = z.object({
  q: z.string().trim().max(100).default(''),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  cursor: z.string().max(200).optional(),
  includeArchived: z.stringbool().default(false),
});
export type PatientSearchQuery = z.input<typeof PatientSearchQuery>;
export const PatientSearchResult = z.object({ items: z.array(PatientSummary), nextCursor: z.string().nullable() });
export type PatientSearchResult = z.infer<typeof PatientSearchResult>;

export const PatientDuplicates = z.object({ items: z.array(PatientSummary) });

export const MergeInput = z.object({ intoPatientId: Uuid });
export const MergeResult = z.object({ survivor: Patient, mergedPatientId: Uuid });

const AlertList = z.array(z.string().trim().min(1).max(200)).max(50);
export const MedicalAlertsInput = z.object({ allergies: AlertList.default([]), conditions: AlertList.default([]), medications: AlertList.default([]) });
export const MedicalAlerts = z.object({ allergies: z.array(z.string()), conditions: z.array(z.string()), medications: z.array(z.string()) });
export type MedicalAlerts = z.infer<typeof MedicalAlerts>;

export const AccessLogQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });
export const AccessLogEntry = z.object({
  id: Uuid,
  occurredAt: z.string(),
  action: z.string(),
  actorUserId: Uuid.nullable(),
  actorName: z.string().nullable(),
  ip: z.string().nullable(),
});
export const AccessLog = z.object({ items: z.array(AccessLogEntry) });
