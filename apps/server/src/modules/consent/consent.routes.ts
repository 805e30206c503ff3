import { ConsentHistory, PatientConsentParams, RecordConsent } from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import { consentHistory, recordConsentByStaff } from './consent.service.js';

const tags = ['consent'];

/** The patient page's Consent block: the ledger of one patient, and staff recording a grant or withdrawal. */
export async function consentRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const path = '/practices/:practiceId/patients/:patientId/consent';

  api.get(
    path,
    {
      config: { permission: 'consent:read' },
      schema: {
        tags,
        summary:
          "A patient's consent to be contacted: the state per channel and purpose, and every grant and withdrawal",
        params: PatientConsentParams,
        response: { 200: ConsentHistory },
      },
    },
    async (request) => consentHistory(ctx, { actor: actorOf(request), ...request.params }),
  );

  api.post(
    path,
    {
      config: { permission: 'consent:write' },
      schema: {
        tags,
        summary:
          'Record a grant or withdrawal with the words read to the patient (a withdrawal cancels what is queued of that purpose)',
        params: PatientConsentParams,
        body: RecordConsent,
        response: { 201: ConsentHistory },
      },
    },
    async (request, reply) => {
      const history = await recordConsentByStaff(ctx, {
        actor: actorOf(request),
        ...request.params,
        body: request.body,
      });
      return reply.code(201).send(history);
    },
  );
}
