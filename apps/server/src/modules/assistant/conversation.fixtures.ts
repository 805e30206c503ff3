import {
  type CommandResult,
  type Facts,
  INITIAL_STATE,
  type Input,
  type OfferedTime,
  type State,
  type Step,
  type Understanding,
} from './assistant.types.js';
import { step } from './conversation.js';

/**
 * A Mauritian practice for the conversation's tests: Dr Li (dentist) and Priya Ramsamy
 * (hygienist), open Monday–Friday 08:00–17:00 and Saturday 08:00–12:00. "Now" is Thursday
 * 3 December 2026, 09:00 in Mauritius (UTC+4). The shared number is Aisha's, also used for her
 * children Inès and Noah; `p-stranger` belongs to another number and must never be shown.
 */
export const NOW = new Date('2026-12-03T05:00:00Z');

export const PATIENTS = {
  aisha: { id: 'p-aisha', givenName: 'Aisha' },
  ines: { id: 'p-ines', givenName: 'Inès' },
  noah: { id: 'p-noah', givenName: 'Noah' },
};

export const TYPES = {
  en: [
    { id: 't-check', name: 'Check-up', durationMinutes: 30 },
    { id: 't-scale', name: 'Scale & polish', durationMinutes: 45 },
  ],
  fr: [
    { id: 't-check', name: 'Contrôle', durationMinutes: 30 },
    { id: 't-scale', name: 'Détartrage', durationMinutes: 45 },
  ],
};

export const UPCOMING = {
  /** Inès, Friday 11 December 14:00 with Dr Li. */
  ines: {
    id: 'a-ines',
    patientId: 'p-ines',
    start: at('2026-12-11T14:00'),
    providerName: 'Dr Li',
    typeName: 'Check-up',
  },
  /** Noah, Monday 14 December 09:00 with the hygienist. */
  noah: {
    id: 'a-noah',
    patientId: 'p-noah',
    start: at('2026-12-14T09:00'),
    providerName: 'Priya Ramsamy',
    typeName: 'Scale & polish',
  },
  /** Aisha, tomorrow 08:30: inside the 24-hour late-cancellation window. */
  aishaTomorrow: {
    id: 'a-aisha',
    patientId: 'p-aisha',
    start: at('2026-12-04T08:30'),
    providerName: 'Dr Li',
    typeName: 'Check-up',
  },
  /** Someone else's appointment that the runtime should never have passed: it must not show. */
  stranger: {
    id: 'a-stranger',
    patientId: 'p-stranger',
    start: at('2026-12-09T11:00'),
    providerName: 'Dr Li',
    typeName: 'Check-up',
  },
};

export function makeFacts(change: Partial<Facts> = {}): Facts {
  return {
    now: NOW,
    timeZone: 'Indian/Mauritius',
    practice: {
      name: 'Sourire Dental Clinic',
      address: '12 Royal Road, Rose Hill',
      phone: '+230 464 1234',
      emergencyInstructions: null,
      openingHoursText: null,
      openingHours: [
        ...[1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '08:00', end: '17:00' })),
        { weekday: 6, start: '08:00', end: '12:00' },
      ],
      lateCancellationHours: 24,
      prices: [
        { name: 'Check-up', amountMinor: 150_000, currency: 'MUR' },
        { name: 'Scale & polish', amountMinor: 200_050, currency: 'MUR' },
      ],
    },
    patients: [PATIENTS.aisha, PATIENTS.ines, PATIENTS.noah],
    preferredLanguage: null,
    visitTypes: TYPES.en,
    upcoming: [UPCOMING.ines, UPCOMING.noah, UPCOMING.stranger],
    ...change,
  };
}

/** Facts of a number with one patient (Aisha alone). */
export function singleFacts(change: Partial<Facts> = {}): Facts {
  return makeFacts({ patients: [PATIENTS.aisha], upcoming: [], ...change });
}

/** Facts of a number the practice does not know. */
export function unknownFacts(change: Partial<Facts> = {}): Facts {
  return makeFacts({ patients: [], upcoming: [], preferredLanguage: null, ...change });
}

/** A Mauritian wall-clock time as an instant: at('2026-12-08T10:30') is 06:30 UTC. */
export function at(local: string): Date {
  return new Date(`${local}:00+04:00`);
}

export function understood(change: Partial<Understanding> = {}): Understanding {
  return { language: 'en', intent: 'unknown', confidence: 0.9, when: null, visitKind: null, ...change };
}

export function text(body: string, change: Partial<Understanding> = {}): Input {
  return { kind: 'text', text: body, understood: understood(change) };
}

export function choice(id: string, resolved?: OfferedTime): Input {
  return { kind: 'choice', id, title: id, ...(resolved ? { resolved } : {}) };
}

export function result(value: CommandResult): Input {
  return { kind: 'result', result: value };
}

export const media: Input = { kind: 'media', mediaType: 'audio' };
export const expired: Input = { kind: 'expired' };

/** Free times on Tuesday 8 December from 08:00, every 30 minutes, Dr Li and the hygienist in turn. */
export function offeredTimes(count: number, firstLocal = '2026-12-08T08:00', prefix = 'h'): OfferedTime[] {
  const first = at(firstLocal).getTime();
  return Array.from({ length: count }, (_, i) => ({
    handle: `${prefix}${i + 1}`,
    start: new Date(first + i * 30 * 60_000),
    end: new Date(first + (i + 1) * 30 * 60_000),
    providerName: i % 2 === 0 ? 'Dr Li' : 'Priya Ramsamy',
  }));
}

/** The time "Tuesday 8 December at 10:30 with Dr Li". */
export const TUESDAY_1030: OfferedTime = {
  handle: 'h-tue-1030',
  start: at('2026-12-08T10:30'),
  end: at('2026-12-08T11:15'),
  providerName: 'Dr Li',
};

export const STARTED: State = { ...INITIAL_STATE, introduced: true };

/** Runs inputs one after another from a state; returns every step. */
export function talk(state: State, facts: Facts, ...inputs: Input[]): Step[] {
  const steps: Step[] = [];
  let current = state;
  for (const input of inputs) {
    const next = step(current, input, facts);
    steps.push(next);
    current = next.state;
  }
  return steps;
}

/** The last step of a conversation. */
export function last(steps: Step[]): Step {
  const final = steps[steps.length - 1];
  if (!final) throw new Error('no steps');
  return final;
}

/** All the text a step shows (bodies, buttons, rows), for "never shows X" checks. */
export function shownText(out: Step): string {
  return out.replies
    .map((reply) => {
      if (reply.type === 'text') return reply.body;
      if (reply.type === 'buttons') return [reply.body, ...reply.buttons.map((b) => b.title)].join('\n');
      return [
        reply.body,
        reply.buttonLabel,
        ...reply.sections.flatMap((s) => s.rows.map((r) => `${r.title} ${r.description ?? ''}`)),
      ].join('\n');
    })
    .join('\n---\n');
}

/** The ids a step offers to tap. */
export function choiceIds(out: Step): string[] {
  return out.replies.flatMap((reply) => {
    if (reply.type === 'buttons') return reply.buttons.map((b) => b.id);
    if (reply.type === 'list') return reply.sections.flatMap((s) => s.rows.map((r) => r.id));
    return [];
  });
}
