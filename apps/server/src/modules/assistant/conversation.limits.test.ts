import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Command,
  type CommandResult,
  type Facts,
  INITIAL_STATE,
  type Input,
  INTENTS,
  type Intent,
  type OfferedTime,
  type ResultCommandKind,
  type State,
  type Step,
  VISIT_KINDS,
} from './assistant.types.js';
import { step } from './conversation.js';
import { choiceIds, makeFacts, NOW, shownText } from './conversation.fixtures.js';
import { checkReplyLimits } from './reply-limits.js';

/**
 * Many generated conversations, with practices whose names, types, providers, addresses and
 * price lists are long or strange, patients who tap old buttons, type anything and send pictures,
 * and command results of every kind. Every reply must fit WhatsApp's limits, and the steps must
 * keep the conversation's promises: one awaited command at most, a held time never dropped
 * without being released, another number's appointment never shown, a long text never echoed.
 */

const DAY = 86_400_000;
const STRANGER = 'Zq9Stranger';
const LONG_TEXT = `LONGTEXT ${'I would like to say something. '.repeat(140)}`.slice(0, 4000);

const RESULT_COMMANDS: ResultCommandKind[] = ['find_times', 'hold', 'book', 'move', 'cancel', 'register_patient'];

const anyText = (maxLength: number) =>
  fc.oneof(
    fc.string({ maxLength, unit: 'grapheme' }),
    fc.constantFrom('Dr Li', 'Priya Ramsamy', 'Détartrage', 'Scale & polish', '😀🦷', '  '),
    fc.string({ minLength: maxLength, maxLength: maxLength * 2, unit: 'grapheme-ascii' }),
  );

/** Lists that are sometimes empty, usually not, sometimes longer than WhatsApp shows. */
function mostlySome<T>(item: fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant<T[]>([]) },
    { weight: 6, arbitrary: fc.array(item, { minLength: 1, maxLength: 3 }) },
    { weight: 2, arbitrary: fc.array(item, { minLength: 4, maxLength: 15 }) },
  );
}

const offeredTime = fc
  .record({
    handle: fc.oneof(
      fc.constantFrom('h1', 'h2', 'h3'),
      fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme-ascii' }),
    ),
    start: fc.integer({ min: 0, max: 40 * 48 }).map((halfHours) => new Date(NOW.getTime() + halfHours * 1_800_000)),
    providerName: anyText(100),
  })
  .map((t): OfferedTime => ({ ...t, end: new Date(t.start.getTime() + 1_800_000) }));

const factsArbitrary: fc.Arbitrary<Facts> = fc
  .record({
    name: anyText(200),
    address: fc.option(anyText(2000)),
    phone: fc.option(fc.constantFrom('+230 464 1234', '+23054567890')),
    emergency: fc.option(anyText(5000)),
    hoursText: fc.option(anyText(5000)),
    hours: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { maxLength: 7 }),
    late: fc.integer({ min: 0, max: 72 }),
    prices: fc.array(
      fc.record({
        name: anyText(200),
        amountMinor: fc.integer({ min: 0, max: 10_000_000 }),
        currency: fc.constantFrom('MUR', 'EUR'),
      }),
      { maxLength: 60 },
    ),
    givenNames: mostlySome(anyText(60)),
    types: mostlySome(fc.record({ name: anyText(120), durationMinutes: fc.integer({ min: 0, max: 480 }) })),
    upcoming: fc.array(
      fc.record({
        patient: fc.nat(20),
        inHours: fc.integer({ min: -48, max: 40 * 24 }),
        providerName: anyText(120),
        typeName: anyText(120),
      }),
      { maxLength: 15 },
    ),
    preferredLanguage: fc.constantFrom(null, 'en', 'fr', 'mfe'),
  })
  .map((g) => {
    const base = makeFacts();
    const patients = g.givenNames.map((givenName, i) => ({ id: `p${i}`, givenName }));
    const visitTypes = g.types.map((type, i) => ({ id: `t${i}`, ...type }));
    const upcoming = g.upcoming.map((a, i) => {
      const own = a.patient < patients.length;
      return {
        id: `a${i}`,
        patientId: own ? `p${a.patient}` : 'p-stranger',
        start: new Date(NOW.getTime() + a.inHours * 3_600_000),
        providerName: own ? a.providerName : STRANGER,
        typeName: own ? (visitTypes[i % Math.max(1, visitTypes.length)]?.name ?? a.typeName) : STRANGER,
      };
    });
    return {
      ...base,
      practice: {
        name: g.name,
        address: g.address,
        phone: g.phone,
        emergencyInstructions: g.emergency,
        openingHoursText: g.hoursText,
        openingHours: g.hours.map((weekday) => ({ weekday, start: '08:00', end: '17:00' })),
        lateCancellationHours: g.late,
        prices: g.prices,
      },
      patients,
      visitTypes,
      upcoming,
      preferredLanguage: g.preferredLanguage,
    } satisfies Facts;
  });

/** What the patient does next, read against what was last shown. */
const actionArbitrary = fc.record({
  kind: fc.oneof(
    { weight: 12, arbitrary: fc.constant('tap' as const) },
    { weight: 5, arbitrary: fc.constant('text' as const) },
    { weight: 2, arbitrary: fc.constant('choice' as const) },
    { weight: 1, arbitrary: fc.constant('media' as const) },
    { weight: 1, arbitrary: fc.constant('expired' as const) },
  ),
  pick: fc.nat(),
  id: fc.constantFrom(
    'confirm',
    'change',
    'cancel_yes',
    'cancel_no',
    'consent_yes',
    'consent_no',
    'earliest',
    'week:next',
    'more',
    'who:other',
    'who:p0',
    'who:nobody',
    'type:t0',
    'type:gone',
    'appt:a0',
    'appt:gone',
    'h:h1',
    'h:unknown',
    'menu:book',
    'menu:reschedule',
    'menu:cancel',
    'menu:human',
    'menu:greeting',
    'menu:nonsense',
    'lang:fr',
    'lang:mfe',
    'lang:xx',
    'x'.repeat(300),
  ),
  resolves: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
  text: fc.oneof(
    fc.constantFrom(
      '2',
      '10:30',
      '9h',
      'Marie Dupont',
      'Marie',
      '12/03/1985',
      '31/02/1990',
      '12/03/2090',
      'never mind',
      '🦷',
      LONG_TEXT,
    ),
    anyText(80),
  ),
  intent: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom<Intent>('book', 'yes', 'unknown') },
    { weight: 3, arbitrary: fc.constantFrom(...INTENTS) },
  ),
  language: fc.constantFrom('en', 'fr', 'mfe' as const),
  confidence: fc.double({ min: 0, max: 1, noNaN: true }),
  when: fc.option(
    fc.record({ fromDays: fc.integer({ min: -3, max: 40 }), lengthHours: fc.integer({ min: 1, max: 24 * 10 }) }),
  ),
  visitKind: fc.option(fc.constantFrom(...VISIT_KINDS)),
  switchTo: fc.option(fc.constantFrom('en', 'fr', 'mfe' as const)),
  result: fc.record({
    pick: fc.nat(),
    times: mostlySome(offeredTime),
    givenName: anyText(60),
  }),
});
type Action = typeof actionArbitrary extends fc.Arbitrary<infer A> ? A : never;

function inputFor(action: Action, last: Step | null, state: State): Input {
  switch (action.kind) {
    case 'tap': {
      const ids = last ? choiceIds(last) : [];
      const id = ids.length > 0 ? ids[action.pick % ids.length]! : action.id;
      const offered = [...(state.draft?.offered ?? []), ...(state.recent?.offered ?? [])];
      const resolved = offered.find((time) => `h:${time.handle}` === id);
      return { kind: 'choice', id, title: id, ...(resolved && action.resolves ? { resolved } : {}) };
    }
    case 'choice':
      return { kind: 'choice', id: action.id, title: action.id };
    case 'text': {
      const when = action.when
        ? (() => {
            const from = new Date(NOW.getTime() + action.when.fromDays * DAY);
            return { from, to: new Date(from.getTime() + action.when.lengthHours * 3_600_000) };
          })()
        : null;
      return {
        kind: 'text',
        text: action.text,
        understood: {
          language: action.language,
          intent: action.intent,
          confidence: action.confidence,
          when,
          visitKind: action.visitKind,
          ...(action.switchTo ? { switchTo: action.switchTo } : {}),
        },
      };
    }
    case 'media':
      return { kind: 'media', mediaType: 'image' };
    default:
      return { kind: 'expired' };
  }
}

/** A result the awaited command could bring. */
function resultFor(command: Command, action: Action): CommandResult {
  const { pick, times, givenName } = action.result;
  const time = times[0] ?? {
    handle: 'h1',
    start: new Date(NOW.getTime() + 5 * DAY),
    end: new Date(NOW.getTime() + 5 * DAY + 1_800_000),
    providerName: 'Dr Li',
  };
  const options: Record<ResultCommandKind, CommandResult[]> = {
    find_times: [
      { kind: 'times', times },
      { kind: 'times', times },
      { kind: 'times', times },
      { kind: 'times', times: [] },
      { kind: 'time_gone', reason: 'not_bookable' },
      { kind: 'failed', command: 'find_times' },
    ],
    hold: [
      { kind: 'held', holdId: `hold-${pick}`, time },
      { kind: 'held', holdId: `hold-${pick}`, time },
      { kind: 'time_gone', reason: 'taken' },
      { kind: 'time_gone', reason: 'closed' },
      { kind: 'failed', command: 'hold' },
    ],
    book: [
      { kind: 'booked', appointmentId: 'a-new', time },
      { kind: 'booked', appointmentId: 'a-new', time },
      { kind: 'time_gone', reason: 'taken' },
      { kind: 'hold_lapsed' },
      { kind: 'failed', command: 'book' },
    ],
    move: [
      { kind: 'moved', appointmentId: 'a0', time },
      { kind: 'time_gone', reason: 'expired' },
      { kind: 'too_late', appointmentId: 'a0' },
    ],
    cancel: [
      { kind: 'cancelled', appointmentId: 'a0' },
      { kind: 'too_late', appointmentId: 'a0' },
    ],
    register_patient: [
      { kind: 'registered', patientId: 'p-new', givenName },
      { kind: 'possible_duplicate' },
      { kind: 'failed', command: 'register_patient' },
    ],
  };
  const list = options[command.kind as ResultCommandKind];
  return list[pick % list.length]!;
}

function checkStep(before: State, input: Input, out: Step): void {
  for (const reply of out.replies) {
    const problems = checkReplyLimits(reply);
    if (problems.length > 0) throw new Error(`${problems.join('; ')} in ${JSON.stringify(reply).slice(0, 400)}`);
  }
  const shown = shownText(out);
  expect(shown).not.toContain(STRANGER);
  expect(shown).not.toContain('LONGTEXT');

  const awaited = out.commands.filter((command) => RESULT_COMMANDS.includes(command.kind as ResultCommandKind));
  expect(awaited.length).toBeLessThanOrEqual(1);
  if (awaited[0]) {
    expect(out.commands.at(-1)).toBe(awaited[0]);
    expect(out.state.name).toBe('working');
    expect(out.state.draft?.awaiting).toBe(awaited[0].kind);
  }

  // A held time is let go whenever the conversation stops holding it, unless it became the booking or lapsed.
  const hold = before.draft?.hold;
  const consumed = input.kind === 'result' && (input.result.kind === 'booked' || input.result.kind === 'hold_lapsed');
  if (hold && out.state.draft?.hold?.holdId !== hold.holdId && !consumed) {
    expect(out.commands).toContainEqual({ kind: 'release_hold', holdId: hold.holdId });
  }
}

describe('every reply of generated conversations fits WhatsApp', () => {
  it('holds over many conversations', () => {
    fc.assert(
      fc.property(
        factsArbitrary,
        fc.array(actionArbitrary, { minLength: 1, maxLength: 40 }),
        fc.constantFrom<State>(
          INITIAL_STATE,
          { ...INITIAL_STATE, language: 'fr' },
          { ...INITIAL_STATE, language: 'mfe' },
        ),
        (facts, actions, start) => {
          let state = start;
          let last: Step | null = null;
          for (const action of actions) {
            const input = inputFor(action, last, state);
            let out = step(state, input, facts);
            checkStep(state, input, out);
            // The runtime feeds each awaited command's result straight back in.
            for (let guard = 0; guard < 6; guard++) {
              const awaited = out.commands.find((c) => RESULT_COMMANDS.includes(c.kind as ResultCommandKind));
              if (!awaited) break;
              const fed: Input = { kind: 'result', result: resultFor(awaited, action) };
              const next = step(out.state, fed, facts);
              checkStep(out.state, fed, next);
              out = next;
            }
            state = out.state;
            last = out.replies.length > 0 ? out : last;
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
