import { ApiError } from '../api/client';
import { Alert } from './Alert';
import { useErrorMessage } from './errors';

/** Shows a failed request. Field-level problems are shown by the fields; this gives the summary. */
export function ErrorAlert({ error }: { error: unknown }) {
  const message = useErrorMessage();
  if (!error) return null;
  const detail = error instanceof ApiError && error.code === 'unknown_error' ? error.detail : undefined;
  return (
    <Alert tone="error" title={message(error)}>
      {detail}
    </Alert>
  );
}
