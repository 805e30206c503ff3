import { AuditPage, AuditQuery, PracticeIdParams } from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import { listAuditEvents } from './audit.service.js';

export async function auditRoutes(app: FastifyInstance, ctx: AppContext) {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/practices/:practiceId/audit-events',
    {
      config: { permission: 'audit:read' },
      schema: {
        tags: ['audit'],
        summary: "The practice's audit trail, newest first",
        params: PracticeIdParams,
        querystring: AuditQuery,
        response: { 200: AuditPage },
      },
    },
    async (request) =>
      listAuditEvents(ctx, { actor: actorOf(request), practiceId: request.params.practiceId, filter: request.query }),
  );
}
