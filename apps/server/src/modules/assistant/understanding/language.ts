import type { Language } from '../assistant.types.js';
import { squeeze } from './normalise.js';

/**
 * Which of English, French and Mauritian Creole a message is written in, from the words it uses.
 * Each listed word gives its language some points: 2 for a word only that language uses, 1 for a
 * word it mostly uses, 0.5 for a word the languages share. Words not listed (names, numbers,
 * "ok", "rdv", emoji) count for nothing. A mixed message goes to the language with most points.
 *
 * Creole words written the French way ("jeudi", "merci", "bonjour") count for French; the Creole
 * grammar words around them ("mo", "pe", "pou", "enn", "ki") are what give Creole away.
 */
const MARKERS: Record<Language, Record<string, number>> = {
  mfe: {
    ...weigh(
      2,
      `
      mo zot pe pou ena enn ene anvi kapav kav randevou randevu zordi zordie demin dimin apredemin
      gramatin apremidi aswar semenn lasemenn prosenn lindi merkredi zedi zeudi vandredi samdi dimans
      bonzour bonswar mersi wi bizin konn kone koz zanfan tifi garson lazou anfle senye kase dormi
      irzan ijan posib vinn sanz sanze anil anile ankor dimoun kouma konbien koute mwa twa nou ki kot
      eski pran finn zour dokter doktor douler lafiev disan detartraz netwayaz plonbaz sekap kontrol
      mesaz avoy anvoy aret ekrir korek dakor boukou ziska apel telefonn laden lagensiv enkor kifer
      ladres lor ek inn lerla konsiltasion tret dan vini kapay kreol morisien prosen semen zis komanse silvouple
    `,
    ),
    ...weigh(1.5, 'pa fer apre klinik plas ler'),
    ...weigh(1, 'ou sa li ar ti tou kan ale pli vit tro er bon avan res alo'),
    ...weigh(0.5, 'la ete mal le get madam mama dis'),
  },
  fr: {
    ...weigh(
      2,
      `
      je jai voudrais voudrai veux vous votre vos nous cest suis pour une les des du mon mes demain
      aujourd aujourdhui semaine prochaine prochain matin soir avec dans sur quel quelle quand comment
      combien disponible annuler dent dents il elle au aux chez cabinet madame monsieur oui tres ce
      cette fille fils mari femme encore aussi peut pouvez puis faire heure heures jeudi moi mais qui
      que quoi ai avez avoir serait alors deja voir venir passer prendre ne qu est bonsoir salut
      rendez merci beaucoup possibilite rappeler joue douleur gonfle gonflee saigne cassee detartrage
      nettoyage horaires ouvert adresse pourriez pourrais peux stp svp comme
    `,
    ),
    ...weigh(1.5, 'pas bonjour lundi mercredi vendredi samedi dimanche ca un de et'),
    ...weigh(1, 'j c ma mal bien docteur d n y apres si tout plus ou allo francais anglais arret reprendre'),
    ...weigh(0.5, 'le la l ete possible sa mardi dis'),
  },
  en: {
    ...weigh(
      2,
      `
      i my me you your the is are am to for of and can could would like want need please pls plz
      appointment appt tomorrow tmrw today week next this it have has do does what when where how much
      hi hello hey thanks thank thx yes yeah not dont cant will wont be book cancel time morning
      afternoon evening with at in im there cleaning tooth teeth sorry any some free slot open
      available see come just also good we our they was been had monday tuesday wednesday thursday
      friday saturday sunday tonight that if still only should make get out about hurts pain swollen
      bleeding broken address price cost wife son daughter husband mum mom dad kid kids child u ur
      which who know after
    `,
    ),
    ...weigh(1, 'on doctor sir dear no t m s ll ok english french all an'),
  },
};

/** Points for each word of a space-separated list. */
function weigh(points: number, words: string): Record<string, number> {
  return Object.fromEntries(
    words
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => [w, points]),
  );
}

/** The markers again under their squeezed spelling, for words typed with a letter held down ("mersiii"). */
const SQUEEZED_MARKERS: Record<Language, Record<string, number>> = {
  en: squeezedKeys(MARKERS.en),
  fr: squeezedKeys(MARKERS.fr),
  mfe: squeezedKeys(MARKERS.mfe),
};

function squeezedKeys(markers: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(markers).map(([word, points]) => [squeeze(word), points]));
}

const HELD_LETTER = /(\p{L})\1\1/u;

const LANGUAGES: Language[] = ['en', 'fr', 'mfe'];

/** With a hint, a lead no larger than this keeps the hint: one word ("merci" from a Creole speaker) does not switch. */
const LEAD_OVER_HINT = 2;

export interface LanguageScores {
  en: number;
  fr: number;
  mfe: number;
}

/**
 * Points per language for words as typed (folded, not squeezed: Creole "enn" is not French "en").
 * A word with a letter typed three times or more is looked up squeezed.
 */
export function languageScores(words: readonly string[]): LanguageScores {
  const scores: LanguageScores = { en: 0, fr: 0, mfe: 0 };
  for (const word of words) {
    const held = HELD_LETTER.test(word);
    for (const language of LANGUAGES) {
      const points = held ? SQUEEZED_MARKERS[language][squeeze(word)] : MARKERS[language][word];
      if (points) scores[language] += points;
    }
  }
  return scores;
}

/**
 * The language of a message's words as typed (see languageScores). Ties, and messages with no telling word
 * ("ok", "👍", "10h30"), go to the hint, else English.
 */
export function detectLanguage(words: readonly string[], hint?: Language | null): Language {
  const scores = languageScores(words);
  const ranked = [...LANGUAGES].sort((a, b) => scores[b] - scores[a]);
  const best = ranked[0]!;
  const second = ranked[1]!;
  if (scores[best] === 0 || scores[best] === scores[second]) {
    if (hint) return hint;
    if (scores[best] === 0) return 'en';
    // A tie with no hint: English if it is among the leaders, else the first leader.
    return scores.en === scores[best] ? 'en' : best;
  }
  if (hint && hint !== best && scores[best] - scores[hint] <= LEAD_OVER_HINT) return hint;
  return best;
}
