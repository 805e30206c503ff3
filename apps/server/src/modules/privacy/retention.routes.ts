import {
  LegalHold,
  LegalHoldInput,
  LegalHoldParams,
  LegalHolds,
  LegalHoldsQuery,
  LiftLegalHoldInput,
  PracticeIdParams,
  RetentionReport,
  RetentionReportQuery,
  RetentionRuns,
  RetentionRunsQuery,
  RetentionSettings,
  RetentionSettingsInput,
} from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import { liftLegalHold, listLegalHolds, setLegalHold } from './holds.service.js';
import {
  getRetentionSettings,
  listRetentionRuns,
  retentionReport,
  saveRetentionSettings,
} from './retention.service.js';

const tags = ['privacy'];

/** Privacy → Retention (periods, the 90-day report, the job's runs) and Privacy → Legal holds. Owners only. */
export async function retentionRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const base = '/practices/:practiceId/privacy';

  api.get(
    `${base}/retention`,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary: "The retention periods: each category's default, floor and the practice's period",
        params: PracticeIdParams,
        response: { 200: RetentionSettings },
      },
    },
    async (request) => getRetentionSettings(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.put(
    `${base}/retention`,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary:
          'Replace the practice’s periods (a category left out goes back to its default; 422 retention_rule_below_floor names the category and its floor)',
        params: PracticeIdParams,
        body: RetentionSettingsInput,
        response: { 200: RetentionSettings },
      },
    },
    async (request) =>
      saveRetentionSettings(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        settings: request.body,
      }),
  );

  api.get(
    `${base}/retention/report`,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary: 'What the retention job will purge in the next `days` (90 by default), by category, and its last run',
        params: PracticeIdParams,
        querystring: RetentionReportQuery,
        response: { 200: RetentionReport },
      },
    },
    async (request) =>
      retentionReport(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        days: request.query.days,
      }),
  );

  api.get(
    `${base}/retention/runs`,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary: "The retention job's latest runs (and dry runs), with what each category purged",
        params: PracticeIdParams,
        querystring: RetentionRunsQuery,
        response: { 200: RetentionRuns },
      },
    },
    async (request) => ({
      items: await listRetentionRuns(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        limit: request.query.limit,
      }),
    }),
  );

  api.get(
    `${base}/legal-holds`,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary: 'Legal holds in force (all=true: lifted and ended ones too), optionally of one patient',
        params: PracticeIdParams,
        querystring: LegalHoldsQuery,
        response: { 200: LegalHolds },
      },
    },
    async (request) => ({
      items: await listLegalHolds(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        ...(request.query.patientId ? { patientId: request.query.patientId } : {}),
        all: request.query.all ?? false,
      }),
    }),
  );

  api.post(
    `${base}/legal-holds`,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary: 'Set a legal hold on a patient (409 legal_hold_active when one holds already)',
        params: PracticeIdParams,
        body: LegalHoldInput,
        response: { 201: LegalHold },
      },
    },
    async (request, reply) => {
      const hold = await setLegalHold(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        hold: request.body,
      });
      return reply.code(201).send(hold);
    },
  );

  api.post(
    `${base}/legal-holds/:holdId/lift`,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary: 'Lift a legal hold, with the reason',
        params: LegalHoldParams,
        body: LiftLegalHoldInput,
        response: { 200: LegalHold },
      },
    },
    async (request) =>
      liftLegalHold(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        holdId: request.params.holdId,
        reason: request.body.reason,
      }),
  );
}
