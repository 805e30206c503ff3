import {
  ClosureAnnouncement,
  ClosureAnnouncementInput,
  ClosureAnnouncementItem,
  ClosureAnnouncementItemParams,
  ClosureAnnouncementList,
  ClosureAnnouncementListQuery,
  ClosureAnnouncementParams,
  ClosureItemCallInput,
  ClosurePreview,
  PracticeIdParams,
} from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import {
  closePractice,
  getClosureAnnouncement,
  listClosureAnnouncements,
  markClosureItemCalled,
  previewClosure,
} from './closure-announcements.service.js';

const tags = ['reminders'];

/** Closing the practice for a day or part of one, and the announcement's list of patients. */
export async function closureAnnouncementRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const base = '/practices/:practiceId/closure-announcements';

  api.post(
    `${base}/preview`,
    {
      config: { permission: 'schedule:manage' },
      schema: {
        tags,
        summary:
          'The booked appointments a closure of this range would cancel (all, or one dentist’s with providerId); nothing is changed',
        params: PracticeIdParams,
        body: ClosureAnnouncementInput,
        response: { 200: ClosurePreview },
      },
    },
    async (request) =>
      previewClosure(ctx, { actor: actorOf(request), practiceId: request.params.practiceId, closure: request.body }),
  );

  api.post(
    base,
    {
      config: { permission: 'schedule:manage' },
      schema: {
        tags,
        summary:
          'Close the practice (or one dentist’s time) for a range: the calendar is blocked, the booked appointments in it are cancelled, and each patient is told on WhatsApp with Choose a new time and Call me (400 invalid_period, 422 in_the_past)',
        params: PracticeIdParams,
        body: ClosureAnnouncementInput,
        response: { 201: ClosureAnnouncement },
      },
    },
    async (request, reply) => {
      const announcement = await closePractice(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        closure: request.body,
      });
      return reply.code(201).send(announcement);
    },
  );

  api.get(
    base,
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags,
        summary:
          'Closure announcements whose range meets [from, to) (default: those ending in the last 30 days or later), newest first, with counts by status',
        params: PracticeIdParams,
        querystring: ClosureAnnouncementListQuery,
        response: { 200: ClosureAnnouncementList },
      },
    },
    async (request) => ({
      items: await listClosureAnnouncements(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        from: request.query.from,
        to: request.query.to,
      }),
    }),
  );

  api.get(
    `${base}/:announcementId`,
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags,
        summary:
          'One closure announcement with each affected appointment: queued, sent, delivered, read, replied, rebooked, needs a call (and why) or called',
        params: ClosureAnnouncementParams,
        response: { 200: ClosureAnnouncement },
      },
    },
    async (request) =>
      getClosureAnnouncement(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        announcementId: request.params.announcementId,
      }),
  );

  api.put(
    `${base}/:announcementId/items/:announcementItemId/called`,
    {
      config: { permission: 'calendar:write' },
      schema: {
        tags,
        summary: 'Mark a patient of the announcement called by the desk (called: false takes it back); audited',
        params: ClosureAnnouncementItemParams,
        body: ClosureItemCallInput,
        response: { 200: ClosureAnnouncementItem },
      },
    },
    async (request) =>
      markClosureItemCalled(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        announcementId: request.params.announcementId,
        itemId: request.params.announcementItemId,
        called: request.body.called,
      }),
  );
}
