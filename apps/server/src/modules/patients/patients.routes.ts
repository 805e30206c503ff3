import {
  AccessLog,
  AccessLogQuery,
  MedicalAlerts,
  MedicalAlertsInput,
  MergeInput,
  MergeResult,
  Patient,
  PatientCreated,
  PatientDuplicates,
  PatientInput,
  PatientPatch,
  PatientSearchQuery,
  PatientSearchResult,
  Uuid,
} from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app.js';
import { actorOf } from '../../platform/http.js';
import { getAccessLog } from './access-log.service.js';
import { getMedicalAlerts, replaceMedicalAlerts } from './alerts.service.js';
import { listDuplicates } from './duplicates.js';
import { mergePatient } from './merge.service.js';
import { createPatient, getPatient, searchPatients, updatePatient } from './patients.service.js';

const tags = ['patients'];
const PracticeParams = z.object({ practiceId: Uuid });
const PatientParams = PracticeParams.extend({ patientId: Uuid });

export async function patientsRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/practices/:practiceId/patients',
    {
      config: { permission: 'patients:read' },
      schema: { tags, summary: 'Find patients by name, phone digits, email or birth date (ranked, paged)', params: PracticeParams, querystring: PatientSearchQuery, response: { 200: PatientSearchResult } },
    },
    async (request) => searchPatients(ctx, { actor: actorOf(request), practiceId: request.params.practiceId, ...request.query }),
  );

  api.post(
    '/practices/:practiceId/patients',
    {
      config: { permission: 'patients:write' },
      schema: { tags, summary: 'Create a patient; likely duplicates come back as warnings', params: PracticeParams, body: PatientInput, response: { 201: PatientCreated } },
    },
    async (request, reply) => reply.status(201).send(await createPatient(ctx, { actor: actorOf(request), practiceId: request.params.practiceId, patient: request.body })),
  );

  api.get(
    '/practices/:practiceId/patients/:patientId',
    { config: { permission: 'patients:read' }, schema: { tags, summary: 'One patient (without medical alerts)', params: PatientParams, response: { 200: Patient } } },
    async (request) => getPatient(ctx, { actor: actorOf(request), ...request.params }),
  );

  api.patch(
    '/practices/:practiceId/patients/:patientId',
    { config: { permission: 'patients:write' }, schema: { tags, summary: 'Edit a patient (phones: the whole list)', params: PatientParams, body: PatientPatch, response: { 200: Patient } } },
    async (request) => updatePatient(ctx, { actor: actorOf(request), ...request.params, patch: request.body }),
  );

  api.get(
    '/practices/:practiceId/patients/:patientId/alerts',
    { config: { permission: 'clinical:read' }, schema: { tags, summary: "A patient's medical alerts (each reading is logged)", params: PatientParams, response: { 200: MedicalAlerts } } },
    async (request) => getMedicalAlerts(ctx, { actor: actorOf(request), ...request.params }),
  );

  api.put(
    '/practices/:practiceId/patients/:patientId/alerts',
    { config: { permission: 'clinical:write' }, schema: { tags, summary: "Replace a patient's medical alerts", params: PatientParams, body: MedicalAlertsInput, response: { 200: MedicalAlerts } } },
    async (request) => replaceMedicalAlerts(ctx, { actor: actorOf(request), ...request.params, alerts: request.body }),
  );

  api.get(
    '/practices/:practiceId/patients/:patientId/duplicates',
    { config: { permission: 'patients:read' }, schema: { tags, summary: 'Likely duplicates of a patient', params: PatientParams, response: { 200: PatientDuplicates } } },
    async (request) => ({ items: await listDuplicates(ctx, { actor: actorOf(request), ...request.params }) }),
  );

  api.post(
    '/practices/:practiceId/patients/:patientId/merge',
    {
      config: { permission: 'patients:merge' },
      schema: { tags, summary: 'Merge this patient into another; this record stays as a pointer', params: PatientParams, body: MergeInput, response: { 200: MergeResult } },
    },
    async (request) => mergePatient(ctx, { actor: actorOf(request), ...request.params, intoPatientId: request.body.intoPatientId }),
  );

  api.get(
    '/practices/:practiceId/patients/:patientId/access-log',
    {
      config: { permission: 'patients:access_log' },
      schema: { tags, summary: "Who opened the patient's clinical record, and when", params: PatientParams, querystring: AccessLogQuery, response: { 200: AccessLog } },
    },
    async (request) => getAccessLog(ctx, { actor: actorOf(request), ...request.params, limit: request.query.limit }),
  );
}
