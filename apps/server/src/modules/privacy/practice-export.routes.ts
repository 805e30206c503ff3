import {
  PracticeExport,
  PracticeExportInput,
  PracticeExportParams,
  PracticeExports,
  PracticeIdParams,
} from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import { downloadPracticeExport, listPracticeExports, requestPracticeExport } from './practice-export.service.js';

const tags = ['privacy'];

/** Settings → Practice → Take all the practice's data: the whole-practice export. Owners only. */
export async function practiceExportRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const base = '/practices/:practiceId/privacy/practice-exports';

  api.post(
    base,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary:
          "Ask for an export of all the practice's data (a ZIP built in the background); the owner's password, and their two-step code when it is on (401 invalid_credentials, mfa_required, mfa_invalid_code); 409 practice_export_building while one is built",
        params: PracticeIdParams,
        body: PracticeExportInput,
        response: { 202: PracticeExport },
      },
    },
    async (request, reply) =>
      reply.code(202).send(
        await requestPracticeExport(ctx, {
          actor: actorOf(request),
          practiceId: request.params.practiceId,
          confirm: request.body,
        }),
      ),
  );

  api.get(
    base,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary: "The practice's latest exports, newest first (being built, ready until they expire, failed, expired)",
        params: PracticeIdParams,
        response: { 200: PracticeExports },
      },
    },
    async (request) => ({
      items: await listPracticeExports(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
    }),
  );

  api.get(
    `${base}/:exportId/download`,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary:
          'Download an export (a ZIP: JSON, CSV and files, with a README); audited. 410 export_link_expired after 7 days; 409 practice_export_building while it is built',
        params: PracticeExportParams,
      },
    },
    async (request, reply) => {
      const { filename, zip } = await downloadPracticeExport(ctx, { actor: actorOf(request), ...request.params });
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'no-store')
        .send(zip);
    },
  );
}
