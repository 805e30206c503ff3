import type { RightsRequestType } from './assistant.types.js';

/**
 * The assistant's words in Mauritian Creole (Kreol Morisien), in the Lortograf spelling and simple
 * everyday words (../shared/whatsapp/creole.md), with the polite "ou". The shape is `Texts` in replies.ts.
 */

const callUs = (phone: string | null) => (phone ? `Apel nou lor ${phone}.` : 'Apel klinik-la.');

export const mfe = {
  intro: (practiceName: string) => `Bonzour! Mo enn asistan otomatik pou ${practiceName}.`,
  howCanIHelp: 'Mo kapav pran, sanze ouswa anil enn randevou, ek reponn bann kestion sinp. Ki ou anvi fer?',
  welcomeBack: 'Bonzour ankor! Ki ou anvi fer?',
  whatNext: 'Ki ou anvi fer?',
  menuButton: 'Meni',
  menu: {
    book: 'Pran randevou',
    reschedule: 'Sanz enn randevou',
    cancel: 'Anil enn randevou',
    my_appointments: 'Mo bann randevou',
    opening_hours: 'Ki ler nou ouver',
    address: 'Adres',
    human: 'Koz ar enn dimoun',
  },
  notUnderstood: 'Dezole, mo pa finn konpran. Ala seki mo kapav fer:',
  notUnderstoodInFlow: 'Dezole, mo pa finn konpran.',
  offerPerson: 'Dezole, mo ankor pa konpran. Ou anvi enn dimoun dan lekip reponn ou?',
  talkToPerson: 'Koz ar enn dimoun',
  showMenu: 'Montre meni',
  tapAnOption: 'Silvouple, swazir enn opsion.',
  writeItPlease: 'Mo kapav lir zis mesaz ekri isi. Silvouple, ekrir ou repons.',
  mediaIdle: 'Mo pa kapav ouver zimaz ni mesaz vokal. Silvouple ekrir ou mesaz, ouswa swazir anba.',
  staleButton: 'Sa bouton-la sorti dan enn ansien mesaz.',
  staleList: 'Sa lalis-la nepli bon, mo pou rod ankor.',
  stopped: 'Dakor, mo aret la. Nanye pa finn reserve ni sanze.',
  thanks: 'Pa dekwa!',
  noProblem: 'Dakor. Ekrir mwa kan ou bizin.',
  hello: 'Bonzour!',
  carryOn: 'Pou kontinie, zis reponn mo dernie kestion.',
  languageSet: 'Dakor, mo pou ekrir ou an Kreol.',
  chooseLanguage: 'Dan ki lang ou prefere?',

  withProvider: (providerName: string) => `ar ${providerName}`,
  forPatient: (givenName: string) => `pou ${givenName}`,
  whoFor: 'Pou kisannla sa randevou-la?',
  someoneElse: 'Enn lot dimoun',
  chooseButton: 'Swazir',
  whichType: 'Ki kalite vizit?',
  typesButton: 'Kalite vizit',
  minutes: (count: number) => `${count} minit`,
  noTypes: (phone: string | null) => `Dezole, pa kapav pran okenn randevou lor WhatsApp pou le moman. ${callUs(phone)}`,
  whenQuestion: 'Kan ou anvi vini? Swazir anba, ouswa ekrir enn zour (par egzanp "zedi gramatin").',
  moveWhen: 'Kan ou anvi deplas li? Swazir anba, ouswa ekrir enn zour (par egzanp "zedi gramatin").',
  whenRows: { earliest: 'Premye plas lib', this_week: 'Sa semenn-la', next_week: 'Semenn prosenn' },
  pastDay: 'Sa zour-la finn pase.',
  timesIntro: (range: string) =>
    `Ala bann ler ki lib ${range}. Pez "Get ler" pou swazir enn, ouswa ekrir enn lot zour.`,
  timesButton: 'Get ler',
  otherDays: 'Lezot zour',
  searchAgain: {
    taken: 'Dezole, enn lot dimoun finn fek pran sa ler-la.',
    expired: 'Sa ler-la nepli disponib.',
    closed: 'Dezole, klinik-la ferme sa ler-la.',
    lapsed: 'Mo ti pe gard enn ler pou ou, me li finn libere parski sa finn pran letan.',
  },
  noTimes: (range: string) => `Pena plas lib ${range}. Ki lot kan ou kapav vini?`,
  noTimesSoon: (days: number, phone: string | null) =>
    `Pena plas lib dan ${days} zour ki pe vini. ${
      phone
        ? `Apel nou lor ${phone}, ouswa dimann pou koz ar enn dimoun anba.`
        : 'Ou kapav dimann pou koz ar enn dimoun anba.'
    }`,
  sayBack: (visit: string) => `${visit}. Mo konfirme?`,
  confirm: 'Konfirme',
  change: 'Sanze',
  booked: (visit: string) => `Ou randevou finn reserve: ${visit}.`,
  addressLine: (address: string) => `Adres: ${address}`,
  howToCancel: 'Pou anil, reponn "anile".',
  alreadyBooked: (visit: string) => `Sa randevou-la deza reserve: ${visit}.`,
  nothingToConfirm: 'Pena nanye pou konfirme pou le moman.',
  chooseAnother: 'Pa tracas. Swazir enn lot ler anba, ouswa ekrir enn lot zour.',
  typeNotBookable: 'Pa kapav pran sa kalite vizit-la isi aster.',

  newNumber: 'Sa nimero-la pankor dan nou fisie, alor mo bizin enn de detay avan.',
  askName: 'Ki nom konple (prenom ek nom) dimoun ki pou vini?',
  askFullName: 'Silvouple, ekrir prenom ek nom.',
  nameNotValid: 'Silvouple, ekrir zis nom-la, an let.',
  askBirthDate: (givenName: string) => `Mersi. Ki dat nesans ${givenName}? (par egzanp 12/03/1985)`,
  birthDateProblem: {
    unreadable: 'Mo pa finn kapav lir sa dat-la. Ekrir li koumsa: zour/mwa/lane, par egzanp 12/03/1985.',
    future: 'Sa dat-la pankor arive. Ekrir dat nesans, par egzanp 12/03/1985.',
    too_old: 'Sa dat-la tro lontan. Verifye li ek ekrir li ankor, par egzanp 12/03/1985.',
  },
  consent: (practiceName: string) =>
    `Eski ou dakor ki ${practiceName} kontak ou lor sa nimero WhatsApp-la pou ou bann randevou (konfirmasion ek rapel)? Ou kapav reponn STOP nenport ki ler.`,
  consentYes: 'Wi, mo dakor',
  consentNo: 'Non',
  consentRefused: (phone: string | null) =>
    `Mo konpran. San ou lakord, nou pa kapav pran randevou lor WhatsApp. ${
      phone ? `Ou kapav apel nou lor ${phone}.` : 'Ou kapav apel klinik-la.'
    }`,
  duplicate: 'Mersi. Enn dimoun dan lekip pou verifye ou detay ek fini randevou-la isi.',

  noUpcoming: 'Ou pena okenn randevou ki pe vini kot nou.',
  noRecord: 'Mo pa trouv okenn randevou pou sa nimero-la.',
  bookButton: 'Pran randevou',
  noThanks: 'Non mersi',
  whichAppointment: {
    reschedule: 'Ki randevou ou anvi sanze?',
    cancel: 'Ki randevou ou anvi anile?',
  },
  appointmentsButton: 'Randevou',
  yourAppointment: (visit: string) => `Ou randevou: ${visit}.`,
  late: (goal: 'reschedule' | 'cancel', hours: number) =>
    `Ou randevou dan mwins ki ${hours} erdtan, mo pa kapav ${
      goal === 'cancel' ? 'anil' : 'sanz'
    } li isi. Enn dimoun dan lekip pou reponn ou isi.`,
  cannotMove: 'Mo pa kapav sanz sa kalite vizit-la isi. Enn dimoun dan lekip pou reponn ou isi.',
  moved: (visit: string) => `Li fini. Ou nouvo randevou: ${visit}.`,
  confirmCancel: (visit: string) => `Anil sa randevou-la: ${visit}?`,
  cancelYes: 'Wi, anil li',
  cancelNo: 'Non, gard li',
  cancelled: (visit: string) => `Randevou anile: ${visit}. Ou anvi pran enn lot randevou?`,
  kept: 'Dakor, ou randevou res parey.',
  alreadyCancelled: 'Sa randevou-la deza anile.',
  myAppointmentsHeader: 'Ou bann randevou ki pe vini:',
  moreAppointments: (count: number) => `…ek ${count} lot ankor.`,

  hoursHeader: 'Ki ler nou ouver:',
  labelled: (label: string, value: string) => `${label}: ${value}`,
  closed: 'ferme',
  openOn: (day: string, hours: string) => `${day} nou ouver ${hours}.`,
  closedOn: (day: string) => `${day} nou ferme.`,
  noHours: (phone: string | null) =>
    phone ? `Apel nou lor ${phone} pou kone ki ler nou ouver.` : 'Demann klinik-la ki ler zot ouver.',
  address: (address: string) => `Nou adres: ${address}`,
  phoneLine: (phone: string) => `Telefonn: ${phone}`,
  noAddress: (phone: string | null) =>
    phone ? `Apel nou lor ${phone}, nou pou explik ou kouma vini.` : 'Demann klinik-la kouma vini.',
  pricesHeader: 'Nou pri:',
  noPrices: (phone: string | null) => (phone ? `Pou pri, apel nou lor ${phone}.` : 'Pou pri, demann lekip klinik-la.'),

  privacyWhat: (type: RightsRequestType, givenName?: string) => {
    const whose = givenName ? `bann done ${givenName}` : 'ou bann done';
    switch (type) {
      case 'access':
        return `gagn enn kopi bann done ki nou ena lor ${givenName ?? 'ou'}`;
      case 'deletion':
        return `ki nou efas ${whose}`;
      case 'correction':
        return `ki nou koriz ${givenName ? `bann detay ${givenName}` : 'ou bann detay'}`;
      case 'restriction':
        return `ki nou aret servi ${whose}`;
    }
  },
  privacyConfirm: (what: string) =>
    `Ou anvi ${what}. Mo pou avoy sa demann-la ar klinik-la: reponn WI ouswa tap "Avoy demann" pou avoy li.`,
  privacySend: 'Avoy demann',
  privacyCancel: 'Anile',
  privacyWhoFor: 'Pou kisanla sa demann-la?',
  privacyNotSent: 'Dakor, mo pa finn avoy nanye.',
  privacyUnknownNumber:
    'Mo pa finn trouv ou dosie avek sa nimero-la. Enn dimoun dan lekip pou reponn ou isi pou ed ou avek ou demann.',

  urgentGeneric: (phone: string | null) =>
    `Si ou ena boukou douler, ${phone ? `apel nou lor ${phone}` : 'apel klinik-la'}. Si ou lafigir anfle for, ouswa ou ena lafiev, ouswa ou gagn difikilte pou respire ouswa pou aval, al lirzans lopital pli pre toutswit.`,
  urgentHandedOver: 'Nou finn averti lekip, enn dimoun pou reponn ou isi.',
  human: 'Enn dimoun dan lekip pou reponn ou isi pli vit posib.',
  optedOut: 'Nou pa pou avoy ou rapel ni mesaz lor WhatsApp ankor. Reponn START si ou anvi resevwar zot ankor.',
  optedIn: 'Ou pou resevwar mesaz pou ou bann randevou lor WhatsApp ankor. Reponn STOP pou aret zot.',
  restart: (hadHold: boolean) =>
    `Nou pa finn gagn ou nouvel depi enn bout letan, alor mo finn aret la${
      hadHold ? ' ek mo finn larg ler ki mo ti pe gard pou ou' : ''
    }. Ekrir mwa kan ou anvi rekoumanse.`,
  failed: 'Dezole, ena enn problem kot nou. Enn dimoun dan lekip pou reponn ou isi.',
};
