import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { formatDay, formatPhone } from './format';

describe('formatPhone', () => {
  it('shows an E.164 number in international format with spaces', () => {
    expect(formatPhone('+23055364760')).toBe('+230 5536 4760');
    expect(formatPhone('+2302081234')).toBe('+230 208 1234');
    expect(formatPhone('+33612345678')).toBe('+33 6 12 34 56 78');
  });

  it('reads a Mauritian number written without +230, as the server stores it', () => {
    expect(formatPhone('55364760')).toBe('+230 5536 4760');
  });

  it('shows what is not a valid number as it is', () => {
    expect(formatPhone('')).toBe('');
    expect(formatPhone('12')).toBe('12');
    expect(formatPhone('call the office')).toBe('call the office');
  });
});

describe('formatDay', () => {
  const originalZone = process.env.TZ;
  afterEach(() => {
    process.env.TZ = originalZone;
  });
  // The zones furthest behind and ahead of UTC, and the practice's own.
  const zones = ['Pacific/Pago_Pago', 'America/Los_Angeles', 'UTC', 'Indian/Mauritius', 'Pacific/Kiritimati'];

  it('shows a birth date in the interface language', () => {
    expect(formatDay('1988-08-27', 'en')).toBe('27 Aug 1988');
    expect(formatDay('1988-08-27', 'fr')).toBe('27 août 1988');
  });

  it.each(zones)('never moves 1988-08-27 to another day in %s', (zone) => {
    process.env.TZ = zone;
    // The trap being avoided: read as an instant, the date is the 26th west of UTC.
    if (zone.startsWith('America') || zone === 'Pacific/Pago_Pago') expect(new Date('1988-08-27').getDate()).toBe(26);
    expect(formatDay('1988-08-27', 'en')).toBe('27 Aug 1988');
    expect(formatDay('1988-08-27', 'fr')).toBe('27 août 1988');
  });

  it('keeps the day of the month for any date, in any zone', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2100-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (instant, zone) => {
          process.env.TZ = zone;
          const day = instant.toISOString().slice(0, 10);
          const dayOfMonth = String(Number(day.slice(8, 10)));
          expect(formatDay(day, 'en').split(' ')[0]).toBe(dayOfMonth);
          expect(formatDay(day, 'fr').split(' ')[0]).toBe(dayOfMonth);
        },
      ),
    );
  });

  it('shows what is not a calendar date as it is', () => {
    expect(formatDay('1988-02-30', 'en')).toBe('1988-02-30');
    expect(formatDay('27/08/1988', 'fr')).toBe('27/08/1988');
  });
});
