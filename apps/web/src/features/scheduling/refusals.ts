import { type RefObject, useEffect } from 'react';
import { ApiError } from '../../api/client';
import { fieldError, useErrorMessage } from '../../components/errors';

/**
 * A refused save of a calendar entry, shown where it belongs: the server's problem for a field
 * beside that field, and a refusal that concerns one field (an end before the start, a provider
 * gone meanwhile) beside it too; anything else stays for the form's alert. After a refusal the
 * focus moves to the first field shown wrong, so a screen reader reads its message.
 */
export function useFieldRefusals(
  error: unknown,
  besideField: Partial<Record<string, string>>,
  form: RefObject<HTMLFormElement | null>,
) {
  const message = useErrorMessage();
  const placedOn = error instanceof ApiError ? besideField[error.code] : undefined;
  useEffect(() => {
    if (error) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [error, form]);
  return {
    of: (path: string) => (placedOn === path ? message(error) : fieldError(error, path)),
    /** What no field shows. */
    rest: placedOn ? null : error,
  };
}
