import {
  ApproveRequestInput,
  ExportLinkDelivery,
  ExportLinkSent,
  PracticeIdParams,
  PrivacyRequest,
  PrivacyRequestInput,
  PrivacyRequestList,
  PrivacyRequestListQuery,
  PrivacyRequestParams,
  PrivacyRequestSettings,
  PrivacyRequestSettingsInput,
  RefuseRequestInput,
  VerifyIdentityInput,
} from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import { z } from 'zod';
import {
  EXPORT_COOKIE,
  confirmExportLinkCode,
  downloadByLink,
  exportLinkDelivery,
  sendExportLink,
  sendExportLinkCode,
} from './export-links.service.js';
import { downloadRequestExport } from './export.service.js';
import { getRequestSettings, saveRequestSettings } from './request-settings.service.js';
import {
  approvePrivacyRequest,
  createPrivacyRequest,
  fulfilPrivacyRequest,
  getPrivacyRequest,
  listPrivacyRequests,
  refusePrivacyRequest,
  verifyRequestIdentity,
} from './requests.service.js';

const tags = ['privacy'];

/** Patients' rights requests: recorded and verified by the desk, approved or refused by owners. */
export async function requestsRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const base = '/practices/:practiceId/privacy/requests';
  const one = `${base}/:requestId`;
  const ids = (request: { params: { practiceId: string; requestId: string } }) => ({
    practiceId: request.params.practiceId,
    requestId: request.params.requestId,
  });

  api.get(
    base,
    {
      config: { permission: 'privacy:requests' },
      schema: {
        tags,
        summary: 'Rights requests, soonest due first, each with its due date and whether it is overdue',
        params: PracticeIdParams,
        querystring: PrivacyRequestListQuery,
        response: { 200: PrivacyRequestList },
      },
    },
    async (request) =>
      listPrivacyRequests(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        patientId: request.query.patientId,
        state: request.query.state,
      }),
  );

  api.post(
    base,
    {
      config: { permission: 'privacy:requests' },
      schema: {
        tags,
        summary: 'Record a request (due one month after receipt unless the practice set otherwise)',
        params: PracticeIdParams,
        body: PrivacyRequestInput,
        response: { 201: PrivacyRequest },
      },
    },
    async (request, reply) => {
      const created = await createPrivacyRequest(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        request: request.body,
      });
      return reply.status(201).send(created);
    },
  );

  const settings = '/practices/:practiceId/privacy/request-settings';
  api.get(
    settings,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary: 'The months the practice gives itself to answer a request (one unless it chose otherwise); owners',
        params: PracticeIdParams,
        response: { 200: PrivacyRequestSettings },
      },
    },
    async (request) => getRequestSettings(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );
  api.put(
    settings,
    {
      config: { permission: 'privacy:manage' },
      schema: {
        tags,
        summary:
          'Set the months to answer, 1 to 3 (422 privacy_request_settings_invalid); requests received from now on follow it; owners',
        params: PracticeIdParams,
        body: PrivacyRequestSettingsInput,
        response: { 200: PrivacyRequestSettings },
      },
    },
    async (request) =>
      saveRequestSettings(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        settings: request.body,
      }),
  );

  api.get(
    one,
    {
      config: { permission: 'privacy:requests' },
      schema: { tags, summary: 'One request', params: PrivacyRequestParams, response: { 200: PrivacyRequest } },
    },
    async (request) => getPrivacyRequest(ctx, { actor: actorOf(request), ...ids(request) }),
  );

  api.post(
    `${one}/verify`,
    {
      config: { permission: 'privacy:requests' },
      schema: {
        tags,
        summary:
          'Record how the identity of the person asking was verified (409 privacy_request_state if not received)',
        params: PrivacyRequestParams,
        body: VerifyIdentityInput,
        response: { 200: PrivacyRequest },
      },
    },
    async (request) =>
      verifyRequestIdentity(ctx, {
        actor: actorOf(request),
        ...ids(request),
        method: request.body.method,
        note: request.body.note,
      }),
  );

  api.post(
    `${one}/approve`,
    {
      config: { permission: 'privacy:requests' },
      schema: {
        tags,
        summary:
          'Approve a verified request (access and deletion: owners only; a deletion is carried out at once; 409 privacy_identity_not_verified)',
        params: PrivacyRequestParams,
        body: ApproveRequestInput,
        response: { 200: PrivacyRequest },
      },
    },
    async (request) => approvePrivacyRequest(ctx, { actor: actorOf(request), ...ids(request) }),
  );

  api.post(
    `${one}/fulfil`,
    {
      config: { permission: 'privacy:requests' },
      schema: {
        tags,
        summary: 'Close a request in progress as done (the correction applied, the restriction in place)',
        params: PrivacyRequestParams,
        response: { 200: PrivacyRequest },
      },
    },
    async (request) => fulfilPrivacyRequest(ctx, { actor: actorOf(request), ...ids(request) }),
  );

  api.post(
    `${one}/refuse`,
    {
      config: { permission: 'privacy:approve' },
      schema: {
        tags,
        summary: 'Refuse an open request with the reason the patient is given (owners)',
        params: PrivacyRequestParams,
        body: RefuseRequestInput,
        response: { 200: PrivacyRequest },
      },
    },
    async (request) =>
      refusePrivacyRequest(ctx, { actor: actorOf(request), ...ids(request), reason: request.body.reason }),
  );

  api.get(
    `${one}/export-link`,
    {
      config: { permission: 'privacy:approve' },
      schema: {
        tags,
        summary:
          "How the link to the copy would reach the patient now: as text inside WhatsApp's 24-hour window, else the template data_copy_ready first; owners",
        params: PrivacyRequestParams,
        response: { 200: ExportLinkDelivery },
      },
    },
    async (request) => exportLinkDelivery(ctx, { actor: actorOf(request), ...ids(request) }),
  );

  api.post(
    `${one}/export-link`,
    {
      config: { permission: 'privacy:approve' },
      schema: {
        tags,
        summary:
          'Send the patient a 7-day link to the copy on WhatsApp: as text inside the 24-hour window; outside it the template data_copy_ready, and the link as text when the patient taps its button (409 whatsapp_opted_out, whatsapp_no_phone; 404 template_not_found); owners',
        params: PrivacyRequestParams,
        response: { 200: ExportLinkSent },
      },
    },
    async (request) => sendExportLink(ctx, { actor: actorOf(request), ...ids(request) }),
  );

  // The patient's side of the link: public, the token in the path, the browser bound by a cookie.
  const copy = '/privacy/copy/:token';
  const TokenParams = z.object({ token: z.string().min(10).max(200) });
  const secure = ctx.config.publicUrl.startsWith('https:');
  api.post(
    `${copy}/code`,
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary:
          "Send the one-time code for a copy link to the patient's WhatsApp (410 export_link_expired, 403 export_link_other_session)",
        params: TokenParams,
        response: { 200: z.object({ sent: z.literal(true) }) },
      },
    },
    async (request) => sendExportLinkCode(ctx, { token: request.params.token }),
  );
  api.post(
    `${copy}/confirm`,
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary:
          'Check the one-time code; a right one binds the link to this browser (422 export_link_code_wrong, 423 export_link_locked)',
        params: TokenParams,
        body: z.strictObject({
          code: z
            .string()
            .trim()
            .regex(/^\d{6}$/),
        }),
        response: { 200: z.object({ confirmed: z.literal(true) }) },
      },
    },
    async (request, reply) => {
      const { cookie, expiresAt } = await confirmExportLinkCode(ctx, {
        token: request.params.token,
        code: request.body.code,
      });
      reply.setCookie(EXPORT_COOKIE, cookie, {
        path: '/api/v1/privacy/copy',
        httpOnly: true,
        sameSite: 'strict',
        secure,
        expires: expiresAt,
      });
      return { confirmed: true as const };
    },
  );
  api.get(
    `${copy}/download`,
    {
      config: { auth: 'public' },
      schema: {
        tags,
        summary:
          'The copy (ZIP), for the browser the code bound the link to (401 export_link_code_required, 403 export_link_other_session, 410 export_link_expired)',
        params: TokenParams,
      },
    },
    async (request, reply) => {
      const { filename, stream } = await downloadByLink(ctx, {
        token: request.params.token,
        cookie: request.cookies[EXPORT_COOKIE],
      });
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );

  api.get(
    `${one}/export`,
    {
      config: { permission: 'privacy:approve' },
      schema: {
        tags,
        summary:
          'Download the copy of the patient data (a ZIP, streamed) to hand over at the desk; owners, approved access requests only; fulfils the request',
        params: PrivacyRequestParams,
      },
    },
    async (request, reply) => {
      const { filename, stream } = await downloadRequestExport(ctx, { actor: actorOf(request), ...ids(request) });
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="${filename}"`)
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );
}
