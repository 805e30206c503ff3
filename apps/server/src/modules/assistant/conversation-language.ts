import type { Facts, Input, Language, State, Step, Understanding } from './assistant.types.js';
import type { Ctx } from './conversation-context.js';
import { practiceName, prependToBody } from './prompts.js';
import { textsFor } from './replies.js';

/** Which language the conversation speaks, and the one-time "this is the practice's automated assistant". */

/**
 * The language to answer in: the one the patient asked for in this conversation, else the
 * record's preferred language, else the language of a clearly worded text, else as before.
 */
export function languageFor(state: State, input: Input, facts: Facts): Language {
  if (state.languageChosen) return state.language;
  if (facts.preferredLanguage) return facts.preferredLanguage;
  if (input.kind === 'text' && isClearlyWorded(input.text, input.understood)) return input.understood.language;
  return state.language;
}

function isClearlyWorded(text: string, understood: Understanding): boolean {
  if (understood.intent !== 'unknown') return understood.confidence >= 0.6;
  return text.trim().split(/\s+/).length >= 4;
}

/** The first reply to a new patient says it comes from the practice's automated assistant (not above an emergency or an opt-out). */
export function introduced(c: Ctx, out: Step): Step {
  const [first, ...rest] = out.replies;
  if (out.state.introduced || !first) return out;
  const skip = out.commands.some(
    (cmd) => cmd.kind === 'opt_out' || (cmd.kind === 'hand_over' && cmd.reason === 'urgent'),
  );
  if (skip) return out;
  const t = textsFor(out.state.language);
  return {
    ...out,
    state: { ...out.state, introduced: true },
    replies: [prependToBody(first, t.intro(practiceName(c))), ...rest],
  };
}
