import type { AppointmentType, Provider } from '@dentalpro/contracts';
import { describe, expect, it } from 'vitest';
import { bookingDefaults, chairOfProviderAt, nearestTimes } from './booking-defaults';

const CHAIR_1 = '00000000-0000-4000-8000-0000000000c1';
const HYGIENE = '00000000-0000-4000-8000-0000000000c3';
// Tuesday 8 December 2026.
const TUESDAY = '2026-12-08';
const at = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3));

const hours = (chairId: string | null, start = '08:00', end = '17:00', weekday = 2) => ({
  id: crypto.randomUUID(),
  weekday,
  start,
  end,
  chairId,
  validFrom: null,
  validTo: null,
});
const provider = (userId: string, role: string, list: Provider['hours']): Provider => ({
  userId,
  displayName: userId,
  colour: '#000000',
  active: true,
  role,
  hours: list,
});
const type = (id: string, allowedRoles: string[]) =>
  ({ id, nameEn: id, nameFr: id, allowedRoles, durationMinutes: 30 }) as unknown as AppointmentType;

const dentist = provider('dentist', 'dentist', [hours(CHAIR_1)]);
const hygienist = provider('hygienist', 'hygienist', [hours(HYGIENE, '08:00', '12:00')]);
const types = [type('check-up', ['owner', 'dentist']), type('scale-and-polish', ['hygienist'])];

describe('bookingDefaults', () => {
  it('a free cell in the hygienist’s chair: the hygienist and a visit type a hygienist performs', () => {
    expect(
      bookingDefaults(
        { day: TUESDAY, minutes: at('09:30'), chairId: HYGIENE, providerId: null },
        [dentist, hygienist],
        types,
      ),
    ).toEqual({ providerId: 'hygienist', chairId: HYGIENE, typeId: 'scale-and-polish' });
  });

  it('the dentist’s chair: the dentist and a check-up', () => {
    expect(
      bookingDefaults(
        { day: TUESDAY, minutes: at('09:30'), chairId: CHAIR_1, providerId: null },
        [hygienist, dentist],
        types,
      ),
    ).toEqual({ providerId: 'dentist', chairId: CHAIR_1, typeId: 'check-up' });
  });

  it('follows the time: the hygiene chair after the hygienist’s hours has nobody set on it', () => {
    expect(
      bookingDefaults(
        { day: TUESDAY, minutes: at('14:00'), chairId: HYGIENE, providerId: null },
        [dentist, hygienist],
        types,
      ),
    ).toEqual({ providerId: '', chairId: HYGIENE, typeId: 'check-up' });
  });

  it('one who works on any chair comes after one set on the clicked chair', () => {
    const floater = provider('floater', 'dentist', [hours(null)]);
    expect(
      bookingDefaults(
        { day: TUESDAY, minutes: at('09:00'), chairId: HYGIENE, providerId: null },
        [floater, hygienist],
        types,
      ).providerId,
    ).toBe('hygienist');
    expect(
      bookingDefaults(
        { day: TUESDAY, minutes: at('15:00'), chairId: HYGIENE, providerId: null },
        [floater, hygienist],
        types,
      ).providerId,
    ).toBe('floater');
  });

  it('a click in a provider’s week column: the chair they work on then', () => {
    expect(
      bookingDefaults(
        { day: TUESDAY, minutes: at('10:00'), chairId: null, providerId: 'hygienist' },
        [dentist, hygienist],
        types,
      ),
    ).toEqual({ providerId: 'hygienist', chairId: HYGIENE, typeId: 'scale-and-polish' });
  });
});

describe('chairOfProviderAt', () => {
  it('reads the weekday, the end as exclusive, and the validity dates', () => {
    expect(chairOfProviderAt(hygienist, TUESDAY, at('11:59'))).toBe(HYGIENE);
    expect(chairOfProviderAt(hygienist, TUESDAY, at('12:00'))).toBeNull();
    expect(chairOfProviderAt(hygienist, '2026-12-09', at('09:00'))).toBeNull();
    const lapsed = provider('x', 'dentist', [{ ...hours(CHAIR_1), validTo: '2026-12-01' }]);
    expect(chairOfProviderAt(lapsed, TUESDAY, at('09:00'))).toBeNull();
  });
});

describe('nearestTimes', () => {
  it('the closest free times, in the order of the day', () => {
    expect(nearestTimes([at('08:00'), at('10:30'), at('11:00'), at('15:00')], at('10:00'))).toEqual([
      at('08:00'),
      at('10:30'),
      at('11:00'),
    ]);
    expect(nearestTimes([], at('10:00'))).toEqual([]);
  });
});
