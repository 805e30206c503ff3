import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REMINDER_SETTINGS,
  leadTimeAllows,
  quietHoursEnd,
  sendByOf,
  settingsProblems,
  tooLate,
} from './reminder-rules.js';
import { readReplyPayload, replyKeyOf, signReplyPayload } from './reply-payload.js';

const TYPE = '6f1d7a52-37a4-4c1e-9c55-0d2c51e0b001';
const OTHER_TYPE = '6f1d7a52-37a4-4c1e-9c55-0d2c51e0b002';
const known = new Set([TYPE, OTHER_TYPE]);
const rule = (offsetMinutes: number, appointmentTypeIds: string[] | null = null, minLeadMinutes = 0) => ({
  offsetMinutes,
  appointmentTypeIds,
  minLeadMinutes,
});
const codes = (settings: Parameters<typeof settingsProblems>[0]) =>
  settingsProblems(settings, known).map((e) => `${e.path}:${e.code}`);

describe('reminder settings', () => {
  it('the defaults are valid: the day before (24 h lead time) and 2 hours before, quiet 20:00–08:00', () => {
    expect(codes(DEFAULT_REMINDER_SETTINGS)).toEqual([]);
    expect(DEFAULT_REMINDER_SETTINGS.rules.map((r) => [r.offsetMinutes, r.minLeadMinutes])).toEqual([
      [1440, 1440],
      [120, 0],
    ]);
  });

  it('refuse zero, negative and too large offsets, overlapping rules, unknown types and quiet hours all day', () => {
    const base = { enabled: true, quietHours: null };
    expect(codes({ ...base, rules: [rule(0), rule(-60), rule(20_161)] })).toEqual([
      'rules.0.offsetMinutes:offset_not_positive',
      'rules.1.offsetMinutes:offset_not_positive',
      'rules.2.offsetMinutes:offset_too_large',
    ]);
    expect(codes({ ...base, rules: [rule(120), rule(120)] })).toEqual(['rules.1.offsetMinutes:offsets_overlap']);
    expect(codes({ ...base, rules: [rule(120), rule(135, [TYPE])] })).toEqual([
      'rules.1.offsetMinutes:offsets_overlap',
    ]);
    // Close offsets for visit types apart do not meet.
    expect(codes({ ...base, rules: [rule(120, [OTHER_TYPE]), rule(135, [TYPE])] })).toEqual([]);
    expect(codes({ ...base, rules: [rule(120), rule(150)] })).toEqual([]);
    expect(codes({ ...base, rules: [rule(120, ['6f1d7a52-37a4-4c1e-9c55-0d2c51e0b0ff'])] })).toEqual([
      'rules.0.appointmentTypeIds.0:unknown_visit_type',
    ]);
    expect(codes({ ...base, rules: [], quietHours: { start: '08:00', end: '08:00' } })).toEqual([
      'quietHours:quiet_hours_whole_day',
    ]);
  });
});

describe('when a reminder may go', () => {
  const tz = 'Indian/Mauritius'; // UTC+4, no daylight saving
  it('quiet hours across midnight end the next morning, or the same morning', () => {
    const quiet = { start: '20:00', end: '08:00' };
    // 21:30 local → 08:00 local the next day.
    expect(quietHoursEnd(new Date('2026-12-07T17:30:00Z'), quiet, tz)?.toISOString()).toBe('2026-12-08T04:00:00.000Z');
    // 06:00 local → 08:00 local the same day.
    expect(quietHoursEnd(new Date('2026-12-08T02:00:00Z'), quiet, tz)?.toISOString()).toBe('2026-12-08T04:00:00.000Z');
    // 08:00 and 19:59 local are outside.
    expect(quietHoursEnd(new Date('2026-12-08T04:00:00Z'), quiet, tz)).toBeNull();
    expect(quietHoursEnd(new Date('2026-12-08T15:59:00Z'), quiet, tz)).toBeNull();
    expect(quietHoursEnd(new Date('2026-12-08T02:00:00Z'), null, tz)).toBeNull();
  });

  it('quiet hours within one day', () => {
    const quiet = { start: '12:00', end: '14:00' };
    expect(quietHoursEnd(new Date('2026-12-08T08:30:00Z'), quiet, tz)?.toISOString()).toBe('2026-12-08T10:00:00.000Z');
    expect(quietHoursEnd(new Date('2026-12-08T10:00:00Z'), quiet, tz)).toBeNull();
  });

  it('a visit booked less than the lead time ahead gets no such reminder; one overdue by half its offset is not sent late', () => {
    const start = new Date('2026-12-10T06:00:00Z');
    expect(leadTimeAllows({ minLeadMinutes: 1440 }, start, new Date('2026-12-09T07:00:00Z'))).toBe(false);
    expect(leadTimeAllows({ minLeadMinutes: 1440 }, start, new Date('2026-12-09T06:00:00Z'))).toBe(true);
    const due = new Date('2026-12-10T04:00:00Z');
    expect(tooLate(120, due, new Date('2026-12-10T04:59:00Z'))).toBe(false);
    expect(tooLate(120, due, new Date('2026-12-10T05:01:00Z'))).toBe(true);
  });

  it('a reminder’s message may go until 30 minutes before the visit, or half its offset when shorter', () => {
    const start = new Date('2026-12-10T06:00:00Z');
    expect(sendByOf(start, 1440).toISOString()).toBe('2026-12-10T05:30:00.000Z');
    expect(sendByOf(start, 120).toISOString()).toBe('2026-12-10T05:30:00.000Z');
    expect(sendByOf(start, 60).toISOString()).toBe('2026-12-10T05:30:00.000Z');
    // A 20-minute rule's reminder is due 20 minutes before: it may still go 10 minutes late, never at the start.
    expect(sendByOf(start, 20).toISOString()).toBe('2026-12-10T05:50:00.000Z');
    for (const offset of [1, 5, 20, 59, 60, 61, 120, 1440, 20160])
      expect(sendByOf(start, offset).getTime()).toBeGreaterThan(start.getTime() - offset * 60_000);
  });
});

describe('reply payloads', () => {
  const key = replyKeyOf('a-server-secret-of-some-length-0123456789');
  const practice = '0d7e1f7e-3d4c-4b8e-9a11-111111111111';
  const payload = {
    action: 'confirm' as const,
    appointments: [
      { appointmentId: '5a0b6c1e-8f7d-4e21-b3a4-000000000001', start: new Date('2026-12-10T05:30:00Z') },
      { appointmentId: '5a0b6c1e-8f7d-4e21-b3a4-000000000002', start: new Date('2026-12-10T06:00:00Z') },
    ],
  };

  it('read back what was signed, within Meta’s payload limit', () => {
    const text = signReplyPayload(key, practice, payload);
    expect(text.startsWith('rm1.')).toBe(true);
    expect(text.length).toBeLessThan(128);
    expect(readReplyPayload(key, practice, text)).toEqual(payload);
  });

  it('refuse an altered action or appointment, another practice, another key, and garbage', () => {
    const text = signReplyPayload(key, practice, payload);
    expect(readReplyPayload(key, practice, text.replace('rm1.c.', 'rm1.x.'))).toBeNull();
    const [head, items, signature] = text.slice(4).split('.') as [string, string, string];
    const swapped = items.split('~').reverse().join('~');
    expect(readReplyPayload(key, practice, `rm1.${head}.${swapped}.${signature}`)).toBeNull();
    expect(readReplyPayload(key, '0d7e1f7e-3d4c-4b8e-9a11-222222222222', text)).toBeNull();
    expect(readReplyPayload(replyKeyOf('another-secret-of-some-length-0123456789'), practice, text)).toBeNull();
    for (const junk of ['rm1.', 'rm1.c..', 'rm1.c.x.y', 'appointment_reminder:0', `${text}x`])
      expect(readReplyPayload(key, practice, junk)).toBeNull();
  });
});
