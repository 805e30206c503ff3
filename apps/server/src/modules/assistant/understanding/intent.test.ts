import { describe, expect, it } from 'vitest';
import { INTENTS, type Intent } from '../assistant.types.js';
import { readIntent } from './intent.js';
import { readRightsRequest } from '../understand.service.js';
import { normalisedWords } from './normalise.js';

const intentOf = (text: string) => readIntent(normalisedWords(text));

/** At least one message per intent per language (unknown included). */
const EXAMPLES: Record<'en' | 'fr' | 'mfe', Record<Intent, string[]>> = {
  en: {
    book: ["I'd like to book an appointment", 'can i come in for a check up?', 'any free slot next week?'],
    reschedule: ['Can I move my appointment to Friday?', 'need to reschedule', 'change the time please'],
    cancel: ['Please cancel my appointment', "I won't be able to come", "sorry can't make it tomorrow"],
    my_appointments: ['When is my next appointment?', 'what time is my appt'],
    opening_hours: ['What are your opening hours?', 'Are you open on Saturday?'],
    address: ["What's your address?", 'Where are you located?'],
    prices: ['How much is a filling?', 'What are your prices?'],
    human: ['Can I speak to someone?', 'please call me back'],
    urgent: ['terrible toothache and my face is swollen', 'I broke my tooth', "can't sleep from the pain"],
    stop: ['STOP', 'unsubscribe', 'Stop please'],
    start: ['START', 'subscribe'],
    language: ['English please', 'can you write in French?'],
    greeting: ['hi', 'Good morning', 'Hello!!'],
    thanks: ['thank you', 'thanks a lot 🙏'],
    yes: ['yes', 'ok', 'yes please', 'sounds good'],
    no: ['no', 'no thanks'],
    earliest: ['the earliest', 'asap', 'first available'],
    privacy_access: ['I want a copy of my data', 'can I see my records please', 'what data do you hold about me?'],
    privacy_deletion: ['Please delete my data', 'erase all my personal information', 'right to be forgotten'],
    privacy_correction: ['correct my details please', 'my address is wrong', 'I want to update my information'],
    privacy_restriction: ['stop using my data', 'I object to you using my data', 'please do not use my information'],
    unknown: ['I sent the x-ray by email', 'blue'],
  },
  fr: {
    book: ['Bonjour, je voudrais un rendez-vous', 'vous avez de la place mardi ?', 'je voudrais prendre rdv'],
    reschedule: ['Je voudrais changer mon rendez-vous', 'possible de décaler mon rdv ?', 'un autre jour svp'],
    cancel: ['Je voudrais annuler mon rdv', 'je ne pourrai pas venir demain', 'annulation svp'],
    my_appointments: ["C'est quand mon rendez-vous ?", "est-ce que j'ai un rdv cette semaine"],
    opening_hours: ["Quels sont vos horaires d'ouverture ?", 'vous êtes ouvert le samedi ?'],
    address: ['Quelle est votre adresse ?', 'où se trouve le cabinet ?'],
    prices: ['Combien coûte un détartrage ?', 'quels sont vos tarifs'],
    human: ["Je voudrais parler à quelqu'un", 'rappelez-moi svp'],
    urgent: ["j'ai très mal, ma joue est gonflée", 'ma dent est cassée', 'ça saigne beaucoup'],
    stop: ['Arrêt', 'arret', 'STOP svp', 'désabonner'],
    start: ['reprendre'],
    language: ['en français svp', 'en anglais'],
    greeting: ['Bonjour', 'bonsoir madame', 'slt'],
    thanks: ['Merci beaucoup', 'merci bien'],
    yes: ['oui', "d'accord", "c'est bon pour moi", 'ok merci'],
    no: ['non', 'non merci', "ça ne m'arrange pas"],
    earliest: ['le plus tôt possible', 'dès que possible'],
    privacy_access: ['Je veux une copie de mes données', 'je voudrais consulter mon dossier'],
    privacy_deletion: ['supprimez mes données svp', 'effacer mes informations personnelles'],
    privacy_correction: ['il y a une erreur dans mon dossier', 'je voudrais corriger mes coordonnées'],
    privacy_restriction: ["n'utilisez plus mes données", "je m'oppose à l'utilisation de mes données"],
    unknown: ['Le docteur fait-il des implants ?'],
  },
  mfe: {
    book: ['Mo anvi pran randevou', 'eski ena plas demin?', 'mo le pran enn rdv pou mo tifi'],
    reschedule: ['Mo bizin sanz mo randevou', 'deplas mo rdv silvouple', 'enn lot zour'],
    cancel: ['mo pa pou kapav vini', 'anil mo randevou', 'mo pa pou kav vinn zordi'],
    my_appointments: ['Ki ler mo randevou?', 'eski mo ena randevou sa semenn la?'],
    opening_hours: ['Ki ler zot ouver?', 'zot ouver samdi?'],
    address: ['Kot zot ete?', 'ki ladres klinik la?'],
    prices: ['Konbien sa koute?', 'ki pri enn detartraz'],
    human: ['mo le koz ar enn dimoun', 'apel mwa silvouple'],
    urgent: ['mo dan fer mal for, mo lazou anfle', 'mo dan kase', 'li pe senye'],
    stop: ['aret', 'pa anvoy mesaz', 'pa avoy mwa mesaz', 'mo pa anvi gagn mesaz'],
    start: ['komanse'],
    language: ['an kreol silvouple', 'koz kreol'],
    greeting: ['bonzour', 'alo'],
    thanks: ['mersi', 'mersi boukou'],
    yes: ['wi', 'korek', 'wi sa bon'],
    no: ['non', 'pa bizin'],
    earliest: ['premye plas', 'pli vit posib'],
    privacy_access: ['mo le enn kopi mo bann done', 'mo anvi gete mo dosie'],
    privacy_deletion: ['efas mo bann done', 'tir mo bann enformasion'],
    privacy_correction: ['koriz mo bann detay silvouple', 'enn fot dan mo dosie'],
    privacy_restriction: ['aret servi mo bann done', 'pa servi mo enformasion'],
    unknown: ['mo finn avoy foto la'],
  },
};

describe('readIntent', () => {
  for (const [language, byIntent] of Object.entries(EXAMPLES)) {
    describe(language, () => {
      for (const intent of INTENTS) {
        it(`reads ${intent}`, () => {
          for (const text of byIntent[intent]) expect([text, intentOf(text).intent]).toEqual([text, intent]);
        });
      }
    });
  }

  describe('STOP and START', () => {
    it('is STOP only when the message says nothing else', () => {
      for (const text of ['stop', 'STOP', 'Stop.', 'stop!!', 'arrêt', 'Arret', 'aret', 'unsubscribe', 'désabonner']) {
        expect([text, intentOf(text).intent]).toEqual([text, 'stop']);
      }
      for (const text of ['pa anvoy mesaz', 'Pa avoy mwa mesaz silvouple', 'stop sending me messages']) {
        expect([text, intentOf(text).intent]).toEqual([text, 'stop']);
      }
    });

    it('is not STOP inside a longer sentence', () => {
      expect(intentOf('can I stop by tomorrow?').intent).not.toBe('stop');
      expect(intentOf("the bleeding won't stop").intent).toBe('urgent');
      expect(intentOf('please stop the bleeding').intent).toBe('urgent');
      expect(intentOf("ça ne s'arrête pas de saigner").intent).toBe('urgent');
      expect(intentOf('I want to stop my treatment and talk to someone').intent).toBe('human');
    });

    it('is START only on its own', () => {
      expect(intentOf('start').intent).toBe('start');
      expect(intentOf('komanse').intent).toBe('start');
      expect(intentOf('when can I start my braces treatment').intent).not.toBe('start');
    });
  });

  describe('precedence', () => {
    it('puts urgent before everything', () => {
      expect(intentOf('I want to book an appointment, my face is swollen').intent).toBe('urgent');
      expect(intentOf('Je voudrais annuler, non en fait j’ai très mal').intent).toBe('urgent');
      expect(intentOf('mo dan kase, eski mo kapav pran randevou?').intent).toBe('urgent');
    });

    it('puts moving an appointment before booking one', () => {
      expect(intentOf('move my appointment').intent).toBe('reschedule');
      expect(intentOf('changer mon rendez-vous').intent).toBe('reschedule');
      expect(intentOf('sanz mo randevou').intent).toBe('reschedule');
    });

    it('reads cancelling one appointment while asking for another as moving it', () => {
      expect(intentOf('Je ne pourrai pas venir lundi, est-ce que je peux venir mercredi ?').intent).toBe('reschedule');
    });

    it('reads a greeting with a request as the request', () => {
      expect(intentOf('Bonjour, je voudrais un rendez-vous').intent).toBe('book');
      expect(intentOf('Hi! how much is a cleaning?').intent).toBe('prices');
      expect(intentOf('bonzour, kot zot ete?').intent).toBe('address');
    });

    it('reads "my appointment" questions apart from booking', () => {
      expect(intentOf('do I have an appointment this week?').intent).toBe('my_appointments');
      expect(intentOf("j'ai un rendez-vous demain, c'est à quelle heure ?").intent).toBe('my_appointments');
    });

    it('does not count pain that is denied', () => {
      expect(intentOf('no pain, just a check up appointment please').intent).toBe('book');
      expect(intentOf('pa fer mal, mo zis anvi pran randevou').intent).toBe('book');
    });
  });

  describe("requests about one's data", () => {
    it('keeps an appointment a cancellation: only the data named makes it a rights request', () => {
      expect(intentOf('delete my appointment').intent).toBe('cancel');
      expect(intentOf('supprimer mon rendez-vous').intent).toBe('cancel');
      expect(intentOf('remove my appointment please').intent).toBe('cancel');
      expect(intentOf('change my appointment').intent).toBe('reschedule');
      expect(intentOf('can I see the dentist tomorrow?').intent).toBe('book');
    });

    it('puts a request about the data before booking questions, and the weightier right first', () => {
      expect(intentOf('I want to change my details').intent).toBe('privacy_correction');
      expect(intentOf('I want to see and delete my data').intent).toBe('privacy_deletion');
      expect(intentOf('delete my data and cancel my appointment').intent).toBe('privacy_deletion');
      expect(intentOf('a lot of pain, delete my data').intent).toBe('urgent');
    });

    it('reads withdrawing WhatsApp consent as STOP, whole messages only', () => {
      for (const text of ['I withdraw my consent', 'je retire mon consentement', 'mo retir mo konsantman']) {
        expect([text, intentOf(text).intent]).toEqual([text, 'stop']);
      }
    });

    it("gives privacy's listener the right and the language (readRightsRequest), nothing for anything else", () => {
      expect(readRightsRequest('I want a copy of my data')).toEqual({ type: 'access', language: 'en' });
      expect(readRightsRequest('supprimez mes données svp')).toEqual({ type: 'deletion', language: 'fr' });
      expect(readRightsRequest('mo le enn kopi mo bann done')).toEqual({ type: 'access', language: 'mfe' });
      expect(readRightsRequest('My details are wrong, please correct them')).toMatchObject({ type: 'correction' });
      expect(readRightsRequest("Arrêtez d'utiliser mes données")).toMatchObject({ type: 'restriction' });
      expect(readRightsRequest('delete my appointment')).toBeNull();
      expect(readRightsRequest('I withdraw my consent')).toBeNull();
      expect(readRightsRequest('Can I move my appointment?')).toBeNull();
    });
  });

  describe('language requests', () => {
    it.each([
      ['English please', 'en'],
      ['in English pls', 'en'],
      ['en français svp', 'fr'],
      ['Vous pouvez écrire en anglais ?', 'en'],
      ['kreol', 'mfe'],
      ['an kreol silvouple', 'mfe'],
      ['can you write in French, not English', 'fr'],
    ] as const)('%s → %s', (text, switchTo) => {
      expect(intentOf(text)).toMatchObject({ intent: 'language', switchTo });
    });

    it('does not read a language named in passing as a request', () => {
      expect(intentOf('my son does not read English well, can I book for him?').intent).toBe('book');
    });
  });

  describe('confidence', () => {
    it('is highest for a whole-message reply, then a phrase, then a keyword; zero when unknown', () => {
      const whole = intentOf('ok').confidence;
      const phrase = intentOf('I would like to book an appointment').confidence;
      const keyword = intentOf('appointment').confidence;
      expect(whole).toBeGreaterThan(phrase);
      expect(phrase).toBeGreaterThan(keyword);
      expect(keyword).toBeGreaterThan(0);
      expect(intentOf('purple elephants').confidence).toBe(0);
    });
  });

  it('reads through typing habits: no accents, apostrophes of any kind, held letters, SMS spellings', () => {
    expect(intentOf('JE VOUDRAIS ANNULER').intent).toBe('cancel');
    expect(intentOf('je ne pourrai pas venir').intent).toBe('cancel');
    expect(intentOf('I can’t come').intent).toBe('cancel');
    expect(intentOf('I cant come').intent).toBe('cancel');
    expect(intentOf('mersiiiii').intent).toBe('thanks');
    expect(intentOf('noooon').intent).toBe('no');
    expect(intentOf('pls can i get an appt').intent).toBe('book');
  });
});
