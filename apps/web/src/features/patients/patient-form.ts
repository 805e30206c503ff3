import type {
  FieldErrorCode,
  Patient,
  PatientInput,
  PatientLanguage,
  PatientPatch,
  PatientStatus,
  PatientSummary,
} from '@dentalpro/contracts';
import type { FieldProblem } from '../../api/client';
import { type Translate, fieldErrorText } from '../../components/errors';

/**
 * The patient details form as typed, and the payloads it becomes: the whole record to create
 * one (POST), only what changed to edit one (PATCH, so the audit trail names the fields that
 * really changed and two desks editing different fields do not undo each other).
 */

export type PhoneLabel = Patient['phones'][number]['label'];
export type PatientSex = Patient['sex'];
export type GuardianKind = 'none' | 'patient' | 'contact';

export interface PhoneRow {
  /** Stable while rows are added and removed (React key, field ids, error paths). */
  key: number;
  number: string;
  label: PhoneLabel;
  isWhatsApp: boolean;
}

export interface PatientFormValues {
  givenName: string;
  familyName: string;
  preferredName: string;
  /** '' or YYYY-MM-DD. */
  dateOfBirth: string;
  sex: PatientSex;
  phones: PhoneRow[];
  email: string;
  address: string;
  preferredLanguage: PatientLanguage;
  guardianKind: GuardianKind;
  guardianPatient: PatientSummary | null;
  guardianContact: { name: string; phone: string; relationship: string };
  notes: string;
  status: PatientStatus;
}

/** As many as the API keeps. */
export const MAX_PHONES = 10;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Digits, spaces, dashes, dots, brackets and a leading +: what people type for a number. */
const PHONE_LIKE = /^\+?[\d\s\-().]{3,}$/;

/** A birth date as the search box takes it, YYYY-MM-DD or DD/MM/YYYY (DD.MM.YYYY), as YYYY-MM-DD; else ''. */
function typedBirthDate(typed: string): string {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(typed);
  const local = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(typed);
  const [year, month, day] = iso ? [iso[1], iso[2], iso[3]] : local ? [local[3], local[2], local[1]] : [];
  if (!year || !month || !day) return '';
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const text = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  // Date.UTC rolls 31/02 over to March: such a date is not one.
  return date.toISOString().slice(0, 10) === text ? text : '';
}

export function newPhoneRow(rows: readonly PhoneRow[], number = ''): PhoneRow {
  const key = rows.reduce((max, r) => Math.max(max, r.key), -1) + 1;
  return { key, number, label: 'mobile', isWhatsApp: false };
}

/**
 * A blank form, started from what was typed in the patient search: a date goes to the birth
 * date, a number to the first phone, anything else is the name (first word given name).
 */
export function emptyPatientForm(searchText = ''): PatientFormValues {
  const typed = searchText.trim();
  const dateOfBirth = typedBirthDate(typed);
  const phone = !dateOfBirth && PHONE_LIKE.test(typed) && typed.replace(/\D/g, '').length >= 3 ? typed : '';
  const name = phone || dateOfBirth ? '' : typed;
  const [given = '', ...rest] = name ? name.split(/\s+/) : [];
  return {
    givenName: given,
    familyName: rest.join(' '),
    preferredName: '',
    dateOfBirth,
    sex: 'unknown',
    phones: [{ key: 0, number: phone, label: 'mobile', isWhatsApp: false }],
    email: '',
    address: '',
    preferredLanguage: 'en',
    guardianKind: 'none',
    guardianPatient: null,
    guardianContact: { name: '', phone: '', relationship: '' },
    notes: '',
    status: 'active',
  };
}

/** The form filled from a patient on file; `guardian` is the guardian patient's summary, when there is one. */
export function patientFormFrom(patient: Patient, guardian: PatientSummary | null): PatientFormValues {
  const phones: PhoneRow[] = patient.phones.map((p, key) => ({
    key,
    number: p.e164,
    label: p.label,
    isWhatsApp: p.isWhatsApp,
  }));
  return {
    givenName: patient.givenName,
    familyName: patient.familyName,
    preferredName: patient.preferredName,
    dateOfBirth: patient.dateOfBirth ?? '',
    sex: patient.sex,
    phones: phones.length ? phones : [newPhoneRow([])],
    email: patient.email,
    address: patient.address,
    preferredLanguage: patient.preferredLanguage,
    guardianKind: patient.guardianPatientId ? 'patient' : patient.guardianContact ? 'contact' : 'none',
    guardianPatient: patient.guardianPatientId ? guardian : null,
    guardianContact: patient.guardianContact
      ? { ...patient.guardianContact }
      : { name: '', phone: '', relationship: '' },
    notes: patient.notes,
    status: patient.status,
  };
}

/** Ticking one number as the WhatsApp number unticks the others: the API keeps at most one. */
export function setWhatsApp(rows: readonly PhoneRow[], key: number, on: boolean): PhoneRow[] {
  return rows.map((r) => (r.key === key ? { ...r, isWhatsApp: on } : on ? { ...r, isWhatsApp: false } : r));
}

/** The rows sent to the API, in order: a row left empty is no number. Index N here is `phones.N` in the server's errors. */
export function sentPhoneRows(rows: readonly PhoneRow[]): PhoneRow[] {
  return rows.filter((r) => r.number.trim() !== '');
}

function phonesOf(values: PatientFormValues) {
  return sentPhoneRows(values.phones).map((r) => ({
    number: r.number.trim(),
    label: r.label,
    isWhatsApp: r.isWhatsApp,
  }));
}

function guardianOf(values: PatientFormValues): Pick<PatientInput, 'guardianPatientId' | 'guardianContact'> {
  if (values.guardianKind === 'patient' && values.guardianPatient)
    return { guardianPatientId: values.guardianPatient.id, guardianContact: null };
  if (values.guardianKind === 'contact') {
    const c = values.guardianContact;
    return {
      guardianPatientId: null,
      guardianContact: { name: c.name.trim(), phone: c.phone.trim(), relationship: c.relationship.trim() },
    };
  }
  return { guardianPatientId: null, guardianContact: null };
}

/** The whole record, for POST .../patients. */
export function toPatientInput(values: PatientFormValues): PatientInput {
  return {
    givenName: values.givenName.trim(),
    familyName: values.familyName.trim(),
    preferredName: values.preferredName.trim(),
    dateOfBirth: values.dateOfBirth || null,
    sex: values.sex,
    phones: phonesOf(values),
    email: values.email.trim(),
    address: values.address.trim(),
    preferredLanguage: values.preferredLanguage,
    ...guardianOf(values),
    notes: values.notes.trim(),
    status: values.status,
  };
}

const SIMPLE_FIELDS = [
  'givenName',
  'familyName',
  'preferredName',
  'dateOfBirth',
  'sex',
  'email',
  'address',
  'preferredLanguage',
  'notes',
  'status',
] as const;

/** Only what differs from the record on file, for PATCH .../patients/{id}; {} when nothing changed. */
export function toPatientPatch(values: PatientFormValues, original: Patient): PatientPatch {
  const next = toPatientInput(values);
  const patch: Record<string, unknown> = {};
  for (const field of SIMPLE_FIELDS) {
    if ((next[field] ?? null) !== (original[field] ?? null)) patch[field] = next[field];
  }
  const phones = next.phones ?? [];
  const samePhones =
    phones.length === original.phones.length &&
    phones.every((p, i) => {
      const o = original.phones[i]!;
      return p.number === o.e164 && p.label === o.label && Boolean(p.isWhatsApp) === o.isWhatsApp;
    });
  if (!samePhones) patch.phones = phones;

  const wasKind: GuardianKind = original.guardianPatientId ? 'patient' : original.guardianContact ? 'contact' : 'none';
  const contact = next.guardianContact;
  const guardianChanged =
    values.guardianKind === 'patient'
      ? next.guardianPatientId !== original.guardianPatientId
      : values.guardianKind === 'contact'
        ? wasKind !== 'contact' ||
          !contact ||
          contact.name !== original.guardianContact?.name ||
          contact.phone !== original.guardianContact.phone ||
          (contact.relationship ?? '') !== original.guardianContact.relationship
        : wasKind !== 'none';
  if (guardianChanged) Object.assign(patch, guardianOf(values));
  return patch as PatientPatch;
}

/**
 * A problem with one field: the server's field error codes (checked again here where the
 * browser can tell), and the one problem only this form finds.
 */
export type FormProblemCode = FieldErrorCode | 'guardian_patient_required';
/** Problems found before sending, by form path (see formPathOf). */
export type FormProblems = Record<string, FormProblemCode>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What can be told without the server, in the interface language; the server checks all again (phone numbers only there). */
export function checkPatientForm(values: PatientFormValues, today: string): FormProblems {
  const problems: FormProblems = {};
  if (!values.givenName.trim()) problems.givenName = 'required';
  if (!values.familyName.trim()) problems.familyName = 'required';
  if (values.dateOfBirth && !ISO_DATE.test(values.dateOfBirth)) problems.dateOfBirth = 'date_invalid';
  else if (values.dateOfBirth > today) problems.dateOfBirth = 'birth_date_in_future';
  for (const row of values.phones) {
    const typed = row.number.trim();
    if (typed && !PHONE_LIKE.test(typed)) problems[`phones.${row.key}.number`] = 'phone_invalid';
  }
  if (values.phones.filter((r) => r.isWhatsApp && r.number.trim()).length > 1) problems.phones = 'one_whatsapp_number';
  if (values.email.trim() && !EMAIL.test(values.email.trim())) problems.email = 'email_invalid';
  if (values.guardianKind === 'patient' && !values.guardianPatient)
    problems.guardianPatientId = 'guardian_patient_required';
  if (values.guardianKind === 'contact') {
    if (!values.guardianContact.name.trim()) problems['guardianContact.name'] = 'required';
    if (!values.guardianContact.phone.trim()) problems['guardianContact.phone'] = 'required';
    else if (!PHONE_LIKE.test(values.guardianContact.phone.trim())) problems['guardianContact.phone'] = 'phone_invalid';
  }
  return problems;
}

/**
 * Where the form shows one of the server's field errors: `phones.N.number` names the Nth number
 * sent, which is the Nth non-empty row (shown at that row's key); `phone` (older clients) is the
 * first number; the rest are the form's own paths.
 */
export function formPathOf(serverPath: string, rows: readonly PhoneRow[]): string {
  const phone = /^phones\.(\d+)(?:\.(\w+))?$/.exec(serverPath);
  if (phone) {
    const row = sentPhoneRows(rows)[Number(phone[1])];
    return row ? `phones.${row.key}.${phone[2] ?? 'number'}` : 'phones';
  }
  if (serverPath === 'phone') {
    const first = sentPhoneRows(rows)[0];
    return first ? `phones.${first.key}.number` : 'phones';
  }
  return serverPath;
}

/**
 * A problem of this form, found here or by the server, in the interface language: the form's own
 * wording (patientForm.errors.<code>) where it has one, else the shared fieldErrors.<code>, else
 * (a code this build does not know) the server's English message.
 */
export function formProblemText(problem: FieldProblem, t: Translate): string {
  return t(`patientForm.errors.${problem.code}`, { defaultValue: fieldErrorText(problem, t) });
}

/** Whole years from a YYYY-MM-DD birth date to `today` (same format); undefined when not a date or in the future. */
export function ageOn(dateOfBirth: string | null, today: string): number | undefined {
  if (!dateOfBirth || !ISO_DATE.test(dateOfBirth) || !ISO_DATE.test(today) || dateOfBirth > today) return undefined;
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

/** Today as YYYY-MM-DD on this device's calendar (birth dates are calendar days, not instants). */
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
