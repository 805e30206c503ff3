import type { BookingDraft, CommandResult, FactsAppointment, Goal, Step, Understanding } from './assistant.types.js';
import { findTimes } from './conversation-booking.js';
import { type Ctx, givenNameOf, goIdle, goTo, ownUpcoming, stay } from './conversation-context.js';
import {
  appointmentList,
  bookButtons,
  cancelButtons,
  describeAppointment,
  describeVisit,
  textReply,
  whenList,
  withLead,
} from './prompts.js';
import { localDate } from './say-when.js';
import { fold } from './understanding/normalise.js';

/**
 * Moving and cancelling: which appointment (only this number's own patients') → inside the
 * late-cancellation window a person takes over → moving asks when and shares the booking's
 * "times" part, ending with `move`; cancelling asks Yes / No and ends with `cancel`.
 */

type AppointmentGoal = Exclude<Goal, 'book'>;

export function startAppointmentGoal(c: Ctx, goal: AppointmentGoal, understood?: Understanding): Step {
  const { facts, t } = c;
  const mine = ownUpcoming(facts);
  const draft: BookingDraft = { goal };
  if (mine.length === 0) {
    return goIdle(c, [bookButtons(c, facts.patients.length === 0 ? t.noRecord : t.noUpcoming)], [], null);
  }
  if (mine.length === 1) return withAppointment(c, draft, mine[0]!, understood?.when ?? undefined);
  // With several, a day named picks the one to cancel; for a move the day is more likely the new one.
  if (goal === 'cancel' && understood?.when) {
    const onThatDay = appointmentsOn(c, mine, understood.when);
    if (onThatDay.length === 1) return withAppointment(c, draft, onThatDay[0]!);
  }
  return goTo(c, 'choosing_appointment', draft, [appointmentList(c, goal)]);
}

/** A tapped `appt:<id>`: only one of this number's upcoming appointments counts. */
export function chooseAppointment(c: Ctx, appointmentId: string): Step {
  const draft = c.state.draft ?? { goal: 'cancel' };
  const goal: AppointmentGoal = draft.goal === 'reschedule' ? 'reschedule' : 'cancel';
  const mine = ownUpcoming(c.facts);
  const appointment = mine.find((a) => a.id === appointmentId);
  if (appointment) return withAppointment(c, { goal }, appointment);
  if (mine.length === 0) return goIdle(c, [bookButtons(c, c.t.noUpcoming)]);
  return stay(c, [appointmentList(c, goal, c.t.staleButton)]);
}

/** A typed choice among the listed appointments: "2", a day ("the one on Tuesday"), or a first name. */
export function readAppointmentText(c: Ctx, text: string, understood: Understanding): Step | null {
  const mine = ownUpcoming(c.facts);
  const draft = c.state.draft ?? { goal: 'cancel' };
  const index = text.trim().match(/^#?\s*(\d{1,2})\s*[.)]?$/);
  if (index) {
    const appointment = mine[Number(index[1]) - 1];
    return appointment ? withAppointment(c, { goal: draft.goal }, appointment) : null;
  }
  if (understood.when) {
    const onThatDay = appointmentsOn(c, mine, understood.when);
    if (onThatDay.length === 1) return withAppointment(c, { goal: draft.goal }, onThatDay[0]!);
  }
  const words = new Set(fold(text).split(/[^\p{L}\p{N}]+/u));
  const named = mine.filter((a) => {
    const name = givenNameOf(c.facts, a.patientId);
    return name !== undefined && words.has(fold(name));
  });
  if (named.length === 1) return withAppointment(c, { goal: draft.goal }, named[0]!);
  return null;
}

function appointmentsOn(c: Ctx, appointments: FactsAppointment[], when: { from: Date; to: Date }) {
  const { timeZone } = c.facts;
  const days = new Set([
    localDate(when.from, timeZone),
    localDate(new Date(new Date(when.to).getTime() - 1), timeZone),
  ]);
  return appointments.filter((a) => days.has(localDate(a.start, timeZone)));
}

/** The appointment is chosen: too late → a person; cancel → Yes / No; move → when (or straight to times). */
function withAppointment(
  c: Ctx,
  draft: BookingDraft,
  appointment: FactsAppointment,
  newWhen?: { from: Date; to: Date },
): Step {
  const { facts, t } = c;
  const goal: AppointmentGoal = draft.goal === 'reschedule' ? 'reschedule' : 'cancel';
  const chosen: BookingDraft = {
    ...draft,
    appointmentId: appointment.id,
    patientId: appointment.patientId,
    givenName: givenNameOf(facts, appointment.patientId),
    typeName: appointment.typeName,
  };
  if (isLate(c, appointment)) return lateHandover(c, goal);
  if (goal === 'cancel') return goTo(c, 'confirming_cancel', chosen, [cancelButtons(c, appointment)]);
  // The calendar needs the visit type to look for times; an appointment of a type not bookable here goes to staff.
  const type = facts.visitTypes.find((candidate) => fold(candidate.name) === fold(appointment.typeName));
  if (!type) {
    return goIdle(c, [textReply(t.cannotMove)], [{ kind: 'hand_over', reason: 'needs_staff' }], null);
  }
  const moving: BookingDraft = { ...chosen, typeId: type.id, typeName: type.name };
  if (newWhen) return findTimes(c, { ...moving, when: newWhen });
  const lead = t.yourAppointment(describeAppointment(c, appointment));
  return goTo(c, 'choosing_when', moving, [whenList(c, withLead(lead, t.moveWhen))]);
}

function isLate(c: Ctx, appointment: FactsAppointment): boolean {
  const { now, practice } = c.facts;
  return new Date(appointment.start).getTime() - now.getTime() < practice.lateCancellationHours * 3_600_000;
}

export function lateHandover(c: Ctx, goal: AppointmentGoal): Step {
  const hours = c.facts.practice.lateCancellationHours;
  return goIdle(c, [textReply(c.t.late(goal, hours))], [{ kind: 'hand_over', reason: 'late_cancellation' }]);
}

/** Yes (or a typed "yes") on "Cancel this appointment?". */
export function cancelAppointment(c: Ctx): Step | null {
  const draft = c.state.draft;
  if (!draft?.appointmentId) return null;
  return goTo(
    c,
    'working',
    { ...draft, awaiting: 'cancel' },
    [],
    [{ kind: 'cancel', appointmentId: draft.appointmentId, reason: 'Cancelled by the patient on WhatsApp' }],
  );
}

export function keepAppointment(c: Ctx): Step {
  return goIdle(c, [textReply(c.t.kept)]);
}

export function cancelled(c: Ctx, draft: BookingDraft, result: Extract<CommandResult, { kind: 'cancelled' }>): Step {
  // Said from the draft's own appointment: only this number's appointments are ever described.
  const appointment = ownUpcoming(c.facts).find((a) => a.id === (draft.appointmentId ?? result.appointmentId));
  const visit = appointment ? describeAppointment(c, appointment) : (draft.givenName ?? '');
  const finished: BookingDraft = { ...draft, done: { kind: 'cancelled', appointmentId: result.appointmentId } };
  return goIdle(c, [bookButtons(c, c.t.cancelled(visit))], [], finished);
}

export function moved(c: Ctx, draft: BookingDraft, result: Extract<CommandResult, { kind: 'moved' }>): Step {
  const { t, facts } = c;
  const visit = describeVisit(c, { ...result.time, givenName: draft.givenName });
  const lines = [t.moved(visit)];
  if (facts.practice.address?.trim()) lines.push(t.addressLine(facts.practice.address.trim()));
  const finished: BookingDraft = {
    ...draft,
    done: { kind: 'moved', appointmentId: result.appointmentId, time: result.time },
  };
  return goIdle(c, [textReply(lines.join('\n'))], [], finished);
}

/** The said-back appointment for the Yes / No question, asked again. */
export function cancelQuestion(c: Ctx): Step['replies'] {
  const appointment = ownUpcoming(c.facts).find((a) => a.id === c.state.draft?.appointmentId);
  return appointment ? [cancelButtons(c, appointment)] : [appointmentList(c, 'cancel')];
}
