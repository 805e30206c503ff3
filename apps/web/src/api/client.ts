import type { ErrorCode, FieldError } from '@dentalpro/contracts';

/**
 * One refused field (see FieldError in contracts). The code may be one this build does not know
 * (a newer server), or missing (an older one): screens then show the English message.
 */
export type FieldProblem = Omit<FieldError, 'code'> & { code?: string };

/** An API answer that was not 2xx, carrying the problem+json body the server sends. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | 'network_error' | 'unknown_error';
  readonly title: string;
  readonly detail: string | undefined;
  readonly errors: FieldProblem[];
  readonly retryAfterSeconds: number | undefined;
  /** Members of the problem beyond RFC 9457 (e.g. conflictingAppointmentId and conflictOn of slot_taken). */
  readonly extra: Record<string, unknown>;

  constructor(init: {
    status: number;
    code: ApiError['code'];
    title: string;
    detail?: string | undefined;
    errors?: FieldProblem[] | undefined;
    retryAfterSeconds?: number | undefined;
    extra?: Record<string, unknown> | undefined;
  }) {
    super(init.detail ?? init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.errors = init.errors ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.extra = init.extra ?? {};
  }

  /** The server's problem with one field path (e.g. "owner.email"), if any. */
  fieldProblem(path: string): FieldProblem | undefined {
    return this.errors.find((e) => e.path === path);
  }
}

/**
 * A key that makes a retried POST safe (the server answers a repeat with the first result).
 * From getRandomValues, which, unlike randomUUID, also works on plain-http LAN addresses.
 */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function isApiError(error: unknown, code?: ApiError['code']): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

type Query = Record<string, string | number | undefined | null>;

interface RequestOptions {
  body?: unknown;
  query?: Query;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

function withQuery(path: string, query?: Query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The address of an API path, for what the browser fetches by itself (an <img src>, an EventSource). */
export function apiUrl(path: string, query?: Query): string {
  return withQuery(`/api/v1${path}`, query);
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { ...options.headers, accept: 'application/json, application/problem+json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin', signal: options.signal };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), init);
  } catch (cause) {
    if ((cause as Error).name === 'AbortError') throw cause;
    throw new ApiError({ status: 0, code: 'network_error', title: 'The server could not be reached' });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const problem = (parsed ?? {}) as Partial<{
      code: ErrorCode;
      title: string;
      detail: string;
      errors: FieldProblem[];
      retryAfterSeconds: number;
    }>;
    const retryHeader = Number(response.headers.get('retry-after'));
    throw new ApiError({
      status: response.status,
      code: problem.code ?? 'unknown_error',
      title: problem.title ?? response.statusText ?? 'Request failed',
      detail: problem.detail,
      errors: problem.errors,
      retryAfterSeconds:
        problem.retryAfterSeconds ?? (Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : undefined),
      extra: parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined,
    });
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body: unknown = {}, headers?: Record<string, string>) =>
    request<T>('POST', path, { body, headers }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  delete: <T = void>(path: string) => request<T>('DELETE', path),
};
