import { describe, expect, it } from 'vitest';
import { CLINICAL_RECORDS_DAYS as ELEVEN_YEARS, birthdayOf, minorOn } from '../../platform/retention-dates.js';
import { DAY_MS, localDate, localHour, patientDueAt } from './retention.rules.js';

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe('when a patient’s time is up', () => {
  const adult = {
    lastVisitAt: day('2015-03-01'),
    nextAppointmentAt: null,
    dateOfBirth: '1980-06-15',
    createdAt: day('2010-01-01'),
  };

  it('an adult: the period after the last visit', () => {
    expect(patientDueAt(adult, { days: ELEVEN_YEARS, from: 'last_visit' })).toEqual(
      new Date(day('2015-03-01').getTime() + ELEVEN_YEARS * DAY_MS),
    );
  });

  it('a minor at the last visit: not before their 25th birthday, when that is later', () => {
    const child = { ...adult, dateOfBirth: '2012-05-20', lastVisitAt: day('2020-01-10') };
    expect(patientDueAt(child, { days: ELEVEN_YEARS, from: 'last_visit' })).toEqual(day('2037-05-20'));
    // Eleven years after a visit at 16 comes after the 25th birthday.
    const teen = { ...adult, dateOfBirth: '2004-05-20', lastVisitAt: day('2020-06-01') };
    expect(patientDueAt(teen, { days: ELEVEN_YEARS, from: 'last_visit' })?.toISOString().slice(0, 10)).toBe(
      '2031-06-02',
    );
  });

  it('nobody with a visit still to come; a patient never seen counts from the record', () => {
    expect(
      patientDueAt({ ...adult, nextAppointmentAt: day('2030-01-01') }, { days: 30, from: 'last_visit' }),
    ).toBeNull();
    expect(patientDueAt({ ...adult, lastVisitAt: null }, { days: 30, from: 'last_visit' })).toEqual(day('2010-01-31'));
  });

  it('an erasure’s recorded 25th birthday holds when the birth date is gone', () => {
    const erased = { ...adult, dateOfBirth: null, lastVisitAt: day('2020-01-01'), notBefore: day('2040-01-01') };
    expect(patientDueAt(erased, { days: ELEVEN_YEARS, from: 'last_visit' })).toEqual(day('2040-01-01'));
  });

  it('anchors not known per patient are left to the owner (undefined)', () => {
    expect(patientDueAt(adult, { days: 30, from: 'last_message' })).toBeUndefined();
  });

  it('birthdays and local dates', () => {
    expect(birthdayOf('2008-02-29', 25)).toBe('2033-03-01');
    expect(minorOn('2008-02-29', '2026-02-28')).toBe(true);
    expect(minorOn('2008-02-29', '2026-03-01')).toBe(false);
    // 22:30 UTC is 02:30 the next day in Mauritius (UTC+4).
    const at = new Date('2026-12-06T22:30:00Z');
    expect(localDate(at, 'Indian/Mauritius')).toBe('2026-12-07');
    expect(localHour(at, 'Indian/Mauritius')).toBe(2);
    expect(localHour(at, 'UTC')).toBe(22);
  });
});
