import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import en from '../../i18n/en.json';
import fr from '../../i18n/fr.json';
import { conflictKey, conflictMessage } from './conflict';

const refusal = (code: ApiError['code'], extra?: Record<string, unknown>) =>
  new ApiError({ status: code === 'slot_taken' ? 409 : 422, code, title: code, extra });

/** A key of a translation file, looked up by its dotted path. */
const lookUp = (messages: unknown, key: string) =>
  key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], messages);

describe('what a refused booking or move says', () => {
  const cases: [string, ApiError, string][] = [
    [
      'the provider busy with another appointment (any chair)',
      refusal('slot_taken', { conflictOn: 'provider', conflictingAppointmentId: 'a1' }),
      'That time is no longer free. The provider is busy with another appointment at that time.',
    ],
    [
      'the chair taken',
      refusal('slot_taken', { conflictOn: 'chair', conflictingAppointmentId: 'a2' }),
      'That time is no longer free. The chair already has an appointment at that time.',
    ],
    [
      'a block',
      refusal('slot_taken', { conflictingBlockId: 'b1' }),
      'That time is no longer free. That time is blocked.',
    ],
    [
      'outside the provider’s hours',
      refusal('outside_provider_hours', { providerOnAnotherChair: false }),
      "That is outside the provider's working hours.",
    ],
    [
      'the provider working on another chair then',
      refusal('outside_provider_hours', { providerOnAnotherChair: true }),
      'The provider works on another chair at that time.',
    ],
    ['outside the opening hours', refusal('outside_opening_hours'), "That is outside the practice's opening hours."],
  ];
  const t = (key: string) => String(lookUp(en, key));
  const errorMessage = (e: unknown) => String(lookUp(en, `errors.${(e as ApiError).code}`));

  it.each(cases)('%s', (_, error, words) => {
    expect(conflictMessage(error, errorMessage, t)).toBe(words);
  });

  it('never tells a busy provider they do not work then', () => {
    const busy = conflictMessage(refusal('slot_taken', { conflictOn: 'provider' }), errorMessage, t);
    expect(busy).not.toMatch(/does not work|working hours/);
  });

  it('has every sentence in French too', () => {
    for (const [, error] of cases) {
      const key = conflictKey(error)!;
      expect(lookUp(fr, key), key).toEqual(expect.any(String));
      expect(lookUp(fr, key)).not.toBe(lookUp(en, key));
    }
  });

  it('leaves other refusals to their own message', () => {
    expect(conflictMessage(refusal('practice_closed'), errorMessage, t)).toBe(
      'The practice is closed then (holiday or closure).',
    );
    expect(conflictMessage(new Error('boom'), () => 'Something went wrong.', t)).toBe('Something went wrong.');
  });
});
