import type { ErrorCode } from '@dentalpro/contracts';
import { AppError } from './errors.js';

/**
 * What the database refuses, said once: the SQLSTATEs the services turn into answers for people,
 * and the answer each gets when the caller names nothing more precise. Constraints keep the
 * invariants (unique names and emails, references, no double booking); this turns their refusal
 * into an AppError instead of a 500.
 */
export const SQLSTATE = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  /** An exclusion constraint: two calendar entries that may not overlap do. */
  exclusionViolation: '23P01',
  checkViolation: '23514',
  notNullViolation: '23502',
} as const;

export type SqlState = (typeof SQLSTATE)[keyof typeof SQLSTATE];

/**
 * The answer to each refusal when the caller has no better one. 23P01 is slot_taken: our
 * exclusion constraints are what stop a chair or a provider being booked twice (see
 * CONVENTIONS). A unique key names something already there; a foreign key, something missing.
 * Check and not-null violations stay 500s: they mean our code let bad data through.
 */
const DEFAULT_CODES: Partial<Record<string, ErrorCode>> = {
  [SQLSTATE.exclusionViolation]: 'slot_taken',
  [SQLSTATE.uniqueViolation]: 'duplicate_name',
  [SQLSTATE.foreignKeyViolation]: 'not_found',
};

/** The caller's answers, by SQLSTATE; a refusal not listed gets the default above, if any. */
export type DbErrorMap = Partial<Record<SqlState, () => AppError>>;

/** The SQLSTATE of a database error (23505 unique, 23503 foreign key, 23P01 exclusion, ...), if it is one. */
export function sqlStateOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** The name of the constraint a database error names (pg reports it), if any. */
export function constraintOf(err: unknown): string | undefined {
  const constraint = (err as { constraint?: unknown } | null)?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}

/** The AppError a database refusal becomes (the caller's answer first, then the default), or undefined. */
export function appErrorOfDbError(err: unknown, map: DbErrorMap = {}): AppError | undefined {
  const code = sqlStateOf(err);
  if (!code) return undefined;
  const mapped = map[code as SqlState];
  if (mapped) return mapped();
  const fallback = DEFAULT_CODES[code];
  return fallback ? new AppError(fallback) : undefined;
}

/** Runs a statement, turning the database's refusals into AppErrors; anything else is thrown as it came. */
export async function mapDbErrors<T>(run: () => Promise<T>, map: DbErrorMap = {}): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw appErrorOfDbError(err, map) ?? err;
  }
}
