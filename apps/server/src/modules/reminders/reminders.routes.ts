import {
  AppointmentReminders,
  AppointmentRemindersQuery,
  PracticeIdParams,
  RecallMessages,
  RecallMessagesQuery,
  RecallSettings,
  RecallSettingsInput,
  ReminderSettings,
  ReminderSettingsInput,
  WaitlistOfferSettings,
  WaitlistOfferSettingsInput,
} from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import { closureAnnouncementRoutes } from './closure-announcements.routes.js';
import { remindersDashboardRoutes } from './dashboard.routes.js';
import { reminderEmailRoutes } from './reminder-emails.routes.js';
import { getRecallSettings, recallMessagesOf, saveRecallSettings } from './recall-messages.service.js';
import { appointmentReminders, getReminderSettings, saveReminderSettings } from './reminders.service.js';
import { getWaitlistOfferSettings, saveWaitlistOfferSettings } from './waitlist-offer-settings.service.js';

const tags = ['reminders'];

/** Settings → Reminders, and the calendar's reminder marks. */
export async function remindersRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const base = '/practices/:practiceId/reminders';

  api.get(
    `${base}/settings`,
    {
      config: { permission: 'practice:read' },
      schema: {
        tags,
        summary: 'Appointment reminder settings (the defaults until an owner saves them)',
        params: PracticeIdParams,
        response: { 200: ReminderSettings },
      },
    },
    async (request) => getReminderSettings(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.put(
    `${base}/settings`,
    {
      config: { permission: 'practice:manage' },
      schema: {
        tags,
        summary:
          'Replace the reminder settings (422 reminder_settings_invalid names the fields at fault); coming reminders are planned again',
        params: PracticeIdParams,
        body: ReminderSettingsInput,
        response: { 200: ReminderSettings },
      },
    },
    async (request) =>
      saveReminderSettings(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        settings: request.body,
      }),
  );

  api.get(
    `${base}/waitlist-offer-settings`,
    {
      config: { permission: 'practice:read' },
      schema: {
        tags,
        summary:
          'Waitlist offers on WhatsApp: on or off, how many at a time, how long each stays open (the defaults until an owner saves them)',
        params: PracticeIdParams,
        response: { 200: WaitlistOfferSettings },
      },
    },
    async (request) =>
      getWaitlistOfferSettings(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.put(
    `${base}/waitlist-offer-settings`,
    {
      config: { permission: 'practice:manage' },
      schema: {
        tags,
        summary: 'Replace the waitlist offer settings (1–10 patients at a time, each offer open 5–240 minutes)',
        params: PracticeIdParams,
        body: WaitlistOfferSettingsInput,
        response: { 200: WaitlistOfferSettings },
      },
    },
    async (request) =>
      saveWaitlistOfferSettings(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        settings: request.body,
      }),
  );

  api.get(
    `${base}/appointments`,
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags,
        summary:
          'The reminders of some appointments (`ids`, comma-separated, at most 200): planned, sent, delivered, read, failed or skipped with the reason',
        params: PracticeIdParams,
        querystring: AppointmentRemindersQuery,
        response: { 200: AppointmentReminders },
      },
    },
    async (request) =>
      appointmentReminders(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        appointmentIds: request.query.ids,
      }),
  );

  api.get(
    `${base}/recall-settings`,
    {
      config: { permission: 'practice:read' },
      schema: {
        tags,
        summary:
          'The daily recall run: on or off, its hour, lead days and daily cap (the defaults until an owner saves them)',
        params: PracticeIdParams,
        response: { 200: RecallSettings },
      },
    },
    async (request) => getRecallSettings(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.put(
    `${base}/recall-settings`,
    {
      config: { permission: 'practice:manage' },
      schema: {
        tags,
        summary:
          'Replace the recall run settings (422 recall_settings_invalid names the fields: daily cap 0–1000, hour 0–23, lead days 0–60)',
        params: PracticeIdParams,
        body: RecallSettingsInput,
        response: { 200: RecallSettings },
      },
    },
    async (request) =>
      saveRecallSettings(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        settings: request.body,
      }),
  );

  api.get(
    `${base}/recalls`,
    {
      config: { permission: 'calendar:read' },
      schema: {
        tags,
        summary:
          'The recall messages of some recalls (`ids`, comma-separated, at most 200): sent, delivered, read, failed, waiting for the daily cap or skipped with the reason, and the patient’s answer',
        params: PracticeIdParams,
        querystring: RecallMessagesQuery,
        response: { 200: RecallMessages },
      },
    },
    async (request) =>
      recallMessagesOf(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        recallIds: request.query.ids,
      }),
  );

  await closureAnnouncementRoutes(app, ctx);
  await reminderEmailRoutes(app, ctx);
  await remindersDashboardRoutes(app, ctx);
}
