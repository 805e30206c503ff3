import { Breach, BreachInput, BreachList, BreachParams, PracticeIdParams } from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import { getBreach, listBreachRegister, recordBreach, updateBreachRecord } from './breaches.service.js';

const tags = ['privacy'];

/** The breach register (owners): what happened, and the 72 hours to tell the Data Protection Commissioner. */
export async function breachesRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const base = '/practices/:practiceId/privacy/breaches';

  api.get(
    base,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary: 'The breach register, newest discovery first, each with its 72-hour deadline and status',
        params: PracticeIdParams,
        response: { 200: BreachList },
      },
    },
    async (request) => listBreachRegister(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.post(
    base,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary: 'Record a breach (422 breach_invalid: dates out of order, a delay without its reasons, …)',
        params: PracticeIdParams,
        body: BreachInput,
        response: { 201: Breach },
      },
    },
    async (request, reply) => {
      const breach = await recordBreach(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        breach: request.body,
      });
      return reply.status(201).send(breach);
    },
  );

  api.get(
    `${base}/:breachId`,
    {
      config: { permission: 'privacy:manage' },
      schema: { tags, summary: 'One breach', params: BreachParams, response: { 200: Breach } },
    },
    async (request) =>
      getBreach(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        breachId: request.params.breachId,
      }),
  );

  api.put(
    `${base}/:breachId`,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary:
          'Complete or correct a breach (the whole record: typically when the Commissioner and the people were told)',
        params: BreachParams,
        body: BreachInput,
        response: { 200: Breach },
      },
    },
    async (request) =>
      updateBreachRecord(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        breachId: request.params.breachId,
        breach: request.body,
      }),
  );
}
