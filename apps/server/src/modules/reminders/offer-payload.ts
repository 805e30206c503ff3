import { REMINDER_PAYLOAD_PREFIX } from '@dentalpro/contracts';
import { signedTapCodec, textToUuid, uuidToText } from './signed-tap.js';

/**
 * The quick-reply payloads of a waitlist offer: the answer and the offer, signed for the practice
 * so that a payload typed or altered by anyone but us is never acted on. They start with the
 * reminders' prefix, so the booking assistant and the greeting leave the tap to this module:
 * `rm1.wo.<t|n>.<offer>.<signature>`.
 */

export const OFFER_PAYLOAD_PREFIX = `${REMINDER_PAYLOAD_PREFIX}wo.`;
export type OfferAnswer = 'take' | 'decline';
export interface OfferPayload {
  answer: OfferAnswer;
  offerId: string;
}

const codec = signedTapCodec<OfferAnswer>({
  prefix: OFFER_PAYLOAD_PREFIX,
  purpose: 'dentalpro:waitlist-offers:v1',
  codes: { take: 't', decline: 'n' },
});

/** The signing key, derived from the server's secret for this purpose only. */
export const offerKeyOf = codec.keyOf;

export function signOfferPayload(key: Buffer, practiceId: string, payload: OfferPayload): string {
  return codec.sign(key, practiceId, payload.answer, [uuidToText(payload.offerId)]);
}

/** The payload, when it is one of ours for this practice and unaltered; null otherwise. */
export function readOfferPayload(key: Buffer, practiceId: string, text: string): OfferPayload | null {
  const read = codec.read(key, practiceId, text, 1);
  const offerId = read && textToUuid(read.parts[0]!);
  return read && offerId ? { answer: read.answer, offerId } : null;
}
