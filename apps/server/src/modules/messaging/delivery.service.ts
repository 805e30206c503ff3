import type { Tx } from '../../platform/tenancy.js';

/**
 * Outbound messages as WhatsApp last reported them (queued, sent, delivered, read or failed), as a
 * table another module joins by message id in its own query: the reminders dashboard counts its
 * reminders delivered, read and failed in one statement. `messageOutcomesIn` (outreach) is the
 * lookup by ids for a page of rows.
 */
export function outboundMessageStatuses(tx: Tx) {
  return tx
    .selectFrom('whatsappMessages')
    .select(['whatsappMessages.id', 'whatsappMessages.practiceId', 'whatsappMessages.status'])
    .where('whatsappMessages.direction', '=', 'outbound');
}
