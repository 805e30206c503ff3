import type {
  BookingDraft,
  Command,
  Facts,
  FactsAppointment,
  Reply,
  State,
  StateName,
  Step,
} from './assistant.types.js';
import { type Texts, textsFor } from './replies.js';

/**
 * What every step of the conversation works with, and the few ways a step ends: moving to a
 * state, staying, or leaving the flow for idle (letting go of a held time on the way out).
 */
export interface Ctx {
  state: State;
  facts: Facts;
  /** The words of the state's language. */
  t: Texts;
}

export function contextOf(state: State, facts: Facts): Ctx {
  return { state, facts, t: textsFor(state.language) };
}

/** Move to a state with a draft; a step that moves on has understood, so the misses start again. */
export function goTo(
  c: Ctx,
  name: StateName,
  draft: BookingDraft | null,
  replies: Reply[],
  commands: Command[] = [],
): Step {
  return { state: { ...c.state, name, draft, misses: 0 }, replies, commands };
}

/** Stay in the state (to answer, or to ask again), optionally changing some of it. */
export function stay(c: Ctx, replies: Reply[], commands: Command[] = [], change: Partial<State> = {}): Step {
  return { state: { ...c.state, ...change }, replies, commands };
}

/**
 * Back to idle. `finished` is the flow's last draft (the current one unless given): a time it
 * still holds is released, and when it offered times or achieved something it is kept as
 * `recent`, so a tap on its list or a second Confirm can still be read later.
 */
export function goIdle(c: Ctx, replies: Reply[], commands: Command[] = [], finished = c.state.draft): Step {
  // A registration or a rights request in progress ends with the flow.
  const { registration: _registration, privacy: _privacy, ...state } = c.state;
  const worthKeeping = finished && ((finished.offered?.length ?? 0) > 0 || finished.done);
  const recent = worthKeeping
    ? { ...finished, hold: undefined, awaiting: undefined, searchAgain: undefined }
    : c.state.recent;
  return {
    state: { ...state, name: 'idle', draft: null, misses: 0, recent },
    replies,
    commands: [...holdRelease(finished), ...commands],
  };
}

/** Leave the current flow (releasing its hold) to start another one from idle. */
export function leaveFlow(c: Ctx): { c: Ctx; commands: Command[] } {
  if (c.state.name === 'idle' && !c.state.draft) return { c, commands: [] };
  const left = goIdle(c, []);
  return { c: { ...c, state: left.state }, commands: left.commands };
}

/** Put commands in front of a step's own (a release before the step's find_times or hold). */
export function after(commands: Command[], step: Step): Step {
  return commands.length === 0 ? step : { ...step, commands: [...commands, ...step.commands] };
}

export function holdRelease(draft: BookingDraft | null | undefined): Command[] {
  return draft?.hold ? [{ kind: 'release_hold', holdId: draft.hold.holdId }] : [];
}

/** Upcoming appointments of this number's own patients only, never anyone else's, soonest first. */
export function ownUpcoming(facts: Facts): FactsAppointment[] {
  const own = new Set(facts.patients.map((patient) => patient.id));
  return facts.upcoming
    .filter((a) => own.has(a.patientId) && new Date(a.start).getTime() > facts.now.getTime())
    .sort((a, b) => new Date(a.start).getTime() - new Date(b.start).getTime());
}

export function givenNameOf(facts: Facts, patientId: string | undefined): string | undefined {
  return facts.patients.find((patient) => patient.id === patientId)?.givenName;
}
