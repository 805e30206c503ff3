import {
  AddendumInput,
  Attachment,
  AttachmentList,
  AttachmentUpload,
  Chart,
  ChartFinding,
  ChartFindingInput,
  ChartQuery,
  ClinicalNote,
  ClinicalNoteInput,
  ClinicalNoteList,
  ClinicalNotePatch,
  ImportDefaultsResult,
  PriceList,
  Procedure,
  ProcedureInput,
  ProcedurePatch,
  ResolveFindingInput,
  TreatmentItemInput,
  TreatmentItemPatch,
  TreatmentItemStatusInput,
  TreatmentPlan,
  TreatmentPlanInput,
  TreatmentPlanList,
  TreatmentPlanPatch,
  Uuid,
} from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import { listAttachments, openAttachment, uploadAttachment } from './attachments.service.js';
import { addFinding, getChart, resolveFinding } from './chart.service.js';
import { addAddendum, createNote, listNotes, signNote, updateNote } from './notes.service.js';
import { createProcedure, importDefaultProcedures, listPriceList, updateProcedure } from './price-list.service.js';
import {
  addTreatmentItem,
  createTreatmentPlan,
  listTreatmentPlans,
  setTreatmentItemStatus,
  updateTreatmentItem,
  updateTreatmentPlan,
} from './treatment-plans.service.js';

const tags = ['clinical'];
const PracticeParams = z.object({ practiceId: Uuid });
const PatientParams = PracticeParams.extend({ patientId: Uuid });
const FindingParams = PatientParams.extend({ findingId: Uuid });
const PlanParams = PatientParams.extend({ planId: Uuid });
const ItemParams = PlanParams.extend({ itemId: Uuid });
const NoteParams = PatientParams.extend({ noteId: Uuid });
const AttachmentParams = PatientParams.extend({ attachmentId: Uuid });
const ProcedureParams = PracticeParams.extend({ procedureId: Uuid });

/** An upload is base64 in JSON: 10 MB of file is ~13.4 MB of text, so this route alone takes 15 MB. */
const UPLOAD_BODY_LIMIT = 15 * 1024 * 1024;

const patientRecord = '/practices/:practiceId/patients/:patientId';

export async function clinicalRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  // Chart

  api.get(
    `${patientRecord}/chart`,
    {
      config: { permission: 'clinical:read' },
      schema: {
        tags,
        summary: 'The tooth chart, now or as of a past date (logged as a record opening)',
        params: PatientParams,
        querystring: ChartQuery,
        response: { 200: Chart },
      },
    },
    async (request) => getChart(ctx, { actor: actorOf(request), ...request.params, asOf: request.query.asOf }),
  );

  api.post(
    `${patientRecord}/chart/findings`,
    {
      config: { permission: 'clinical:write' },
      schema: {
        tags,
        summary: 'Chart a finding on a tooth',
        params: PatientParams,
        body: ChartFindingInput,
        response: { 201: ChartFinding },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await addFinding(ctx, { actor: actorOf(request), ...request.params, finding: request.body })),
  );

  api.post(
    `${patientRecord}/chart/findings/:findingId/resolve`,
    {
      config: { permission: 'clinical:write' },
      schema: {
        tags,
        summary: 'Resolve a finding (it stays in the chart history)',
        params: FindingParams,
        body: ResolveFindingInput,
        response: { 200: ChartFinding },
      },
    },
    async (request) =>
      resolveFinding(ctx, { actor: actorOf(request), ...request.params, resolution: request.body.resolution }),
  );

  api.delete(
    `${patientRecord}/chart/findings/:findingId`,
    {
      config: { permission: 'clinical:write' },
      schema: {
        tags,
        summary: 'Remove a finding entered in error (kept, marked entered_in_error)',
        params: FindingParams,
        response: { 200: ChartFinding },
      },
    },
    async (request) =>
      resolveFinding(ctx, { actor: actorOf(request), ...request.params, resolution: 'entered_in_error' }),
  );

  // Price list (reading: clinical:read; fees are the owner's decision: practice:manage)

  api.get(
    '/practices/:practiceId/price-list',
    {
      config: { permission: 'clinical:read' },
      schema: {
        tags,
        summary: 'The price list (active procedures; ?includeInactive=true for all)',
        params: PracticeParams,
        querystring: z.object({ includeInactive: z.enum(['true', 'false']).optional() }),
        response: { 200: PriceList },
      },
    },
    async (request) => ({
      items: await listPriceList(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        includeInactive: request.query.includeInactive === 'true',
      }),
    }),
  );

  api.post(
    '/practices/:practiceId/price-list',
    {
      config: { permission: 'practice:manage' },
      schema: {
        tags,
        summary: 'Add a procedure to the price list',
        params: PracticeParams,
        body: ProcedureInput,
        response: { 201: Procedure },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await createProcedure(ctx, {
          actor: actorOf(request),
          practiceId: request.params.practiceId,
          procedure: request.body,
        }),
      ),
  );

  api.patch(
    '/practices/:practiceId/price-list/:procedureId',
    {
      config: { permission: 'practice:manage' },
      schema: {
        tags,
        summary: 'Change a procedure: names, fee, result, or deactivate it',
        params: ProcedureParams,
        body: ProcedurePatch,
        response: { 200: Procedure },
      },
    },
    async (request) => updateProcedure(ctx, { actor: actorOf(request), ...request.params, patch: request.body }),
  );

  api.post(
    '/practices/:practiceId/price-list/import-defaults',
    {
      config: { permission: 'practice:manage' },
      schema: {
        tags,
        summary: 'Add the default procedures with typical MUR fees (codes already present are kept)',
        params: PracticeParams,
        response: { 200: ImportDefaultsResult },
      },
    },
    async (request) => importDefaultProcedures(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  // Treatment plans

  api.get(
    `${patientRecord}/treatment-plans`,
    {
      config: { permission: 'clinical:read' },
      schema: {
        tags,
        summary: "The patient's treatment plans with totals (logged as a record opening)",
        params: PatientParams,
        response: { 200: TreatmentPlanList },
      },
    },
    async (request) => ({ items: await listTreatmentPlans(ctx, { actor: actorOf(request), ...request.params }) }),
  );

  api.post(
    `${patientRecord}/treatment-plans`,
    {
      config: { permission: 'clinical:write' },
      schema: {
        tags,
        summary: 'Start a treatment plan',
        params: PatientParams,
        body: TreatmentPlanInput,
        response: { 201: TreatmentPlan },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await createTreatmentPlan(ctx, { actor: actorOf(request), ...request.params, title: request.body.title }),
        ),
  );

  api.patch(
    `${patientRecord}/treatment-plans/:planId`,
    {
      config: { permission: 'clinical:write' },
      schema: {
        tags,
        summary: 'Rename a plan or change its status (completed only once each item is completed or declined)',
        params: PlanParams,
        body: TreatmentPlanPatch,
        response: { 200: TreatmentPlan },
      },
    },
    async (request) => updateTreatmentPlan(ctx, { actor: actorOf(request), ...request.params, patch: request.body }),
  );

  api.post(
    `${patientRecord}/treatment-plans/:planId/items`,
    {
      config: { permission: 'clinical:write' },
      schema: {
        tags,
        summary: 'Plan a procedure from the price list on a tooth',
        params: PlanParams,
        body: TreatmentItemInput,
        response: { 201: TreatmentPlan },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await addTreatmentItem(ctx, { actor: actorOf(request), ...request.params, item: request.body })),
  );

  api.patch(
    `${patientRecord}/treatment-plans/:planId/items/:itemId`,
    {
      config: { permission: 'clinical:write' },
      schema: {
        tags,
        summary: 'Change an item: tooth and surfaces while planned; phase and notes until completed',
        params: ItemParams,
        body: TreatmentItemPatch,
        response: { 200: TreatmentPlan },
      },
    },
    async (request) => updateTreatmentItem(ctx, { actor: actorOf(request), ...request.params, patch: request.body }),
  );

  api.post(
    `${patientRecord}/treatment-plans/:planId/items/:itemId/status`,
    {
      config: { permission: 'clinical:write' },
      schema: {
        tags,
        summary: 'Accept, decline or complete an item (completing charts its result)',
        params: ItemParams,
        body: TreatmentItemStatusInput,
        response: { 200: TreatmentPlan },
      },
    },
    async (request) =>
      setTreatmentItemStatus(ctx, { actor: actorOf(request), ...request.params, status: request.body.status }),
  );

  // Clinical notes

  api.get(
    `${patientRecord}/notes`,
    {
      config: { permission: 'clinical:read' },
      schema: {
        tags,
        summary: "The patient's clinical notes with addenda (logged as a record opening)",
        params: PatientParams,
        response: { 200: ClinicalNoteList },
      },
    },
    async (request) => ({ items: await listNotes(ctx, { actor: actorOf(request), ...request.params }) }),
  );

  api.post(
    `${patientRecord}/notes`,
    {
      config: { permission: 'clinical:write' },
      schema: {
        tags,
        summary: "Draft a clinical note, optionally for one of the patient's appointments",
        params: PatientParams,
        body: ClinicalNoteInput,
        response: { 201: ClinicalNote },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createNote(ctx, { actor: actorOf(request), ...request.params, note: request.body })),
  );

  api.patch(
    `${patientRecord}/notes/:noteId`,
    {
      config: { permission: 'clinical:write' },
      schema: {
        tags,
        summary: 'Edit a draft note (a signed note answers 409 note_signed)',
        params: NoteParams,
        body: ClinicalNotePatch,
        response: { 200: ClinicalNote },
      },
    },
    async (request) => updateNote(ctx, { actor: actorOf(request), ...request.params, patch: request.body }),
  );

  api.post(
    `${patientRecord}/notes/:noteId/sign`,
    {
      config: { permission: 'clinical:sign' },
      schema: {
        tags,
        summary: 'Sign a note (its author or an owner); it can no longer change',
        params: NoteParams,
        response: { 200: ClinicalNote },
      },
    },
    async (request) => signNote(ctx, { actor: actorOf(request), ...request.params }),
  );

  api.post(
    `${patientRecord}/notes/:noteId/addenda`,
    {
      config: { permission: 'clinical:write' },
      schema: {
        tags,
        summary: 'Add a correction under a signed note',
        params: NoteParams,
        body: AddendumInput,
        response: { 201: ClinicalNote },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await addAddendum(ctx, { actor: actorOf(request), ...request.params, body: request.body.body })),
  );

  // Attachments

  api.get(
    `${patientRecord}/attachments`,
    {
      config: { permission: 'clinical:read' },
      schema: {
        tags,
        summary: "The patient's documents (logged as a record opening)",
        params: PatientParams,
        response: { 200: AttachmentList },
      },
    },
    async (request) => ({ items: await listAttachments(ctx, { actor: actorOf(request), ...request.params }) }),
  );

  api.post(
    `${patientRecord}/attachments`,
    {
      bodyLimit: UPLOAD_BODY_LIMIT,
      config: { permission: 'clinical:write' },
      schema: {
        tags,
        summary: 'Attach an x-ray, photo or PDF (base64; JPEG, PNG or PDF; up to 10 MB)',
        params: PatientParams,
        body: AttachmentUpload,
        response: { 201: Attachment },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await uploadAttachment(ctx, { actor: actorOf(request), ...request.params, upload: request.body })),
  );

  api.get(
    `${patientRecord}/attachments/:attachmentId/content`,
    {
      config: { permission: 'clinical:read' },
      schema: { tags, summary: 'Download a document (logged as clinical.document_opened)', params: AttachmentParams },
    },
    async (request, reply) => {
      const { attachment, bytes } = await openAttachment(ctx, { actor: actorOf(request), ...request.params });
      const ascii = attachment.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
      return reply
        .header('content-type', attachment.mimeType)
        .header('content-length', String(bytes.length))
        .header(
          'content-disposition',
          `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(attachment.fileName)}`,
        )
        .header('cache-control', 'private, no-store')
        .send(bytes);
    },
  );
}
