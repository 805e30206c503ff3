import { TZDate } from '@date-fns/tz';
import type {
  AgendaSettings,
  AgendaSettingsInput,
  AgendaSubscription,
  AgendaSubscriptionInput,
  DayAgenda,
} from '@dentalpro/contracts';
import { z } from 'zod';
import type { AppContext } from '../../context.js';
import { type Actor, can, requirePermission } from '../../platform/access.js';
import { practiceSettingsSection } from '../../platform/practice-settings.js';
import { AppError } from '../../platform/errors.js';
import { enqueueJob } from '../../platform/jobs.js';
import { type PracticeFacts, type Tx, inPractice, practiceFactsIn } from '../../platform/tenancy.js';
import { wakeOutbox } from '../messaging/assistant-channel.service.js';
import { practicesWithWhatsApp, queueTemplateToNumberIn } from '../messaging/outreach.service.js';
import { patientNamesAndAlertFlagsIn } from '../patients/alerts.service.js';
import { normalisePhone } from '../patients/patients.service.js';
import {
  type DayAppointment,
  closedAllDayIn,
  dayAppointmentsIn,
  isProviderIn,
  localDayBounds,
} from '../scheduling/day-agenda.service.js';
import { type AgendaAppointment, type AgendaSummary, agendaTemplateValues, fullName, summariseDay } from './agenda.js';
import {
  type AgendaSettingsRow,
  agendaRunFinished,
  claimDelivery,
  finishAgendaRun,
  recordDelivery,
  selectAgendaSettings,
  selectPracticeZones,
  selectSubscriptions,
  upsertAgendaSettings,
  upsertSubscription,
} from './agenda.repository.js';
import { notifyDailyAgendaIn } from './notifications.service.js';

/**
 * The dentist's daily agenda (issue 13): at the practice's time each morning (07:00 by default,
 * Settings → Reminders → Daily agenda), every provider with appointments that day is told of their
 * day in the app (a notification opening their day in the calendar) and, when they opted in on
 * their account page, on WhatsApp (the `daily_agenda` utility template, through the outbox).
 *
 * Once per provider and day: the provider's row in agenda_deliveries is written first in the
 * transaction that writes the notification and queues the message, so a second run (another
 * worker, a retry after a crash) finds it and does nothing; the notification and the message carry
 * their own keys of provider and day too. Nothing on a day without appointments, nor on a day the
 * practice is closed.
 */

export const TEMPLATE = 'daily_agenda';
export const DEFAULT_SEND_MINUTE = 7 * 60;

export const AGENDA_RUN_JOB = {
  name: 'notifications.agenda_run',
  schema: z.object({ practiceId: z.uuid(), day: z.iso.date() }),
};
export const agendaRunKey = (practiceId: string, day: string) => `notifications.agenda_run:${practiceId}:${day}`;

const pad = (n: number) => String(n).padStart(2, '0');
const toSendTime = (minute: number) => `${pad(Math.floor(minute / 60))}:${pad(minute % 60)}`;
const fromSendTime = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** The practice's wall clock: its date and the minute of its day. */
export function localDayAndMinute(now: Date, timeZone: string): { day: string; minute: number } {
  const local = new TZDate(now.getTime(), timeZone);
  return {
    day: `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())}`,
    minute: local.getHours() * 60 + local.getMinutes(),
  };
}

const settingsOf = (row: AgendaSettingsRow | undefined) => ({
  enabled: row?.enabled ?? true,
  sendMinute: row?.sendMinute ?? DEFAULT_SEND_MINUTE,
  updatedAt: row?.updatedAt ?? null,
});

const toSettings = (row: AgendaSettingsRow | undefined): AgendaSettings => {
  const s = settingsOf(row);
  return { enabled: s.enabled, sendTime: toSendTime(s.sendMinute), updatedAt: s.updatedAt?.toISOString() ?? null };
};

// Settings → Reminders → Daily agenda (the owner's): on or off, and the time.
const settingsSection = practiceSettingsSection<AgendaSettings, AgendaSettingsInput>({
  auditName: 'dailyAgenda',
  read: async (tx, practiceId, options) => toSettings(await selectAgendaSettings(tx, practiceId, options)),
  write: async (tx, { practiceId, settings, userId }) =>
    toSettings(
      await upsertAgendaSettings(tx, {
        practiceId,
        enabled: settings.enabled,
        sendMinute: fromSendTime(settings.sendTime),
        userId,
      }),
    ),
});

export const getAgendaSettings = settingsSection.get;
export const saveAgendaSettings = settingsSection.save;

// The member's own choice (their account page).

function memberOf(actor: Actor): string {
  requirePermission(actor, 'notifications:read');
  if (!actor.userId) throw new AppError('forbidden', { detail: "The agenda is a member's own" });
  return actor.userId;
}

async function subscriptionIn(
  tx: Tx,
  practiceId: string,
  userId: string,
  fallbackLanguage: 'en' | 'fr',
): Promise<AgendaSubscription> {
  const [subscriptions, provider, settings] = await Promise.all([
    selectSubscriptions(tx, practiceId, [userId]),
    isProviderIn(tx, { practiceId, userId }),
    selectAgendaSettings(tx, practiceId),
  ]);
  const own = subscriptions.get(userId);
  const s = settingsOf(settings);
  return {
    whatsappNumber: own?.whatsappE164 ?? null,
    whatsappOptIn: own?.whatsappOptedIn ?? false,
    language: own?.language ?? fallbackLanguage,
    provider,
    practiceSends: s.enabled,
    sendTime: toSendTime(s.sendMinute),
    practiceHasWhatsApp: false,
  };
}

export async function getAgendaSubscription(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string },
): Promise<AgendaSubscription> {
  const userId = memberOf(input.actor);
  const hasWhatsApp = (await practicesWithWhatsApp(ctx.db)).includes(input.practiceId);
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const practice = await practiceFactsIn(tx, input.practiceId);
    const subscription = await subscriptionIn(tx, input.practiceId, userId, practice?.defaultLanguage ?? 'en');
    return { ...subscription, practiceHasWhatsApp: hasWhatsApp };
  });
}

/**
 * The member's own choice: their WhatsApp number (as typed; '' clears it) and whether the agenda
 * goes there too. Opting in needs a number (422 naming `whatsappNumber`).
 */
export async function saveAgendaSubscription(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; subscription: AgendaSubscriptionInput },
): Promise<AgendaSubscription> {
  const userId = memberOf(input.actor);
  const { practiceId, subscription } = input;
  const e164 = normalisePhone(subscription.whatsappNumber, 'whatsappNumber') || null;
  if (subscription.whatsappOptIn && !e164)
    throw new AppError('validation_failed', {
      detail: 'whatsappNumber: a WhatsApp number is needed to get the agenda on WhatsApp',
      errors: [{ path: 'whatsappNumber', code: 'required', message: 'Enter your WhatsApp number' }],
    });
  await inPractice(ctx.db, practiceId, (tx) =>
    upsertSubscription(tx, {
      practiceId,
      userId,
      whatsappE164: e164,
      optedIn: subscription.whatsappOptIn,
      language: subscription.language,
    }),
  );
  return getAgendaSubscription(ctx, { actor: input.actor, practiceId });
}

// A provider's day, in the app.

const toAgendaAppointments = (
  visits: readonly DayAppointment[],
  names: Awaited<ReturnType<typeof patientNamesAndAlertFlagsIn>>,
): AgendaAppointment[] =>
  visits.map((v) => {
    const patient = names.get(v.patientId);
    return {
      appointmentId: v.id,
      start: v.start,
      end: v.end,
      patient: { givenName: patient?.givenName ?? '', familyName: patient?.familyName ?? '' },
      visitType: v.appointmentTypeName,
      chairName: v.chairName,
      newPatient: v.firstVisit,
      medicalAlert: patient?.hasMedicalAlert ?? false,
    };
  });

/** One provider's appointments of a practice day, with the patients' names and flags (one query each). */
async function providerDaysIn(
  tx: Tx,
  input: { practiceId: string; day: string; timeZone: string; providerId?: string },
): Promise<Map<string, { providerName: string; appointments: AgendaAppointment[] }>> {
  const { start, end } = localDayBounds(input.day, input.timeZone);
  const visits = await dayAppointmentsIn(tx, {
    practiceId: input.practiceId,
    start,
    end,
    providerId: input.providerId,
  });
  const names = await patientNamesAndAlertFlagsIn(
    tx,
    visits.map((v) => v.patientId),
  );
  const days = new Map<string, { providerName: string; appointments: AgendaAppointment[] }>();
  for (const visit of visits) {
    const day = days.get(visit.providerId) ?? { providerName: visit.providerName, appointments: [] };
    day.appointments.push(...toAgendaAppointments([visit], names));
    days.set(visit.providerId, day);
  }
  return days;
}

/** A provider's day as the app shows it (their own, or any provider's to those who read the calendar). */
export async function getDayAgenda(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; day: string; providerId?: string | undefined },
): Promise<DayAgenda> {
  const userId = memberOf(input.actor);
  const providerId = input.providerId ?? userId;
  if (providerId !== userId) requirePermission(input.actor, 'calendar:read');
  const withNames = can(input.actor, 'patients:read') || can(input.actor, 'calendar:read');
  return inPractice(ctx.db, input.practiceId, async (tx) => {
    const practice = await practiceFactsIn(tx, input.practiceId);
    const days = await providerDaysIn(tx, {
      practiceId: input.practiceId,
      day: input.day,
      timeZone: practice?.timeZone ?? 'Indian/Mauritius',
      providerId,
    });
    const summary = summariseDay(days.get(providerId)?.appointments ?? []);
    return {
      day: input.day,
      providerId,
      count: summary?.count ?? 0,
      firstStart: summary?.firstStart.toISOString() ?? null,
      lastStart: summary?.lastStart.toISOString() ?? null,
      lines: (summary?.lines ?? []).map((l) => ({
        appointmentId: l.appointmentId,
        start: l.start.toISOString(),
        end: l.end.toISOString(),
        patientName: withNames ? fullName(l.patient) : '',
        visitType: l.visitType,
        chairName: l.chairName,
        newPatient: l.newPatient,
        medicalAlert: l.medicalAlert,
      })),
    };
  });
}

// The daily run.

/**
 * Every five minutes (agenda.jobs.ts): each practice whose agenda time has come today, with the
 * agenda on and today's run not finished, gets its run queued (keyed by practice and day).
 */
export async function queueDueAgendaRuns(ctx: AppContext, now: Date): Promise<number> {
  let queued = 0;
  for (const practice of await selectPracticeZones(ctx.db)) {
    const due = await inPractice(ctx.db, practice.id, async (tx) => {
      const settings = settingsOf(await selectAgendaSettings(tx, practice.id));
      const { day, minute } = localDayAndMinute(now, practice.timeZone);
      if (!settings.enabled || minute < settings.sendMinute) return false;
      if (await agendaRunFinished(tx, practice.id, day)) return false;
      await enqueueJob(tx, AGENDA_RUN_JOB, { practiceId: practice.id, day }, { key: agendaRunKey(practice.id, day) });
      return true;
    });
    if (due) queued++;
  }
  return queued;
}

export interface AgendaRunOutcome {
  day: string;
  /** Providers told in the app by this run. */
  notified: number;
  /** WhatsApp messages queued by this run. */
  whatsapp: number;
  idle?: 'disabled' | 'not_yet' | 'finished' | 'closed' | 'empty' | 'no_practice';
}

/**
 * One practice's agenda of one day (the job's handler, and tests): safe to run again, at once or
 * after a crash; each provider in a transaction of their own.
 */
export async function runDailyAgenda(
  ctx: AppContext,
  input: { practiceId: string; day: string; now: Date },
): Promise<AgendaRunOutcome> {
  const { practiceId, day } = input;
  const plan = await inPractice(ctx.db, practiceId, (tx) => planRun(tx, input));
  if ('idle' in plan) return { day, notified: 0, whatsapp: 0, idle: plan.idle };
  let notified = 0;
  let whatsapp = 0;
  for (const [providerId, provider] of plan.days) {
    const summary = summariseDay(provider.appointments);
    if (!summary) continue;
    const told = await inPractice(ctx.db, practiceId, (tx) =>
      tellProvider(tx, {
        masterKey: ctx.config.encryptionKey,
        practiceId,
        day,
        practice: plan.practice,
        providerId,
        providerName: provider.providerName,
        summary,
      }),
    );
    if (told.notified) notified++;
    if (told.whatsapp) whatsapp++;
  }
  await inPractice(ctx.db, practiceId, (tx) =>
    finishAgendaRun(tx, { practiceId, day, outcome: plan.days.size > 0 ? 'sent' : 'empty' }),
  );
  if (whatsapp > 0) wakeOutbox(ctx);
  return { day, notified, whatsapp, ...(plan.days.size === 0 ? { idle: 'empty' as const } : {}) };
}

type Plan =
  | { idle: NonNullable<AgendaRunOutcome['idle']> }
  | { practice: PracticeFacts; days: Map<string, { providerName: string; appointments: AgendaAppointment[] }> };

async function planRun(tx: Tx, input: { practiceId: string; day: string; now: Date }): Promise<Plan> {
  const { practiceId, day } = input;
  const practice = await practiceFactsIn(tx, practiceId);
  if (!practice) return { idle: 'no_practice' };
  const settings = settingsOf(await selectAgendaSettings(tx, practiceId));
  if (!settings.enabled) return { idle: 'disabled' };
  const local = localDayAndMinute(input.now, practice.timeZone);
  // A day still to come is not told yet; one gone by is not told any more.
  if (local.day < day || (local.day === day && local.minute < settings.sendMinute)) return { idle: 'not_yet' };
  if (local.day > day || (await agendaRunFinished(tx, practiceId, day))) return { idle: 'finished' };
  if (await closedAllDayIn(tx, { practiceId, day, timeZone: practice.timeZone })) {
    await finishAgendaRun(tx, { practiceId, day, outcome: 'closed' });
    return { idle: 'closed' };
  }
  return { practice, days: await providerDaysIn(tx, { practiceId, day, timeZone: practice.timeZone }) };
}

/** claim the provider's day → notify in the app → queue WhatsApp when opted in → record. */
async function tellProvider(
  tx: Tx,
  input: {
    masterKey: Buffer;
    practiceId: string;
    day: string;
    practice: PracticeFacts;
    providerId: string;
    providerName: string;
    summary: AgendaSummary;
  },
): Promise<{ notified: boolean; whatsapp: boolean }> {
  const { practiceId, day, providerId, summary } = input;
  if (!(await claimDelivery(tx, { practiceId, providerId, day, appointments: summary.count })))
    return { notified: false, whatsapp: false };
  const notified = await notifyDailyAgendaIn(tx, {
    practiceId,
    providerId,
    day,
    count: summary.count,
    firstStart: summary.firstStart,
    lastStart: summary.lastStart,
  });
  const subscription = (await selectSubscriptions(tx, practiceId, [providerId])).get(providerId);
  let messageId: string | null = null;
  let outcome = 'not_opted_in';
  if (notified && subscription?.whatsappOptedIn && subscription.whatsappE164) {
    const language = subscription.language;
    const result = await queueTemplateToNumberIn(tx, {
      masterKey: input.masterKey,
      practiceId,
      e164: subscription.whatsappE164,
      patientId: null,
      templateName: TEMPLATE,
      languages: [language, input.practice.defaultLanguage, 'en'],
      parameters: (chosen) =>
        agendaTemplateValues(summary, {
          language: chosen === 'fr' ? 'fr' : 'en',
          timeZone: input.practice.timeZone,
          providerName: input.providerName,
          practiceName: input.practice.name,
        }),
      idempotencyKey: `daily_agenda:${providerId}:${day}`,
      // Held by the daily messaging limit past the day's last visit, the agenda is of no use: not sent.
      sendBy: summary.lastStart,
    });
    outcome = result.kind;
    if (result.kind === 'queued') messageId = result.messageId;
  } else if (!notified) outcome = 'not_a_member';
  await recordDelivery(tx, { practiceId, providerId, day, notified, messageId, whatsappOutcome: outcome });
  return { notified, whatsapp: messageId !== null };
}
