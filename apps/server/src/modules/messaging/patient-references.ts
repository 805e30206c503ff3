import type { Tx } from '../../platform/tenancy.js';

/** For a patient merge: WhatsApp conversations linked to the merged patient follow the survivor. */
export async function moveMessagingReferences(tx: Tx, fromPatientId: string, toPatientId: string) {
  await tx
    .updateTable('whatsappConversations')
    .set({ patientId: toPatientId })
    .where('patientId', '=', fromPatientId)
    .execute();
}
