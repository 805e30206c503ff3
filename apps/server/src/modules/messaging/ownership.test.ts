import { describe, expect, it } from 'vitest';
import { DEFAULT_STAFF_IDLE_HOURS, ownerNow } from './ownership.js';

const now = new Date('2026-12-08T08:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);

describe('ownerNow', () => {
  it('the assistant keeps what it owns', () => {
    expect(ownerNow({ owner: 'assistant', handoverAt: null, lastMessageAt: now }, now)).toBe('assistant');
  });

  it('a person keeps the conversation while it is active, and loses it once idle for idleHours', () => {
    const staff = { owner: 'staff' as const, handoverAt: null };
    expect(ownerNow({ ...staff, lastMessageAt: hoursAgo(11.9) }, now)).toBe('staff');
    expect(ownerNow({ ...staff, lastMessageAt: hoursAgo(DEFAULT_STAFF_IDLE_HOURS) }, now)).toBe('assistant');
    expect(ownerNow({ ...staff, lastMessageAt: hoursAgo(5) }, now, 4)).toBe('assistant');
    expect(ownerNow({ ...staff, lastMessageAt: hoursAgo(20) }, now, 24)).toBe('staff');
  });

  it('the message being answered does not count as activity: the one before it does', () => {
    const staff = { owner: 'staff' as const, handoverAt: null, lastMessageAt: now };
    expect(ownerNow({ ...staff, previousMessageAt: hoursAgo(13) }, now)).toBe('assistant');
    expect(ownerNow({ ...staff, previousMessageAt: hoursAgo(1) }, now)).toBe('staff');
    expect(ownerNow({ ...staff, previousMessageAt: null }, now)).toBe('assistant');
  });

  it('a take-over is activity: staff who just took an old conversation keep it', () => {
    const staff = { owner: 'staff' as const, handoverAt: null, lastMessageAt: now, previousMessageAt: hoursAgo(40) };
    expect(ownerNow({ ...staff, ownerSince: hoursAgo(0.1) }, now)).toBe('staff');
    expect(ownerNow({ ...staff, ownerSince: hoursAgo(40) }, now)).toBe('assistant');
  });

  it('a patient waiting for a person stays with staff however long they wait', () => {
    expect(
      ownerNow({ owner: 'staff', handoverAt: hoursAgo(30), lastMessageAt: now, previousMessageAt: hoursAgo(30) }, now),
    ).toBe('staff');
  });
});
