import type { Intent, Language } from '../../assistant.types.js';

/** The shape of a language's rules file (en.ts, fr.ts, mfe.ts). */

/** What one language's rules say about one intent. Every list is optional. */
export interface IntentRule {
  /** The message says only this, once polite words are left out ("STOP", "stop please", "oui merci"). */
  whole?: string[];
  /** Words in a row; strong evidence. */
  phrases?: string[];
  /** Single words (or stems ending in *); weaker evidence. */
  keywords?: string[];
  /** Words that count only in a message of SHORT_MESSAGE_WORDS words or fewer ("yes", "no", "english"). */
  shortKeywords?: string[];
  /**
   * Words that count as a phrase only when the message also says one of `with` ("delete" with "my
   * data"; "delete my appointment" stays a cancellation). `with` alone counts for nothing.
   */
  paired?: { words: string[]; with: string[] };
  /** Phrases that void this intent's phrases and keywords they overlap ("no pain", "pa fer mal"). */
  unless?: string[];
  /** Multiplies this intent's points from this file (default 1). */
  weight?: number;
}

export type RuledIntent = Exclude<Intent, 'unknown' | 'language'>;

export interface LanguageRules {
  /** Words dropped before `whole` rules are tried: "please", "merci", "docteur". */
  politeWords: string[];
  intents: Partial<Record<RuledIntent, IntentRule>>;
  /**
   * Asking for a language: `phrases` and `shortKeywords` as above, and the names of each language
   * as written in this one (the name found in the message says which language is wanted).
   */
  switchLanguage: { phrases: string[]; shortKeywords: string[]; names: Record<Language, string[]> };
}
