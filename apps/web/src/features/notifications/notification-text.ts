import type { StaffNotification } from '@dentalpro/contracts';
import { waitedFor } from '../inbox/handover';
import { wallTimeOf } from '../scheduling/zoned-time';

/** The translation function, narrowed to what these sentences need (so tests can hand in any i18next instance). */
type Translate = (key: string, values?: Record<string, string | number>) => string;

/**
 * What happened, in one sentence a receptionist reads at arm's length: "Marie Appadoo booked on
 * WhatsApp — Tue 8 Dec, 10:30, Dr Li". `when` formats an instant on the practice's clock.
 */
export function describeNotification(n: StaffNotification, t: Translate, when: (iso: string) => string): string {
  const name = n.patient?.name || t('notifications.somePatient');
  const a = n.appointment;
  switch (n.kind) {
    case 'whatsapp_booked':
      if (!a) return t('notifications.text.bookedGone', { name });
      return a.providerName
        ? t('notifications.text.booked', { name, when: when(a.start), provider: a.providerName })
        : t('notifications.text.bookedNoProvider', { name, when: when(a.start) });
    case 'waitlist_booked':
      if (!a) return t('notifications.text.waitlistBookedGone', { name });
      return a.providerName
        ? t('notifications.text.waitlistBooked', { name, when: when(a.start), provider: a.providerName })
        : t('notifications.text.waitlistBookedNoProvider', { name, when: when(a.start) });
    case 'whatsapp_moved':
      if (!a) return t('notifications.text.movedGone', { name });
      return n.previousStart
        ? t('notifications.text.moved', { name, from: when(n.previousStart), to: when(a.start) })
        : t('notifications.text.movedNoPrevious', { name, to: when(a.start) });
    case 'whatsapp_cancelled':
      return a
        ? t('notifications.text.cancelled', { name, when: when(a.start) })
        : t('notifications.text.cancelledGone', { name });
    case 'needs_person': {
      // The inbox's own words for why; "asked" when the server did not say.
      const reason = t(`inbox.handoverReason.${n.reason ?? 'asked'}`);
      return n.patient
        ? t('notifications.text.needsPersonWith', { name: n.patient.name, reason })
        : t('notifications.text.needsPerson', { reason });
    }
    case 'reminder_failed': {
      // The inbox's words for what WhatsApp said.
      const reason = t(`inbox.failure.${n.failureReason ?? 'unknown'}`);
      return a
        ? t('notifications.text.reminderFailed', { name, when: when(a.start), reason })
        : t('notifications.text.reminderFailedGone', { name, reason });
    }
    case 'whatsapp_template_problem': {
      // What to do depends on Meta's code: paused, disabled, missing in that language, or fields that no longer match.
      const w = n.whatsappTemplate;
      const words = { name: w?.name ?? '', language: w?.language ?? '', code: w?.code ?? '' };
      if (w?.code === 132015) return t('notifications.text.templatePaused', words);
      if (w?.code === 132016) return t('notifications.text.templateDisabled', words);
      if (w?.code === 132001) return t('notifications.text.templateMissing', words);
      return t('notifications.text.templateRefused', words);
    }
    case 'whatsapp_template_recategorised': {
      const w = n.whatsappTemplate;
      return t('notifications.text.templateRecategorised', {
        name: w?.name ?? '',
        language: w?.language ?? '',
        from: t(`notifications.templateCategory.${w?.previousCategory ?? 'UTILITY'}`, {
          defaultValue: w?.previousCategory ?? '',
        }),
        to: t(`notifications.templateCategory.${w?.newCategory ?? 'MARKETING'}`, {
          defaultValue: w?.newCategory ?? '',
        }),
      });
    }
    case 'whatsapp_marketing_limited':
      return t('notifications.text.marketingLimited', { name: n.whatsappTemplate?.name ?? '' });
    case 'privacy_request_due_soon':
    case 'privacy_request_overdue': {
      // The Privacy section's words for the kind of request.
      const r = n.privacyRequest;
      const words = {
        name,
        type: t(`privacyRequests.types.${r?.type ?? 'access'}`),
        due: r ? when(r.dueAt) : '',
      };
      return n.kind === 'privacy_request_overdue'
        ? t('notifications.text.privacyOverdue', words)
        : t('notifications.text.privacyDueSoon', words);
    }
    case 'daily_agenda': {
      // "Your day, Tuesday 8 December: 7 appointments, the first at 08:30, the last at 15:30".
      const g = n.agenda;
      if (!g) return t('notifications.text.agendaGone');
      return t('notifications.text.agenda', {
        day: agendaDay(g.day, t),
        count: g.count,
        first: clockOf(g.firstStart, when),
        last: clockOf(g.lastStart, when),
      });
    }
  }
}

/** A practice date ('2026-12-08') in words, read at noon UTC so no zone moves it to another day. */
function agendaDay(day: string, t: Translate): string {
  const locale = t('notifications.agendaLocale') === 'fr-FR' ? 'fr-FR' : 'en-GB';
  return new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).format(
    new Date(`${day}T12:00:00Z`),
  );
}

/** The time of day in `when`'s wording ("Tue 8 Dec, 08:30" → "08:30"). */
const clockOf = (iso: string, when: (iso: string) => string) =>
  when(iso)
    .match(/\d{2}:\d{2}/g)
    ?.pop() ?? when(iso);

/** How long ago, as the inbox counts waiting: "just now", "12 min ago", "3 h ago", "2 days ago". */
export function timeAgo(createdAt: string, now: number, t: Translate): string {
  const elapsed = waitedFor(createdAt, now);
  if (!elapsed || (elapsed.key === 'minutes' && elapsed.count === 0)) return t('notifications.justNow');
  return t('notifications.ago', { time: t(`inbox.waited.${elapsed.key}`, { count: elapsed.count }) });
}

/**
 * Where the work is: the appointment opened in the calendar on its day (cancelled ones shown, so
 * a cancellation can be seen), else the WhatsApp conversation in the inbox. A handover goes to
 * the conversation first, a privacy request's alert to the request, a daily agenda to the provider's
 * day. Null when neither is left (an erased patient's).
 */
export function notificationTarget(n: StaffNotification, practiceId: string, timeZone: string): string | null {
  const base = `/app/${practiceId}`;
  // A WhatsApp template's alert: the owner fixes it from Settings → WhatsApp (its templates and Sync).
  if (n.whatsappTemplate) return `${base}/settings/whatsapp`;
  if (n.privacyRequest) return `${base}/privacy/requests/${n.privacyRequest.id}`;
  // A daily agenda opens the provider's own day in the calendar.
  if (n.agenda) return `${base}/calendar?${new URLSearchParams({ date: n.agenda.day, provider: n.agenda.providerId })}`;
  const conversation = n.conversationId ? `${base}/inbox/${n.conversationId}` : null;
  if (n.kind === 'needs_person' && conversation) return conversation;
  const a = n.appointment;
  if (a) {
    const query = new URLSearchParams({ date: wallTimeOf(a.start, timeZone).day, appointment: a.id });
    if (a.status === 'cancelled') query.set('cancelled', '1');
    return `${base}/calendar?${query}`;
  }
  return conversation;
}

/** The badge's figure: a tablet's header has room for three characters. */
export function badgeFigure(unread: number): string {
  return unread > 99 ? '99+' : String(unread);
}
