import type {
  BookingDraft,
  ChoiceId,
  CommandResult,
  OfferedTime,
  Reply,
  Step,
  Understanding,
} from './assistant.types.js';
import { after, type Ctx, goIdle, goTo, holdRelease, leaveFlow, stay } from './conversation-context.js';
import { startRegistration } from './conversation-registration.js';
import {
  describeVisit,
  personButtons,
  sayBackButtons,
  textReply,
  timesList,
  typeList,
  whenList,
  whenQuestion,
  whoList,
  withLead,
} from './prompts.js';
import { EARLIEST_DAYS, localDate, localParts, rangeFor, sayRange } from './say-when.js';
import { fold } from './understanding/normalise.js';
import { matchVisitType } from './understanding/understand.js';

/**
 * The booking recipe: who it is for → visit type → when → free times (find_times) → a time
 * (hold) → said back with Confirm / Change → book. Each step asks only for what is still missing;
 * moving an appointment shares the "when → times" part and ends with `move` instead of a hold.
 */

/** Ask for the next missing piece, or look for times once nothing is missing. */
export function advanceBooking(c: Ctx, draft: BookingDraft, lead?: string): Step {
  const { facts, t } = c;
  let next = draft;
  if (!next.patientId) {
    const [only, ...others] = facts.patients;
    if (!only) return startRegistration(c, next, withLead(lead, t.newNumber));
    if (others.length > 0) return goTo(c, 'choosing_patient', next, [whoList(c, lead)]);
    next = { ...next, patientId: only.id, givenName: only.givenName };
  }
  if (next.typeId && !facts.visitTypes.some((type) => type.id === next.typeId)) {
    next = { ...next, typeId: undefined, typeName: undefined };
    lead = t.typeNotBookable;
  }
  if (!next.typeId) {
    const [only, ...others] = facts.visitTypes;
    if (!only) return goIdle(c, [personButtons(c, t.noTypes(facts.practice.phone))], [], next);
    if (others.length > 0) return goTo(c, 'choosing_type', next, [typeList(c, lead)]);
    next = { ...next, typeId: only.id, typeName: only.name };
  }
  if (!next.when) return goTo(c, 'choosing_when', next, [whenList(c, withLead(lead, whenQuestion(c, next)))]);
  return findTimes(c, next);
}

/** What the text adds to a booking: a visit type it names, a range of days it names. */
export function withUnderstanding(c: Ctx, draft: BookingDraft, text: string, understood: Understanding): BookingDraft {
  let next = draft;
  if (draft.goal === 'book') {
    const type = visitTypeIn(c, text, understood);
    if (type && type.id !== draft.typeId) next = { ...next, typeId: type.id, typeName: type.name };
  }
  if (understood.when) next = { ...next, when: understood.when };
  return next;
}

/** The practice's visit type the text names or the understanding's kind of visit points to (one vocabulary: understanding/visit-kind.ts). */
function visitTypeIn(c: Ctx, text: string, understood: Understanding) {
  const typeId = matchVisitType(understood.visitKind, text, c.facts.visitTypes);
  return c.facts.visitTypes.find((type) => type.id === typeId) ?? null;
}

/** Look for free times in the draft's range (from now at the earliest); a range already past asks again. */
export function findTimes(c: Ctx, draft: BookingDraft, again?: BookingDraft['searchAgain']): Step {
  const { facts, t } = c;
  const range = draft.when;
  if (!range || !draft.patientId || !draft.typeId) return advanceBooking(c, { ...draft, when: range });
  const from = new Date(Math.max(new Date(range.from).getTime(), facts.now.getTime()));
  const to = new Date(range.to);
  const released = holdRelease(draft);
  const next: BookingDraft = { ...draft, hold: undefined, when: { from, to }, searchAgain: again };
  if (to.getTime() <= from.getTime()) {
    const body = withLead(t.pastDay, whenQuestion(c, draft));
    return goTo(c, 'choosing_when', { ...next, when: undefined }, [whenList(c, body)], released);
  }
  return goTo(
    c,
    'working',
    { ...next, awaiting: 'find_times' },
    [],
    [
      ...released,
      {
        kind: 'find_times',
        patientId: draft.patientId,
        typeId: draft.typeId,
        from,
        to,
        ...(draft.appointmentId ? { appointmentId: draft.appointmentId } : {}),
      },
    ],
  );
}

/** The `times` result: a list to choose from, or "none free then" with other ranges to try. */
export function offerTimes(c: Ctx, draft: BookingDraft, times: OfferedTime[]): Step {
  const { facts, t } = c;
  // One row per handle: a handle offered twice could not tell its rows apart.
  const offered = times
    .filter((time, i) => times.findIndex((other) => other.handle === time.handle) === i)
    .slice(0, 10);
  const earlierHandles = [...(draft.earlierHandles ?? []), ...(draft.offered ?? []).map((time) => time.handle)].slice(
    -40,
  );
  const lead = draft.searchAgain ? t.searchAgain[draft.searchAgain] : undefined;
  const next: BookingDraft = { ...draft, awaiting: undefined, searchAgain: undefined, earlierHandles };
  if (offered.length > 0) {
    const shown = { ...next, offered };
    return goTo(c, 'choosing_time', shown, [timesList(c, shown, lead)]);
  }
  const range = draft.when;
  const askAgain = { ...next, offered: [], when: undefined };
  const lookedFar = range && new Date(range.to).getTime() - new Date(range.from).getTime() >= (EARLIEST_DAYS - 2) * DAY;
  if (!range || lookedFar) {
    return goTo(c, 'choosing_when', askAgain, [
      personButtons(c, withLead(lead, t.noTimesSoon(EARLIEST_DAYS, facts.practice.phone))),
    ]);
  }
  return goTo(c, 'choosing_when', askAgain, [
    whenList(c, withLead(lead, t.noTimes(sayRange(range, c.state.language, facts.timeZone)))),
  ]);
}

const DAY = 86_400_000;

/**
 * A tapped time (`h:<handle>`), from the current list, an earlier one of this flow, or the list of
 * the flow that ended last (kept as `recent`). The runtime has re-checked the handle: `resolved` is
 * missing when it is no longer valid. Booking holds the time; moving moves at once.
 */
export function pickTime(c: Ctx, handle: string, resolved: OfferedTime | undefined): Step {
  const { state, t } = c;
  const inFlow = knowsHandle(state.draft, handle) ? state.draft : null;
  const fromRecent = !inFlow && knowsHandle(state.recent, handle) ? state.recent : null;
  const draft = inFlow ?? fromRecent;
  if (!draft) {
    // A list from a flow no longer known: the time cannot be tied to a patient and a visit type.
    const left = leaveFlow(c);
    return after(left.commands, advanceBooking(left.c, { goal: 'book' }, t.staleList));
  }
  if (draft.done?.time?.handle === handle) return stay(c, [textReply(doneAgain(c, draft))]);
  // Taking up the recent flow's list leaves the current flow (and its hold).
  const left = fromRecent ? leaveFlow(c) : { c, commands: [] };
  const base: BookingDraft = { ...draft, done: undefined, awaiting: undefined };
  if (!resolved) return after(left.commands, findTimes(left.c, base, 'expired'));
  if (draft.goal === 'book') {
    if (state.name === 'confirming_booking' && draft.hold?.time.handle === handle) {
      return stay(c, [sayBackButtons(c, draft)]);
    }
    const patientId = draft.patientId;
    const typeId = draft.typeId;
    if (!patientId || !typeId) return after(left.commands, advanceBooking(left.c, base));
    return goTo(
      left.c,
      'working',
      { ...base, hold: undefined, awaiting: 'hold' },
      [],
      [...left.commands, ...holdRelease(draft), { kind: 'hold', handle, patientId, typeId }],
    );
  }
  if (draft.goal === 'reschedule' && draft.appointmentId) {
    return goTo(
      left.c,
      'working',
      { ...base, awaiting: 'move' },
      [],
      [...left.commands, { kind: 'move', appointmentId: draft.appointmentId, handle }],
    );
  }
  return stay(c, [textReply(t.staleButton)]);
}

function knowsHandle(draft: BookingDraft | null | undefined, handle: string): boolean {
  if (!draft) return false;
  return (
    (draft.offered ?? []).some((time) => time.handle === handle) ||
    (draft.earlierHandles ?? []).includes(handle) ||
    draft.hold?.time.handle === handle ||
    draft.done?.time?.handle === handle
  );
}

/** A second tap on the time already booked or moved to: say what was done, do nothing twice. */
function doneAgain(c: Ctx, draft: BookingDraft): string {
  const time = draft.done?.time;
  if (!time) return c.t.nothingToConfirm;
  const visit = describeVisit(c, { ...time, typeName: draft.typeName, givenName: draft.givenName });
  return draft.done?.kind === 'moved' ? c.t.moved(visit) : c.t.alreadyBooked(visit);
}

/**
 * A typed answer while times are shown: "2" (the second row), "10:30" or "mardi 10h30" (the row at
 * that time), or another day ("friday instead": a new search). Null when the text is none of these.
 */
export function readTypedTime(c: Ctx, text: string, understood: Understanding): Step | null {
  const draft = c.state.draft;
  if (!draft) return null;
  const offered = draft.offered ?? [];
  const picked = timeInText(text, offered, understood, c.facts.timeZone);
  if (picked === 'ambiguous') return stay(c, [timesList(c, draft, c.t.notUnderstoodInFlow)]);
  if (picked) return pickTime(c, picked.handle, picked);
  if (understood.when) return findTimes(c, { ...draft, when: understood.when });
  return null;
}

export function timeInText(
  text: string,
  offered: OfferedTime[],
  understood: Understanding,
  timeZone: string,
): OfferedTime | 'ambiguous' | null {
  const trimmed = fold(text.trim());
  const index = trimmed.match(/^(?:#|n°|no\.?|nr\.?|number|numero|nimero)?\s*(\d{1,2})\s*[.)]?$/);
  if (index) return offered[Number(index[1]) - 1] ?? null;
  const clock = clockIn(trimmed);
  if (!clock) return null;
  const atClock = offered.filter((time) => {
    const local = localParts(time.start, timeZone);
    return local.hour === clock.hour && local.minute === clock.minute;
  });
  const when = understood.when;
  const days = when
    ? new Set([localDate(when.from, timeZone), localDate(new Date(when.to.getTime() - 1), timeZone)])
    : null;
  const onDay = days ? atClock.filter((time) => days.has(localDate(time.start, timeZone))) : [];
  const candidates = onDay.length > 0 ? onDay : atClock;
  if (candidates.length === 1) return candidates[0]!;
  return candidates.length > 1 ? 'ambiguous' : null;
}

/** "10:30", "10h30", "10 h", "10.30", "2pm", "2:30 pm" → hour and minute (24-hour). */
function clockIn(text: string): { hour: number; minute: number } | null {
  const meridiem = text.match(/\b(\d{1,2})(?:[:.h](\d{2}))?\s*([ap])\.?m\b/);
  if (meridiem) {
    const written = Number(meridiem[1]);
    if (written < 1 || written > 12) return null;
    return { hour: (written % 12) + (meridiem[3] === 'p' ? 12 : 0), minute: Number(meridiem[2] ?? 0) };
  }
  const clock = text.match(/\b([01]?\d|2[0-3])\s*(?:[:.]\s*([0-5]\d)|h\s*([0-5]\d)?)(?![\p{L}\d])/u);
  if (!clock) return null;
  return { hour: Number(clock[1]), minute: Number(clock[2] ?? clock[3] ?? 0) };
}

/** Confirm (or a typed "yes") on the said-back time. */
export function book(c: Ctx): Step | null {
  const draft = c.state.draft;
  if (!draft?.hold || !draft.patientId) return null;
  return goTo(
    c,
    'working',
    { ...draft, awaiting: 'book' },
    [],
    [{ kind: 'book', holdId: draft.hold.holdId, patientId: draft.patientId, handle: draft.hold.time.handle }],
  );
}

/** Change (or "no") on the said-back time: let it go and show the times again. */
export function changeTime(c: Ctx): Step {
  const draft = c.state.draft ?? { goal: 'book' };
  const released = holdRelease(draft);
  const next: BookingDraft = { ...draft, hold: undefined };
  if ((next.offered ?? []).length === 0) {
    return goTo(c, 'choosing_when', { ...next, when: undefined }, [whenList(c, whenQuestion(c, next))], released);
  }
  return goTo(c, 'choosing_time', next, [timesList(c, next, c.t.chooseAnother)], released);
}

export function held(c: Ctx, draft: BookingDraft, result: Extract<CommandResult, { kind: 'held' }>): Step {
  const next: BookingDraft = {
    ...draft,
    awaiting: undefined,
    typeName: typeNameNow(c, draft),
    hold: { holdId: result.holdId, time: result.time },
  };
  return goTo(c, 'confirming_booking', next, [sayBackButtons(c, next)]);
}

export function booked(c: Ctx, draft: BookingDraft, result: Extract<CommandResult, { kind: 'booked' }>): Step {
  const { t, facts } = c;
  const visit = describeVisit(c, { ...result.time, typeName: typeNameNow(c, draft), givenName: draft.givenName });
  const lines = [t.booked(visit)];
  if (facts.practice.address?.trim()) lines.push(t.addressLine(facts.practice.address.trim()));
  lines.push(t.howToCancel);
  const finished: BookingDraft = {
    ...draft,
    hold: undefined,
    done: { kind: 'booked', appointmentId: result.appointmentId, time: result.time },
  };
  return goIdle(c, [textReply(lines.join('\n'))], [], finished);
}

/** The visit type's name in the language spoken now: the patient may have switched since choosing it. */
function typeNameNow(c: Ctx, draft: BookingDraft): string | undefined {
  return c.facts.visitTypes.find((type) => type.id === draft.typeId)?.name ?? draft.typeName;
}

// ---------------------------------------------------------------------------------------------
// Reading the answers to who, which type and when

export function choosePatient(c: Ctx, id: string): Step {
  const draft = c.state.draft ?? { goal: 'book' };
  if (id === 'other') return startRegistration(c, draft);
  const patient = c.facts.patients.find((p) => p.id === id);
  if (!patient) return stay(c, [whoList(c, c.t.staleButton)]);
  return advanceBooking(c, { ...draft, patientId: patient.id, givenName: patient.givenName });
}

/** "Inès", "for Noah", "2", "someone else" while choosing who the appointment is for. */
export function patientInText(c: Ctx, text: string): Step | null {
  const { patients } = c.facts;
  const shown = patients.slice(0, 9);
  const folded = fold(text.trim());
  const index = folded.match(/^#?\s*(\d{1,2})\s*[.)]?$/);
  if (index) {
    const n = Number(index[1]);
    if (n === shown.length + 1) return choosePatient(c, 'other');
    const patient = shown[n - 1];
    return patient ? choosePatient(c, patient.id) : null;
  }
  if (
    /\b(someone else|somebody else|another person|quelqu'un d'autre|une autre personne|enn lot dimoun)\b/.test(folded)
  ) {
    return choosePatient(c, 'other');
  }
  const words = new Set(folded.split(/[^\p{L}\p{N}]+/u));
  const named = patients.filter((p) => words.has(fold(p.givenName.trim())));
  return named.length === 1 ? choosePatient(c, named[0]!.id) : null;
}

export function chooseType(c: Ctx, id: string): Step {
  const type = c.facts.visitTypes.find((candidate) => candidate.id === id);
  if (!type) return stay(c, [typeList(c, c.t.typeNotBookable)]);
  return advanceBooking(c, { ...(c.state.draft ?? { goal: 'book' }), typeId: type.id, typeName: type.name });
}

export function typeInText(c: Ctx, text: string, understood: Understanding): Step | null {
  const types = c.facts.visitTypes;
  const draft = c.state.draft ?? { goal: 'book' };
  const index = text.trim().match(/^#?\s*(\d{1,2})\s*[.)]?$/);
  const type = index ? types[Number(index[1]) - 1] : visitTypeIn(c, text, understood);
  if (!type) return null;
  return advanceBooking(c, { ...draft, typeId: type.id, typeName: type.name, when: understood.when ?? draft.when });
}

export function chooseRange(c: Ctx, id: ChoiceId): Step | null {
  const choice =
    id === 'earliest' ? 'earliest' : id === 'week:this' ? 'this_week' : id === 'week:next' ? 'next_week' : null;
  const draft = c.state.draft;
  if (!choice || !draft) return null;
  return findTimes(c, { ...draft, when: rangeFor(choice, c.facts.now, c.facts.timeZone) });
}

export function whenInText(c: Ctx, understood: Understanding): Step | null {
  const draft = c.state.draft;
  if (!draft) return null;
  if (understood.intent === 'earliest') return chooseRange(c, 'earliest');
  if (understood.when) return findTimes(c, { ...draft, when: understood.when });
  return null;
}

export function askWhenAgain(c: Ctx): Step {
  const draft = c.state.draft;
  return goTo(c, 'choosing_when', draft, [whenList(c, whenQuestion(c, draft))]);
}

export function timesOrWhen(c: Ctx): Reply {
  const draft = c.state.draft;
  if (draft?.offered?.length) return timesList(c, draft);
  return whenList(c, whenQuestion(c, draft));
}
