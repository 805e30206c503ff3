import type { StaffNotification } from '@dentalpro/contracts';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../i18n/en.json';
import fr from '../../i18n/fr.json';
import { badgeFigure, describeNotification, notificationTarget, timeAgo } from './notification-text';

const TZ = 'Indian/Mauritius';
const PRACTICE = 'a0a0a0a0-0000-4000-8000-000000000000';
const APPOINTMENT = '7c1d0e2f-3333-4333-8333-333333333333';
const CONVERSATION = 'c0c0c0c0-4444-4444-8444-444444444444';

async function wordsIn(language: 'en' | 'fr') {
  const i18n = i18next.createInstance();
  await i18n.init({
    resources: { en: { translation: en }, fr: { translation: fr } },
    lng: language,
    fallbackLng: 'en',
    interpolation: { escapeValue: false },
  });
  // The calendar's own format (useCalendarFormat's dateTime) on the practice's clock.
  const format = new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', {
    timeZone: TZ,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return {
    t: (key: string, values?: Record<string, string | number>) => i18n.t(key, values),
    when: (iso: string) => format.format(new Date(iso)),
  };
}

function notification(overrides: Partial<StaffNotification>): StaffNotification {
  return {
    id: 'b1b1b1b1-1111-4111-8111-111111111111',
    kind: 'whatsapp_booked',
    createdAt: '2026-12-07T08:00:00.000Z',
    readAt: null,
    patient: { id: 'd1d1d1d1-2222-4222-8222-222222222222', name: 'Marie Appadoo' },
    // 10:30 in Mauritius (UTC+4).
    appointment: {
      id: APPOINTMENT,
      start: '2026-12-08T06:30:00.000Z',
      end: '2026-12-08T07:00:00.000Z',
      status: 'booked',
      providerName: 'Dr Li',
    },
    previousStart: null,
    conversationId: CONVERSATION,
    reason: null,
    failureReason: null,
    privacyRequest: null,
    ...overrides,
  };
}

describe('describeNotification', () => {
  it('says what the patient did on WhatsApp, with the time on the practice clock and the dentist', async () => {
    const { t, when } = await wordsIn('en');
    expect(describeNotification(notification({}), t, when)).toBe(
      'Marie Appadoo booked on WhatsApp — Tue 8 Dec, 10:30, Dr Li',
    );
    expect(
      describeNotification(
        notification({ kind: 'whatsapp_moved', previousStart: '2026-12-07T05:00:00.000Z' }),
        t,
        when,
      ),
    ).toBe('Marie Appadoo moved on WhatsApp from Mon 7 Dec, 09:00 to Tue 8 Dec, 10:30');
    expect(describeNotification(notification({ kind: 'whatsapp_cancelled' }), t, when)).toBe(
      'Marie Appadoo cancelled on WhatsApp — Tue 8 Dec, 10:30',
    );
  });

  it('gives the handover reason in the inbox words', async () => {
    const { t, when } = await wordsIn('en');
    const handover = notification({ kind: 'needs_person', appointment: null, reason: 'urgent' });
    expect(describeNotification(handover, t, when)).toBe(
      'WhatsApp conversation with Marie Appadoo needs a person — Urgent',
    );
    expect(describeNotification({ ...handover, patient: null }, t, when)).toBe(
      'WhatsApp conversation needs a person — Urgent',
    );
  });

  it('says a reminder was not delivered, when for, and why in the inbox words, in English and French', async () => {
    const failed = notification({ kind: 'reminder_failed', failureReason: 'not_on_whatsapp' });
    const en = await wordsIn('en');
    expect(describeNotification(failed, en.t, en.when)).toBe(
      "Reminder to Marie Appadoo for Tue 8 Dec, 10:30 not delivered — phone them. This number is not on WhatsApp, or the patient's app is too old to receive the message.",
    );
    const fr = await wordsIn('fr');
    expect(describeNotification({ ...failed, appointment: null }, fr.t, fr.when)).toMatch(
      /^Rappel à Marie Appadoo non remis — appelez le patient\. .+WhatsApp/,
    );
    // It opens the appointment in the calendar, where the reminder's mark says the same.
    expect(notificationTarget(failed, PRACTICE, TZ)).toBe(
      `/app/${PRACTICE}/calendar?date=2026-12-08&appointment=${APPOINTMENT}`,
    );
  });

  it('says a privacy request is due soon or overdue, with its kind and due date, and opens the request', async () => {
    const REQUEST = 'e1e1e1e1-5555-4555-8555-555555555555';
    const dueSoon = notification({
      kind: 'privacy_request_due_soon',
      appointment: null,
      conversationId: null,
      // 10:30 on 8 December in Mauritius.
      privacyRequest: { id: REQUEST, type: 'access', dueAt: '2026-12-08T06:30:00.000Z' },
    });
    const overdue = { ...dueSoon, kind: 'privacy_request_overdue' as const };
    const en = await wordsIn('en');
    expect(describeNotification(dueSoon, en.t, en.when)).toBe(
      'Privacy request from Marie Appadoo (Copy of their data) due soon — by Tue 8 Dec, 10:30',
    );
    expect(describeNotification(overdue, en.t, en.when)).toBe(
      'Privacy request from Marie Appadoo (Copy of their data) overdue — it was due Tue 8 Dec, 10:30',
    );
    const fr = await wordsIn('fr');
    expect(describeNotification(overdue, fr.t, fr.when)).toBe(
      'Demande sur les données de Marie Appadoo (Copie de ses données) en retard — elle était due le mar. 8 déc., 10:30',
    );
    expect(notificationTarget(overdue, PRACTICE, TZ)).toBe(`/app/${PRACTICE}/privacy/requests/${REQUEST}`);
  });

  it('still says something when the patient or the appointment is gone', async () => {
    const { t, when } = await wordsIn('en');
    expect(describeNotification(notification({ patient: null, appointment: null }), t, when)).toBe(
      'A patient booked on WhatsApp',
    );
    const noDentist = notification({});
    if (noDentist.appointment) noDentist.appointment.providerName = null;
    expect(describeNotification(noDentist, t, when)).toBe('Marie Appadoo booked on WhatsApp — Tue 8 Dec, 10:30');
  });

  it('speaks French', async () => {
    const { t, when } = await wordsIn('fr');
    expect(describeNotification(notification({}), t, when)).toBe(
      'Marie Appadoo a pris rendez-vous sur WhatsApp — mar. 8 déc., 10:30, Dr Li',
    );
    expect(
      describeNotification(
        notification({ kind: 'whatsapp_moved', previousStart: '2026-12-07T05:00:00.000Z' }),
        t,
        when,
      ),
    ).toBe('Marie Appadoo a déplacé son rendez-vous sur WhatsApp du lun. 7 déc., 09:00 au mar. 8 déc., 10:30');
    expect(
      describeNotification(notification({ kind: 'needs_person', reason: 'not_understood', patient: null }), t, when),
    ).toBe("Conversation WhatsApp : besoin d'une personne — Message non compris");
  });
});

describe('timeAgo', () => {
  const now = Date.parse('2026-12-08T10:00:00Z');
  it('counts as the inbox does', async () => {
    const { t } = await wordsIn('en');
    expect(timeAgo('2026-12-08T09:59:40Z', now, t)).toBe('just now');
    expect(timeAgo('2026-12-08T09:48:00Z', now, t)).toBe('12 min ago');
    expect(timeAgo('2026-12-08T07:00:00Z', now, t)).toBe('3 h ago');
    expect(timeAgo('2026-12-05T10:00:00Z', now, t)).toBe('3 days ago');
    const french = await wordsIn('fr');
    expect(timeAgo('2026-12-08T07:00:00Z', now, french.t)).toBe('il y a 3 h');
  });
});

describe('notificationTarget', () => {
  it('opens the appointment in the calendar on its day in the practice zone', () => {
    expect(notificationTarget(notification({}), PRACTICE, TZ)).toBe(
      `/app/${PRACTICE}/calendar?date=2026-12-08&appointment=${APPOINTMENT}`,
    );
    // 22:30 UTC on the 7th is already the 8th in Mauritius.
    const late = notification({});
    if (late.appointment) late.appointment.start = '2026-12-07T22:30:00.000Z';
    expect(notificationTarget(late, PRACTICE, TZ)).toContain('date=2026-12-08');
  });

  it('shows cancelled appointments when the appointment is cancelled', () => {
    const cancelled = notification({ kind: 'whatsapp_cancelled' });
    if (cancelled.appointment) cancelled.appointment.status = 'cancelled';
    expect(notificationTarget(cancelled, PRACTICE, TZ)).toBe(
      `/app/${PRACTICE}/calendar?date=2026-12-08&appointment=${APPOINTMENT}&cancelled=1`,
    );
  });

  it('opens the conversation for a handover, or when the appointment is gone', () => {
    expect(notificationTarget(notification({ kind: 'needs_person', reason: 'asked' }), PRACTICE, TZ)).toBe(
      `/app/${PRACTICE}/inbox/${CONVERSATION}`,
    );
    expect(notificationTarget(notification({ appointment: null }), PRACTICE, TZ)).toBe(
      `/app/${PRACTICE}/inbox/${CONVERSATION}`,
    );
    expect(notificationTarget(notification({ appointment: null, conversationId: null }), PRACTICE, TZ)).toBeNull();
  });
});

describe('badgeFigure', () => {
  it('fits a tablet header', () => {
    expect(badgeFigure(3)).toBe('3');
    expect(badgeFigure(99)).toBe('99');
    expect(badgeFigure(100)).toBe('99+');
  });
});

describe('the daily agenda', () => {
  const PROVIDER = 'e1e1e1e1-5555-4555-8555-555555555555';
  const agenda = (count: number) =>
    notification({
      kind: 'daily_agenda',
      patient: null,
      appointment: null,
      conversationId: null,
      // 08:30 and 15:30 in Mauritius.
      agenda: {
        providerId: PROVIDER,
        day: '2026-12-08',
        count,
        firstStart: '2026-12-08T04:30:00.000Z',
        lastStart: '2026-12-08T11:30:00.000Z',
      },
    });

  it('tells the dentist their day in English and French, one appointment or several', async () => {
    const en = await wordsIn('en');
    expect(describeNotification(agenda(7), en.t, en.when)).toBe(
      'Your day, Tuesday 8 December: 7 appointments, the first at 08:30, the last at 15:30',
    );
    expect(describeNotification(agenda(1), en.t, en.when)).toBe(
      'Your day, Tuesday 8 December: one appointment, at 08:30',
    );
    const fr = await wordsIn('fr');
    expect(describeNotification(agenda(7), fr.t, fr.when)).toBe(
      'Votre journée, mardi 8 décembre : 7 rendez-vous, le premier à 08:30, le dernier à 15:30',
    );
  });

  it("opens the provider's own day in the calendar", () => {
    expect(notificationTarget(agenda(7), PRACTICE, TZ)).toBe(
      `/app/${PRACTICE}/calendar?date=2026-12-08&provider=${PROVIDER}`,
    );
  });
});
