import { describe, expect, it } from 'vitest';
import { GREETING_SILENCE_MS, autoRepliesOn, greetingDue, replyLanguage } from './auto-replies.js';

const conversation = (over: Partial<Parameters<typeof greetingDue>[0]> = {}) => ({
  id: '00000000-0000-4000-8000-000000000001',
  waId: '23057123456',
  lastInboundAt: null,
  greetedAt: null,
  awaySentAt: null,
  optedOutAt: null,
  ...over,
});

describe('greetingDue', () => {
  const now = new Date('2026-11-23T08:00:00Z');
  it('greets a patient writing for the first time', () => {
    expect(greetingDue(conversation(), now)).toBe(true);
  });

  it('does not greet again within 14 days of the patient’s last message', () => {
    expect(greetingDue(conversation({ lastInboundAt: new Date(now.getTime() - 60_000) }), now)).toBe(false);
    expect(
      greetingDue(conversation({ lastInboundAt: new Date(now.getTime() - GREETING_SILENCE_MS + 1000) }), now),
    ).toBe(false);
  });

  it('greets again after 14 days of silence', () => {
    expect(greetingDue(conversation({ lastInboundAt: new Date(now.getTime() - GREETING_SILENCE_MS) }), now)).toBe(true);
    expect(greetingDue(conversation({ lastInboundAt: new Date(now.getTime() - 20 * 86_400_000) }), now)).toBe(true);
  });

  it('counts from the last greeting when the patient never wrote (a practice-started conversation)', () => {
    expect(greetingDue(conversation({ greetedAt: new Date(now.getTime() - 86_400_000) }), now)).toBe(false);
  });
});

describe('autoRepliesOn', () => {
  it('answers with the replies switched on, and with none while the booking assistant answers the number', () => {
    expect(autoRepliesOn({ assistantActive: false, greetingEnabled: true, awayEnabled: false })).toBe(true);
    expect(autoRepliesOn({ assistantActive: false, greetingEnabled: false, awayEnabled: true })).toBe(true);
    expect(autoRepliesOn({ assistantActive: false, greetingEnabled: false, awayEnabled: false })).toBe(false);
    expect(autoRepliesOn({ assistantActive: true, greetingEnabled: true, awayEnabled: true })).toBe(false);
  });
});

describe('replyLanguage', () => {
  it('follows the patient record first: French for fr and Mauritian Creole', () => {
    expect(replyLanguage('fr', 'Hello')).toBe('fr');
    expect(replyLanguage('mfe', 'Hello')).toBe('fr');
    expect(replyLanguage('en', 'Bonjour, je voudrais un rendez-vous')).toBe('en');
  });

  it('otherwise guesses from the words: French and Creole greetings answer in French', () => {
    expect(replyLanguage(null, 'Bonjour, je voudrais un rendez-vous')).toBe('fr');
    expect(replyLanguage(null, 'bonzour, mo ena dimal dan')).toBe('fr');
    expect(replyLanguage(null, 'Hi, can I book a cleaning?')).toBe('en');
    expect(replyLanguage(null, null)).toBe('en');
  });
});
