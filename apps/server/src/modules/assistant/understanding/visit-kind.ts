import type { VisitKind } from '../assistant.types.js';
import { normalisedWords } from './normalise.js';
import { buildPhraseIndex, findPhrases } from './phrase-index.js';

/**
 * The words patients (and practices, in their visit types' names) use for each kind of visit,
 * in English, French and Creole. Same conventions as the rules files: one line per word or
 * phrase, accents and capitals do not matter, * accepts any ending.
 */
export const VISIT_KIND_WORDS: Record<VisitKind, string[]> = {
  checkup: [
    'check-up*',
    'checkup*',
    'control',
    'contrôle',
    'kontrol',
    'sek-ap',
    'sekap',
    'examen',
    'exam',
    'examination',
    'bilan',
    'routine',
    'visite de contrôle',
  ],
  cleaning: [
    'cleaning',
    'clean',
    'scale',
    'scaling',
    'polish',
    'hygiene',
    'hygienist',
    'détartrage',
    'detartraz',
    'nettoyage',
    'netwayaz',
    'netoyaz',
    'tartre',
    'tartar',
    'prophylaxie',
  ],
  filling: [
    'filling*',
    'cavity',
    'cavities',
    'plombage*',
    'plonbaz',
    'obturation',
    'carie*',
    'karie',
    'composite',
    'komposit',
  ],
  extraction: [
    'extraction',
    'extract',
    'pull out',
    'pulled out',
    'pull a tooth',
    'remove a tooth',
    'take out',
    'wisdom tooth',
    'arracher',
    'arrachage',
    'enlever une dent',
    'dent de sagesse',
    'tir dan',
    'tir enn dan',
    'tir mo dan',
    'aras dan',
    'aras enn dan',
    'aras mo dan',
  ],
  whitening: ['whitening', 'whiten*', 'bleach*', 'blanchiment', 'blanchir', 'blansi', 'blanchiman'],
  root_canal: [
    'root canal',
    'root-canal',
    'endodontic*',
    'dévitalisation',
    'dévitaliser',
    'traitement de canal',
    'traitement canalaire',
    'tretman nerf',
    'nerf',
    'kanal',
  ],
  orthodontics: [
    'braces',
    'brace',
    'orthodontic*',
    'orthodontist',
    'aligner*',
    'invisalign',
    'appareil dentaire',
    'appareil',
    'orthodontie',
    'orthodontiste',
    'bagues',
    'aparey',
  ],
  denture: ['denture*', 'false teeth', 'prosthesis', 'dentier*', 'prothèse*', 'dantie', 'dan fos', 'fo dan', 'protez'],
  crown: ['crown*', 'couronne*', 'kouronn', 'kouron', 'bridge*', 'cap'],
  emergency: ['emergency', 'urgence', 'urgent', 'irzan', 'irzans', 'ijan'],
  consultation: [
    'consultation',
    'consult',
    'first visit',
    'new patient',
    'première visite',
    'konsiltasion',
    'konsiltasyon',
    'second opinion',
    'deuxième avis',
  ],
};

const KIND_INDEX = buildPhraseIndex(
  (Object.entries(VISIT_KIND_WORDS) as [VisitKind, string[]][]).flatMap(([kind, list]) =>
    list.map((word) => [word, kind] as const),
  ),
);

/** The kind of visit a message names; the first named when it names several. */
export function readVisitKind(words: readonly string[]): VisitKind | null {
  return findPhrases(KIND_INDEX, words)[0]?.phrase.value ?? null;
}

/** Words too common in visit types' names to identify one ("Consultation de 30 min", "the"). */
const NAME_NOISE = new Set(
  normalisedWords(
    'the a an and of for with de du des la le les et pour avec min mins minutes minute h hour visit visite rdv',
  ),
);

/**
 * The id of the practice's visit type that fits: first a type whose name uses one of the kind's
 * words in any language ("Scale & polish", "Détartrage" for cleaning), the one whose name is
 * most about that kind when several are; else a type all of whose name's telling words appear in
 * the text ("Implant consultation" for "I'd like an implant consultation"). Null when none fits.
 */
export function matchVisitType(
  kind: VisitKind | null,
  text: string,
  types: readonly { id: string; name: string }[],
): string | null {
  const named = types.map((type) => ({ id: type.id, words: normalisedWords(type.name) }));
  if (kind) {
    const kindIndex = buildPhraseIndex(VISIT_KIND_WORDS[kind].map((word) => [word, kind] as const));
    let best: { id: string; share: number } | null = null;
    for (const type of named) {
      const telling = type.words.filter((w) => !NAME_NOISE.has(w) && !/^\d+$/.test(w));
      const covered = new Set<number>();
      for (const m of findPhrases(kindIndex, type.words)) {
        for (let i = m.at; i < m.at + m.length; i++) covered.add(i);
      }
      if (covered.size === 0) continue;
      const share = covered.size / Math.max(1, telling.length);
      if (!best || share > best.share) best = { id: type.id, share };
    }
    if (best) return best.id;
  }
  const textWords = new Set(normalisedWords(text));
  let best: { id: string; count: number } | null = null;
  for (const type of named) {
    const telling = type.words.filter((w) => !NAME_NOISE.has(w) && !/^\d+$/.test(w) && w.length > 2);
    if (telling.length === 0) continue;
    if (!telling.every((w) => textWords.has(w))) continue;
    if (!best || telling.length > best.count) best = { id: type.id, count: telling.length };
  }
  return best?.id ?? null;
}
