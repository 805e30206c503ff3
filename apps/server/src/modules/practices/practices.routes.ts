import {
  CalendarSettings,
  CalendarSettingsPatch,
  Me,
  Practice,
  PracticeIdParams,
  PracticeInput,
  PracticePatch,
  SetupInput,
  SetupStatus,
} from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { setSessionCookie, actorOf, userIdOf } from '../../platform/http.js';
import { createSession } from '../../platform/session.js';
import { loadMe, sessionPolicyOf } from '../auth/auth.service.js';
import {
  createPractice,
  getCalendarSettings,
  getPractice,
  needsSetup,
  runFirstSetup,
  updateCalendarSettings,
  updatePractice,
} from './practices.service.js';

const tags = ['practices'];

export async function practicesRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/setup',
    {
      config: { auth: 'public' },
      schema: { tags, summary: 'Whether this server still needs its first practice', response: { 200: SetupStatus } },
    },
    async () => ({ needsSetup: await needsSetup(ctx.db), embeddedDatabase: ctx.database.embedded }),
  );

  api.post(
    '/setup',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'First run: create the first practice and its owner, logged in',
        body: SetupInput,
        response: { 201: Me },
      },
    },
    async (request, reply) => {
      const created = await runFirstSetup(ctx, { setup: request.body, ip: request.ip, requestId: request.id });
      const session = await createSession(ctx.db, sessionPolicyOf(ctx), {
        userId: created.ownerUserId,
        mfaPending: false,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? '',
      });
      setSessionCookie(reply, session.token, ctx.config.publicUrl.startsWith('https:'), ctx.config.sessionMaxMs);
      return reply.status(201).send(await loadMe(ctx.db, created.ownerUserId));
    },
  );

  api.post(
    '/practices',
    {
      schema: {
        tags,
        summary: 'Open another practice; you become its owner',
        body: PracticeInput,
        response: { 201: Practice },
      },
    },
    async (request, reply) => {
      const practice = await createPractice(ctx, {
        userId: userIdOf(request),
        practice: request.body,
        ip: request.ip,
        requestId: request.id,
      });
      return reply.status(201).send(practice);
    },
  );

  api.get(
    '/practices/:practiceId',
    {
      config: { permission: 'practice:read' },
      schema: { tags, summary: 'The practice profile', params: PracticeIdParams, response: { 200: Practice } },
    },
    async (request) => getPractice(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.patch(
    '/practices/:practiceId',
    {
      config: { permission: 'practice:manage' },
      schema: {
        tags,
        summary: 'Edit the practice profile',
        params: PracticeIdParams,
        body: PracticePatch,
        response: { 200: Practice },
      },
    },
    async (request) =>
      updatePractice(ctx, { actor: actorOf(request), practiceId: request.params.practiceId, patch: request.body }),
  );

  // The calendar's settings live on the practice; documented with the other scheduling settings.
  api.get(
    '/practices/:practiceId/calendar-settings',
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags: ['scheduling settings'],
        summary: 'Slot step and hold length',
        params: PracticeIdParams,
        response: { 200: CalendarSettings },
      },
    },
    async (request) => getCalendarSettings(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );
  api.patch(
    '/practices/:practiceId/calendar-settings',
    {
      config: { permission: 'schedule:manage' },
      schema: {
        tags: ['scheduling settings'],
        summary: 'Change the slot step or hold length',
        params: PracticeIdParams,
        body: CalendarSettingsPatch,
        response: { 200: CalendarSettings },
      },
    },
    async (request) =>
      updateCalendarSettings(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        patch: request.body,
      }),
  );
}
