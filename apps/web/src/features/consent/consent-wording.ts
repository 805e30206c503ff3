import type { ConsentChannel, ConsentPurpose } from '@dentalpro/contracts';

/**
 * The words staff read to the patient before recording a grant or withdrawal, suggested in the
 * patient's language (they may be edited: what is saved is what was read). Pure, for the form.
 */
export type WordingLanguage = 'en' | 'fr';

const WHAT: Record<WordingLanguage, Record<ConsentPurpose, string>> = {
  en: {
    appointments: 'reminders and confirmations of your appointments',
    recalls: 'recalls when a check-up is due and news from the practice',
  },
  fr: {
    appointments: 'les rappels et confirmations de vos rendez-vous',
    recalls: 'les rappels de contrôle et les nouvelles du cabinet',
  },
};

const HOW: Record<WordingLanguage, Record<ConsentChannel, string>> = {
  en: { whatsapp: 'on WhatsApp', email: 'by email' },
  fr: { whatsapp: 'sur WhatsApp', email: 'par e-mail' },
};

export function suggestedWording(input: {
  practiceName: string;
  channel: ConsentChannel;
  purpose: ConsentPurpose;
  granted: boolean;
  language: WordingLanguage;
}): string {
  const what = WHAT[input.language][input.purpose];
  const how = HOW[input.language][input.channel];
  if (input.language === 'fr')
    return input.granted
      ? `${input.practiceName} vous enverra ${what} ${how}. Vous pouvez changer d'avis à tout moment (sur WhatsApp, répondez STOP).`
      : `${input.practiceName} ne vous enverra plus ${what} ${how}. Vous pouvez nous redonner votre accord à tout moment.`;
  return input.granted
    ? `${input.practiceName} will send you ${what} ${how}. You can change your mind at any time (on WhatsApp, reply STOP).`
    : `${input.practiceName} will no longer send you ${what} ${how}. You can give your agreement again at any time.`;
}

/** The patient's language for the wording: Creole speakers are read the French text. */
export function wordingLanguageOf(preferred: string | null | undefined, fallback: WordingLanguage): WordingLanguage {
  if (preferred === 'en') return 'en';
  if (preferred === 'fr' || preferred === 'mfe') return 'fr';
  return fallback;
}
