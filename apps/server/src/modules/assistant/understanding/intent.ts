import type { Intent, Language } from '../assistant.types.js';
import { buildPhraseIndex, findPhrases, type PhraseIndex, phraseSteps } from './phrase-index.js';
import { englishRules } from './rules/en.js';
import { frenchRules } from './rules/fr.js';
import { creoleRules } from './rules/mfe.js';
import type { IntentRule, LanguageRules, RuledIntent } from './rules/types.js';

export type { IntentRule, LanguageRules, RuledIntent };

export const RULES: readonly LanguageRules[] = [englishRules, frenchRules, creoleRules];

const PHRASE_POINTS = 3;
const KEYWORD_POINTS = 1;
export const SHORT_MESSAGE_WORDS = 5;

type Kind = 'phrase' | 'keyword' | 'short' | 'unless' | 'paired' | 'pairedWith';
interface Evidence {
  intent: Intent;
  kind: Kind;
  weight: number;
}

interface CompiledRules {
  index: PhraseIndex<Evidence>;
  whole: Map<string, Intent>;
  polite: Set<string>;
  languageNames: PhraseIndex<Language>;
}

function compile(rules: readonly LanguageRules[]): CompiledRules {
  const entries: [string, Evidence][] = [];
  const whole = new Map<string, Intent>();
  const polite = new Set<string>();
  const names: [string, Language][] = [];
  const add = (intent: Intent, kind: Kind, list: string[] | undefined, weight = 1) => {
    for (const source of list ?? []) entries.push([source, { intent, kind, weight }]);
  };
  for (const file of rules) {
    for (const word of file.politeWords) for (const step of phraseSteps(word)) polite.add(step.text);
    for (const [intent, rule] of Object.entries(file.intents) as [RuledIntent, IntentRule][]) {
      add(intent, 'phrase', rule.phrases, rule.weight);
      add(intent, 'keyword', rule.keywords, rule.weight);
      add(intent, 'short', rule.shortKeywords, rule.weight);
      add(intent, 'unless', rule.unless);
      add(intent, 'paired', rule.paired?.words, rule.weight);
      add(intent, 'pairedWith', rule.paired?.with);
      for (const source of rule.whole ?? []) {
        whole.set(
          phraseSteps(source)
            .map((s) => s.text)
            .join(' '),
          intent,
        );
      }
    }
    add('language', 'phrase', file.switchLanguage.phrases);
    add('language', 'short', file.switchLanguage.shortKeywords);
    for (const [language, list] of Object.entries(file.switchLanguage.names) as [Language, string[]][]) {
      for (const name of list) names.push([name, language]);
    }
  }
  return { index: buildPhraseIndex(entries), whole, polite, languageNames: buildPhraseIndex(names) };
}

const COMPILED = compile(RULES);

export interface IntentReading {
  intent: Intent;
  confidence: number;
  switchTo?: Language;
}

interface Tally {
  points: number;
  phrase: boolean;
}

/** The words left once polite words and repeats are dropped: what `whole` rules compare with. */
function essentialWords(words: readonly string[], polite: Set<string>): string {
  const kept: string[] = [];
  for (const word of words) {
    if (polite.has(word)) continue;
    if (kept[kept.length - 1] === word) continue;
    kept.push(word);
  }
  return kept.join(' ');
}

function tallyEvidence(words: readonly string[], compiled: CompiledRules): Map<Intent, Tally> {
  const matches = findPhrases(compiled.index, words);
  const voided = new Map<Intent, Set<number>>();
  for (const m of matches) {
    if (m.phrase.value.kind !== 'unless') continue;
    const set = voided.get(m.phrase.value.intent) ?? new Set<number>();
    for (let i = m.at; i < m.at + m.length; i++) set.add(i);
    voided.set(m.phrase.value.intent, set);
  }
  const short = words.length <= SHORT_MESSAGE_WORDS;
  // Intents whose paired words count: the message also says what they are about ("my data").
  const pairedWith = new Set(
    matches.filter((m) => m.phrase.value.kind === 'pairedWith').map((m) => m.phrase.value.intent),
  );
  const tallies = new Map<Intent, Tally>();
  const counted = new Set<string>();
  for (const m of matches) {
    const { intent, weight } = m.phrase.value;
    let kind = m.phrase.value.kind;
    if (kind === 'unless' || kind === 'pairedWith' || (kind === 'short' && !short)) continue;
    if (kind === 'paired') {
      if (!pairedWith.has(intent)) continue;
      kind = 'phrase';
    }
    const switchedOff = voided.get(intent);
    if (switchedOff && Array.from({ length: m.length }, (_, i) => m.at + i).some((i) => switchedOff.has(i))) continue;
    // The same phrase twice ("cancel, cancel") is no surer than once.
    const key = `${intent}\u0000${m.phrase.source}`;
    if (counted.has(key)) continue;
    counted.add(key);
    const tally = tallies.get(intent) ?? { points: 0, phrase: false };
    tally.points += (kind === 'phrase' ? PHRASE_POINTS : KEYWORD_POINTS) * weight;
    tally.phrase ||= kind === 'phrase';
    tallies.set(intent, tally);
  }
  return tallies;
}

function confidenceOf(tally: Tally): number {
  if (tally.phrase) return 0.9;
  return Math.min(0.75, 0.5 + 0.1 * tally.points);
}

/**
 * The precedence between intents, highest first. A message that says several things is read as
 * the one that matters most: pain before anything, then a request about one's data, moving an appointment before booking one, a
 * request for a person before the questions a person would answer, and the short replies ("yes",
 * "thanks", "hello") only when nothing else is said. Within a tier the most points win, the
 * first listed on a tie ("premye plas" is `earliest`; "the first appointment you have" is `book`).
 */
const TIERS: Intent[][] = [
  ['urgent'],
  // A request about one's data names it ("my data"), which a booking question does not: "correct
  // my details" is not moving an appointment. Ties go to the weightier right (RIGHTS_PRECEDENCE).
  ['privacy_deletion', 'privacy_restriction', 'privacy_correction', 'privacy_access'],
  ['reschedule'],
  ['cancel'],
  ['human'],
  ['language'],
  ['book', 'my_appointments', 'opening_hours', 'address', 'prices', 'earliest'],
  ['yes', 'no'],
  ['thanks'],
  ['greeting'],
];

/** The intent of a message's (normalised) words, by the rules of all three languages together. */
export function readIntent(words: readonly string[], compiled: CompiledRules = COMPILED): IntentReading {
  const essential = essentialWords(words, compiled.polite);
  const wholeIntent = compiled.whole.get(essential);
  // STOP and START are taken only from a message that says nothing else.
  if (wholeIntent === 'stop' || wholeIntent === 'start') return { intent: wholeIntent, confidence: 0.95 };

  const tallies = tallyEvidence(words, compiled);
  if (wholeIntent) {
    const tally = tallies.get(wholeIntent) ?? { points: 0, phrase: false };
    tallies.set(wholeIntent, { points: tally.points + 10, phrase: true });
  }

  // Cancelling one appointment while asking for another is moving it.
  const cancel = tallies.get('cancel');
  if (cancel && !tallies.has('reschedule') && tallies.get('book')?.phrase) {
    tallies.set('reschedule', { points: cancel.points, phrase: true });
  }

  for (const tier of TIERS) {
    let best: Intent | null = null;
    let bestTally: Tally | null = null;
    for (const intent of tier) {
      const tally = tallies.get(intent);
      if (tally && (!bestTally || tally.points > bestTally.points)) {
        best = intent;
        bestTally = tally;
      }
    }
    if (best && bestTally) {
      const confidence = best === wholeIntent ? 0.95 : confidenceOf(bestTally);
      if (best !== 'language') return { intent: best, confidence };
      const switchTo = languageAskedFor(words, compiled);
      if (switchTo) return { intent: 'language', confidence, switchTo };
    }
  }
  return { intent: 'unknown', confidence: 0 };
}

/** The language named in a request to switch ("in English please", "an kreol"); the first named wins ("French, not English"). */
function languageAskedFor(words: readonly string[], compiled: CompiledRules): Language | null {
  return findPhrases(compiled.languageNames, words)[0]?.phrase.value ?? null;
}
