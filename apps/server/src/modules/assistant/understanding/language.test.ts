import { describe, expect, it } from 'vitest';
import { detectLanguage } from './language.js';
import { fold, wordsOf } from './normalise.js';

const typed = (text: string) => wordsOf(fold(text)).map((w) => w.typed);
const languageOf = (text: string, hint?: 'en' | 'fr' | 'mfe' | null) => detectLanguage(typed(text), hint);

describe('detectLanguage', () => {
  it.each([
    ['Hi, can I book a cleaning for tomorrow please?', 'en'],
    ['Bonjour, je voudrais un rendez-vous pour mon fils', 'fr'],
    ['bjr jvoudrais un rdv demain stp', 'fr'],
    ['Mo anvi pran randevou zedi gramatin', 'mfe'],
    ['Ki ler zot ouver samdi?', 'mfe'],
    ['eski ena plas demin', 'mfe'],
    ['je ne pourrai pas venir mardi, desole', 'fr'],
  ] as const)('%s → %s', (text, expected) => {
    expect(languageOf(text)).toBe(expected);
  });

  it('reads a mixed message as the language of most of its words', () => {
    expect(languageOf('Bonjour, mo ti anvi pran enn rdv pou mo garson demin')).toBe('mfe');
    expect(languageOf('Bonjour, je voudrais un rdv pour mo garson demain aswar')).toBe('fr');
    expect(languageOf('Hello, mo anvi book enn appointment for tomorrow please')).toBe('en');
  });

  it('tells Creole "enn" from French "en", which squeezing doubled letters would merge', () => {
    expect(languageOf('en français svp')).toBe('fr');
    expect(languageOf('mo anvi enn rdv')).toBe('mfe');
  });

  it('reads words typed with a letter held down', () => {
    expect(languageOf('mersiiii')).toBe('mfe');
    expect(languageOf('merciiii beaucoupppp')).toBe('fr');
  });

  it('keeps the hint for texts that do not tell: "ok", emoji, numbers', () => {
    for (const text of ['ok', '👍', '10h30', '', '🦷🦷', 'Rdv']) {
      expect(languageOf(text, 'mfe')).toBe('mfe');
      expect(languageOf(text, 'fr')).toBe('fr');
    }
  });

  it('falls back to English with no hint and nothing telling', () => {
    expect(languageOf('👍')).toBe('en');
    expect(languageOf('10:30')).toBe('en');
  });

  it('keeps the hint when another language leads by little ("merci" from a Creole speaker)', () => {
    expect(languageOf('merci', 'mfe')).toBe('mfe');
    expect(languageOf('bonjour', 'mfe')).toBe('mfe');
  });

  it('leaves the hint when the text plainly says otherwise', () => {
    expect(languageOf('Bonjour, je voudrais annuler mon rendez-vous', 'en')).toBe('fr');
    expect(languageOf('Mo pa pou kapav vini demin', 'fr')).toBe('mfe');
    expect(languageOf('Sorry, I will not be able to come tomorrow', 'mfe')).toBe('en');
  });
});
