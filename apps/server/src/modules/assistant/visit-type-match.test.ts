import { describe, expect, it } from 'vitest';
import { TYPES } from './conversation.fixtures.js';
import { matchVisitType } from './visit-type-match.js';

describe('matchVisitType', () => {
  it('finds a type named in the text, whatever its spelling of spaces, dashes and accents', () => {
    expect(matchVisitType(TYPES.en, null, 'I need a checkup please')?.id).toBe('t-check');
    expect(matchVisitType(TYPES.en, null, 'scale and polish next week')?.id).toBe('t-scale');
    expect(matchVisitType(TYPES.fr, null, 'un detartrage svp')?.id).toBe('t-scale');
    expect(matchVisitType(TYPES.fr, null, 'Contrôle')?.id).toBe('t-check');
  });

  it('falls back on the kind of visit the understanding found', () => {
    expect(matchVisitType(TYPES.en, 'cleaning', 'mo anvi fer netwayaz')?.id).toBe('t-scale');
    expect(matchVisitType(TYPES.fr, 'checkup', 'sek-ap')?.id).toBe('t-check');
  });

  it('answers null when nothing or several types fit', () => {
    expect(matchVisitType(TYPES.en, null, 'an appointment please')).toBeNull();
    expect(matchVisitType(TYPES.en, 'whitening', 'whitening')).toBeNull();
    const two = [
      { id: 'a', name: 'Cleaning (adult)', durationMinutes: 30 },
      { id: 'b', name: 'Cleaning (child)', durationMinutes: 30 },
    ];
    expect(matchVisitType(two, 'cleaning', 'a cleaning')).toBeNull();
  });

  it('prefers the longer name when two are named', () => {
    const types = [
      { id: 'a', name: 'Check-up', durationMinutes: 30 },
      { id: 'b', name: 'Check-up child', durationMinutes: 30 },
    ];
    expect(matchVisitType(types, null, 'check-up child for my son')?.id).toBe('b');
  });
});
