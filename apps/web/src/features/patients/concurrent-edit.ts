import type { PatientFormValues } from './patient-form';
import { sentPhoneRows } from './patient-form';

/**
 * When a save is refused because someone else saved the record first (409 patient_changed): the
 * user's edit moved onto the record as it is now, field by field as the form shows them (the
 * phone list and the guardian each count as one field).
 */

export const FORM_FIELDS = [
  'givenName',
  'familyName',
  'preferredName',
  'dateOfBirth',
  'sex',
  'phones',
  'email',
  'address',
  'preferredLanguage',
  'guardian',
  'notes',
  'status',
] as const;
export type FormField = (typeof FORM_FIELDS)[number];

/** Each form field's label, as translation keys: the edit page and the audit trail name fields alike. */
export const FORM_FIELD_LABELS: Record<FormField, string> = {
  givenName: 'patients.givenName',
  familyName: 'patients.familyName',
  preferredName: 'patientForm.preferredName',
  dateOfBirth: 'patients.dateOfBirth',
  sex: 'patientRecord.sex',
  phones: 'patientForm.conflict.phones',
  email: 'common.email',
  address: 'patientRecord.address',
  preferredLanguage: 'patientRecord.language',
  guardian: 'patientForm.conflict.guardian',
  notes: 'patientRecord.adminNotes',
  status: 'patientRecord.statusLabel',
};

/** A field's value as saving would send it, comparable as a string (untrimmed spaces and empty phone rows do not count). */
function comparable(values: PatientFormValues, field: FormField): string {
  switch (field) {
    case 'phones':
      return JSON.stringify(sentPhoneRows(values.phones).map((r) => [r.number.trim(), r.label, r.isWhatsApp]));
    case 'guardian': {
      const c = values.guardianContact;
      if (values.guardianKind === 'patient') return JSON.stringify(['patient', values.guardianPatient?.id ?? null]);
      if (values.guardianKind === 'contact')
        return JSON.stringify(['contact', c.name.trim(), c.phone.trim(), c.relationship.trim()]);
      return 'none';
    }
    default:
      return String(values[field]).trim();
  }
}

function take(into: PatientFormValues, from: PatientFormValues, field: FormField): PatientFormValues {
  if (field === 'guardian')
    return {
      ...into,
      guardianKind: from.guardianKind,
      guardianPatient: from.guardianPatient,
      guardianContact: from.guardianContact,
    };
  return { ...into, [field]: from[field] };
}

export interface RebasedEdit {
  /** The form to show: the user's changes on top of the current record. */
  values: PatientFormValues;
  /** Fields the other person changed. */
  theirs: FormField[];
  /** Fields both changed, differently: the user's value is kept, for them to check. */
  both: FormField[];
}

/**
 * `mine` is the form as the user left it, `base` the form of the version they started from,
 * `current` the form of the record as it is now. A field the user changed keeps their value; any
 * other takes the current one.
 */
export function rebaseEdit(mine: PatientFormValues, base: PatientFormValues, current: PatientFormValues): RebasedEdit {
  let values = mine;
  const theirs: FormField[] = [];
  const both: FormField[] = [];
  for (const field of FORM_FIELDS) {
    const [m, b, c] = [comparable(mine, field), comparable(base, field), comparable(current, field)];
    if (c !== b) theirs.push(field);
    if (m === b) values = take(values, current, field);
    else if (c !== b && c !== m) both.push(field);
  }
  return { values, theirs, both };
}
