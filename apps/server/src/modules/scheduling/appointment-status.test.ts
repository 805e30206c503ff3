import { APPOINTMENT_STATUSES } from '@dentalpro/contracts';
import { describe, expect, it } from 'vitest';
import { canTransition } from './appointment-status.js';

describe('appointment status transitions', () => {
  it('follows the day of a visit', () => {
    const path = ['booked', 'confirmed', 'arrived', 'in_chair', 'completed'] as const;
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
  });

  it('never leaves a finished appointment', () => {
    for (const to of APPOINTMENT_STATUSES) {
      expect(canTransition('completed', to)).toBe(false);
      expect(canTransition('cancelled', to)).toBe(false);
      expect(canTransition('no_show', to)).toBe(false);
    }
  });

  it('does not mark a patient who came as a no-show, nor complete one who never sat down', () => {
    expect(canTransition('arrived', 'no_show')).toBe(false);
    expect(canTransition('in_chair', 'no_show')).toBe(false);
    expect(canTransition('booked', 'completed')).toBe(false);
  });

  it('turns a hold into nothing but a cancellation here (confirming is its own step)', () => {
    expect(APPOINTMENT_STATUSES.filter((to) => canTransition('held', to))).toEqual(['cancelled']);
  });
});
