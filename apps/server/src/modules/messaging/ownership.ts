import type { ConversationOwner, HandoverReason } from '@dentalpro/contracts';
import { sql } from 'kysely';
import { publishAtCommit } from '../../platform/events.js';
import type { Tx } from '../../platform/tenancy.js';
import { inboxTopic } from './messaging.runtime.js';

/**
 * Who answers a WhatsApp conversation: the booking assistant or a person, never both.
 *
 * | What happens | owner | needs a person (flag, reason) | the patient waits (handover_at) |
 * | --- | --- | --- | --- |
 * | the assistant hands over | staff | set, with the reason (an urgent one stays urgent) | from now (a second handover keeps the first time) |
 * | staff flag it ("needs a person") | staff | set, reason needs_staff unless one is there | from now, unless already waiting |
 * | staff answer from the inbox | staff | kept: why a person has it | stops |
 * | staff take it over | staff | kept | kept |
 * | staff clear the flag | kept | cleared | stops |
 * | staff hand it back | assistant | cleared | stops |
 * | the assistant answers after a person's ownership lapsed (ownerNow) | assistant | cleared | (nobody was waiting) |
 *
 * Every change of owner sets owner_since, so that the assistant ends a lapsed ownership only when
 * no person took the conversation since the patient's last message (see takeBackLapsed).
 */

/** How long a person keeps a conversation nobody writes in, unless the assistant's settings say otherwise. */
export const DEFAULT_STAFF_IDLE_HOURS = 12;

export interface OwnershipFacts {
  owner: ConversationOwner;
  /** Since when the patient has waited for a person; null when nobody is waited for. */
  handoverAt: Date | null;
  lastMessageAt: Date;
  /** When the current owner took the conversation: a take-over is activity too. */
  ownerSince?: Date | null;
  /**
   * The last message before the one being answered (either direction), when a message is being
   * answered: that message itself must not count as activity that keeps a person's ownership alive.
   */
  previousMessageAt?: Date | null;
}

/**
 * Who owns the conversation at `now`. A person's ownership lapses once the conversation has been
 * idle (no message either way, no take-over) for idleHours — staff who answered and moved on need not hand back
 * — except while the patient waits for a person: an urgent handover nobody has answered overnight
 * stays with the staff, flagged, rather than the assistant stepping in.
 */
export function ownerNow(
  conversation: OwnershipFacts,
  now: Date,
  idleHours: number = DEFAULT_STAFF_IDLE_HOURS,
): ConversationOwner {
  if (conversation.owner === 'assistant') return 'assistant';
  if (conversation.handoverAt) return 'staff';
  const lastMessage =
    conversation.previousMessageAt !== undefined ? conversation.previousMessageAt : conversation.lastMessageAt;
  const lastActivity = Math.max(lastMessage?.getTime() ?? 0, conversation.ownerSince?.getTime() ?? 0);
  return now.getTime() - lastActivity < idleHours * 3600_000 ? 'staff' : 'assistant';
}

/** Open inboxes refresh the conversation once the transaction commits. */
export function conversationChangedAtCommit(tx: Tx, practiceId: string, conversationId: string) {
  return publishAtCommit(tx, inboxTopic(practiceId), { type: 'conversation', conversationId });
}

/** A person becomes the owner at `at` (owner_since moves only when the owner changes). */
const staffOwns = (at: Date) => ({
  owner: 'staff' as const,
  ownerSince: sql<Date>`CASE WHEN owner = 'staff' THEN owner_since ELSE ${at}::timestamptz END`,
});

/** The assistant hands the conversation to a person. */
export async function markHandover(
  tx: Tx,
  input: { practiceId: string; conversationId: string; reason: HandoverReason; at: Date },
) {
  const row = await tx
    .updateTable('whatsappConversations')
    .set({
      ...staffOwns(input.at),
      needsHuman: true,
      // An urgent handover stays urgent while the patient waits, whatever is asked next.
      handoverReason: sql<HandoverReason>`CASE WHEN handover_at IS NOT NULL AND handover_reason = 'urgent' THEN 'urgent' ELSE ${input.reason}::text END`,
      handoverAt: sql<Date>`coalesce(handover_at, ${input.at}::timestamptz)`,
    })
    .where('id', '=', input.conversationId)
    .where('practiceId', '=', input.practiceId)
    .returning(['handoverAt', 'handoverReason'])
    .executeTakeFirst();
  if (row) await conversationChangedAtCommit(tx, input.practiceId, input.conversationId);
  return row;
}

/** What a staff change of the conversation (PATCH) does to its ownership columns. */
export function ownershipChanges(
  patch: { owner?: ConversationOwner | undefined; needsHuman?: boolean | undefined },
  at: Date,
) {
  if (patch.owner === 'assistant') {
    return {
      owner: 'assistant' as const,
      ownerSince: sql<Date>`CASE WHEN owner = 'assistant' THEN owner_since ELSE ${at}::timestamptz END`,
      needsHuman: false,
      handoverReason: null,
      handoverAt: null,
    };
  }
  if (patch.needsHuman === true) {
    return {
      ...staffOwns(at),
      needsHuman: true,
      handoverReason: sql<HandoverReason>`coalesce(handover_reason, 'needs_staff')`,
      handoverAt: sql<Date>`coalesce(handover_at, ${at}::timestamptz)`,
    };
  }
  return {
    ...(patch.owner === 'staff' ? staffOwns(at) : {}),
    ...(patch.needsHuman === false ? { needsHuman: false, handoverReason: null, handoverAt: null } : {}),
  };
}

/** A person answered the patient from the inbox: theirs now, and the patient no longer waits. */
export async function markStaffAnswered(tx: Tx, conversationId: string, at: Date) {
  await tx
    .updateTable('whatsappConversations')
    // A person acting is a fresh ownership, whoever owned it before (see takeBackLapsed).
    .set({ owner: 'staff', ownerSince: at, handoverAt: null })
    .where('id', '=', conversationId)
    .execute();
}

/**
 * The assistant is about to answer in a conversation a person owns (its caller found, with
 * ownerNow, that the person's ownership lapsed): it becomes the assistant's, unless the patient
 * waits for a person or a person took the conversation (or answered) since the patient's last
 * message. False: a person has it; the assistant must stay silent.
 */
export async function takeBackLapsed(tx: Tx, input: { practiceId: string; conversationId: string; at: Date }) {
  const row = await tx
    .updateTable('whatsappConversations')
    .set({ owner: 'assistant', ownerSince: input.at, needsHuman: false, handoverReason: null, handoverAt: null })
    .where('id', '=', input.conversationId)
    .where('practiceId', '=', input.practiceId)
    .where('owner', '=', 'staff')
    .where('handoverAt', 'is', null)
    .where((eb) => eb.or([eb('ownerSince', 'is', null), eb('ownerSince', '<', eb.ref('lastInboundAt'))]))
    .returning('id')
    .executeTakeFirst();
  if (row) await conversationChangedAtCommit(tx, input.practiceId, input.conversationId);
  return row !== undefined;
}
