import { type DataOwner, notImplemented } from '../../platform/data-owners.js';

/**
 * The assistant keeps, per patient, the times it offered them (a week) and the consent they gave
 * in the chat. A merge moves both to the survivor. A death forgets the offers (nothing more may be
 * booked for them; the phone lookup already leaves deceased patients out); consents stay as a record.
 */
export const assistantDataOwner: DataOwner = {
  module: 'assistant',
  movePatient: async (tx, { fromPatientId, toPatientId }) => {
    await tx
      .updateTable('assistantOffers')
      .set({ patientId: toPatientId })
      .where('patientId', '=', fromPatientId)
      .execute();
    await tx
      .updateTable('assistantConsents')
      .set({ patientId: toPatientId })
      .where('patientId', '=', fromPatientId)
      .execute();
  },
  onPatientDeceased: async (tx, { patientId }) => {
    await tx.deleteFrom('assistantOffers').where('patientId', '=', patientId).execute();
    return undefined;
  },
  exportPatient: () => notImplemented("The assistant's export of a patient's data"),
  erasePatient: () => notImplemented("The assistant's erasure of a patient's data"),
  retention: () => notImplemented("The assistant's retention rules"),
};
