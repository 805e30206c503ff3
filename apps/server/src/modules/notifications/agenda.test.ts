import { describe, expect, it } from 'vitest';
import {
  type AgendaAppointment,
  WHATSAPP_LIST_MAX,
  agendaLine,
  agendaTemplateValues,
  shortName,
  summariseDay,
} from './agenda.js';

const TZ = 'Indian/Mauritius';
const at = (time: string) => new Date(`2026-12-15T${time}:00+04:00`);

let n = 0;
function visit(time: string, over: Partial<AgendaAppointment> = {}): AgendaAppointment {
  n++;
  return {
    appointmentId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    start: at(time),
    end: new Date(at(time).getTime() + 30 * 60_000),
    patient: { givenName: 'Ravi', familyName: 'Ramgoolam' },
    visitType: { en: 'Check-up', fr: 'Contrôle' },
    chairName: 'Chair 1',
    newPatient: false,
    medicalAlert: false,
    ...over,
  };
}

describe('the day summary', () => {
  it('counts the day and gives its first and last start, soonest first whatever the order given', () => {
    const summary = summariseDay([visit('14:30'), visit('08:30'), visit('11:00')]);
    expect(summary).toMatchObject({ count: 3, firstStart: at('08:30'), lastStart: at('14:30') });
    expect(summary!.lines.map((l) => l.start)).toEqual([at('08:30'), at('11:00'), at('14:30')]);
  });

  it('is nothing for a day without appointments', () => {
    expect(summariseDay([])).toBeNull();
  });

  it('names the patient in full in the app, by first name and initial on WhatsApp, with type, chair and flags', () => {
    const line = visit('09:15', {
      patient: { givenName: 'Marie Claire', familyName: "d'Unienville" },
      newPatient: true,
      medicalAlert: true,
    });
    expect(agendaLine(line, { language: 'en', timeZone: TZ, names: 'full' })).toBe(
      "09:15 Marie Claire d'Unienville (Check-up, Chair 1, new patient, medical alert)",
    );
    expect(agendaLine(line, { language: 'fr', timeZone: TZ, names: 'short' })).toBe(
      '09:15 Marie D. (Contrôle, Chair 1, nouveau patient, alerte médicale)',
    );
    expect(agendaLine(visit('16:00'), { language: 'en', timeZone: TZ, names: 'short' })).toBe(
      '16:00 Ravi R. (Check-up, Chair 1)',
    );
    expect(shortName({ givenName: 'Wei', familyName: '' })).toBe('Wei');
  });

  it("fills the daily_agenda template in the dentist's language, with no family name", () => {
    const summary = summariseDay([visit('08:30', { newPatient: true }), visit('15:45', { medicalAlert: true })])!;
    const values = agendaTemplateValues(summary, {
      language: 'fr',
      timeZone: TZ,
      providerName: 'Dr Owner',
      practiceName: 'Demo Dental Clinic',
    });
    expect(values).toEqual({
      '1': 'Dr Owner',
      '2': 'Demo Dental Clinic',
      '3': 'mardi 15 décembre',
      '4': '2',
      '5': '08:30',
      '6': '15:45',
      '7': '08:30 Ravi R. (Contrôle, Chair 1, nouveau patient); 15:45 Ravi R. (Contrôle, Chair 1, alerte médicale)',
    });
    expect(JSON.stringify(values)).not.toContain('Ramgoolam');
    // The values fit the catalogue's template: test/daily-agenda.test.ts (messaging's own parts stay messaging's).
  });

  it('cuts a long day short on WhatsApp and says how many more are in the app', () => {
    const day = Array.from({ length: 40 }, (_, i) =>
      visit(`${String(8 + Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`, {
        patient: { givenName: 'Bartholomew-Alexandre', familyName: 'Zanzibar' },
        visitType: { en: 'Scale and polish', fr: 'Détartrage et polissage' },
      }),
    );
    const values = agendaTemplateValues(summariseDay(day)!, {
      language: 'en',
      timeZone: TZ,
      providerName: 'Dr Owner',
      practiceName: 'Demo',
    });
    expect(values['4']).toBe('40');
    expect(values['7']!.length).toBeLessThanOrEqual(WHATSAPP_LIST_MAX);
    const shown = values['7']!.split('; ').length - 1;
    expect(values['7']).toMatch(new RegExp(`and ${40 - shown} more in DentalPro$`));
    expect(values['6']).toBe('17:45');
  });
});
