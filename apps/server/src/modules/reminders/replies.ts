import { TZDate } from '@date-fns/tz';
import { REMINDER_PAYLOAD_PREFIX } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { systemActor } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { inPractice, practiceFactsIn } from '../../platform/tenancy.js';
import { answerReminderTap } from '../assistant/assistant.service.js';
import {
  handOverToStaff,
  queueAssistantReplies,
  readInboundForAssistant,
  wakeOutbox,
} from '../messaging/assistant-channel.service.js';
import type { InboundMessageStored } from '../messaging/messaging.events.js';
import { whatsappContactsIn } from '../patients/contacts.service.js';
import { findPatientsByPhone } from '../patients/patients.service.js';
import { getPractice } from '../practices/practices.service.js';
import { appointmentFactsIn } from '../scheduling/appointment-facts.service.js';
import { setAppointmentStatus } from '../scheduling/appointments.service.js';
import { type RemindedAppointment, readReplyPayload, replyKeyOf } from './reply-payload.js';

/**
 * A patient's tap on a reminder's button (a listener of messaging's inboundMessageStored; the
 * assistant leaves these taps alone). The payload is checked first: one we did not sign for this
 * practice, or about appointments not of this number, is never acted on, and the patient is told
 * how to reach a person. Confirm confirms in the calendar at once and thanks them, or says what
 * became of a visit moved or cancelled since; Reschedule and Cancel go to the assistant's flows, or
 * to a person when the practice has the assistant off.
 */

const ACTOR = systemActor('whatsapp reminder');
type Lang = 'en' | 'fr';

export async function answerReminderReply(ctx: AppContext, event: InboundMessageStored): Promise<void> {
  const { practiceId } = event;
  // Only a tapped button can be a reminder's reply: every other message is left without a
  // transaction (this listener hears every patient message of every practice).
  if (event.contentType !== undefined && event.contentType !== 'choice') return;
  const read = await inPractice(ctx.db, practiceId, async (tx) => {
    const inbound = await readInboundForAssistant(tx, {
      conversationId: event.conversationId,
      messageId: event.messageId,
    });
    const content = inbound?.message?.content;
    if (
      !inbound?.conversation.e164 ||
      content?.type !== 'choice' ||
      !content.choiceId.startsWith(REMINDER_PAYLOAD_PREFIX)
    )
      return null;
    const patients = await findPatientsByPhone(tx, practiceId, inbound.conversation.e164);
    const contacts = await whatsappContactsIn(
      tx,
      patients.map((p) => p.id),
    );
    const first = patients[0] ? contacts.get(patients[0].id) : undefined;
    const practice = await practiceFactsIn(tx, practiceId);
    return {
      conversation: inbound.conversation,
      payload: readReplyPayload(replyKeyOf(ctx.config.sessionSecret), practiceId, content.choiceId),
      patientIds: new Set(patients.map((p) => p.id)),
      language: (first?.language === 'en' ? 'en' : first ? 'fr' : (practice?.defaultLanguage ?? 'en')) as Lang,
      timeZone: practice?.timeZone ?? 'Indian/Mauritius',
    };
  });
  if (!read) return;
  const say = async (body: string, handOver = false) => {
    const queued = await inPractice(ctx.db, practiceId, async (tx) => {
      const n = await queueAssistantReplies(tx, {
        practiceId,
        conversation: read.conversation,
        replies: [{ type: 'text', body }],
        idempotencyKey: `reminder-reply:${event.messageId}`,
      });
      if (handOver)
        await handOverToStaff(tx, {
          practiceId,
          conversationId: read.conversation.id,
          reason: 'asked',
          at: new Date(),
        });
      return n;
    });
    if (queued > 0) wakeOutbox(ctx);
  };
  const t = TEXTS[read.language];
  const { payload } = read;
  // Not ours, altered, or about someone else's visit: nothing is done.
  const appointments = payload ? await ownAppointments(ctx, practiceId, payload.appointments, read.patientIds) : null;
  if (!payload || !appointments) {
    const practice = await getPractice(ctx, { actor: ACTOR, practiceId });
    await say(t.unreadable(practice.phone));
    return;
  }
  if (payload.action === 'confirm') {
    const lines: string[] = [];
    for (const reminded of payload.appointments) {
      const outcome = await confirmOne(ctx, practiceId, reminded);
      const when = sayWhen(outcome.start, read.timeZone, read.language);
      lines.push(
        outcome.kind === 'confirmed'
          ? t.confirmed(when)
          : outcome.kind === 'moved'
            ? t.moved(when)
            : outcome.kind === 'cancelled'
              ? t.cancelled(sayWhen(reminded.start, read.timeZone, read.language))
              : t.notConfirmable(sayWhen(reminded.start, read.timeZone, read.language)),
      );
    }
    await say(lines.join('\n'));
    return;
  }
  const answered = await answerReminderTap(ctx, {
    practiceId,
    conversationId: read.conversation.id,
    messageId: event.messageId,
    goal: payload.action,
    appointmentIds: payload.appointments.map((a) => a.appointmentId),
  });
  if (answered === 'assistant_off') await say(t.personWillCall, true);
}

/** The reminded appointments, when every one is a visit of a patient on this number; null otherwise. */
async function ownAppointments(
  ctx: AppContext,
  practiceId: string,
  reminded: RemindedAppointment[],
  patientIds: Set<string>,
) {
  return inPractice(ctx.db, practiceId, async (tx) => {
    const facts = await appointmentFactsIn(
      tx,
      reminded.map((r) => r.appointmentId),
    );
    const all = reminded.map((r) => facts.get(r.appointmentId));
    return all.every((a) => a?.patientId && patientIds.has(a.patientId)) ? all : null;
  });
}

type ConfirmOutcome = { kind: 'confirmed' | 'moved' | 'cancelled' | 'not_active'; start: Date };

/** Confirms the visit if it is still at the time reminded and booked; else says what it is now. */
async function confirmOne(ctx: AppContext, practiceId: string, reminded: RemindedAppointment): Promise<ConfirmOutcome> {
  const read = () =>
    inPractice(ctx.db, practiceId, (tx) => appointmentFactsIn(tx, [reminded.appointmentId])).then((m) =>
      m.get(reminded.appointmentId),
    );
  const minute = (d: Date) => Math.floor(d.getTime() / 60_000);
  for (let attempt = 0; attempt < 2; attempt++) {
    const now = await read();
    if (!now || now.status === 'cancelled') return { kind: 'cancelled', start: reminded.start };
    const active = now.status === 'booked' || now.status === 'confirmed';
    if (active && minute(now.start) !== minute(reminded.start)) return { kind: 'moved', start: now.start };
    if (now.status === 'confirmed') return { kind: 'confirmed', start: now.start };
    if (!active) return { kind: 'not_active', start: now.start };
    try {
      await setAppointmentStatus(ctx, {
        actor: ACTOR,
        practiceId,
        appointmentId: now.id,
        status: 'confirmed',
        reason: 'Confirmed by the patient from a WhatsApp reminder',
      });
      return { kind: 'confirmed', start: now.start };
    } catch (err) {
      // Changed meanwhile (cancelled, confirmed at the desk): read it again and say what it is.
      if (!(err instanceof AppError) || err.code !== 'invalid_status_transition') throw err;
    }
  }
  return { kind: 'not_active', start: reminded.start };
}

function sayWhen(at: Date, timeZone: string, language: Lang): string {
  const locale = language === 'fr' ? 'fr-FR' : 'en-GB';
  const local = new TZDate(at.getTime(), timeZone);
  const day = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long' }).format(
    local,
  );
  const time = new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(local);
  return language === 'fr' ? `le ${day} à ${time}` : `on ${day} at ${time}`;
}

/** What the patient reads (Creole speakers read French, as with the reminder's template). */
const TEXTS: Record<
  Lang,
  {
    confirmed: (when: string) => string;
    moved: (when: string) => string;
    cancelled: (when: string) => string;
    notConfirmable: (when: string) => string;
    personWillCall: string;
    unreadable: (phone: string) => string;
  }
> = {
  en: {
    confirmed: (when) => `Thank you! Your appointment ${when} is confirmed.`,
    moved: (when) => `This appointment has moved: it is now ${when}. Reply here if that time does not suit you.`,
    cancelled: (when) => `The appointment ${when} was cancelled. Write to us here to book a new time.`,
    notConfirmable: (when) => `The appointment ${when} can no longer be confirmed.`,
    personWillCall: 'Thank you. A member of our team will get back to you here shortly.',
    unreadable: (phone) =>
      phone
        ? `Sorry, we could not read that reply. Please write to us here or call us on ${phone}.`
        : 'Sorry, we could not read that reply. Please write to us here and a member of our team will answer.',
  },
  fr: {
    confirmed: (when) => `Merci ! Votre rendez-vous ${when} est confirmé.`,
    moved: (when) =>
      `Ce rendez-vous a été déplacé : il a lieu ${when}. Répondez ici si cet horaire ne vous convient pas.`,
    cancelled: (when) => `Le rendez-vous ${when} a été annulé. Écrivez-nous ici pour en prendre un autre.`,
    notConfirmable: (when) => `Le rendez-vous ${when} ne peut plus être confirmé.`,
    personWillCall: 'Merci. Un membre de notre équipe vous répondra ici très vite.',
    unreadable: (phone) =>
      phone
        ? `Désolés, nous n’avons pas pu lire cette réponse. Écrivez-nous ici ou appelez-nous au ${phone}.`
        : 'Désolés, nous n’avons pas pu lire cette réponse. Écrivez-nous ici et un membre de notre équipe vous répondra.',
  },
};
