import { REMINDER_PAYLOAD_PREFIX } from '@dentalpro/contracts';
import { signedTapCodec, textToUuid, uuidToText } from './signed-tap.js';

/**
 * The quick-reply payloads of a recall message: the answer, the recall and the due date it was
 * for, signed for the practice so that a payload typed or altered by anyone but us is never acted
 * on. They start with the reminders' prefix, so the booking assistant and the greeting leave the tap
 * to this module: `rm1.rc.<b|n>.<recall>.<due day>.<signature>`.
 */

export const RECALL_PAYLOAD_PREFIX = `${REMINDER_PAYLOAD_PREFIX}rc.`;
export type RecallAnswer = 'book' | 'not_now';
export interface RecallPayload {
  answer: RecallAnswer;
  recallId: string;
  /** The due date ('YYYY-MM-DD') the message was sent for. */
  dueDate: string;
}

const codec = signedTapCodec<RecallAnswer>({
  prefix: RECALL_PAYLOAD_PREFIX,
  purpose: 'dentalpro:recall-replies:v1',
  codes: { book: 'b', not_now: 'n' },
});

/** The signing key, derived from the server's secret for this purpose only. */
export const recallKeyOf = codec.keyOf;

const DAY_MS = 86_400_000;

export function signRecallPayload(key: Buffer, practiceId: string, payload: RecallPayload): string {
  const day = Math.round(Date.parse(`${payload.dueDate}T00:00:00Z`) / DAY_MS).toString(36);
  return codec.sign(key, practiceId, payload.answer, [uuidToText(payload.recallId), day]);
}

/** The payload, when it is one of ours for this practice and unaltered; null otherwise. */
export function readRecallPayload(key: Buffer, practiceId: string, text: string): RecallPayload | null {
  const read = codec.read(key, practiceId, text, 2);
  if (!read) return null;
  const recallId = textToUuid(read.parts[0]!);
  const days = Number.parseInt(read.parts[1]!, 36);
  if (!recallId || !Number.isFinite(days)) return null;
  return { answer: read.answer, recallId, dueDate: new Date(days * DAY_MS).toISOString().slice(0, 10) };
}
