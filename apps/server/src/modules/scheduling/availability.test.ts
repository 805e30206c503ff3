import { describe, expect, it } from 'vitest';
import {
  findSlots,
  localDateOf,
  zonedInstant,
  type AvailabilityQuery,
  type ProviderAvailability,
  type Slot,
} from './availability.js';

// Indian/Mauritius is UTC+4 all year. 2026-06-01 is a Monday.
const mu = (local: string) => new Date(`${local}:00+04:00`);
const WEEKDAYS = [1, 2, 3, 4, 5] as const;

function provider(providerId: string, overrides: Partial<ProviderAvailability> = {}): ProviderAvailability {
  return {
    providerId,
    role: 'dentist',
    hours: [
      ...WEEKDAYS.flatMap((weekday) => [
        { weekday, start: '08:00', end: '12:00', chairId: null },
        { weekday, start: '13:00', end: '17:00', chairId: null },
      ]),
      { weekday: 6, start: '08:00', end: '12:00', chairId: null },
    ],
    ...overrides,
  };
}

function query(overrides: Partial<AvailabilityQuery> = {}): AvailabilityQuery {
  return {
    timeZone: 'Indian/Mauritius',
    from: mu('2026-06-01T00:00'),
    to: mu('2026-06-02T00:00'),
    now: mu('2026-05-31T12:00'),
    slotStepMinutes: 15,
    appointmentType: {
      durationMinutes: 30,
      bufferAfterMinutes: 10,
      minNoticeMinutes: 0,
      maxDaysAhead: 30,
      allowedRoles: ['dentist', 'owner'],
    },
    openingHours: [
      ...WEEKDAYS.map((weekday) => ({ weekday, start: '08:00', end: '17:00' })),
      { weekday: 6, start: '08:00', end: '12:00' },
    ],
    closedDates: [],
    closures: [],
    chairs: [{ id: 'chair-1' }, { id: 'chair-2' }],
    providers: [provider('dr-a')],
    busy: [],
    ...overrides,
  };
}

/** Local 'HH:MM' of each slot start in Mauritius. */
const times = (slots: Slot[]) =>
  slots.map((s) => new Date(s.start.getTime() + 4 * 3_600_000).toISOString().slice(11, 16));
/** 'HH:MM' every `step` minutes over [from, to) ('HH:MM' both). */
function grid(from: string, to: string, step = 15): string[] {
  const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3));
  const out: string[] = [];
  for (let m = minutes(from); m < minutes(to); m += step)
    out.push(`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
  return out;
}
const MORNING = grid('08:00', '11:45'); // last start 11:30 ends at 12:00
const AFTERNOON = grid('13:00', '16:45');

describe('findSlots in Indian/Mauritius', () => {
  it('offers every step inside the working intervals, slot end = start + duration, buffer may pass the end of an interval', () => {
    const slots = findSlots(query());
    expect(times(slots)).toEqual([...MORNING, ...AFTERNOON]);
    expect(slots[0]).toEqual({
      start: mu('2026-06-01T08:00'),
      end: mu('2026-06-01T08:30'),
      providerId: 'dr-a',
      chairId: 'chair-1',
    });
    expect(slots.at(-1)).toEqual({
      start: mu('2026-06-01T16:30'),
      end: mu('2026-06-01T17:00'),
      providerId: 'dr-a',
      chairId: 'chair-1',
    });
  });

  it('keeps the occupancy (duration + buffer) clear of an existing appointment', () => {
    const appointment = {
      start: mu('2026-06-01T09:00'),
      end: mu('2026-06-01T09:40'),
      providerId: 'dr-a',
      chairId: 'chair-1',
    };
    const slots = findSlots(query({ busy: [appointment] }));
    // 08:15 occupies 08:15–08:55; 08:30 would run its buffer into 09:00. 09:45 starts after 09:40.
    expect(times(slots).slice(0, 4)).toEqual(['08:00', '08:15', '09:45', '10:00']);
  });

  it('keeps the buffer clear of a lunch block even though the slot itself ends before it', () => {
    const allDay = provider('dr-a', {
      hours: WEEKDAYS.map((weekday) => ({ weekday, start: '08:00', end: '17:00', chairId: null })),
    });
    const lunch = { start: mu('2026-06-01T12:00'), end: mu('2026-06-01T13:00'), providerId: 'dr-a', chairId: null };
    const slots = findSlots(query({ providers: [allDay], busy: [lunch] }));
    expect(times(slots)).toContain('11:15');
    expect(times(slots)).not.toContain('11:30'); // 11:30–12:00, clean-up until 12:10
    expect(times(slots)).not.toContain('12:30');
    expect(times(slots)).toContain('13:00');
  });

  it('offers nothing on a closed date', () => {
    const slots = findSlots(query({ to: mu('2026-06-03T00:00'), closedDates: ['2026-06-01'] }));
    expect(slots.every((s) => s.start >= mu('2026-06-02T00:00'))).toBe(true);
    expect(slots).toHaveLength(MORNING.length + AFTERNOON.length);
  });

  it('respects the minimum notice', () => {
    const now = mu('2026-06-01T09:05');
    const slots = findSlots(query({ now, appointmentType: { ...query().appointmentType, minNoticeMinutes: 120 } }));
    expect(times(slots)[0]).toBe('11:15'); // first grid time at or after 11:05
  });

  it('respects max days ahead as 24-hour periods from now', () => {
    const now = mu('2026-06-01T10:00');
    const slots = findSlots(
      query({ now, to: mu('2026-06-04T00:00'), appointmentType: { ...query().appointmentType, maxDaysAhead: 1 } }),
    );
    expect(slots[0]!.start).toEqual(mu('2026-06-01T10:00'));
    expect(slots.at(-1)!.start).toEqual(mu('2026-06-02T09:45'));
  });

  it('only starts slots inside [from, to)', () => {
    const slots = findSlots(query({ from: mu('2026-06-01T10:05'), to: mu('2026-06-01T13:15') }));
    expect(times(slots)).toEqual([...grid('10:15', '11:45'), '13:00']);
  });

  it('offers nothing when the provider’s role is not allowed', () => {
    expect(findSlots(query({ appointmentType: { ...query().appointmentType, allowedRoles: ['hygienist'] } }))).toEqual(
      [],
    );
  });

  it('books a chair-tied interval on its chair, an untied one on the first free chair', () => {
    const tied = provider('dr-b', { hours: [{ weekday: 1, start: '08:00', end: '12:00', chairId: 'chair-2' }] });
    const slots = findSlots(query({ providers: [provider('dr-a'), tied], to: mu('2026-06-01T08:15') }));
    expect(slots).toEqual([
      { start: mu('2026-06-01T08:00'), end: mu('2026-06-01T08:30'), providerId: 'dr-a', chairId: 'chair-1' },
      { start: mu('2026-06-01T08:00'), end: mu('2026-06-01T08:30'), providerId: 'dr-b', chairId: 'chair-2' },
    ]);
  });

  it('moves to the next chair when the first is busy, but a tied chair does not move', () => {
    const chairBusy = {
      start: mu('2026-06-01T09:00'),
      end: mu('2026-06-01T10:00'),
      providerId: null,
      chairId: 'chair-1',
    };
    const untied = findSlots(query({ busy: [chairBusy] })).find(
      (s) => s.start.getTime() === mu('2026-06-01T09:00').getTime(),
    );
    expect(untied?.chairId).toBe('chair-2');
    expect(
      findSlots(query({ busy: [chairBusy] })).find((s) => s.start.getTime() === mu('2026-06-01T10:00').getTime())
        ?.chairId,
    ).toBe('chair-1');

    const tied = provider('dr-b', { hours: [{ weekday: 1, start: '08:00', end: '12:00', chairId: 'chair-1' }] });
    expect(times(findSlots(query({ providers: [tied], busy: [chairBusy] })))).toEqual([
      ...grid('08:00', '08:30'),
      ...grid('10:00', '11:45'),
    ]);
  });

  it('offers nothing on a tied chair that is not active', () => {
    const tied = provider('dr-b', { hours: [{ weekday: 1, start: '08:00', end: '12:00', chairId: 'chair-retired' }] });
    expect(findSlots(query({ providers: [tied] }))).toEqual([]);
  });

  it('filters by provider and by chair (the chair filter picks that chair, not the first free one)', () => {
    const providers = [provider('dr-a'), provider('dr-b')];
    expect(new Set(findSlots(query({ providers, providerId: 'dr-b' })).map((s) => s.providerId))).toEqual(
      new Set(['dr-b']),
    );
    const onChair2 = findSlots(query({ providers, chairId: 'chair-2' }));
    expect(onChair2).toHaveLength(2 * (MORNING.length + AFTERNOON.length));
    expect(onChair2.every((s) => s.chairId === 'chair-2')).toBe(true);
    expect(findSlots(query({ chairId: 'no-such-chair' }))).toEqual([]);
  });

  it('honours a busy interval holding both a provider and a chair on both sides', () => {
    const appointment = {
      start: mu('2026-06-01T08:00'),
      end: mu('2026-06-01T08:40'),
      providerId: 'dr-b',
      chairId: 'chair-1',
    };
    const slots = findSlots(
      query({ providers: [provider('dr-a'), provider('dr-b')], busy: [appointment], to: mu('2026-06-01T08:15') }),
    );
    expect(slots).toEqual([
      { start: mu('2026-06-01T08:00'), end: mu('2026-06-01T08:30'), providerId: 'dr-a', chairId: 'chair-2' },
    ]);
  });

  it('closes the whole practice for a closure or a busy interval with neither provider nor chair', () => {
    const expected = [...MORNING, ...grid('13:00', '13:30'), ...grid('15:00', '16:45')];
    const closure = { start: mu('2026-06-01T14:00'), end: mu('2026-06-01T15:00') };
    expect(times(findSlots(query({ closures: [closure] })))).toEqual(expected);
    expect(times(findSlots(query({ busy: [{ ...closure, providerId: null, chairId: null }] })))).toEqual(expected);
  });

  it('keeps slots inside opening hours even when the provider works longer (Saturday)', () => {
    const saturday = provider('dr-a', { hours: [{ weekday: 6, start: '07:00', end: '17:00', chairId: null }] });
    const slots = findSlots(query({ providers: [saturday], from: mu('2026-06-06T00:00'), to: mu('2026-06-07T00:00') }));
    expect(times(slots)).toEqual(MORNING);
  });

  it('applies working intervals only between validFrom and validTo', () => {
    const temporary = provider('dr-a', {
      hours: [1, 2, 3].map((weekday) => ({
        weekday: weekday as 1 | 2 | 3,
        start: '08:00',
        end: '09:00',
        chairId: null,
        validFrom: '2026-06-02',
        validTo: '2026-06-02',
      })),
    });
    const slots = findSlots(query({ providers: [temporary], to: mu('2026-06-04T00:00') }));
    expect(slots.map((s) => localDateOf(s.start, 'Indian/Mauritius'))).toEqual([
      '2026-06-02',
      '2026-06-02',
      '2026-06-02',
    ]);
  });

  it('returns one slot per (start, provider) sorted by start then provider order', () => {
    const overlapping = provider('dr-b', {
      hours: [
        { weekday: 1, start: '08:00', end: '09:00', chairId: 'chair-2' },
        { weekday: 1, start: '08:00', end: '10:00', chairId: null },
      ],
    });
    const slots = findSlots(query({ providers: [overlapping, provider('dr-a')], to: mu('2026-06-01T09:00') }));
    expect(slots.map((s) => `${times([s])[0]} ${s.providerId} ${s.chairId}`)).toEqual([
      '08:00 dr-b chair-2',
      '08:00 dr-a chair-1',
      '08:15 dr-b chair-2',
      '08:15 dr-a chair-1',
      '08:30 dr-b chair-2',
      '08:30 dr-a chair-1',
      '08:45 dr-b chair-1',
      '08:45 dr-a chair-1', // 08:45–09:15 no longer fits the chair-2 interval
    ]);
  });

  it('starts slots on the local grid from midnight', () => {
    const slots = findSlots(
      query({ slotStepMinutes: 45, appointmentType: { ...query().appointmentType, durationMinutes: 60 } }),
    );
    expect(times(slots)).toEqual(['08:15', '09:00', '09:45', '10:30', '13:30', '14:15', '15:00', '15:45']);
  });

  it('treats adjacent opening intervals as one stretch', () => {
    const split = WEEKDAYS.flatMap((weekday) => [
      { weekday, start: '08:00', end: '10:00' },
      { weekday, start: '10:00', end: '17:00' },
    ]);
    expect(times(findSlots(query({ openingHours: split })))).toEqual([...MORNING, ...AFTERNOON]);
  });

  it('rejects invalid input with a RangeError', () => {
    const type = query().appointmentType;
    const hoursWith = (start: string, end: string) => [
      provider('dr-a', { hours: [{ weekday: 1, start, end, chairId: null }] }),
    ];
    expect(() => findSlots(query({ timeZone: 'Mars/Olympus_Mons' }))).toThrow(/Unknown time zone/);
    expect(() => findSlots(query({ appointmentType: { ...type, durationMinutes: 0 } }))).toThrow(RangeError);
    expect(() => findSlots(query({ appointmentType: { ...type, durationMinutes: -30 } }))).toThrow(/durationMinutes/);
    expect(() => findSlots(query({ slotStepMinutes: 0 }))).toThrow(/slotStepMinutes/);
    expect(() => findSlots(query({ providers: hoursWith('12:00', '12:00') }))).toThrow(/not after start/);
    expect(() => findSlots(query({ openingHours: [{ weekday: 1, start: '17:00', end: '08:00' }] }))).toThrow(
      /not after start/,
    );
    expect(() => findSlots(query({ providers: hoursWith('8:00', '12:00') }))).toThrow(/HH:MM/);
    expect(() => findSlots(query({ providers: hoursWith('08:00', '24:30') }))).toThrow(/HH:MM/);
    expect(() => findSlots(query({ providers: hoursWith('08:60', '12:00') }))).toThrow(RangeError);
    expect(() => findSlots(query({ openingHours: [{ weekday: 0 as 1, start: '08:00', end: '12:00' }] }))).toThrow(
      /weekday/,
    );
    expect(() => findSlots(query({ closedDates: ['2026-02-30'] }))).toThrow(/closedDates/);
    expect(() =>
      findSlots(
        query({
          busy: [{ start: mu('2026-06-01T10:00'), end: mu('2026-06-01T09:00'), providerId: 'dr-a', chairId: null }],
        }),
      ),
    ).toThrow(/busy\[0\]/);
    expect(() => findSlots(query({ from: new Date(Number.NaN) }))).toThrow(/from/);
    // Bad input is reported even when the window is empty.
    expect(() => findSlots(query({ to: mu('2026-06-01T00:00'), slotStepMinutes: -5 }))).toThrow(RangeError);
  });

  it('allows an opening interval up to 24:00', () => {
    const late = {
      openingHours: [{ weekday: 1 as const, start: '23:00', end: '24:00' }],
      providers: [provider('dr-a', { hours: [{ weekday: 1, start: '22:00', end: '24:00', chairId: null }] })],
    };
    expect(times(findSlots(query(late)))).toEqual(['23:00', '23:15', '23:30']);
  });
});

describe('findSlots across daylight saving changes', () => {
  const sunday = (timeZone: string, from: string, to: string, extra: Partial<AvailabilityQuery> = {}) =>
    findSlots(
      query({
        timeZone,
        from: new Date(from),
        to: new Date(to),
        now: new Date('2026-01-01T00:00:00Z'),
        slotStepMinutes: 30,
        appointmentType: {
          durationMinutes: 30,
          bufferAfterMinutes: 0,
          minNoticeMinutes: 0,
          maxDaysAhead: 400,
          allowedRoles: ['dentist'],
        },
        openingHours: [{ weekday: 7, start: '00:00', end: '04:00' }],
        providers: [provider('dr-a', { hours: [{ weekday: 7, start: '00:00', end: '04:00', chairId: null }] })],
        ...extra,
      }),
    ).map((s) => s.start.toISOString().slice(11, 16));

  it('skips local times that do not exist on a spring-forward day (London, 29 March 2026)', () => {
    // 00:00–04:00 local is three real hours: 00:00Z–03:00Z. 01:00 and 01:30 do not exist.
    expect(sunday('Europe/London', '2026-03-29T00:00:00Z', '2026-03-30T00:00:00Z')).toEqual([
      '00:00',
      '00:30',
      '01:00',
      '01:30',
      '02:00',
      '02:30',
    ]);
  });

  it('offers both instants of a repeated hour on a fall-back day, when free (London, 25 October 2026)', () => {
    // 00:00–04:00 local is five real hours: 00:00 BST = 23:00Z on the 24th, 04:00 GMT = 04:00Z;
    // 01:00–02:00 happens twice (00:00Z in BST, then 01:00Z in GMT).
    const all = sunday('Europe/London', '2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z');
    expect(all).toEqual(['23:00', '23:30', '00:00', '00:30', '01:00', '01:30', '02:00', '02:30', '03:00', '03:30']);
    const firstPassBusy = [
      {
        start: new Date('2026-10-25T00:00:00Z'),
        end: new Date('2026-10-25T01:00:00Z'),
        providerId: 'dr-a',
        chairId: null,
      },
    ];
    expect(sunday('Europe/London', '2026-10-24T12:00:00Z', '2026-10-25T12:00:00Z', { busy: firstPassBusy })).toEqual([
      '23:00',
      '23:30',
      '01:00',
      '01:30',
      '02:00',
      '02:30',
      '03:00',
      '03:30',
    ]);
  });

  it('measures durations in real elapsed time over a gap (New York, 8 March 2026)', () => {
    // 01:00–03:00 local is one real hour (06:00Z–07:00Z): a 90-minute slot does not fit, a 60-minute one does once.
    const hours = {
      openingHours: [{ weekday: 7 as const, start: '01:00', end: '03:00' }],
      providers: [provider('dr-a', { hours: [{ weekday: 7, start: '01:00', end: '03:00', chairId: null }] })],
    };
    const type = (durationMinutes: number) => ({
      appointmentType: {
        durationMinutes,
        bufferAfterMinutes: 0,
        minNoticeMinutes: 0,
        maxDaysAhead: 400,
        allowedRoles: ['dentist'],
      },
    });
    expect(
      sunday('America/New_York', '2026-03-08T00:00:00Z', '2026-03-09T00:00:00Z', { ...hours, ...type(60) }),
    ).toEqual(['06:00']);
    expect(
      sunday('America/New_York', '2026-03-08T00:00:00Z', '2026-03-09T00:00:00Z', { ...hours, ...type(90) }),
    ).toEqual([]);
  });
});

describe('time zone helpers', () => {
  it('localDateOf gives the calendar date in the zone', () => {
    expect(localDateOf(new Date('2026-06-01T20:30:00Z'), 'Indian/Mauritius')).toBe('2026-06-02');
    expect(localDateOf(new Date('2026-03-08T04:59:00Z'), 'America/New_York')).toBe('2026-03-07');
    expect(localDateOf(new Date('2026-03-08T05:00:00Z'), 'America/New_York')).toBe('2026-03-08');
    expect(() => localDateOf(new Date(), 'Nowhere/Else')).toThrow(RangeError);
  });

  it('zonedInstant converts a local date and time, null when it does not exist, earlier when repeated', () => {
    expect(zonedInstant('2026-06-01', '08:00', 'Indian/Mauritius')).toEqual(new Date('2026-06-01T04:00:00Z'));
    expect(zonedInstant('2026-06-01', '24:00', 'Indian/Mauritius')).toEqual(new Date('2026-06-01T20:00:00Z'));
    expect(zonedInstant('2026-03-29', '01:30', 'Europe/London')).toBeNull();
    expect(zonedInstant('2026-03-29', '02:00', 'Europe/London')).toEqual(new Date('2026-03-29T01:00:00Z'));
    expect(zonedInstant('2026-10-25', '01:30', 'Europe/London')).toEqual(new Date('2026-10-25T00:30:00Z'));
    expect(zonedInstant('2026-03-08', '02:30', 'America/New_York')).toBeNull();
    expect(zonedInstant('2026-11-01', '01:30', 'America/New_York')).toEqual(new Date('2026-11-01T05:30:00Z'));
    expect(() => zonedInstant('2026-13-01', '08:00', 'Indian/Mauritius')).toThrow(RangeError);
  });
});
