import {
  type BookingDraft,
  type ChoiceId,
  type CommandResult,
  type Facts,
  type Input,
  INTENTS,
  type Intent,
  type Language,
  type OfferedTime,
  type Reply,
  type ResultCommandKind,
  type State,
  type StateName,
  type Step,
  type Understanding,
} from './assistant.types.js';
import { addressAnswer, emergencyAnswer, myAppointments, openingHours, pricesAnswer } from './conversation-answers.js';
import {
  cancelAppointment,
  cancelled,
  cancelQuestion,
  chooseAppointment,
  keepAppointment,
  lateHandover,
  moved,
  readAppointmentText,
  startAppointmentGoal,
} from './conversation-appointments.js';
import {
  advanceBooking,
  askWhenAgain,
  book,
  booked,
  changeTime,
  chooseRange,
  choosePatient,
  chooseType,
  findTimes,
  held,
  offerTimes,
  patientInText,
  pickTime,
  readTypedTime,
  timesOrWhen,
  typeInText,
  whenInText,
  withUnderstanding,
} from './conversation-booking.js';
import { after, type Ctx, contextOf, goIdle, leaveFlow, stay } from './conversation-context.js';
import { introduced, languageFor } from './conversation-language.js';
import {
  choosePrivacyPatient,
  dropPrivacyRequest,
  privacyPatientInText,
  privacyQuestion,
  rightAskedFor,
  sendPrivacyRequest,
  startPrivacyRequest,
} from './conversation-privacy.js';
import {
  askBirthDateAgain,
  consentGiven,
  consentRefused,
  readDateOfBirth,
  readName,
} from './conversation-registration.js';
import {
  appointmentList,
  consentButtons,
  describeVisit,
  languageButtons,
  menuList,
  personButtons,
  prependToBody,
  sayBackButtons,
  textReply,
  typeList,
  whenList,
  whenQuestion,
  whoList,
  withLead,
} from './prompts.js';
import { rangeFor } from './say-when.js';
import { fold } from './understanding/normalise.js';

/**
 * The booking assistant's conversation: a pure state machine, (State, Input, Facts) → Step.
 *
 * | state                | waits for                                   | moves on with                          |
 * |----------------------|---------------------------------------------|----------------------------------------|
 * | idle                 | a request (text or `menu:*`)                | a flow's first question, or an answer  |
 * | choosing_patient     | `who:<id>`, `who:other`, a first name, "2"  | type / when / find_times; registration |
 * | asking_name          | a full name                                 | asking_birth_date                      |
 * | asking_birth_date    | a date of birth                             | asking_consent                         |
 * | asking_consent       | `consent_yes` / `consent_no`, yes / no      | register_patient; idle                 |
 * | choosing_type        | `type:<id>`, a type's name, "2"             | when / find_times                      |
 * | choosing_when        | `earliest`, `week:this|next`, a day         | find_times                             |
 * | choosing_time        | `h:<handle>`, "2", "10:30", another day     | hold (book), move (reschedule)         |
 * | confirming_booking   | `confirm` / `change`, yes / no              | book; choosing_time                    |
 * | choosing_appointment | `appt:<id>`, "2", a day, a first name       | confirming_cancel / choosing_when      |
 * | confirming_cancel    | `cancel_yes` / `cancel_no`, yes / no        | cancel; idle                           |
 * | choosing_privacy_patient | `privacy_who:<id>`, a first name, "2"   | confirming_privacy                     |
 * | confirming_privacy   | `privacy_send` / `privacy_cancel`, yes / no | idle (+ record_privacy_request)        |
 * | working              | the result of the command it names          | the next question or the confirmation  |
 *
 * From any state: urgent, "talk to a person", stop/start, a language switch and a request about
 * one's data (conversation-privacy.ts) act at once; "never
 * mind" leaves the flow; another request (book, move, cancel) starts its own flow, and a question
 * (hours, address, prices, my appointments) is answered without losing the flow. Leaving a flow
 * always releases the time it holds.
 */
export function step(state: State, input: Input, facts: Facts): Step {
  const patientSpoke = input.kind === 'text' || input.kind === 'choice' || input.kind === 'media';
  // A patient's message while a result was awaited: the runtime stopped mid-step; carry on from the question before.
  const current = state.name === 'working' && patientSpoke ? resumed(state) : state;
  const c = contextOf({ ...current, language: languageFor(current, input, facts) }, facts);
  return introduced(c, dispatch(c, input));
}

/**
 * A booking started for a patient the practice already knows, for a visit type it already knows (a
 * recall's "Book now"): the flow the patient was in is left, and the earliest free times are looked
 * for at once. A patient who is not one of the number's, or a type patients cannot book on WhatsApp,
 * is asked about as in any booking.
 */
export function startBookingFor(state: State, known: { patientId: string; typeId: string | null }, facts: Facts): Step {
  const input: Input = { kind: 'choice', id: 'menu:book', title: '' };
  const current = state.name === 'working' ? resumed(state) : state;
  const c = contextOf({ ...current, language: languageFor(current, input, facts) }, facts);
  const left = leaveFlow(c);
  const patient = facts.patients.find((p) => p.id === known.patientId);
  const type = facts.visitTypes.find((v) => v.id === known.typeId);
  const draft: BookingDraft = {
    goal: 'book',
    ...(patient ? { patientId: patient.id, givenName: patient.givenName } : {}),
    ...(type ? { typeId: type.id, typeName: type.name } : {}),
    when: rangeFor('earliest', facts.now, facts.timeZone),
  };
  return introduced(left.c, after(left.commands, advanceBooking(left.c, draft)));
}

function dispatch(c: Ctx, input: Input): Step {
  switch (input.kind) {
    case 'text':
      return onText(c, input.text, input.understood, input.messageId);
    case 'choice':
      return onChoice(c, input.id, input.resolved);
    case 'media':
      return onMedia(c);
    case 'result':
      return onResult(c, input.result);
    case 'expired':
      return onExpired(c);
  }
}

// ---------------------------------------------------------------------------------------------
// The states

interface StateRules {
  /** A text that answers the state's question; null hands it on to the requests (and then to a miss). */
  text?: (c: Ctx, text: string, understood: Understanding) => Step | null;
  /** A tapped button or row that answers the state's question; null: a button of an older message. */
  choice?: (c: Ctx, id: ChoiceId) => Step | null;
  /** The state's question, asked again (after a miss, a picture, a language switch). */
  ask: (c: Ctx) => Reply[];
}

const STATES: Record<StateName, StateRules> = {
  idle: {
    text: (c, text, understood) => {
      // "Would you like to book another time?" follows a cancellation: a typed yes books.
      const afterCancel = c.state.recent?.done?.kind === 'cancelled';
      if (understood.intent === 'yes') return afterCancel ? startGoal(c, 'book', understood, text) : alreadyDone(c);
      if (understood.intent === 'no' || isNeverMind(text))
        return stay(c, [textReply(c.t.noProblem)], [], { misses: 0 });
      return null;
    },
    choice: (c, id) =>
      id === 'confirm' || id === 'cancel_yes' ? (alreadyDone(c) ?? stay(c, [menuList(c, c.t.nothingToConfirm)])) : null,
    ask: (c) => [menuList(c, c.t.whatNext)],
  },
  choosing_patient: {
    text: patientInText,
    choice: (c, id) => (id.startsWith('who:') ? choosePatient(c, id.slice(4)) : null),
    ask: (c) => [whoList(c)],
  },
  asking_name: {
    text: readName,
    ask: (c) => [textReply(c.t.askName)],
  },
  asking_birth_date: {
    text: readDateOfBirth,
    ask: (c) => [textReply(askBirthDateAgain(c))],
  },
  asking_consent: {
    text: (c, _text, understood) =>
      yesNo(
        understood,
        () => consentGiven(c),
        () => consentRefused(c),
      ),
    choice: (c, id) => (id === 'consent_yes' ? consentGiven(c) : id === 'consent_no' ? consentRefused(c) : null),
    ask: (c) => [consentButtons(c)],
  },
  choosing_type: {
    text: typeInText,
    choice: (c, id) => (id.startsWith('type:') ? chooseType(c, id.slice(5)) : null),
    ask: (c) => [typeList(c)],
  },
  choosing_when: {
    text: (c, _text, understood) => whenInText(c, understood),
    choice: chooseRange,
    ask: (c) => [whenList(c, whenQuestion(c, c.state.draft))],
  },
  choosing_time: {
    text: readTypedTime,
    choice: (c, id) => (id === 'more' ? askWhenAgain(c) : chooseRange(c, id)),
    ask: (c) => [timesOrWhen(c)],
  },
  confirming_booking: {
    text: (c, text, understood) => {
      // "cancel" while a new booking is being confirmed means: do not book it.
      if (understood.intent === 'cancel' && !understood.when) return abandon(c);
      return (
        yesNo(
          understood,
          () => book(c),
          () => changeTime(c),
        ) ?? readTypedTime(c, text, understood)
      );
    },
    choice: (c, id) => (id === 'confirm' ? book(c) : id === 'change' ? changeTime(c) : chooseRange(c, id)),
    ask: (c) => [c.state.draft?.hold ? sayBackButtons(c, c.state.draft) : timesOrWhen(c)],
  },
  choosing_appointment: {
    text: readAppointmentText,
    choice: (c, id) => (id.startsWith('appt:') ? chooseAppointment(c, id.slice(5)) : null),
    ask: (c) => [appointmentList(c, c.state.draft?.goal === 'reschedule' ? 'reschedule' : 'cancel')],
  },
  confirming_cancel: {
    text: (c, _text, understood) =>
      yesNo(
        understood,
        () => cancelAppointment(c),
        () => keepAppointment(c),
      ),
    choice: (c, id) => (id === 'cancel_yes' ? cancelAppointment(c) : id === 'cancel_no' ? keepAppointment(c) : null),
    ask: cancelQuestion,
  },
  choosing_privacy_patient: {
    text: privacyPatientInText,
    choice: (c, id) =>
      id.startsWith('privacy_who:') ? choosePrivacyPatient(c, id.slice('privacy_who:'.length)) : null,
    ask: privacyQuestion,
  },
  confirming_privacy: {
    text: (c, _text, understood) => {
      // "cancel" here means: do not send it (not: cancel an appointment).
      if (understood.intent === 'cancel' && !understood.when) return dropPrivacyRequest(c);
      return yesNo(
        understood,
        () => sendPrivacyRequest(c),
        () => dropPrivacyRequest(c),
      );
    },
    choice: (c, id) =>
      id === 'privacy_send' ? sendPrivacyRequest(c) : id === 'privacy_cancel' ? dropPrivacyRequest(c) : null,
    ask: privacyQuestion,
  },
  working: {
    ask: () => [],
  },
};

/** Where a conversation found in 'working' carries on: the question that led to the command. */
const RESUME_AT: Record<ResultCommandKind, StateName> = {
  find_times: 'choosing_when',
  hold: 'choosing_time',
  book: 'confirming_booking',
  move: 'choosing_time',
  cancel: 'confirming_cancel',
  register_patient: 'asking_consent',
};

function resumed(state: State): State {
  const awaiting = state.draft?.awaiting;
  if (!state.draft || !awaiting) return { ...state, name: 'idle', draft: null };
  return { ...state, name: RESUME_AT[awaiting], draft: { ...state.draft, awaiting: undefined } };
}

// ---------------------------------------------------------------------------------------------
// Texts, taps, pictures

function onText(c: Ctx, text: string, understood: Understanding, messageId: string | undefined): Step {
  const atOnce = escapeFrom(c, understood);
  if (atOnce) return atOnce;
  const right = rightAskedFor(understood);
  if (right) return startPrivacyRequest(c, right, messageId);
  if (c.state.name !== 'idle' && isNeverMind(text)) return abandon(c);
  const answered = STATES[c.state.name].text?.(c, text, understood);
  if (answered) return answered;
  return onRequest(c, understood, text);
}

/** What acts at once in any state. */
function escapeFrom(c: Ctx, understood: Understanding): Step | null {
  const { t } = c;
  switch (understood.intent) {
    case 'urgent':
      return goIdle(c, emergencyAnswer(c), [{ kind: 'hand_over', reason: 'urgent' }]);
    case 'human':
      return handOver(c, 'asked');
    case 'stop':
      return goIdle(c, [textReply(t.optedOut)], [{ kind: 'opt_out' }]);
    case 'start':
      return stay(c, [textReply(t.optedIn)], [{ kind: 'opt_in' }], { misses: 0 });
    case 'language':
      return switchLanguage(c, understood.switchTo);
    default:
      return null;
  }
}

function onRequest(c: Ctx, understood: Understanding, text: string): Step {
  const { t, state, facts } = c;
  switch (understood.intent) {
    case 'book':
    case 'reschedule':
    case 'cancel':
      return startGoal(c, understood.intent, understood, text);
    case 'my_appointments':
      return answer(c, myAppointments(c));
    case 'opening_hours':
      return answer(c, openingHours(c, understood, text));
    case 'address':
      return answer(c, addressAnswer(c));
    case 'prices':
      return answer(c, pricesAnswer(c));
    case 'greeting':
      if (state.name === 'idle') return stay(c, [menuList(c, state.introduced ? t.welcomeBack : t.howCanIHelp)]);
      return stay(c, withFirstLine(t.hello, STATES[state.name].ask(c)), [], { misses: 0 });
    case 'thanks':
      return stay(c, [textReply(t.thanks)], [], { misses: 0 });
    case 'earliest':
      if (state.name !== 'idle') return miss(c);
      return startGoal(c, 'book', { ...understood, when: rangeFor('earliest', facts.now, facts.timeZone) }, text);
    default:
      return miss(c);
  }
}

function onChoice(c: Ctx, id: ChoiceId, resolved: OfferedTime | undefined): Step {
  if (id.startsWith('menu:')) return onMenu(c, id.slice(5));
  if (id.startsWith('lang:')) return switchLanguage(c, id.slice(5));
  if (id.startsWith('h:')) return pickTime(c, id.slice(2), resolved);
  const chosen = STATES[c.state.name].choice?.(c, id);
  if (chosen) return chosen;
  // A button of an older message that means nothing here now.
  if (c.state.name === 'idle') return stay(c, [menuList(c, withLead(c.t.staleButton, c.t.whatNext))]);
  return stay(c, withFirstLine(c.t.staleButton, STATES[c.state.name].ask(c)));
}

/** A row of the short menu acts as the request it names. */
function onMenu(c: Ctx, item: string): Step {
  if (item === 'human') return handOver(c, c.state.misses >= 2 ? 'not_understood' : 'asked');
  if (item === 'greeting') return stay(c, [menuList(c, c.t.whatNext)], [], { misses: 0 });
  if (!isIntent(item)) return stay(c, [menuList(c, c.t.whatNext)]);
  const understood: Understanding = {
    language: c.state.language,
    intent: item,
    confidence: 1,
    when: null,
    visitKind: null,
  };
  return escapeFrom(c, understood) ?? onRequest(c, understood, '');
}

function onMedia(c: Ctx): Step {
  const { t, state } = c;
  const misses = state.misses + 1;
  if (misses >= 2) return stay(c, [personButtons(c, t.offerPerson)], [], { misses });
  if (state.name === 'idle') return stay(c, [menuList(c, t.mediaIdle)], [], { misses });
  const typed = state.name === 'asking_name' || state.name === 'asking_birth_date';
  return stay(c, withFirstLine(typed ? t.writeItPlease : t.tapAnOption, STATES[state.name].ask(c)), [], { misses });
}

/** Not understood: the short menu; in a flow, the question again; after two misses in a row, a person. */
function miss(c: Ctx): Step {
  const { t, state } = c;
  const misses = state.misses + 1;
  if (misses >= 2) return stay(c, [personButtons(c, t.offerPerson)], [], { misses });
  if (state.name === 'idle') return stay(c, [menuList(c, t.notUnderstood)], [], { misses });
  return stay(c, withFirstLine(t.notUnderstoodInFlow, STATES[state.name].ask(c)), [], { misses });
}

// ---------------------------------------------------------------------------------------------
// Results of commands

/** Which results each command can bring; anything else is stale and changes nothing. */
const RESULTS: Record<ResultCommandKind, CommandResult['kind'][]> = {
  find_times: ['times', 'time_gone', 'failed'],
  hold: ['held', 'time_gone', 'failed'],
  book: ['booked', 'time_gone', 'hold_lapsed', 'failed'],
  move: ['moved', 'time_gone', 'too_late', 'failed'],
  cancel: ['cancelled', 'too_late', 'failed'],
  register_patient: ['registered', 'possible_duplicate', 'failed'],
};

function onResult(c: Ctx, result: CommandResult): Step {
  const { t, state } = c;
  const draft = state.draft;
  if (state.name !== 'working' || !draft) return stay(c, []);
  if (draft.awaiting && !RESULTS[draft.awaiting].includes(result.kind)) return stay(c, []);
  switch (result.kind) {
    case 'times':
      return offerTimes(c, draft, result.times);
    case 'held':
      return held(c, draft, result);
    case 'time_gone':
      return timeGone(c, draft, result.reason);
    case 'booked':
      return booked(c, draft, result);
    case 'hold_lapsed':
      // The hold is gone already: nothing to release; look again over the same days.
      return findTimes(c, { ...draft, hold: undefined }, 'lapsed');
    case 'moved':
      return moved(c, draft, result);
    case 'cancelled':
      return cancelled(c, draft, result);
    case 'too_late':
      return lateHandover(c, draft.goal === 'reschedule' ? 'reschedule' : 'cancel');
    case 'registered': {
      const registeredCtx = { ...c, state: { ...state, registration: undefined } };
      return advanceBooking(registeredCtx, {
        ...draft,
        awaiting: undefined,
        patientId: result.patientId,
        givenName: result.givenName,
      });
    }
    case 'possible_duplicate':
      return goIdle(c, [textReply(t.duplicate)], [{ kind: 'hand_over', reason: 'possible_duplicate' }]);
    case 'failed':
      return goIdle(c, [textReply(t.failed)], [{ kind: 'hand_over', reason: 'needs_staff' }]);
  }
}

/** The chosen time went (taken, expired, closed, type no longer bookable): look again, plainly saying why. */
function timeGone(c: Ctx, draft: BookingDraft, reason: Extract<CommandResult, { kind: 'time_gone' }>['reason']): Step {
  const { t } = c;
  // A search that itself failed is not searched again (that could go round without the patient).
  if (draft.awaiting === 'find_times') {
    if (reason !== 'not_bookable') return offerTimes(c, draft, []);
    const finished = draft.goal === 'reschedule' ? t.cannotMove : t.typeNotBookable;
    return goIdle(c, [personButtons(c, finished)]);
  }
  return findTimes(c, draft, reason === 'not_bookable' ? 'expired' : reason);
}

function onExpired(c: Ctx): Step {
  if (c.state.name === 'idle') return stay(c, []);
  return goIdle(c, [textReply(c.t.restart(Boolean(c.state.draft?.hold)))]);
}

// ---------------------------------------------------------------------------------------------
// Starting, continuing and leaving a flow

function startGoal(c: Ctx, goal: 'book' | 'reschedule' | 'cancel', understood: Understanding, text: string): Step {
  const current = c.state.draft;
  if (current && c.state.name !== 'idle' && current.goal === goal) return continueGoal(c, current, understood, text);
  const left = leaveFlow(c);
  if (goal === 'book') {
    return after(left.commands, advanceBooking(left.c, withUnderstanding(left.c, { goal }, text, understood)));
  }
  return after(left.commands, startAppointmentGoal(left.c, goal, understood));
}

/** The same request again mid-flow ("for next week rather"): take what it adds, else ask the question again. */
function continueGoal(c: Ctx, current: BookingDraft, understood: Understanding, text: string): Step {
  const again = () => stay(c, STATES[c.state.name].ask(c), [], { misses: 0 });
  if (current.goal === 'book') {
    const merged = withUnderstanding(c, current, text, understood);
    if (merged.typeId === current.typeId && !understood.when) return again();
    if (!current.patientId) return stay(c, STATES[c.state.name].ask(c), [], { draft: merged, misses: 0 });
    return advanceBooking(c, merged);
  }
  if (current.goal === 'reschedule' && understood.when && current.typeId) {
    return findTimes(c, { ...current, when: understood.when });
  }
  return again();
}

function abandon(c: Ctx): Step {
  return goIdle(c, [textReply(c.t.stopped)]);
}

function handOver(c: Ctx, reason: 'asked' | 'not_understood'): Step {
  return goIdle(c, [textReply(c.t.human)], [{ kind: 'hand_over', reason }]);
}

/** An answer to a question; mid-flow the flow stays where it was. */
function answer(c: Ctx, replies: Reply[]): Step {
  if (c.state.name === 'idle') return stay(c, replies, [], { misses: 0 });
  const last = replies[replies.length - 1];
  const carried =
    last?.type === 'text' ? [...replies.slice(0, -1), textReply(`${last.body}\n\n${c.t.carryOn}`)] : replies;
  return stay(c, carried, [], { misses: 0 });
}

/** A second Confirm (or "yes", or Yes, cancel) after the flow ended: say what was done, do nothing twice. */
function alreadyDone(c: Ctx): Step | null {
  const { t } = c;
  const recent = c.state.recent;
  const done = recent?.done;
  if (!recent || !done) return null;
  if (done.kind === 'cancelled') return stay(c, [textReply(t.alreadyCancelled)]);
  if (!done.time) return null;
  const visit = describeVisit(c, { ...done.time, typeName: recent.typeName, givenName: recent.givenName });
  return stay(c, [textReply(done.kind === 'moved' ? t.moved(visit) : t.alreadyBooked(visit))]);
}

function switchLanguage(c: Ctx, language: string | undefined): Step {
  if (!isLanguage(language)) return stay(c, [languageButtons(c)]);
  const state: State = { ...c.state, language, languageChosen: true, misses: 0 };
  const switched = contextOf(state, c.facts);
  const again = state.name === 'idle' ? [] : STATES[state.name].ask(switched);
  return {
    state,
    replies: [textReply(switched.t.languageSet), ...again],
    commands: [{ kind: 'set_language', language }],
  };
}

function yesNo(understood: Understanding, yes: () => Step | null, no: () => Step | null): Step | null {
  if (understood.intent === 'yes') return yes();
  if (understood.intent === 'no') return no();
  return null;
}

/** "never mind", "laisse tomber", "pa bizin": leave the flow without doing anything. */
function isNeverMind(text: string): boolean {
  return /^(never ?mind|forget it|leave it|laisse[rz]? tomber|oublie[sz]? (ca|le|la)|pa bizin|les tonbe|les tomber|lese tonbe)[\s.!]*$/.test(
    fold(text.trim()),
  );
}

/** A line above the first reply (an apology, "please tap"), or the line alone when there is nothing to ask. */
function withFirstLine(line: string, replies: Reply[]): Reply[] {
  const [first, ...rest] = replies;
  return first ? [prependToBody(first, line), ...rest] : [textReply(line)];
}

function isIntent(value: string): value is Intent {
  return (INTENTS as readonly string[]).includes(value);
}

function isLanguage(value: string | undefined): value is Language {
  return value === 'en' || value === 'fr' || value === 'mfe';
}
