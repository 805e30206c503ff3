import {
  AcceptInvitationInput,
  InvitationPreview,
  InviteInput,
  InviteResult,
  LoginResult,
  RoleChangeInput,
  StaffList,
  StaffMember,
  Uuid,
} from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { actorOf, setSessionCookie } from '../../platform/http.js';
import { createSession } from '../../platform/session.js';
import { loadMe, sessionPolicyOf } from '../auth/auth.service.js';
import {
  acceptInvitation,
  changeRole,
  inviteStaff,
  listStaff,
  previewInvitation,
  removeMember,
  revokeInvitation,
} from './staff.service.js';

const tags = ['staff'];
const MemberParams = z.object({ practiceId: Uuid, userId: Uuid });
const InvitationParams = z.object({ practiceId: Uuid, invitationId: Uuid });
const TokenParams = z.object({ token: z.string().min(20).max(200) });

export async function staffRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/practices/:practiceId/staff',
    {
      config: { permission: 'staff:read' },
      schema: {
        tags,
        summary: 'The team and open invitations',
        params: z.object({ practiceId: Uuid }),
        response: { 200: StaffList },
      },
    },
    async (request) => listStaff(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.post(
    '/practices/:practiceId/invitations',
    {
      config: { permission: 'staff:manage' },
      schema: {
        tags,
        summary: 'Invite a colleague with a role',
        params: z.object({ practiceId: Uuid }),
        body: InviteInput,
        response: { 201: InviteResult },
      },
    },
    async (request, reply) => {
      const result = await inviteStaff(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        ...request.body,
      });
      return reply.status(201).send(result);
    },
  );

  api.delete(
    '/practices/:practiceId/invitations/:invitationId',
    {
      config: { permission: 'staff:manage' },
      schema: { tags, summary: 'Withdraw an open invitation', params: InvitationParams },
    },
    async (request, reply) => {
      await revokeInvitation(ctx, { actor: actorOf(request), ...request.params });
      return reply.status(204).send();
    },
  );

  api.patch(
    '/practices/:practiceId/staff/:userId',
    {
      config: { permission: 'staff:manage' },
      schema: {
        tags,
        summary: "Change a colleague's role",
        params: MemberParams,
        body: RoleChangeInput,
        response: { 200: StaffMember },
      },
    },
    async (request) => changeRole(ctx, { actor: actorOf(request), ...request.params, role: request.body.role }),
  );

  api.delete(
    '/practices/:practiceId/staff/:userId',
    {
      config: { permission: 'staff:manage' },
      schema: { tags, summary: 'Remove a colleague from the practice', params: MemberParams },
    },
    async (request, reply) => {
      await removeMember(ctx, { actor: actorOf(request), ...request.params });
      return reply.status(204).send();
    },
  );

  api.get(
    '/invitations/:token',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'What an invitation link is for',
        params: TokenParams,
        response: { 200: InvitationPreview },
      },
    },
    async (request) => previewInvitation(ctx, request.params.token),
  );

  api.post(
    '/invitations/:token/accept',
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary: 'Accept an invitation; logs you in',
        params: TokenParams,
        body: AcceptInvitationInput,
        response: { 200: LoginResult },
      },
    },
    async (request, reply) => {
      const accepted = await acceptInvitation(ctx, {
        token: request.params.token,
        ...request.body,
        ip: request.ip,
        requestId: request.id,
      });
      const session = await createSession(ctx.db, sessionPolicyOf(ctx), {
        userId: accepted.userId,
        mfaPending: accepted.mfaRequired,
        mfaEnrolmentRequired: accepted.mfaEnrolmentRequired,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? '',
      });
      setSessionCookie(
        reply,
        session.token,
        ctx.config.publicUrl.startsWith('https:'),
        accepted.mfaRequired ? 10 * 60_000 : ctx.config.sessionMaxMs,
      );
      if (accepted.mfaRequired) return { mfaRequired: true as const };
      if (accepted.mfaEnrolmentRequired) return { mfaEnrolmentRequired: true as const };
      return loadMe(ctx.db, accepted.userId);
    },
  );
}
