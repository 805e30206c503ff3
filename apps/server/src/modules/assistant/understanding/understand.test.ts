import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INTENTS, type Language, type Understanding, VISIT_KINDS } from '../assistant.types.js';
import { understand } from './understand.js';

// Sunday 6 December 2026, 10:00 in Mauritius.
const AT = new Date('2026-12-06T06:00:00Z');
const MU = 'Indian/Mauritius';
const read = (text: string, languageHint?: Language) => understand(text, { at: AT, timeZone: MU, languageHint });

describe('understand', () => {
  it('reads the examples of the brief', () => {
    expect(read('Mo anvi pran randevou zedi gramatin')).toEqual({
      language: 'mfe',
      intent: 'book',
      confidence: 0.9,
      when: { from: new Date('2026-12-10T08:00:00+04:00'), to: new Date('2026-12-10T12:00:00+04:00') },
      visitKind: null,
    });
    expect(read('Ki ler zot ouver samdi?')).toMatchObject({
      language: 'mfe',
      intent: 'opening_hours',
      when: { from: new Date('2026-12-12T00:00:00+04:00'), to: new Date('2026-12-13T00:00:00+04:00') },
    });
    expect(read('Bonjour, je voudrais un rendez-vous pour un détartrage la semaine prochaine')).toMatchObject({
      language: 'fr',
      intent: 'book',
      visitKind: 'cleaning',
      when: { from: new Date('2026-12-07T00:00:00+04:00'), to: new Date('2026-12-14T00:00:00+04:00') },
    });
    expect(read('terrible toothache and my face is swollen')).toMatchObject({ intent: 'urgent', language: 'en' });
    expect(read('English please')).toMatchObject({ intent: 'language', switchTo: 'en' });
  });

  it('reads a time or a kind of visit with nothing else as a booking, with little confidence', () => {
    expect(read('Mardi 10h?')).toMatchObject({ intent: 'book', confidence: 0.5 });
    expect(read('Hello, tomorrow morning?')).toMatchObject({ intent: 'book', confidence: 0.5 });
    expect(read('my wife needs a root canal')).toMatchObject({ intent: 'book', visitKind: 'root_canal' });
  });

  it('reads an urgent message as an emergency visit unless it names another kind', () => {
    expect(read("j'ai très mal, ma joue est gonflée").visitKind).toBe('emergency');
    expect(read('it hurts a lot since the extraction').visitKind).toBe('extraction');
  });

  it('takes the new day when an appointment is moved', () => {
    expect(read('Hi, I need to move my appointment from Tuesday to Thursday').when).toEqual({
      from: new Date('2026-12-10T00:00:00+04:00'),
      to: new Date('2026-12-11T00:00:00+04:00'),
    });
  });

  it('reads emoji-only replies and keeps the language hint for them', () => {
    expect(read('👍', 'mfe')).toMatchObject({ intent: 'yes', language: 'mfe' });
    expect(read('👍🏽', 'fr')).toMatchObject({ intent: 'yes', language: 'fr' });
    expect(read('🙏')).toMatchObject({ intent: 'thanks' });
    expect(read('👎')).toMatchObject({ intent: 'no' });
    expect(read('🦷😬')).toMatchObject({ intent: 'unknown', confidence: 0 });
    expect(read('ok', 'fr')).toMatchObject({ intent: 'yes', language: 'fr' });
  });

  // How fast a message is read is a benchmark's figure (npm run bench -- understanding); this only
  // guards against a rule whose backtracking grows faster than the text (seconds, not milliseconds).
  it('reads long and hostile texts without blowing up', () => {
    const hostile = [
      'a'.repeat(4000),
      '1'.repeat(4000),
      '10h'.repeat(1333),
      'h'.repeat(4000),
      '🦷'.repeat(2000),
      '\uD800'.repeat(4000),
      'mo anvi pran randevou demin 10h30 '.repeat(120),
      'apre '.repeat(800),
      ':'.repeat(4000),
      '1 '.repeat(2000),
      'le 1 '.repeat(800),
    ];
    for (const text of hostile) {
      const started = performance.now();
      read(text);
      expect([text.slice(0, 12), performance.now() - started < 1000]).toEqual([text.slice(0, 12), true]);
    }
  });
});

describe('understand (properties)', () => {
  const PIECES = [
    'mo',
    'anvi',
    'randevou',
    'demin',
    'zedi',
    'gramatin',
    'stop',
    'arrêt',
    'annuler',
    'rdv',
    '10h30',
    '3pm',
    '8/12',
    'le 8 décembre',
    'next week',
    'apre-demin',
    'aswar',
    'mal',
    'anfle',
    'English',
    'kreol',
    '👍',
    '🦷',
    '👍🏽',
    '\uD800',
    '\uDFFF',
    '’',
    "'",
    '-',
    '\u0301',
    'ß',
    'İ',
  ];
  const messages = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 4000 }),
    fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 4000 }),
    fc
      .array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 })), { maxLength: 600 })
      .map((parts) => parts.join(' ').slice(0, 4000)),
  );
  const zones = fc.constantFrom('Indian/Mauritius', 'Europe/Paris', 'America/New_York', 'Pacific/Kiritimati', 'UTC');
  const instants = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2030, 0, 1) }).map((ms) => new Date(ms));
  const hints = fc.constantFrom<Language | null | undefined>('en', 'fr', 'mfe', null, undefined);

  function isValid(u: Understanding, at: Date): boolean {
    const languages: Language[] = ['en', 'fr', 'mfe'];
    if (!languages.includes(u.language)) return false;
    if (!(INTENTS as readonly string[]).includes(u.intent)) return false;
    if (!(u.confidence >= 0 && u.confidence <= 1)) return false;
    if (u.intent === 'unknown' && u.confidence !== 0) return false;
    if (u.visitKind !== null && !(VISIT_KINDS as readonly string[]).includes(u.visitKind)) return false;
    if (u.switchTo !== undefined && (u.intent !== 'language' || !languages.includes(u.switchTo))) return false;
    if (u.when !== null) {
      const { from, to } = u.when;
      if (!(from instanceof Date) || !(to instanceof Date)) return false;
      if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) return false;
      if (!(from.getTime() < to.getTime()) || to.getTime() <= at.getTime()) return false;
    }
    return true;
  }

  it('never throws and always gives a valid Understanding, never wholly in the past', () => {
    fc.assert(
      fc.property(messages, instants, zones, hints, (text, at, timeZone, languageHint) => {
        const understood = understand(text, { at, timeZone, languageHint });
        return isValid(understood, at);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(messages, instants, zones, (text, at, timeZone) => {
        expect(understand(text, { at, timeZone })).toEqual(understand(text, { at, timeZone }));
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the hint for texts with no letters', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('👍', '🙏', '1', '2', ':', ' ', '!', '?', '.', '🦷'), maxLength: 20 }),
        fc.constantFrom<Language>('en', 'fr', 'mfe'),
        (text, hint) => understand(text, { at: AT, timeZone: MU, languageHint: hint }).language === hint,
      ),
    );
  });
});
