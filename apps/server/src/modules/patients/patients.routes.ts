import {
  AccessLog,
  AccessLogQuery,
  AlertNotice,
  AlertNoticeQuery,
  MedicalAlerts,
  MedicalAlertsInput,
  MergeInput,
  MergeResult,
  Patient,
  PatientCreated,
  PatientDuplicateCheck,
  PatientDuplicates,
  PatientImportRequest,
  PatientImportReport,
  type PatientImportEvent,
  PatientInput,
  PatientSearchQuery,
  PatientSearchResult,
  PatientUpdate,
  Uuid,
} from '@dentalpro/contracts';
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf, toAppError } from '../../platform/http.js';
import { getAccessLog } from './access-log.service.js';
import { getAlertNotice, getMedicalAlerts, replaceMedicalAlerts } from './alerts.service.js';
import { checkDraftForDuplicates, listDuplicates } from './duplicates.js';
import { type ImportPatientsInput, importPatients } from './import.service.js';
import { mergePatient } from './merge.service.js';
import { createPatient, getPatient, searchPatients, updatePatient } from './patients.service.js';

const tags = ['patients'];
const PracticeParams = z.object({ practiceId: Uuid });
const PatientParams = PracticeParams.extend({ patientId: Uuid });

/** A CSV of 100,000 patients is ~8 MB, 11 MB in base64: this allows some 400,000. */
const IMPORT_BODY_LIMIT = 40 * 1024 * 1024;
const NDJSON = 'application/x-ndjson';

export async function patientsRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/practices/:practiceId/patients',
    {
      config: { permission: 'patients:read' },
      schema: {
        tags,
        summary: 'Find patients by name, phone digits, email or birth date (ranked, paged)',
        params: PracticeParams,
        querystring: PatientSearchQuery,
        response: { 200: PatientSearchResult },
      },
    },
    async (request) =>
      searchPatients(ctx, { actor: actorOf(request), practiceId: request.params.practiceId, ...request.query }),
  );

  api.post(
    '/practices/:practiceId/patients',
    {
      config: { permission: 'patients:write' },
      schema: {
        tags,
        summary: 'Create a patient; likely duplicates come back as warnings',
        params: PracticeParams,
        body: PatientInput,
        response: { 201: PatientCreated },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await createPatient(ctx, {
          actor: actorOf(request),
          practiceId: request.params.practiceId,
          patient: request.body,
        }),
      ),
  );

  api.post(
    '/practices/:practiceId/patients/duplicate-check',
    {
      config: { permission: 'patients:write' },
      schema: {
        tags,
        summary: 'Likely duplicates of a patient about to be created (same phone, or similar name and same birth date)',
        params: PracticeParams,
        body: PatientDuplicateCheck,
        response: { 200: PatientDuplicates },
      },
    },
    async (request) => ({
      items: await checkDraftForDuplicates(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        draft: request.body,
      }),
    }),
  );

  api.get(
    '/practices/:practiceId/patients/:patientId',
    {
      config: { permission: 'patients:read' },
      schema: {
        tags,
        summary: 'One patient (without medical alerts)',
        params: PatientParams,
        response: { 200: Patient },
      },
    },
    async (request) => getPatient(ctx, { actor: actorOf(request), ...request.params }),
  );

  api.patch(
    '/practices/:practiceId/patients/:patientId',
    {
      config: { permission: 'patients:write' },
      schema: {
        tags,
        summary:
          'Edit a patient (phones: the whole list) as of expectedVersion; 409 patient_changed, with the current record, when it has changed since',
        params: PatientParams,
        body: PatientUpdate,
        response: { 200: Patient },
      },
    },
    async (request) => {
      const { expectedVersion, ...patch } = request.body;
      return updatePatient(ctx, { actor: actorOf(request), ...request.params, patch, expectedVersion });
    },
  );

  api.get(
    '/practices/:practiceId/patients/:patientId/alerts',
    {
      config: { permission: 'clinical:read' },
      schema: {
        tags,
        summary: "A patient's medical alerts (each reading is logged)",
        params: PatientParams,
        response: { 200: MedicalAlerts },
      },
    },
    async (request) => getMedicalAlerts(ctx, { actor: actorOf(request), ...request.params }),
  );

  api.get(
    '/practices/:practiceId/patients/:patientId/alert-notice',
    {
      config: { permission: 'patients:read' },
      schema: {
        tags,
        summary:
          'Whether a patient has medical alerts; with details=true, the alerts for clinical staff (and receptionists if the practice allows), each reading logged',
        params: PatientParams,
        querystring: AlertNoticeQuery,
        response: { 200: AlertNotice },
      },
    },
    async (request) =>
      getAlertNotice(ctx, { actor: actorOf(request), ...request.params, withDetails: request.query.details }),
  );

  api.put(
    '/practices/:practiceId/patients/:patientId/alerts',
    {
      config: { permission: 'clinical:write' },
      schema: {
        tags,
        summary: "Replace a patient's medical alerts",
        params: PatientParams,
        body: MedicalAlertsInput,
        response: { 200: MedicalAlerts },
      },
    },
    async (request) => replaceMedicalAlerts(ctx, { actor: actorOf(request), ...request.params, alerts: request.body }),
  );

  api.get(
    '/practices/:practiceId/patients/:patientId/duplicates',
    {
      config: { permission: 'patients:read' },
      schema: {
        tags,
        summary: 'Likely duplicates of a patient',
        params: PatientParams,
        response: { 200: PatientDuplicates },
      },
    },
    async (request) => ({ items: await listDuplicates(ctx, { actor: actorOf(request), ...request.params }) }),
  );

  api.post(
    '/practices/:practiceId/patients/:patientId/merge',
    {
      config: { permission: 'patients:merge' },
      schema: {
        tags,
        summary: 'Merge this patient into another; this record stays as a pointer',
        params: PatientParams,
        body: MergeInput,
        response: { 200: MergeResult },
      },
    },
    async (request) =>
      mergePatient(ctx, { actor: actorOf(request), ...request.params, intoPatientId: request.body.intoPatientId }),
  );

  api.get(
    '/practices/:practiceId/patients/:patientId/access-log',
    {
      config: { permission: 'patients:access_log' },
      schema: {
        tags,
        summary: "Who opened the patient's clinical record, and when",
        params: PatientParams,
        querystring: AccessLogQuery,
        response: { 200: AccessLog },
      },
    },
    async (request) => getAccessLog(ctx, { actor: actorOf(request), ...request.params, limit: request.query.limit }),
  );

  api.post(
    '/practices/:practiceId/patients/imports',
    {
      bodyLimit: IMPORT_BODY_LIMIT,
      config: { permission: 'patients:import' },
      schema: {
        tags,
        summary: `Check a CSV file of patients (dryRun, the default) or import it, all rows or none; with Accept: ${NDJSON}, progress lines then the report`,
        params: PracticeParams,
        body: PatientImportRequest,
        response: { 200: PatientImportReport },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const input: ImportPatientsInput = {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        file: body.csvBase64 !== undefined ? Buffer.from(body.csvBase64, 'base64') : body.csv!,
        fileName: body.fileName,
        encoding: body.encoding,
        mapping: body.mapping,
        dryRun: body.dryRun,
        skipRejected: body.skipRejected,
      };
      if (!(request.headers.accept ?? '').includes(NDJSON)) return importPatients(ctx, input);
      return streamImport(request, reply, (extra) => importPatients(ctx, { ...input, ...extra }));
    },
  );
}

/**
 * The import as a stream of JSON lines: progress (at most every 100 ms, and each phase's end),
 * then the report or the problem. The browser shows a live progress bar without polling (which
 * embedded PGlite could not answer while the import's transaction runs). If the client goes
 * away, the import is aborted and rolled back.
 */
function streamImport(
  request: FastifyRequest,
  reply: FastifyReply,
  run: (extra: Pick<ImportPatientsInput, 'onProgress' | 'signal'>) => Promise<PatientImportReport>,
) {
  const out = new PassThrough();
  const write = (event: PatientImportEvent) => out.write(`${JSON.stringify(event)}\n`);
  const gone = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) gone.abort();
  });
  let lastSent = 0;
  const onProgress: ImportPatientsInput['onProgress'] = (p) => {
    const now = Date.now();
    if (p.done !== p.total && p.done !== 0 && now - lastSent < 100) return;
    lastSent = now;
    write({ type: 'progress', ...p });
  };
  run({ onProgress, signal: gone.signal })
    .then(
      (report) => write({ type: 'report', report }),
      (err: unknown) => {
        if (gone.signal.aborted) return request.log.info('patient import abandoned by the client; rolled back');
        const problem = toAppError(err);
        if (problem.status >= 500) request.log.error({ err }, 'patient import failed');
        write({ type: 'problem', problem: problem.toProblem(request.url.split('?')[0]) });
      },
    )
    .finally(() => out.end());
  return reply
    .type(`${NDJSON}; charset=utf-8`)
    .header('cache-control', 'no-store')
    .header('x-accel-buffering', 'no')
    .send(out);
}
