import { hmacSha256, safeEqual } from './crypto.js';

/**
 * The signed quick-reply payloads of our template buttons (recall messages, waitlist offers,
 * closure messages, the invitation to a copy of one's data):
 * `<prefix><answer code>.<part>….<signature>`, the signature an HMAC over the practice and the
 * body with a key derived from the server's secret for one purpose, so a payload typed or altered
 * by anyone but us is never acted on. Each kind says its prefix, its answers' codes and its parts.
 */
export function signedTapCodec<Answer extends string>(opts: {
  prefix: string;
  purpose: string;
  codes: Record<Answer, string>;
}) {
  const answers = new Map(Object.entries<string>(opts.codes).map(([answer, code]) => [code, answer as Answer]));
  const signatureOf = (key: Buffer, practiceId: string, body: string) =>
    hmacSha256(key, `${practiceId}|${body}`).subarray(0, SIGNATURE_BYTES);
  return {
    prefix: opts.prefix,
    /** The signing key, derived from the server's secret for this purpose only. */
    keyOf: (serverSecret: string) => hmacSha256(serverSecret, opts.purpose),
    sign(key: Buffer, practiceId: string, answer: Answer, parts: string[]): string {
      const body = [opts.codes[answer], ...parts].join('.');
      return `${opts.prefix}${body}.${signatureOf(key, practiceId, body).toString('base64url')}`;
    },
    /** The answer and the parts, when the payload is one of ours for this practice, unaltered; null otherwise. */
    read(key: Buffer, practiceId: string, text: string, partCount: number): { answer: Answer; parts: string[] } | null {
      if (!text.startsWith(opts.prefix) || text.length > 200) return null;
      const fields = text.slice(opts.prefix.length).split('.');
      if (fields.length !== partCount + 2) return null;
      const signature = fields.pop()!;
      if (!safeEqual(Buffer.from(signature, 'base64url'), signatureOf(key, practiceId, fields.join('.')))) return null;
      const answer = answers.get(fields[0]!);
      return answer ? { answer, parts: fields.slice(1) } : null;
    },
  };
}

const SIGNATURE_BYTES = 16;

/** A uuid in 22 characters (base64url of its 16 bytes): WhatsApp's payloads are short. */
export const uuidToText = (id: string) => Buffer.from(id.replace(/-/g, ''), 'hex').toString('base64url');

export function textToUuid(text: string): string | null {
  const hex = Buffer.from(text, 'base64url').toString('hex');
  if (hex.length !== 32 || Buffer.from(hex, 'hex').toString('base64url') !== text) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
