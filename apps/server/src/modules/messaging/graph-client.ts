/**
 * The few Graph API calls DentalPro makes, over HTTP in Meta's wire format. The base URL is
 * configuration, so tests and the sandbox point it at a fake that speaks the same format.
 */
export interface GraphTarget {
  baseUrl: string;
  version: string;
  accessToken: string;
  /** How long to wait for an answer (tests shorten it). */
  timeoutMs?: number;
}

export type GraphResult<T> =
  | { ok: true; value: T }
  | { ok: false; httpStatus: number | null; code: number | null; message: string; detail: string };

const TIMEOUT_MS = 15_000;

async function call<T>(
  target: GraphTarget,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<GraphResult<T>> {
  let res: Response;
  try {
    res = await fetch(`${target.baseUrl}/${target.version}/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${target.accessToken}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(target.timeoutMs ?? TIMEOUT_MS),
    });
  } catch (err) {
    return {
      ok: false,
      httpStatus: null,
      code: null,
      message: (err as Error).name === 'TimeoutError' ? 'timeout' : 'network error',
      detail: (err as Error).message,
    };
  }
  const text = await res.text().catch(() => '');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, httpStatus: res.status, code: null, message: 'answer is not JSON', detail: '' };
  }
  if (!res.ok) {
    const error = (json as { error?: { code?: unknown; message?: unknown; error_data?: { details?: unknown } } })
      ?.error;
    return {
      ok: false,
      httpStatus: res.status,
      code: typeof error?.code === 'number' ? error.code : null,
      message: typeof error?.message === 'string' ? error.message : `HTTP ${res.status}`,
      detail: typeof error?.error_data?.details === 'string' ? error.error_data.details : '',
    };
  }
  return { ok: true, value: json as T };
}

/** POST /{phone_number_id}/messages; the wamid on success. */
export async function sendGraphMessage(
  target: GraphTarget,
  phoneNumberId: string,
  body: object,
): Promise<GraphResult<{ wamid: string }>> {
  const result = await call<{ messages?: { id?: unknown }[] }>(target, 'POST', `${phoneNumberId}/messages`, body);
  if (!result.ok) return result;
  const wamid = result.value.messages?.[0]?.id;
  if (typeof wamid !== 'string' || wamid === '') {
    // A 200 without a message id: we cannot tell whether Meta took it.
    return { ok: false, httpStatus: 200, code: null, message: 'answer without a message id', detail: '' };
  }
  return { ok: true, value: { wamid } };
}

export function markGraphMessageRead(target: GraphTarget, phoneNumberId: string, wamid: string) {
  return call<{ success?: boolean }>(target, 'POST', `${phoneNumberId}/messages`, {
    messaging_product: 'whatsapp',
    status: 'read',
    message_id: wamid,
  });
}

export function getGraphMediaUrl(target: GraphTarget, mediaId: string) {
  return call<{ url?: string; mime_type?: string; file_size?: number }>(target, 'GET', encodeURIComponent(mediaId));
}

/** Media bytes live at a short-lived URL that also needs the bearer token. */
export async function downloadGraphMedia(target: GraphTarget, url: string, maxBytes: number): Promise<Buffer> {
  const res = await fetch(url, {
    headers: { authorization: `Bearer ${target.accessToken}` },
    signal: AbortSignal.timeout(60_000),
  });
  if (!res.ok) throw new Error(`media download answered HTTP ${res.status}`);
  const length = Number(res.headers.get('content-length') ?? 0);
  if (length > maxBytes) throw new Error('media larger than allowed');
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > maxBytes) throw new Error('media larger than allowed');
  return bytes;
}

/**
 * GET /{phone_number_id}?fields=messaging_limit_tier: the number's messaging limit tier as Meta
 * writes it ("TIER_1K", "TIER_UNLIMITED"...), or null when the answer carries none.
 */
export async function getGraphMessagingLimitTier(
  target: GraphTarget,
  phoneNumberId: string,
): Promise<GraphResult<string | null>> {
  const result = await call<{ messaging_limit_tier?: unknown }>(
    target,
    'GET',
    `${encodeURIComponent(phoneNumberId)}?fields=messaging_limit_tier`,
  );
  if (!result.ok) return result;
  const tier = result.value?.messaging_limit_tier;
  return { ok: true, value: typeof tier === 'string' ? tier : null };
}

export interface GraphTemplate {
  name: string;
  language: string;
  status: string;
  category: string;
  parameter_format?: string;
  components?: {
    type: string;
    text?: string;
    format?: string;
    example?: unknown;
    buttons?: { type: string; text: string }[];
  }[];
}

/** GET /{waba_id}/message_templates, following paging. */
export async function listGraphTemplates(target: GraphTarget, wabaId: string): Promise<GraphResult<GraphTemplate[]>> {
  const all: GraphTemplate[] = [];
  let path = `${wabaId}/message_templates?limit=100&fields=name,language,status,category,parameter_format,components`;
  for (let page = 0; page < 50; page++) {
    const result = await call<{ data?: GraphTemplate[]; paging?: { cursors?: { after?: string }; next?: string } }>(
      target,
      'GET',
      path,
    );
    if (!result.ok) return result;
    all.push(...(result.value.data ?? []));
    const after = result.value.paging?.next ? result.value.paging.cursors?.after : undefined;
    if (!after) break;
    path = `${wabaId}/message_templates?limit=100&fields=name,language,status,category,parameter_format,components&after=${encodeURIComponent(after)}`;
  }
  return { ok: true, value: all };
}
