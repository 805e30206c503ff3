import type { BookingDraft, ChoiceId, FactsAppointment, Language, Reply } from './assistant.types.js';
import type { Ctx } from './conversation-context.js';
import { givenNameOf, ownUpcoming } from './conversation-context.js';
import { LANGUAGE_NAMES, MENU_ITEMS } from './replies.js';
import { clip, LIMITS } from './reply-limits.js';
import { capitalise, sayRange, sayWhen, sayWhenShort } from './say-when.js';

/**
 * The messages the assistant shows, built so that they always fit WhatsApp's limits: every text
 * that comes from the practice or the calendar (names, types, addresses) is cut with "…" to its
 * field's size, and lists never carry more than ten rows.
 */

// ---------------------------------------------------------------------------------------------
// The three shapes

export function textReply(body: string): Reply {
  return { type: 'text', body: clip(body, LIMITS.textBody) };
}

export function buttonsReply(body: string, buttons: { id: ChoiceId; title: string }[]): Reply {
  return {
    type: 'buttons',
    body: clip(body, LIMITS.interactiveBody),
    buttons: buttons
      .slice(0, LIMITS.buttons)
      .map((button) => ({ id: clip(button.id, LIMITS.buttonId), title: clip(button.title, LIMITS.buttonTitle) })),
  };
}

interface Row {
  id: ChoiceId;
  title: string;
  description?: string;
}

export function listReply(body: string, buttonLabel: string, rows: Row[]): Reply {
  return {
    type: 'list',
    body: clip(body, LIMITS.interactiveBody),
    buttonLabel: clip(buttonLabel, LIMITS.listButtonLabel),
    sections: [
      {
        rows: rows
          .filter((row, i) => rows.findIndex((other) => other.id === row.id) === i)
          .slice(0, LIMITS.rows)
          .map((row) => ({
            id: clip(row.id, LIMITS.rowId),
            title: clip(row.title, LIMITS.rowTitle),
            ...(row.description?.trim() ? { description: clip(row.description, LIMITS.rowDescription) } : {}),
          })),
      },
    ],
  };
}

/** A line (or paragraph) put above a message's body. */
export function withLead(lead: string | undefined, body: string): string {
  return lead ? `${lead}\n\n${body}` : body;
}

/** The same reply with a line above its body (an introduction, an apology). */
export function prependToBody(reply: Reply, line: string): Reply {
  const body = `${line}\n${reply.body}`;
  return { ...reply, body: clip(body, reply.type === 'text' ? LIMITS.textBody : LIMITS.interactiveBody) };
}

/** The practice's name as said in a sentence. */
export function practiceName(c: Ctx): string {
  return clip(c.facts.practice.name.trim() || '…', 60);
}

// ---------------------------------------------------------------------------------------------
// Saying a visit

/** "Tuesday 8 December at 10:30 with Dr Li, scale & polish, for Inès" (not capitalised: French writes it small after a colon). */
export function describeVisit(
  c: Ctx,
  visit: { start: Date; providerName?: string; typeName?: string; givenName?: string },
): string {
  const { t, state, facts } = c;
  let text = sayWhen(visit.start, state.language, facts.timeZone);
  if (visit.providerName?.trim()) text += ` ${t.withProvider(clip(visit.providerName.trim(), 60))}`;
  if (visit.typeName?.trim()) text += `, ${lowerFirst(clip(visit.typeName.trim(), 60))}`;
  if (visit.givenName?.trim()) text += `, ${t.forPatient(clip(visit.givenName.trim(), 40))}`;
  return text;
}

/** "Scale & polish" → "scale & polish" mid-sentence, but "MRI scan" stays as written. */
function lowerFirst(text: string): string {
  const [first, second] = Array.from(text);
  if (!first || (second && second !== second.toLowerCase())) return text;
  return first.toLowerCase() + text.slice(first.length);
}

export function describeAppointment(c: Ctx, appointment: FactsAppointment, withType = false): string {
  return describeVisit(c, {
    start: appointment.start,
    providerName: appointment.providerName,
    typeName: withType ? appointment.typeName : undefined,
    givenName: givenNameOf(c.facts, appointment.patientId),
  });
}

// ---------------------------------------------------------------------------------------------
// Menu, a person, language

export function menuList(c: Ctx, body: string): Reply {
  const { t } = c;
  return listReply(
    body,
    t.menuButton,
    MENU_ITEMS.map((item) => ({ id: `menu:${item}`, title: t.menu[item] })),
  );
}

export function personButtons(c: Ctx, body: string): Reply {
  return buttonsReply(body, [
    { id: 'menu:human', title: c.t.talkToPerson },
    { id: 'menu:greeting', title: c.t.showMenu },
  ]);
}

export function bookButtons(c: Ctx, body: string): Reply {
  return buttonsReply(body, [
    { id: 'menu:book', title: c.t.bookButton },
    { id: 'menu:thanks', title: c.t.noThanks },
  ]);
}

export function languageButtons(c: Ctx): Reply {
  const languages: Language[] = ['en', 'fr', 'mfe'];
  return buttonsReply(
    c.t.chooseLanguage,
    languages.map((language) => ({ id: `lang:${language}`, title: LANGUAGE_NAMES[language] })),
  );
}

// ---------------------------------------------------------------------------------------------
// Booking questions

export function whoList(c: Ctx, lead?: string): Reply {
  const { t, facts } = c;
  const rows: Row[] = facts.patients
    .slice(0, LIMITS.rows - 1)
    .map((patient) => ({ id: `who:${patient.id}`, title: patient.givenName.trim() || '…' }));
  rows.push({ id: 'who:other', title: t.someoneElse });
  return listReply(withLead(lead, t.whoFor), t.chooseButton, rows);
}

export function typeList(c: Ctx, lead?: string): Reply {
  const { t, facts } = c;
  return listReply(
    withLead(lead, t.whichType),
    t.typesButton,
    facts.visitTypes.map((type) => ({
      id: `type:${type.id}`,
      title: type.name.trim() || '…',
      description: type.durationMinutes > 0 ? t.minutes(type.durationMinutes) : undefined,
    })),
  );
}

export function whenQuestion(c: Ctx, draft: BookingDraft | null): string {
  return draft?.goal === 'reschedule' ? c.t.moveWhen : c.t.whenQuestion;
}

export function whenList(c: Ctx, body: string): Reply {
  const { t } = c;
  return listReply(body, t.chooseButton, [
    { id: 'earliest', title: t.whenRows.earliest },
    { id: 'week:this', title: t.whenRows.this_week },
    { id: 'week:next', title: t.whenRows.next_week },
  ]);
}

/** The offered times as a list: "Tue 8 Dec 10:30" with the provider beneath, then "Other days" if there is room. */
export function timesList(c: Ctx, draft: BookingDraft, lead?: string): Reply {
  const { t, state, facts } = c;
  const offered = draft.offered ?? [];
  const rows: Row[] = offered.map((time) => ({
    id: `h:${time.handle}`,
    title: sayWhenShort(time.start, state.language, facts.timeZone),
    description: time.providerName,
  }));
  if (rows.length < LIMITS.rows) rows.push({ id: 'more', title: t.otherDays });
  const range = draft.when ? sayRange(draft.when, state.language, facts.timeZone) : '';
  return listReply(withLead(lead, t.timesIntro(range)), t.timesButton, rows);
}

export function sayBackButtons(c: Ctx, draft: BookingDraft): Reply {
  const { t } = c;
  const time = draft.hold?.time;
  const visit = time
    ? describeVisit(c, {
        start: time.start,
        providerName: time.providerName,
        typeName: draft.typeName,
        givenName: draft.givenName,
      })
    : '';
  return buttonsReply(t.sayBack(capitalise(visit)), [
    { id: 'confirm', title: t.confirm },
    { id: 'change', title: t.change },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Registration

/** The consent question; its text is also the wording recorded with the consent. */
export function consentWording(c: Ctx): string {
  return clip(c.t.consent(practiceName(c)), LIMITS.interactiveBody);
}

export function consentButtons(c: Ctx): Reply {
  return buttonsReply(consentWording(c), [
    { id: 'consent_yes', title: c.t.consentYes },
    { id: 'consent_no', title: c.t.consentNo },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Moving and cancelling

/** This number's upcoming appointments to choose from: date and time, then first name and visit type. */
export function appointmentList(c: Ctx, goal: 'reschedule' | 'cancel', lead?: string): Reply {
  const { t, state, facts } = c;
  const rows = ownUpcoming(facts).map((appointment) => ({
    id: `appt:${appointment.id}`,
    title: sayWhenShort(appointment.start, state.language, facts.timeZone),
    description: [givenNameOf(facts, appointment.patientId), appointment.typeName]
      .filter((part) => part?.trim())
      .join(' · '),
  }));
  return listReply(withLead(lead, t.whichAppointment[goal]), t.appointmentsButton, rows);
}

export function cancelButtons(c: Ctx, appointment: FactsAppointment): Reply {
  const { t } = c;
  return buttonsReply(t.confirmCancel(describeAppointment(c, appointment)), [
    { id: 'cancel_yes', title: t.cancelYes },
    { id: 'cancel_no', title: t.cancelNo },
  ]);
}
