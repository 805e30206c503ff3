import { PatientInput, PatientSearchQuery, PatientSummary, Uuid } from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app.js';
import { actorOf } from '../../platform/http.js';
import { createPatient, getPatient, searchPatients } from './patients.service.js';

const tags = ['patients'];
const PracticeParams = z.object({ practiceId: Uuid });

export async function patientsRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/practices/:practiceId/patients',
    { config: { permission: 'patients:read' }, schema: { tags, summary: 'Find patients by name, phone digits or birth date', params: PracticeParams, querystring: PatientSearchQuery, response: { 200: z.object({ items: z.array(PatientSummary) }) } } },
    async (request) => ({ items: await searchPatients(ctx, { actor: actorOf(request), practiceId: request.params.practiceId, ...request.query }) }),
  );

  api.post(
    '/practices/:practiceId/patients',
    { config: { permission: 'patients:write' }, schema: { tags, summary: 'Create a patient', params: PracticeParams, body: PatientInput, response: { 201: PatientSummary } } },
    async (request, reply) => reply.status(201).send(await createPatient(ctx, { actor: actorOf(request), practiceId: request.params.practiceId, patient: request.body })),
  );

  api.get(
    '/practices/:practiceId/patients/:patientId',
    { config: { permission: 'patients:read' }, schema: { tags, summary: 'One patient', params: PracticeParams.extend({ patientId: Uuid }), response: { 200: PatientSummary } } },
    async (request) => getPatient(ctx, { actor: actorOf(request), practiceId: request.params.practiceId, patientId: request.params.patientId }),
  );
}
