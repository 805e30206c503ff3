import type {
  PatientImportEncoding,
  PatientImportEvent,
  PatientImportMapping,
  PatientImportProgress,
  PatientImportReport,
} from '@dentalpro/contracts';
import { ApiError, apiUrl } from '../../api/client';

export interface PatientImportRun {
  file: File;
  encoding: PatientImportEncoding;
  mapping: PatientImportMapping;
  dryRun: boolean;
  skipRejected: boolean;
}

/** The file's bytes as base64 (the browser's own encoder: large files stay fast). */
function fileAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read'));
    reader.readAsDataURL(file);
  });
}

/**
 * Checks or imports a file, hearing progress as the server streams it (one JSON object per
 * line), and resolves with the report; a refusal rejects with the ApiError of its problem
 * (for import_rows_rejected, `extra.report` holds the report).
 */
export async function runPatientImport(
  practiceId: string,
  run: PatientImportRun,
  onProgress: (p: PatientImportProgress) => void,
  signal?: AbortSignal,
): Promise<PatientImportReport> {
  const body = {
    fileName: run.file.name,
    csvBase64: await fileAsBase64(run.file),
    encoding: run.encoding,
    mapping: run.mapping,
    dryRun: run.dryRun,
    skipRejected: run.skipRejected,
  };
  let response: Response;
  try {
    response = await fetch(apiUrl(`/practices/${practiceId}/patients/imports`), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/x-ndjson, application/problem+json' },
      body: JSON.stringify(body),
      signal,
    });
  } catch (cause) {
    if ((cause as Error).name === 'AbortError') throw cause;
    throw new ApiError({ status: 0, code: 'network_error', title: 'The server could not be reached' });
  }
  if (!response.ok || !response.body) throw toApiError(response.status, await response.json().catch(() => ({})));

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buffered += value;
    for (let newline = buffered.indexOf('\n'); newline >= 0; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (!line) continue;
      const event = JSON.parse(line) as PatientImportEvent;
      if (event.type === 'progress') onProgress(event);
      else if (event.type === 'report') return event.report;
      else throw toApiError(event.problem.status, event.problem);
    }
    if (done) break;
  }
  throw new ApiError({ status: 0, code: 'network_error', title: 'The connection ended before the import did' });
}

function toApiError(status: number, problem: Record<string, unknown>): ApiError {
  return new ApiError({
    status,
    code: (problem.code as ApiError['code'] | undefined) ?? 'unknown_error',
    title: (problem.title as string | undefined) ?? 'Request failed',
    detail: problem.detail as string | undefined,
    errors: problem.errors as ApiError['errors'] | undefined,
    extra: problem,
  });
}
