import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { AppError } from '../../platform/errors.js';
import { readLinkedMedia } from './conversations.service.js';
import { WEBHOOKS_SIGNAL } from './messaging.runtime.js';
import { verifyWebhookSignature } from './signature.js';
import { isWhatsAppEnvelope } from './webhook.parse.js';

/** Meta batches up to a few megabytes into one POST; refusing one would only make Meta retry it for a week. */
export const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * GET: Meta's verification handshake. POST: check the signature on the raw bytes, store the
 * body, answer 200. Everything else happens after, from the store (inbound.service.ts).
 */
export async function webhookRoutes(app: FastifyInstance, ctx: AppContext) {
  await app.register(async (scope) => {
    // The signature covers the bytes as sent, so they are kept as bytes, whatever the content type says.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) =>
      done(null, body),
    );

    scope.get<{ Querystring: Record<string, string | undefined> }>(
      '/webhooks/whatsapp',
      { config: { auth: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const q = request.query;
        if (
          q['hub.mode'] === 'subscribe' &&
          q['hub.verify_token'] === ctx.config.whatsapp.verifyToken &&
          typeof q['hub.challenge'] === 'string'
        ) {
          return reply.type('text/plain').send(q['hub.challenge']);
        }
        request.log.warn('WhatsApp webhook verification refused: wrong verify token');
        throw new AppError('forbidden', { detail: 'Verification token does not match' });
      },
    );

    // Files staff send, fetched by Meta through the signed link given in the send.
    scope.get<{ Params: { token: string } }>(
      '/webhooks/whatsapp/media/:token',
      { config: { auth: 'public' }, schema: { hide: true } },
      async (request, reply) => {
        const media = await readLinkedMedia(ctx, request.params.token);
        return reply
          .type(media.mimeType)
          .header('cache-control', 'private, no-store')
          .header('x-content-type-options', 'nosniff')
          .send(media.bytes);
      },
    );

    scope.post(
      '/webhooks/whatsapp',
      { config: { auth: 'public' }, bodyLimit: WEBHOOK_BODY_LIMIT, schema: { hide: true } },
      async (request, reply) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const signature = request.headers['x-hub-signature-256'];
        if (
          !verifyWebhookSignature(
            raw,
            typeof signature === 'string' ? signature : undefined,
            ctx.config.whatsapp.appSecret,
          )
        ) {
          request.log.warn(
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
          request.log.warn({ bytes: raw.length }, 'WhatsApp webhook refused: body is not JSON');
          throw new AppError('webhook_payload_invalid', { detail: 'The body is not JSON' });
        }
        if (!isWhatsAppEnvelope(body)) {
          request.log.warn({ bytes: raw.length }, 'WhatsApp webhook refused: not a whatsapp_business_account payload');
          throw new AppError('webhook_payload_invalid', { detail: 'Not a WhatsApp Business Account webhook' });
        }
        // Stored before the 200: Meta cannot send it again once acknowledged, and has no API to fetch it.
        await ctx.db.insertInto('whatsappWebhookDeliveries').values({ body: text }).execute();
        ctx.events.signal(WEBHOOKS_SIGNAL);
        return reply.status(200).send();
      },
    );
  });
}
