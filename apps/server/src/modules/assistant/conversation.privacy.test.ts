import { describe, expect, it } from 'vitest';
import type { Command, Input, State, Step } from './assistant.types.js';
import { step } from './conversation.js';
import {
  choice,
  choiceIds,
  expired,
  makeFacts,
  STARTED,
  shownText,
  singleFacts,
  TUESDAY_1030,
  text,
  talk,
  last,
  understood,
  unknownFacts,
} from './conversation.fixtures.js';

/**
 * A request about one's data in the chat (conversation-privacy.ts): said back, for whom on a
 * shared number, sent through privacy's service as one command, the due date said; never sent
 * without the patient's yes, and never a dead end.
 */

const askCopy: Input = {
  kind: 'text',
  text: 'I want a copy of my data',
  understood: understood({ intent: 'privacy_access' }),
  messageId: 'm-ask-copy',
};
const askDeletion: Input = {
  kind: 'text',
  text: 'Please delete my data',
  understood: understood({ intent: 'privacy_deletion' }),
  messageId: 'm-ask-deletion',
};

function body(out: Step, index = 0): string {
  const reply = out.replies[index];
  if (!reply) throw new Error(`no reply ${index}`);
  return reply.body;
}

function commandsOf(out: Step, kind: Command['kind']) {
  return out.commands.filter((command) => command.kind === kind);
}

describe('a rights request on a number with one patient', () => {
  const facts = singleFacts();

  it('is said back with Send request and Cancel, and nothing is sent yet', () => {
    const out = step(STARTED, askCopy, facts);
    expect(out.state.name).toBe('confirming_privacy');
    expect(body(out)).toContain('a copy of the data we hold about you');
    expect(body(out)).toContain('Send request');
    expect(choiceIds(out)).toEqual(['privacy_send', 'privacy_cancel']);
    expect(out.commands).toEqual([]);
    expect(out.state.privacy).toMatchObject({ type: 'access', patientId: 'p-aisha' });
  });

  it('Send request sends it for the patient, naming the message that asked, and the conversation is idle again', () => {
    const [, sent] = talk(STARTED, facts, askCopy, choice('privacy_send'));
    expect(sent!.state.name).toBe('idle');
    expect(sent!.state.privacy).toBeUndefined();
    // Privacy answers with the due date: the assistant adds nothing of its own.
    expect(sent!.replies).toEqual([]);
    expect(sent!.commands).toEqual([
      { kind: 'record_privacy_request', type: 'access', patientIds: ['p-aisha'], requestMessageId: 'm-ask-copy' },
    ]);
  });

  it('a typed yes sends it too, for the message that asked, not the yes', () => {
    const yes: Input = { ...text('yes', { intent: 'yes' }), messageId: 'm-yes' } as Input;
    const out = last(talk(STARTED, facts, askDeletion, yes));
    expect(commandsOf(out, 'record_privacy_request')).toMatchObject([
      { type: 'deletion', requestMessageId: 'm-ask-deletion' },
    ]);
  });

  it('a second Send request, once idle, sends nothing more', () => {
    const out = last(talk(STARTED, facts, askCopy, choice('privacy_send'), choice('privacy_send')));
    expect(commandsOf(out, 'record_privacy_request')).toEqual([]);
  });

  it.each([
    ['Cancel', choice('privacy_cancel')],
    ['no', text('no', { intent: 'no' })],
    // "cancel" here is not an appointment to cancel.
    ['cancel', text('cancel', { intent: 'cancel' })],
  ])('%s sends nothing and the conversation is idle again', (_label, input) => {
    const out = last(talk(STARTED, facts, askCopy, input));
    expect(out.state.name).toBe('idle');
    expect(out.state.privacy).toBeUndefined();
    expect(out.commands).toEqual([]);
    expect(body(out)).toContain("haven't sent anything");
  });

  it('asks again after a miss, then offers a person: never a dead end', () => {
    const [, first, second] = talk(STARTED, facts, askCopy, text('purple'), text('elephants'));
    expect(first!.state.name).toBe('confirming_privacy');
    expect(choiceIds(first!)).toEqual(['privacy_send', 'privacy_cancel']);
    expect(choiceIds(second!)).toContain('menu:human');
  });

  it('"talk to someone" hands over at the confirmation, and the request is dropped', () => {
    const out = last(talk(STARTED, facts, askCopy, text('talk to someone', { intent: 'human' })));
    expect(out.state.name).toBe('idle');
    expect(out.state.privacy).toBeUndefined();
    expect(out.commands).toEqual([{ kind: 'hand_over', reason: 'asked' }]);
  });

  it('leaving it idle drops it', () => {
    const out = last(talk(STARTED, facts, askCopy, expired));
    expect(out.state.name).toBe('idle');
    expect(out.state.privacy).toBeUndefined();
  });

  it('leaves a booking in progress, letting go of the time it held', () => {
    const holding: State = {
      ...STARTED,
      name: 'confirming_booking',
      draft: {
        goal: 'book',
        patientId: 'p-aisha',
        typeId: 't-check',
        hold: { holdId: 'hold-1', time: TUESDAY_1030 },
        offered: [TUESDAY_1030],
      },
    };
    const out = step(holding, askDeletion, facts);
    expect(out.commands).toEqual([{ kind: 'release_hold', holdId: 'hold-1' }]);
    expect(out.state.name).toBe('confirming_privacy');
    expect(out.state.draft).toBeNull();
  });

  it.each([
    ['privacy_deletion', 'delete your data'],
    ['privacy_correction', 'correct your details'],
    ['privacy_restriction', 'stop using your data'],
  ] as const)('%s is said back as "%s"', (intent, words) => {
    expect(body(step(STARTED, text('…', { intent }), facts))).toContain(words);
  });

  it('in French and in Creole', () => {
    const french = step(
      { ...STARTED, language: 'fr' },
      text('je veux une copie de mes données', { intent: 'privacy_access', language: 'fr' }),
      facts,
    );
    expect(body(french)).toContain('Vous souhaitez recevoir une copie des données');
    expect(shownText(french)).toContain('Envoyer la demande');
    const creole = step(
      { ...STARTED, language: 'mfe' },
      text('efas mo bann done', { intent: 'privacy_deletion', language: 'mfe' }),
      facts,
    );
    expect(body(creole)).toContain('ki nou efas ou bann done');
    expect(shownText(creole)).toContain('Avoy demann');
  });
});

describe('a rights request on a shared number', () => {
  const facts = makeFacts();

  it('asks whom it is for, first names only, nobody else', () => {
    const out = step(STARTED, askCopy, facts);
    expect(out.state.name).toBe('choosing_privacy_patient');
    expect(choiceIds(out)).toEqual(['privacy_who:p-aisha', 'privacy_who:p-ines', 'privacy_who:p-noah']);
    expect(shownText(out)).not.toContain('stranger');
    expect(out.commands).toEqual([]);
  });

  it('a tapped name is said back and only that patient is sent', () => {
    const [, chosen, sent] = talk(STARTED, facts, askCopy, choice('privacy_who:p-ines'), choice('privacy_send'));
    expect(chosen!.state.name).toBe('confirming_privacy');
    expect(body(chosen!)).toContain('about Inès');
    expect(commandsOf(sent!, 'record_privacy_request')).toMatchObject([{ patientIds: ['p-ines'] }]);
  });

  it('a typed first name or row number chooses too; another name is asked again', () => {
    expect(last(talk(STARTED, facts, askCopy, text('noah'))).state.privacy?.patientId).toBe('p-noah');
    expect(last(talk(STARTED, facts, askCopy, text('2'))).state.privacy?.patientId).toBe('p-ines');
    const other = last(talk(STARTED, facts, askCopy, text('Zoe')));
    expect(other.state.name).toBe('choosing_privacy_patient');
    expect(choiceIds(other)).toContain('privacy_who:p-ines');
  });

  it('a tap on a patient not of this number is not taken', () => {
    const out = last(talk(STARTED, facts, askCopy, choice('privacy_who:p-stranger')));
    expect(out.state.name).toBe('choosing_privacy_patient');
  });

  it('"talk to someone" works while choosing', () => {
    const out = last(talk(STARTED, facts, askCopy, text('talk to someone', { intent: 'human' })));
    expect(out.commands).toEqual([{ kind: 'hand_over', reason: 'asked' }]);
    expect(out.state.privacy).toBeUndefined();
  });
});

describe('a rights request from a number with no patient', () => {
  it('records nothing and hands the conversation to a person, saying so', () => {
    const out = step(STARTED, askDeletion, unknownFacts());
    expect(out.state.name).toBe('idle');
    expect(out.commands).toEqual([{ kind: 'hand_over', reason: 'needs_staff' }]);
    expect(body(out)).toContain("couldn't find your record");
  });
});
