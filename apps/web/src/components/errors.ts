import i18n from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError, type FieldProblem } from '../api/client';

/** Turns any thrown error into a sentence for people, from errors.<code> with the problem's title as fallback. */
export function useErrorMessage() {
  const { t } = useTranslation();
  return (error: unknown): string => {
    if (!(error instanceof ApiError)) return t('errors.unknown_error');
    if (error.code === 'login_throttled' && error.retryAfterSeconds !== undefined) {
      return t('errors.login_throttled_minutes', { count: Math.max(1, Math.ceil(error.retryAfterSeconds / 60)) });
    }
    return t(`errors.${error.code}`, { defaultValue: error.title });
  };
}

export type Translate = (key: string, options: Record<string, unknown>) => string;

/** A field problem in the interface language, by its code (fieldErrors.<code>); an unknown code shows the server's own message. */
export function fieldErrorText(problem: FieldProblem, t: Translate): string {
  return problem.code
    ? t(`fieldErrors.${problem.code}`, { ...problem.params, defaultValue: problem.message })
    : problem.message;
}

/** The server's problem with one field of a validation_failed answer, translated. */
export function fieldError(error: unknown, path: string): string | undefined {
  const problem = error instanceof ApiError ? error.fieldProblem(path) : undefined;
  return problem && fieldErrorText(problem, (key, options) => i18n.t(key, options));
}
