import type { Tx } from '../../platform/tenancy.js';

/** SQL of the rights requests recorded from WhatsApp (whatsapp-requests.service.ts). */

/**
 * A request from WhatsApp, unless one of this patient, kind and message (its time) is there
 * already: then nothing is inserted and null comes back (privacy_requests_whatsapp_once).
 */
export async function insertWhatsAppRequestOnce(
  tx: Tx,
  row: {
    practiceId: string;
    patientId: string;
    type: string;
    receivedAt: Date;
    dueAt: Date;
    note: string;
    proposedChange: unknown;
    recordedBy: string | null;
  },
) {
  return tx
    .insertInto('privacyRequests')
    .values({
      ...row,
      source: 'whatsapp',
      proposedChange: row.proposedChange ? JSON.stringify(row.proposedChange) : null,
    })
    .onConflict((oc) =>
      oc.columns(['practiceId', 'patientId', 'type', 'receivedAt']).where('source', '=', 'whatsapp').doNothing(),
    )
    .returningAll()
    .executeTakeFirst();
}

/** The WhatsApp request of this patient, kind and message time, if recorded. */
export async function findWhatsAppRequest(tx: Tx, key: { patientId: string; type: string; receivedAt: Date }) {
  return tx
    .selectFrom('privacyRequests')
    .selectAll()
    .where('patientId', '=', key.patientId)
    .where('type', '=', key.type)
    .where('source', '=', 'whatsapp')
    .where('receivedAt', '=', key.receivedAt)
    .executeTakeFirst();
}
