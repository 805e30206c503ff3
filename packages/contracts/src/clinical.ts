import { z } from 'zod';
import { Uuid } from './common.js';
import { Instant, LocalDate } from './dates.js';

/**
 * Clinical records: tooth chart (FDI / ISO 3950), price list, treatment plans, clinical notes
 * and attachments. Tooth and surface codes are checked by the server's FDI module, which answers
 * invalid_tooth / invalid_surface / invalid_finding with a message saying what is wrong.
 */

export const FINDING_KINDS = [
  'caries',
  'restoration',
  'crown',
  'bridge',
  'missing',
  'extracted',
  'implant',
  'root_canal_treated',
  'fractured',
  'sealant',
  'watch',
] as const;
export const FindingKind = z.enum(FINDING_KINDS);
export type FindingKind = z.infer<typeof FindingKind>;
export const RestorationMaterial = z.enum(['composite', 'amalgam', 'glass_ionomer', 'ceramic', 'gold', 'temporary']);
export type RestorationMaterial = z.infer<typeof RestorationMaterial>;
export const BridgeRole = z.enum(['abutment', 'pontic']);
/** Stored surfaces: F is stored as B, P as L (a chart labels them F/P on anterior/upper teeth). */
export const ToothSurface = z.enum(['M', 'O', 'I', 'D', 'B', 'L']);
/** An FDI tooth number; which numbers exist is checked by the server (invalid_tooth). */
export const ToothFdi = z.number().int().min(0).max(99);
/** "MO", "m,o", "DOB" or ["M", "O"]: normalised by the server for the tooth. */
export const SurfacesInput = z.union([z.string().max(20), z.array(z.string().max(2)).max(8)]);
const ClinicalText = z.string().trim().max(4000);

// Chart

export const ChartFindingInput = z.strictObject({
  tooth: ToothFdi,
  surfaces: SurfacesInput.optional(),
  kind: FindingKind,
  material: RestorationMaterial.nullable().optional(),
  bridgeRole: BridgeRole.nullable().optional(),
  note: ClinicalText.optional(),
  /** When it was seen; defaults to now, may be earlier (charting history), never in the future. */
  observedAt: Instant.optional(),
});
export type ChartFindingInput = z.infer<typeof ChartFindingInput>;

export const FindingResolution = z.enum(['treated', 'superseded', 'resolved', 'entered_in_error']);
export const ResolveFindingInput = z.strictObject({
  resolution: z.enum(['resolved', 'entered_in_error']).default('resolved'),
});

export const ChartFinding = z.object({
  id: Uuid,
  tooth: z.number().int(),
  surfaces: z.array(ToothSurface),
  kind: FindingKind,
  material: RestorationMaterial.nullable(),
  bridgeRole: BridgeRole.nullable(),
  note: z.string().nullable(),
  observedAt: z.string(),
  recordedAt: z.string(),
  recordedBy: Uuid.nullable(),
  recordedByName: z.string().nullable(),
  sourceItemId: Uuid.nullable(),
  resolvedAt: z.string().nullable(),
  resolution: FindingResolution.nullable(),
  supersededBy: Uuid.nullable(),
});
export type ChartFinding = z.infer<typeof ChartFinding>;

export const ChartQuery = z.object({ asOf: LocalDate.optional() });
export const Chart = z.object({
  patientId: Uuid,
  /** null: the current chart; else the chart at the end of that day (practice time). */
  asOf: z.string().nullable(),
  findings: z.array(ChartFinding),
});
export type Chart = z.infer<typeof Chart>;

// Price list

export const ProcedureCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9._-]{0,19}$/, 'Use letters, digits, dots and dashes (up to 20)');
/** MUR in cents; up to MUR 10 million. */
export const FeeMinor = z.number().int().min(0).max(1_000_000_000);
export const ProcedureInput = z.strictObject({
  code: ProcedureCode,
  nameEn: z.string().trim().min(1).max(120),
  nameFr: z.string().trim().min(1).max(120),
  feeMinor: FeeMinor,
  currency: z.literal('MUR').default('MUR'),
  resultKind: FindingKind.nullable().default(null),
  resultMaterial: RestorationMaterial.nullable().default(null),
  active: z.boolean().default(true),
});
export const ProcedurePatch = z
  .strictObject({
    nameEn: z.string().trim().min(1).max(120),
    nameFr: z.string().trim().min(1).max(120),
    feeMinor: FeeMinor,
    resultKind: FindingKind.nullable(),
    resultMaterial: RestorationMaterial.nullable(),
    active: z.boolean(),
  })
  .partial();
export const Procedure = z.object({
  id: Uuid,
  code: z.string(),
  nameEn: z.string(),
  nameFr: z.string(),
  feeMinor: z.number().int(),
  currency: z.literal('MUR'),
  resultKind: FindingKind.nullable(),
  resultMaterial: RestorationMaterial.nullable(),
  active: z.boolean(),
});
export type Procedure = z.infer<typeof Procedure>;
export const PriceList = z.object({ items: z.array(Procedure) });
export const ImportDefaultsResult = z.object({ added: z.number().int(), items: z.array(Procedure) });

// Treatment plans

export const TREATMENT_PLAN_STATUSES = ['draft', 'presented', 'accepted', 'completed', 'cancelled'] as const;
export const TreatmentPlanStatus = z.enum(TREATMENT_PLAN_STATUSES);
export const TREATMENT_ITEM_STATUSES = ['planned', 'accepted', 'completed', 'declined'] as const;
export const TreatmentItemStatus = z.enum(TREATMENT_ITEM_STATUSES);

export const TreatmentPlanInput = z.strictObject({ title: z.string().trim().min(1).max(200) });
export const TreatmentPlanPatch = z
  .strictObject({ title: z.string().trim().min(1).max(200), status: TreatmentPlanStatus })
  .partial();
export const TreatmentItemInput = z.strictObject({
  procedureId: Uuid,
  tooth: ToothFdi.nullable().optional(),
  surfaces: SurfacesInput.optional(),
  phase: z.number().int().min(1).max(20).default(1),
  notes: ClinicalText.optional(),
});
export const TreatmentItemPatch = z
  .strictObject({
    tooth: ToothFdi.nullable(),
    surfaces: SurfacesInput,
    phase: z.number().int().min(1).max(20),
    notes: ClinicalText,
  })
  .partial();
export const TreatmentItemStatusInput = z.strictObject({ status: z.enum(['accepted', 'completed', 'declined']) });

export const TreatmentItem = z.object({
  id: Uuid,
  procedureId: Uuid.nullable(),
  procedureCode: z.string(),
  nameEn: z.string(),
  nameFr: z.string(),
  feeMinor: z.number().int(),
  currency: z.literal('MUR'),
  tooth: z.number().int().nullable(),
  surfaces: z.array(ToothSurface),
  phase: z.number().int(),
  notes: z.string().nullable(),
  status: TreatmentItemStatus,
  completedAt: z.string().nullable(),
  completedBy: Uuid.nullable(),
  /** The chart finding recorded when it was completed. */
  findingId: Uuid.nullable(),
});
export type TreatmentItem = z.infer<typeof TreatmentItem>;
export const TreatmentTotals = z.object({
  currency: z.literal('MUR'),
  plannedMinor: z.number().int(),
  acceptedMinor: z.number().int(),
  completedMinor: z.number().int(),
  declinedMinor: z.number().int(),
  /** Everything not declined. */
  totalMinor: z.number().int(),
});
export const TreatmentPlan = z.object({
  id: Uuid,
  patientId: Uuid,
  title: z.string(),
  status: TreatmentPlanStatus,
  createdBy: Uuid.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  items: z.array(TreatmentItem),
  totals: TreatmentTotals,
});
export type TreatmentPlan = z.infer<typeof TreatmentPlan>;
export const TreatmentPlanList = z.object({ items: z.array(TreatmentPlan) });

// Clinical notes

const NoteBody = z.string().trim().min(1, 'Write the note').max(20_000);
export const ClinicalNoteInput = z.strictObject({
  body: NoteBody,
  visitDate: LocalDate.optional(),
  appointmentId: Uuid.nullable().optional(),
});
export const ClinicalNotePatch = z
  .strictObject({ body: NoteBody, visitDate: LocalDate, appointmentId: Uuid.nullable() })
  .partial();
export const AddendumInput = z.strictObject({ body: NoteBody });
export const NoteAddendum = z.object({
  id: Uuid,
  body: z.string(),
  authorId: Uuid.nullable(),
  authorName: z.string().nullable(),
  createdAt: z.string(),
});
export const ClinicalNote = z.object({
  id: Uuid,
  patientId: Uuid,
  appointmentId: Uuid.nullable(),
  visitDate: z.string(),
  body: z.string(),
  status: z.enum(['draft', 'signed']),
  authorId: Uuid.nullable(),
  authorName: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  signedAt: z.string().nullable(),
  signedBy: Uuid.nullable(),
  signedByName: z.string().nullable(),
  /** Corrections of a signed note, oldest first; the original stays as it was signed. */
  addenda: z.array(NoteAddendum),
});
export type ClinicalNote = z.infer<typeof ClinicalNote>;
export const ClinicalNoteList = z.object({ items: z.array(ClinicalNote) });

// Attachments

export const ATTACHMENT_MIME_TYPES = ['image/jpeg', 'image/png', 'application/pdf'] as const;
export const AttachmentKind = z.enum(['xray', 'photo', 'document']);
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;
export const AttachmentUpload = z.strictObject({
  kind: AttachmentKind,
  fileName: z.string().trim().min(1).max(255),
  /** Declared type; the server checks it against the file's first bytes (415 when not allowed or not matching). */
  mimeType: z.string().trim().max(100),
  contentBase64: z.string().min(1),
});
export const Attachment = z.object({
  id: Uuid,
  patientId: Uuid,
  kind: AttachmentKind,
  fileName: z.string(),
  mimeType: z.enum(ATTACHMENT_MIME_TYPES),
  sizeBytes: z.number().int(),
  sha256: z.string(),
  uploadedBy: Uuid.nullable(),
  uploadedByName: z.string().nullable(),
  uploadedAt: z.string(),
});
export type Attachment = z.infer<typeof Attachment>;
export const AttachmentList = z.object({ items: z.array(Attachment) });
