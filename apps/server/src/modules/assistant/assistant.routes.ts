import {
  AssistantSettings,
  AssistantSettingsPatch,
  PracticeIdParams,
  UnderstandInput,
  UnderstandResult,
} from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import { getAssistantSettings, saveAssistantSettings } from './settings.service.js';
import { understandMessage } from './understand.service.js';

const tags = ['assistant'];

/** Settings → Assistant: its settings, and how it reads a message staff try on it. */
export async function assistantRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const base = '/practices/:practiceId/assistant';

  api.get(
    `${base}/settings`,
    {
      config: { permission: 'practice:read' },
      schema: {
        tags,
        summary: "The WhatsApp booking assistant's settings (the defaults until an owner saves them)",
        params: PracticeIdParams,
        response: { 200: AssistantSettings },
      },
    },
    async (request) => getAssistantSettings(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.patch(
    `${base}/settings`,
    {
      config: { permission: 'practice:manage' },
      schema: {
        tags,
        summary:
          'Change the assistant’s settings: only the fields sent. Turning it on pauses the greeting and away messages',
        params: PracticeIdParams,
        body: AssistantSettingsPatch,
        response: { 200: AssistantSettings },
      },
    },
    async (request) =>
      saveAssistantSettings(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        patch: request.body,
      }),
  );

  api.post(
    `${base}/understand`,
    {
      config: { permission: 'practice:read' },
      schema: {
        tags,
        summary:
          'How the assistant reads a patient’s message: language, intent, the time it names, the visit type. Nothing is sent or stored',
        params: PracticeIdParams,
        body: UnderstandInput,
        response: { 200: UnderstandResult },
      },
    },
    async (request) =>
      understandMessage(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        text: request.body.text,
        ...(request.body.at ? { at: new Date(request.body.at) } : {}),
      }),
  );
}
