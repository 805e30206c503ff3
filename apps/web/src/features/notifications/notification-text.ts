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
  }
}

/** How long ago, as the inbox counts waiting: "just now", "12 min ago", "3 h ago", "2 days ago". */
export function timeAgo(createdAt: string, now: number, t: Translate): string {
  const elapsed = waitedFor(createdAt, now);
  if (!elapsed || (elapsed.key === 'minutes' && elapsed.count === 0)) return t('notifications.justNow');
  return t('notifications.ago', { time: t(`inbox.waited.${elapsed.key}`, { count: elapsed.count }) });
}

/**
 * Where the work is: the appointment opened in the calendar on its day (cancelled ones shown, so
 * a cancellation can be seen), else the WhatsApp conversation in the inbox. A handover goes to
 * the conversation first. Null when neither is left (an erased patient's).
 */
export function notificationTarget(n: StaffNotification, practiceId: string, timeZone: string): string | null {
  const base = `/app/${practiceId}`;
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
