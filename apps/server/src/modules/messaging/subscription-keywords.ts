/**
 * STOP and START typed as a whole message: the patient withdraws, or gives again, their consent
 * to WhatsApp messages from the practice. When the booking assistant answers a number, it reads
 * these itself (in any wording of its three languages); when it is off, the channel does, from
 * this short list, so an opt-out never depends on the assistant being switched on.
 *
 * Only a message that says nothing else counts: "stop" inside a sentence ("the bleeding won't
 * stop") is not an opt-out.
 */
const STOP = [
  'stop',
  'stop please',
  'please stop',
  'unsubscribe',
  'arret',
  'arrete',
  'arreter',
  'stop svp',
  'desabonner',
  'desabonnement',
  'desinscrire',
  'aret',
  'aret avoy mesaz',
  'pa anvoy mesaz',
  'pa avoy mwa mesaz',
  'pa anvoy mwa mesaz',
  'mo pa anvi gagn mesaz',
];
const START = ['start', 'subscribe', 'unstop', 'reprendre', 'abonner', 'komanse', 'rekomanse'];

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** 'stop' or 'start' when the whole message is one of the words above, else null. */
export function subscriptionKeyword(text: string): 'stop' | 'start' | null {
  if (text.length > 60) return null;
  const folded = fold(text);
  if (STOP.includes(folded)) return 'stop';
  if (START.includes(folded)) return 'start';
  return null;
}

const ENGLISH = new Set(['stop', 'stop please', 'please stop', 'unsubscribe', 'start', 'subscribe', 'unstop']);

/** The language the keyword itself is written in: French for French and Creole words, else null (English or either). */
export function keywordLanguage(text: string): 'fr' | null {
  const folded = fold(text);
  return folded && !ENGLISH.has(folded) && subscriptionKeyword(text) ? 'fr' : null;
}

/** The one confirmation, in the patient's language (Creole speakers read French). */
export function subscriptionConfirmation(keyword: 'stop' | 'start', language: 'en' | 'fr'): string {
  if (keyword === 'stop')
    return language === 'fr'
      ? "C'est noté : vous ne recevrez plus de messages de notre part sur WhatsApp. Écrivez START pour les recevoir à nouveau."
      : "Done: you won't get messages from us on WhatsApp any more. Reply START to receive them again.";
  return language === 'fr'
    ? 'C’est noté : vous recevrez à nouveau nos messages sur WhatsApp.'
    : "Done: you'll receive our messages on WhatsApp again.";
}
