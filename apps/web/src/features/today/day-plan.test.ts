import { describe, expect, it } from 'vitest';
import {
  dayOrder,
  followUpDay,
  freeGaps,
  isUnconfirmed,
  minutesLate,
  nearestSlot,
  shortestTypeByRole,
} from './day-plan';

const at = (clock: string) => Date.parse(`2026-12-07T${clock}:00+04:00`);
const iso = (clock: string) => new Date(at(clock)).toISOString();

describe('who is late', () => {
  it('counts the minutes past the start of a patient still expected', () => {
    expect(minutesLate({ start: iso('09:00'), status: 'booked' }, at('09:12'))).toBe(12);
    expect(minutesLate({ start: iso('09:00'), status: 'confirmed' }, at('09:00') + 20_000)).toBe(1);
  });

  it('is nobody before the start, nor anyone who arrived, is in the chair, done or gone', () => {
    expect(minutesLate({ start: iso('09:00'), status: 'booked' }, at('08:59'))).toBe(0);
    expect(minutesLate({ start: iso('09:00'), status: 'booked' }, at('09:00'))).toBe(0);
    for (const status of ['arrived', 'in_chair', 'completed', 'no_show', 'cancelled', 'held'] as const)
      expect(minutesLate({ start: iso('09:00'), status }, at('10:00'))).toBe(0);
  });
});

describe('unconfirmed', () => {
  it('is a booked appointment still to come, not a confirmed one nor one already started', () => {
    expect(isUnconfirmed({ start: iso('11:00'), status: 'booked' }, at('09:00'))).toBe(true);
    expect(isUnconfirmed({ start: iso('11:00'), status: 'confirmed' }, at('09:00'))).toBe(false);
    expect(isUnconfirmed({ start: iso('08:00'), status: 'booked' }, at('09:00'))).toBe(false);
  });
});

describe('the day’s order', () => {
  it('sorts by start, then by chair', () => {
    const list = [
      { id: 'c', start: iso('10:00'), chairId: 'b' },
      { id: 'a', start: iso('09:00'), chairId: 'z' },
      { id: 'b', start: iso('10:00'), chairId: 'a' },
    ];
    expect(dayOrder(list).map((x) => x.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('gaps worth filling', () => {
  const slot = (providerId: string, from: string, to: string) => ({ providerId, start: iso(from), end: iso(to) });

  it('merges a provider’s overlapping and touching free slots (on any chair) into one gap', () => {
    const slots = [
      slot('dr', '10:00', '10:30'),
      slot('dr', '10:15', '10:45'),
      slot('dr', '10:45', '11:15'),
      slot('dr', '14:00', '14:30'),
    ];
    const gaps = freeGaps(slots, () => 30, at('08:00'));
    expect(gaps.map((g) => [new Date(g.start).toISOString(), g.minutes])).toEqual([
      [iso('10:00'), 75],
      [iso('14:00'), 30],
    ]);
  });

  it('keeps only what is still ahead, and only gaps as long as the shortest visit', () => {
    const slots = [slot('dr', '09:00', '09:30'), slot('dr', '09:15', '09:45'), slot('hyg', '09:00', '09:20')];
    // At 09:20 the dentist has 25 minutes left of that gap: too short for a 30-minute check-up.
    expect(freeGaps(slots, (p) => (p === 'dr' ? 30 : 20), at('09:20'))).toEqual([]);
    const early = freeGaps(slots, (p) => (p === 'dr' ? 30 : 20), at('08:00'));
    expect(early.map((g) => [g.providerId, g.minutes])).toEqual([
      ['dr', 45],
      ['hyg', 20],
    ]);
  });

  it('finds each role’s shortest active visit', () => {
    const types = [
      { id: 'checkup', durationMinutes: 30, allowedRoles: ['dentist', 'owner'], active: true },
      { id: 'quick', durationMinutes: 15, allowedRoles: ['dentist'], active: false },
      { id: 'cleaning', durationMinutes: 45, allowedRoles: ['hygienist'], active: true },
      { id: 'filling', durationMinutes: 60, allowedRoles: ['dentist', 'hygienist'], active: true },
    ] as const;
    const byRole = shortestTypeByRole(types as never, ['dentist', 'hygienist', 'owner', 'receptionist']);
    expect(byRole.get('dentist')).toEqual({ id: 'checkup', durationMinutes: 30 });
    expect(byRole.get('hygienist')).toEqual({ id: 'cleaning', durationMinutes: 45 });
    expect(byRole.get('owner')?.id).toBe('checkup');
    expect(byRole.has('receptionist')).toBe(false);
  });
});

describe('follow-up day', () => {
  it('adds weeks as days, and months and years on the calendar', () => {
    expect(followUpDay('2026-12-07', '1w')).toBe('2026-12-14');
    expect(followUpDay('2026-12-28', '2w')).toBe('2027-01-11');
    expect(followUpDay('2026-12-07', '1m')).toBe('2027-01-07');
    expect(followUpDay('2026-12-07', '6m')).toBe('2027-06-07');
    expect(followUpDay('2026-12-07', '1y')).toBe('2027-12-07');
  });

  it('keeps the end of a month inside a shorter one', () => {
    expect(followUpDay('2027-01-31', '1m')).toBe('2027-02-28');
    expect(followUpDay('2027-08-31', '6m')).toBe('2028-02-29');
    expect(followUpDay('2026-11-30', '3m')).toBe('2027-02-28');
  });
});

describe('the follow-up’s slot', () => {
  const TZ = 'Indian/Mauritius';
  const on = (day: string, clock: string) => ({ start: new Date(`${day}T${clock}:00+04:00`).toISOString() });

  it('takes the target day’s time closest to the visit’s own', () => {
    const slots = [
      on('2027-01-07', '08:00'),
      on('2027-01-07', '10:30'),
      on('2027-01-07', '14:00'),
      on('2027-01-08', '10:00'),
    ];
    expect(nearestSlot(slots, '2027-01-07', 10 * 60, TZ)).toEqual(on('2027-01-07', '10:30'));
  });

  it('else the nearest day, a later one before an earlier one as far away', () => {
    const slots = [on('2027-01-05', '10:00'), on('2027-01-09', '10:00'), on('2027-01-10', '10:00')];
    expect(nearestSlot(slots, '2027-01-07', 10 * 60, TZ)).toEqual(on('2027-01-09', '10:00'));
    expect(nearestSlot([on('2027-01-06', '16:00'), on('2027-01-08', '09:00')], '2027-01-07', 10 * 60, TZ)).toEqual(
      on('2027-01-08', '09:00'),
    );
    expect(nearestSlot([], '2027-01-07', 600, TZ)).toBeUndefined();
  });
});
