import type { Tx } from '../../platform/tenancy.js';
import { recordConsentIn } from '../consent/consent.service.js';
import { findPatientsByPhone } from '../patients/patients.service.js';
import { cancelQueuedOnOptOut } from './outbound.service.js';
import { keywordLanguage, subscriptionKeyword } from './subscription-keywords.js';

/**
 * A conversation's WhatsApp opt-out and opt-in (a STOP or START, or Meta's 131050), and the same
 * in the consent ledger for every patient on the number. Low in messaging (the outbox's dispatcher
 * and the status webhook use it): it tells nobody; the callers above refresh the inbox.
 */

/** The ledger's words for an opt-out Meta reported (131050: the patient stopped the business's messages). */
export const META_OPT_OUT_WORDING =
  'WhatsApp: the patient stopped messages from the practice (reported by Meta, 131050)';

/**
 * Opted out: opted_out_at keeps the first withdrawal while it stands; queued non-essential
 * messages are cancelled; the ledger gets a withdrawal (both purposes) for each patient on the
 * number the first time.
 */
export async function optOutConversation(
  tx: Tx,
  input: { practiceId: string; conversationId: string; at: Date; wording?: string },
): Promise<{ found: boolean; alreadyOptedOut: boolean; cancelled: number }> {
  const before = await tx
    .selectFrom('whatsappConversations')
    .select('optedOutAt')
    .where('id', '=', input.conversationId)
    .where('practiceId', '=', input.practiceId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) return { found: false, alreadyOptedOut: false, cancelled: 0 };
  if (!before.optedOutAt) {
    await tx
      .updateTable('whatsappConversations')
      .set({ optedOutAt: input.at })
      .where('id', '=', input.conversationId)
      .execute();
    await recordNumberConsent(tx, { ...input, granted: false, wording: input.wording ?? 'STOP' });
  }
  const cancelled = await cancelQueuedOnOptOut(tx, input.conversationId);
  return { found: true, alreadyOptedOut: before.optedOutAt !== null, cancelled };
}

/** Opted in again: the opt-out is lifted, consent dated `at`, and the ledger gets the grant. */
export async function optInConversation(
  tx: Tx,
  input: { practiceId: string; conversationId: string; at: Date; wording?: string },
): Promise<{ wasOptedOut: boolean }> {
  const before = await tx
    .selectFrom('whatsappConversations')
    .select('optedOutAt')
    .where('id', '=', input.conversationId)
    .where('practiceId', '=', input.practiceId)
    .forUpdate()
    .executeTakeFirst();
  if (!before) return { wasOptedOut: false };
  await tx
    .updateTable('whatsappConversations')
    .set({ optedOutAt: null, optedInAt: input.at })
    .where('id', '=', input.conversationId)
    .execute();
  if (before.optedOutAt) await recordNumberConsent(tx, { ...input, granted: true, wording: input.wording ?? 'START' });
  return { wasOptedOut: before.optedOutAt !== null };
}

/**
 * A STOP or START on a number is the word of every patient on it (a family sharing a phone): each
 * gets a row in the consent ledger, with the patient's message as the wording. A STOP withdraws
 * every purpose on WhatsApp; a START gives back appointment messages only (recalls and
 * announcements need their own grant, docs/consent.md).
 */
async function recordNumberConsent(
  tx: Tx,
  input: { practiceId: string; conversationId: string; at: Date; granted: boolean; wording: string },
): Promise<void> {
  const conversation = await tx
    .selectFrom('whatsappConversations')
    .select(['waId', 'patientId'])
    .where('id', '=', input.conversationId)
    .executeTakeFirst();
  if (!conversation) return;
  const onNumber = conversation.waId
    ? (await findPatientsByPhone(tx, input.practiceId, `+${conversation.waId}`)).map((p) => p.id)
    : [];
  const patientIds = [...new Set([...onNumber, ...(conversation.patientId ? [conversation.patientId] : [])])];
  const purposes = input.granted ? (['appointments'] as const) : (['appointments', 'recalls'] as const);
  const language = keywordLanguage(input.wording) ?? (subscriptionKeyword(input.wording) ? 'en' : null);
  await recordConsentIn(tx, {
    practiceId: input.practiceId,
    changes: patientIds.flatMap((patientId) =>
      purposes.map((purpose) => ({
        patientId,
        channel: 'whatsapp' as const,
        purpose,
        granted: input.granted,
        source: 'whatsapp_keyword' as const,
        actorUserId: null,
        wording: input.wording,
        language,
        at: input.at,
      })),
    ),
  });
}
