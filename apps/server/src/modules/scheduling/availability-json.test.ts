import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { availabilityBody } from './availability-json.js';
import type { Slot } from './availability.js';

const expected = (slots: Slot[]) =>
  JSON.stringify({
    slots: slots.map((s) => ({
      start: s.start.toISOString(),
      end: s.end.toISOString(),
      providerId: s.providerId,
      chairId: s.chairId,
    })),
  });

describe('availabilityBody', () => {
  const provider = '0f8fad5b-d9cb-469f-a165-70867728950e';
  const chair = '7c9e6679-7425-40de-944b-e07fc1f90ae7';

  it('writes what JSON.stringify would, for no slots and for slots on and off the minute', () => {
    expect(availabilityBody([]).toString()).toBe('{"slots":[]}');
    const slots: Slot[] = [
      {
        start: new Date('2026-11-25T04:00:00Z'),
        end: new Date('2026-11-25T04:30:00Z'),
        providerId: provider,
        chairId: chair,
      },
      {
        start: new Date('2026-12-31T23:45:00Z'),
        end: new Date('2027-01-01T00:15:00Z'),
        providerId: chair,
        chairId: provider,
      },
      {
        start: new Date('2026-11-25T04:00:30.250Z'),
        end: new Date('2026-11-25T23:59:59.999Z'),
        providerId: provider,
        chairId: chair,
      },
    ];
    const body = availabilityBody(slots);
    expect(body.toString('latin1')).toBe(expected(slots));
    expect(JSON.parse(body.toString()).slots[1]).toEqual({
      start: '2026-12-31T23:45:00.000Z',
      end: '2027-01-01T00:15:00.000Z',
      providerId: chair,
      chairId: provider,
    });
  });

  it('matches JSON.stringify for any instants in years 1000–9999 (before 1970 too) and any uuids', () => {
    const instant = fc.oneof(
      // Slots fall on whole minutes; other instants take the slow path.
      fc
        .integer({ min: Date.UTC(1000, 0, 1) / 60_000, max: Date.UTC(9999, 11, 31, 23, 59) / 60_000 })
        .map((m) => new Date(m * 60_000)),
      fc.date({
        min: new Date(Date.UTC(1000, 0, 1)),
        max: new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)),
        noInvalidDate: true,
      }),
    );
    const slot = fc.record({ start: instant, end: instant, providerId: fc.uuid(), chairId: fc.uuid() });
    fc.assert(
      fc.property(
        fc.array(slot, { maxLength: 20 }),
        (slots) => availabilityBody(slots).toString('latin1') === expected(slots),
      ),
    );
  });

  it('refuses what it cannot write as fixed-width ASCII', () => {
    const at = new Date('2026-11-25T04:00:00Z');
    expect(() => availabilityBody([{ start: at, end: at, providerId: 'Robert"); drop', chairId: chair }])).toThrow(
      TypeError,
    );
    expect(() =>
      availabilityBody([{ start: at, end: at, providerId: provider.toUpperCase(), chairId: chair }]),
    ).toThrow(TypeError);
    expect(() =>
      availabilityBody([{ start: new Date(Date.UTC(10000, 0, 1)), end: at, providerId: provider, chairId: chair }]),
    ).toThrow(RangeError);
  });
});
