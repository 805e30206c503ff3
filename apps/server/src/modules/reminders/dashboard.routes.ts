import { PracticeIdParams, RemindersDashboard, RemindersDashboardQuery } from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import { remindersDashboard } from './dashboard.service.js';

/** The reminders dashboard (owners and the front desk). */
export async function remindersDashboardRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/practices/:practiceId/reminders/dashboard',
    {
      config: { permission: 'dashboard:read' },
      schema: {
        tags: ['reminders'],
        summary:
          'Per week or month (practice-local, the range widened to whole periods, at most 731 days): reminders sent, delivered, read and failed; appointments reminded and confirmed, due and no-shows; recall messages sent and booked; waitlist offers made and accepted. Filtered by provider and visit type',
        params: PracticeIdParams,
        querystring: RemindersDashboardQuery,
        response: { 200: RemindersDashboard },
      },
    },
    async (request) =>
      remindersDashboard(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        query: request.query,
      }),
  );
}
