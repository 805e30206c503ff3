import { type DataOwner, notImplemented } from '../../platform/data-owners.js';
import type { Tx } from '../../platform/tenancy.js';

/**
 * WhatsApp conversations linked to a patient follow a merged patient to the survivor. A death
 * changes nothing here yet: the phone lookup already leaves deceased patients out.
 */
export const messagingDataOwner: DataOwner = {
  module: 'messaging',
  movePatient: (tx, { fromPatientId, toPatientId }) => moveMessagingReferences(tx, fromPatientId, toPatientId),
  onPatientDeceased: async () => undefined,
  exportPatient: () => notImplemented("The WhatsApp export of a patient's data"),
  erasePatient: () => notImplemented("The WhatsApp erasure of a patient's data"),
  retention: () => notImplemented('WhatsApp retention rules'),
};

/** For a patient merge: WhatsApp conversations linked to the merged patient follow the survivor. */
export async function moveMessagingReferences(tx: Tx, fromPatientId: string, toPatientId: string) {
  await tx
    .updateTable('whatsappConversations')
    .set({ patientId: toPatientId })
    .where('patientId', '=', fromPatientId)
    .execute();
}
