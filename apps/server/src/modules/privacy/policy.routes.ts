import {
  AcknowledgePolicy,
  PolicyAcknowledgements,
  PolicyNotice,
  PolicyVersion,
  PolicyVersionParams,
  PracticeIdParams,
  PrivacyPolicy,
} from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf, userIdOf } from '../../platform/http.js';
import {
  acknowledgePolicy,
  policyAcknowledgementsIn,
  policyNoticeFor,
  readPolicyVersion,
  readPrivacyPolicy,
} from './policy.service.js';

const tags = ['privacy'];

/**
 * The privacy policy: public to read (the /privacy page), with a notice of a material change for
 * signed-in staff until each acknowledges it. Versions are published by the operator
 * (`npm run cli -- privacy publish-policy`).
 */
export async function policyRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/privacy/policy',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'The current privacy policy (English and French) and the list of every version',
        response: { 200: PrivacyPolicy },
      },
    },
    async () => readPrivacyPolicy(ctx),
  );

  api.get(
    '/privacy/policy/versions/:version',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'One version of the privacy policy',
        params: PolicyVersionParams,
        response: { 200: PolicyVersion },
      },
    },
    async (request) => readPolicyVersion(ctx, request.params.version),
  );

  api.get(
    '/privacy/policy/notice',
    {
      schema: {
        tags,
        summary: 'The material policy change you have not acknowledged yet (null: none)',
        response: { 200: PolicyNotice },
      },
    },
    async (request) => policyNoticeFor(ctx, { userId: userIdOf(request) }),
  );

  api.post(
    '/privacy/policy/acknowledgements',
    {
      schema: {
        tags,
        summary: 'Acknowledge a policy version (audited in each of your practices); answers the notice left',
        body: AcknowledgePolicy,
        response: { 200: PolicyNotice },
      },
    },
    async (request) =>
      acknowledgePolicy(ctx, {
        userId: userIdOf(request),
        ip: request.ip,
        requestId: request.id,
        version: request.body.version,
      }),
  );

  api.get(
    '/practices/:practiceId/privacy/policy/acknowledgements',
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary: 'Who in the practice has acknowledged the newest material policy version',
        params: PracticeIdParams,
        response: { 200: PolicyAcknowledgements },
      },
    },
    async (request) =>
      policyAcknowledgementsIn(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );
}
