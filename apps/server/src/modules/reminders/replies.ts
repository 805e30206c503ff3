import { TZDate } from '@date-fns/tz';
import type { AppContext } from '../../context.js';
import { systemActor } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { inPractice } from '../../platform/tenancy.js';
import { answerReminderTap } from '../assistant/assistant.service.js';
import type { InboundMessageStored } from '../messaging/messaging.events.js';
import { appointmentFactsIn } from '../scheduling/appointment-facts.service.js';
import { setAppointmentStatus } from '../scheduling/appointments.service.js';
import { readOwnTap } from './own-tap.js';
import type { RemindedAppointment } from './reply-payload.js';

/**
 * A patient's tap on a reminder's button (a listener of messaging's inboundMessageStored; the
 * assistant leaves these taps alone). The payload is checked first (readOwnTap): one we did not sign
 * for this practice, or about appointments not of this number, is never acted on, and the patient is
 * told how to reach a person. Confirm confirms in the calendar at once and thanks them, or says what
 * became of a visit moved or cancelled since; Reschedule and Cancel go to the assistant's flows, or
 * to a person when the practice has the assistant off.
 */

const ACTOR = systemActor('whatsapp reminder');
type Lang = 'en' | 'fr';

export async function answerReminderReply(ctx: AppContext, event: InboundMessageStored): Promise<void> {
  const { practiceId } = event;
  const tap = await readOwnTap(ctx, event, 'reminder', {
    actor: ACTOR,
    lockConversation: true,
    // Every reminded appointment a visit of a patient on this number.
    own: async (tx, { payload, patientIds }) => {
      const facts = await appointmentFactsIn(
        tx,
        payload.appointments.map((r) => r.appointmentId),
      );
      const all = payload.appointments.map((r) => facts.get(r.appointmentId));
      return { subject: all.every((a) => a?.patientId && patientIds.has(a.patientId)) ? all : null };
    },
  });
  if (!tap) return;
  const { payload, say } = tap;
  const t = TEXTS[tap.language];
  if (payload.action === 'confirm') {
    const lines: string[] = [];
    for (const reminded of payload.appointments) {
      const outcome = await confirmOne(ctx, practiceId, reminded);
      const when = sayWhen(outcome.start, tap.timeZone, tap.language);
      lines.push(
        outcome.kind === 'confirmed'
          ? t.confirmed(when)
          : outcome.kind === 'moved'
            ? t.moved(when)
            : outcome.kind === 'cancelled'
              ? t.cancelled(sayWhen(reminded.start, tap.timeZone, tap.language))
              : t.notConfirmable(sayWhen(reminded.start, tap.timeZone, tap.language)),
      );
    }
    await say(lines.join('\n'));
    return;
  }
  const answered = await answerReminderTap(ctx, {
    practiceId,
    conversationId: tap.conversation.id,
    messageId: event.messageId,
    goal: payload.action,
    appointmentIds: payload.appointments.map((a) => a.appointmentId),
  });
  if (answered === 'assistant_off') await say(t.personWillCall, 'asked');
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
  }
> = {
  en: {
    confirmed: (when) => `Thank you! Your appointment ${when} is confirmed.`,
    moved: (when) => `This appointment has moved: it is now ${when}. Reply here if that time does not suit you.`,
    cancelled: (when) => `The appointment ${when} was cancelled. Write to us here to book a new time.`,
    notConfirmable: (when) => `The appointment ${when} can no longer be confirmed.`,
    personWillCall: 'Thank you. A member of our team will get back to you here shortly.',
  },
  fr: {
    confirmed: (when) => `Merci ! Votre rendez-vous ${when} est confirmé.`,
    moved: (when) =>
      `Ce rendez-vous a été déplacé : il a lieu ${when}. Répondez ici si cet horaire ne vous convient pas.`,
    cancelled: (when) => `Le rendez-vous ${when} a été annulé. Écrivez-nous ici pour en prendre un autre.`,
    notConfirmable: (when) => `Le rendez-vous ${when} ne peut plus être confirmé.`,
    personWillCall: 'Merci. Un membre de notre équipe vous répondra ici très vite.',
  },
};
