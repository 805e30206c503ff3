import type { RightsRequestType } from './assistant.types.js';

/** The assistant's words in English (the shape is `Texts` in replies.ts). */

const callUs = (phone: string | null) => (phone ? `Please call us on ${phone}.` : 'Please call the practice.');

export const en = {
  intro: (practiceName: string) => `Hello! I'm the automated assistant of ${practiceName}.`,
  howCanIHelp: 'I can book, move or cancel an appointment, and answer simple questions. What would you like to do?',
  welcomeBack: 'Hello again! What would you like to do?',
  whatNext: 'What would you like to do?',
  menuButton: 'Menu',
  menu: {
    book: 'Book an appointment',
    reschedule: 'Move an appointment',
    cancel: 'Cancel an appointment',
    my_appointments: 'My appointments',
    opening_hours: 'Opening hours',
    address: 'Address',
    human: 'Talk to a person',
  },
  notUnderstood: "Sorry, I didn't understand. Here is what I can do:",
  notUnderstoodInFlow: "Sorry, I didn't understand that.",
  offerPerson: "Sorry, I still don't understand. Would you like a member of the team to reply?",
  talkToPerson: 'Talk to a person',
  showMenu: 'Show the menu',
  tapAnOption: 'Please tap one of the options.',
  writeItPlease: 'I can only read text here. Please type your answer.',
  mediaIdle: "I can't open pictures or voice messages. Please type your message, or choose below.",
  staleButton: 'That button belongs to an earlier message.',
  staleList: "That list is out of date, so I'll look again.",
  stopped: "OK, I've stopped there. Nothing was booked or changed.",
  thanks: "You're welcome!",
  noProblem: 'OK. Write to me any time you need something.',
  hello: 'Hello!',
  carryOn: 'To carry on where we were, just answer my last question.',
  languageSet: "OK, I'll write in English.",
  chooseLanguage: 'Which language would you like?',

  withProvider: (providerName: string) => `with ${providerName}`,
  forPatient: (givenName: string) => `for ${givenName}`,
  whoFor: 'Who is the appointment for?',
  someoneElse: 'Someone else',
  chooseButton: 'Choose',
  whichType: 'What kind of visit is it?',
  typesButton: 'Visit types',
  minutes: (count: number) => `${count} min`,
  noTypes: (phone: string | null) => `Sorry, no visit can be booked on WhatsApp at the moment. ${callUs(phone)}`,
  whenQuestion: 'When would you like to come? Choose below, or type a day (for example "Thursday morning").',
  moveWhen: 'When would you like to move it to? Choose below, or type a day (for example "Thursday morning").',
  whenRows: { earliest: 'Earliest available', this_week: 'This week', next_week: 'Next week' },
  pastDay: 'That day has already passed.',
  timesIntro: (range: string) => `Free times ${range}. Tap "See times" to choose one, or type another day.`,
  timesButton: 'See times',
  otherDays: 'Other days',
  searchAgain: {
    taken: 'Sorry, that time has just been taken.',
    expired: 'That time is no longer available.',
    closed: 'Sorry, the practice is closed at that time.',
    lapsed: 'The time I was holding for you has been released, as it took a while.',
  },
  noTimes: (range: string) => `There is no free time ${range}. When else would suit you?`,
  noTimesSoon: (days: number, phone: string | null) =>
    `There is no free time in the next ${days} days. ${
      phone ? `Please call us on ${phone}, or ask for a person below.` : 'You can ask for a person below.'
    }`,
  sayBack: (visit: string) => `${visit}. Shall I confirm?`,
  confirm: 'Confirm',
  change: 'Change',
  booked: (visit: string) => `Your appointment is booked: ${visit}.`,
  addressLine: (address: string) => `Address: ${address}`,
  howToCancel: 'To cancel, reply "cancel".',
  alreadyBooked: (visit: string) => `This appointment is already booked: ${visit}.`,
  nothingToConfirm: 'There is nothing waiting to be confirmed.',
  chooseAnother: 'No problem. Choose another time below, or type another day.',
  typeNotBookable: 'That kind of visit can no longer be booked here.',

  newNumber: "I don't have this number in our records yet, so I need a few details first.",
  askName: 'What is the full name (first name and surname) of the person the appointment is for?',
  askFullName: 'Please type the first name and the surname.',
  nameNotValid: 'Please type just the name, in letters.',
  askBirthDate: (givenName: string) => `Thank you. What is ${givenName}'s date of birth? (for example 12/03/1985)`,
  birthDateProblem: {
    unreadable: "I couldn't read that date. Please type it as day/month/year, for example 12/03/1985.",
    future: 'That date is in the future. Please type the date of birth, for example 12/03/1985.',
    too_old: 'That date is too far back. Please check it and type it again, for example 12/03/1985.',
  },
  consent: (practiceName: string) =>
    `May ${practiceName} contact you on this WhatsApp number about your appointments (confirmations and reminders)? You can reply STOP at any time.`,
  consentYes: 'Yes, I agree',
  consentNo: 'No',
  consentRefused: (phone: string | null) =>
    `I understand. Without your agreement we can't book on WhatsApp. ${
      phone ? `You can call us on ${phone}.` : 'You can call the practice.'
    }`,
  duplicate: 'Thank you. A member of the team will check your details and finish the booking here.',

  noUpcoming: 'You have no upcoming appointment with us.',
  noRecord: "I can't find an appointment for this number.",
  bookButton: 'Book an appointment',
  noThanks: 'No, thank you',
  whichAppointment: {
    reschedule: 'Which appointment would you like to move?',
    cancel: 'Which appointment would you like to cancel?',
  },
  appointmentsButton: 'Appointments',
  yourAppointment: (visit: string) => `Your appointment: ${visit}.`,
  late: (goal: 'reschedule' | 'cancel', hours: number) =>
    `Your appointment is less than ${hours} hours away, so I can't ${goal === 'cancel' ? 'cancel' : 'move'} it here. A member of the team will reply here shortly.`,
  cannotMove: "I can't move this kind of visit here. A member of the team will reply here shortly.",
  moved: (visit: string) => `Done. Your new appointment: ${visit}.`,
  confirmCancel: (visit: string) => `Cancel this appointment: ${visit}?`,
  cancelYes: 'Yes, cancel it',
  cancelNo: 'No, keep it',
  cancelled: (visit: string) => `Cancelled: ${visit}. Would you like to book another time?`,
  kept: 'OK, your appointment stays as it is.',
  alreadyCancelled: 'That appointment is already cancelled.',
  myAppointmentsHeader: 'Your upcoming appointments:',
  moreAppointments: (count: number) => `…and ${count} more.`,

  hoursHeader: 'Our opening hours:',
  labelled: (label: string, value: string) => `${label}: ${value}`,
  closed: 'closed',
  openOn: (day: string, hours: string) => `On ${day} we are open ${hours}.`,
  closedOn: (day: string) => `On ${day} we are closed.`,
  noHours: (phone: string | null) =>
    phone ? `Please call us on ${phone} for our opening hours.` : 'Please ask the practice for its opening hours.',
  address: (address: string) => `Our address: ${address}`,
  phoneLine: (phone: string) => `Phone: ${phone}`,
  noAddress: (phone: string | null) =>
    phone ? `Please call us on ${phone} and we'll tell you how to find us.` : 'Please ask the practice for directions.',
  pricesHeader: 'Our prices:',
  noPrices: (phone: string | null) =>
    phone ? `For prices, please call us on ${phone}.` : 'For prices, please ask the practice.',

  privacyWhat: (type: RightsRequestType, givenName?: string) => {
    const whose = givenName ? `${givenName}'s` : 'your';
    switch (type) {
      case 'access':
        return `a copy of the data we hold about ${givenName ?? 'you'}`;
      case 'deletion':
        return `us to delete ${whose} data`;
      case 'correction':
        return `us to correct ${whose} details`;
      case 'restriction':
        return `us to stop using ${whose} data`;
    }
  },
  privacyConfirm: (what: string) =>
    `You'd like ${what}. I'll pass this to the practice: reply YES or tap "Send request" to send it.`,
  privacySend: 'Send request',
  privacyCancel: 'Cancel',
  privacyWhoFor: 'Who is the request for?',
  privacyNotSent: "OK, I haven't sent anything.",
  privacyUnknownNumber:
    "I couldn't find your record from this number. A member of the team will reply here to help you with your request.",

  urgentGeneric: (phone: string | null) =>
    `If you are in a lot of pain, ${phone ? `call us on ${phone}` : 'call the practice'}. If your face is badly swollen, or you have a fever, or trouble breathing or swallowing, go to the nearest hospital emergency department now.`,
  urgentHandedOver: 'A member of the team has been told and will reply here.',
  human: 'A member of the team will reply here as soon as possible.',
  optedOut: "You won't get reminders or messages from us on WhatsApp anymore. Reply START to subscribe again.",
  optedIn: "You're subscribed again: we'll send your appointment messages on WhatsApp. Reply STOP to stop them.",
  restart: (hadHold: boolean) =>
    `We hadn't heard from you for a while, so I've stopped there${
      hadHold ? ' and released the time I was holding' : ''
    }. Write to me any time to start again.`,
  failed: 'Sorry, something went wrong on our side. A member of the team will reply here.',
};
