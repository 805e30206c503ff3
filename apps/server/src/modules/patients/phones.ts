import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { AppError } from '../../platform/errors.js';

const INVALID = 'Enter a valid phone number, e.g. +230 5712 3456';

/** E.164 from what people type (Mauritian numbers may omit +230), or undefined when it is not a number. */
export function toE164(raw: string): string | undefined {
  const parsed = parsePhoneNumberFromString(raw.trim(), 'MU');
  return parsed?.isValid() ? parsed.number : undefined;
}

/** E.164 from what people type; '' stays ''. An invalid number is a validation error at `path`. */
export function normalisePhone(raw: string, path = 'phone'): string {
  const trimmed = raw.trim();
  if (!trimmed) return '';
  const e164 = toE164(trimmed);
  if (!e164) throw new AppError('validation_failed', { errors: [{ path, code: 'phone_invalid', message: INVALID }] });
  return e164;
}

/** What the phone search indexes: the national digits (typed from the start) and all digits reversed (typed from the end). */
export function phoneSearchKeys(e164: string): { nationalDigits: string; digitsReversed: string } {
  const parsed = parsePhoneNumberFromString(e164);
  const digits = e164.replace(/\D/g, '');
  return {
    nationalDigits: parsed ? String(parsed.nationalNumber) : digits,
    digitsReversed: [...digits].reverse().join(''),
  };
}
