import type { PatientDuplicateCheck } from '@dentalpro/contracts';

/** What a new-patient form holds, as typed, as far as a duplicate check cares. */
export interface PatientDraft {
  givenName: string;
  familyName: string;
  preferredName?: string;
  /** Every number typed so far, in any form. */
  phones: string[];
  /** '' or YYYY-MM-DD. */
  dateOfBirth: string;
}

/** Mauritian numbers have 7 (landline) or 8 (mobile) digits: fewer cannot match anyone yet. */
const MIN_PHONE_DIGITS = 7;

/** The part of the draft worth checking, or null while it could not match anyone. */
export function duplicateProbe(draft: PatientDraft): PatientDuplicateCheck | null {
  const givenName = draft.givenName.trim();
  const familyName = draft.familyName.trim();
  const preferredName = (draft.preferredName ?? '').trim();
  const phones = draft.phones.map((p) => p.trim()).filter((p) => p.replace(/\D/g, '').length >= MIN_PHONE_DIGITS);
  // A year still being typed (0198…) is no date of birth yet; the server takes none before 1900.
  const dateOfBirth =
    /^\d{4}-\d{2}-\d{2}$/.test(draft.dateOfBirth) && draft.dateOfBirth >= '1900-01-01' ? draft.dateOfBirth : null;
  if (phones.length === 0 && !(dateOfBirth && (givenName || familyName))) return null;
  return {
    givenName,
    familyName,
    ...(preferredName ? { preferredName } : {}),
    dateOfBirth,
    phones: phones.slice(0, 10),
  };
}
