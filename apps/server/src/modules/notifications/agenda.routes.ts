import {
  AgendaQuery,
  AgendaSettings,
  AgendaSettingsInput,
  AgendaSubscription,
  AgendaSubscriptionInput,
  DayAgenda,
  PracticeIdParams,
} from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import {
  getAgendaSettings,
  getAgendaSubscription,
  getDayAgenda,
  saveAgendaSettings,
  saveAgendaSubscription,
} from './agenda.service.js';

const tags = ['notifications'];

/** The dentists' daily agenda: the practice's setting, each member's own WhatsApp choice, and a provider's day. */
export async function agendaRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const base = '/practices/:practiceId/agenda';

  api.get(
    `${base}/settings`,
    {
      config: { permission: 'practice:read' },
      schema: {
        tags,
        summary: 'The daily agenda: on or off, and its time (practice time; on at 07:00 until an owner saves)',
        params: PracticeIdParams,
        response: { 200: AgendaSettings },
      },
    },
    async (request) => getAgendaSettings(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.put(
    `${base}/settings`,
    {
      config: { permission: 'practice:manage' },
      schema: {
        tags,
        summary: 'Turn the daily agenda on or off and set its time (HH:MM, practice time)',
        params: PracticeIdParams,
        body: AgendaSettingsInput,
        response: { 200: AgendaSettings },
      },
    },
    async (request) =>
      saveAgendaSettings(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        settings: request.body,
      }),
  );

  api.get(
    `${base}/subscription`,
    {
      config: { permission: 'notifications:read' },
      schema: {
        tags,
        summary: 'Your own choice: the agenda on WhatsApp too, to which number, in which language',
        params: PracticeIdParams,
        response: { 200: AgendaSubscription },
      },
    },
    async (request) => getAgendaSubscription(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.put(
    `${base}/subscription`,
    {
      config: { permission: 'notifications:read' },
      schema: {
        tags,
        summary: 'Set your WhatsApp number and opt in to (or out of) the agenda on WhatsApp',
        params: PracticeIdParams,
        body: AgendaSubscriptionInput,
        response: { 200: AgendaSubscription },
      },
    },
    async (request) =>
      saveAgendaSubscription(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        subscription: request.body,
      }),
  );

  api.get(
    base,
    {
      config: { permission: 'notifications:read' },
      schema: {
        tags,
        summary: "A provider's day: your own, or another provider's (calendar:read)",
        params: PracticeIdParams,
        querystring: AgendaQuery,
        response: { 200: DayAgenda },
      },
    },
    async (request) =>
      getDayAgenda(ctx, { actor: actorOf(request), practiceId: request.params.practiceId, ...request.query }),
  );
}
