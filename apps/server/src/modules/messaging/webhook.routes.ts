import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { readLinkedMedia } from './conversations.service.js';
import { acceptWebhookDelivery, verifyWebhookSubscription } from './webhook.service.js';

/** Meta batches up to a few megabytes into one POST; refusing one would only make Meta retry it for a week. */
export const WEBHOOK_BODY_LIMIT = 4 * 1024 * 1024;

/**
 * GET: Meta's verification handshake. POST: check the signature on the raw bytes, store the
 * body, answer 200 (webhook.service.ts). Everything else happens after, from the store
 * (inbound.service.ts).
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
      async (request, reply) =>
        reply.type('text/plain').send(verifyWebhookSubscription(ctx, request.query, request.log)),
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
        const signature = request.headers['x-hub-signature-256'];
        await acceptWebhookDelivery(ctx, {
          raw: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          signature: typeof signature === 'string' ? signature : undefined,
          log: request.log,
        });
        return reply.status(200).send();
      },
    );
  });
}
