import { z } from 'zod';
import { Uuid } from './common.js';
import { Instant } from './dates.js';

/**
 * Every action the audit trail records, as `<subject>.<verb>`. The server's audit writer takes
 * only these; the web labels each one (audit.actions.* in both locales, checked by a test).
 * Add a new action here first. Events keep their action as text: one dropped here still lists.
 */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.logout_everywhere',
  'auth.password_changed',
  'auth.password_reset_requested',
  'auth.password_reset',
  'auth.mfa_enabled',
  'auth.mfa_disabled',
  'auth.mfa_recovery_codes_regenerated',
  'auth.identity_linked',
  'auth.identity_unlinked',
  'practice.created',
  'practice.updated',
  'practice.identity_provider_saved',
  'practice.identity_provider_removed',
  'staff.invited',
  'staff.invitation_revoked',
  'staff.invitation_accepted',
  'staff.added',
  'staff.role_changed',
  'staff.removed',
  'patient.created',
  'patient.updated',
  'patient.merged',
  'patients.bulk_created',
  'patients.imported',
  'clinical.record_opened',
  'clinical.alerts_viewed',
  'clinical.alerts_updated',
  'clinical.document_attached',
  'clinical.document_opened',
  'clinical.finding_recorded',
  'clinical.finding_resolved',
  'clinical.note_created',
  'clinical.note_updated',
  'clinical.note_signed',
  'clinical.note_amended',
  'clinical.plan_created',
  'clinical.plan_updated',
  'clinical.plan_item_added',
  'clinical.plan_item_updated',
  'clinical.plan_item_accepted',
  'clinical.plan_item_completed',
  'clinical.plan_item_declined',
  'clinical.procedure_created',
  'clinical.procedure_updated',
  'clinical.price_list_defaults_imported',
  'appointment.held',
  'appointment.hold_released',
  'appointment.booked',
  'appointment.overbooked',
  'appointment.moved',
  'appointment.status_changed',
  'appointment.cancelled',
  'appointment_type.created',
  'appointment_type.updated',
  'appointment_type.deactivated',
  'calendar_settings.updated',
  'opening_hours.replaced',
  'chair.created',
  'chair.updated',
  'chair.deactivated',
  'chair.deleted',
  'provider.created',
  'provider.updated',
  'provider.hours_replaced',
  'closure.created',
  'closure.updated',
  'closure.deleted',
  'closure.announced',
  'closure.patient_called',
  'closure.call_unmarked',
  'block.created',
  'block.updated',
  'block.deleted',
  'holiday.created',
  'holiday.updated',
  'holiday.deleted',
  'holiday.imported',
  'recall.set',
  'recall.updated',
  'waitlist.added',
  'waitlist.status_changed',
  'whatsapp.channel_created',
  'whatsapp.channel_updated',
  'whatsapp.conversation_updated',
  'whatsapp.templates_synced',
  'assistant.settings_updated',
  'privacy.retention_rules_updated',
  'privacy.legal_hold_set',
  'privacy.legal_hold_lifted',
  'privacy.patient_erased',
  'privacy.retention_purged',
  'audit.trail_purged',
  'consent.recorded',
  'privacy.policy_published',
  'privacy.policy_acknowledged',
  'privacy.breach_recorded',
  'privacy.breach_updated',
  'privacy.records_downloaded',
  'privacy.request_received',
  'privacy.request_identity_verified',
  'privacy.request_approved',
  'privacy.request_fulfilled',
  'privacy.request_refused',
  'privacy.request_settings_updated',
  'privacy.export_downloaded',
  'privacy.export_link_sent',
  'privacy.export_link_invited',
  'privacy.practice_export_requested',
  'privacy.practice_export_downloaded',
  'demo.calendar_seeded',
  'demo.clinical_seeded',
  // the benchmarks' data set (bench/)
  'bench.calendar_seeded',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AuditEvent = z.object({
  id: Uuid,
  seq: z.number().int(),
  occurredAt: z.string(),
  actorUserId: Uuid.nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  requestId: z.string().nullable(),
  changes: z.record(z.string(), z.unknown()),
  hash: z.string(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

/** What an audit event may name as its target (`targetType`); each is named in words on the trail. */
export const AUDIT_TARGET_TYPES = [
  'patient',
  'user',
  'invitation',
  'practice',
  'appointment',
  'appointment_type',
  'chair',
  'provider',
  'closure',
  'block',
  'holiday',
  'recall',
  'waitlist_entry',
  'procedure',
  'whatsapp_channel',
  'whatsapp_conversation',
] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/**
 * Keys of `changes` whose values are ids of a target type (at any depth, alone, in a list or as a
 * [before, after] pair). The list answer names them as it names targets.
 */
export const AUDIT_REFERENCE_KEYS: Readonly<Record<string, AuditTargetType>> = {
  patientId: 'patient',
  mergedPatientId: 'patient',
  intoPatientId: 'patient',
  possibleDuplicateIds: 'patient',
  ownerUserId: 'user',
  assignedUserId: 'user',
  providerId: 'provider',
  chairId: 'chair',
  appointmentTypeId: 'appointment_type',
  appointmentId: 'appointment',
  cancelledAppointmentIds: 'appointment',
};

/** The key of an entry of AuditPage.targets. */
export const auditTargetKey = (type: string, id: string) => `${type}:${id}`;

/** A state worth saying beside a target's name. */
export const AuditTargetState = z.enum(['merged', 'archived', 'deceased', 'inactive', 'former_staff', 'cancelled']);
export type AuditTargetState = z.infer<typeof AuditTargetState>;

/**
 * A target as it is now, read when the trail is listed (events store ids, never names): a
 * patient's or staff member's current name, an appointment's patient and start, a chair's name.
 */
export const AuditTarget = z.object({
  label: z.string(),
  /** The French name, for things named in both languages (appointment types, holidays, procedures). */
  labelFr: z.string().optional(),
  /** When it happens: an appointment's, closure's or block's start (ISO instant), a holiday's date (YYYY-MM-DD). */
  at: z.string().optional(),
  state: AuditTargetState.optional(),
  /** Where to see it in the web app (a path). */
  href: z.string().optional(),
});
export type AuditTarget = z.infer<typeof AuditTarget>;

export const AuditQuery = z.object({
  /** Actions starting with this ('staff.' for every staff action). */
  action: z.string().max(80).optional(),
  /** Any of these exact actions, comma-separated. */
  actions: z
    .string()
    .max(4000)
    .regex(/^[a-z_]+\.[a-z_]+(,[a-z_]+\.[a-z_]+)*$/, 'Actions are comma-separated codes such as staff.invited')
    .optional(),
  actorUserId: Uuid.optional(),
  targetType: z.string().max(80).optional(),
  targetId: z.string().max(120).optional(),
  /** Events about this patient: naming them as target, their appointments as target, or them in `changes.patientId`. */
  patientId: Uuid.optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  /** Events with seq below this (newest first paging). */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const AuditPage = z.object({
  items: z.array(AuditEvent),
  nextBefore: z.number().int().nullable(),
  /** The targets and referenced ids of this page's events, by auditTargetKey; ids no longer found are left out. */
  targets: z.record(z.string(), AuditTarget),
});
export type AuditPage = z.infer<typeof AuditPage>;
