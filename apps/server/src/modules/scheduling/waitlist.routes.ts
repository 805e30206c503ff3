import {
  Recall,
  RecallInput,
  RecallPatch,
  RecallQuery,
  Uuid,
  WaitlistEntry,
  WaitlistInput,
  WaitlistPatch,
  WaitlistQuery,
  listPage,
} from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import {
  addToWaitlist,
  listRecalls,
  listWaitlist,
  setRecall,
  setWaitlistStatus,
  updateRecall,
} from './waitlist.service.js';

const tags = ['calendar'];
const PracticeParams = z.object({ practiceId: Uuid });

export async function waitlistRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/practices/:practiceId/waitlist',
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags,
        summary:
          'Patients waiting for a slot (by default those waiting; open: waiting or offered), longest waiting first',
        params: PracticeParams,
        querystring: WaitlistQuery,
        response: { 200: listPage(WaitlistEntry) },
      },
    },
    async (request) =>
      listWaitlist(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        ...request.query,
      }),
  );

  api.post(
    '/practices/:practiceId/waitlist',
    {
      config: { permission: 'calendar:write' },
      schema: {
        tags,
        summary: 'Put a patient on the waitlist',
        params: PracticeParams,
        body: WaitlistInput,
        response: { 201: WaitlistEntry },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await addToWaitlist(ctx, {
          actor: actorOf(request),
          practiceId: request.params.practiceId,
          entry: request.body,
        }),
      ),
  );

  api.patch(
    '/practices/:practiceId/waitlist/:entryId',
    {
      config: { permission: 'calendar:write' },
      schema: {
        tags,
        summary: 'Mark a waitlist entry offered, booked or removed',
        params: PracticeParams.extend({ entryId: Uuid }),
        body: WaitlistPatch,
        response: { 200: WaitlistEntry },
      },
    },
    async (request) =>
      setWaitlistStatus(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        entryId: request.params.entryId,
        status: request.body.status,
      }),
  );

  api.get(
    '/practices/:practiceId/recalls',
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags,
        summary:
          'Patients due for recall (by default: due today or earlier), with their last visit; by month, provider, last visit',
        params: PracticeParams,
        querystring: RecallQuery,
        response: { 200: listPage(Recall) },
      },
    },
    async (request) =>
      listRecalls(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        ...request.query,
      }),
  );

  api.post(
    '/practices/:practiceId/recalls',
    {
      config: { permission: 'calendar:write' },
      schema: {
        tags,
        summary: "Set a patient's next recall",
        params: PracticeParams,
        body: RecallInput,
        response: { 201: Recall },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await setRecall(ctx, {
          actor: actorOf(request),
          practiceId: request.params.practiceId,
          recall: request.body,
        }),
      ),
  );

  api.patch(
    '/practices/:practiceId/recalls/:recallId',
    {
      config: { permission: 'calendar:write' },
      schema: {
        tags,
        summary: 'Update a recall (booked, done, cancelled, new date)',
        params: PracticeParams.extend({ recallId: Uuid }),
        body: RecallPatch,
        response: { 200: Recall },
      },
    },
    async (request) =>
      updateRecall(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        recallId: request.params.recallId,
        patch: request.body,
      }),
  );
}
