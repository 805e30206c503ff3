import { PracticeIdParams, ProcessingRecord, RecordsQuery } from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import { processingRecord, processingRecordAsPdf } from './records.service.js';

const tags = ['privacy'];

/** The practice's record of processing activities, for owners: as JSON, and as a PDF to keep or hand over. */
export async function recordsRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const base = '/practices/:practiceId/privacy/records';

  api.get(
    base,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary: 'The record of processing activities (Data Protection Act 2017), from the declared data categories',
        params: PracticeIdParams,
        response: { 200: ProcessingRecord },
      },
    },
    async (request) => processingRecord(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.get(
    `${base}/pdf`,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary: 'The record of processing activities as a PDF (lang=en or fr); the download is audited',
        params: PracticeIdParams,
        querystring: RecordsQuery,
      },
    },
    async (request, reply) => {
      const pdf = await processingRecordAsPdf(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        lang: request.query.lang,
      });
      const name = request.query.lang === 'fr' ? 'registre-des-traitements.pdf' : 'record-of-processing.pdf';
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(pdf);
    },
  );
}
