import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Files staff send go to Meta by link: Meta fetches them from us soon after the send. The link
 * names the message and carries an expiry and an HMAC, so nobody can guess or reuse it to read
 * other files; it is served from /webhooks/whatsapp/media/, which Meta can reach anyway.
 * Compact (message id and expiry as bytes), as path parameters are kept short.
 */
const LIFETIME_SECONDS = 7 * 86_400;

const mac = (secret: string, payload: Buffer) =>
  createHmac('sha256', `whatsapp-media-link:${secret}`).update(payload).digest().subarray(0, 16);

export function mediaLinkToken(secret: string, messageId: string, now = Date.now()): string {
  const payload = Buffer.alloc(20);
  Buffer.from(messageId.replaceAll('-', ''), 'hex').copy(payload, 0);
  payload.writeUInt32BE(Math.floor(now / 1000) + LIFETIME_SECONDS, 16);
  return Buffer.concat([payload, mac(secret, payload)]).toString('base64url');
}

/** The message id, when the token is ours and not expired. */
export function readMediaLinkToken(secret: string, token: string, now = Date.now()): string | null {
  const bytes = Buffer.from(token, 'base64url');
  if (bytes.length !== 36) return null;
  const payload = bytes.subarray(0, 20);
  if (!timingSafeEqual(bytes.subarray(20), mac(secret, payload))) return null;
  if (payload.readUInt32BE(16) * 1000 < now) return null;
  const hex = payload.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
