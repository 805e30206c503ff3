import { describe, expect, it } from 'vitest';
import {
  type BookingDraft,
  type Command,
  INITIAL_STATE,
  type Reply,
  type State,
  type StateName,
  type Step,
} from './assistant.types.js';
import { step } from './conversation.js';
import {
  at,
  choice,
  choiceIds,
  expired,
  makeFacts,
  media,
  NOW,
  offeredTimes,
  result,
  STARTED,
  shownText,
  singleFacts,
  TUESDAY_1030,
  text,
  UPCOMING,
  unknownFacts,
} from './conversation.fixtures.js';

/**
 * Each state's transitions, input kind by input kind. The flows end to end are in
 * conversation.flows.test.ts; the size limits over generated conversations in conversation.limits.test.ts.
 */

const facts = makeFacts();
const NEXT_WEEK = { from: at('2026-12-07T00:00'), to: at('2026-12-14T00:00') };
const OFFERED = [...offeredTimes(4), TUESDAY_1030];

const forInes: BookingDraft = { goal: 'book', patientId: 'p-ines', givenName: 'Inès' };
const withType: BookingDraft = { ...forInes, typeId: 't-scale', typeName: 'Scale & polish' };
const withWhen: BookingDraft = { ...withType, when: NEXT_WEEK };
const showing: BookingDraft = { ...withWhen, offered: OFFERED };
const holding: BookingDraft = { ...showing, hold: { holdId: 'hold-1', time: TUESDAY_1030 } };

function inState(name: StateName, draft: BookingDraft | null, change: Partial<State> = {}): State {
  return { ...STARTED, name, draft, ...change };
}

function body(out: Step, index = 0): string {
  const reply = out.replies[index];
  if (!reply) throw new Error(`no reply ${index}`);
  return reply.body;
}

function only<K extends Command['kind']>(out: Step, kind: K): Extract<Command, { kind: K }> {
  const found = out.commands.filter((command) => command.kind === kind);
  expect(found).toHaveLength(1);
  return found[0] as Extract<Command, { kind: K }>;
}

const kinds = (out: Step) => out.commands.map((command) => command.kind);
const replyTypes = (out: Step) => out.replies.map((reply: Reply) => reply.type);

describe('idle', () => {
  it('greets a new patient as the practice’s automated assistant, with the menu; once', () => {
    const first = step(INITIAL_STATE, text('hello', { intent: 'greeting' }), facts);
    expect(first.state).toMatchObject({ name: 'idle', introduced: true });
    expect(body(first)).toMatch(/^Hello! I'm the automated assistant of Sourire Dental Clinic\./);
    expect(choiceIds(first)).toEqual([
      'menu:book',
      'menu:reschedule',
      'menu:cancel',
      'menu:my_appointments',
      'menu:opening_hours',
      'menu:address',
      'menu:human',
    ]);
    const again = step(first.state, text('hi', { intent: 'greeting' }), facts);
    expect(body(again)).toBe('Hello again! What would you like to do?');
  });

  it('introduces itself above its first reply, whatever the request', () => {
    const out = step(INITIAL_STATE, text('where are you', { intent: 'address' }), facts);
    expect(body(out)).toMatch(
      /^Hello! I'm the automated assistant of Sourire Dental Clinic\.\nOur address: 12 Royal Road/,
    );
    expect(out.state.introduced).toBe(true);
  });

  it('starts booking: who it is for, first names only', () => {
    const out = step(STARTED, text('I want an appointment', { intent: 'book' }), facts);
    expect(out.state.name).toBe('choosing_patient');
    expect(out.replies[0]).toMatchObject({ type: 'list', body: 'Who is the appointment for?' });
    expect(choiceIds(out)).toEqual(['who:p-aisha', 'who:p-ines', 'who:p-noah', 'who:other']);
  });

  it('answers a question and stays idle', () => {
    const out = step(STARTED, text('prices?', { intent: 'prices' }), facts);
    expect(out.state.name).toBe('idle');
    expect(body(out)).toBe('Our prices:\n• Check-up: Rs 1,500\n• Scale & polish: Rs 2,000.50');
  });

  it('shows the menu when not understood, and offers a person after two misses in a row', () => {
    const first = step(STARTED, text('blorp'), facts);
    expect(first.state.misses).toBe(1);
    expect(first.replies[0]).toMatchObject({
      type: 'list',
      body: "Sorry, I didn't understand. Here is what I can do:",
    });
    const second = step(first.state, text('blorp blorp'), facts);
    expect(second.state.misses).toBe(2);
    expect(second.replies[0]).toMatchObject({ type: 'buttons' });
    expect(choiceIds(second)).toEqual(['menu:human', 'menu:greeting']);
    const handed = step(second.state, choice('menu:human'), facts);
    expect(handed.commands).toEqual([{ kind: 'hand_over', reason: 'not_understood' }]);
    expect(body(handed)).toBe('A member of the team will reply here as soon as possible.');
  });

  it('counts an understood message as a fresh start for misses', () => {
    const missed = step(STARTED, text('blorp'), facts);
    const understood = step(missed.state, text('opening hours', { intent: 'opening_hours' }), facts);
    expect(understood.state.misses).toBe(0);
  });

  it('reads a menu row as its request', () => {
    expect(step(STARTED, choice('menu:book'), facts).state.name).toBe('choosing_patient');
    expect(step(STARTED, choice('menu:cancel'), facts).state.name).toBe('choosing_appointment');
    expect(body(step(STARTED, choice('menu:address'), facts))).toMatch(/^Our address/);
    expect(step(STARTED, choice('menu:human'), facts).commands).toEqual([{ kind: 'hand_over', reason: 'asked' }]);
  });

  it('answers a picture or voice note with the menu', () => {
    const out = step(STARTED, media, facts);
    expect(out.state).toMatchObject({ name: 'idle', misses: 1 });
    expect(body(out)).toMatch(/can't open pictures or voice messages/);
  });

  it('ignores a result or an expiry that finds nothing going on', () => {
    for (const input of [result({ kind: 'times', times: OFFERED }), expired]) {
      const out = step(STARTED, input, facts);
      expect(out).toEqual({ state: STARTED, replies: [], commands: [] });
    }
  });

  it('answers an old button that means nothing now without acting', () => {
    const confirm = step(STARTED, choice('confirm'), facts);
    expect(body(confirm)).toBe('There is nothing waiting to be confirmed.');
    expect(confirm.commands).toEqual([]);
    const who = step(STARTED, choice('who:p-ines'), facts);
    expect(body(who)).toMatch(/^That button belongs to an earlier message\./);
    expect(who.commands).toEqual([]);
  });

  it('takes a "no" or "never mind" with nothing going on calmly, and a "yes" after a cancellation as booking again', () => {
    for (const input of [text('no', { intent: 'no' }), text('never mind')]) {
      const out = step(STARTED, input, facts);
      expect(body(out)).toBe('OK. Write to me any time you need something.');
      expect(out.state.misses).toBe(0);
    }
    const afterCancel = {
      ...STARTED,
      recent: { goal: 'cancel' as const, done: { kind: 'cancelled' as const, appointmentId: 'a-ines' } },
    };
    expect(step(afterCancel, text('yes', { intent: 'yes' }), facts).state.name).toBe('choosing_patient');
    expect(body(step(afterCancel, choice('cancel_yes'), facts))).toBe('That appointment is already cancelled.');
  });

  it('never echoes a very long text back', () => {
    const long = 'I would like to say '.repeat(200);
    expect(long.length).toBe(4000);
    const out = step(STARTED, text(long), facts);
    expect(shownText(out)).not.toContain('I would like to say');
    expect(out.state.name).toBe('idle');
  });

  it('treats "the earliest" alone as a booking for the earliest time', () => {
    const out = step(STARTED, text('earliest possible', { intent: 'earliest' }), singleFacts());
    expect(out.state.name).toBe('choosing_type');
    expect(out.state.draft?.when).toEqual({ from: NOW, to: at('2027-01-02T09:00') });
  });
});

describe('choosing_patient', () => {
  const state = inState('choosing_patient', { goal: 'book' });

  it('takes a tapped first name and asks the visit type', () => {
    const out = step(state, choice('who:p-ines'), facts);
    expect(out.state.name).toBe('choosing_type');
    expect(out.state.draft).toMatchObject({ patientId: 'p-ines', givenName: 'Inès' });
    expect(choiceIds(out)).toEqual(['type:t-check', 'type:t-scale']);
  });

  it('reads a typed first name (any accents) or a row number', () => {
    expect(step(state, text('for ines please'), facts).state.draft?.patientId).toBe('p-ines');
    expect(step(state, text('3'), facts).state.draft?.patientId).toBe('p-noah');
    expect(step(state, text('4'), facts).state.name).toBe('asking_name');
    expect(step(state, text("quelqu'un d'autre"), facts).state.name).toBe('asking_name');
  });

  it('registers someone else', () => {
    const out = step(state, choice('who:other'), facts);
    expect(out.state).toMatchObject({ name: 'asking_name', registration: {} });
    expect(body(out)).toMatch(/full name/);
  });

  it('does not take a patient of another number', () => {
    const out = step(state, choice('who:p-stranger'), facts);
    expect(out.state.name).toBe('choosing_patient');
    expect(body(out)).toMatch(/^That button belongs to an earlier message/);
  });

  it('asks again after a miss or a picture', () => {
    const missed = step(state, text('hmm'), facts);
    expect(missed.state).toMatchObject({ name: 'choosing_patient', misses: 1 });
    expect(body(missed)).toBe("Sorry, I didn't understand that.\nWho is the appointment for?");
    const picture = step(state, media, facts);
    expect(body(picture)).toBe('Please tap one of the options.\nWho is the appointment for?');
  });

  it('restarts politely when it expires', () => {
    const out = step(state, expired, facts);
    expect(out.state).toMatchObject({ name: 'idle', draft: null });
    expect(body(out)).toMatch(/^We hadn't heard from you for a while, so I've stopped there\./);
    expect(out.commands).toEqual([]);
  });

  it('ignores a stray result', () => {
    expect(step(state, result({ kind: 'cancelled', appointmentId: 'x' }), facts)).toMatchObject({
      state,
      replies: [],
      commands: [],
    });
  });
});

describe('asking_name', () => {
  const state = inState('asking_name', { goal: 'book' }, { registration: {} });

  it('takes a full name and asks the date of birth by first name', () => {
    const out = step(state, text('Marie-Claire  Dupont'), unknownFacts());
    expect(out.state).toMatchObject({ name: 'asking_birth_date', registration: { fullName: 'Marie-Claire Dupont' } });
    expect(body(out)).toBe("Thank you. What is Marie-Claire's date of birth? (for example 12/03/1985)");
  });

  it('asks for the surname too, and refuses what is not a name', () => {
    const one = step(state, text('Marie'), unknownFacts());
    expect(one.state.name).toBe('asking_name');
    expect(body(one)).toBe('Please type the first name and the surname.');
    const digits = step(state, text('Marie 1985'), unknownFacts());
    expect(body(digits)).toBe('Please type just the name, in letters.');
    const long = step(state, text(`Marie ${'x'.repeat(100)}`), unknownFacts());
    expect(long.state.name).toBe('asking_name');
  });

  it('answers a clear question instead of taking it as a name, and keeps asking', () => {
    const out = step(state, text('what are your opening hours', { intent: 'opening_hours' }), unknownFacts());
    expect(out.state.name).toBe('asking_name');
    expect(body(out)).toMatch(/^Our opening hours:/);
  });

  it('asks for text when it gets a picture', () => {
    const out = step(state, media, unknownFacts());
    expect(body(out)).toMatch(/^I can only read text here\. Please type your answer\.\nWhat is the full name/);
  });
});

describe('asking_birth_date', () => {
  const state = inState('asking_birth_date', { goal: 'book' }, { registration: { fullName: 'Marie Dupont' } });

  it('takes a date of birth and asks for consent', () => {
    const out = step(state, text('12 mars 1985'), unknownFacts());
    expect(out.state).toMatchObject({ name: 'asking_consent', registration: { birthDate: '1985-03-12' } });
    expect(out.replies[0]).toMatchObject({
      type: 'buttons',
      buttons: [
        { id: 'consent_yes', title: 'Yes, I agree' },
        { id: 'consent_no', title: 'No' },
      ],
    });
  });

  it('says what is wrong with a date and asks again', () => {
    expect(body(step(state, text('12/03/2030'), unknownFacts()))).toMatch(/^That date is in the future/);
    expect(body(step(state, text('12/03/1850'), unknownFacts()))).toMatch(/^That date is too far back/);
    const unreadable = step(state, text('long ago'), unknownFacts());
    expect(unreadable.state.name).toBe('asking_birth_date');
    expect(body(unreadable)).toMatch(/^I couldn't read that date/);
  });
});

describe('asking_consent', () => {
  const state = inState(
    'asking_consent',
    { goal: 'book' },
    { registration: { fullName: 'Marie Dupont', birthDate: '1985-03-12' } },
  );

  it('registers with the very wording shown', () => {
    const asked = inState('asking_birth_date', { goal: 'book' }, { registration: { fullName: 'Marie Dupont' } });
    const shown = step(asked, text('12/03/1985'), unknownFacts());
    for (const yes of [choice('consent_yes'), text('yes', { intent: 'yes' })]) {
      const out = step(state, yes, unknownFacts());
      expect(out.state).toMatchObject({ name: 'working', draft: { awaiting: 'register_patient' } });
      expect(out.commands).toEqual([
        {
          kind: 'register_patient',
          fullName: 'Marie Dupont',
          birthDate: '1985-03-12',
          consentWording: body(shown),
          language: 'en',
        },
      ]);
    }
  });

  it('explains that no consent means no booking here, with the phone', () => {
    for (const no of [choice('consent_no'), text('no', { intent: 'no' })]) {
      const out = step(state, no, unknownFacts());
      expect(out.state).toMatchObject({ name: 'idle', draft: null });
      expect(out.state.registration).toBeUndefined();
      expect(out.commands).toEqual([]);
      expect(body(out)).toBe(
        "I understand. Without your agreement we can't book on WhatsApp. You can call us on +230 464 1234.",
      );
    }
  });

  it('asks to tap on a picture', () => {
    expect(body(step(state, media, unknownFacts()))).toMatch(/^Please tap one of the options\.\nMay Sourire/);
  });
});

describe('choosing_type', () => {
  const state = inState('choosing_type', forInes);

  it('takes a tapped type, then asks when', () => {
    const out = step(state, choice('type:t-scale'), facts);
    expect(out.state).toMatchObject({
      name: 'choosing_when',
      draft: { typeId: 't-scale', typeName: 'Scale & polish' },
    });
    expect(choiceIds(out)).toEqual(['earliest', 'week:this', 'week:next']);
  });

  it('reads a typed type, a kind of visit or a number; with a day it looks for times at once', () => {
    expect(step(state, text('check up'), facts).state.draft?.typeId).toBe('t-check');
    expect(step(state, text('cleaning', { visitKind: 'cleaning' }), facts).state.draft?.typeId).toBe('t-scale');
    expect(step(state, text('2'), facts).state.draft?.typeId).toBe('t-scale');
    const withDay = step(state, text('check-up next week', { when: NEXT_WEEK }), facts);
    expect(withDay.state.name).toBe('working');
    expect(only(withDay, 'find_times')).toMatchObject({ typeId: 't-check', from: NEXT_WEEK.from, to: NEXT_WEEK.to });
  });

  it('refuses a type no longer bookable and lists the current ones', () => {
    const out = step(state, choice('type:t-gone'), facts);
    expect(out.state.name).toBe('choosing_type');
    expect(body(out)).toMatch(/^That kind of visit can no longer be booked here\./);
  });

  it('asks again after a miss', () => {
    expect(step(state, text('hmm'), facts).state).toMatchObject({ name: 'choosing_type', misses: 1 });
  });
});

describe('choosing_when', () => {
  const state = inState('choosing_when', withType);

  it('looks for the earliest times: now to 30 days on', () => {
    for (const input of [choice('earliest'), text('asap', { intent: 'earliest' })]) {
      const out = step(state, input, facts);
      expect(out.state).toMatchObject({ name: 'working', draft: { awaiting: 'find_times' } });
      expect(out.commands).toEqual([
        { kind: 'find_times', patientId: 'p-ines', typeId: 't-scale', from: NOW, to: at('2027-01-02T09:00') },
      ]);
    }
  });

  it('looks for next week in local days', () => {
    expect(only(step(state, choice('week:next'), facts), 'find_times')).toMatchObject({
      from: at('2026-12-07T00:00'),
      to: at('2026-12-14T00:00'),
    });
  });

  it('looks in a typed day, from now if it has begun', () => {
    const thursday = { from: at('2026-12-03T00:00'), to: at('2026-12-03T12:00') };
    expect(only(step(state, text('today morning', { when: thursday }), facts), 'find_times')).toMatchObject({
      from: NOW,
      to: thursday.to,
    });
  });

  it('says a past day has passed and asks again', () => {
    const yesterday = { from: at('2026-12-02T00:00'), to: at('2026-12-03T00:00') };
    const out = step(state, text('yesterday', { when: yesterday }), facts);
    expect(out.state.name).toBe('choosing_when');
    expect(out.commands).toEqual([]);
    expect(body(out)).toMatch(/^That day has already passed\./);
  });

  it('asks again after a miss or a picture', () => {
    expect(step(state, text('hmm'), facts).state).toMatchObject({ name: 'choosing_when', misses: 1 });
    expect(body(step(state, media, facts))).toMatch(/^Please tap one of the options\.\nWhen would you like to come/);
  });
});

describe('working on find_times', () => {
  const state = inState('working', { ...withWhen, awaiting: 'find_times' });

  it('shows up to ten times as a list with the provider beneath, and "Other days" when there is room', () => {
    const out = step(state, result({ kind: 'times', times: OFFERED }), facts);
    expect(out.state).toMatchObject({ name: 'choosing_time', draft: { offered: OFFERED } });
    const list = out.replies[0];
    expect(list).toMatchObject({ type: 'list', buttonLabel: 'See times' });
    if (list?.type !== 'list') throw new Error('a list');
    expect(list.sections[0]?.rows[4]).toEqual({ id: 'h:h-tue-1030', title: 'Tue 8 Dec 10:30', description: 'Dr Li' });
    expect(list.sections[0]?.rows[5]).toEqual({ id: 'more', title: 'Other days' });
    expect(list.body).toMatch(/^Free times between Monday 7 December and Sunday 13 December\./);
  });

  it('shows ten times and no more', () => {
    const out = step(state, result({ kind: 'times', times: offeredTimes(14) }), facts);
    expect(choiceIds(out)).toHaveLength(10);
    expect(out.state.draft?.offered).toHaveLength(10);
  });

  it('says when none are free and offers other ranges', () => {
    const out = step(state, result({ kind: 'times', times: [] }), facts);
    expect(out.state.name).toBe('choosing_when');
    expect(body(out)).toMatch(/^There is no free time between Monday 7 December and Sunday 13 December\./);
    expect(choiceIds(out)).toEqual(['earliest', 'week:this', 'week:next']);
  });

  it('offers a person when even the next 30 days have nothing', () => {
    const earliest = inState('working', {
      ...withType,
      when: { from: NOW, to: at('2027-01-02T09:00') },
      awaiting: 'find_times',
    });
    const out = step(earliest, result({ kind: 'times', times: [] }), facts);
    expect(body(out)).toMatch(/^There is no free time in the next 30 days\. Please call us on \+230 464 1234/);
    expect(choiceIds(out)).toEqual(['menu:human', 'menu:greeting']);
  });

  it('hands over when the search failed', () => {
    const out = step(state, result({ kind: 'failed', command: 'find_times' }), facts);
    expect(out.state.name).toBe('idle');
    expect(out.commands).toEqual([{ kind: 'hand_over', reason: 'needs_staff' }]);
  });

  it('does not search again by itself when the type stopped being bookable', () => {
    const out = step(state, result({ kind: 'time_gone', reason: 'not_bookable' }), facts);
    expect(out.state.name).toBe('idle');
    expect(kinds(out)).toEqual([]);
    expect(body(out)).toMatch(/^That kind of visit can no longer be booked here\./);
  });

  it('ignores a result it does not wait for', () => {
    const out = step(state, result({ kind: 'booked', appointmentId: 'x', time: TUESDAY_1030 }), facts);
    expect(out).toMatchObject({ state, replies: [], commands: [] });
  });
});

describe('choosing_time', () => {
  const state = inState('choosing_time', showing);

  it('holds a tapped time', () => {
    const out = step(state, choice('h:h-tue-1030', TUESDAY_1030), facts);
    expect(out.state).toMatchObject({ name: 'working', draft: { awaiting: 'hold' } });
    expect(out.commands).toEqual([{ kind: 'hold', handle: 'h-tue-1030', patientId: 'p-ines', typeId: 't-scale' }]);
  });

  it('picks a typed row number or clock time from the offered times', () => {
    expect(only(step(state, text('2'), facts), 'hold').handle).toBe('h2');
    expect(only(step(state, text('10:30'), facts), 'hold').handle).toBe('h-tue-1030');
    expect(only(step(state, text('à 10h30 svp'), facts), 'hold').handle).toBe('h-tue-1030');
    expect(only(step(state, text('8.30am'), facts), 'hold').handle).toBe('h2');
  });

  it('asks which one when a typed time fits two rows', () => {
    const twoDays = { ...showing, offered: [...offeredTimes(1), ...offeredTimes(1, '2026-12-09T08:00', 'w')] };
    const out = step(inState('choosing_time', twoDays), text('08:00'), facts);
    expect(out.state.name).toBe('choosing_time');
    expect(out.commands).toEqual([]);
    const onWednesday = { from: at('2026-12-09T00:00'), to: at('2026-12-10T00:00') };
    expect(
      only(step(inState('choosing_time', twoDays), text('wednesday 8:00', { when: onWednesday }), facts), 'hold')
        .handle,
    ).toBe('w1');
  });

  it('looks again for another typed day', () => {
    const friday = { from: at('2026-12-11T00:00'), to: at('2026-12-12T00:00') };
    const out = step(state, text('friday instead', { when: friday }), facts);
    expect(only(out, 'find_times')).toMatchObject({ from: friday.from, to: friday.to });
  });

  it('asks when again on "Other days"', () => {
    const out = step(state, choice('more'), facts);
    expect(out.state.name).toBe('choosing_when');
    expect(choiceIds(out)).toEqual(['earliest', 'week:this', 'week:next']);
  });

  it('looks again, saying why, when a tapped time is no longer valid', () => {
    const out = step(state, choice('h:h2'), facts);
    expect(out.state).toMatchObject({ name: 'working', draft: { searchAgain: 'expired' } });
    expect(only(out, 'find_times')).toMatchObject({ from: NEXT_WEEK.from });
    const list = step(out.state, result({ kind: 'times', times: offeredTimes(2, '2026-12-10T09:00', 'n') }), facts);
    expect(body(list)).toMatch(/^That time is no longer available\.\n\nFree times/);
  });

  it('re-shows the list on a picture', () => {
    const out = step(state, media, facts);
    expect(out.replies[0]).toMatchObject({ type: 'list', buttonLabel: 'See times' });
    expect(body(out)).toMatch(/^Please tap one of the options\./);
  });
});

describe('working on hold', () => {
  const state = inState('working', { ...showing, awaiting: 'hold' });

  it('says the held time back in full with Confirm and Change', () => {
    const out = step(state, result({ kind: 'held', holdId: 'hold-1', time: TUESDAY_1030 }), facts);
    expect(out.state).toMatchObject({ name: 'confirming_booking', draft: { hold: { holdId: 'hold-1' } } });
    expect(out.replies).toEqual([
      {
        type: 'buttons',
        body: 'Tuesday 8 December at 10:30 with Dr Li, scale & polish, for Inès. Shall I confirm?',
        buttons: [
          { id: 'confirm', title: 'Confirm' },
          { id: 'change', title: 'Change' },
        ],
      },
    ]);
  });

  it('says plainly that the time went, and looks for others over the same days', () => {
    const gone = step(state, result({ kind: 'time_gone', reason: 'taken' }), facts);
    expect(only(gone, 'find_times')).toMatchObject({ from: NEXT_WEEK.from, to: NEXT_WEEK.to });
    const list = step(gone.state, result({ kind: 'times', times: offeredTimes(3, '2026-12-09T09:00', 'n') }), facts);
    expect(body(list)).toMatch(/^Sorry, that time has just been taken\.\n\nFree times/);
    expect(list.state.draft?.earlierHandles).toContain('h-tue-1030');
  });
});

describe('confirming_booking', () => {
  const state = inState('confirming_booking', holding);

  it('books on Confirm or a typed yes', () => {
    for (const yes of [choice('confirm'), text('oui', { intent: 'yes', language: 'fr' })]) {
      const out = step(state, yes, facts);
      expect(out.state).toMatchObject({ name: 'working', draft: { awaiting: 'book' } });
      expect(out.commands).toEqual([{ kind: 'book', holdId: 'hold-1', patientId: 'p-ines', handle: 'h-tue-1030' }]);
    }
  });

  it('releases the time and shows the times again on Change or no', () => {
    for (const no of [choice('change'), text('no', { intent: 'no' })]) {
      const out = step(state, no, facts);
      expect(out.state.name).toBe('choosing_time');
      expect(out.state.draft?.hold).toBeUndefined();
      expect(out.commands).toEqual([{ kind: 'release_hold', holdId: 'hold-1' }]);
      expect(body(out)).toMatch(/^No problem\. Choose another time below/);
    }
  });

  it('switches to another tapped time, releasing the first', () => {
    const out = step(state, choice('h:h1', OFFERED[0]), facts);
    expect(out.commands).toEqual([
      { kind: 'release_hold', holdId: 'hold-1' },
      { kind: 'hold', handle: 'h1', patientId: 'p-ines', typeId: 't-scale' },
    ]);
  });

  it('says the same time back again on a second tap of its row', () => {
    const out = step(state, choice('h:h-tue-1030', TUESDAY_1030), facts);
    expect(out.state.name).toBe('confirming_booking');
    expect(out.commands).toEqual([]);
    expect(body(out)).toMatch(/Shall I confirm\?$/);
  });

  it('drops the booking on "cancel" or "never mind"', () => {
    for (const input of [text('cancel', { intent: 'cancel' }), text('never mind')]) {
      const out = step(state, input, facts);
      expect(out.state.name).toBe('idle');
      expect(out.commands).toEqual([{ kind: 'release_hold', holdId: 'hold-1' }]);
      expect(body(out)).toBe("OK, I've stopped there. Nothing was booked or changed.");
    }
  });

  it('answers a question without losing the held time', () => {
    const out = step(state, text('where are you?', { intent: 'address' }), facts);
    expect(out.state).toEqual(state);
    expect(out.commands).toEqual([]);
    expect(body(out)).toMatch(/To carry on where we were, just answer my last question\.$/);
  });

  it('starts another request, releasing the held time', () => {
    const out = step(state, text('actually I want to move my appointment', { intent: 'reschedule' }), facts);
    expect(out.state.name).toBe('choosing_appointment');
    expect(out.commands).toEqual([{ kind: 'release_hold', holdId: 'hold-1' }]);
  });

  it('asks to tap on a picture, saying the time back again', () => {
    const out = step(state, media, facts);
    expect(out.replies[0]).toMatchObject({ type: 'buttons' });
    expect(body(out)).toMatch(/^Please tap one of the options\.\nTuesday 8 December at 10:30/);
  });

  it('releases the held time when it expires', () => {
    const out = step(state, expired, facts);
    expect(out.state).toMatchObject({ name: 'idle', draft: null });
    expect(out.commands).toEqual([{ kind: 'release_hold', holdId: 'hold-1' }]);
    expect(body(out)).toBe(
      "We hadn't heard from you for a while, so I've stopped there and released the time I was holding. Write to me any time to start again.",
    );
  });
});

describe('working on book', () => {
  const state = inState('working', { ...holding, awaiting: 'book' });

  it('confirms with the date, time, dentist, address and how to cancel', () => {
    const out = step(state, result({ kind: 'booked', appointmentId: 'a-new', time: TUESDAY_1030 }), facts);
    expect(out.state).toMatchObject({
      name: 'idle',
      draft: null,
      recent: { done: { kind: 'booked', appointmentId: 'a-new' } },
    });
    expect(out.commands).toEqual([]);
    expect(body(out)).toBe(
      'Your appointment is booked: Tuesday 8 December at 10:30 with Dr Li, scale & polish, for Inès.\nAddress: 12 Royal Road, Rose Hill\nTo cancel, reply "cancel".',
    );
  });

  it('looks for other times when the time was taken, releasing the hold', () => {
    const out = step(state, result({ kind: 'time_gone', reason: 'taken' }), facts);
    expect(out.commands).toEqual([
      { kind: 'release_hold', holdId: 'hold-1' },
      { kind: 'find_times', patientId: 'p-ines', typeId: 't-scale', from: NEXT_WEEK.from, to: NEXT_WEEK.to },
    ]);
  });

  it('offers times again when the hold lapsed', () => {
    const out = step(state, result({ kind: 'hold_lapsed' }), facts);
    expect(kinds(out)).toEqual(['find_times']);
    const list = step(out.state, result({ kind: 'times', times: OFFERED }), facts);
    expect(body(list)).toMatch(/^The time I was holding for you has been released/);
  });

  it('hands over when booking failed', () => {
    const out = step(state, result({ kind: 'failed', command: 'book' }), facts);
    expect(out.commands).toEqual([
      { kind: 'release_hold', holdId: 'hold-1' },
      { kind: 'hand_over', reason: 'needs_staff' },
    ]);
  });

  it('carries on at the confirmation if the patient writes while the booking result was lost', () => {
    const out = step(state, choice('confirm'), facts);
    expect(out.commands).toEqual([{ kind: 'book', holdId: 'hold-1', patientId: 'p-ines', handle: 'h-tue-1030' }]);
  });
});

describe('choosing_appointment', () => {
  const moving = inState('choosing_appointment', { goal: 'reschedule' });
  const cancelling = inState('choosing_appointment', { goal: 'cancel' });

  it('lists only this number’s appointments, by date and first name', () => {
    const out = step(STARTED, text('move my appointment', { intent: 'reschedule' }), facts);
    expect(out.state.name).toBe('choosing_appointment');
    const list = out.replies[0];
    if (list?.type !== 'list') throw new Error('a list');
    expect(list.sections[0]?.rows).toEqual([
      { id: 'appt:a-ines', title: 'Fri 11 Dec 14:00', description: 'Inès · Check-up' },
      { id: 'appt:a-noah', title: 'Mon 14 Dec 09:00', description: 'Noah · Scale & polish' },
    ]);
  });

  it('asks when to move the chosen appointment', () => {
    const out = step(moving, choice('appt:a-noah'), facts);
    expect(out.state).toMatchObject({
      name: 'choosing_when',
      draft: { appointmentId: 'a-noah', patientId: 'p-noah', typeId: 't-scale' },
    });
    expect(body(out)).toBe(
      'Your appointment: Monday 14 December at 09:00 with Priya Ramsamy, for Noah.\n\nWhen would you like to move it to? Choose below, or type a day (for example "Thursday morning").',
    );
  });

  it('asks to confirm cancelling the chosen appointment', () => {
    const out = step(cancelling, choice('appt:a-ines'), facts);
    expect(out.state.name).toBe('confirming_cancel');
    expect(out.replies[0]).toEqual({
      type: 'buttons',
      body: 'Cancel this appointment: Friday 11 December at 14:00 with Dr Li, for Inès?',
      buttons: [
        { id: 'cancel_yes', title: 'Yes, cancel it' },
        { id: 'cancel_no', title: 'No, keep it' },
      ],
    });
  });

  it('reads a typed number, day or first name', () => {
    expect(step(cancelling, text('2'), facts).state.draft?.appointmentId).toBe('a-noah');
    expect(step(cancelling, text('noah'), facts).state.draft?.appointmentId).toBe('a-noah');
    const friday = { from: at('2026-12-11T00:00'), to: at('2026-12-12T00:00') };
    expect(step(cancelling, text('the one on friday', { when: friday }), facts).state.draft?.appointmentId).toBe(
      'a-ines',
    );
  });

  it('never acts on another number’s appointment', () => {
    const out = step(cancelling, choice('appt:a-stranger'), facts);
    expect(out.state.name).toBe('choosing_appointment');
    expect(out.commands).toEqual([]);
    expect(shownText(out)).not.toMatch(/9 Dec/);
  });

  it('hands a late change to a person', () => {
    const late = makeFacts({ upcoming: [UPCOMING.aishaTomorrow, UPCOMING.ines] });
    for (const goal of ['reschedule', 'cancel'] as const) {
      const out = step(inState('choosing_appointment', { goal }), choice('appt:a-aisha'), late);
      expect(out.state.name).toBe('idle');
      expect(out.commands).toEqual([{ kind: 'hand_over', reason: 'late_cancellation' }]);
      expect(body(out)).toMatch(/less than 24 hours away, so I can't (move|cancel) it here/);
    }
  });
});

describe('confirming_cancel', () => {
  const state = inState('confirming_cancel', {
    goal: 'cancel',
    appointmentId: 'a-ines',
    patientId: 'p-ines',
    givenName: 'Inès',
  });

  it('cancels with the reason on Yes', () => {
    for (const yes of [choice('cancel_yes'), text('wi', { intent: 'yes', language: 'mfe' })]) {
      const out = step(state, yes, facts);
      expect(out.state).toMatchObject({ name: 'working', draft: { awaiting: 'cancel' } });
      expect(out.commands).toEqual([
        { kind: 'cancel', appointmentId: 'a-ines', reason: 'Cancelled by the patient on WhatsApp' },
      ]);
    }
  });

  it('keeps the appointment on No', () => {
    const out = step(state, choice('cancel_no'), facts);
    expect(out.state.name).toBe('idle');
    expect(out.commands).toEqual([]);
    expect(body(out)).toBe('OK, your appointment stays as it is.');
  });

  it('asks to tap on a picture', () => {
    expect(body(step(state, media, facts))).toMatch(/^Please tap one of the options\.\nCancel this appointment/);
  });
});

describe('working on cancel and move', () => {
  const cancelling = inState('working', {
    goal: 'cancel',
    appointmentId: 'a-ines',
    patientId: 'p-ines',
    givenName: 'Inès',
    awaiting: 'cancel',
  });

  it('confirms a cancellation and offers to book again', () => {
    const out = step(cancelling, result({ kind: 'cancelled', appointmentId: 'a-ines' }), facts);
    expect(out.state).toMatchObject({ name: 'idle', recent: { done: { kind: 'cancelled' } } });
    expect(body(out)).toBe(
      'Cancelled: Friday 11 December at 14:00 with Dr Li, for Inès. Would you like to book another time?',
    );
    expect(choiceIds(out)).toEqual(['menu:book', 'menu:thanks']);
  });

  it('hands over when the calendar says it is too late', () => {
    const out = step(cancelling, result({ kind: 'too_late', appointmentId: 'a-ines' }), facts);
    expect(out.commands).toEqual([{ kind: 'hand_over', reason: 'late_cancellation' }]);
  });

  const moving = inState('working', {
    goal: 'reschedule',
    appointmentId: 'a-noah',
    patientId: 'p-noah',
    givenName: 'Noah',
    typeId: 't-scale',
    typeName: 'Scale & polish',
    when: NEXT_WEEK,
    offered: OFFERED,
    awaiting: 'move',
  });

  it('confirms a move with the new time', () => {
    const out = step(moving, result({ kind: 'moved', appointmentId: 'a-noah', time: TUESDAY_1030 }), facts);
    expect(out.state.name).toBe('idle');
    expect(body(out)).toBe(
      'Done. Your new appointment: Tuesday 8 December at 10:30 with Dr Li, for Noah.\nAddress: 12 Royal Road, Rose Hill',
    );
  });

  it('offers other times when the new time went', () => {
    const out = step(moving, result({ kind: 'time_gone', reason: 'taken' }), facts);
    expect(only(out, 'find_times')).toMatchObject({ appointmentId: 'a-noah', typeId: 't-scale' });
  });
});

describe('from any state', () => {
  const states: State[] = [
    STARTED,
    inState('choosing_patient', { goal: 'book' }),
    inState('asking_name', { goal: 'book' }, { registration: {} }),
    inState('choosing_time', showing),
    inState('confirming_booking', holding),
    inState('confirming_cancel', { goal: 'cancel', appointmentId: 'a-ines' }),
  ];

  it('gives the emergency instructions at once and hands over, releasing a held time', () => {
    for (const state of states) {
      const out = step(state, text('my face is swollen and it hurts', { intent: 'urgent' }), facts);
      expect(out.state.name).toBe('idle');
      const release = state.draft?.hold ? [{ kind: 'release_hold', holdId: 'hold-1' }] : [];
      expect(out.commands).toEqual([...release, { kind: 'hand_over', reason: 'urgent' }]);
      expect(body(out)).toMatch(
        /^If you are in a lot of pain, call us on \+230 464 1234\. If your face is badly swollen/,
      );
    }
  });

  it('uses the practice’s own emergency instructions when it wrote them', () => {
    const own = makeFacts({ practice: { ...facts.practice, emergencyInstructions: 'Call Dr Li on 5 123 4567.' } });
    expect(body(step(STARTED, text('urgent', { intent: 'urgent' }), own))).toBe(
      'Call Dr Li on 5 123 4567.\n\nA member of the team has been told and will reply here.',
    );
  });

  it('hands over to a person when asked', () => {
    for (const state of states) {
      const out = step(state, text('talk to someone', { intent: 'human' }), facts);
      expect(out.state.name).toBe('idle');
      expect(out.commands.at(-1)).toEqual({ kind: 'hand_over', reason: 'asked' });
    }
  });

  it('opts out with one confirmation, and back in', () => {
    for (const state of states) {
      const out = step(state, text('STOP', { intent: 'stop' }), facts);
      expect(out.commands.at(-1)).toEqual({ kind: 'opt_out' });
      expect(body(out)).toBe(
        "You won't get reminders or messages from us on WhatsApp anymore. Reply START to subscribe again.",
      );
    }
    const back = step(STARTED, text('START', { intent: 'start' }), facts);
    expect(back.commands).toEqual([{ kind: 'opt_in' }]);
  });

  it('switches language, tells the runtime, and asks the pending question in the new language', () => {
    const out = step(
      inState('choosing_type', forInes),
      text('in french please', { intent: 'language', switchTo: 'fr' }),
      facts,
    );
    expect(out.state).toMatchObject({ name: 'choosing_type', language: 'fr', languageChosen: true });
    expect(out.commands).toEqual([{ kind: 'set_language', language: 'fr' }]);
    expect(replyTypes(out)).toEqual(['text', 'list']);
    expect(body(out)).toBe("D'accord, je vous écris en français.");
    expect(body(out, 1)).toBe('Quel type de visite ?');
  });

  it('offers the languages when the switch does not say which', () => {
    const out = step(STARTED, text('other language', { intent: 'language' }), facts);
    expect(choiceIds(out)).toEqual(['lang:en', 'lang:fr', 'lang:mfe']);
    expect(step(out.state, choice('lang:mfe'), facts).state.language).toBe('mfe');
  });
});

describe('language', () => {
  it('follows the record first, then a clearly worded text', () => {
    const french = makeFacts({ preferredLanguage: 'fr' });
    expect(step(STARTED, text('hello', { intent: 'greeting', language: 'en' }), french).state.language).toBe('fr');
    expect(step(STARTED, text('bonzour', { intent: 'greeting', language: 'mfe' }), facts).state.language).toBe('mfe');
    // A name or a number says nothing about the language.
    const asking = inState('asking_name', { goal: 'book' }, { registration: {}, language: 'fr' });
    expect(step(asking, text('Marie Dupont', { language: 'en' }), unknownFacts()).state.language).toBe('fr');
  });

  it('keeps the language the patient asked for over the record', () => {
    const state = { ...STARTED, language: 'mfe' as const, languageChosen: true };
    expect(
      step(state, text('hello', { intent: 'greeting' }), makeFacts({ preferredLanguage: 'fr' })).state.language,
    ).toBe('mfe');
  });
});
