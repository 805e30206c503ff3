import { sql } from 'kysely';
import type { Tx } from '../../platform/tenancy.js';

/**
 * Whether a number is on WhatsApp, as far as Meta told us. Meta's 131026 (on a send, or in a failed
 * status webhook) marks the number's conversation; the practice's later messages to it are then not
 * attempted (outreach.service.ts answers `not_on_whatsapp`). A message from the number proves it is
 * on WhatsApp after all and clears the mark. Failures are classified in graph-errors.ts.
 */

/** The conversation's number is not on WhatsApp (kept from the first time Meta said so). */
export async function markNotOnWhatsAppIn(tx: Tx, input: { conversationId: string; at: Date }): Promise<void> {
  await tx
    .updateTable('whatsappConversations')
    .set({ notOnWhatsappAt: sql`coalesce(not_on_whatsapp_at, ${input.at})` })
    .where('id', '=', input.conversationId)
    .execute();
}

/** The patient wrote from this number: every conversation of the practice with it is reachable again. */
export async function clearNotOnWhatsAppIn(tx: Tx, input: { practiceId: string; waId: string }): Promise<void> {
  await tx
    .updateTable('whatsappConversations')
    .set({ notOnWhatsappAt: null })
    .where('practiceId', '=', input.practiceId)
    .where('waId', '=', input.waId)
    .where('notOnWhatsappAt', 'is not', null)
    .execute();
}

/** Of these numbers (E.164), those marked not on WhatsApp in the practice, with the time of the mark. */
export async function notOnWhatsAppSinceIn(
  tx: Tx,
  input: { practiceId: string; e164s: readonly string[] },
): Promise<Map<string, Date>> {
  if (input.e164s.length === 0) return new Map();
  const rows = await tx
    .selectFrom('whatsappConversations')
    .select(['waId', (eb) => eb.fn.min('notOnWhatsappAt').as('since')])
    .where('practiceId', '=', input.practiceId)
    .where('waId', 'in', [...new Set(input.e164s.map((e) => e.replace(/^\+/, '')))])
    .where('notOnWhatsappAt', 'is not', null)
    .groupBy('waId')
    .execute();
  return new Map(rows.map((r) => [`+${r.waId}`, new Date(r.since as Date)]));
}
