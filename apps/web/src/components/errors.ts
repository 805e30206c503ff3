import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

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

/** The server's message for one field of a validation_failed answer. */
export function fieldError(error: unknown, path: string): string | undefined {
  return error instanceof ApiError ? error.fieldError(path) : undefined;
}
