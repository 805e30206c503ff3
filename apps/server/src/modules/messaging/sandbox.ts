import { createHash } from 'node:crypto';
import { SandboxPhoneMessage, SandboxSendInput, SandboxState } from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { AppError } from '../../platform/errors.js';
import { userIdOf } from '../../platform/http.js';
import { streamEvents } from '../../platform/sse.js';
import { inPractice } from '../../platform/tenancy.js';
import { channelsOfMember } from './channels.service.js';
import { sandboxGraphToken } from './dispatcher.js';
import { FakeGraph, type PhoneEvent, inboundWebhook } from './fake-graph.js';
import { signWebhook } from './signature.js';
import { definitionFromGraph, renderTemplateBody } from './template-parameters.js';
import { SANDBOX_TEMPLATES } from './templates.catalog.js';

/**
 * The WhatsApp sandbox: with no Meta credentials the server plays Meta. The fake Graph API is
 * mounted under /sandbox/graph (the outbound pipeline calls it over HTTP like the real one),
 * and the sandbox phone page writes to the practice through the real webhook endpoint, with a
 * valid signature, in Meta's shapes.
 */
export const SANDBOX_GRAPH_PREFIX = '/sandbox/graph';

/** Where the outbound pipeline calls the Graph API: configuration, or the sandbox on this server. */
export function graphUrlOf(ctx: AppContext): string {
  const url = ctx.config.whatsapp.graphUrl ?? ctx.graph.url;
  if (!url) throw new AppError('service_unavailable', { detail: 'The WhatsApp sandbox is not listening yet' });
  return url;
}

const PHONE_HISTORY = 300;
/**
 * Meta knows when each patient last wrote; the sandbox learns it as its phone writes, which a
 * restart forgets, and messages stored without the phone (the demo seed's inbox) it never saw.
 * At start it takes the open 24-hour windows from the stored conversations, so replies queued
 * before the start are not refused as re-engagement messages (131047).
 */
async function openStoredWindows(ctx: AppContext, fake: FakeGraph) {
  const channels = await ctx.db.selectFrom('whatsappChannels').select(['id', 'practiceId', 'phoneNumberId']).execute();
  const since = new Date(Date.now() - 24 * 3_600_000);
  for (const practiceId of new Set(channels.map((c) => c.practiceId))) {
    const open = await inPractice(ctx.db, practiceId, (tx) =>
      tx
        .selectFrom('whatsappConversations')
        .select(['channelId', 'waId', 'lastInboundAt'])
        .where('waId', 'is not', null)
        .where('lastInboundAt', '>', since)
        .execute(),
    );
    for (const c of open) {
      const channel = channels.find((ch) => ch.id === c.channelId);
      if (channel && c.waId && c.lastInboundAt)
        fake.noteInbound(channel.phoneNumberId, c.waId, c.lastInboundAt.getTime());
    }
  }
}

/** The business number a channel without a display number answers from (Meta always has one). */
const SANDBOX_DISPLAY_NUMBER = '23052000000';
const sandboxTopic = (phoneNumberId: string, waId: string) => `sandbox:${phoneNumberId}:${waId}`;

export async function sandboxRoutes(app: FastifyInstance, ctx: AppContext) {
  const enabled = ctx.config.whatsapp.sandbox;
  const phones = new Map<string, SandboxPhoneMessage[]>();
  const templates = SANDBOX_TEMPLATES.map(definitionFromGraph);

  const remember = (event: PhoneEvent) => {
    const key = `${event.phoneNumberId}:${event.waId}`;
    const list = phones.get(key) ?? [];
    const payload = { ...event.payload };
    const template = payload.template as
      | {
          name?: string;
          language?: { code?: string };
          components?: { type: string; parameters?: { text?: string; parameter_name?: string }[] }[];
        }
      | undefined;
    if (template) {
      // Not Meta's: what the phone would show, so the page need not know the templates.
      const definition = templates.find((t) => t.name === template.name && t.language === template.language?.code);
      const values: Record<string, string> = {};
      template.components
        ?.find((c) => c.type === 'body')
        ?.parameters?.forEach((p, i) => {
          values[p.parameter_name ?? String(i + 1)] = p.text ?? '';
        });
      payload._rendered = {
        body: definition ? renderTemplateBody(definition, values) : template.name,
        buttons: definition?.quickReplies ?? [],
      };
    }
    const message: SandboxPhoneMessage = {
      wamid: event.wamid,
      direction: event.direction,
      payload,
      status: event.status,
      at: event.at,
    };
    const index = list.findIndex((m) => m.wamid === event.wamid);
    if (index >= 0) list[index] = message;
    else list.push(message);
    if (list.length > PHONE_HISTORY) list.splice(0, list.length - PHONE_HISTORY);
    phones.set(key, list);
    ctx.events.publish(sandboxTopic(event.phoneNumberId, event.waId), message);
  };

  const deliver = async (body: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: {
        'content-type': 'application/json',
        'x-hub-signature-256': signWebhook(body, ctx.config.whatsapp.appSecret),
      },
      payload: body,
    });
    if (res.statusCode !== 200) ctx.logger.warn({ status: res.statusCode }, 'sandbox webhook not accepted');
  };

  const fake = enabled
    ? new FakeGraph({
        accessToken: sandboxGraphToken(ctx.config.whatsapp.appSecret),
        templates: SANDBOX_TEMPLATES,
        deliverWebhook: deliver,
        enforceWindow: true,
        onPhoneEvent: remember,
        // A tier as Meta reports it (its own example): the sandbox's limit is read from here, and a demo never meets it.
        messagingLimitTier: 'TIER_1K',
      })
    : null;
  if (fake) {
    await openStoredWindows(ctx, fake);
    await app.register(
      async (scope) => {
        scope.addHook('onRoute', (route) => {
          route.config = { ...(route.config as object), auth: 'public' };
          route.schema = { ...route.schema, hide: true };
        });
        fake.register(scope);
      },
      { prefix: SANDBOX_GRAPH_PREFIX },
    );
    app.addHook('onClose', async () => fake.close());
  }

  await app.register(
    async (scope) => {
      const api = scope.withTypeProvider<ZodTypeProvider>();
      const tags = ['whatsapp sandbox'];

      const channelsOf = (userId: string) => channelsOfMember(ctx, userId);
      const channelFor = async (userId: string, phoneNumberId: string) => {
        if (!fake) throw new AppError('sandbox_disabled');
        const channel = (await channelsOf(userId)).find((c) => c.phoneNumberId === phoneNumberId);
        if (!channel) throw new AppError('not_found', { detail: 'No WhatsApp number of your practices has this id' });
        return channel;
      };

      api.get(
        '/sandbox/whatsapp',
        {
          schema: {
            tags,
            summary: 'Whether the sandbox is on, and the numbers it can write to',
            response: { 200: SandboxState },
          },
        },
        async (request) => ({
          enabled,
          channels: enabled
            ? (await channelsOf(userIdOf(request))).map((c) => ({
                practiceId: c.practiceId,
                practiceName: c.practiceName,
                phoneNumberId: c.phoneNumberId,
                displayPhoneNumber: c.displayPhoneNumber,
              }))
            : [],
        }),
      );

      api.post(
        '/sandbox/whatsapp/messages',
        {
          schema: {
            tags,
            summary: 'The sandbox phone writes to the practice (a signed webhook in Meta’s shape)',
            body: SandboxSendInput,
            response: { 200: z.object({ wamid: z.string() }) },
          },
        },
        async (request) => {
          const input = request.body;
          const channel = await channelFor(userIdOf(request), input.phoneNumberId);
          // Meta gives the business number in digits, in the metadata and as the sender of a message answered.
          const businessNumber = channel.displayPhoneNumber.replace(/\D/g, '') || SANDBOX_DISPLAY_NUMBER;
          const message = await phoneMessage(fake!, input, businessNumber);
          const body = inboundWebhook({
            wabaId: channel.wabaId || '100000000000001',
            phoneNumberId: channel.phoneNumberId,
            displayPhoneNumber: businessNumber,
            from: input.from,
            profileName: input.profileName,
            message,
          });
          const sent = body.entry[0]!.changes[0]!.value.messages[0]!;
          fake!.noteInbound(input.phoneNumberId, input.from);
          remember({
            phoneNumberId: input.phoneNumberId,
            waId: input.from,
            wamid: sent.id,
            direction: 'from_phone',
            payload: sent,
            status: null,
            at: new Date().toISOString(),
          });
          await deliver(JSON.stringify(body));
          return { wamid: sent.id };
        },
      );

      const PhoneQuery = z.object({
        phoneNumberId: z.string().regex(/^[0-9]{5,32}$/),
        waId: z.string().regex(/^[0-9]{8,15}$/),
      });

      api.get(
        '/sandbox/whatsapp/chat',
        {
          schema: {
            tags,
            summary: 'The sandbox phone’s chat with a practice number',
            querystring: PhoneQuery,
            response: { 200: z.object({ items: z.array(SandboxPhoneMessage) }) },
          },
        },
        async (request) => {
          await channelFor(userIdOf(request), request.query.phoneNumberId);
          return { items: phones.get(`${request.query.phoneNumberId}:${request.query.waId}`) ?? [] };
        },
      );

      api.post(
        '/sandbox/whatsapp/read',
        {
          schema: {
            tags,
            summary: 'The sandbox phone has the chat open: the practice’s messages are read',
            body: PhoneQuery.strict(),
            response: { 204: z.null() },
          },
        },
        async (request, reply) => {
          await channelFor(userIdOf(request), request.body.phoneNumberId);
          await fake!.markReadByPhone(request.body.phoneNumberId, request.body.waId);
          return reply.status(204).send(null);
        },
      );

      api.get(
        '/sandbox/whatsapp/events',
        { schema: { tags, summary: 'Server-sent events for the sandbox phone', querystring: PhoneQuery } },
        async (request, reply) => {
          await channelFor(userIdOf(request), request.query.phoneNumberId);
          streamEvents(request, reply, (send) =>
            ctx.events.subscribe(sandboxTopic(request.query.phoneNumberId, request.query.waId), send),
          );
        },
      );
    },
    { prefix: '/api/v1' },
  );
}

/** The webhook `messages[]` entry the phone sends, as Meta shapes each kind. */
async function phoneMessage(
  fake: FakeGraph,
  input: z.infer<typeof SandboxSendInput>,
  businessNumber: string,
): Promise<Record<string, unknown>> {
  const m = input.message;
  switch (m.type) {
    case 'text':
      return { type: 'text', text: { body: m.body } };
    case 'location':
      return {
        type: 'location',
        location: { latitude: m.latitude, longitude: m.longitude, ...(m.name ? { name: m.name } : {}) },
      };
    case 'image': {
      const bytes = Buffer.from(m.dataBase64, 'base64');
      const id = fake.addMedia(bytes, m.mimeType);
      return {
        type: 'image',
        image: {
          id,
          mime_type: m.mimeType,
          sha256: createHash('sha256').update(bytes).digest('base64'),
          ...(m.caption ? { caption: m.caption } : {}),
        },
      };
    }
    case 'choice': {
      const context = { from: businessNumber, id: m.contextWamid };
      if (m.kind === 'template') return { context, type: 'button', button: { payload: m.choiceId, text: m.title } };
      const reply =
        m.kind === 'button'
          ? { type: 'button_reply', button_reply: { id: m.choiceId, title: m.title } }
          : {
              type: 'list_reply',
              list_reply: { id: m.choiceId, title: m.title, ...(m.description ? { description: m.description } : {}) },
            };
      return { context, type: 'interactive', interactive: reply };
    }
  }
}
