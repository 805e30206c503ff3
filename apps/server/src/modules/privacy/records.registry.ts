import type { DataSubject, LegalBasis, ProcessingPurpose, ThirdPartyKind } from '@dentalpro/contracts';
import type { DataRetention } from '../../platform/data-owners.js';

/**
 * Why and on what ground each kind of data is processed: the part of the record of processing
 * that the modules' retention declarations do not say. Looked up by category key, then by a
 * pattern of the key, then by the module that declared it, so a category added later is still
 * described (by its module) rather than left out.
 */
export interface CategoryPurpose {
  purposes: ProcessingPurpose[];
  legalBases: LegalBasis[];
  /** Health data (special category under the Data Protection Act 2017). */
  specialCategory: boolean;
  dataSubjects: DataSubject[];
  /** The kinds of third parties that receive it besides the host, which holds everything. */
  recipients: ThirdPartyKind[];
}

const CARE: CategoryPurpose = {
  purposes: ['dental_care', 'legal_records'],
  legalBases: ['health_care', 'legal_obligation'],
  specialCategory: true,
  dataSubjects: ['patients', 'guardians'],
  recipients: [],
};
const BOOKING: CategoryPurpose = {
  purposes: ['appointments', 'dental_care'],
  legalBases: ['contract', 'health_care'],
  specialCategory: true,
  dataSubjects: ['patients', 'guardians'],
  recipients: [],
};
const WHATSAPP: CategoryPurpose = {
  purposes: ['patient_communication', 'appointments'],
  legalBases: ['consent', 'contract'],
  specialCategory: false,
  dataSubjects: ['patients', 'guardians'],
  recipients: ['messaging'],
};
const REMINDERS: CategoryPurpose = { ...WHATSAPP, purposes: ['appointments', 'patient_communication'] };
const IDENTITY: CategoryPurpose = {
  purposes: ['dental_care', 'appointments', 'patient_communication'],
  legalBases: ['contract', 'health_care'],
  specialCategory: false,
  dataSubjects: ['patients', 'guardians'],
  recipients: [],
};
const RIGHTS: CategoryPurpose = {
  purposes: ['rights_requests', 'security_and_accountability'],
  legalBases: ['legal_obligation'],
  specialCategory: false,
  dataSubjects: ['patients', 'guardians'],
  recipients: [],
};
const ACCOUNTABILITY: CategoryPurpose = {
  purposes: ['security_and_accountability'],
  legalBases: ['legal_obligation', 'legitimate_interests'],
  specialCategory: false,
  dataSubjects: ['patients', 'staff'],
  recipients: [],
};
const STAFF: CategoryPurpose = {
  purposes: ['staff_administration', 'security_and_accountability'],
  legalBases: ['contract', 'legitimate_interests'],
  specialCategory: false,
  dataSubjects: ['staff'],
  recipients: ['authentication', 'email'],
};
const STAFF_NOTICES: CategoryPurpose = {
  purposes: ['appointments', 'patient_communication'],
  legalBases: ['legitimate_interests'],
  specialCategory: false,
  dataSubjects: ['patients', 'staff'],
  recipients: [],
};

const BY_CATEGORY: Record<string, CategoryPurpose> = {
  clinical_records: CARE,
  clinical_notes: CARE,
  clinical_documents: CARE,
  treatment_plans: CARE,
  dental_chart: CARE,
  appointments: BOOKING,
  recalls: BOOKING,
  waitlist: BOOKING,
  patient_details: IDENTITY,
  patient_contacts: IDENTITY,
  whatsapp_messages: WHATSAPP,
  whatsapp_media: WHATSAPP,
  whatsapp_conversations: WHATSAPP,
  webhook_payloads: { ...WHATSAPP, purposes: ['patient_communication', 'security_and_accountability'] },
  assistant_conversations: WHATSAPP,
  appointment_reminders: REMINDERS,
  consents: {
    ...RIGHTS,
    purposes: ['patient_communication', 'rights_requests'],
    legalBases: ['consent', 'legal_obligation'],
  },
  rights_requests: RIGHTS,
  erasure_receipts: RIGHTS,
  legal_holds: { ...RIGHTS, legalBases: ['legal_obligation', 'legitimate_interests'] },
  staff_notifications: STAFF_NOTICES,
  audit_trail: ACCOUNTABILITY,
  sessions: STAFF,
  staff_accounts: STAFF,
  breach_register: { ...ACCOUNTABILITY, legalBases: ['legal_obligation'] },
};

const BY_PATTERN: [RegExp, CategoryPurpose][] = [
  // WhatsApp first: its voice notes and media are messages, not clinical documents.
  [/whatsapp|message|webhook|conversation|media/, WHATSAPP],
  [/clinical|chart|treatment|note|document|attachment|xray/, CARE],
  [/reminder/, REMINDERS],
  [/appointment|recall|waitlist|booking/, BOOKING],
  [/consent|request|erasure|hold|export/, RIGHTS],
  [/audit|access_log/, ACCOUNTABILITY],
  [/staff|session|user|account/, STAFF],
];

const BY_MODULE: Record<string, CategoryPurpose> = {
  clinical: CARE,
  scheduling: BOOKING,
  patients: IDENTITY,
  messaging: WHATSAPP,
  assistant: WHATSAPP,
  reminders: REMINDERS,
  notifications: STAFF_NOTICES,
  privacy: RIGHTS,
  consent: RIGHTS,
  audit: ACCOUNTABILITY,
  auth: STAFF,
  staff: STAFF,
};

/** The purposes of a declared category (never none: the module's or, last, the care of patients). */
export function purposeOf(module: string, category: string): CategoryPurpose {
  return BY_CATEGORY[category] ?? BY_PATTERN.find(([re]) => re.test(category))?.[1] ?? BY_MODULE[module] ?? IDENTITY;
}

/**
 * Data the platform keeps that no module's data owner declares (they are not about one patient,
 * or belong to the modules that loop over the owners): listed unless a module declares the same
 * category.
 */
export const REGISTRY_CATEGORIES: (DataRetention & { module: string })[] = [
  {
    module: 'patients',
    category: 'patient_details',
    description: "Patients' identity and contact details: name, date of birth, phone numbers, email, address, guardian",
    keptFor:
      'as long as the clinical records of the patient (11 years after the last visit; a minor until at least 25)',
    why: 'To recognise the patient, reach them, and keep their record attached to them',
  },
  {
    module: 'staff',
    category: 'staff_accounts',
    description: 'Staff accounts: name, email, phone, role, password hash, two-step settings, linked sign-in provider',
    keptFor: 'while the person works at the practice; their name stays on the audit trail',
    why: 'To let the team sign in and to know who did what',
  },
  {
    module: 'auth',
    category: 'sessions',
    description: 'Sign-in sessions and sign-in attempts (time, address, device)',
    keptFor: '30 days after the session ends',
    why: 'To keep accounts secure and stop password guessing',
  },
  {
    module: 'audit',
    category: 'audit_trail',
    description:
      'The audit trail: who did what and when, including who opened a patient record (ids and codes, never clinical text)',
    keptFor: '11 years',
    why: 'Accountability under the Data Protection Act 2017 and the practice’s healthcare duties',
  },
  {
    module: 'privacy',
    category: 'breach_register',
    description:
      'The breach register: what happened, the data and number of people concerned, the measures and notifications',
    keptFor: 'for as long as the practice exists',
    why: 'The Act asks controllers to document every personal data breach',
  },
];
