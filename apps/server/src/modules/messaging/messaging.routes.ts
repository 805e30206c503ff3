import {
  ConversationDetail,
  ConversationList,
  ConversationListQuery,
  ConversationPatch,
  InboxCounts,
  InboxMessage,
  MessageList,
  MessageListQuery,
  PatientWhatsAppReach,
  SendMessageInput,
  Uuid,
  WhatsAppChannel,
  WhatsAppChannelInput,
  WhatsAppTemplateList,
} from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import { streamEvents } from '../../platform/sse.js';
import { getChannel, saveChannel } from './channels.service.js';
import {
  countInbox,
  getMessageMedia,
  getConversation,
  listConversations,
  listMessages,
  markConversationRead,
  sendInboxMessage,
  updateConversation,
} from './conversations.service.js';
import { inboxTopic } from './messaging.runtime.js';
import { whatsappReachOfPatient } from './reachability.service.js';
import { graphUrlOf } from './sandbox.js';
import { listTemplates, syncTemplates } from './templates.service.js';

const tags = ['whatsapp'];
const PracticeParams = z.object({ practiceId: Uuid });
const ConversationParams = PracticeParams.extend({ conversationId: Uuid });
const MessageParams = ConversationParams.extend({ messageId: Uuid });
const PatientParams = PracticeParams.extend({ patientId: Uuid });

export async function messagingRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/practices/:practiceId/patients/:patientId/whatsapp-reach',
    {
      config: { permission: 'patients:read' },
      schema: {
        tags,
        summary:
          "The patient's numbers and, for each, since when WhatsApp has said it does not reach it (131026; null: reachable as far as we know)",
        params: PatientParams,
        response: { 200: PatientWhatsAppReach },
      },
    },
    async (request) => whatsappReachOfPatient(ctx, { actor: actorOf(request), ...request.params }),
  );

  api.get(
    '/practices/:practiceId/inbox/conversations',
    {
      config: { permission: 'inbox:read' },
      schema: {
        tags,
        summary: 'WhatsApp conversations, latest activity first',
        params: PracticeParams,
        querystring: ConversationListQuery,
        response: { 200: ConversationList },
      },
    },
    async (request) =>
      listConversations(ctx, { actor: actorOf(request), practiceId: request.params.practiceId, ...request.query }),
  );

  api.get(
    '/practices/:practiceId/inbox/counts',
    {
      config: { permission: 'inbox:read' },
      schema: {
        tags,
        summary: 'Open conversations waiting for a person (urgent ones among them) and with unread messages',
        params: PracticeParams,
        response: { 200: InboxCounts },
      },
    },
    async (request) => countInbox(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.get(
    '/practices/:practiceId/inbox/conversations/:conversationId',
    {
      config: { permission: 'inbox:read' },
      schema: {
        tags,
        summary: 'One conversation, with the patients whose phone it is',
        params: ConversationParams,
        response: { 200: ConversationDetail },
      },
    },
    async (request) => getConversation(ctx, { actor: actorOf(request), ...request.params }),
  );

  api.patch(
    '/practices/:practiceId/inbox/conversations/:conversationId',
    {
      config: { permission: 'inbox:reply' },
      schema: {
        tags,
        summary:
          'Assign, close or reopen, flag for a person, link to a patient, take over from the assistant (owner staff) or hand back (owner assistant)',
        params: ConversationParams,
        body: ConversationPatch,
        response: { 200: ConversationDetail },
      },
    },
    async (request) => updateConversation(ctx, { actor: actorOf(request), ...request.params, patch: request.body }),
  );

  api.get(
    '/practices/:practiceId/inbox/conversations/:conversationId/messages',
    {
      config: { permission: 'inbox:read' },
      schema: {
        tags,
        summary: 'Messages, oldest first; `before` pages back',
        params: ConversationParams,
        querystring: MessageListQuery,
        response: { 200: MessageList },
      },
    },
    async (request) => listMessages(ctx, { actor: actorOf(request), ...request.params, ...request.query }),
  );

  api.post(
    '/practices/:practiceId/inbox/conversations/:conversationId/messages',
    {
      // A photo or PDF travels base64-encoded in the body; any other message keeps to the app's limit.
      bodyLimit: 12 * 1024 * 1024,
      config: {
        permission: 'inbox:reply',
        carriesFile: (body) => (body as { type?: unknown } | null)?.type === 'media',
      },
      schema: {
        tags,
        summary:
          'Send a reply (queued; statuses follow). Free-form only within 24 h of the patient writing; a template any time',
        params: ConversationParams,
        headers: z.object({ 'idempotency-key': z.string().min(8).max(100).optional() }),
        body: SendMessageInput,
        response: { 201: InboxMessage },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await sendInboxMessage(ctx, {
          actor: actorOf(request),
          ...request.params,
          message: request.body,
          idempotencyKey: request.headers['idempotency-key'],
        }),
      ),
  );

  api.post(
    '/practices/:practiceId/inbox/conversations/:conversationId/read',
    {
      config: { permission: 'inbox:read' },
      schema: {
        tags,
        summary: 'Mark as read here and on the patient’s phone',
        params: ConversationParams,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await markConversationRead(ctx, { actor: actorOf(request), ...request.params });
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/practices/:practiceId/inbox/conversations/:conversationId/messages/:messageId/media',
    {
      config: { permission: 'inbox:read' },
      schema: { tags, summary: 'The photo or document a patient sent', params: MessageParams },
    },
    async (request, reply) => {
      const media = await getMessageMedia(ctx, { actor: actorOf(request), ...request.params });
      const inline = /^image\/(jpeg|png|webp|gif)$/.test(media.mimeType) || media.mimeType === 'application/pdf';
      const name = media.fileName ?? `whatsapp-${request.params.messageId}`;
      return reply
        .type(media.mimeType)
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .header(
          'content-disposition',
          `${inline ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(name)}`,
        )
        .send(media.bytes);
    },
  );

  api.get(
    '/practices/:practiceId/inbox/events',
    {
      config: { permission: 'inbox:read' },
      schema: { tags, summary: 'Server-sent events: which conversations and messages changed', params: PracticeParams },
    },
    async (request, reply) =>
      streamEvents(request, reply, (send) => ctx.events.subscribe(inboxTopic(request.params.practiceId), send)),
  );

  api.get(
    '/practices/:practiceId/whatsapp/channel',
    {
      config: { permission: 'practice:read' },
      schema: {
        tags,
        summary: 'The practice’s WhatsApp number and auto-replies',
        params: PracticeParams,
        response: { 200: WhatsAppChannel },
      },
    },
    async (request) => getChannel(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.put(
    '/practices/:practiceId/whatsapp/channel',
    {
      config: { permission: 'practice:manage' },
      schema: {
        tags,
        summary: 'Connect or change the WhatsApp number (the token is write-only)',
        params: PracticeParams,
        body: WhatsAppChannelInput,
        response: { 200: WhatsAppChannel },
      },
    },
    async (request) =>
      saveChannel(ctx, { actor: actorOf(request), practiceId: request.params.practiceId, channel: request.body }),
  );

  api.get(
    '/practices/:practiceId/whatsapp/templates',
    {
      config: { permission: 'inbox:read' },
      schema: {
        tags,
        summary: 'Message templates of the practice’s number',
        params: PracticeParams,
        response: { 200: WhatsAppTemplateList },
      },
    },
    async (request) => listTemplates(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.post(
    '/practices/:practiceId/whatsapp/templates/sync',
    {
      config: { permission: 'practice:manage' },
      schema: {
        tags,
        summary: 'Fetch the templates from Meta again',
        params: PracticeParams,
        response: { 200: WhatsAppTemplateList },
      },
    },
    async (request) =>
      syncTemplates(ctx, { actor: actorOf(request), practiceId: request.params.practiceId, graphUrl: graphUrlOf(ctx) }),
  );
}
