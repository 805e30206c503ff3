import { REMINDER_PAYLOAD_PREFIX } from '@dentalpro/contracts';
import { CLOSURE_PAYLOAD_PREFIX } from './closure-payload.js';
import { OFFER_PAYLOAD_PREFIX } from './offer-payload.js';
import { RECALL_PAYLOAD_PREFIX } from './recall-payload.js';

/**
 * Whose button a tapped id is: an appointment reminder's, a recall message's, a waitlist offer's,
 * a closure announcement's (all signed by this module, under one prefix), or none of ours. Each listener answers its own
 * kind and leaves the others without opening a transaction.
 */
export function reminderTapKind(choiceId: string): 'reminder' | 'recall' | 'offer' | 'closure' | null {
  if (!choiceId.startsWith(REMINDER_PAYLOAD_PREFIX)) return null;
  if (choiceId.startsWith(RECALL_PAYLOAD_PREFIX)) return 'recall';
  if (choiceId.startsWith(OFFER_PAYLOAD_PREFIX)) return 'offer';
  if (choiceId.startsWith(CLOSURE_PAYLOAD_PREFIX)) return 'closure';
  return 'reminder';
}
