import { describe, expect, it } from 'vitest';
import type { Facts, Input, State } from './assistant.types.js';
import { step } from './conversation.js';
import { makeFacts, NOW, offeredTimes, STARTED, singleFacts, TYPES } from './conversation.fixtures.js';
import { understand } from './understanding/understand.js';

/**
 * The seam between the two pure parts: patients' own sentences read by the real understanding
 * and answered by the conversation, as the runtime chains them.
 */

function say(textSent: string, state: State, facts: Facts) {
  const input: Input = {
    kind: 'text',
    text: textSent,
    understood: understand(textSent, { at: NOW, timeZone: facts.timeZone, languageHint: state.language }),
  };
  return step(state, input, facts);
}

describe('the conversation on the real understanding', () => {
  it('"Ki ler zot ouver samdi?" gets Saturday’s hours in Creole', () => {
    const out = say('Ki ler zot ouver samdi?', STARTED, makeFacts());
    expect(out.replies[0]?.body).toBe('Samdi nou ouver 8h–12h.');
  });

  it('Aisha’s French request asks who it is for, then searches next week for a scale and polish', () => {
    const facts = makeFacts({ visitTypes: TYPES.fr });
    const asked = say('Bonjour, je voudrais un rendez-vous pour un détartrage la semaine prochaine', STARTED, facts);
    expect(asked.state).toMatchObject({ name: 'choosing_patient', language: 'fr', draft: { typeId: 't-scale' } });
    const search = step(asked.state, { kind: 'choice', id: 'who:p-ines', title: 'Inès' }, facts);
    expect(search.commands[0]).toMatchObject({
      kind: 'find_times',
      typeId: 't-scale',
      from: new Date('2026-12-06T20:00:00Z'),
      to: new Date('2026-12-13T20:00:00Z'),
    });
  });

  it('urgent symptoms and "pa anvoy mesaz" act at once', () => {
    expect(say('I have a terrible toothache and my face is swollen', STARTED, makeFacts()).commands).toEqual([
      { kind: 'hand_over', reason: 'urgent' },
    ]);
    expect(say('pa anvoy mesaz', STARTED, makeFacts()).commands).toEqual([{ kind: 'opt_out' }]);
  });

  it('a typed "10:30", "2" or "wi" answers the question on screen', () => {
    const facts = singleFacts();
    const times = offeredTimes(6);
    const choosing: State = {
      ...STARTED,
      name: 'choosing_time',
      draft: { goal: 'book', patientId: 'p-aisha', typeId: 't-check', typeName: 'Check-up', offered: times },
    };
    expect(say('10:30', choosing, facts).commands).toEqual([
      { kind: 'hold', handle: 'h6', patientId: 'p-aisha', typeId: 't-check' },
    ]);
    expect(say('2', choosing, facts).commands[0]).toMatchObject({ kind: 'hold', handle: 'h2' });
    const confirming: State = {
      ...choosing,
      name: 'confirming_booking',
      draft: { ...choosing.draft!, hold: { holdId: 'hold-1', time: times[1]! } },
    };
    expect(say('wi', confirming, facts).commands[0]).toMatchObject({ kind: 'book', holdId: 'hold-1' });
    expect(say('laisse tomber', confirming, facts).commands).toEqual([{ kind: 'release_hold', holdId: 'hold-1' }]);
  });
});
