import { NotificationEmailChoice, NotificationEmailChoiceInput, PracticeIdParams } from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import { getNotificationEmailChoice, saveNotificationEmailChoice } from './notification-emails.js';

const tags = ['notifications'];

/** Account → Notifications: the member's own "Also email me", in this practice. */
export async function notificationEmailRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const path = '/practices/:practiceId/notifications/email-choice';

  api.get(
    path,
    {
      config: { permission: 'notifications:read' },
      schema: {
        tags,
        summary: 'Whether your notifications also come to you by email (off until you turn it on)',
        params: PracticeIdParams,
        response: { 200: NotificationEmailChoice },
      },
    },
    async (request) =>
      getNotificationEmailChoice(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.put(
    path,
    {
      config: { permission: 'notifications:read' },
      schema: {
        tags,
        summary:
          'Turn your notification emails on or off (WhatsApp bookings, moves and cancellations, waitlist bookings, chats waiting for a person, undeliverable reminders; one email each)',
        params: PracticeIdParams,
        body: NotificationEmailChoiceInput,
        response: { 200: NotificationEmailChoice },
      },
    },
    async (request) =>
      saveNotificationEmailChoice(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        choice: request.body,
      }),
  );
}
