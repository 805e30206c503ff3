import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const VERSION = 1;

/**
 * AES-256-GCM with a random 96-bit nonce. Layout: version(1) | nonce(12) | tag(16) | ciphertext.
 * `aad` binds the ciphertext to its place (e.g. the user id), so it cannot be moved to another row.
 */
export function encrypt(key: Buffer, plaintext: Buffer | string, aad = ''): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), nonce, cipher.getAuthTag(), body]);
}

export function decrypt(key: Buffer, sealed: Buffer, aad = ''): Buffer {
  if (sealed[0] !== VERSION) throw new Error('Unknown ciphertext version');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(13, 29));
  return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]);
}

/** A random token for links and cookies (256 bits, URL-safe). */
export const randomToken = () => randomBytes(32).toString('base64url');

export const sha256 = (value: string | Buffer) => createHash('sha256').update(value).digest();
export const hmacSha256 = (key: string | Buffer, value: string) => createHmac('sha256', key).update(value).digest();

export function safeEqual(a: Buffer, b: Buffer) {
  return a.length === b.length && timingSafeEqual(a, b);
}
