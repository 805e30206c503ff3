import type { DataOwner } from '../../platform/data-owners.js';
import { CLINICAL_RECORDS_DAYS } from '../../platform/retention-dates.js';
import { consentRowsOf, moveConsentRows, purgeConsentRows } from './consent.repository.js';

/**
 * The consent ledger keeps, per patient, every grant and withdrawal with the words shown. A merge
 * moves the rows to the survivor (the only change the table allows); a death changes nothing (the
 * patient's messages stop with their appointments); an export lists every entry with its words; an
 * erasure keeps them as proof (like the assistant's chat consents) for as long as the patient's
 * records are kept (11 years after the last visit; minors until 25), and the retention job purges
 * them with those records, before the record itself is anonymised.
 */
export const consentDataOwner: DataOwner = {
  module: 'consent',
  movePatient: (tx, { fromPatientId, toPatientId }) => moveConsentRows(tx, { fromPatientId, toPatientId }),
  onPatientDeceased: async () => undefined,
  exportPatient: async (tx, { patientId }) => ({
    consent: (await consentRowsOf(tx, patientId)).map((r) => ({
      channel: r.channel,
      purpose: r.purpose,
      granted: r.granted,
      source: r.source,
      wording: r.wording,
      language: r.language,
      recordedAt: r.recordedAt.toISOString(),
    })),
  }),
  erasePatient: async () => ({
    erased: {},
    kept: [
      {
        kind: 'consent',
        why: {
          en: 'Proof of what you agreed to or withdrew, and that a withdrawal was honoured',
          fr: 'La preuve de ce que vous avez accepté ou retiré, et que le retrait a été respecté',
        },
        until: null,
      },
    ],
    labels: { consent: { en: 'Your consent history', fr: 'L’historique de vos consentements' } },
  }),
  retention: () => [
    {
      category: 'consent_ledger',
      description: "Patients' consent to be contacted (each grant and withdrawal, with the words shown)",
      keptFor: "as long as the patient's records: 11 years after the last visit (minors: at least until 25)",
      why: 'Proof of what each patient agreed to or refused, and when; senders check it before every message',
      rule: {
        defaultDays: CLINICAL_RECORDS_DAYS,
        floorDays: CLINICAL_RECORDS_DAYS,
        from: 'last_visit',
        tiedTo: 'patient',
      },
    },
  ],
  purge: async (tx, input) => {
    if (input.category !== 'consent_ledger') return { count: 0 };
    const held = new Set(input.heldPatientIds);
    const patientIds = input.patientIds.filter((id) => !held.has(id));
    return { count: await purgeConsentRows(tx, { patientIds, dryRun: input.dryRun }) };
  },
};
