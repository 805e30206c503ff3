import type { PrivacyConfig, PrivacyThirdParty } from '../../config.js';
import { AppError } from '../../platform/errors.js';

type Lang = 'en' | 'fr';

const KIND_WORDS: Record<Lang, Record<PrivacyThirdParty['kind'], string>> = {
  en: { hosting: 'Hosting', authentication: 'Sign-in', messaging: 'Messaging', email: 'Email' },
  fr: { hosting: 'Hébergement', authentication: 'Connexion', messaging: 'Messagerie', email: 'E-mail' },
};

/** What is said of a kind the register leaves out: the deployment does it itself. */
const NONE: Record<Lang, Record<PrivacyThirdParty['kind'], string>> = {
  en: {
    hosting: 'this server, run by the operator of this deployment',
    authentication: "DentalPro's own passwords and two-step codes; no other party",
    messaging: 'no WhatsApp provider is connected (the sandbox on this server: no message leaves it)',
    email: 'no outside email service',
  },
  fr: {
    hosting: "ce serveur, exploité par l'opérateur de ce déploiement",
    authentication: 'les mots de passe et codes en deux étapes de DentalPro ; aucun tiers',
    messaging: "aucun fournisseur WhatsApp n'est connecté (le bac à sable de ce serveur : aucun message n'en sort)",
    email: "aucun service d'e-mail extérieur",
  },
};

const OUTSIDE: Record<Lang, string> = { en: 'outside Mauritius', fr: 'hors de Maurice' };
const NO_CONTACT: Record<Lang, string> = {
  en: 'the operator of this DentalPro deployment (no privacy contact address is configured yet)',
  fr: "l'opérateur de ce déploiement DentalPro (aucune adresse de contact n'est encore configurée)",
};

/** The register as the policy's list: one line per kind, the configured parties or what stands in for them. */
export function thirdPartyLines(parties: readonly PrivacyThirdParty[], lang: Lang): string {
  const kinds = ['hosting', 'authentication', 'messaging', 'email'] as const;
  return kinds
    .flatMap((kind) => {
      const ofKind = parties.filter((p) => p.kind === kind);
      if (ofKind.length === 0) return kind === 'email' ? [] : [`- ${KIND_WORDS[lang][kind]}: ${NONE[lang][kind]}.`];
      return ofKind.map(
        (p) =>
          `- ${KIND_WORDS[lang][kind]}: ${p.name} (${p.location}${p.outsideMauritius && !/outside|hors/i.test(p.location) ? `, ${OUTSIDE[lang]}` : ''}).`,
      );
    })
    .join('\n');
}

/** A stored text with the register and the contact address of this deployment written in. */
export function renderPolicyText(text: string, lang: Lang, privacy: PrivacyConfig): string {
  return text
    .replaceAll('{{third_parties}}', thirdPartyLines(privacy.thirdParties, lang))
    .replaceAll('{{contact_email}}', privacy.contactEmail ?? NO_CONTACT[lang]);
}

export interface PolicyDocument {
  summary: { en: string; fr: string };
  text: { en: string; fr: string };
}

/**
 * A version to publish, from the operator's file:
 *
 *   summary.en: What changed, in a sentence.
 *   summary.fr: Ce qui a changé, en une phrase.
 *   === en
 *   ## Who is responsible
 *   …
 *   === fr
 *   ## Qui est responsable
 *   …
 *
 * The texts may use {{third_parties}} and {{contact_email}}; `privacy show-policy` prints the
 * current version in this form, to start from.
 */
export function parsePolicyFile(content: string): PolicyDocument {
  const summary: Partial<Record<Lang, string>> = {};
  const text: Partial<Record<Lang, string[]>> = {};
  let current: Lang | null = null;
  for (const line of content.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const section = /^===\s*(en|fr)\s*$/.exec(line);
    if (section) {
      current = section[1] as Lang;
      if (text[current]) throw invalid(`the "=== ${current}" section appears twice`);
      text[current] = [];
      continue;
    }
    if (current) {
      text[current]!.push(line);
      continue;
    }
    const head = /^summary\.(en|fr):\s*(.*)$/.exec(line);
    if (head) summary[head[1] as Lang] = head[2]!.trim();
    else if (line.trim() !== '') throw invalid(`unexpected line before the texts: "${line.slice(0, 60)}"`);
  }
  const doc = {
    summary: { en: summary.en ?? '', fr: summary.fr ?? '' },
    text: { en: (text.en ?? []).join('\n').trim(), fr: (text.fr ?? []).join('\n').trim() },
  };
  for (const lang of ['en', 'fr'] as const) {
    if (!doc.summary[lang]) throw invalid(`summary.${lang}: is missing`);
    if (doc.summary[lang].length > 1000) throw invalid(`summary.${lang}: is longer than 1000 characters`);
    if (!doc.text[lang]) throw invalid(`the "=== ${lang}" text is missing or empty`);
    if (doc.text[lang].length > 100_000) throw invalid(`the "=== ${lang}" text is longer than 100000 characters`);
  }
  return doc;
}

/** The file form of a version (what parsePolicyFile reads). */
export function policyFileOf(doc: PolicyDocument): string {
  return `summary.en: ${doc.summary.en}\nsummary.fr: ${doc.summary.fr}\n=== en\n${doc.text.en}\n=== fr\n${doc.text.fr}\n`;
}

function invalid(detail: string) {
  return new AppError('validation_failed', { detail: `The policy file is not valid: ${detail}` });
}
