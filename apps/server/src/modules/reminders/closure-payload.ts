import { REMINDER_PAYLOAD_PREFIX } from '@dentalpro/contracts';
import { signedTapCodec, textToUuid, uuidToText } from './signed-tap.js';

/**
 * The quick-reply payloads of a closure message: the answer and the announcement item it was sent
 * for (the first of a family's appointments on the number; the others share its message), signed
 * for the practice so that a payload typed or altered by anyone but us is never acted on. Under the
 * reminders' prefix, so the booking assistant and the greeting leave the tap to this module:
 * `rm1.cl.<n|c>.<item>.<signature>`.
 */

export const CLOSURE_PAYLOAD_PREFIX = `${REMINDER_PAYLOAD_PREFIX}cl.`;
export type ClosureAnswer = 'new_time' | 'call_me';
export interface ClosurePayload {
  answer: ClosureAnswer;
  itemId: string;
}

const codec = signedTapCodec<ClosureAnswer>({
  prefix: CLOSURE_PAYLOAD_PREFIX,
  purpose: 'dentalpro:closure-replies:v1',
  codes: { new_time: 'n', call_me: 'c' },
});

/** The signing key, derived from the server's secret for this purpose only. */
export const closureKeyOf = codec.keyOf;

export function signClosurePayload(key: Buffer, practiceId: string, payload: ClosurePayload): string {
  return codec.sign(key, practiceId, payload.answer, [uuidToText(payload.itemId)]);
}

/** The payload, when it is one of ours for this practice and unaltered; null otherwise. */
export function readClosurePayload(key: Buffer, practiceId: string, text: string): ClosurePayload | null {
  const read = codec.read(key, practiceId, text, 1);
  const itemId = read && textToUuid(read.parts[0]!);
  return read && itemId ? { answer: read.answer, itemId } : null;
}
