import { AUDIT_REFERENCE_KEYS, type AuditEvent, type AuditTarget, auditTargetKey } from '@dentalpro/contracts';
import { FORM_FIELD_LABELS } from '../patients/concurrent-edit';

/**
 * An audit event in words: its target by name (as the server read it for this page) and its
 * `changes` as labelled lines instead of JSON. Pure, so it is tested without a browser.
 */

/** A run of text; a link when it has an href. */
export interface Piece {
  text: string;
  href?: string;
}

export interface ChangeLine {
  key: string;
  label: string;
  value: Piece[];
}

export interface AuditWords {
  t: (key: string, options?: Record<string, unknown>) => string;
  has: (key: string) => boolean;
  language: 'en' | 'fr';
  /** An instant, in the practice's time zone. */
  dateTime: (iso: string) => string;
  /** A calendar date (YYYY-MM-DD). */
  date: (day: string) => string;
  currency: string;
  targets: Record<string, AuditTarget>;
}

type AuditEventLike = Pick<AuditEvent, 'action' | 'targetType' | 'targetId' | 'changes'>;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const LOCALES = { en: 'en-GB', fr: 'fr-FR' } as const;
const LIST_LIMIT = 10;

/**
 * On a patient's clinical events, only these keys are shown: which section, which fields, status
 * steps and the appointment. Teeth, findings, procedure codes, document kinds and the like are
 * clinical content, and row ids mean nothing to a reader.
 */
const CLINICAL_KEYS_SHOWN = new Set([
  'section',
  'fields',
  'status',
  'planStatus',
  'from',
  'to',
  'titleChanged',
  'appointmentId',
]);

/** Keys whose value is a list of field names. */
const FIELD_LIST_KEYS = new Set(['fields', 'filledFields']);

/** Labels already in the locale files, by change key (the patient form's own where the keys match). */
const FIELD_LABELS: Record<string, string> = {
  ...FORM_FIELD_LABELS,
  phone: 'common.phone',
  guardianPatientId: 'patientForm.conflict.guardian',
  guardianContact: 'patientForm.conflict.guardian',
  name: 'common.name',
  role: 'staff.role',
  colour: 'scheduleSettings.colour',
  sortOrder: 'scheduleSettings.order',
  active: 'scheduleSettings.active',
  nameEn: 'scheduleSettings.types.nameEn',
  nameFr: 'scheduleSettings.types.nameFr',
  durationMinutes: 'scheduleSettings.types.durationMinutes',
  bufferAfterMinutes: 'scheduleSettings.types.bufferMinutes',
  minNoticeMinutes: 'scheduleSettings.types.minNotice',
  maxDaysAhead: 'scheduleSettings.types.maxDaysAhead',
  whatsappBookable: 'scheduleSettings.types.whatsappBookable',
  allowedRoles: 'scheduleSettings.types.roles',
  displayName: 'scheduleSettings.providers.displayName',
  slotStepMinutes: 'scheduleSettings.options.slotStep',
  holdMinutes: 'scheduleSettings.options.hold',
  patientId: 'booking.patient',
  providerId: 'booking.provider',
  chairId: 'booking.chair',
  appointmentTypeId: 'booking.type',
  kind: 'calendar.block.kind',
  note: 'calendar.block.note',
  code: 'priceList.code',
  feeMinor: 'priceList.fee',
  timeZone: 'practice.timeZone',
  defaultLanguage: 'practice.defaultLanguage',
  currency: 'practice.currency',
};

/** Where a key means something else for one subject (the practice's name, an appointment's source). */
const FIELD_LABELS_BY_SUBJECT: Record<string, Record<string, string>> = {
  practice: { name: 'practice.name', phone: 'practice.phone', email: 'practice.email', address: 'practice.address' },
  appointment: { source: 'booking.source' },
  // The demo seed's counts: its `notes` are clinical notes, not the patient form's administrative ones.
  demo: { notes: 'audit.fields.clinicalNotes' },
};

/** Where a code's words are, by change key: the first that has the code wins. */
const VALUE_LABELS: Record<string, string[]> = {
  status: ['calendar.status', 'clinical.plan.status', 'clinical.plan.itemStatus', 'audit.values.status'],
  planStatus: ['clinical.plan.status'],
  role: ['roles'],
  allowedRoles: ['roles'],
  source: ['booking.sources', 'audit.values.source'],
  kind: ['calendar.block.kinds', 'audit.values.kind'],
  reason: ['audit.values.reason'],
  section: ['audit.values.section'],
  defaultLanguage: ['patientRecord.languages'],
  preferredLanguage: ['patientRecord.languages'],
  accessToken: ['audit.values.done'],
  autoReplies: ['audit.values.done'],
  emergencyEn: ['audit.values.done'],
  emergencyFr: ['audit.values.done'],
  openingHoursEn: ['audit.values.done'],
  openingHoursFr: ['audit.values.done'],
  owner: ['inbox.owner'],
  handoverReason: ['inbox.handoverReason'],
};

const subjectOf = (action: string) => action.slice(0, action.indexOf('.'));
const shortId = (id: string) => (id.length > 13 ? `${id.slice(0, 8)}…` : id);
const text = (value: string): Piece[] => [{ text: value }];

function joined(parts: Piece[][], separator: string): Piece[] {
  return parts.flatMap((part, i) => (i === 0 ? part : [{ text: separator }, ...part]));
}

/** The words of a target type ("Patient", "Chair"), or the type itself if this build has none. */
export function targetTypeWord(type: string, w: AuditWords): string {
  const key = `audit.targetTypes.${type}`;
  return w.has(key) ? w.t(key) : type;
}

/** A target or referenced id by name, with when it happens and its state; a short id when it was not found. */
export function targetPiece(type: string, id: string, w: AuditWords): Piece {
  const target = w.targets[auditTargetKey(type, id)];
  if (!target) return { text: w.t('audit.notFound', { id: shortId(id) }) };
  const name = (w.language === 'fr' && target.labelFr) || target.label;
  const when = target.at ? (DAY.test(target.at) ? w.date(target.at) : w.dateTime(target.at)) : '';
  const state = target.state ? ` (${w.t(`audit.states.${target.state}`)})` : '';
  const words = [name, when].filter(Boolean).join(' · ') || targetTypeWord(type, w);
  return { text: `${words}${state}`, ...(target.href ? { href: target.href } : {}) };
}

/** The Target column: what kind of thing, and which one. */
export function describeTarget(event: AuditEventLike, w: AuditWords): { kind: string; piece: Piece | null } | null {
  if (!event.targetType) return null;
  return {
    kind: targetTypeWord(event.targetType, w),
    piece: event.targetId ? targetPiece(event.targetType, event.targetId, w) : null,
  };
}

/** A change key's label, in the context of the event's subject. */
export function fieldLabel(key: string, subject: string, w: AuditWords): string {
  const known = FIELD_LABELS_BY_SUBJECT[subject]?.[key] ?? FIELD_LABELS[key];
  if (known && w.has(known)) return w.t(known);
  if (w.has(`audit.fields.${key}`)) return w.t(`audit.fields.${key}`);
  // A key this build has no words for: its name, split into words.
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** What an event changed, one line per key, in words. */
export function describeChanges(event: AuditEventLike, w: AuditWords): ChangeLine[] {
  const subject = subjectOf(event.action);
  const locale = LOCALES[w.language];
  const clinicalOnPatient = subject === 'clinical' && event.targetType === 'patient';
  const pairs = subject === 'whatsapp';
  const entries = Object.entries(event.changes).filter(([key]) => !clinicalOnPatient || CLINICAL_KEYS_SHOWN.has(key));

  const scalar = (key: string, value: unknown): Piece[] => {
    if (value === null || value === undefined || value === '') return text('—');
    if (typeof value === 'boolean') return text(w.t(value ? 'audit.yes' : 'audit.no'));
    if (typeof value === 'number') {
      if (key === 'feeMinor')
        return text(new Intl.NumberFormat(locale, { style: 'currency', currency: w.currency }).format(value / 100));
      return text(new Intl.NumberFormat(locale).format(value));
    }
    const reference = AUDIT_REFERENCE_KEYS[key];
    if (reference && typeof value === 'string') return [targetPiece(reference, value, w)];
    if (typeof value !== 'string') return text(JSON.stringify(value));
    if (INSTANT.test(value)) return text(w.dateTime(value));
    if (DAY.test(value)) return text(w.date(value));
    if (FIELD_LIST_KEYS.has(key)) return text(fieldLabel(value, subject, w));
    for (const prefix of VALUE_LABELS[key] ?? []) {
      if (w.has(`${prefix}.${value}`)) return text(w.t(`${prefix}.${value}`));
    }
    return text(value);
  };

  const weekday = (n: unknown) =>
    typeof n === 'number'
      ? new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2024, 0, n))
      : String(n); // 1 January 2024 was a Monday

  const valuePieces = (key: string, value: unknown): Piece[] => {
    if (Array.isArray(value)) {
      if (pairs && value.length === 2) return joined([valuePieces(key, value[0]), valuePieces(key, value[1])], ' → ');
      if (value.length === 0) return text('—');
      if (key === 'weekdays') return text(value.map(weekday).join(', '));
      // guardianPatientId and guardianContact are one field on the form: said once.
      if (FIELD_LIST_KEYS.has(key))
        return text([...new Set(value.map((field) => fieldLabel(String(field), subject, w)))].join(', '));
      const shown = value.slice(0, LIST_LIMIT).map((item) => valuePieces(key, item));
      const more = value.length > LIST_LIMIT ? [text(w.t('audit.more', { count: value.length - LIST_LIMIT }))] : [];
      return joined([...shown, ...more], ', ');
    }
    if (value !== null && typeof value === 'object') {
      const inner = Object.entries(value as Record<string, unknown>);
      if (inner.length === 2 && 'from' in value && 'to' in value) {
        const { from, to } = value as { from: unknown; to: unknown };
        return joined([valuePieces(key, from), valuePieces(key, to)], ' → ');
      }
      // Where an appointment was and went: its start, provider and chair need no labels.
      if (key === 'from' || key === 'to')
        return joined(
          inner.map(([k, v]) => valuePieces(k, v)),
          ' · ',
        );
      return joined(
        inner.map(([k, v]) => [
          { text: `${w.t('audit.changeLabel', { label: fieldLabel(k, subject, w) })} ` },
          ...valuePieces(k, v),
        ]),
        '; ',
      );
    }
    return scalar(key, value);
  };

  const lines: ChangeLine[] = [];
  const changes = Object.fromEntries(entries);
  const rest = entries.filter(([key]) => key !== 'from' && key !== 'to');
  // A step from one code to another (a status, a role) reads as one line.
  const { from, to } = changes as { from?: unknown; to?: unknown };
  if ((from !== undefined || to !== undefined) && typeof from !== 'object' && typeof to !== 'object') {
    const key = event.action === 'staff.role_changed' ? 'role' : 'status';
    lines.push({
      key,
      label: fieldLabel(key, subject, w),
      value: joined([valuePieces(key, from), valuePieces(key, to)], ' → '),
    });
  } else {
    for (const key of ['from', 'to'] as const) {
      if (key in changes)
        lines.push({ key, label: fieldLabel(key, subject, w), value: valuePieces(key, changes[key]) });
    }
  }
  for (const [key, value] of rest)
    lines.push({ key, label: fieldLabel(key, subject, w), value: valuePieces(key, value) });
  return lines;
}

/** A line's value as plain text (tests, titles). */
export const piecesText = (pieces: Piece[]) => pieces.map((p) => p.text).join('');
