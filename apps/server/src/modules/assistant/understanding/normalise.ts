/**
 * The one way patients' texts (and the word lists they are read against) are brought to a common
 * form: lower case, accents dropped, every apostrophe the same, words split on anything that is
 * not a letter or a digit, and letters typed several times in a row squeezed to one ("noooon",
 * "mersiii", "appointment" and "apointment" all meet).
 */

/**
 * Lower case, accents dropped, every kind of apostrophe turned into `'`, and English "n't" joined
 * ("can't" → "cant", as most patients type it anyway). Keeps punctuation and digits.
 */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[’‘`´ʼ]/g, "'")
    .replace(/n't\b/g, 'nt');
}

/** Letters repeated in a row become one ("helloooo" → "helo"); digits are left alone ("11h"). */
export function squeeze(word: string): string {
  return word.replace(/(\p{L})\1+/gu, '$1');
}

export interface Word {
  /** The word as matched against word lists (squeezed). */
  text: string;
  /** The word as typed, folded but not squeezed ("enn" and "en" differ here). */
  typed: string;
  /** Where it starts and ends in the folded text. */
  start: number;
  end: number;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of an already folded text, squeezed, with their places in it. */
export function wordsOf(folded: string): Word[] {
  const words: Word[] = [];
  for (const match of folded.matchAll(WORD)) {
    words.push({ text: squeeze(match[0]), typed: match[0], start: match.index, end: match.index + match[0].length });
  }
  return words;
}

/** Fold, split and squeeze: the words a rule or a message is compared by. */
export function normalisedWords(text: string): string[] {
  return wordsOf(fold(text)).map((w) => w.text);
}
