import type { BookingDraft, Step, Understanding } from './assistant.types.js';
import { readBirthDate } from './birth-date.js';
import { type Ctx, goIdle, goTo, stay } from './conversation-context.js';
import { consentButtons, consentWording, textReply, withLead } from './prompts.js';
import { charCount } from './reply-limits.js';
import { localDate } from './say-when.js';

/**
 * A patient the practice does not know yet (an unknown number, or "someone else" on a known one):
 * full name → date of birth → consent to be contacted on WhatsApp → register_patient. The booking
 * carries on when the patient is registered (conversation.ts, on the `registered` result).
 */

export function startRegistration(c: Ctx, draft: BookingDraft, lead?: string): Step {
  return {
    state: { ...c.state, name: 'asking_name', draft, registration: {}, misses: 0 },
    replies: [textReply(withLead(lead, c.t.askName))],
    commands: [],
  };
}

export function askBirthDateAgain(c: Ctx): string {
  return c.t.askBirthDate(givenNameIn(c.state.registration?.fullName));
}

/** The full name, or null when the text reads as a request rather than a name (then it is handled as one). */
export function readName(c: Ctx, text: string, understood: Understanding): Step | null {
  if (isClearRequest(understood)) return null;
  const reading = readFullName(text);
  if (!reading.ok) {
    const again = reading.problem === 'one_word' ? c.t.askFullName : c.t.nameNotValid;
    return stay(c, [textReply(again)], [], { misses: c.state.misses + 1 });
  }
  return {
    state: {
      ...c.state,
      name: 'asking_birth_date',
      registration: { ...c.state.registration, fullName: reading.name },
      misses: 0,
    },
    replies: [textReply(c.t.askBirthDate(givenNameIn(reading.name)))],
    commands: [],
  };
}

export function readDateOfBirth(c: Ctx, text: string, understood: Understanding): Step | null {
  const reading = readBirthDate(text, localDate(c.facts.now, c.facts.timeZone));
  if (!reading.ok) {
    if (reading.problem === 'unreadable' && isClearRequest(understood)) return null;
    return stay(c, [textReply(c.t.birthDateProblem[reading.problem])], [], { misses: c.state.misses + 1 });
  }
  return {
    state: {
      ...c.state,
      name: 'asking_consent',
      registration: { ...c.state.registration, birthDate: reading.date },
      misses: 0,
    },
    replies: [consentButtons(c)],
    commands: [],
  };
}

export function consentGiven(c: Ctx): Step {
  const { fullName, birthDate } = c.state.registration ?? {};
  const draft = c.state.draft ?? { goal: 'book' };
  if (!fullName || !birthDate) return startRegistration(c, draft);
  return goTo(
    c,
    'working',
    { ...draft, awaiting: 'register_patient' },
    [],
    [
      {
        kind: 'register_patient',
        fullName,
        birthDate,
        consentWording: consentWording(c),
        language: c.state.language,
      },
    ],
  );
}

export function consentRefused(c: Ctx): Step {
  return goIdle(c, [textReply(c.t.consentRefused(c.facts.practice.phone))]);
}

/** A text that clearly asks for something else ("what are your opening hours?") is not a name or a date. */
function isClearRequest(understood: Understanding): boolean {
  const requests = ['book', 'reschedule', 'cancel', 'my_appointments', 'opening_hours', 'address', 'prices'];
  return requests.includes(understood.intent) && understood.confidence >= 0.6;
}

export type NameReading = { ok: true; name: string } | { ok: false; problem: 'not_a_name' | 'one_word' };

/** A person's full name as typed: letters (any alphabet), spaces, hyphens, apostrophes and dots; two words at least. */
export function readFullName(text: string): NameReading {
  const name = text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.,;!]+$/, '');
  if (!name || charCount(name) > 80 || !/^[\p{L}\p{M}][\p{L}\p{M} .'’-]*$/u.test(name)) {
    return { ok: false, problem: 'not_a_name' };
  }
  const words = name.split(' ').filter((word) => /\p{L}/u.test(word));
  if (words.length < 2) return { ok: false, problem: 'one_word' };
  return { ok: true, name };
}

function givenNameIn(fullName: string | undefined): string {
  return (fullName ?? '').split(' ')[0]?.slice(0, 40) || '…';
}
