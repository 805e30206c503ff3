import type { Intent, Language, Understanding } from '../assistant.types.js';
import { type IntentReading, readIntent } from './intent.js';
import { detectLanguage } from './language.js';
import { fold, wordsOf } from './normalise.js';
import { readVisitKind } from './visit-kind.js';
import { readTime } from './when.js';

export { detectLanguage } from './language.js';
export { matchVisitType, readVisitKind } from './visit-kind.js';
export { type ReadTimeOptions, readTime, type TimeRange } from './when.js';

export interface UnderstandOptions {
  /** The instant the message arrived: "tomorrow" and "next week" count from here. */
  at: Date;
  /** IANA zone of the practice, e.g. 'Indian/Mauritius'. */
  timeZone: string;
  /** The conversation's language so far: kept for texts that do not tell ("ok", "👍", "10h30"). */
  languageHint?: Language | null;
}

/** Replies made of emoji alone, by the first kind found. Skin tones and variants are ignored. */
const EMOJI_REPLIES: [Intent, string[]][] = [
  ['yes', ['👍', '👌', '✅', '🆗', '✔', '🙆']],
  ['no', ['👎', '❌', '🙅', '✖']],
  ['thanks', ['🙏', '❤', '😊', '🥰', '💐', '🤗']],
  ['greeting', ['👋']],
];

function readEmoji(text: string): IntentReading {
  for (const [intent, emoji] of EMOJI_REPLIES) {
    if (emoji.some((e) => text.includes(e))) return { intent, confidence: 0.8 };
  }
  return { intent: 'unknown', confidence: 0 };
}

/**
 * What a patient's WhatsApp text asks for: its language, intent, the time span and kind of visit
 * it names. Pure and deterministic: the same text, instant and zone always read the same.
 */
export function understand(text: string, options: UnderstandOptions): Understanding {
  const typed = wordsOf(fold(text));
  const words = typed.map((w) => w.text);
  const language = detectLanguage(
    typed.map((w) => w.typed),
    options.languageHint,
  );
  let reading = words.length === 0 ? readEmoji(text) : readIntent(words);
  const when = readTime(text, {
    at: options.at,
    timeZone: options.timeZone,
    lastDayOnly: reading.intent === 'reschedule',
  });
  const namedKind = readVisitKind(words);
  // "Mardi 10h?", "Hello, tomorrow morning?", "my wife needs a root canal": a time or a kind of
  // visit with nothing else asks for a booking.
  if ((when || namedKind) && (reading.intent === 'unknown' || reading.intent === 'greeting')) {
    reading = { intent: 'book', confidence: 0.5 };
  }
  const visitKind = namedKind ?? (reading.intent === 'urgent' ? 'emergency' : null);
  return {
    language,
    intent: reading.intent,
    confidence: reading.confidence,
    when,
    visitKind,
    ...(reading.switchTo ? { switchTo: reading.switchTo } : {}),
  };
}
