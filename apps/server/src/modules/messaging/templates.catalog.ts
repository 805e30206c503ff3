import type { GraphTemplate } from './graph-client.js';

/**
 * The templates DentalPro needs, in Meta's `message_templates` shape. The sandbox's fake
 * Graph API serves them as if they were approved on the practice's account; a real practice
 * submits the same texts to Meta for approval.
 */
type Text = { body: string; buttons: string[] };
const ENTRIES: {
  name: string;
  category: string;
  named: boolean;
  examples: Record<string, string>;
  en: Text;
  fr: Text;
}[] = [
  {
    name: 'appointment_reminder',
    category: 'UTILITY',
    named: true,
    examples: { patient_name: 'Aisha', practice_name: 'Demo Dental Clinic', date: 'Tuesday 1 December', time: '09:30' },
    en: {
      body: 'Hello {{patient_name}}, this is a reminder of your appointment at {{practice_name}} on {{date}} at {{time}}.',
      buttons: ['Confirm', 'Reschedule', 'Cancel'],
    },
    fr: {
      body: 'Bonjour {{patient_name}}, nous vous rappelons votre rendez-vous chez {{practice_name}} le {{date}} à {{time}}.',
      buttons: ['Confirmer', 'Changer', 'Annuler'],
    },
  },
  {
    name: 'booking_confirmation',
    category: 'UTILITY',
    named: false,
    examples: { 1: 'Aisha', 2: 'check-up', 3: 'Demo Dental Clinic', 4: 'Tuesday 1 December', 5: '09:30' },
    en: {
      body: 'Hello {{1}}, your {{2}} at {{3}} is booked for {{4}} at {{5}}. Reply to this message if you need to change it.',
      buttons: [],
    },
    fr: {
      body: 'Bonjour {{1}}, votre {{2}} chez {{3}} est réservé pour le {{4}} à {{5}}. Répondez à ce message pour le modifier.',
      buttons: [],
    },
  },
  {
    name: 'appointment_cancellation',
    category: 'UTILITY',
    named: false,
    examples: { 1: 'Aisha', 2: 'Demo Dental Clinic', 3: 'Tuesday 1 December', 4: '09:30' },
    en: {
      body: 'Hello {{1}}, your appointment at {{2}} on {{3}} at {{4}} has been cancelled.',
      buttons: ['Book a new time'],
    },
    fr: {
      body: 'Bonjour {{1}}, votre rendez-vous chez {{2}} le {{3}} à {{4}} a été annulé.',
      buttons: ['Reprendre rendez-vous'],
    },
  },
  {
    name: 'recall_due',
    category: 'UTILITY',
    named: false,
    examples: { 1: 'Aisha', 2: 'Demo Dental Clinic' },
    en: {
      body: 'Hello {{1}}, it is time for your check-up at {{2}}. Would you like to book a visit?',
      buttons: ['Book now', 'Not now'],
    },
    fr: {
      body: 'Bonjour {{1}}, il est temps de faire votre contrôle chez {{2}}. Souhaitez-vous prendre rendez-vous ?',
      buttons: ['Réserver', 'Plus tard'],
    },
  },
  {
    name: 'waitlist_offer',
    category: 'UTILITY',
    named: false,
    examples: { 1: 'Aisha', 2: 'check-up', 3: 'Demo Dental Clinic', 4: 'Tuesday 1 December', 5: '09:30' },
    en: {
      body: 'Hello {{1}}, a {{2}} slot has opened at {{3}} on {{4}} at {{5}}. Would you like it?',
      buttons: ['Take it', 'No thanks'],
    },
    fr: {
      body: 'Bonjour {{1}}, une place pour un {{2}} s’est libérée chez {{3}} le {{4}} à {{5}}. La voulez-vous ?',
      buttons: ['Je la prends', 'Non merci'],
    },
  },
  {
    name: 'practice_closure',
    category: 'UTILITY',
    named: false,
    examples: { 1: 'Aisha', 2: 'Demo Dental Clinic', 3: 'Tuesday 1 December', 4: '09:30', 5: 'cyclone warning' },
    en: {
      body: 'Hello {{1}}, we are sorry: your appointment at {{2}} on {{3}} at {{4}} cannot go ahead ({{5}}). Please choose a new time below, or ask us to call you.',
      buttons: ['Choose a new time', 'Call me'],
    },
    fr: {
      body: 'Bonjour {{1}}, nous sommes désolés : votre rendez-vous chez {{2}} le {{3}} à {{4}} ne peut pas avoir lieu ({{5}}). Choisissez un nouvel horaire ci-dessous, ou demandez-nous de vous appeler.',
      buttons: ['Nouvel horaire', 'Appelez-moi'],
    },
  },
  {
    // Privacy: the copy of the patient's data is ready, outside the 24-hour window. Neither the link
    // nor anything about the patient is in it; the tap opens the window and the link follows as text.
    name: 'data_copy_ready',
    category: 'UTILITY',
    named: true,
    examples: { practice_name: 'Demo Dental Clinic' },
    en: {
      body: 'Your copy of the data {{practice_name}} holds about you is ready. Tap below to receive the secure link here.',
      buttons: ['Send me the link'],
    },
    fr: {
      body: 'La copie des données que {{practice_name}} détient à votre sujet est prête. Touchez le bouton ci-dessous pour recevoir ici le lien sécurisé.',
      buttons: ['Envoyez-moi le lien'],
    },
  },
  {
    // A dentist's own day (the daily agenda), to the number they opted in with: times, first names
    // with an initial, visit types, chairs and flags; no clinical notes or alert details.
    name: 'daily_agenda',
    category: 'UTILITY',
    named: false,
    examples: {
      1: 'Dr Ramdin',
      2: 'Demo Dental Clinic',
      3: 'Tuesday 1 December',
      4: '2',
      5: '08:30',
      6: '10:00',
      7: '08:30 Aisha R. (Check-up, Chair 1, new patient); 10:00 Jean P. (Filling, Chair 2)',
    },
    en: {
      body: 'Good morning {{1}}, here is your day at {{2}} on {{3}}. Appointments: {{4}}, the first at {{5}} and the last at {{6}}. {{7}}. The details are in DentalPro.',
      buttons: [],
    },
    fr: {
      body: 'Bonjour {{1}}, voici votre journée chez {{2}} le {{3}}. Rendez-vous : {{4}}, le premier à {{5}} et le dernier à {{6}}. {{7}}. Les détails sont dans DentalPro.',
      buttons: [],
    },
  },
];

export const SANDBOX_TEMPLATES: GraphTemplate[] = ENTRIES.flatMap((e) =>
  (['en', 'fr'] as const).map((language) => {
    const text = e[language];
    const example = e.named
      ? { body_text_named_params: Object.entries(e.examples).map(([param_name, example]) => ({ param_name, example })) }
      : { body_text: [Object.values(e.examples)] };
    return {
      name: e.name,
      language,
      status: 'APPROVED',
      category: e.category,
      parameter_format: e.named ? 'NAMED' : 'POSITIONAL',
      components: [
        { type: 'BODY', text: text.body, example },
        ...(text.buttons.length > 0
          ? [{ type: 'BUTTONS', buttons: text.buttons.map((t) => ({ type: 'QUICK_REPLY', text: t })) }]
          : []),
      ],
    };
  }),
);
