import {
  MarkNotificationsRead,
  NotificationCount,
  NotificationList,
  NotificationListQuery,
  PracticeIdParams,
} from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import { streamEvents } from '../../platform/sse.js';
import { notificationEmailRoutes } from './notification-emails.routes.js';
import {
  countNotifications,
  listNotifications,
  markNotificationsRead,
  watchNotifications,
} from './notifications.service.js';

const tags = ['notifications'];

/** The bell in the app's shell: the member's own notifications, their unread count, and live hints. */
export async function notificationsRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const base = '/practices/:practiceId/notifications';

  api.get(
    base,
    {
      config: { permission: 'notifications:read' },
      schema: {
        tags,
        summary: 'Your notifications, newest first (`unread=true`: unread only), with your unread count',
        params: PracticeIdParams,
        querystring: NotificationListQuery,
        response: { 200: NotificationList },
      },
    },
    async (request) =>
      listNotifications(ctx, { actor: actorOf(request), practiceId: request.params.practiceId, ...request.query }),
  );

  api.get(
    `${base}/count`,
    {
      config: { permission: 'notifications:read' },
      schema: {
        tags,
        summary: 'How many of your notifications are unread',
        params: PracticeIdParams,
        response: { 200: NotificationCount },
      },
    },
    async (request) => countNotifications(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.post(
    `${base}/read`,
    {
      config: { permission: 'notifications:read' },
      schema: {
        tags,
        summary: 'Mark some of your notifications read (ids not yours are passed over), or all',
        params: PracticeIdParams,
        body: MarkNotificationsRead,
        response: { 200: NotificationCount },
      },
    },
    async (request) =>
      markNotificationsRead(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        marks: request.body,
      }),
  );

  api.get(
    `${base}/events`,
    {
      config: { permission: 'notifications:read' },
      schema: {
        tags,
        summary: 'Server-sent events: `{ "type": "notifications" }` when you have a new one or your read state changed',
        params: PracticeIdParams,
      },
    },
    async (request, reply) =>
      streamEvents(request, reply, (send) =>
        watchNotifications(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }, () =>
          send({ type: 'notifications' }),
        ),
      ),
  );

  await notificationEmailRoutes(app, ctx);
}
