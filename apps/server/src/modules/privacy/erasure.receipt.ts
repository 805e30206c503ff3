import type { ErasureReceipt } from '@dentalpro/contracts';
import type { Words } from '../../platform/data-owners.js';

/**
 * The receipt of an erasure in the patient's words (English or French): what was erased, what is
 * kept, why and until when. Each data owner names its kinds of data and gives its reasons in both
 * languages (`ErasureOutcome.labels`, `kept[].why`); this file only lays them out.
 */

export type ReceiptLanguage = 'en' | 'fr';

/** `clinicalNotes` → "Clinical notes". */
function readableKey(kind: string): string {
  const words = kind
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A kind's name as its owner gives it (a readable form of the key if the owner gave none). */
export function kindLabel(kind: string, labels: Record<string, Words>, language: ReceiptLanguage): string {
  return labels[kind]?.[language] ?? readableKey(kind);
}

const WORDS = {
  en: {
    title: (practice: string) => `Your request to delete your data at ${practice}`,
    done: (date: string) => `We carried out your request on ${date}.`,
    erased: 'Erased:',
    nothingErased: 'We held nothing about you that could be erased.',
    kept: 'Kept, because the law requires it:',
    nothingKept: 'We keep nothing else about you.',
    until: (date: string) => `until ${date}`,
    untilUnknown: 'for as long as the law requires',
    after: 'On that date it is deleted automatically, unless a court or an authority requires us to keep it longer.',
    items: (n: number) => (n === 1 ? '1 item' : `${n} items`),
    colon: ': ',
  },
  fr: {
    title: (practice: string) => `Votre demande de suppression de vos données chez ${practice}`,
    done: (date: string) => `Nous avons exécuté votre demande le ${date}.`,
    erased: 'Effacé :',
    nothingErased: 'Nous ne détenions rien vous concernant qui puisse être effacé.',
    kept: 'Conservé, parce que la loi l’exige :',
    nothingKept: 'Nous ne conservons rien d’autre vous concernant.',
    until: (date: string) => `jusqu’au ${date}`,
    untilUnknown: 'aussi longtemps que la loi l’exige',
    after:
      'À cette date, ces données sont supprimées automatiquement, sauf si un tribunal ou une autorité exige de les garder plus longtemps.',
    items: (n: number) => (n === 1 ? '1 élément' : `${n} éléments`),
    colon: ' : ',
  },
} as const;

/** A date as people write it: 6 December 2026, 6 décembre 2026. */
export function spokenDate(date: string, language: ReceiptLanguage): string {
  return new Intl.DateTimeFormat(language === 'fr' ? 'fr-FR' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`));
}

/** The receipt's text, to send to the patient as it is. */
export function receiptText(
  receipt: Pick<ErasureReceipt, 'erased' | 'kept' | 'language' | 'erasedAt'>,
  practiceName: string,
): string {
  const w = WORDS[receipt.language];
  const lines = [w.title(practiceName), '', w.done(spokenDate(receipt.erasedAt.slice(0, 10), receipt.language)), ''];
  const erased = receipt.erased.filter((e) => e.count > 0);
  if (erased.length === 0) lines.push(w.nothingErased);
  else lines.push(w.erased, ...erased.map((e) => `- ${e.label} (${w.items(e.count)})`));
  lines.push('');
  if (receipt.kept.length === 0) lines.push(w.nothingKept);
  else {
    lines.push(
      w.kept,
      ...receipt.kept.map(
        (k) =>
          `- ${k.label}${w.colon}${k.why} (${k.until ? w.until(spokenDate(k.until, receipt.language)) : w.untilUnknown})`,
      ),
      '',
      w.after,
    );
  }
  return lines.join('\n');
}
