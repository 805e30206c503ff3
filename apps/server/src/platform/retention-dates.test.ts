import { describe, expect, it } from 'vitest';
import { CLINICAL_RECORDS_DAYS, addDays, clinicalRecordsKeptUntil, laterDate } from './retention-dates.js';

describe('clinical records kept until', () => {
  it('an adult: 11 years (4018 days) after the last visit', () => {
    expect(CLINICAL_RECORDS_DAYS).toBe(4018);
    expect(clinicalRecordsKeptUntil({ lastVisit: '2026-12-07', dateOfBirth: '1980-05-06' })).toBe('2037-12-07');
  });
  it('a child seen at 6: their 25th birthday, later than 11 years after the visit', () => {
    expect(clinicalRecordsKeptUntil({ lastVisit: '2026-12-07', dateOfBirth: '2020-02-29' })).toBe('2045-03-01');
  });
  it('a teenager seen at 16: 11 years after the visit, later than their 25th birthday', () => {
    expect(clinicalRecordsKeptUntil({ lastVisit: '2026-12-07', dateOfBirth: '2010-01-01' })).toBe('2037-12-07');
  });
  it('a longer period chosen by the practice; no visit: nothing to count from', () => {
    expect(clinicalRecordsKeptUntil({ lastVisit: '2026-12-07', dateOfBirth: null, days: 5000 })).toBe(
      addDays('2026-12-07', 5000),
    );
    expect(clinicalRecordsKeptUntil({ lastVisit: null, dateOfBirth: '2010-01-01' })).toBeNull();
    expect(laterDate(null, '2030-01-01')).toBe('2030-01-01');
  });
});
