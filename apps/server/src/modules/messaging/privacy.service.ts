import type { Tx } from '../../platform/tenancy.js';

/**
 * What other modules' privacy duties ask of messaging, inside their practice-bound transaction:
 * the WhatsApp conversations linked to a patient, and those quiet since a time (a conversation's
 * words are kept 2 years after its last message).
 */
export async function patientConversationsIn(
  tx: Tx,
  patientId: string,
): Promise<{ id: string; lastMessageAt: Date }[]> {
  return tx
    .selectFrom('whatsappConversations')
    .select(['id', 'lastMessageAt'])
    .where('patientId', '=', patientId)
    .orderBy('createdAt')
    .execute();
}

/** Conversations whose last message is before `before`. */
export async function conversationsQuietSinceIn(tx: Tx, before: Date): Promise<string[]> {
  const rows = await tx.selectFrom('whatsappConversations').select('id').where('lastMessageAt', '<', before).execute();
  return rows.map((r) => r.id);
}

/** The last message time of conversations by id. */
export async function conversationLastMessagesIn(tx: Tx, ids: readonly string[]): Promise<Map<string, Date>> {
  if (ids.length === 0) return new Map();
  const rows = await tx
    .selectFrom('whatsappConversations')
    .select(['id', 'lastMessageAt'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.lastMessageAt]));
}
