import { ERROR_STATUS, type ErrorCode, type Problem } from '@dentalpro/contracts';

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
  not_bookable_on_whatsapp: 'Patients cannot book this type themselves on WhatsApp',
  internal_error: 'Something went wrong on our side',
};

export interface AppErrorOptions {
  detail?: string;
  errors?: { path: string; message: string }[];
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
