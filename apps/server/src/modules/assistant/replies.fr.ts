import type { RightsRequestType } from './assistant.types.js';

/** The assistant's words in French, with "vous" (the shape is `Texts` in replies.ts). */

const callUs = (phone: string | null) => (phone ? `Appelez-nous au ${phone}.` : 'Appelez le cabinet.');

export const fr = {
  intro: (practiceName: string) => `Bonjour ! Je suis l'assistant automatique de ${practiceName}.`,
  howCanIHelp:
    'Je peux prendre, déplacer ou annuler un rendez-vous et répondre à des questions simples. Que souhaitez-vous faire ?',
  welcomeBack: 'Bonjour ! Que souhaitez-vous faire ?',
  whatNext: 'Que souhaitez-vous faire ?',
  menuButton: 'Menu',
  menu: {
    book: 'Prendre rendez-vous',
    reschedule: 'Déplacer un rendez-vous',
    cancel: 'Annuler un rendez-vous',
    my_appointments: 'Mes rendez-vous',
    opening_hours: 'Horaires',
    address: 'Adresse',
    human: "Parler à quelqu'un",
  },
  notUnderstood: "Désolé, je n'ai pas compris. Voici ce que je peux faire :",
  notUnderstoodInFlow: "Désolé, je n'ai pas compris.",
  offerPerson: "Désolé, je ne comprends toujours pas. Voulez-vous qu'un membre de l'équipe vous réponde ?",
  talkToPerson: "Parler à quelqu'un",
  showMenu: 'Voir le menu',
  tapAnOption: "Touchez une des options, s'il vous plaît.",
  writeItPlease: "Je ne peux lire que du texte ici. Merci d'écrire votre réponse.",
  mediaIdle: 'Je ne peux pas ouvrir les images ni les messages vocaux. Écrivez votre message ou choisissez ci-dessous.',
  staleButton: 'Ce bouton appartient à un message précédent.',
  staleList: "Cette liste n'est plus à jour, je regarde à nouveau.",
  stopped: "D'accord, j'arrête là. Rien n'a été réservé ni modifié.",
  thanks: 'Avec plaisir !',
  noProblem: "D'accord. Écrivez-moi quand vous voulez.",
  hello: 'Bonjour !',
  carryOn: 'Pour continuer, répondez simplement à ma dernière question.',
  languageSet: "D'accord, je vous écris en français.",
  chooseLanguage: 'Dans quelle langue souhaitez-vous échanger ?',

  withProvider: (providerName: string) =>
    /^dr\b/i.test(providerName) ? `avec le ${providerName}` : `avec ${providerName}`,
  forPatient: (givenName: string) => `pour ${givenName}`,
  whoFor: 'Pour qui est le rendez-vous ?',
  someoneElse: "Quelqu'un d'autre",
  chooseButton: 'Choisir',
  whichType: 'Quel type de visite ?',
  typesButton: 'Types de visite',
  minutes: (count: number) => `${count} min`,
  noTypes: (phone: string | null) =>
    `Désolé, aucune visite ne peut être réservée sur WhatsApp pour le moment. ${callUs(phone)}`,
  whenQuestion: 'Quand souhaitez-vous venir ? Choisissez ci-dessous ou écrivez un jour (par exemple « jeudi matin »).',
  moveWhen:
    'À quand souhaitez-vous le déplacer ? Choisissez ci-dessous ou écrivez un jour (par exemple « jeudi matin »).',
  whenRows: { earliest: 'Au plus tôt', this_week: 'Cette semaine', next_week: 'La semaine prochaine' },
  pastDay: 'Ce jour est déjà passé.',
  timesIntro: (range: string) =>
    `Horaires libres ${range}. Touchez « Voir les horaires » pour en choisir un, ou écrivez un autre jour.`,
  timesButton: 'Voir les horaires',
  otherDays: 'Autres jours',
  searchAgain: {
    taken: "Désolé, cet horaire vient d'être pris.",
    expired: "Cet horaire n'est plus disponible.",
    closed: 'Désolé, le cabinet est fermé à ce moment-là.',
    lapsed: "L'horaire que je vous réservais a été libéré, le délai étant dépassé.",
  },
  noTimes: (range: string) => `Aucun horaire libre ${range}. Quand d'autre vous conviendrait ?`,
  noTimesSoon: (days: number, phone: string | null) =>
    `Aucun horaire libre dans les ${days} prochains jours. ${
      phone
        ? `Appelez-nous au ${phone}, ou demandez à parler à quelqu'un ci-dessous.`
        : "Vous pouvez demander à parler à quelqu'un ci-dessous."
    }`,
  sayBack: (visit: string) => `${visit}. Je confirme ?`,
  confirm: 'Confirmer',
  change: 'Changer',
  booked: (visit: string) => `Votre rendez-vous est réservé : ${visit}.`,
  addressLine: (address: string) => `Adresse : ${address}`,
  howToCancel: 'Pour annuler, répondez « annuler ».',
  alreadyBooked: (visit: string) => `Ce rendez-vous est déjà réservé : ${visit}.`,
  nothingToConfirm: "Il n'y a rien à confirmer pour le moment.",
  chooseAnother: 'Pas de souci. Choisissez un autre horaire ci-dessous ou écrivez un autre jour.',
  typeNotBookable: 'Ce type de visite ne peut plus être réservé ici.',

  newNumber: "Ce numéro n'est pas encore dans nos dossiers : j'ai besoin de quelques informations.",
  askName: 'Quels sont le prénom et le nom de la personne pour qui est le rendez-vous ?',
  askFullName: "Merci d'écrire le prénom et le nom.",
  nameNotValid: "Merci d'écrire seulement le nom, en lettres.",
  askBirthDate: (givenName: string) =>
    `Merci. Quelle est la date de naissance de ${givenName} ? (par exemple 12/03/1985)`,
  birthDateProblem: {
    unreadable: "Je n'ai pas pu lire cette date. Écrivez-la sous la forme jour/mois/année, par exemple 12/03/1985.",
    future: 'Cette date est dans le futur. Écrivez la date de naissance, par exemple 12/03/1985.',
    too_old: 'Cette date est trop ancienne. Vérifiez-la et écrivez-la à nouveau, par exemple 12/03/1985.',
  },
  consent: (practiceName: string) =>
    `Acceptez-vous que ${practiceName} vous contacte sur ce numéro WhatsApp au sujet de vos rendez-vous (confirmations et rappels) ? Vous pouvez répondre STOP à tout moment.`,
  consentYes: "Oui, j'accepte",
  consentNo: 'Non',
  consentRefused: (phone: string | null) =>
    `Je comprends. Sans votre accord, nous ne pouvons pas prendre de rendez-vous sur WhatsApp. ${
      phone ? `Vous pouvez nous appeler au ${phone}.` : 'Vous pouvez appeler le cabinet.'
    }`,
  duplicate: "Merci. Un membre de l'équipe va vérifier vos informations et terminer la réservation ici.",

  noUpcoming: "Vous n'avez pas de rendez-vous à venir chez nous.",
  noRecord: 'Je ne trouve pas de rendez-vous pour ce numéro.',
  bookButton: 'Prendre rendez-vous',
  noThanks: 'Non, merci',
  whichAppointment: {
    reschedule: 'Quel rendez-vous souhaitez-vous déplacer ?',
    cancel: 'Quel rendez-vous souhaitez-vous annuler ?',
  },
  appointmentsButton: 'Rendez-vous',
  yourAppointment: (visit: string) => `Votre rendez-vous : ${visit}.`,
  late: (goal: 'reschedule' | 'cancel', hours: number) =>
    `Votre rendez-vous a lieu dans moins de ${hours} heures : je ne peux pas le ${
      goal === 'cancel' ? 'annuler' : 'déplacer'
    } ici. Un membre de l'équipe va vous répondre ici.`,
  cannotMove: "Je ne peux pas déplacer ce type de visite ici. Un membre de l'équipe va vous répondre ici.",
  moved: (visit: string) => `C'est fait. Votre nouveau rendez-vous : ${visit}.`,
  confirmCancel: (visit: string) => `Annuler ce rendez-vous : ${visit} ?`,
  cancelYes: 'Oui, annuler',
  cancelNo: 'Non, le garder',
  cancelled: (visit: string) => `Rendez-vous annulé : ${visit}. Voulez-vous en prendre un autre ?`,
  kept: "D'accord, votre rendez-vous est maintenu.",
  alreadyCancelled: 'Ce rendez-vous est déjà annulé.',
  myAppointmentsHeader: 'Vos prochains rendez-vous :',
  moreAppointments: (count: number) => `… et ${count} de plus.`,

  hoursHeader: "Nos horaires d'ouverture :",
  labelled: (label: string, value: string) => `${label} : ${value}`,
  closed: 'fermé',
  openOn: (day: string, hours: string) => `Le ${day}, nous sommes ouverts : ${hours}.`,
  closedOn: (day: string) => `Le ${day}, nous sommes fermés.`,
  noHours: (phone: string | null) =>
    phone ? `Appelez-nous au ${phone} pour connaître nos horaires.` : 'Demandez nos horaires au cabinet.',
  address: (address: string) => `Notre adresse : ${address}`,
  phoneLine: (phone: string) => `Téléphone : ${phone}`,
  noAddress: (phone: string | null) =>
    phone ? `Appelez-nous au ${phone}, nous vous indiquerons le chemin.` : 'Demandez le chemin au cabinet.',
  pricesHeader: 'Nos tarifs :',
  noPrices: (phone: string | null) =>
    phone ? `Pour les tarifs, appelez-nous au ${phone}.` : "Pour les tarifs, demandez à l'équipe du cabinet.",

  privacyWhat: (type: RightsRequestType, givenName?: string) => {
    switch (type) {
      case 'access':
        return `recevoir une copie des données que nous détenons ${givenName ? `sur ${givenName}` : 'à votre sujet'}`;
      case 'deletion':
        return `que nous supprimions ${givenName ? `les données de ${givenName}` : 'vos données'}`;
      case 'correction':
        return `que nous corrigions ${givenName ? `les coordonnées de ${givenName}` : 'vos coordonnées'}`;
      case 'restriction':
        return `que nous cessions d'utiliser ${givenName ? `les données de ${givenName}` : 'vos données'}`;
    }
  },
  privacyConfirm: (what: string) =>
    `Vous souhaitez ${what}. Je transmets votre demande au cabinet : répondez OUI ou touchez « Envoyer la demande ».`,
  privacySend: 'Envoyer la demande',
  privacyCancel: 'Annuler',
  privacyWhoFor: 'Pour qui est cette demande ?',
  privacyNotSent: "D'accord, je n'ai rien envoyé.",
  privacyUnknownNumber:
    "Je n'ai pas trouvé votre dossier à partir de ce numéro. Un membre de l'équipe va vous répondre ici pour vous aider.",

  urgentGeneric: (phone: string | null) =>
    `Si vous avez très mal, ${phone ? `appelez-nous au ${phone}` : 'appelez le cabinet'}. Si votre visage est très enflé, ou si vous avez de la fièvre ou du mal à respirer ou à avaler, allez tout de suite aux urgences de l'hôpital le plus proche.`,
  urgentHandedOver: "Un membre de l'équipe est prévenu et va vous répondre ici.",
  human: "Un membre de l'équipe va vous répondre ici dès que possible.",
  optedOut:
    'Vous ne recevrez plus de rappels ni de messages de notre part sur WhatsApp. Répondez START pour vous réabonner.',
  optedIn:
    'Vous êtes de nouveau abonné : nous vous enverrons les messages de vos rendez-vous sur WhatsApp. Répondez STOP pour les arrêter.',
  restart: (hadHold: boolean) =>
    `Sans nouvelles de votre part depuis un moment, j'ai arrêté là${
      hadHold ? " et libéré l'horaire que je vous réservais" : ''
    }. Écrivez-moi quand vous voulez pour recommencer.`,
  failed: "Désolé, un problème est survenu de notre côté. Un membre de l'équipe va vous répondre ici.",
};
