import type { AppointmentType, UnderstandResult } from '@dentalpro/contracts';
import type { AppContext } from '../../context.js';
import { type Actor, requirePermission } from '../../platform/access.js';
import { AppError } from '../../platform/errors.js';
import { practiceFactsIn } from '../../platform/tenancy.js';
import { unstorableText } from '../../platform/validation.js';
import { listAppointmentTypes } from '../scheduling/appointment-types.service.js';
import { type Language, RIGHT_OF_INTENT, type RightsRequestType } from './assistant.types.js';
import { readIntent } from './understanding/intent.js';
import { detectLanguage } from './understanding/language.js';
import { fold, wordsOf } from './understanding/normalise.js';
import { matchVisitType, understand } from './understanding/understand.js';

/**
 * How the assistant reads one message, for staff to see ("try a message" in Settings → Assistant,
 * `npm run cli -- assistant understand`): the same rules the conversation uses, nothing sent,
 * nothing stored.
 */

/** Where a message is read when no practice is named (the CLI without --practice). */
export const DEFAULT_TIME_ZONE = 'Indian/Mauritius';

/**
 * A message as the practice's assistant reads it: in the practice's time zone, and with the visit
 * type named as the practice names it, among the types patients may book on WhatsApp.
 */
export async function understandMessage(
  ctx: AppContext,
  input: { actor: Actor; practiceId: string; text: string; at?: Date },
): Promise<UnderstandResult> {
  requirePermission(input.actor, 'practice:read');
  checkText(input.text);
  const facts = await practiceFactsIn(ctx.db, input.practiceId);
  if (!facts) throw new AppError('practice_not_found');
  const types = (await listAppointmentTypes(ctx, { actor: input.actor, practiceId: input.practiceId })).filter(
    (type) => type.active && type.whatsappBookable,
  );
  return readMessage(input.text, {
    at: input.at ?? new Date(),
    timeZone: facts.timeZone,
    languageHint: facts.defaultLanguage,
    types,
  });
}

/**
 * A message read without a practice's visit types (no `typeName`), e.g. by the CLI before any
 * practice exists; `timeZone` defaults to Mauritius.
 */
export function understandText(text: string, opts: { at?: Date; timeZone?: string } = {}): UnderstandResult {
  checkText(text);
  return readMessage(text, { at: opts.at ?? new Date(), timeZone: opts.timeZone ?? DEFAULT_TIME_ZONE, types: [] });
}

/**
 * A request about the writer's data ("I want a copy of my data", "supprimez mes données", "efas mo
 * bann done") read by the assistant's own rules, with the language it is written in; null for
 * anything else. Privacy's listener asks it while the assistant is off for the number, so a message
 * means the same whichever of the two answers it. Intents only (no dates): it is asked of every text.
 */
export function readRightsRequest(text: string): { type: RightsRequestType; language: Language } | null {
  if (text.length > 1000) return null;
  const words = wordsOf(fold(text));
  const type = RIGHT_OF_INTENT[readIntent(words.map((w) => w.text)).intent];
  if (!type) return null;
  return { type, language: detectLanguage(words.map((w) => w.typed)) };
}

function readMessage(
  text: string,
  opts: { at: Date; timeZone: string; languageHint?: 'en' | 'fr'; types: AppointmentType[] },
): UnderstandResult {
  const understood = understand(text, {
    at: opts.at,
    timeZone: opts.timeZone,
    ...(opts.languageHint ? { languageHint: opts.languageHint } : {}),
  });
  // Each type under both its names, so a type is found whichever language names it.
  const names = opts.types.flatMap((type) => [
    { id: type.id, name: type.nameEn },
    { id: type.id, name: type.nameFr },
  ]);
  const typeId = names.length > 0 ? matchVisitType(understood.visitKind, text, names) : null;
  const type = opts.types.find((candidate) => candidate.id === typeId);
  return {
    language: understood.language,
    intent: understood.intent,
    when: understood.when ? { from: understood.when.from.toISOString(), to: understood.when.to.toISOString() } : null,
    ...(type ? { typeName: nameIn(type, understood.language, opts.languageHint) } : {}),
    confidence: understood.confidence,
  };
}

/** The type's name in the message's language; Creole speakers get the practice's own language. */
function nameIn(type: Pick<AppointmentType, 'nameEn' | 'nameFr'>, language: Language, practiceLanguage?: 'en' | 'fr') {
  const lang = language === 'mfe' ? (practiceLanguage ?? 'fr') : language;
  return lang === 'fr' ? type.nameFr : type.nameEn;
}

/** The platform's rule for any text (the HTTP gate applies it to requests; the CLI comes here directly). */
function checkText(text: string) {
  const errors = unstorableText(text).map((e) => ({ ...e, path: 'text' }));
  if (errors.length > 0) throw new AppError('validation_failed', { detail: 'The text is not valid', errors });
}
