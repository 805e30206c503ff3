import type { AppContext } from '../../context.js';
import {
  type JobRun,
  type ModuleJobs,
  defineJob,
  defineSchedule,
  onEvent,
  scheduledTick,
} from '../../platform/jobs.js';
import {
  conversationHandedOver,
  outboundFailed,
  templateCategoryChanged,
  templateStatusChanged,
} from '../messaging/messaging.events.js';
import { reminderUndelivered, waitlistOfferAccepted } from '../reminders/reminders.events.js';
import { appointmentBooked, appointmentCancelled, appointmentMoved } from '../scheduling/scheduling.events.js';
import { sendNotificationEmailsJob } from './notification-emails.js';
import {
  forgetOldNotifications,
  notifyNeedsPerson,
  notifyReminderFailed,
  notifyWhatsAppChange,
  notifyWhatsAppTemplate,
} from './notifications.service.js';

/**
 * What the staff hear of: the calendar's announcements of a patient's own changes in the WhatsApp
 * chat (source 'whatsapp'; the desk's own changes are not news to the desk), and the WhatsApp
 * channel's handovers. Each listener's job id keys what it writes: a job run again writes nothing twice.
 */
const keyOf = (listener: string, run: JobRun<AppContext>) => `${listener}:${run.id}`;

export const whatsappBooked = onEvent(appointmentBooked, {
  name: 'notifications.whatsapp_booked',
  handler: async (event, run: JobRun<AppContext>) => {
    if (event.source !== 'whatsapp') return;
    await notifyWhatsAppChange(run.ctx, {
      practiceId: event.practiceId,
      kind: 'whatsapp_booked',
      appointmentId: event.appointmentId,
      patientId: event.patientId,
      providerIds: [event.after.providerId],
      idempotencyKey: keyOf('notifications.whatsapp_booked', run),
    });
  },
});

export const whatsappMoved = onEvent(appointmentMoved, {
  name: 'notifications.whatsapp_moved',
  handler: async (event, run: JobRun<AppContext>) => {
    if (event.source !== 'whatsapp') return;
    await notifyWhatsAppChange(run.ctx, {
      practiceId: event.practiceId,
      kind: 'whatsapp_moved',
      appointmentId: event.appointmentId,
      patientId: event.patientId,
      // The provider it left hears of it too.
      providerIds: [event.before.providerId, event.after.providerId],
      previousStart: new Date(event.before.start),
      idempotencyKey: keyOf('notifications.whatsapp_moved', run),
    });
  },
});

export const whatsappCancelled = onEvent(appointmentCancelled, {
  name: 'notifications.whatsapp_cancelled',
  handler: async (event, run: JobRun<AppContext>) => {
    if (event.source !== 'whatsapp') return;
    await notifyWhatsAppChange(run.ctx, {
      practiceId: event.practiceId,
      kind: 'whatsapp_cancelled',
      appointmentId: event.appointmentId,
      patientId: event.patientId,
      // A cancellation does not name the provider: read from the calendar.
      providerIds: [],
      idempotencyKey: keyOf('notifications.whatsapp_cancelled', run),
    });
  },
});

/** A patient on the waitlist took a freed time from a WhatsApp offer: the desk and the provider hear of it. */
export const waitlistBooked = onEvent(waitlistOfferAccepted, {
  name: 'notifications.waitlist_booked',
  handler: async (event, run: JobRun<AppContext>) => {
    await notifyWhatsAppChange(run.ctx, {
      practiceId: event.practiceId,
      kind: 'waitlist_booked',
      appointmentId: event.appointmentId,
      patientId: event.patientId,
      providerIds: [event.providerId],
      idempotencyKey: keyOf('notifications.waitlist_booked', run),
    });
  },
});

/** A reminder reached the patient by no route (reminders decided: not when it went by email instead): the desk phones. */
export const reminderFailed = onEvent(reminderUndelivered, {
  name: 'notifications.reminder_undelivered',
  handler: (event, run: JobRun<AppContext>) => notifyReminderFailed(run.ctx, event),
});

/** Meta refused a template (132xxx) or held back a marketing one (131049): the owners hear what to do, once a day per template. */
export const whatsappTemplateFailed = onEvent(outboundFailed, {
  name: 'notifications.whatsapp_template_failed',
  handler: async (event, run: JobRun<AppContext>) => {
    if (event.reason !== 'template_problem' && event.reason !== 'marketing_limited') return;
    await notifyWhatsAppTemplate(run.ctx, {
      practiceId: event.practiceId,
      source: { messageId: event.messageId, reason: event.reason },
      at: new Date(),
    });
  },
});

/** Meta moved a template to another category: the owners hear what it means. */
export const whatsappTemplateRecategorised = onEvent(templateCategoryChanged, {
  name: 'notifications.whatsapp_template_recategorised',
  handler: (event, run: JobRun<AppContext>) =>
    notifyWhatsAppTemplate(run.ctx, {
      practiceId: event.practiceId,
      source: {
        templateName: event.templateName,
        language: event.language,
        previousCategory: event.previousCategory,
        newCategory: event.newCategory,
      },
      at: new Date(event.at),
    }),
});

/** Meta paused or disabled a template (its status webhook): the owners hear what to do before the next send fails. */
export const whatsappTemplatePaused = onEvent(templateStatusChanged, {
  name: 'notifications.whatsapp_template_paused',
  handler: async (event, run: JobRun<AppContext>) => {
    // The code a send of it gets from Meta, so the alert says the same and is told once with those sends'.
    const metaCode = event.status === 'PAUSED' ? 132015 : event.status === 'DISABLED' ? 132016 : null;
    if (metaCode === null) return;
    await notifyWhatsAppTemplate(run.ctx, {
      practiceId: event.practiceId,
      source: { templateName: event.templateName, language: event.language, metaCode },
      at: new Date(event.at),
    });
  },
});

export const needsPerson = onEvent(conversationHandedOver, {
  name: 'notifications.needs_person',
  handler: (event, run: JobRun<AppContext>) =>
    notifyNeedsPerson(run.ctx, {
      practiceId: event.practiceId,
      conversationId: event.conversationId,
      patientId: event.patientId,
      reason: event.reason,
      flaggedBy: event.flaggedBy ?? null,
      idempotencyKey: keyOf('notifications.needs_person', run),
    }),
});

/** Notifications are kept 90 days, then deleted (with who read them). */
export const forgetOld = defineJob({
  name: 'notifications.forget_old',
  schema: scheduledTick,
  handler: async (_tick, { ctx }: JobRun<AppContext>) => {
    await forgetOldNotifications(ctx.db, new Date());
  },
});

export const notificationsJobs: ModuleJobs<AppContext> = {
  jobs: [
    whatsappBooked,
    whatsappMoved,
    whatsappCancelled,
    waitlistBooked,
    needsPerson,
    reminderFailed,
    whatsappTemplateFailed,
    whatsappTemplateRecategorised,
    whatsappTemplatePaused,
    forgetOld,
    sendNotificationEmailsJob,
  ],
  schedules: [defineSchedule({ name: 'notifications.forget_old', cron: '41 3 * * *', job: forgetOld })],
};
