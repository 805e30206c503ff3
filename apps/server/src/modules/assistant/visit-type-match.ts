import type { FactsVisitType, VisitKind } from './assistant.types.js';

/**
 * Which of the practice's visit types a patient's words point to: a type named in the text
 * ("a check-up please"), else the kind of visit the understanding found ("détartrage" is a
 * cleaning) when exactly one type's name fits that kind. Null when it is not clear: then the
 * conversation asks.
 */
export function matchVisitType(
  types: readonly FactsVisitType[],
  kind: VisitKind | null,
  text: string,
): FactsVisitType | null {
  const folded = fold(text);
  const named = types.filter((type) => isNamedIn(type.name, folded));
  if (named.length > 0) return named.reduce((a, b) => (squash(b.name).length > squash(a.name).length ? b : a));
  if (!kind) return null;
  const words = KIND_WORDS[kind];
  const byKind = types.filter((type) => words.some((word) => fold(type.name).includes(word)));
  return byKind.length === 1 ? byKind[0]! : null;
}

/** Words a practice puts in the name of a type of each kind (English, French, Creole; folded). */
const KIND_WORDS: Record<VisitKind, string[]> = {
  checkup: ['check', 'control', 'examen', 'exam', 'bilan', 'kontrol'],
  cleaning: ['scal', 'polish', 'clean', 'hygien', 'detartr', 'netwayaz', 'nettoyage'],
  filling: ['filling', 'plomb', 'obturation', 'composite', 'plonbaz'],
  extraction: ['extract', 'avulsion'],
  whitening: ['whiten', 'bleach', 'blanchi'],
  root_canal: ['root canal', 'canal', 'endodon', 'devitali'],
  orthodontics: ['ortho', 'brace', 'align', 'appareil'],
  denture: ['denture', 'prothese', 'dentier'],
  crown: ['crown', 'couronne', 'kouronn'],
  emergency: ['emergency', 'urgence', 'urgent', 'irzans'],
  consultation: ['consult'],
};

/** Lower case without accents. */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '');
}

/** Letters and digits only: "Check-up" and "checkup" meet. */
function squash(text: string): string {
  return fold(text).replace(/[^\p{L}\p{N}]+/gu, '');
}

const MINOR_WORDS = new Set(['and', 'et', 'ek', 'the', 'le', 'la', 'les', 'de', 'du', 'des', 'of', 'for', 'pour']);

function isNamedIn(name: string, foldedText: string): boolean {
  const whole = squash(name);
  // A very short name ("X-ray" squashed is fine; "Exam" too) would be found inside unrelated words.
  if (whole.length >= 4 && squash(foldedText).includes(whole)) return true;
  const words = fold(name)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length >= 3 && !MINOR_WORDS.has(word));
  if (words.length === 0) return false;
  const textWords = new Set(foldedText.split(/[^\p{L}\p{N}]+/u));
  return words.every((word) => textWords.has(word));
}
