import type { Goal, Language, RightsRequestType } from './assistant.types.js';
import { en } from './replies.en.js';
import { fr } from './replies.fr.js';
import { mfe } from './replies.mfe.js';

/**
 * Everything the assistant says, in one shape per language (replies.en.ts, replies.fr.ts,
 * replies.mfe.ts). Short WhatsApp sentences; the parts the practice or the calendar supplies
 * (names, dates, addresses) come in as already-written strings.
 */
export interface Texts {
  // Introduction, menu and not understood
  intro: (practiceName: string) => string;
  howCanIHelp: string;
  welcomeBack: string;
  whatNext: string;
  menuButton: string;
  menu: Record<MenuItem, string>;
  notUnderstood: string;
  notUnderstoodInFlow: string;
  offerPerson: string;
  talkToPerson: string;
  showMenu: string;
  tapAnOption: string;
  writeItPlease: string;
  mediaIdle: string;
  staleButton: string;
  staleList: string;
  stopped: string;
  thanks: string;
  /** A "no" when nothing was asked. */
  noProblem: string;
  hello: string;
  carryOn: string;
  languageSet: string;
  chooseLanguage: string;

  // Booking
  withProvider: (providerName: string) => string;
  forPatient: (givenName: string) => string;
  whoFor: string;
  someoneElse: string;
  chooseButton: string;
  whichType: string;
  typesButton: string;
  minutes: (count: number) => string;
  noTypes: (phone: string | null) => string;
  whenQuestion: string;
  moveWhen: string;
  whenRows: Record<'earliest' | 'this_week' | 'next_week', string>;
  pastDay: string;
  timesIntro: (range: string) => string;
  timesButton: string;
  otherDays: string;
  searchAgain: Record<'taken' | 'expired' | 'closed' | 'lapsed', string>;
  noTimes: (range: string) => string;
  noTimesSoon: (days: number, phone: string | null) => string;
  sayBack: (visit: string) => string;
  confirm: string;
  change: string;
  booked: (visit: string) => string;
  addressLine: (address: string) => string;
  howToCancel: string;
  alreadyBooked: (visit: string) => string;
  nothingToConfirm: string;
  chooseAnother: string;
  typeNotBookable: string;

  // Registration (a number we do not know, or "someone else")
  newNumber: string;
  askName: string;
  askFullName: string;
  nameNotValid: string;
  askBirthDate: (givenName: string) => string;
  birthDateProblem: Record<'unreadable' | 'future' | 'too_old', string>;
  /** Shown with Yes/No buttons; the exact text is recorded as the consent's wording. */
  consent: (practiceName: string) => string;
  consentYes: string;
  consentNo: string;
  consentRefused: (phone: string | null) => string;
  duplicate: string;

  // Moving, cancelling, listing
  noUpcoming: string;
  noRecord: string;
  bookButton: string;
  noThanks: string;
  whichAppointment: Record<Exclude<Goal, 'book'>, string>;
  appointmentsButton: string;
  yourAppointment: (visit: string) => string;
  late: (goal: Exclude<Goal, 'book'>, hours: number) => string;
  cannotMove: string;
  moved: (visit: string) => string;
  confirmCancel: (visit: string) => string;
  cancelYes: string;
  cancelNo: string;
  cancelled: (visit: string) => string;
  kept: string;
  alreadyCancelled: string;
  myAppointmentsHeader: string;
  moreAppointments: (count: number) => string;

  // The practice
  hoursHeader: string;
  /** One line of a list: "Saturday: 08:00–12:00", "Détartrage : 2 000 Rs". */
  labelled: (label: string, value: string) => string;
  closed: string;
  openOn: (day: string, hours: string) => string;
  closedOn: (day: string) => string;
  noHours: (phone: string | null) => string;
  address: (address: string) => string;
  phoneLine: (phone: string) => string;
  noAddress: (phone: string | null) => string;
  pricesHeader: string;
  noPrices: (phone: string | null) => string;

  // Rights over one's data (a copy, deletion, a correction, stop using it)
  /** What is asked, said to the patient: about them, or about the patient named (a shared number). */
  privacyWhat: (type: RightsRequestType, givenName?: string) => string;
  /** Said back before anything is sent, with the Send request / Cancel buttons. */
  privacyConfirm: (what: string) => string;
  privacySend: string;
  privacyCancel: string;
  privacyWhoFor: string;
  privacyNotSent: string;
  /** The number matches no patient: a person takes the request. */
  privacyUnknownNumber: string;

  // Urgent, a person, opting out, time-outs
  urgentGeneric: (phone: string | null) => string;
  urgentHandedOver: string;
  human: string;
  optedOut: string;
  optedIn: string;
  restart: (hadHold: boolean) => string;
  failed: string;
}

/** The short menu (a list) shown on a greeting or when a message is not understood; row ids are `menu:<item>`. */
export const MENU_ITEMS = [
  'book',
  'reschedule',
  'cancel',
  'my_appointments',
  'opening_hours',
  'address',
  'human',
] as const;
export type MenuItem = (typeof MENU_ITEMS)[number];

/** What each language calls itself, for the language buttons. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', fr: 'Français', mfe: 'Kreol Morisien' };

const TEXTS: Record<Language, Texts> = { en, fr, mfe };

export function textsFor(language: Language): Texts {
  return TEXTS[language];
}
