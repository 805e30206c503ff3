import { describe, expect, it } from 'vitest';
import { serviceWindow, windowLabel } from './service-window';

const now = Date.parse('2026-11-25T10:00:00Z');

describe('serviceWindow', () => {
  it('is closed when the patient never wrote or the end has passed', () => {
    expect(serviceWindow(null, now)).toEqual({ open: false });
    expect(serviceWindow('2026-11-25T10:00:00Z', now)).toEqual({ open: false });
    expect(serviceWindow('2026-11-25T09:00:00Z', now)).toEqual({ open: false });
  });

  it('counts whole minutes left, rounding up', () => {
    expect(serviceWindow('2026-11-25T10:00:30Z', now)).toEqual({ open: true, minutesLeft: 1 });
  });
});

describe('windowLabel', () => {
  it('shows hours rounded down, never promising more time than there is', () => {
    expect(windowLabel(serviceWindow('2026-11-26T09:59:00Z', now))).toEqual({ key: 'hoursLeft', count: 23 });
    expect(windowLabel({ open: true, minutesLeft: 60 })).toEqual({ key: 'hoursLeft', count: 1 });
  });
  it('switches to minutes in the last hour', () => {
    expect(windowLabel({ open: true, minutesLeft: 59 })).toEqual({ key: 'minutesLeft', count: 59 });
  });
  it('says closed', () => {
    expect(windowLabel({ open: false })).toEqual({ key: 'closed' });
  });
});
