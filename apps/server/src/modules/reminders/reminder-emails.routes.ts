import { PracticeIdParams, ReminderEmailSettings, ReminderEmailSettingsInput } from '@dentalpro/contracts';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/http.js';
import { getReminderEmailSettings, saveReminderEmailSettings } from './reminder-email-settings.service.js';

const tags = ['reminders'];

/** Settings → Reminders → By email. */
export async function reminderEmailRoutes(app: FastifyInstance, ctx: AppContext) {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const path = '/practices/:practiceId/reminders/email-settings';

  api.get(
    path,
    {
      config: { permission: 'practice:read' },
      schema: {
        tags,
        summary:
          'Reminders by email when the patient cannot get them on WhatsApp: on or off (off until an owner turns it on)',
        params: PracticeIdParams,
        response: { 200: ReminderEmailSettings },
      },
    },
    async (request) =>
      getReminderEmailSettings(ctx, { actor: actorOf(request), practiceId: request.params.practiceId }),
  );

  api.put(
    path,
    {
      config: { permission: 'practice:manage' },
      schema: {
        tags,
        summary: 'Turn reminders by email on or off',
        params: PracticeIdParams,
        body: ReminderEmailSettingsInput,
        response: { 200: ReminderEmailSettings },
      },
    },
    async (request) =>
      saveReminderEmailSettings(ctx, {
        actor: actorOf(request),
        practiceId: request.params.practiceId,
        settings: request.body,
      }),
  );
}
