import { describe, expect, it } from 'vitest';
import type { Facts, Input, State, Step } from './assistant.types.js';
import { step } from './conversation.js';
import {
  at,
  choice,
  choiceIds,
  expired,
  makeFacts,
  offeredTimes,
  PATIENTS,
  result,
  STARTED,
  shownText,
  singleFacts,
  TUESDAY_1030,
  TYPES,
  text,
  UPCOMING,
  unknownFacts,
} from './conversation.fixtures.js';

/**
 * Whole conversations at the step level: each patient message and each fabricated command result
 * is fed in turn, as the runtime does.
 */

class Chat {
  state: State;
  steps: Step[] = [];
  constructor(
    readonly facts: Facts,
    state: State = STARTED,
  ) {
    this.state = state;
  }
  send(input: Input): Step {
    const out = step(this.state, input, this.facts);
    this.steps.push(out);
    this.state = out.state;
    return out;
  }
  /** The last reply's body. */
  said(out: Step, index = 0): string {
    return out.replies[index]?.body ?? '';
  }
}

const NEXT_WEEK = { from: at('2026-12-07T00:00'), to: at('2026-12-14T00:00') };

describe('booking', () => {
  it('Aisha books a scale and polish for Inès in French, and Confirm pressed twice books once', () => {
    const chat = new Chat(makeFacts({ visitTypes: TYPES.fr }));
    const asked = chat.send(
      text('Bonjour, je voudrais un rendez-vous pour un détartrage la semaine prochaine', {
        language: 'fr',
        intent: 'book',
        visitKind: 'cleaning',
        when: NEXT_WEEK,
      }),
    );
    expect(chat.said(asked)).toBe('Pour qui est le rendez-vous ?');
    expect(shownText(asked)).toBe("Pour qui est le rendez-vous ?\nChoisir\nAisha \nInès \nNoah \nQuelqu'un d'autre ");

    const search = chat.send(choice('who:p-ines'));
    expect(search.commands).toEqual([
      { kind: 'find_times', patientId: 'p-ines', typeId: 't-scale', from: NEXT_WEEK.from, to: NEXT_WEEK.to },
    ]);

    const list = chat.send(result({ kind: 'times', times: [...offeredTimes(3), TUESDAY_1030] }));
    expect(list.replies[0]).toMatchObject({ type: 'list', buttonLabel: 'Voir les horaires' });
    expect(shownText(list)).toContain('mar. 8 déc. 10:30 Dr Li');

    expect(chat.send(choice('h:h-tue-1030', TUESDAY_1030)).commands).toEqual([
      { kind: 'hold', handle: 'h-tue-1030', patientId: 'p-ines', typeId: 't-scale' },
    ]);
    const sayBack = chat.send(result({ kind: 'held', holdId: 'hold-1', time: TUESDAY_1030 }));
    expect(sayBack.replies[0]).toEqual({
      type: 'buttons',
      body: 'Mardi 8 décembre à 10 h 30 avec le Dr Li, détartrage, pour Inès. Je confirme ?',
      buttons: [
        { id: 'confirm', title: 'Confirmer' },
        { id: 'change', title: 'Changer' },
      ],
    });

    expect(chat.send(choice('confirm')).commands).toEqual([
      { kind: 'book', holdId: 'hold-1', patientId: 'p-ines', handle: 'h-tue-1030' },
    ]);
    const booked = chat.send(result({ kind: 'booked', appointmentId: 'a-new', time: TUESDAY_1030 }));
    expect(chat.said(booked)).toBe(
      'Votre rendez-vous est réservé : mardi 8 décembre à 10 h 30 avec le Dr Li, détartrage, pour Inès.\nAdresse : 12 Royal Road, Rose Hill\nPour annuler, répondez « annuler ».',
    );

    const twice = chat.send(choice('confirm'));
    expect(twice.commands).toEqual([]);
    expect(chat.said(twice)).toBe(
      'Ce rendez-vous est déjà réservé : mardi 8 décembre à 10 h 30 avec le Dr Li, détartrage, pour Inès.',
    );
    expect(chat.send(text('oui', { intent: 'yes', language: 'fr' })).commands).toEqual([]);
  });

  it('a Creole booking for Thursday morning, picking a time by typing its number', () => {
    const chat = new Chat(singleFacts({ preferredLanguage: 'mfe' }));
    const thursdayMorning = { from: at('2026-12-10T08:00'), to: at('2026-12-10T12:00') };
    const askType = chat.send(
      text('Mo anvi pran randevou zedi gramatin', { language: 'mfe', intent: 'book', when: thursdayMorning }),
    );
    expect(chat.said(askType)).toBe('Ki kalite vizit?');
    const search = chat.send(text('detartraz', { language: 'mfe', visitKind: 'cleaning' }));
    expect(search.commands).toEqual([
      {
        kind: 'find_times',
        patientId: 'p-aisha',
        typeId: 't-scale',
        from: thursdayMorning.from,
        to: thursdayMorning.to,
      },
    ]);
    const times = offeredTimes(3, '2026-12-10T08:00');
    const list = chat.send(result({ kind: 'times', times }));
    expect(list.replies[0]).toMatchObject({ buttonLabel: 'Get ler' });
    expect(chat.said(list)).toMatch(/^Ala bann ler ki lib Zedi 10 Desam\./);
    expect(shownText(list)).toContain('zed 10 des 08:30 Priya Ramsamy');

    expect(chat.send(text('2', { language: 'mfe' })).commands).toEqual([
      { kind: 'hold', handle: 'h2', patientId: 'p-aisha', typeId: 't-scale' },
    ]);
    const sayBack = chat.send(result({ kind: 'held', holdId: 'hold-2', time: times[1]! }));
    expect(chat.said(sayBack)).toBe('Zedi 10 Desam a 8h30 ar Priya Ramsamy, scale & polish, pou Aisha. Mo konfirme?');
    expect(chat.send(text('wi', { intent: 'yes', language: 'mfe' })).commands[0]).toMatchObject({ kind: 'book' });
    const booked = chat.send(result({ kind: 'booked', appointmentId: 'a-new', time: times[1]! }));
    expect(chat.said(booked)).toBe(
      'Ou randevou finn reserve: Zedi 10 Desam a 8h30 ar Priya Ramsamy, scale & polish, pou Aisha.\nAdres: 12 Royal Road, Rose Hill\nPou anil, reponn "anile".',
    );
  });

  it('when the time is taken between the tap and Confirm, alternatives are offered and the second try books', () => {
    const chat = new Chat(singleFacts());
    chat.send(text('book a check-up next week', { intent: 'book', when: NEXT_WEEK }));
    chat.send(result({ kind: 'times', times: [TUESDAY_1030] }));
    chat.send(choice('h:h-tue-1030', TUESDAY_1030));
    chat.send(result({ kind: 'held', holdId: 'hold-1', time: TUESDAY_1030 }));
    chat.send(choice('confirm'));
    const gone = chat.send(result({ kind: 'time_gone', reason: 'taken' }));
    expect(gone.commands.map((c) => c.kind)).toEqual(['release_hold', 'find_times']);
    const others = offeredTimes(2, '2026-12-09T09:00', 'n');
    const list = chat.send(result({ kind: 'times', times: others }));
    expect(chat.said(list)).toMatch(/^Sorry, that time has just been taken\./);
    chat.send(choice('h:n1', others[0]));
    chat.send(result({ kind: 'held', holdId: 'hold-2', time: others[0]! }));
    expect(chat.send(choice('confirm')).commands).toEqual([
      { kind: 'book', holdId: 'hold-2', patientId: 'p-aisha', handle: 'n1' },
    ]);
  });

  it('an unknown number registers, then books; the consent recorded is the wording shown', () => {
    const chat = new Chat(unknownFacts());
    const askName = chat.send(text('I want to book a check-up', { intent: 'book' }));
    expect(chat.said(askName)).toBe(
      "I don't have this number in our records yet, so I need a few details first.\n\nWhat is the full name (first name and surname) of the person the appointment is for?",
    );
    chat.send(text('Marie Dupont'));
    const consent = chat.send(text('1985-03-12'));
    const register = chat.send(choice('consent_yes'));
    expect(register.commands).toEqual([
      {
        kind: 'register_patient',
        fullName: 'Marie Dupont',
        birthDate: '1985-03-12',
        consentWording: chat.said(consent),
        language: 'en',
      },
    ]);
    const askWhen = chat.send(result({ kind: 'registered', patientId: 'p-marie', givenName: 'Marie' }));
    expect(askWhen.state).toMatchObject({ name: 'choosing_when', draft: { patientId: 'p-marie', typeId: 't-check' } });
    expect(askWhen.state.registration).toBeUndefined();
    const search = chat.send(choice('earliest'));
    expect(search.commands[0]).toMatchObject({ kind: 'find_times', patientId: 'p-marie', typeId: 't-check' });
    chat.send(result({ kind: 'times', times: [TUESDAY_1030] }));
    chat.send(choice('h:h-tue-1030', TUESDAY_1030));
    const sayBack = chat.send(result({ kind: 'held', holdId: 'hold-1', time: TUESDAY_1030 }));
    expect(chat.said(sayBack)).toBe('Tuesday 8 December at 10:30 with Dr Li, check-up, for Marie. Shall I confirm?');
  });

  it('someone else on a shared number goes through registration too', () => {
    const chat = new Chat(makeFacts());
    chat.send(text('book', { intent: 'book' }));
    expect(chat.send(choice('who:other')).state.name).toBe('asking_name');
  });

  it('a likely duplicate goes to a person', () => {
    const chat = new Chat(unknownFacts());
    chat.send(text('book', { intent: 'book' }));
    chat.send(text('Aisha Ramdin'));
    chat.send(text('01/02/1990'));
    chat.send(choice('consent_yes'));
    const out = chat.send(result({ kind: 'possible_duplicate' }));
    expect(out.state.name).toBe('idle');
    expect(out.commands).toEqual([{ kind: 'hand_over', reason: 'possible_duplicate' }]);
    expect(chat.said(out)).toBe('Thank you. A member of the team will check your details and finish the booking here.');
  });

  it('refusing consent ends politely with the practice phone, and nothing is registered', () => {
    const chat = new Chat(unknownFacts({ preferredLanguage: 'fr' }));
    chat.send(text('rdv', { intent: 'book', language: 'fr' }));
    chat.send(text('Jean Morel'));
    chat.send(text('3 juillet 1970'));
    const out = chat.send(choice('consent_no'));
    expect(out.commands).toEqual([]);
    expect(chat.said(out)).toBe(
      'Je comprends. Sans votre accord, nous ne pouvons pas prendre de rendez-vous sur WhatsApp. Vous pouvez nous appeler au +230 464 1234.',
    );
  });
});

describe('old lists, expiry and interruptions', () => {
  function showingTimes(chat: Chat) {
    chat.send(text('book next week', { intent: 'book', when: NEXT_WEEK }));
    chat.send(choice('who:p-noah'));
    chat.send(choice('type:t-check'));
    return chat.send(result({ kind: 'times', times: [...offeredTimes(3), TUESDAY_1030] }));
  }

  it('a tap on a list from before the expiry re-checks that time and books it', () => {
    const chat = new Chat(makeFacts());
    showingTimes(chat);
    const restart = chat.send(expired);
    expect(chat.said(restart)).toMatch(/^We hadn't heard from you for a while/);
    expect(chat.state.name).toBe('idle');

    // Three days later the patient taps a row of that list; the runtime still resolves its handle.
    const hold = chat.send(choice('h:h-tue-1030', TUESDAY_1030));
    expect(hold.commands).toEqual([{ kind: 'hold', handle: 'h-tue-1030', patientId: 'p-noah', typeId: 't-check' }]);
    const sayBack = chat.send(result({ kind: 'held', holdId: 'hold-9', time: TUESDAY_1030 }));
    expect(chat.said(sayBack)).toBe('Tuesday 8 December at 10:30 with Dr Li, check-up, for Noah. Shall I confirm?');
    expect(chat.send(choice('confirm')).commands[0]).toMatchObject({ kind: 'book', patientId: 'p-noah' });
  });

  it('a tap on an old row whose time is gone looks for new times over the same days', () => {
    const chat = new Chat(makeFacts());
    showingTimes(chat);
    chat.send(expired);
    const out = chat.send(choice('h:h2'));
    expect(out.commands).toEqual([
      { kind: 'find_times', patientId: 'p-noah', typeId: 't-check', from: NEXT_WEEK.from, to: NEXT_WEEK.to },
    ]);
    expect(chat.said(chat.send(result({ kind: 'times', times: offeredTimes(2, '2026-12-10T09:00', 'n') })))).toMatch(
      /^That time is no longer available\./,
    );
  });

  it('a tap on a list the conversation no longer knows starts the booking again', () => {
    const chat = new Chat(makeFacts());
    const out = chat.send(choice('h:from-long-ago', TUESDAY_1030));
    expect(out.commands).toEqual([]);
    expect(out.state.name).toBe('choosing_patient');
    expect(chat.said(out)).toMatch(/^That list is out of date, so I'll look again\./);
  });

  it('a tap on the list of an earlier search in the same flow still holds', () => {
    const chat = new Chat(makeFacts());
    showingTimes(chat);
    chat.send(choice('more'));
    chat.send(choice('week:this'));
    chat.send(result({ kind: 'times', times: offeredTimes(2, '2026-12-04T09:00', 'n') }));
    const out = chat.send(choice('h:h1', offeredTimes(1)[0]));
    expect(out.commands).toEqual([{ kind: 'hold', handle: 'h1', patientId: 'p-noah', typeId: 't-check' }]);
  });

  it('urgent in the middle of a booking releases the held time and hands over at once', () => {
    const chat = new Chat(makeFacts());
    showingTimes(chat);
    chat.send(choice('h:h-tue-1030', TUESDAY_1030));
    chat.send(result({ kind: 'held', holdId: 'hold-1', time: TUESDAY_1030 }));
    const out = chat.send(text('I have a terrible toothache and my face is swollen', { intent: 'urgent' }));
    expect(out.commands).toEqual([
      { kind: 'release_hold', holdId: 'hold-1' },
      { kind: 'hand_over', reason: 'urgent' },
    ]);
    expect(out.state.name).toBe('idle');
  });

  it('"laisse tomber" leaves the flow; a new request starts its own', () => {
    const chat = new Chat(makeFacts());
    showingTimes(chat);
    expect(chat.send(text('laisse tomber')).state.name).toBe('idle');
    showingTimes(chat);
    const cancel = chat.send(text('I need to cancel my appointment', { intent: 'cancel' }));
    expect(cancel.state).toMatchObject({ name: 'choosing_appointment', draft: { goal: 'cancel' } });
  });

  it('the same request again mid-flow takes what it adds', () => {
    const chat = new Chat(makeFacts());
    showingTimes(chat);
    const friday = { from: at('2026-12-11T00:00'), to: at('2026-12-12T00:00') };
    const out = chat.send(text('book for friday instead', { intent: 'book', when: friday }));
    expect(out.commands).toEqual([
      { kind: 'find_times', patientId: 'p-noah', typeId: 't-check', from: friday.from, to: friday.to },
    ]);
  });
});

describe('moving', () => {
  it('moves the only appointment to a new time', () => {
    const chat = new Chat(makeFacts({ patients: [PATIENTS.ines], upcoming: [UPCOMING.ines] }));
    const askWhen = chat.send(text('I need to move my appointment', { intent: 'reschedule' }));
    expect(chat.said(askWhen)).toMatch(/^Your appointment: Friday 11 December at 14:00 with Dr Li, for Inès\./);
    const search = chat.send(text('next week', { when: NEXT_WEEK }));
    expect(search.commands).toEqual([
      {
        kind: 'find_times',
        patientId: 'p-ines',
        typeId: 't-check',
        from: NEXT_WEEK.from,
        to: NEXT_WEEK.to,
        appointmentId: 'a-ines',
      },
    ]);
    chat.send(result({ kind: 'times', times: [TUESDAY_1030] }));
    expect(chat.send(choice('h:h-tue-1030', TUESDAY_1030)).commands).toEqual([
      { kind: 'move', appointmentId: 'a-ines', handle: 'h-tue-1030' },
    ]);
    const gone = chat.send(result({ kind: 'time_gone', reason: 'taken' }));
    expect(gone.commands[0]).toMatchObject({ kind: 'find_times', appointmentId: 'a-ines' });
    const others = offeredTimes(2, '2026-12-09T09:00', 'n');
    chat.send(result({ kind: 'times', times: others }));
    chat.send(text('09:30'));
    const moved = chat.send(result({ kind: 'moved', appointmentId: 'a-ines', time: others[1]! }));
    expect(chat.said(moved)).toBe(
      'Done. Your new appointment: Wednesday 9 December at 09:30 with Priya Ramsamy, for Inès.\nAddress: 12 Royal Road, Rose Hill',
    );
    // A second tap on the same row says what was done and moves nothing.
    const again = chat.send(choice('h:n2', others[1]));
    expect(again.commands).toEqual([]);
  });

  it('chooses among several, and a move "to Friday" keeps Friday for the new time', () => {
    const chat = new Chat(makeFacts());
    const friday = { from: at('2026-12-18T00:00'), to: at('2026-12-19T00:00') };
    const list = chat.send(text('move my appointment to friday', { intent: 'reschedule', when: friday }));
    expect(choiceIds(list)).toEqual(['appt:a-ines', 'appt:a-noah']);
    expect(chat.send(choice('appt:a-noah')).state.name).toBe('choosing_when');
  });

  it('a move inside the late-cancellation window goes to a person', () => {
    const chat = new Chat(makeFacts({ patients: [PATIENTS.aisha], upcoming: [UPCOMING.aishaTomorrow] }));
    const out = chat.send(text('deplas mo randevou', { intent: 'reschedule', language: 'mfe' }));
    expect(out.commands).toEqual([{ kind: 'hand_over', reason: 'late_cancellation' }]);
    expect(chat.said(out)).toBe(
      'Ou randevou dan mwins ki 24 erdtan, mo pa kapav sanz li isi. Enn dimoun dan lekip pou reponn ou isi.',
    );
  });
});

describe('cancelling', () => {
  it('cancels one of several, then offers to book again', () => {
    const chat = new Chat(makeFacts());
    chat.send(text('cancel', { intent: 'cancel' }));
    const ask = chat.send(choice('appt:a-noah'));
    expect(chat.said(ask)).toBe('Cancel this appointment: Monday 14 December at 09:00 with Priya Ramsamy, for Noah?');
    expect(chat.send(choice('cancel_yes')).commands).toEqual([
      { kind: 'cancel', appointmentId: 'a-noah', reason: 'Cancelled by the patient on WhatsApp' },
    ]);
    const done = chat.send(result({ kind: 'cancelled', appointmentId: 'a-noah' }));
    expect(choiceIds(done)).toEqual(['menu:book', 'menu:thanks']);
    expect(chat.send(choice('cancel_yes')).commands).toEqual([]);
    expect(chat.send(choice('menu:book')).state.name).toBe('choosing_patient');
  });

  it('"annuler" in French picks the appointment of the day named', () => {
    const chat = new Chat(makeFacts({ preferredLanguage: 'fr' }));
    const monday = { from: at('2026-12-14T00:00'), to: at('2026-12-15T00:00') };
    const out = chat.send(text('annuler le rdv de lundi', { intent: 'cancel', language: 'fr', when: monday }));
    expect(chat.said(out)).toBe('Annuler ce rendez-vous : lundi 14 décembre à 9 h avec Priya Ramsamy, pour Noah ?');
  });

  it('the calendar refusing as too late hands over', () => {
    const chat = new Chat(makeFacts({ patients: [PATIENTS.ines], upcoming: [UPCOMING.ines] }));
    chat.send(text('cancel', { intent: 'cancel' }));
    chat.send(choice('cancel_yes'));
    const out = chat.send(result({ kind: 'too_late', appointmentId: 'a-ines' }));
    expect(out.commands).toEqual([{ kind: 'hand_over', reason: 'late_cancellation' }]);
  });

  it('with nothing upcoming it says so and offers to book', () => {
    const chat = new Chat(singleFacts());
    const out = chat.send(text('cancel', { intent: 'cancel' }));
    expect(chat.said(out)).toBe('You have no upcoming appointment with us.');
    expect(choiceIds(out)).toEqual(['menu:book', 'menu:thanks']);
  });
});

describe('answers', () => {
  it('lists my appointments by first name, never another number’s', () => {
    const chat = new Chat(makeFacts());
    const out = chat.send(text('my appointments', { intent: 'my_appointments' }));
    expect(chat.said(out)).toBe(
      'Your upcoming appointments:\n• Fri 11 Dec 14:00 – Inès, Dr Li\n• Mon 14 Dec 09:00 – Noah, Priya Ramsamy',
    );
    expect(shownText(out)).not.toMatch(/Wed 9 Dec/);
  });

  it('gives Saturday’s hours to "Ki ler zot ouver samdi?" and says a closed day is closed', () => {
    const chat = new Chat(makeFacts());
    const saturday = { from: at('2026-12-05T00:00'), to: at('2026-12-06T00:00') };
    const out = chat.send(
      text('Ki ler zot ouver samdi?', { intent: 'opening_hours', language: 'mfe', when: saturday }),
    );
    expect(chat.said(out)).toBe('Samdi nou ouver 8h–12h.');
    expect(chat.said(chat.send(text('are you open on sunday?', { intent: 'opening_hours' })))).toBe(
      'On Sunday we are closed.',
    );
  });

  it('gives the week grouped, or the practice’s own text', () => {
    const english = new Chat(makeFacts());
    expect(english.said(english.send(text('opening hours', { intent: 'opening_hours' })))).toBe(
      'Our opening hours:\nMonday–Friday: 08:00–17:00\nSaturday: 08:00–12:00\nSunday: closed',
    );
    const french = new Chat(makeFacts({ preferredLanguage: 'fr' }));
    expect(french.said(french.send(text('horaires', { intent: 'opening_hours', language: 'fr' })))).toBe(
      "Nos horaires d'ouverture :\nLundi–vendredi : 8 h–17 h\nSamedi : 8 h–12 h\nDimanche : fermé",
    );
    const own = makeFacts();
    own.practice = { ...own.practice, openingHoursText: 'Mon–Fri 8–5, Sat 8–12. Closed on public holidays.' };
    const custom = new Chat(own);
    expect(custom.said(custom.send(text('hours', { intent: 'opening_hours' })))).toBe(
      'Mon–Fri 8–5, Sat 8–12. Closed on public holidays.',
    );
  });

  it('gives the address with the phone, and prices in rupees', () => {
    const chat = new Chat(makeFacts({ preferredLanguage: 'fr' }));
    expect(chat.said(chat.send(text('adresse', { intent: 'address', language: 'fr' })))).toBe(
      'Notre adresse : 12 Royal Road, Rose Hill\nTéléphone : +230 464 1234',
    );
    expect(chat.said(chat.send(text('tarifs', { intent: 'prices', language: 'fr' })))).toBe(
      'Nos tarifs :\n• Check-up : 1 500 Rs\n• Scale & polish : 2 000,50 Rs',
    );
    const none = makeFacts();
    none.practice = { ...none.practice, prices: [] };
    const ask = new Chat(none);
    expect(ask.said(ask.send(text('how much', { intent: 'prices' })))).toBe(
      'For prices, please call us on +230 464 1234.',
    );
  });

  it('says thanks briefly and hands over when asked for a person', () => {
    const chat = new Chat(makeFacts());
    expect(chat.said(chat.send(text('thanks', { intent: 'thanks' })))).toBe("You're welcome!");
    const out = chat.send(text('talk to someone', { intent: 'human' }));
    expect(out.commands).toEqual([{ kind: 'hand_over', reason: 'asked' }]);
    expect(chat.said(out)).toBe('A member of the team will reply here as soon as possible.');
  });
});
