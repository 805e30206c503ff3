import { GuardianContactInput, PatientInput } from '@dentalpro/contracts';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldErrorsOf } from './errors.js';

/** The field errors a schema's refusal becomes, for what was sent. */
function refusals(schema: z.ZodType, input: unknown, prefix = '') {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('expected a refusal');
  return fieldErrorsOf(parsed.error, input, prefix).map(({ path, code, params }) => ({
    path,
    code,
    ...(params ? { params } : {}),
  }));
}

describe('field errors from zod issues', () => {
  it('tells a missing or empty field (required) from a wrong one (invalid_type)', () => {
    expect(refusals(PatientInput, { givenName: '', familyName: 42 })).toEqual([
      { path: 'givenName', code: 'required' },
      { path: 'familyName', code: 'invalid_type' },
    ]);
    expect(refusals(PatientInput, { familyName: 'Li' })).toEqual([{ path: 'givenName', code: 'required' }]);
    expect(refusals(GuardianContactInput, undefined)).toEqual([{ path: '(root)', code: 'required' }]);
  });

  it('gives lengths and counts with their limit', () => {
    const tooMany = Array.from({ length: 11 }, (_, i) => ({ number: `5712 34${10 + i}` }));
    expect(refusals(PatientInput, { givenName: 'A'.repeat(101), familyName: 'Li', phones: tooMany })).toEqual([
      { path: 'givenName', code: 'too_long', params: { maximum: 100 } },
      { path: 'phones', code: 'too_many', params: { maximum: 10 } },
    ]);
    expect(refusals(z.string().min(10), 'short')).toEqual([
      { path: '(root)', code: 'too_short', params: { minimum: 10 } },
    ]);
    expect(refusals(z.array(z.string()).min(2), ['a'])).toEqual([
      { path: '(root)', code: 'too_few', params: { minimum: 2 } },
    ]);
    expect(refusals(z.number().max(5), 6)).toEqual([{ path: '(root)', code: 'too_large', params: { maximum: 5 } }]);
    expect(refusals(z.number().min(1), 0)).toEqual([{ path: '(root)', code: 'too_small', params: { minimum: 1 } }]);
  });

  it('names the formats people type, and the rest by zod issue', () => {
    expect(
      refusals(PatientInput, {
        givenName: 'A',
        familyName: 'B',
        email: 'nope',
        dateOfBirth: '2020-02-30',
        sex: 'x',
        guardianPatientId: 'nope',
      }),
    ).toEqual([
      { path: 'dateOfBirth', code: 'date_invalid' },
      { path: 'sex', code: 'invalid_value' },
      { path: 'email', code: 'email_invalid' },
      { path: 'guardianPatientId', code: 'invalid_format' },
    ]);
    expect(refusals(z.strictObject({ a: z.string() }), { a: 'x', b: 1, c: 2 })).toEqual([
      { path: 'b', code: 'unrecognized_keys' },
      { path: 'c', code: 'unrecognized_keys' },
    ]);
    expect(refusals(z.object({ o: z.strictObject({}) }), { o: { b: 1 } })).toEqual([
      { path: 'o.b', code: 'unrecognized_keys' },
    ]);
    expect(refusals(z.number().multipleOf(5), 7)).toEqual([{ path: '(root)', code: 'not_multiple_of' }]);
    // A choice not made is required; a wrong one is invalid_value.
    expect(refusals(z.object({ role: z.enum(['a', 'b']) }), {})).toEqual([{ path: 'role', code: 'required' }]);
    expect(refusals(z.object({ role: z.enum(['a', 'b']) }), { role: 'c' })).toEqual([
      { path: 'role', code: 'invalid_value' },
    ]);
  });

  it('lets a refinement name its code, and calls any other refinement invalid', () => {
    const named = z
      .object({ a: z.string() })
      .refine((v) => v.a !== 'me', { path: ['a'], params: { code: 'guardian_self' } });
    expect(refusals(named, { a: 'me' })).toEqual([{ path: 'a', code: 'guardian_self' }]);
    const limited = z.string().refine(() => false, {
      params: { code: 'date_out_of_range', minimum: '2000-01-01', maximum: '2031-12-06' },
    });
    expect(refusals(limited, '1999-12-31')).toEqual([
      { path: '(root)', code: 'date_out_of_range', params: { minimum: '2000-01-01', maximum: '2031-12-06' } },
    ]);
    const unnamed = z.string().refine(() => false, { params: { code: 'not_a_code' } });
    expect(refusals(unnamed, 'x')).toEqual([{ path: '(root)', code: 'invalid' }]);
  });

  it('prefixes paths for a list of drafts', () => {
    expect(refusals(PatientInput, { givenName: 'A' }, 'patients.3.')).toEqual([
      { path: 'patients.3.familyName', code: 'required' },
    ]);
  });
});
