import { squeeze } from './normalise.js';
import { buildPhraseIndex } from './phrase-index.js';

/**
 * The words the date reader knows itself, in English, French and Creole: the days, parts of the
 * day, weeks and months chrono-node does not read (it knows no Creole, and misses "après-demain"),
 * and the small words around times ("vers 10", "after 4", "avant 9h").
 */

export type TimeWord =
  | { kind: 'day'; offset: number }
  | { kind: 'weekday'; weekday: number }
  | { kind: 'part'; from: number; to: number }
  | { kind: 'span'; span: 'this_week' | 'next_week' | 'weekend' | 'this_month' | 'next_month' }
  | { kind: 'ignore' };

export const h = (hour: number, minute = 0) => hour * 60 + minute;

/** Our own time words, by meaning. Hyphens, accents and doubled letters do not matter. */
export const TIME_WORDS: [TimeWord, string[]][] = [
  [{ kind: 'day', offset: -1 }, ['yesterday', 'hier', 'yer']],
  [
    { kind: 'day', offset: 0 },
    [
      'today',
      'tday',
      '2day',
      "aujourd'hui",
      'aujourdhui',
      'auj',
      'ojd',
      'ojourdui',
      'ojordi',
      'zordi',
      'zordie',
      'zourdi',
    ],
  ],
  [
    { kind: 'day', offset: 1 },
    [
      'tomorrow',
      'tmrw',
      'tmr',
      'tmrow',
      'tomoro',
      'tomorrw',
      '2moro',
      '2morrow',
      '2mrw',
      'demain',
      'dmain',
      'dem1',
      'demin',
      'dimin',
      'dmin',
    ],
  ],
  [
    { kind: 'day', offset: 2 },
    [
      'day after tomorrow',
      'after tomorrow',
      'après-demain',
      'apredemain',
      'après demin',
      'apre-demin',
      'apredemin',
      'apre-dimin',
      'apredimin',
    ],
  ],
  [{ kind: 'weekday', weekday: 1 }, ['monday', 'lundi', 'lindi']],
  [{ kind: 'weekday', weekday: 2 }, ['tuesday', 'tues', 'tue', 'mardi']],
  [{ kind: 'weekday', weekday: 3 }, ['wednesday', 'wed', 'wensday', 'wendsday', 'mercredi', 'merkredi', 'mecredi']],
  [{ kind: 'weekday', weekday: 4 }, ['thursday', 'thurs', 'thur', 'thu', 'thirsday', 'jeudi', 'zedi', 'zeudi']],
  [{ kind: 'weekday', weekday: 5 }, ['friday', 'fri', 'fryday', 'vendredi', 'vandredi']],
  [{ kind: 'weekday', weekday: 6 }, ['saturday', 'sat', 'saterday', 'samedi', 'samdi']],
  [{ kind: 'weekday', weekday: 7 }, ['sunday', 'dimanche', 'dimans']],
  [
    { kind: 'part', from: h(8), to: h(12) },
    ['morning', 'mornings', 'matin', 'matinée', 'gramatin', 'gramaten', 'bomatin'],
  ],
  [
    { kind: 'part', from: h(8), to: h(10) },
    ['early morning', 'tôt le matin', 'de bonne heure', 'de bon matin', 'gramatin bonner', 'bonner'],
  ],
  [{ kind: 'part', from: h(10, 30), to: h(12) }, ['late morning', 'fin de matinée', 'fin matinée', 'fin gramatin']],
  [{ kind: 'part', from: h(12), to: h(13) }, ['noon', 'midday', 'lunchtime', 'lunch time', 'lunch', 'midi']],
  [
    { kind: 'part', from: h(12), to: h(17) },
    ['afternoon', 'afternoons', 'aftrnoon', 'après-midi', 'apresmidi', 'aprem', 'apremidi', 'apre-midi', 'laprem'],
  ],
  [
    { kind: 'part', from: h(12), to: h(15) },
    ['early afternoon', "début d'après-midi", "début de l'après-midi", 'début après-midi', 'debut apremidi'],
  ],
  [
    { kind: 'part', from: h(15), to: h(17) },
    ['late afternoon', "fin d'après-midi", "fin de l'après-midi", 'fin après-midi', 'fin apremidi', 'fin apre-midi'],
  ],
  [
    { kind: 'part', from: h(17), to: h(20) },
    [
      'evening',
      'evenings',
      'tonight',
      'tonite',
      'after work',
      'soir',
      'soirée',
      'aswar',
      'apre travay',
      'après le travail',
      'après travail',
    ],
  ],
  [{ kind: 'part', from: h(15), to: h(18) }, ['after school', "après l'école", 'apre lekol']],
  [
    { kind: 'span', span: 'next_week' },
    [
      'next week',
      'nxt week',
      'semaine prochaine',
      'semaine pro',
      'sem pro',
      'sem prochaine',
      "semaine d'après",
      'semenn prosenn',
      'lasemenn prosenn',
      'prosenn semenn',
      'lot semenn',
      'lot semaine',
      'semenn apre',
    ],
  ],
  [{ kind: 'span', span: 'this_week' }, ['this week', 'cette semaine', 'cette sem', 'sa semenn', 'sa semaine']],
  [
    { kind: 'span', span: 'weekend' },
    ['weekend', 'week-end', 'wikenn', 'wiken', 'this weekend', 'ce weekend', 'ce week-end'],
  ],
  [{ kind: 'span', span: 'next_month' }, ['next month', 'mois prochain', 'mwa prosenn', 'lot mwa']],
  [{ kind: 'span', span: 'this_month' }, ['this month', 'ce mois', 'sa mwa']],
  // Greetings and farewells that name a part of the day without asking for it.
  [
    { kind: 'ignore' },
    [
      'good morning',
      'good afternoon',
      'good evening',
      'good night',
      'bon après-midi',
      'bonne après-midi',
      'bonne soirée',
      'bonne journée',
      'bonne nuit',
      'bon matin',
    ],
  ],
];

export const TIME_WORD_INDEX = buildPhraseIndex(
  TIME_WORDS.flatMap(([meaning, list]) => list.map((w) => [w, meaning] as const)),
);

export const NEXT_WORDS = new Set(['next', 'nxt', 'prochain', 'prochaine', 'prosen', 'coming', 'lot']);
export const LEAD_FILLERS = new Set(['de', 'at', 'a', 'the', 'la', 'l']);
export const BEFORE_WORDS = new Set(['before', 'avant', 'avan', 'by']);
export const AFTER_WORDS = new Set(['after', 'apres', 'apre', 'from', 'partir']);
export const AROUND_WORDS = new Set(['around', 'about', 'vers', 'ver', 'environ', 'approx', 'round']);
export const RANGE_JOINERS = /^\s*(?:et|and|to|a|-|ziska|jusqu'?\s?a|till|until|ek|ou|or)?\s*$/;
export const ORDINAL = /^(\d{1,2})(?:er|st|nd|rd|th|eme|e)?$/;
/** Words after which a bare number is an hour ("at 3", "vers 10", "apre 4"). */
export const TIME_LEADS = new Set([
  'at',
  'after',
  'before',
  'around',
  'about',
  'by',
  'till',
  'until',
  'from',
  'vers',
  'avant',
  'apres',
  'ver',
  'avan',
  'apre',
  'ziska',
  'environ',
  'partir',
  'jusqu',
  'round',
]);
/** Words after which a number is a count, not an hour ("after 2 days", "avant 3 semaines"). */
export const UNIT_WORDS = new Set(
  `day days week weeks month months year years jour jours semaine semaines mois an ans anee zour semen mwa lane
  min mins minute minutes hour hours heure heures dent dents teeth tooth dan kids enfants zanfan fois times`.split(
    /\s+/,
  ),
);
export const LOOKS_LIKE_TIME = /:|\d\s*[ap]\.?\s?m\b|o'?\s?clock|^at\s|midi|noon/;
export const MONTHS = new Map<string, number>(
  [
    ['january janvier zanvie', 1],
    ['february fevrier fevriye', 2],
    ['march mars', 3],
    ['april avril', 4],
    ['mai', 5],
    ['june juin zin', 6],
    ['july juillet zilye', 7],
    ['august aout', 8],
    ['september septembre septam', 9],
    ['october octobre oktob', 10],
    ['november novembre novam', 11],
    ['december decembre desam', 12],
  ].flatMap(([names, month]) => (names as string).split(' ').map((name) => [squeeze(name), month as number] as const)),
);
export const DAY_OF_MONTH_LEADS = new Set(['le', 'the', 'lor']);
export const MONTH_WORDS =
  /\b(?:jan|janv|janvier|january|fev|fevr|fevrier|feb|february|mars|march|mar|avr|avril|april|apr|mai|may|juin|june|jun|juil|juillet|july|jul|aout|august|aug|sept?|septembre|september|oct|octobre|october|nov|novembre|november|dec|decembre|december)\b/;
