/**
 * The booking assistant's vocabulary, shared by its three parts:
 * - understanding (understanding/*): a patient's text → an Understanding (pure);
 * - the conversation (conversation.ts): (State, Input, Facts) → Step (pure);
 * - the runtime (assistant.service.ts): loads Facts, stores State, carries out Commands and feeds
 *   their results back in as Inputs, queues the replies through the WhatsApp channel.
 *
 * Nothing here does I/O. Times are Date instants (UTC); the practice's zone is in Facts and is
 * applied only when text is read or written.
 */

import { ASSISTANT_INTENTS, type AssistantLanguage } from '@dentalpro/contracts';

export type Language = AssistantLanguage;

/** What a message can mean: the contracts' list, shared with the "try a message" API. */
export const INTENTS = ASSISTANT_INTENTS;
export type Intent = (typeof INTENTS)[number];

/** Kinds of visit a patient names in their own words; matched to the practice's types by name. */
export const VISIT_KINDS = [
  'checkup',
  'cleaning',
  'filling',
  'extraction',
  'whitening',
  'root_canal',
  'orthodontics',
  'denture',
  'crown',
  'emergency',
  'consultation',
] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];

export interface Understanding {
  /** The language the text is written in (a mix counts as the language of most of its words). */
  language: Language;
  intent: Intent;
  /** 0…1: how sure the rules are (a phrase match is surer than a lone keyword). */
  confidence: number;
  /** A date or time span the text names ("next week", "zedi gramatin", "mardi 10h30"), as instants. */
  when: { from: Date; to: Date } | null;
  /** The kind of visit the text names, if any ("détartrage" → cleaning). */
  visitKind: VisitKind | null;
  /** For intent 'language': the language asked for. */
  switchTo?: Language;
}

// ---------------------------------------------------------------------------------------------
// Facts: what the runtime reads before each step. Only what the assistant may say or act on:
// first names, times, the practice's public information. Never a clinical detail.

export interface FactsPatient {
  id: string;
  /** First name only: a shared number shows first names, nothing more. */
  givenName: string;
}

export interface FactsVisitType {
  id: string;
  /** In the conversation's language (the practice's English or French name). */
  name: string;
  durationMinutes: number;
}

export interface FactsAppointment {
  id: string;
  patientId: string;
  start: Date;
  providerName: string;
  typeName: string;
}

export interface Facts {
  now: Date;
  /** IANA zone of the practice, e.g. 'Indian/Mauritius'. */
  timeZone: string;
  practice: {
    name: string;
    address: string | null;
    /** A phone number patients can call, E.164, if the practice set one. */
    phone: string | null;
    /** Free text the practice wrote, per language; null when not set (then a generic line is used). */
    emergencyInstructions: string | null;
    openingHoursText: string | null;
    /** The practice's weekly opening hours (ISO weekday 1 = Monday), local 'HH:MM'. */
    openingHours: { weekday: number; start: string; end: string }[];
    /** Cancelling or moving closer than this to the start goes to staff. */
    lateCancellationHours: number;
    /** Price-list items the practice published for the assistant. */
    prices: { name: string; amountMinor: number; currency: string }[];
  };
  /** Patients this number speaks for (own number, or a guardian's); empty for an unknown number. */
  patients: FactsPatient[];
  /** The language on the record of the patient(s) of this number, if they set one. */
  preferredLanguage: Language | null;
  /** Visit types patients may book on WhatsApp. */
  visitTypes: FactsVisitType[];
  /** Upcoming booked or confirmed appointments of `patients`, soonest first. */
  upcoming: FactsAppointment[];
}

// ---------------------------------------------------------------------------------------------
// Inputs

/**
 * The ids the assistant puts on buttons and list rows, read back when the patient taps:
 * - `h:<handle>`: an offered time; the handle was issued by the server and the runtime resolves
 *   it (an old list's handle still resolves for a week: its time is checked again);
 * - `who:<patientId>` / `who:other`; `type:<typeId>`; `appt:<appointmentId>`;
 * - `confirm`, `change`, `cancel_yes`, `cancel_no`, `consent_yes`, `consent_no`, `earliest`,
 *   `more`, `menu:<intent>` (the short menu after a miss), `lang:<language>`.
 */
export type ChoiceId = string;

/** An offered time as the conversation knows it: enough to say it back, nothing the patient can edit. */
export interface OfferedTime {
  handle: string;
  start: Date;
  end: Date;
  providerName: string;
}

export type CommandResult =
  | { kind: 'times'; times: OfferedTime[] }
  | { kind: 'held'; holdId: string; time: OfferedTime }
  /** The time was taken meanwhile (or the handle expired, or the type stopped being bookable). */
  | { kind: 'time_gone'; reason: 'taken' | 'expired' | 'not_bookable' | 'closed' }
  | { kind: 'booked'; appointmentId: string; time: OfferedTime }
  /** The hold lapsed before Confirm: the runtime may have re-held the same time (then 'booked'). */
  | { kind: 'hold_lapsed' }
  | { kind: 'moved'; appointmentId: string; time: OfferedTime }
  | { kind: 'cancelled'; appointmentId: string }
  /** Inside the late-cancellation window (or already past): handed to staff instead. */
  | { kind: 'too_late'; appointmentId: string }
  | { kind: 'registered'; patientId: string; givenName: string }
  /** The details look like an existing patient: staff decide; the conversation is handed over. */
  | { kind: 'possible_duplicate' }
  | { kind: 'failed'; command: Command['kind'] };

export type Input =
  /** `messageId`: the stored message (a rights request names the message it was asked in). */
  | { kind: 'text'; text: string; understood: Understanding; messageId?: string }
  /** A tapped button or list row (or a template quick reply), by its id. */
  | { kind: 'choice'; id: ChoiceId; title: string; resolved?: OfferedTime }
  /** An image, voice note, sticker, location...: nothing to read. */
  | { kind: 'media'; mediaType: string }
  /** What the last command did; fed back in by the runtime at once. */
  | { kind: 'result'; result: CommandResult }
  /** The conversation went idle past the expiry (30 minutes by default) mid-flow. */
  | { kind: 'expired' };

// ---------------------------------------------------------------------------------------------
// State: stored per conversation (JSON), so a restart carries on where it was.

export type Goal = 'book' | 'reschedule' | 'cancel';

export interface BookingDraft {
  goal: Goal;
  patientId?: string;
  givenName?: string;
  typeId?: string;
  typeName?: string;
  /** The range asked for; from the text or "earliest" (then now → the type's booking horizon). */
  when?: { from: Date; to: Date };
  /** Reschedule/cancel: the appointment being moved or cancelled. */
  appointmentId?: string;
  /** Times offered last, to say back and to check a typed "2" or "10:30" against. */
  offered?: OfferedTime[];
  hold?: { holdId: string; time: OfferedTime };
  /** In state 'working': the command whose result is awaited. */
  awaiting?: ResultCommandKind;
  /** Handles of lists shown earlier in this flow: a tap on one of them is still this flow's. */
  earlierHandles?: string[];
  /** Why times are being looked for again, said with the next list ("that time was just taken"). */
  searchAgain?: 'taken' | 'expired' | 'closed' | 'lapsed';
  /** What the flow achieved: a second Confirm (or Yes, cancel) answers with it instead of acting twice. */
  done?: { kind: 'booked' | 'moved' | 'cancelled'; appointmentId: string; time?: OfferedTime };
}

/** The commands that answer with a CommandResult (fed back in as an Input of kind 'result'). */
export type ResultCommandKind = 'find_times' | 'hold' | 'book' | 'move' | 'cancel' | 'register_patient';

export type StateName =
  | 'idle'
  | 'choosing_patient'
  | 'asking_name'
  | 'asking_birth_date'
  | 'asking_consent'
  | 'choosing_type'
  | 'choosing_when'
  | 'choosing_time'
  | 'confirming_booking'
  | 'choosing_appointment'
  | 'confirming_cancel'
  /** A rights request ("a copy of my data") on a number shared by several patients: whose is it? */
  | 'choosing_privacy_patient'
  /** A rights request said back, waiting for Send request / Cancel. */
  | 'confirming_privacy'
  /** Waiting for a command's result (the runtime feeds it back before the patient writes again). */
  | 'working';

export interface State {
  name: StateName;
  /** The language the assistant answers in (the patient's record, else the last text's language). */
  language: Language;
  draft: BookingDraft | null;
  /** Registration in progress (unknown number). */
  registration?: { fullName?: string; birthDate?: string };
  /** Consecutive messages not understood; at two the assistant offers a person. */
  misses: number;
  /** Set when the patient has been told they are speaking with an automated assistant. */
  introduced: boolean;
  /** The patient asked for `language` in this conversation: it wins over the record's preferred language. */
  languageChosen?: boolean;
  /**
   * The draft of the last flow that ended (booked, cancelled, expired...), kept while the conversation
   * is idle so that a tap on its list of times, or a second Confirm, can still be read.
   */
  recent?: BookingDraft;
  /** A rights request being confirmed (states choosing_privacy_patient, confirming_privacy). */
  privacy?: PrivacyDraft;
}

/** The rights a patient can ask for in the chat (privacy's request types; consent withdrawal is STOP). */
export type RightsRequestType = 'access' | 'deletion' | 'correction' | 'restriction';

/** The intents that ask for a right, and which. */
export const RIGHT_OF_INTENT: Partial<Record<Intent, RightsRequestType>> = {
  privacy_access: 'access',
  privacy_deletion: 'deletion',
  privacy_correction: 'correction',
  privacy_restriction: 'restriction',
};

/** A rights request the patient wrote, until it is sent to the practice or dropped. */
export interface PrivacyDraft {
  type: RightsRequestType;
  /** The message it was asked in: privacy reads the patient's words and its time (the receipt) there. */
  requestMessageId?: string;
  /** Whom it is for, a patient of the number (set at once when the number has one). */
  patientId?: string;
  givenName?: string;
}

export const INITIAL_STATE: State = { name: 'idle', language: 'en', draft: null, misses: 0, introduced: false };

// ---------------------------------------------------------------------------------------------
// Output

/** A reply: the inbox's MessageContent shapes the assistant uses (checked against WhatsApp's limits). */
export type Reply =
  | { type: 'text'; body: string }
  | { type: 'buttons'; body: string; footer?: string; buttons: { id: ChoiceId; title: string }[] }
  | {
      type: 'list';
      body: string;
      footer?: string;
      buttonLabel: string;
      sections: { title?: string; rows: { id: ChoiceId; title: string; description?: string }[] }[];
    };

export type HandoverReason =
  | 'asked'
  | 'urgent'
  | 'not_understood'
  | 'late_cancellation'
  | 'possible_duplicate'
  | 'needs_staff';

export type Command =
  /** Free times of a type in a range, spread over it, at most 10, for this patient. */
  | {
      kind: 'find_times';
      patientId: string;
      typeId: string;
      from: Date;
      to: Date;
      /** Reschedule: the appointment being moved (its own slot does not count as busy). */
      appointmentId?: string;
    }
  /** Hold an offered time (by its handle) for the patient while they confirm. */
  | { kind: 'hold'; handle: string; patientId: string; typeId: string }
  | { kind: 'book'; holdId: string; patientId: string; handle: string }
  | { kind: 'release_hold'; holdId: string }
  | { kind: 'move'; appointmentId: string; handle: string }
  | { kind: 'cancel'; appointmentId: string; reason: string }
  | { kind: 'register_patient'; fullName: string; birthDate: string; consentWording: string; language: Language }
  | { kind: 'hand_over'; reason: HandoverReason }
  /**
   * Send a rights request to the practice for these patients of the number: the runtime announces
   * it (assistant.events.ts) and privacy records it and answers with its due date.
   */
  | { kind: 'record_privacy_request'; type: RightsRequestType; patientIds: string[]; requestMessageId?: string }
  | { kind: 'opt_out' }
  | { kind: 'opt_in' }
  | { kind: 'set_language'; language: Language };

/** One step of the conversation. At most one command that returns a result (the last in the list). */
export interface Step {
  state: State;
  replies: Reply[];
  commands: Command[];
}
