import type { AppContext } from '../../context.js';
import { AppError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import { contactTag, contactsOfEnvelope, sealWebhookBody } from './message-words.js';
import { WEBHOOKS_SIGNAL } from './messaging.runtime.js';
import { verifyWebhookSignature } from './signature.js';
import { isWhatsAppEnvelope, numbersOfEnvelope } from './webhook.parse.js';

/**
 * Meta's side of the WhatsApp webhook: the subscription handshake, and the intake of a delivery
 * (checked, stored, acknowledged). Everything else happens after, from the store
 * (inbound.service.ts).
 */

/** Meta's verification handshake: the challenge to echo, when the verify token is ours. */
export function verifyWebhookSubscription(
  ctx: AppContext,
  query: Record<string, string | undefined>,
  log: Pick<Logger, 'warn'>,
): string {
  if (
    query['hub.mode'] === 'subscribe' &&
    query['hub.verify_token'] === ctx.config.whatsapp.verifyToken &&
    typeof query['hub.challenge'] === 'string'
  ) {
    return query['hub.challenge'];
  }
  log.warn('WhatsApp webhook verification refused: wrong verify token');
  throw new AppError('forbidden', { detail: 'Verification token does not match' });
}

/**
 * One delivery as Meta sent it: the signature is checked on the raw bytes, the body must be a
 * WhatsApp Business Account payload, and it is stored before the caller answers 200 (Meta cannot
 * send it again once acknowledged, and has no API to fetch it).
 */
export async function acceptWebhookDelivery(
  ctx: AppContext,
  input: { raw: Buffer; signature: string | undefined; log: Pick<Logger, 'warn'> },
): Promise<void> {
  const { raw, signature, log } = input;
  if (!verifyWebhookSignature(raw, signature, ctx.config.whatsapp.appSecret)) {
    log.warn(
      { signed: typeof signature === 'string', bytes: raw.length },
      'WhatsApp webhook refused: bad or missing signature',
    );
    throw new AppError('webhook_signature_invalid');
  }
  const text = raw.toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    log.warn({ bytes: raw.length }, 'WhatsApp webhook refused: body is not JSON');
    throw new AppError('webhook_payload_invalid', { detail: 'The body is not JSON' });
  }
  if (!isWhatsAppEnvelope(body)) {
    log.warn({ bytes: raw.length }, 'WhatsApp webhook refused: not a whatsapp_business_account payload');
    throw new AppError('webhook_payload_invalid', { detail: 'Not a WhatsApp Business Account webhook' });
  }
  // Sealed before it is stored (message-words.ts); the tags let an erasure find it later.
  const masterKey = ctx.config.encryptionKey;
  await ctx.db
    .insertInto('whatsappWebhookDeliveries')
    .values({
      body: null,
      bodySealed: sealWebhookBody(masterKey, text),
      contactTags: contactsOfEnvelope(body).map((c) => contactTag(masterKey, c)),
      phoneNumberIds: numbersOfEnvelope(body),
    })
    .execute();
  ctx.events.signal(WEBHOOKS_SIGNAL);
}
