import { z } from 'zod';
import { Uuid } from './common.js';
import { BirthDate, LocalDate } from './dates.js';

/** Patients: the record, its phones and guardian, search, duplicates and merge, medical alerts. */

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

export const PatientPhoneInput = z.strictObject({
  number: TypedPhone,
  label: PhoneLabel.default('mobile'),
  isWhatsApp: z.boolean().default(false),
});
export const PatientPhone = z.object({ e164: z.string(), label: PhoneLabel, isWhatsApp: z.boolean() });
export type PatientPhone = z.infer<typeof PatientPhone>;

/** Someone responsible for the patient (a child) who is not a patient of the practice. */
export const GuardianContactInput = z.strictObject({
  name: Name,
  phone: TypedPhone,
  relationship: OptionalText(60).default(''),
});
export const GuardianContact = z.object({ name: z.string(), phone: z.string(), relationship: z.string() });

const EmailField = z.union([
  z.literal(''),
  z
    .string()
    .trim()
    .toLowerCase()
    .max(254)
    .pipe(z.email({ message: 'Enter a valid email address' })),
]);

const PatientFields = z.strictObject({
  givenName: Name,
  familyName: Name,
  preferredName: OptionalText(100),
  dateOfBirth: BirthDate.nullable(),
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

/**
 * The body of PATCH .../patients/{id}: the fields to change and the `version` of the record they
 * were based on. When the record has moved on since, nothing is saved: 409 patient_changed, with
 * the record as it is now in `current`.
 */
export const PatientUpdate = PatientPatch.extend({ expectedVersion: z.number().int().min(1) });
export type PatientUpdate = z.input<typeof PatientUpdate>;

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
  /** Moves on with every change to the record; an edit sends the version it started from. */
  version: z.number().int(),
  /** How the record began; 'whatsapp': the patient gave a name and birth date in the chat, staff complete the rest. */
  registeredVia: z.enum(['staff', 'import', 'whatsapp']),
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
  /** Count the patients matching too (first page only: a cursor's page never counts). */
  withTotal: z.stringbool().default(false),
});
export type PatientSearchQuery = z.input<typeof PatientSearchQuery>;
/** How many patients match, counted up to a cap (`capped`: at least `count`). */
export const PatientSearchTotal = z.object({ count: z.number().int(), capped: z.boolean() });
export type PatientSearchTotal = z.infer<typeof PatientSearchTotal>;
export const PatientSearchResult = z.object({
  items: z.array(PatientSummary),
  nextCursor: z.string().nullable(),
  /** Present when asked for with withTotal on the first page. */
  total: PatientSearchTotal.optional(),
});
export type PatientSearchResult = z.infer<typeof PatientSearchResult>;

export const PatientDuplicates = z.object({ items: z.array(PatientSummary) });

/**
 * A patient not yet created, as far as the form is filled: enough to look for a likely duplicate
 * before creating it. Numbers are as typed; one that is not (yet) a valid number is left out.
 */
export const PatientDuplicateCheck = z.strictObject({
  givenName: z.string().trim().max(100).default(''),
  familyName: z.string().trim().max(100).default(''),
  preferredName: z.string().trim().max(100).default(''),
  dateOfBirth: LocalDate.nullable().default(null),
  phones: z.array(z.string().trim().max(30)).max(10).default([]),
});
export type PatientDuplicateCheck = z.input<typeof PatientDuplicateCheck>;

export const MergeInput = z.strictObject({ intoPatientId: Uuid });
export const MergeResult = z.object({ survivor: Patient, mergedPatientId: Uuid });

const AlertList = z.array(z.string().trim().min(1).max(200)).max(50);
export const MedicalAlertsInput = z.strictObject({
  allergies: AlertList.default([]),
  conditions: AlertList.default([]),
  medications: AlertList.default([]),
});
export const MedicalAlerts = z.object({
  allergies: z.array(z.string()),
  conditions: z.array(z.string()),
  medications: z.array(z.string()),
});
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

// Import from another practice system (a CSV file)

/** What a column of the file can feed. Several columns may feed a phone kind, the address or the notes. */
export const PATIENT_IMPORT_FIELDS = [
  'givenName',
  'familyName',
  'fullName',
  'preferredName',
  'dateOfBirth',
  'sex',
  'phone',
  'homePhone',
  'workPhone',
  'whatsApp',
  'email',
  'address',
  'preferredLanguage',
  'notes',
  'status',
  'guardianName',
  'guardianPhone',
  'guardianRelationship',
] as const;
export const PatientImportField = z.enum(PATIENT_IMPORT_FIELDS);
export type PatientImportField = z.infer<typeof PatientImportField>;
export const MULTI_COLUMN_IMPORT_FIELDS: readonly PatientImportField[] = [
  'phone',
  'homePhone',
  'workPhone',
  'address',
  'notes',
];

/** How the file's bytes are text: UTF-8 unless told (a UTF-16 byte-order mark is recognised by itself). */
export const PatientImportEncoding = z.enum(['utf-8', 'windows-1252']);
export type PatientImportEncoding = z.infer<typeof PatientImportEncoding>;

/**
 * Column → field ('ignore' to leave a column out). A column is named by its header as in the
 * file (compared without case) or by its position, '#1' for the first. Columns not named here
 * are mapped by their header (English and French names are recognised).
 */
export const PatientImportMapping = z.record(
  z.string().trim().min(1).max(200),
  z.union([PatientImportField, z.literal('ignore')]),
);
export type PatientImportMapping = z.infer<typeof PatientImportMapping>;

export const PatientImportRequest = z
  .strictObject({
    fileName: z.string().trim().max(255).default(''),
    /** The file's bytes, base64 (any encoding; see `encoding`). */
    csvBase64: z.string().optional(),
    /** Or the file as text. */
    csv: z.string().optional(),
    encoding: PatientImportEncoding.optional(),
    mapping: PatientImportMapping.default({}),
    /** Only check and report (the default); false imports, all rows or none. */
    dryRun: z.boolean().default(true),
    /** Import the valid rows even when others are rejected (otherwise one rejected row stops the import). */
    skipRejected: z.boolean().default(false),
  })
  .refine((r) => (r.csvBase64 === undefined) !== (r.csv === undefined), {
    message: 'Send the file as csvBase64 or as csv, not both',
    path: ['csvBase64'],
  });
export type PatientImportRequest = z.input<typeof PatientImportRequest>;

export const PATIENT_IMPORT_PROBLEMS = [
  'required',
  'too_long',
  'phone_invalid',
  'too_many_phones',
  'several_whatsapp',
  'date_invalid',
  'date_in_future',
  'date_too_old',
  'sex_unknown',
  'language_unknown',
  'status_unknown',
  'email_invalid',
  'guardian_incomplete',
  'extra_cells',
  'duplicate_in_file',
  'duplicate_on_file',
  'invalid',
] as const;
export const PatientImportProblemCode = z.enum(PATIENT_IMPORT_PROBLEMS);
export type PatientImportProblemCode = z.infer<typeof PatientImportProblemCode>;

/** Why a row cannot be imported. `message` is English (for the CLI); people see `code` translated. */
export const PatientImportProblem = z.object({
  code: PatientImportProblemCode,
  /** The column as headed in the file, when one column is at fault. */
  column: z.string().nullable(),
  field: PatientImportField.nullable(),
  /** The cell as found (at most 100 characters). */
  value: z.string(),
  message: z.string(),
  /** duplicate_in_file: the earlier row of the same person. */
  sameAsRow: z.number().int().optional(),
  /** duplicate_on_file: the patient already on file. */
  patient: PatientSummary.optional(),
});
export type PatientImportProblem = z.infer<typeof PatientImportProblem>;

/**
 * Rows are numbered as in a spreadsheet: the header is row 1. `cells` are the row as read from
 * the file (trimmed), so the rejected rows can be handed back as a file to correct.
 */
export const PatientImportRejectedRow = z.object({
  row: z.number().int(),
  problems: z.array(PatientImportProblem),
  cells: z.array(z.string()),
});
export type PatientImportRejectedRow = z.infer<typeof PatientImportRejectedRow>;

/** A row that may be someone already known (a warning: it is imported; staff can merge later). */
export const PatientImportDuplicate = z.object({
  row: z.number().int(),
  name: z.string(),
  reason: z.enum(['same_phone', 'same_birth_date']),
  sameAsRow: z.number().int().nullable(),
  patient: PatientSummary.nullable(),
});
export type PatientImportDuplicate = z.infer<typeof PatientImportDuplicate>;

export const PatientImportColumn = z.object({
  /** 1 for the first column. */
  position: z.number().int(),
  header: z.string(),
  field: PatientImportField.nullable(),
  /** Mapped from its header rather than by the request's mapping. */
  automatic: z.boolean(),
});
export type PatientImportColumn = z.infer<typeof PatientImportColumn>;

export const PatientImportMappingProblem = z.object({
  code: z.enum(['missing_field', 'several_columns']),
  field: PatientImportField,
  columns: z.array(z.string()),
});
export type PatientImportMappingProblem = z.infer<typeof PatientImportMappingProblem>;

export const PatientImportReport = z.object({
  dryRun: z.boolean(),
  /** checked: a dry run; imported: written; refused: not written because rows were rejected. */
  status: z.enum(['checked', 'imported', 'refused']),
  fileName: z.string(),
  encoding: z.enum(['utf-8', 'utf-16le', 'utf-16be', 'windows-1252']),
  delimiter: z.string(),
  columns: z.array(PatientImportColumn),
  /** Rows are checked only when the mapping has no problem. */
  mappingProblems: z.array(PatientImportMappingProblem),
  /** The first rows of the file, cell by cell, to check the mapping by eye. */
  preview: z.array(z.array(z.string())),
  totalRows: z.number().int(),
  validRows: z.number().int(),
  rejectedRows: z.number().int(),
  importedRows: z.number().int(),
  /** The first rejected rows (all of them up to the listing limit; rejectedRows counts all). */
  rejected: z.array(PatientImportRejectedRow),
  duplicates: z.array(PatientImportDuplicate),
  duplicateCount: z.number().int(),
});
export type PatientImportReport = z.infer<typeof PatientImportReport>;

export const PATIENT_IMPORT_PHASES = ['reading', 'checking', 'importing'] as const;
export const PatientImportProgress = z.object({
  phase: z.enum(PATIENT_IMPORT_PHASES),
  done: z.number().int(),
  total: z.number().int(),
});
export type PatientImportProgress = z.infer<typeof PatientImportProgress>;

/**
 * With `Accept: application/x-ndjson` the answer is a stream of these, one JSON per line: progress
 * as it goes, then the report or the problem that stopped it.
 */
export type PatientImportEvent =
  | ({ type: 'progress' } & PatientImportProgress)
  | { type: 'report'; report: PatientImportReport }
  | { type: 'problem'; problem: Record<string, unknown> & { code: string; status: number; title: string } };
