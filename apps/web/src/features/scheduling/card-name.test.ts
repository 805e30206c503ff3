import { describe, expect, it } from 'vitest';
import { appointmentCardName } from './card-name';

const card = {
  time: '09:30–10:00',
  alert: 'Medical alert',
  patient: 'Marie Lebon',
  type: 'Check-up',
  status: 'Booked',
  reminder: 'Reminded 8 Mar, 09:30',
};

describe('appointmentCardName', () => {
  it('says what the card writes, in its order, then the reminder mark', () => {
    expect(appointmentCardName(card)).toBe(
      '09:30–10:00, Medical alert, Marie Lebon, Check-up, Booked, Reminded 8 Mar, 09:30',
    );
  });

  it('on a short card that leaves the type out, says the type after the written status', () => {
    const name = appointmentCardName({ ...card, typeShown: false });
    expect(name).toBe('09:30–10:00, Medical alert, Marie Lebon, Booked, Check-up, Reminded 8 Mar, 09:30');
    // The written text (time, alert, patient, status) is one run of the name.
    expect(name).toContain('09:30–10:00, Medical alert, Marie Lebon, Booked');
  });

  it('where the alert is drawn as its symbol only, says its words after the written status too', () => {
    const name = appointmentCardName({ ...card, typeShown: false, alertShown: false });
    expect(name).toBe('09:30–10:00, Marie Lebon, Booked, Medical alert, Check-up, Reminded 8 Mar, 09:30');
    expect(name).toContain('09:30–10:00, Marie Lebon, Booked');
  });
});
