import { type AppointmentReminder, FAILURE_REASONS, REMINDER_REASONS } from '@dentalpro/contracts';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../i18n/en.json';
import fr from '../../i18n/fr.json';
import {
  offsetText,
  reminderLineText,
  reminderMarkText,
  reminderReasonText,
  summariseReminders,
} from './reminder-state';
import { draftOf, inputOf, newRuleDraft } from './rule-draft';

const START = '2027-03-09T05:30:00.000Z'; // 09:30 in Mauritius
const EARLIER_START = '2027-03-08T06:00:00.000Z';

async function wordsIn(language: 'en' | 'fr') {
  const i18n = i18next.createInstance();
  await i18n.init({
    resources: { en: { translation: en }, fr: { translation: fr } },
    lng: language,
    // No fallback: a key missing in French shows as the key, and the tests below see it.
    fallbackLng: false,
    interpolation: { escapeValue: false },
  });
  return i18n.t.bind(i18n) as unknown as (key: string, values?: Record<string, string | number>) => string;
}
/** Instants as the practice's clock shows them, short. */
const when = (iso: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Indian/Mauritius',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(iso));

function reminder(patch: Partial<AppointmentReminder>): AppointmentReminder {
  const offsetMinutes = patch.offsetMinutes ?? 120;
  return {
    offsetMinutes,
    appointmentStart: START,
    dueAt: new Date(Date.parse(patch.appointmentStart ?? START) - offsetMinutes * 60_000).toISOString(),
    state: 'planned',
    reason: null,
    at: null,
    sharedWith: [],
    channel: 'whatsapp',
    ...patch,
  };
}
const booked = { start: START, status: 'booked' };

describe('the mark an appointment shows for its reminders', () => {
  it('shows nothing when there is no reminder', () => {
    expect(summariseReminders(booked, [])).toBeNull();
  });

  it('shows the next planned reminder while none has gone', () => {
    const dayBefore = reminder({ offsetMinutes: 1440 });
    const twoHours = reminder({ offsetMinutes: 120 });
    expect(summariseReminders(booked, [twoHours, dayBefore])).toEqual({ kind: 'planned', reminder: dayBefore });
  });

  it('prefers what went out to what is planned, and shows the latest that went out', () => {
    const dayBefore = reminder({ offsetMinutes: 1440, state: 'read', at: '2027-03-08T06:00:00.000Z' });
    const twoHours = reminder({ offsetMinutes: 120, state: 'planned' });
    expect(summariseReminders(booked, [dayBefore, twoHours])?.kind).toBe('read');
    const sentToo = reminder({ offsetMinutes: 120, state: 'sent', at: '2027-03-09T03:30:00.000Z' });
    expect(summariseReminders(booked, [dayBefore, sentToo])).toEqual({ kind: 'sent', reminder: sentToo });
  });

  it('says confirmed once a reminded appointment is confirmed, and failed when the last send failed', () => {
    const delivered = reminder({ state: 'delivered', at: '2027-03-09T03:31:00.000Z' });
    expect(summariseReminders({ start: START, status: 'confirmed' }, [delivered])?.kind).toBe('confirmed');
    const failed = reminder({ state: 'failed', reason: 'not_on_whatsapp' });
    expect(summariseReminders({ start: START, status: 'confirmed' }, [failed])?.kind).toBe('failed');
    // Confirmed at the desk with no reminder sent: the mark says what became of the reminders, not "confirmed".
    const planned = reminder({ state: 'planned' });
    expect(summariseReminders({ start: START, status: 'confirmed' }, [planned])?.kind).toBe('planned');
  });

  it('explains the last skipped reminder when nothing else is left', () => {
    const lead = reminder({ offsetMinutes: 1440, state: 'skipped', reason: 'lead_time' });
    const quiet = reminder({ offsetMinutes: 120, state: 'skipped', reason: 'quiet_hours' });
    expect(summariseReminders(booked, [lead, quiet])).toEqual({ kind: 'skipped', reminder: quiet });
  });

  it('leaves out reminders of an earlier start (the visit moved)', () => {
    const old = reminder({ appointmentStart: EARLIER_START, state: 'sent', at: '2027-03-07T06:00:00.000Z' });
    const movedAway = reminder({ appointmentStart: EARLIER_START, offsetMinutes: 1440, state: 'skipped' });
    expect(summariseReminders(booked, [old, movedAway])).toBeNull();
    const fresh = reminder({ state: 'planned' });
    expect(summariseReminders(booked, [old, fresh])?.kind).toBe('planned');
  });
});

describe('the words of reminders', () => {
  it.each(['en', 'fr'] as const)('has words in %s for every reason the server may give', async (language) => {
    const t = await wordsIn(language);
    const texts = new Set<string>();
    for (const reason of [...REMINDER_REASONS, ...FAILURE_REASONS]) {
      const text = reminderReasonText(reason, t);
      expect(text, reason).not.toMatch(/^reminders\./);
      texts.add(text);
    }
    // opted_out is in both lists and worded once.
    expect(texts.size).toBe(new Set([...REMINDER_REASONS, ...FAILURE_REASONS]).size);
    // A code this build does not know reads as WhatsApp's refusal, not as a key.
    expect(reminderReasonText('some_new_code', t)).toBe(reminderReasonText('unknown', t));
  });

  it('names each mark in English', async () => {
    const t = await wordsIn('en');
    const mark = (kind: string, r: AppointmentReminder, status = 'booked') => {
      const summary = summariseReminders({ start: START, status }, [r]);
      expect(summary?.kind).toBe(kind);
      return reminderMarkText(summary!, t, when);
    };
    expect(mark('planned', reminder({}))).toBe('Reminder planned for 9 Mar, 07:30');
    expect(mark('sent', reminder({ state: 'sent', at: '2027-03-09T03:31:00.000Z' }))).toBe('Reminded 9 Mar, 07:31');
    expect(mark('delivered', reminder({ state: 'delivered', at: '2027-03-09T03:32:00.000Z' }))).toBe(
      'Reminded, delivered 9 Mar, 07:32',
    );
    expect(mark('read', reminder({ state: 'read', at: '2027-03-09T04:00:00.000Z' }))).toBe(
      'Reminded, read 9 Mar, 08:00',
    );
    expect(mark('confirmed', reminder({ state: 'read' }), 'confirmed')).toBe('Reminded, confirmed');
    expect(mark('failed', reminder({ state: 'failed', reason: 'not_on_whatsapp' }))).toBe(
      'Reminder failed: This number is not on WhatsApp.',
    );
    expect(mark('skipped', reminder({ state: 'skipped', reason: 'no_whatsapp_number' }))).toBe(
      'Reminder not sent: The patient has no WhatsApp number.',
    );
  });

  it('a reminder that went by email says so, and why an email failed, in English and French', async () => {
    const byEmail = reminder({ state: 'sent', channel: 'email', at: '2027-03-09T03:31:00.000Z' });
    const failed = reminder({ state: 'failed', channel: 'email', reason: 'mail_refused' });
    const en = await wordsIn('en');
    const summary = summariseReminders({ start: START, status: 'booked' }, [byEmail])!;
    expect(reminderMarkText(summary, en, when)).toBe('Reminded by email 9 Mar, 07:31');
    expect(reminderLineText(byEmail, en, when)).toBe('2 h before: sent by email 9 Mar, 07:31');
    expect(reminderReasonText(failed.reason, en)).toBe('The mail server refused the email.');
    const fr = await wordsIn('fr');
    expect(reminderMarkText(summary, fr, when)).toBe('Rappel envoyé par e-mail le 9 Mar, 07:31');
    for (const reason of ['no_email', 'email_no_consent', 'mail_refused', 'no_mail_server'])
      expect(reminderReasonText(reason, fr)).not.toBe(reminderReasonText('unknown', fr));
  });

  it('names each mark and line in French', async () => {
    const t = await wordsIn('fr');
    const planned = summariseReminders(booked, [reminder({ offsetMinutes: 1440 })])!;
    expect(reminderMarkText(planned, t, when)).toBe('Rappel prévu le 8 Mar, 09:30');
    const skipped = reminder({ offsetMinutes: 1440, state: 'skipped', reason: 'lead_time' });
    expect(reminderLineText(skipped, t, when)).toBe(
      '1 jour avant : non envoyé. Réservé trop peu de temps avant la visite pour ce rappel.',
    );
    expect(reminderLineText(reminder({ offsetMinutes: 120, state: 'sent', at: START }), t, when)).toBe(
      '2 h avant : envoyé le 9 Mar, 09:30',
    );
  });

  it('says how long before', async () => {
    const t = await wordsIn('en');
    expect(offsetText(1440, t)).toBe('1 day before');
    expect(offsetText(2 * 1440 + 180, t)).toBe('2 days 3 h before');
    expect(offsetText(120, t)).toBe('2 h before');
    expect(offsetText(90, t)).toBe('1 h 30 min before');
  });
});

describe('a rule in the settings form', () => {
  it('reads back as it was saved, minutes beyond whole hours kept', () => {
    for (const rule of [
      { offsetMinutes: 1440, appointmentTypeIds: null, minLeadMinutes: 1440 },
      { offsetMinutes: 120, appointmentTypeIds: ['a0a0a0a0-0000-4000-8000-000000000000'], minLeadMinutes: 0 },
      { offsetMinutes: 2 * 1440 + 95, appointmentTypeIds: [], minLeadMinutes: 45 },
    ])
      expect(inputOf(draftOf(rule))).toEqual(rule);
  });

  it('takes days and hours as typed', () => {
    const draft = {
      ...draftOf({ offsetMinutes: 120, appointmentTypeIds: null, minLeadMinutes: 0 }),
      days: '1',
      hours: '',
    };
    expect(inputOf(draft).offsetMinutes).toBe(1440);
  });

  it('adds a rule that no rule already sends near', () => {
    const defaults = [
      draftOf({ offsetMinutes: 1440, appointmentTypeIds: null, minLeadMinutes: 1440 }),
      draftOf({ offsetMinutes: 4320, appointmentTypeIds: null, minLeadMinutes: 0 }),
    ];
    expect(inputOf(newRuleDraft(defaults)).offsetMinutes).toBe(240);
    expect(newRuleDraft(defaults).key).not.toBe(newRuleDraft(defaults).key);
  });
});
