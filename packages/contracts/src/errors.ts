import { z } from 'zod';

/**
 * The closed set of error codes the API answers with, and the HTTP status each maps to.
 * The web app translates these codes (errors.<code>) for people; scripts switch on them.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_period: 400,
  malformed_json: 400,
  invalid_credentials: 401,
  unauthenticated: 401,
  session_expired: 401,
  mfa_required: 401,
  mfa_invalid_code: 401,
  forbidden: 403,
  csrf_origin_mismatch: 403,
  not_found: 404,
  route_not_found: 404,
  practice_not_found: 404,
  member_not_found: 404,
  invitation_not_found: 404,
  patient_not_found: 404,
  chair_not_found: 404,
  provider_not_found: 404,
  appointment_type_not_found: 404,
  appointment_not_found: 404,
  hold_not_found: 404,
  schedule_entry_not_found: 404,
  hold_expired: 410,
  invitation_expired: 410,
  reset_token_invalid: 400,
  email_taken: 409,
  already_member: 409,
  setup_already_done: 409,
  last_owner: 409,
  mfa_already_enabled: 409,
  mfa_not_enabled: 409,
  slot_taken: 409,
  schedule_overlap: 409,
  /** An operator retried a failed job that a newer job with the same key replaced. */
  job_superseded: 409,
  invalid_status_transition: 409,
  duplicate_name: 409,
  in_the_past: 422,
  too_soon: 422,
  too_far_ahead: 422,
  not_bookable_on_whatsapp: 422,
  practice_closed: 422,
  outside_opening_hours: 422,
  outside_provider_hours: 422,
  provider_not_allowed: 422,
  provider_inactive: 422,
  unsupported_media_type: 415,
  payload_too_large: 413,
  login_throttled: 429,
  // sign-in policy and OpenID Connect
  /** The account is in no practice any more (removed from each): it cannot sign in. */
  account_without_practice: 403,
  /** A practice of the account has password sign-in off: sign in through the provider. */
  password_sign_in_disabled: 403,
  /** A practice of the account requires two-step for password sign-in: enrol before anything else. */
  mfa_enrolment_required: 403,
  oidc_not_configured: 404,
  /** The callback's state is unknown, used already, expired, or from another browser. */
  oidc_state_invalid: 400,
  /** The provider's answer failed a check (signature, issuer, audience, nonce, expiry, clock) or refused the code. */
  oidc_token_invalid: 401,
  /** The provider said no (the person cancelled, or the provider refused them). */
  oidc_denied: 401,
  /** The provider did not answer in time, or not sensibly: password sign-in still works. */
  oidc_unavailable: 503,
  /** No DentalPro account is linked to this provider account. */
  oidc_account_not_linked: 403,
  /** The provider has not verified this email address: nothing is linked through it. */
  oidc_email_unverified: 403,
  /** The provider account's email is not the invitation's. */
  oidc_email_mismatch: 403,
  /** This provider account is linked to another DentalPro account, or this account has one already. */
  oidc_identity_taken: 409,
  /** An account with the invitation's email exists: it accepts with its password, then links from its profile. */
  oidc_account_exists: 409,
  /** A practice's provider could not be saved: its issuer does not answer, or is not an OpenID provider. */
  oidc_provider_invalid: 422,
  /** Another practice's provider serves this email domain already. */
  oidc_domain_taken: 409,
  /** A practice of the account signs in through its own provider only: this provider does not do. */
  oidc_provider_required: 403,
  /** "Sign in with your practice's account": no practice's provider serves this email's domain. */
  oidc_domain_unknown: 404,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
  /** A capability declared but not built yet (a module's data export before the privacy work). */
  not_implemented: 501,
  patient_merge_invalid: 422,
  patient_already_merged: 409,
  /** Someone saved the patient since the version the edit started from. */
  patient_changed: 409,
  patient_archived: 422,
  patient_deceased: 422,
  // patient import
  import_file_invalid: 400,
  import_encoding_invalid: 400,
  import_mapping_invalid: 400,
  import_rows_rejected: 422,
  // clinical records
  invalid_tooth: 400,
  invalid_surface: 400,
  invalid_finding: 400,
  finding_not_found: 404,
  procedure_not_found: 404,
  treatment_plan_not_found: 404,
  treatment_item_not_found: 404,
  note_not_found: 404,
  attachment_not_found: 404,
  finding_already_resolved: 409,
  procedure_code_taken: 409,
  note_signed: 409,
  note_not_signed: 409,
  attachment_too_large: 413,
  attachment_type_not_allowed: 415,
  // WhatsApp
  conversation_not_found: 404,
  message_not_found: 404,
  template_not_found: 404,
  whatsapp_not_configured: 404,
  sandbox_disabled: 404,
  whatsapp_window_closed: 409,
  whatsapp_opted_out: 409,
  whatsapp_no_phone: 409,
  template_parameters_invalid: 400,
  webhook_signature_invalid: 401,
  webhook_payload_invalid: 400,
  // reminders
  /** Reminder settings that break a rule of their own (errors[] says which: offsets, quiet hours, visit types). */
  reminder_settings_invalid: 422,
  /** Recall settings out of range (errors[] names the field: daily cap 0–1000, hour 0–23, lead days 0–60). */
  recall_settings_invalid: 422,
  /** No closure announcement (or item of one) by that id in this practice. */
  closure_announcement_not_found: 404,
  // consent ledger
  /** A channel or purpose the consent ledger does not know (errors[] names the field). */
  consent_kind_unknown: 422,
  // patients' rights requests (privacy)
  privacy_request_not_found: 404,
  /** A step taken out of order: verifying a closed request, approving before the identity is verified, … */
  privacy_request_state: 409,
  /** The identity of the person asking must be verified before the request is approved. */
  privacy_identity_not_verified: 409,
  /** The copy of a patient's data is for access requests that an owner approved. */
  privacy_export_not_ready: 409,
  /** Months to answer a request out of 1–3 (errors[] names dueMonths, with its minimum or maximum). */
  privacy_request_settings_invalid: 422,
  /** The link to a copy of one's data has expired (7 days) or was withdrawn. */
  export_link_expired: 410,
  /** The link was opened and confirmed in another browser: it serves that one only. */
  export_link_other_session: 403,
  /** The link needs the one-time code sent on WhatsApp first. */
  export_link_code_required: 401,
  /** A wrong or expired one-time code (the problem says how many tries are left). */
  export_link_code_wrong: 422,
  /** Too many wrong codes: ask the practice for a new link. */
  export_link_locked: 423,
  /** No whole-practice export by that id in this practice. */
  practice_export_not_found: 404,
  /** A whole-practice export is being built already (one at a time), or this one is not ready (building or failed). */
  practice_export_building: 409,
  // retention, legal holds and erasure (privacy)
  /** A retention period shorter than its category's floor (errors[] names the category's field; `floorDays` says the floor). */
  retention_rule_below_floor: 422,
  /** A retention period for a category that has no enforced rule. */
  retention_category_unknown: 422,
  /** The patient's data is under a legal hold: nothing of it is erased or purged until it is lifted. */
  legal_hold_active: 409,
  legal_hold_not_found: 404,
  /** A hold already lifted (or ended) cannot be lifted again. */
  legal_hold_lifted: 409,
  // privacy policy and controller records
  /** A policy version dated before the current one (versions follow each other in date order). */
  policy_version_outdated: 422,
  policy_version_not_found: 404,
  breach_not_found: 404,
  /** A breach whose dates or notifications do not hold together (errors[] says which field). */
  breach_invalid: 422,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/**
 * Why one field was refused (`errors[].code` of a problem). Screens translate the code
 * (fieldErrors.<code>); `message` is English, for people reading the API directly. The first
 * group is derived from the request schemas' zod issues, the rest are the services' own rules.
 * Documented in docs/errors.md.
 */
export const FIELD_ERROR_CODES = [
  // from zod: invalid_type with nothing sent, or an empty string where text is needed, is `required`
  'required',
  'invalid_type',
  'invalid_format',
  'invalid_value',
  'too_short',
  'too_long',
  'too_few',
  'too_many',
  'too_small',
  'too_large',
  'not_multiple_of',
  'unrecognized_keys',
  'invalid',
  // any text, from the platform's gate: a NUL character or an unpaired UTF-16 surrogate
  'invalid_characters',
  // formats people type
  'email_invalid',
  'date_invalid',
  'date_out_of_range',
  'phone_invalid',
  // patients
  'one_whatsapp_number',
  'birth_date_in_future',
  'guardian_self',
  'guardian_not_found',
  'guardian_both',
  // elsewhere
  'date_in_future',
  'not_applicable',
  'not_unique',
  'cursor_invalid',
  'base64_invalid',
  'file_empty',
  'idempotency_key_reused',
  'invalid_tooth',
  'invalid_surface',
  'invalid_finding',
  'not_in_price_list',
  // reminder settings
  'offset_not_positive',
  'offset_too_large',
  'offsets_overlap',
  'quiet_hours_whole_day',
  'unknown_visit_type',
  // retention rules
  'below_floor',
  'unknown_category',
  // breach register
  'before_discovery',
  'after_discovery',
] as const;
export const FieldErrorCode = z.enum(FIELD_ERROR_CODES);
export type FieldErrorCode = z.infer<typeof FieldErrorCode>;

export const FieldError = z.object({
  /** Dotted path into the request, e.g. `phones.1.number`; `(root)` for the whole body. */
  path: z.string(),
  code: FieldErrorCode,
  message: z.string(),
  /** Values a translation may show: `minimum` / `maximum` for the too_* codes. */
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type FieldError = z.infer<typeof FieldError>;

/** RFC 9457 problem details, as every error response of the API is shaped. */
export const Problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]),
  detail: z.string().optional(),
  instance: z.string().optional(),
  /** Per-field problems, mostly of validation_failed. */
  errors: z.array(FieldError).optional(),
  /** Seconds until a throttled request may be retried. */
  retryAfterSeconds: z.number().int().optional(),
});
export type Problem = z.infer<typeof Problem>;
