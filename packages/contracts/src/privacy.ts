import { z } from 'zod';
import { IsoDateTime, Uuid } from './common.js';

// Patients' rights requests (Privacy → Requests; issue 14, deliver 1 and 2). A request is recorded
// by the desk (or arrives over WhatsApp or email), the patient's identity is verified and how is
// written down, an owner approves or refuses it, and an access request ends in a copy of the
// patient's data (a ZIP) handed over at the desk or through an expiring link.

export const PRIVACY_REQUEST_TYPES = ['access', 'correction', 'deletion', 'restriction', 'consent_withdrawal'] as const;
export const PrivacyRequestType = z.enum(PRIVACY_REQUEST_TYPES);
export type PrivacyRequestType = z.infer<typeof PrivacyRequestType>;

export const PrivacyRequestSource = z.enum(['staff', 'whatsapp', 'email']);
export type PrivacyRequestSource = z.infer<typeof PrivacyRequestSource>;

/** received → identity_verified → in_progress → fulfilled, or refused (with a reason) from any open state. */
export const PRIVACY_REQUEST_STATES = ['received', 'identity_verified', 'in_progress', 'fulfilled', 'refused'] as const;
export const PrivacyRequestState = z.enum(PRIVACY_REQUEST_STATES);
export type PrivacyRequestState = z.infer<typeof PrivacyRequestState>;

/** How the person asking was found to be the patient. */
export const VerificationMethod = z.enum([
  'id_document',
  'whatsapp_number',
  'email_address',
  'known_in_person',
  'other',
]);
export type VerificationMethod = z.infer<typeof VerificationMethod>;

const Text = (max: number) => z.string().trim().min(1).max(max);

/** A correction: which detail, what it says now (as the patient puts it) and what it should say. */
export const ProposedChange = z.strictObject({
  field: Text(200),
  proposedValue: Text(2000),
});
export type ProposedChange = z.infer<typeof ProposedChange>;

export const PrivacyRequestInput = z
  .strictObject({
    patientId: Uuid,
    type: PrivacyRequestType,
    source: PrivacyRequestSource.default('staff'),
    /** When the request reached the practice (a letter or email of last week); default now. */
    receivedAt: IsoDateTime.optional(),
    note: z.string().trim().max(2000).default(''),
    proposedChange: ProposedChange.nullable().optional(),
  })
  .refine((r) => r.type !== 'correction' || !!r.proposedChange, {
    path: ['proposedChange'],
    message: 'A correction request says what should change',
  });
export type PrivacyRequestInput = z.input<typeof PrivacyRequestInput>;

export const VerifyIdentityInput = z.strictObject({
  method: VerificationMethod,
  note: z.string().trim().max(1000).default(''),
});
export type VerifyIdentityInput = z.input<typeof VerifyIdentityInput>;

export const RefuseRequestInput = z.strictObject({ reason: Text(2000) });
export const ApproveRequestInput = z.strictObject({ note: z.string().trim().max(1000).default('') });

const StaffRef = z.object({ id: Uuid, name: z.string() }).nullable();

export const PrivacyRequest = z.object({
  id: Uuid,
  patient: z.object({ id: Uuid, name: z.string() }),
  type: PrivacyRequestType,
  source: PrivacyRequestSource,
  state: PrivacyRequestState,
  receivedAt: IsoDateTime,
  dueAt: IsoDateTime,
  /** Open and past its due date. */
  overdue: z.boolean(),
  /** Open and due within the next 7 days. */
  dueSoon: z.boolean(),
  note: z.string(),
  proposedChange: ProposedChange.nullable(),
  recordedBy: StaffRef,
  verification: z.object({ method: VerificationMethod, note: z.string(), by: StaffRef, at: IsoDateTime }).nullable(),
  approvedBy: StaffRef,
  approvedAt: IsoDateTime.nullable(),
  refusedReason: z.string().nullable(),
  closedAt: IsoDateTime.nullable(),
  /** An access request whose copy can be downloaded at the desk (approved, by an owner). */
  exportReady: z.boolean(),
});
export type PrivacyRequest = z.infer<typeof PrivacyRequest>;

/**
 * How the link to a copy would reach the patient now: `text` inside WhatsApp's 24-hour window (the
 * link itself, `windowEndsAt` said), `template` outside it (the approved template data_copy_ready
 * asks the patient to tap for the link, which follows as text once they tap).
 */
export const ExportLinkDelivery = z.object({
  via: z.enum(['text', 'template']),
  windowEndsAt: IsoDateTime.nullable(),
});
export type ExportLinkDelivery = z.infer<typeof ExportLinkDelivery>;

/** What the owner's "Send the link" did: the link sent, or the patient asked to tap for it; until when. */
export const ExportLinkSent = z.object({ via: z.enum(['text', 'template']), expiresAt: IsoDateTime });
export type ExportLinkSent = z.infer<typeof ExportLinkSent>;

export const PrivacyRequestList = z.object({ requests: z.array(PrivacyRequest) });
export type PrivacyRequestList = z.infer<typeof PrivacyRequestList>;

export const PrivacyRequestListQuery = z.object({
  patientId: Uuid.optional(),
  /** open: received, identity verified or in progress. */
  state: z.enum(['open', 'closed', 'all']).default('all'),
});

export const PrivacyRequestParams = z.object({ practiceId: Uuid, requestId: Uuid });

/** How long the practice has to answer: one month from receipt unless it chose otherwise. */
export const PRIVACY_REQUEST_DEFAULT_DUE_MONTHS = 1;
/** A practice may give itself up to three months (the Act asks for one; a longer period needs a reason). */
export const PRIVACY_REQUEST_MAX_DUE_MONTHS = 3;

/** Privacy → Time to answer: the months from receipt to the due date of a request (owners). */
export const PrivacyRequestSettings = z.object({
  dueMonths: z.number().int(),
  defaultDueMonths: z.number().int(),
  maxDueMonths: z.number().int(),
  /** When the practice last changed it; null while it has the default. */
  updatedAt: IsoDateTime.nullable(),
});
export type PrivacyRequestSettings = z.infer<typeof PrivacyRequestSettings>;

/** Any whole number passes here; out of 1–3 is 422 privacy_request_settings_invalid (errors[] names dueMonths). */
export const PrivacyRequestSettingsInput = z.strictObject({ dueMonths: z.number().int() });
export type PrivacyRequestSettingsInput = z.infer<typeof PrivacyRequestSettingsInput>;
