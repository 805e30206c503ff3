import { fold, squeeze } from './normalise.js';

/**
 * Finds listed phrases in a message's words. A phrase is one or more words written as a person
 * would ("can't come", "rendez-vous", "apre-demin"); it is normalised the same way as messages, so
 * accents, apostrophes and doubled letters do not matter. A word ending in `*` matches any word
 * starting with it ("annul*" finds "annuler", "annulation").
 *
 * Phrases are indexed by their first word, so a message costs one map look-up per word plus the
 * few phrases that start with a stem.
 */

interface Step {
  text: string;
  prefix: boolean;
}

export interface Phrase<T> {
  /** As written in the list. */
  source: string;
  steps: Step[];
  value: T;
}

export interface PhraseIndex<T> {
  byFirstWord: Map<string, Phrase<T>[]>;
  startingWithStem: Phrase<T>[];
}

export interface PhraseMatch<T> {
  phrase: Phrase<T>;
  /** Index of the first matched word, and how many words matched. */
  at: number;
  length: number;
}

/** A phrase's words, normalised; empty when the phrase has no letters or digits. */
export function phraseSteps(source: string): Step[] {
  const steps: Step[] = [];
  for (const part of fold(source).split(/\s+/)) {
    const prefix = part.endsWith('*');
    const words = [...part.matchAll(/[\p{L}\p{N}]+/gu)].map((m) => squeeze(m[0]));
    words.forEach((text, i) => {
      steps.push({ text, prefix: prefix && i === words.length - 1 });
    });
  }
  return steps;
}

export function buildPhraseIndex<T>(entries: Iterable<readonly [string, T]>): PhraseIndex<T> {
  const index: PhraseIndex<T> = { byFirstWord: new Map(), startingWithStem: [] };
  for (const [source, value] of entries) {
    const steps = phraseSteps(source);
    const first = steps[0];
    if (!first) continue;
    const phrase = { source, steps, value };
    if (first.prefix) {
      index.startingWithStem.push(phrase);
    } else {
      const list = index.byFirstWord.get(first.text);
      if (list) list.push(phrase);
      else index.byFirstWord.set(first.text, [phrase]);
    }
  }
  return index;
}

function stepMatches(step: Step, word: string | undefined): boolean {
  if (word === undefined) return false;
  return step.prefix ? word.startsWith(step.text) : word === step.text;
}

function matchesAt<T>(phrase: Phrase<T>, words: readonly string[], at: number): boolean {
  for (let i = 0; i < phrase.steps.length; i++) {
    if (!stepMatches(phrase.steps[i]!, words[at + i])) return false;
  }
  return true;
}

/** Every occurrence of every phrase (overlapping ones included), in word order. */
export function findPhrases<T>(index: PhraseIndex<T>, words: readonly string[]): PhraseMatch<T>[] {
  const found: PhraseMatch<T>[] = [];
  for (let at = 0; at < words.length; at++) {
    const candidates = index.byFirstWord.get(words[at]!);
    if (candidates) {
      for (const phrase of candidates) {
        if (matchesAt(phrase, words, at)) found.push({ phrase, at, length: phrase.steps.length });
      }
    }
    for (const phrase of index.startingWithStem) {
      if (matchesAt(phrase, words, at)) found.push({ phrase, at, length: phrase.steps.length });
    }
  }
  return found;
}

/** The longest matches that do not overlap, earlier ones first among equals: how a reader takes "apres demain" over "demain". */
export function longestMatches<T>(matches: PhraseMatch<T>[]): PhraseMatch<T>[] {
  const ordered = [...matches].sort((a, b) => b.length - a.length || a.at - b.at);
  const taken: PhraseMatch<T>[] = [];
  const used = new Set<number>();
  for (const match of ordered) {
    let free = true;
    for (let i = match.at; i < match.at + match.length; i++) {
      if (used.has(i)) {
        free = false;
        break;
      }
    }
    if (!free) continue;
    for (let i = match.at; i < match.at + match.length; i++) used.add(i);
    taken.push(match);
  }
  return taken.sort((a, b) => a.at - b.at);
}
