import {
  AppointmentReminders,
  AppointmentRemindersQuery,
  PracticeIdParams,
  ReminderSettings,
  ReminderSettingsInput,
} from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import { appointmentReminders, getReminderSettings, saveReminderSettings } from './reminders.service.js';

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
}
