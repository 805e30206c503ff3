import type { MessageContent } from '@dentalpro/contracts';

/**
 * Meta's webhook envelope, read defensively: every level may batch several items, any field
 * may be missing (username users have no phone), and types we do not know are kept as
 * `unsupported` rather than rejected.
 */

export interface WebhookContact {
  waId: string | null;
  userId: string | null;
  profileName: string;
}

export interface InboundMessage {
  wamid: string;
  /** The sender's WhatsApp number (digits), absent for username-only users. */
  from: string | null;
  fromUserId: string | null;
  occurredAt: Date;
  type: string;
  /** Null for reactions, which attach to another message instead. */
  content: MessageContent | null;
  contextWamid: string | null;
  reaction: { targetWamid: string; emoji: string } | null;
  media: { id: string; mimeType: string } | null;
  /** `system` messages: the patient moved to a new number. */
  changedNumberTo: string | null;
  raw: Record<string, unknown>;
}

export interface StatusUpdate {
  wamid: string;
  status: string;
  occurredAt: Date;
  recipientId: string | null;
  errors: { code: number | null; title: string; detail: string }[];
}

export interface WebhookChange {
  wabaId: string;
  phoneNumberId: string;
  contacts: WebhookContact[];
  messages: InboundMessage[];
  statuses: StatusUpdate[];
  errors: { code: number | null; title: string }[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null =>
  typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const num = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : null;
};

/** Meta sends Unix seconds as strings; a missing or silly one becomes "now" rather than 1970. */
function timeOf(v: unknown): Date {
  const seconds = num(v);
  return seconds && seconds > 1_000_000_000 ? new Date(seconds * 1000) : new Date();
}

/**
 * Parses a stored body into what PostgreSQL can keep: jsonb refuses \u0000 and unpaired
 * surrogates, which JSON allows, and one such string would fail its whole delivery forever.
 */
export function parseStoredBody(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value === 'string') return storableText(value);
    if (isObj(value) && Object.keys(value).some((k) => storableText(k) !== k))
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), v]));
    return value;
  });
}

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
export function storableText(s: string): string {
  return s.replaceAll('\u0000', '').replace(UNPAIRED_SURROGATE, '\ufffd');
}

/** True when the body is a WhatsApp Business Account webhook at all. */
export function isWhatsAppEnvelope(body: unknown): body is Obj {
  return isObj(body) && body.object === 'whatsapp_business_account' && Array.isArray(body.entry);
}

/** The numbers (phone number ids) an envelope's changes are about, each once. */
export function numbersOfEnvelope(body: Obj): string[] {
  const numbers = new Set<string>();
  for (const entry of arr(body.entry))
    for (const change of isObj(entry) ? arr(entry.changes) : []) {
      const metadata = isObj(change) && isObj(change.value) ? change.value.metadata : undefined;
      const id = isObj(metadata) ? str(metadata.phone_number_id) : undefined;
      if (id) numbers.add(id);
    }
  return [...numbers];
}

export function parseWebhook(body: Obj): WebhookChange[] {
  const changes: WebhookChange[] = [];
  for (const entry of arr(body.entry)) {
    if (!isObj(entry)) continue;
    for (const change of arr(entry.changes)) {
      if (!isObj(change) || !isObj(change.value)) continue;
      const value = change.value;
      const metadata = isObj(value.metadata) ? value.metadata : {};
      const phoneNumberId = str(metadata.phone_number_id);
      if (change.field !== 'messages' || !phoneNumberId) continue;
      changes.push({
        wabaId: str(entry.id) ?? '',
        phoneNumberId,
        contacts: arr(value.contacts).filter(isObj).map(parseContact),
        messages: arr(value.messages)
          .filter(isObj)
          .flatMap((m) => parseMessage(m) ?? []),
        statuses: arr(value.statuses)
          .filter(isObj)
          .flatMap((s) => parseStatus(s) ?? []),
        errors: arr(value.errors)
          .filter(isObj)
          .map((e) => ({ code: num(e.code), title: str(e.title) ?? '' })),
      });
    }
  }
  return changes;
}

function parseContact(c: Obj): WebhookContact {
  return { waId: str(c.wa_id), userId: str(c.user_id), profileName: (isObj(c.profile) && str(c.profile.name)) || '' };
}

function parseStatus(s: Obj): StatusUpdate | null {
  const wamid = str(s.id);
  const status = str(s.status);
  if (!wamid || !status) return null;
  return {
    wamid,
    status,
    occurredAt: timeOf(s.timestamp),
    recipientId: str(s.recipient_id),
    errors: arr(s.errors)
      .filter(isObj)
      .map((e) => ({
        code: num(e.code),
        title: str(e.title) ?? str(e.message) ?? '',
        detail: (isObj(e.error_data) && str(e.error_data.details)) || '',
      })),
  };
}

const MEDIA_TYPES = new Set(['image', 'audio', 'video', 'document', 'sticker']);

function parseMessage(m: Obj): InboundMessage | null {
  const wamid = str(m.id);
  if (!wamid) return null;
  const type = str(m.type) ?? 'unknown';
  const body = isObj(m[type]) ? (m[type] as Obj) : {};
  const context = isObj(m.context) ? m.context : null;
  const message: InboundMessage = {
    wamid,
    from: str(m.from),
    fromUserId: str(m.from_user_id),
    occurredAt: timeOf(m.timestamp),
    type,
    content: null,
    contextWamid: context ? str(context.id) : null,
    reaction: null,
    media: null,
    changedNumberTo: null,
    raw: m,
  };

  if (type === 'reaction') {
    const target = str(body.message_id);
    if (target) message.reaction = { targetWamid: target, emoji: typeof body.emoji === 'string' ? body.emoji : '' };
    else message.content = { type: 'unsupported', originalType: type };
    return message;
  }
  message.content = contentOf(type, body, m);
  if (MEDIA_TYPES.has(type)) {
    const id = str(body.id);
    if (id) message.media = { id, mimeType: str(body.mime_type) ?? 'application/octet-stream' };
  }
  if (type === 'system' && str(body.type) === 'user_changed_number')
    message.changedNumberTo = str(body.wa_id) ?? str(body.new_wa_id);
  return message;
}

function contentOf(type: string, body: Obj, m: Obj): MessageContent {
  switch (type) {
    case 'text':
      return { type: 'text', body: str(body.body) ?? '' };
    case 'interactive': {
      const reply = isObj(body.button_reply) ? body.button_reply : isObj(body.list_reply) ? body.list_reply : null;
      if (reply) {
        const description = str(reply.description);
        return {
          type: 'choice',
          choiceId: str(reply.id) ?? '',
          title: str(reply.title) ?? '',
          ...(description ? { description } : {}),
        };
      }
      if (isObj(body.nfm_reply))
        return { type: 'choice', choiceId: 'flow', title: str(body.nfm_reply.body) ?? 'Form sent' };
      return { type: 'unsupported', originalType: `interactive.${str(body.type) ?? 'unknown'}` };
    }
    case 'button':
      return { type: 'choice', choiceId: str(body.payload) ?? '', title: str(body.text) ?? str(body.payload) ?? '' };
    case 'image':
    case 'audio':
    case 'video':
    case 'document':
    case 'sticker': {
      const caption = str(body.caption);
      const fileName = str(body.filename);
      return {
        type: 'media',
        mediaType: type,
        mimeType: str(body.mime_type) ?? 'application/octet-stream',
        ...(caption ? { caption } : {}),
        ...(fileName ? { fileName } : {}),
        download: str(body.id) ? 'pending' : 'failed',
      };
    }
    case 'location': {
      const latitude = num(body.latitude);
      const longitude = num(body.longitude);
      if (latitude === null || longitude === null) return { type: 'unsupported', originalType: type };
      const name = str(body.name);
      const address = str(body.address);
      return { type: 'location', latitude, longitude, ...(name ? { name } : {}), ...(address ? { address } : {}) };
    }
    case 'contacts': {
      const contacts = arr(m.contacts).filter(isObj);
      return {
        type: 'contacts',
        names: contacts.map((c) => (isObj(c.name) && (str(c.name.formatted_name) ?? str(c.name.first_name))) || '?'),
      };
    }
    case 'order': {
      const items = arr(body.product_items).length;
      return { type: 'system', body: `Order of ${items} item${items === 1 ? '' : 's'}` };
    }
    case 'system':
      return { type: 'system', body: str(body.body) ?? 'System message' };
    default:
      return { type: 'unsupported', originalType: type };
  }
}

/** One line for lists and reply quotes. */
export function previewOf(content: MessageContent): string {
  switch (content.type) {
    case 'text':
      return content.body;
    case 'media':
      return content.caption ?? `[${content.mediaType}]`;
    case 'choice':
      return content.title;
    case 'buttons':
    case 'list':
    case 'template':
      return content.body;
    case 'location':
      return content.name ?? '[location]';
    case 'contacts':
      return `[contact] ${content.names.join(', ')}`;
    case 'system':
      return content.body;
    case 'unsupported':
      return `[${content.originalType}]`;
  }
}
