import type { AppointmentReminder } from '@dentalpro/contracts';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import en from '../../i18n/en.json';
import fr from '../../i18n/fr.json';
import { reminderLineText, reminderMarkText, summariseReminders } from './reminder-state';

/** A reminder held back by Meta's daily messaging limit: the calendar says it waits, and until when. */

const START = '2027-03-09T05:30:00.000Z';
const when = (iso: string) => iso.slice(11, 16);

async function wordsIn(language: 'en' | 'fr') {
  const i18n = i18next.createInstance();
  await i18n.init({
    resources: { en: { translation: en }, fr: { translation: fr } },
    lng: language,
    fallbackLng: false,
    interpolation: { escapeValue: false },
  });
  return i18n.t.bind(i18n) as unknown as (key: string, values?: Record<string, string | number>) => string;
}

const held = {
  offsetMinutes: 1440,
  appointmentStart: START,
  dueAt: '2027-03-08T05:30:00.000Z',
  state: 'planned',
  reason: 'messaging_limit',
  at: '2027-03-08T09:15:00.000Z',
  sharedWith: [],
  channel: 'whatsapp',
} as unknown as AppointmentReminder;

describe('a reminder held back by the daily WhatsApp limit', () => {
  it('shows when it goes, in English and French', async () => {
    const summary = summariseReminders({ start: START, status: 'booked' }, [held])!;
    expect(summary.kind).toBe('planned');
    const t = await wordsIn('en');
    expect(reminderMarkText(summary, t, when)).toBe('Daily WhatsApp limit reached: the reminder goes at 09:15');
    expect(reminderLineText(held, t, when)).toBe('1 day before: daily WhatsApp limit reached, goes at 09:15');
    const tf = await wordsIn('fr');
    expect(reminderMarkText(summary, tf, when)).toBe('Limite quotidienne WhatsApp atteinte : le rappel part à 09:15');
  });
});

describe('a held reminder its visit overtook', () => {
  it('shows it was not sent, and that the limit held it, in English and French', async () => {
    const tooLate = {
      ...held,
      state: 'skipped',
      reason: 'held_too_late',
      at: '2027-03-09T05:00:00.000Z',
    } as unknown as AppointmentReminder;
    const summary = summariseReminders({ start: START, status: 'booked' }, [tooLate])!;
    expect(summary.kind).toBe('skipped');
    const t = await wordsIn('en');
    expect(reminderMarkText(summary, t, when)).toBe(
      'Reminder not sent: The daily WhatsApp limit held it back until too close to the appointment, so it was not sent.',
    );
    expect(reminderLineText(tooLate, t, when)).toBe(
      '1 day before: not sent. The daily WhatsApp limit held it back until too close to the appointment, so it was not sent.',
    );
    const tf = await wordsIn('fr');
    expect(reminderLineText(tooLate, tf, when)).toMatch(
      /limite quotidienne WhatsApp l'a retenu jusqu'à trop près du rendez-vous/,
    );
  });
});
