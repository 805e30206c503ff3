import type { DataOwner } from '../../platform/data-owners.js';
import { consentRowsOf, moveConsentRows } from './consent.repository.js';

/**
 * The consent ledger keeps, per patient, every grant and withdrawal with the words shown. A merge
 * moves the rows to the survivor (the only change the table allows); a death changes nothing (the
 * patient's messages stop with their appointments); an export lists every entry with its words; an
 * erasure keeps them as proof (like the assistant's chat consents): they go with the patient record.
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
        why: 'Proof of what the patient agreed to or withdrew, and that the withdrawal was honoured (as the chat consents are kept)',
        until: null,
      },
    ],
  }),
  retention: () => [
    {
      category: 'consent_ledger',
      description: "Patients' consent to be contacted (each grant and withdrawal, with the words shown)",
      keptFor: 'as long as the patient record',
      why: 'Proof of what each patient agreed to or refused, and when; senders check it before every message',
    },
  ],
};
