import {
  ERROR_STATUS,
  type ErrorCode,
  FIELD_ERROR_CODES,
  type FieldError,
  type FieldErrorCode,
  type Problem,
} from '@dentalpro/contracts';
import type { z } from 'zod';

const TITLES: Partial<Record<ErrorCode, string>> = {
  validation_failed: 'The request is not valid',
  malformed_json: 'The request body is not valid JSON',
  invalid_credentials: 'Email or password is wrong',
  unauthenticated: 'Log in to continue',
  session_expired: 'Your session has ended; log in again',
  mfa_required: 'Enter the code from your authenticator app',
  mfa_invalid_code: 'That code is not valid',
  forbidden: 'Your role does not allow this',
  csrf_origin_mismatch: 'The request did not come from this application',
  login_throttled: 'Too many failed attempts; try again later',
  rate_limited: 'Too many requests; try again shortly',
  not_bookable_on_whatsapp: 'Patients cannot book this type themselves on WhatsApp',
  patient_changed: 'Someone else changed this patient since you opened it',
  patient_archived: 'This patient is archived; reactivate the record to book',
  patient_deceased: 'This patient is recorded as deceased',
  internal_error: 'Something went wrong on our side',
};

export interface AppErrorOptions {
  detail?: string;
  errors?: FieldError[];
  retryAfterSeconds?: number;
  /** Extra members for the problem body, e.g. the conflicting appointment of slot_taken. */
  extra?: Record<string, unknown>;
}

/** The one error type the API throws on purpose. Its code decides the HTTP status. */
export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly options: AppErrorOptions = {},
  ) {
    super(options.detail ?? TITLES[code] ?? code.replaceAll('_', ' '));
    this.status = ERROR_STATUS[code];
  }

  toProblem(instance?: string): Problem & Record<string, unknown> {
    return {
      type: `https://dentalpro.mu/problems/${this.code.replaceAll('_', '-')}`,
      title: TITLES[this.code] ?? sentence(this.code),
      status: this.status,
      code: this.code,
      ...(this.options.detail ? { detail: this.options.detail } : {}),
      ...(instance ? { instance } : {}),
      ...(this.options.errors ? { errors: this.options.errors } : {}),
      ...(this.options.retryAfterSeconds !== undefined ? { retryAfterSeconds: this.options.retryAfterSeconds } : {}),
      ...this.options.extra,
    };
  }
}

function sentence(code: string) {
  const s = code.replaceAll('_', ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export const notFound = (code: ErrorCode = 'not_found', detail?: string) => new AppError(code, { detail });

/** The fields of a zod issue the mapping reads; fastify-type-provider-zod hands them over flattened like this too. */
export type ZodIssueFields = Pick<z.core.$ZodIssue, 'code' | 'path' | 'message'> & {
  origin?: string;
  format?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  /** unrecognized_keys: the keys not taken. */
  keys?: readonly string[];
  params?: { code?: unknown; minimum?: unknown; maximum?: unknown };
};

/**
 * A zod issue as a field error. `input` is what was validated: zod leaves the value out of its
 * issues, and a missing field (not a wrong one) is told apart by looking it up there.
 */
export function fieldErrorOf(issue: ZodIssueFields, input: unknown, prefix = ''): FieldError {
  const path = prefix + issue.path.map(String).join('.');
  const at = (code: FieldErrorCode, params?: FieldError['params']): FieldError => ({
    path: path || '(root)',
    code,
    message: issue.message,
    ...(params ? { params } : {}),
  });
  const limit = (n: number | bigint | undefined) => (n === undefined ? undefined : Number(n));
  const text = issue.origin === 'string';
  const list = issue.origin === 'array' || issue.origin === 'set';
  switch (issue.code) {
    case 'invalid_type':
      return at(valueAt(input, issue.path) === undefined ? 'required' : 'invalid_type');
    case 'too_small': {
      const minimum = limit(issue.minimum);
      if (text && minimum === 1) return at('required');
      return at(text ? 'too_short' : list ? 'too_few' : 'too_small', minimum === undefined ? undefined : { minimum });
    }
    case 'too_big': {
      const maximum = limit(issue.maximum);
      return at(text ? 'too_long' : list ? 'too_many' : 'too_large', maximum === undefined ? undefined : { maximum });
    }
    case 'invalid_format':
      if (issue.format === 'email') return at('email_invalid');
      if (issue.format === 'date' || issue.format === 'datetime') return at('date_invalid');
      return at('invalid_format');
    case 'invalid_value':
      // Nothing sent where one of the choices is needed.
      return at(valueAt(input, issue.path) === undefined ? 'required' : 'invalid_value');
    case 'not_multiple_of':
    case 'unrecognized_keys':
      return at(issue.code);
    case 'custom': {
      // A refinement may name its code, and its limits: .refine(fn, { params: { code: 'date_out_of_range', minimum } }).
      const named = issue.params?.code;
      const known = typeof named === 'string' && (FIELD_ERROR_CODES as readonly string[]).includes(named);
      const limits = Object.fromEntries(
        (['minimum', 'maximum'] as const).flatMap((k) => {
          const v = issue.params?.[k];
          return typeof v === 'string' || typeof v === 'number' ? [[k, v]] : [];
        }),
      );
      return at(
        known ? (named as FieldErrorCode) : 'invalid',
        known && Object.keys(limits).length ? limits : undefined,
      );
    }
    default:
      return at('invalid');
  }
}

export function fieldErrorsOf(error: { issues: readonly ZodIssueFields[] }, input: unknown, prefix = ''): FieldError[] {
  return error.issues.flatMap(perKey).map((issue) => fieldErrorOf(issue, input, prefix));
}

/** Unknown keys one by one, each at its own path, so a form can point at the field it should not have sent. */
export function perKey(issue: ZodIssueFields): ZodIssueFields[] {
  if (issue.code !== 'unrecognized_keys' || !issue.keys?.length) return [issue];
  return issue.keys.map((key) => ({
    ...issue,
    path: [...issue.path, key],
    message: `Unrecognized key: "${key}"`,
  }));
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
