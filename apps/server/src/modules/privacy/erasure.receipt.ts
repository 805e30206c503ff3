import type { ErasureReceipt } from '@dentalpro/contracts';

/**
 * The receipt of an erasure in the patient's words (English or French): what was erased, what is
 * kept, why and until when. The data owners name each kind of data as a key (`staffNotifications`)
 * and give their reasons in English; the kinds and reasons known here are said in both languages,
 * any other in a readable form of its key and the owner's English reason.
 */

export type ReceiptLanguage = 'en' | 'fr';

const KIND_LABELS: Record<string, { en: string; fr: string }> = {
  patientDetails: {
    en: 'Your contact details and personal details',
    fr: 'Vos coordonnées et informations personnelles',
  },
  appointments: { en: 'Your appointments', fr: 'Vos rendez-vous' },
  appointmentHistory: { en: 'The history of your appointments', fr: 'L’historique de vos rendez-vous' },
  waitlistEntries: { en: 'Your waiting-list entries', fr: 'Vos inscriptions sur la liste d’attente' },
  recalls: { en: 'Your check-up recalls', fr: 'Vos rappels de contrôle' },
  appointmentReminders: { en: 'Your appointment reminders', fr: 'Vos rappels de rendez-vous' },
  staffNotifications: {
    en: 'Notices to the practice staff about you',
    fr: 'Les avis au personnel du cabinet vous concernant',
  },
  whatsappMessages: { en: 'The content of your WhatsApp messages', fr: 'Le contenu de vos messages WhatsApp' },
  whatsappConversations: { en: 'Your WhatsApp conversations', fr: 'Vos conversations WhatsApp' },
  whatsappMedia: { en: 'Photos and files sent on WhatsApp', fr: 'Les photos et fichiers envoyés sur WhatsApp' },
  assistantConversations: {
    en: 'Your conversations with the booking assistant',
    fr: 'Vos échanges avec l’assistant de réservation',
  },
  assistantConsents: {
    en: 'Your answers to the booking assistant’s consent question',
    fr: 'Vos réponses à la question de consentement de l’assistant',
  },
  clinicalRecords: { en: 'Your dental records', fr: 'Votre dossier dentaire' },
  clinicalNotes: { en: 'Your clinical notes', fr: 'Vos notes cliniques' },
  chart: { en: 'Your dental chart', fr: 'Votre schéma dentaire' },
  treatmentPlans: { en: 'Your treatment plans', fr: 'Vos plans de traitement' },
  attachments: { en: 'Your X-rays and documents', fr: 'Vos radiographies et documents' },
  documents: { en: 'Your X-rays and documents', fr: 'Vos radiographies et documents' },
  consents: { en: 'Your consent history', fr: 'L’historique de vos consentements' },
  consent: { en: 'Your consent history', fr: 'L’historique de vos consentements' },
  phones: { en: 'Your phone numbers', fr: 'Vos numéros de téléphone' },
  contactDetails: {
    en: 'Your contact details (email, address, guardian’s contact, notes)',
    fr: 'Vos coordonnées (e-mail, adresse, contact du tuteur, notes)',
  },
  identity: { en: 'Your name, date of birth and sex', fr: 'Vos nom, date de naissance et sexe' },
  searchWords: { en: 'Your name in the patient search', fr: 'Votre nom dans la recherche de patients' },
  appointmentsCancelled: { en: 'Your appointments to come (cancelled)', fr: 'Vos rendez-vous à venir (annulés)' },
  appointmentsAnonymised: { en: 'Notes on your appointments', fr: 'Les notes sur vos rendez-vous' },
  offeredTimes: { en: 'Times offered to you by the booking assistant', fr: 'Les horaires proposés par l’assistant' },
  chatState: {
    en: 'Your conversation with the booking assistant',
    fr: 'Votre échange avec l’assistant de réservation',
  },
  whatsappConsents: {
    en: 'Your answers to the booking assistant’s consent question',
    fr: 'Vos réponses à la question de consentement de l’assistant',
  },
  whatsappMessageContents: {
    en: 'The words, photos and files of your WhatsApp messages',
    fr: 'Les textes, photos et fichiers de vos messages WhatsApp',
  },
  whatsappContacts: { en: 'Your WhatsApp number and name', fr: 'Votre numéro et nom WhatsApp' },
  queuedMessages: { en: 'WhatsApp messages waiting to be sent to you', fr: 'Les messages WhatsApp en attente d’envoi' },
  webhookPayloads: { en: 'WhatsApp’s raw delivery records', fr: 'Les relevés bruts de WhatsApp' },
  chartFindings: { en: 'Your dental chart', fr: 'Votre schéma dentaire' },
  erasureReceipts: { en: 'Receipts of your earlier requests', fr: 'Les reçus de vos demandes précédentes' },
  legalHolds: { en: 'Records of legal holds on your data', fr: 'Les traces des conservations légales de vos données' },
};

const CLINICAL_WHY_FR =
  'Les règles de santé de Maurice imposent de garder le dossier dentaire 11 ans après la dernière visite (pour un mineur, au moins jusqu’à ses 25 ans)';

/** The owners' reasons are English; these kinds have theirs in French too. */
const KEPT_WHY_FR: Record<string, string> = {
  clinicalRecords: CLINICAL_WHY_FR,
  clinicalNotes: CLINICAL_WHY_FR,
  chart: CLINICAL_WHY_FR,
  treatmentPlans: CLINICAL_WHY_FR,
  attachments: CLINICAL_WHY_FR,
  documents: CLINICAL_WHY_FR,
  appointments: 'Les visites passées font partie du dossier dentaire, gardé 11 ans après la dernière visite',
  appointmentHistory: 'Les visites passées font partie du dossier dentaire, gardé 11 ans après la dernière visite',
  patientDetails: 'Le dossier dentaire doit rester rattaché à la personne soignée tant qu’il est gardé',
  identity:
    'Ils disent à qui appartiennent le dossier dentaire et les visites que les règles de santé de Maurice imposent de garder',
  chartFindings: CLINICAL_WHY_FR,
  consent: 'La preuve de ce que vous avez accepté ou retiré, et que le retrait a été respecté',
  whatsappConsents: 'La preuve de ce que vous avez accepté ou refusé dans la conversation',
  whatsappMessages:
    'Seuls l’heure, le sens et l’état de remise de chaque message, sans texte, fichier ni numéro, pour les chiffres du cabinet',
  erasureReceipts: 'Ils prouvent que vos demandes précédentes ont été exécutées',
  legalHolds: 'Elles disent pourquoi vos données ont dû être gardées pour une procédure',
};

/** The reason a kind is kept, in the receipt's language (the owner's English when no French one is known). */
export function keptWhy(kind: string, why: string, language: ReceiptLanguage): string {
  return language === 'fr' ? (KEPT_WHY_FR[kind] ?? why) : why;
}

/** `clinicalNotes` → "Clinical notes". */
function readableKey(kind: string): string {
  const words = kind
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function kindLabel(kind: string, language: ReceiptLanguage): string {
  return KIND_LABELS[kind]?.[language] ?? readableKey(kind);
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
